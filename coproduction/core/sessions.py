"""The session engine (SESSION_ENGINE): Django's database sessions, with each row
indexed by the person it belongs to (see `BrowserSession`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.http import base36_to_int

if TYPE_CHECKING:
    from coproduction.core.models import BrowserSession

# allauth's names for a sign-in or password reset under way, before `_auth_user_id` is
# set: a pending sign-in keeps her id in base 36 under "user_pk" (allauth's
# `user_pk_to_url_str` for an integer key); a reset link keeps "<uidb36>-<token>".
PENDING_LOGIN_KEY = "account_login"
RESET_LINK_KEY = "_password_reset_key"


def _base36(text) -> int | None:
    try:
        return base36_to_int(str(text))
    except ValueError:
        return None


def session_person(data: dict) -> int | None:
    """Whose session this is: signed in as her, or part-way through signing in (or
    resetting a password) as her."""
    try:
        return int(data["_auth_user_id"])
    except (KeyError, TypeError, ValueError):
        pass
    pending = data.get(PENDING_LOGIN_KEY)
    if isinstance(pending, dict) and pending.get("user_pk"):
        return _base36(pending["user_pk"])
    reset_key = data.get(RESET_LINK_KEY)
    if isinstance(reset_key, str) and "-" in reset_key:
        return _base36(reset_key.split("-", 1)[0])
    return None


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[BrowserSession]:
        from coproduction.core.models import BrowserSession

        return BrowserSession

    def create_model_instance(self, data: dict[str, Any]) -> BrowserSession:
        # An instance of get_model_class(), whatever the parent's annotation says.
        instance = cast("BrowserSession", super().create_model_instance(data))
        instance.person_id = session_person(data)
        return instance


def sessions_end(*, person_id: int) -> int:
    """Delete every session that is hers (signed in, or signing in, as her); reads
    no one else's."""
    deleted, _ = SessionStore.get_model_class().objects.filter(person_id=person_id).delete()
    return deleted
