from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_safe

from coproduction.core.middleware import RETURN_TO_KEY
from coproduction.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to her own home: members to the portal, staff to their pages."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return_to = request.session.pop(RETURN_TO_KEY, None)
    if not request.user.is_member:
        return redirect("staff_home")
    # Where a sign-in redirect found her (SignInRedirectMiddleware), kept out of the address bar.
    if return_to and url_has_allowed_host_and_scheme(return_to, allowed_hosts=None):
        return redirect(return_to)
    return redirect("member_home")


@require_GET
def exit_this_page(request: HttpRequest) -> HttpResponse:
    """Exit this page: end the session at once and go to a neutral site.

    A GET, because the button is a link that must work without JavaScript; the
    worst a forged request can do is sign someone out.
    """
    logout(request)
    request.session.flush()
    response = redirect(settings.HEARTH_EXIT_URL)
    response.delete_cookie(settings.CSRF_COOKIE_NAME)
    return response


@require_safe
def exit_explained(request: HttpRequest) -> HttpResponse:
    """What the Exit button does, what it cannot do, and how to browse more safely."""
    return render(request, "core/exit_explained.html")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database answers; when a worker last beat."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = WorkerHeartbeat.objects.filter(name="worker").first()
    age = (timezone.now() - beat.seen_at) if beat else None
    worker_ok = age is not None and age < timedelta(minutes=5)
    return JsonResponse(
        {
            "database": "ok",
            "worker": "ok" if worker_ok else "unknown",
            "worker_seen_seconds_ago": int(age.total_seconds()) if age else None,
        }
    )


# --- error pages ---------------------------------------------------------------------


def _signed_in_staff(request: HttpRequest) -> bool:
    """Whether the request is from staff, judged only from a user already loaded: asking
    for one here could need the database that has just failed."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return bool(user and user.is_authenticated and not user.is_member)


def _safe_error_page(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    """An error page that needs neither the database nor the request: rendered with
    no context processors, so a broken session, user or connection cannot break it."""
    context = {
        "site_name": settings.HEARTH_SITE_NAME,
        "base_template": "base_staff.html" if _signed_in_staff(request) else "base_member.html",
    }
    try:
        body = loader.get_template(template_name).render(context)
    except Exception:  # the last page shown must not fail in turn
        logger.exception("The %s page could not be rendered", status)
        body = f"<!DOCTYPE html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 in the person's shell, without touching what made the request bad."""
    return _safe_error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 in the person's shell. Staff are told what role the page needs (the access
    helpers' message); a member or someone signed out is told nothing about it."""
    reason = str(exception) if isinstance(exception, PermissionDenied) else ""
    user = getattr(request, "user", None)
    is_staff = bool(user and user.is_authenticated and not user.is_member)
    return render(request, "403.html", {"reason": reason if is_staff else ""}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in the person's shell, with a way back."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 that needs no database and no request context (they may be what failed)."""
    return _safe_error_page(request, "500.html", 500)
