"""Password sign-in that costs the same whether or not the address or name has an account."""

from __future__ import annotations

from allauth.account import app_settings
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.userkit import filter_users_by_email, get_user_by_username
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class EvenCostAuthenticationBackend(AuthenticationBackend):
    """Exactly one password hash per attempt: her stored hash is checked, or, when nobody
    has that address or name, a throw-away one is made (Django's own defence, #20760).

    allauth's backend checks a known address twice (once as a name that might be an
    address, once as the address) and Django's ModelBackend, run beside it, hashes once
    more, so a wrong password for a known address cost three hashes and for an unknown
    one two. This is the only backend in AUTHENTICATION_BACKENDS, and it tries at most
    one account.
    """

    def authenticate(self, request: HttpRequest | None, **credentials) -> AbstractBaseUser | None:
        password = credentials.get("password")
        if not password:
            return None
        user = self._candidate(credentials)
        if user is None:
            self._mitigate_timing_attack(password)
            return None
        return self._check_password(user, password)

    def _candidate(self, credentials: dict) -> AbstractBaseUser | None:
        """The one account these credentials name: by address first, then by name."""
        methods = app_settings.LOGIN_METHODS
        for login in (credentials.get("email"), credentials.get("username")):
            if not login:
                continue
            if LoginMethod.EMAIL in methods:
                users = filter_users_by_email(login, prefer_verified=True, for_login=True)
                if users:
                    return users[0]
            if LoginMethod.USERNAME in methods and app_settings.USER_MODEL_USERNAME_FIELD:
                user = get_user_by_username(login)
                if user is not None:
                    return user
        return None
