"""Writes for accounts. Each is atomic, audited, and safe to call twice."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduction import crypto
from coproduction.accounts.models import PasswordLink, User
from coproduction.audit.services import audit_record

PASSWORD_LINK_HOURS = 48


def validate_password_one_problem(password: str, user=None) -> None:
    """Django's password validators, telling only the first problem they find: a list of
    four is too much to read at once."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="password") from None


def password_link_create(*, member: User, acting_user: User) -> tuple[PasswordLink, str]:
    """A single-use link for `member` to make a new password, valid PASSWORD_LINK_HOURS.

    Returns the link and its token, which is shown once to the member of staff and never
    stored. Any earlier link of hers stops working, so only the newest one is live.
    Staff accounts are refused: they reset by e-mail and use a second factor. Whether
    `acting_user` may see `member` is for the caller's access helper to decide.
    """
    if not member.is_member or not member.is_active:
        raise ValidationError("Only a member's account can get a link for a new password.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        PasswordLink.objects.filter(user=member, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        link = PasswordLink.objects.create(
            user=member,
            made_by=acting_user,
            token_hash=crypto.token_hash(token),
            expires_at=now + dt.timedelta(hours=PASSWORD_LINK_HOURS),
        )
        audit_record(
            actor=acting_user, action="password_link.create", subject=link, subject_user=member
        )
    return link, token


def password_link_for_token(token: str) -> PasswordLink | None:
    """The link a token belongs to, if it can still be used."""
    link = (
        PasswordLink.objects.select_related("user")
        .filter(token_hash=crypto.token_hash(token))
        .first()
    )
    if link is None or not link.is_usable or not link.user.is_active:
        return None
    return link


def password_link_use(*, token: str, password: str) -> User:
    """Set her new password from a live link and use the link up, once.

    The password is checked against Django's validators before the link is claimed, so
    a refused password leaves the link working. A second use (a double tap, or the same
    link later) is refused with ValidationError, as is an unknown or old link.
    """
    link = password_link_for_token(token)
    if link is None:
        raise ValidationError("This link does not work.", code="link")
    user = link.user
    validate_password_one_problem(password, user)
    now = timezone.now()
    with transaction.atomic():
        claimed = PasswordLink.objects.filter(
            pk=link.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            raise ValidationError("This link does not work.", code="link")
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="password_link.use", subject=link, subject_user=user)
    return user
