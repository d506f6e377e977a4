from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_safe

from coproduction.core.middleware import RETURN_TO_KEY
from coproduction.core.models import WorkerHeartbeat


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
