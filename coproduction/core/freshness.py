"""A fresh sign-in for the most consequential things (downloading or erasing her data).

allauth's own reauthentication asks for a password or a second factor; a member who
signs in only by code has neither, so here "fresh" means she signed in, by any
method, within the last few minutes — otherwise she is asked to sign in again.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlsplit

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

FRESH_SECONDS = 10 * 60


def signed_in_recently(request, seconds: int = FRESH_SECONDS) -> bool:
    """Whether her last sign-in step in this session happened within `seconds`."""
    records = get_authentication_records(request, request.user)
    return bool(records) and time.time() - records[-1].get("at", 0) <= seconds


def _return_to(request) -> str:
    """Where to come back to after signing in again: this page for a GET; for a form
    post (which cannot be replayed) the page the form was on."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return urlsplit(referer).path
    return "/"


def fresh_sign_in_required(view):
    """Let the view run only after a sign-in within FRESH_SECONDS; otherwise sign her
    out and back in, returning her to the same page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not signed_in_recently(request):
            next_url = _return_to(request)
            logout(request)
            messages.info(request, "For your safety, please sign in again to do this.")
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
        return view(request, *args, **kwargs)

    return wrapper
