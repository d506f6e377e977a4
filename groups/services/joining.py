"""Joining a group: the single-use invitation link, made by a facilitator and accepted by her."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduction import crypto
from coproduction.audit.services import audit_record
from groups.models import (
    AgreementResponse,
    CoproGroup,
    Invitation,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
    normal_email,
)

INVITATION_DAYS = 14


def invitation_create(
    *,
    group: CoproGroup,
    acting_user,
    email: str = "",
    phone: str = "",
    support_worker=None,
) -> tuple[Invitation, str]:
    """A single-use link valid for INVITATION_DAYS. Returns the invitation and the token,
    which is shown once to the facilitator and never stored."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            group=group,
            invited_by=acting_user,
            key_owner_id=_known_person_at(email=email, phone=phone),
            email=normal_email(email),
            phone=phone.strip(),
            support_worker=support_worker,
            token_hash=crypto.token_hash(token),
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        )
        audit_record(actor=acting_user, action="invitation.create", subject=invitation)
    return invitation, token


def _known_person_at(*, email: str, phone: str) -> int | None:
    """The member an invitation to this address is for, if she is already known: its
    address then goes under her key, so erasing her shreds it. None for someone new."""
    if normal_email(email):
        user_id = (
            get_user_model()
            .objects.filter(email__iexact=normal_email(email))
            .values_list("pk", flat=True)
            .first()
        )
        if user_id is not None:
            return user_id
    return (
        Invitation.objects.to_address(email=email, phone=phone)
        .filter(membership__isnull=False)
        .values_list("membership__user_id", flat=True)
        .first()
    )


def _invitations_move_to(user, invitation: Invitation) -> None:
    """Her invitation, and any other still waiting at the same address under an
    invitation's own key, go under her key; the keys they leave are destroyed."""
    waiting = Invitation.objects.to_address(email=invitation.email, phone=invitation.phone).filter(
        accepted_at__isnull=True, key_owner_id__lt=0
    )
    for moving in [invitation, *waiting.exclude(pk=invitation.pk)]:
        old_owner = moving.key_owner_id
        email, phone = moving.email, moving.phone  # read under the old key first
        moving.key_owner_id, moving.email, moving.phone = user.pk, email, phone
        moving.save(update_fields=["key_owner_id", "email", "phone"])
        if old_owner is not None and old_owner < 0:
            if not Invitation.objects.filter(key_owner_id=old_owner).exists():
                crypto.data_key_destroy(old_owner)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, if it can still be used."""
    invitation = (
        Invitation.objects.select_related("group")
        .filter(token_hash=crypto.token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


@dataclass(frozen=True)
class JoinChoices:
    preferred_name: str
    channels: list[str]
    agrees: bool
    password: str = ""


def invitation_accept(*, token: str, choices: JoinChoices):
    """She joins: an account (email optional), her profile and safe-contact profile, an
    active membership, and her answer to the current agreement. Claiming the invitation
    is a conditional UPDATE, so a link used twice (or twice at once) makes one account."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError("This link has expired or has already been used.")
    User = get_user_model()
    with transaction.atomic():
        now = timezone.now()
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now)
        if not claimed:
            raise ValidationError("This link has expired or has already been used.")
        email = invitation.email
        if email and User.objects.filter(email__iexact=email).exists():
            email = ""  # never attach her to, or reveal, someone else's account
        if not email and not choices.password:
            raise ValidationError("Choose a password, so you can sign in.")
        user = User(
            username=_free_username(choices.preferred_name),
            first_name=choices.preferred_name,
            email=email,
            kind=User.Kind.MEMBER,
        )
        if choices.password:
            user.set_password(choices.password)
        else:
            user.set_unusable_password()
        user.save()
        if email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Profile.objects.create(user=user, preferred_name=choices.preferred_name)
        SafeContactProfile.objects.create(
            member=user, channels=list(choices.channels), phone=invitation.phone
        )
        membership = Membership.objects.create(
            user=user,
            group=invitation.group,
            role=Membership.Role.MEMBER,
            status=Membership.Status.ACTIVE,
            invited_by=invitation.invited_by,
            support_worker=invitation.support_worker,
            joined_at=now,
        )
        Invitation.objects.filter(pk=invitation.pk).update(membership=membership)
        _invitations_move_to(user, invitation)
        if invitation.support_worker_id:
            SupportContact.objects.create(
                member=user,
                kind=SupportContact.Kind.SUPPORT_WORKER,
                staff_user_id=invitation.support_worker_id,
            )
        current = invitation.group.agreements.current()
        if current is not None and choices.agrees:
            AgreementResponse.objects.create(version=current, member=user, agrees=True)
        audit_record(actor=user, action="membership.join", subject=membership, subject_user=user)
    return membership


def _free_username(name: str) -> str:
    User = get_user_model()
    base = "".join(ch for ch in name.lower() if ch.isalnum())[:20] or "member"
    candidate = base
    while User.objects.filter(username=candidate).exists():
        candidate = f"{base}{secrets.randbelow(9000) + 1000}"
    return candidate
