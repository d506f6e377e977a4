"""Request guards that hold for every page: caching, session limits, staff MFA."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, get_resolver, get_urlconf, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.log import log_response


class NoStoreMiddleware:
    """Nothing Hearth renders may be kept by a browser or proxy, so Back after
    "Exit this page" or sign-out shows nothing. Static files are served before
    this runs (WhiteNoise) and keep their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Pragma", "no-cache")
        return response


class RefuseNulMiddleware:
    """A NUL character can never be stored in PostgreSQL, and no Hearth address or link
    carries one, so a path or query string holding one is refused with the plain 400
    page before anything reads it. Form bodies are left to the forms: a NUL typed into
    a field is an error on that field, shown beside what she wrote, not a lost page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            # The configured 400 page, answered here so that even a DEBUG run shows
            # the plain page rather than a traceback.
            exception = BadRequest("NUL character in the address")
            handler = get_resolver(get_urlconf()).resolve_error_handler(400)
            # django-stubs types every error handler as taking the request alone; the 400
            # handler takes the exception too, as Django passes it.
            response = handler(request, exception=exception)  # type: ignore[call-arg]
            log_response(
                "Bad request (NUL in the address): %s",
                request.path.replace("\x00", "\\x00"),
                response=response,
                request=request,
            )
            return response
        return self.get_response(request)


# Only staff pages keep their address in a sign-in redirect's `next`; any other page's
# address would sit in her browser history as ".../login/?next=/my/plan/".
SIGN_IN_NEXT_KEPT_UNDER = ("/staff/", "/admin/")
RETURN_TO_KEY = "hearth_return_to"


class SignInRedirectMiddleware:
    """A redirect to sign-in from a member (or any non-staff) page carries no path: the
    page she was on is kept in her session instead, and `home` takes her back to it
    once she has signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not 300 <= response.status_code < 400 or "Location" not in response:
            return response
        location = urlsplit(response["Location"])
        if location.netloc or location.path != resolve_url(settings.LOGIN_URL):
            return response
        query = QueryDict(location.query, mutable=True)
        next_url = query.pop(REDIRECT_FIELD_NAME, [""])[-1]
        if not next_url or urlsplit(next_url).path.startswith(SIGN_IN_NEXT_KEPT_UNDER):
            return response
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            request.session[RETURN_TO_KEY] = next_url
        response["Location"] = urlunsplit(location._replace(query=query.urlencode()))
        return response


LAST_SEEN_KEY = "hearth_last_seen"
SIGNED_IN_KEY = "hearth_signed_in_at"


class SessionLimitsMiddleware:
    """A member's session ends after HEARTH_MEMBER_IDLE_SECONDS idle (and when her
    browser closes, set at sign-in); a staff session after HEARTH_STAFF_SESSION_SECONDS
    from sign-in, however busy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            session = request.session
            if user.is_member:
                last_seen = session.get(LAST_SEEN_KEY, now)
                if now - last_seen > settings.HEARTH_MEMBER_IDLE_SECONDS:
                    logout(request)
                    return redirect(settings.LOGIN_URL)
                if now - last_seen >= 60 or LAST_SEEN_KEY not in session:
                    session[LAST_SEEN_KEY] = now
                if session.get_expire_at_browser_close() is False:
                    session.set_expiry(0)
            else:
                signed_in = session.setdefault(SIGNED_IN_KEY, now)
                if now - signed_in > settings.HEARTH_STAFF_SESSION_SECONDS:
                    logout(request)
                    return redirect(settings.LOGIN_URL)
        return self.get_response(request)


# Allow-lists, not deny-lists: a page allauth (or Hearth) adds later stays closed to
# staff until they have a second factor and have used it in this session.
ALWAYS_OPEN_URL_NAMES = frozenset({"account_logout", "exit", "exit_explained", "healthz"})
MFA_SETUP_URL_NAMES = ALWAYS_OPEN_URL_NAMES | {
    # Setting up a factor asks for her password again first.
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
}
MFA_CHECK_URL_NAMES = ALWAYS_OPEN_URL_NAMES | {
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
}
ALWAYS_OPEN_PREFIXES = ("/static/",)


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class RequireStaffMFAMiddleware:
    """Staff must use a second factor (allauth has no setting for this). With
    HEARTH_REQUIRE_MFA on, staff without an authenticator reach only the pages that set
    one up (and sign-out, exit and health), and staff whose session did not pass an MFA
    check only the pages that ask for one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.HEARTH_REQUIRE_MFA
            and user.is_authenticated
            and user.requires_mfa
            and not request.path.startswith(ALWAYS_OPEN_PREFIXES)
        ):
            name = _url_name(request)
            if not is_mfa_enabled(user):
                if name not in MFA_SETUP_URL_NAMES:
                    return redirect("mfa_activate_totp")
            elif name not in MFA_CHECK_URL_NAMES:
                records = get_authentication_records(request, user)
                if not any(record.get("method") == "mfa" for record in records):
                    return redirect(
                        reverse("mfa_reauthenticate")
                        + "?"
                        + urlencode({"next": request.get_full_path()})
                    )
        return self.get_response(request)
