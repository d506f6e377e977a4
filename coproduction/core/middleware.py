"""Request guards that hold for every page: caching, session limits, staff MFA."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode


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
