"""Her account, as a section of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coproduction.accounts.models import User
from coproduction.core import download
from coproduction.core.download import when


@download.section("account", _("Account"), order=download.ACCOUNT, covers=(User,))
def account(member) -> dict:
    """How she signs in, and since when."""
    return {
        "username": member.username,
        "email": member.email,
        "joined": when(member.date_joined),
        "last_sign_in": when(member.last_login),
    }
