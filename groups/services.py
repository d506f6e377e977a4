"""Writes for groups and people. Each is atomic, audited, and safe to call twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduction import crypto
from coproduction.audit.services import audit_record
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Invitation,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
    SupportPlan,
    Training,
    normal_email,
    staff_around,
)

INVITATION_DAYS = 14
BREAK_TOO_LONG = "Pick a date within a year from today."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- joining -------------------------------------------------------------------


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
            token_hash=hash_token(token),
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
        Invitation.objects.select_related("group").filter(token_hash=hash_token(token)).first()
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


# --- her details ---------------------------------------------------------------


def profile_update(*, member, acting_user, **fields) -> Profile:
    """Save her profile. Only `preferred_name` is required."""
    with transaction.atomic():
        profile, _ = Profile.objects.get_or_create(
            user=member, defaults={"preferred_name": member.first_name or member.username}
        )
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.updated_at = timezone.now()
        profile.full_clean()
        profile.save()
        if member.first_name != profile.preferred_name:
            member.first_name = profile.preferred_name
            member.save(update_fields=["first_name"])
        audit_record(
            actor=acting_user, action="profile.update", subject=profile, subject_user=member
        )
    return profile


def safe_contact_update(*, member, acting_user, **fields) -> SafeContactProfile:
    """Save how she may be contacted; saving it also confirms it is still right."""
    with transaction.atomic():
        profile, _ = SafeContactProfile.objects.get_or_create(member=member)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.confirmed_at = timezone.now()
        profile.save()
        audit_record(
            actor=acting_user, action="safe_contact.update", subject=profile, subject_user=member
        )
    return profile


def support_contact_add(*, member, acting_user, **fields) -> SupportContact:
    """Add someone she may be put in touch with."""
    with transaction.atomic():
        contact = SupportContact.objects.create(member=member, **fields)
        audit_record(
            actor=acting_user, action="support_contact.add", subject=contact, subject_user=member
        )
    return contact


def support_contact_remove(*, contact: SupportContact, acting_user) -> None:
    """Remove one of her support contacts. Removing one already gone does nothing."""
    with transaction.atomic():
        member_id = contact.member_id
        deleted, _ = SupportContact.objects.filter(pk=contact.pk).delete()
        if deleted:
            audit_record(
                actor=acting_user,
                action="support_contact.remove",
                subject=contact,
                subject_user=get_user_model()(pk=member_id),
            )


def support_plan_save(*, member, acting_user, **fields) -> SupportPlan:
    """Save her plan, in her words. Only she writes it."""
    if acting_user.pk != member.pk:
        raise ValidationError("Only she can write her support plan.")
    with transaction.atomic():
        plan, _ = SupportPlan.objects.get_or_create(member=member)
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.updated_at = timezone.now()
        plan.save()
        audit_record(
            actor=acting_user, action="support_plan.update", subject=plan, subject_user=member
        )
    return plan


def support_plan_share(*, member, acting_user, readers) -> SupportPlan:
    """Set who may read her plan: only staff of her current groups can be picked."""
    if acting_user.pk != member.pk:
        raise ValidationError("Only she can choose who reads her support plan.")
    allowed = set(staff_around(member).values_list("pk", flat=True))
    chosen = {reader.pk for reader in readers}
    if not chosen <= allowed:
        raise ValidationError("You can only choose people who work with your group.")
    with transaction.atomic():
        plan, _ = SupportPlan.objects.get_or_create(member=member)
        plan.readers.set(chosen)
        audit_record(
            actor=acting_user, action="support_plan.share", subject=plan, subject_user=member
        )
    return plan


def support_plan_read(*, plan: SupportPlan, viewer) -> SupportPlan:
    """Someone other than her reads her plan: allowed only if she picked them, and audited."""
    from groups.permissions import can_read_support_plan

    if not can_read_support_plan(viewer, plan):
        raise ValidationError("She has not shared her support plan with you.")
    if viewer.pk != plan.member_id:
        audit_record(
            actor=viewer, action="support_plan.view", subject=plan, subject_user=plan.member
        )
    return plan


# --- stepping back ---------------------------------------------------------------


def latest_break_end(today: dt.date) -> dt.date:
    """The last day a break may run to: a year from today (28 February for 29 February).

    A break with no end is always open to her; a date years away is almost always a slip
    of the year, which would silence her messages for that long."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def membership_step_back(
    *, membership: Membership, acting_user, until: dt.date | None = None, keep_session_changes=False
) -> Membership:
    """She steps back, optionally until a date. Nothing is lost. Twice is once."""
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK):
        raise ValidationError("Only a current member can step back.")
    if until is not None and until <= timezone.localdate():
        raise ValidationError("Choose a date after today.")
    if until is not None and until > latest_break_end(timezone.localdate()):
        raise ValidationError(BREAK_TOO_LONG)
    with transaction.atomic():
        changed = membership.status != Membership.Status.STEPPED_BACK
        membership.status = Membership.Status.STEPPED_BACK
        membership.stepped_back_until = until
        membership.keep_session_changes_while_away = keep_session_changes
        if changed:
            membership.status_changed_at = timezone.now()
        membership.save()
        if changed:
            audit_record(
                actor=acting_user,
                action="membership.step_back",
                subject=membership,
                subject_user=membership.user,
            )
    return membership


def membership_come_back(*, membership: Membership, acting_user) -> Membership:
    """She comes back. Coming back when already back does nothing."""
    if membership.status == Membership.Status.ACTIVE:
        return membership
    if membership.status != Membership.Status.STEPPED_BACK:
        raise ValidationError("Only someone who stepped back can come back.")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, status=Membership.Status.STEPPED_BACK).update(
            status=Membership.Status.ACTIVE,
            stepped_back_until=None,
            keep_session_changes_while_away=False,
            status_changed_at=timezone.now(),
        )
        membership.refresh_from_db()
        audit_record(
            actor=acting_user,
            action="membership.come_back",
            subject=membership,
            subject_user=membership.user,
        )
    return membership


def memberships_return_due(*, today: dt.date | None = None) -> int:
    """Bring back everyone whose chosen step-back date has come (a daily task)."""
    today = today or timezone.localdate()
    due = Membership.objects.filter(
        status=Membership.Status.STEPPED_BACK, stepped_back_until__lte=today
    )
    count = 0
    for membership in due.select_related("user"):
        membership_come_back(membership=membership, acting_user=None)
        count += 1
    return count


def membership_leave(*, membership: Membership, acting_user, erase: bool) -> Membership:
    """She leaves, choosing to keep or erase her information. Erasure itself is carried
    out by the consent work; here the request is recorded."""
    if membership.status == Membership.Status.LEFT:
        return membership
    with transaction.atomic():
        membership.status = Membership.Status.LEFT
        membership.leave_choice = (
            Membership.LeaveChoice.ERASE if erase else Membership.LeaveChoice.KEEP
        )
        membership.status_changed_at = timezone.now()
        membership.save()
        audit_record(
            actor=acting_user,
            action="membership.leave",
            subject=membership,
            subject_user=membership.user,
        )
    return membership


# --- training --------------------------------------------------------------------


def training_record(
    *, person, acting_user, kind: str, completed_on: dt.date, expires_on: dt.date | None = None,
    provider: str = "",
) -> Training:  # fmt: skip
    """Record a completed training. The same course on the same day is recorded once."""
    if expires_on is not None and expires_on <= completed_on:
        raise ValidationError("The expiry date must be after the date it was completed.")
    if completed_on > timezone.localdate():
        raise ValidationError("The completion date cannot be in the future.")
    try:
        with transaction.atomic():
            training = Training.objects.create(
                person=person,
                kind=kind,
                completed_on=completed_on,
                expires_on=expires_on,
                provider=provider,
                recorded_by=acting_user,
            )
            audit_record(actor=acting_user, action="training.record", subject=training)
    except IntegrityError:
        training = Training.objects.get(person=person, kind=kind, completed_on=completed_on)
    return training


# --- the group agreement -------------------------------------------------------------


def agreement_draft_save(
    *, group: CoproGroup, acting_user, text: str, version: AgreementVersion | None = None
) -> AgreementVersion:
    """Create or edit a draft. A published version is never edited: a change is a new draft."""
    with transaction.atomic():
        if version is None:
            last = group.agreements.select_for_update().order_by("-number").first()
            version = AgreementVersion.objects.create(
                group=group,
                number=(last.number + 1) if last else 1,
                text=text,
                created_by=acting_user,
            )
        else:
            if version.status != AgreementVersion.Status.DRAFT:
                raise ValidationError("A published agreement cannot be changed; start a new draft.")
            version.text = text
            version.save(update_fields=["text"])
        audit_record(actor=acting_user, action="agreement.draft", subject=version)
    return version


def agreement_publish(*, version: AgreementVersion, acting_user) -> AgreementVersion:
    """Publish a draft: it becomes the current agreement and every current member is asked
    to read it. Publishing twice publishes once; a draft older than the current version
    cannot be published over it."""
    current = version.group.agreements.current()
    if current is not None and current.number > version.number:
        raise ValidationError(
            f"Version {current.number} is already published. Start a new draft from it instead."
        )
    with transaction.atomic():
        updated = AgreementVersion.objects.filter(
            pk=version.pk, status=AgreementVersion.Status.DRAFT
        ).update(status=AgreementVersion.Status.PUBLISHED, published_at=timezone.now())
        version.refresh_from_db()
        if updated:
            audit_record(actor=acting_user, action="agreement.publish", subject=version)
    return version


def agreement_respond(
    *, version: AgreementVersion, member, agrees: bool, disagreement: str = ""
) -> AgreementResponse:
    """Her answer to a published version. Answering again replaces her answer."""
    if version.status != AgreementVersion.Status.PUBLISHED:
        raise ValidationError("You can only answer a published agreement.")
    if not agrees and not disagreement.strip():
        raise ValidationError("Tell us what you disagree with, so the group can talk about it.")
    with transaction.atomic():
        response, _ = AgreementResponse.objects.update_or_create(
            version=version,
            member=member,
            defaults={
                "agrees": agrees,
                "disagreement": "" if agrees else disagreement.strip(),
                "responded_at": timezone.now(),
            },
        )
        audit_record(actor=member, action="agreement.respond", subject=version, subject_user=member)
    return response


def agreement_comment(
    *, version: AgreementVersion, member, text: str, kind: str
) -> AgreementComment:
    """A member comments on, or proposes a change to, a draft or the current agreement."""
    if (
        version.status != AgreementVersion.Status.DRAFT
        and version != version.group.agreements.current()
    ):
        raise ValidationError("This version has been replaced. Comment on the current one.")
    if not text.strip():
        raise ValidationError("Write your comment first.")
    with transaction.atomic():
        comment = AgreementComment.objects.create(
            version=version, author=member, text=text.strip(), kind=kind
        )
        audit_record(actor=member, action="agreement.comment", subject=version, subject_user=member)
    return comment


def agreement_proposal_answer(
    *,
    comment: AgreementComment,
    acting_user,
    answer: str,
    taken_into: AgreementVersion | None = None,
    reason: str = "",
) -> AgreementComment:
    """The group's answer to her proposal, which she sees on her agreement page: taken
    into version N (of this group, no older than the one she wrote about), or not this
    time with a reason. The same answer given twice is recorded once."""
    if comment.kind != AgreementComment.Kind.PROPOSAL:
        raise ValidationError("Only a proposed change gets an answer.")
    reason = reason.strip()
    if answer == AgreementComment.Answer.TAKEN:
        if taken_into is None:
            raise ValidationError({"taken_into": "Choose the version it was taken into."})
        if (
            taken_into.group_id != comment.version.group_id
            or taken_into.number < comment.version.number
        ):
            raise ValidationError(
                {"taken_into": "Choose this version or a later one of the same agreement."}
            )
    elif answer == AgreementComment.Answer.NOT_NOW:
        if not reason:
            raise ValidationError({"reason": "Say why, so she knows she was heard."})
        taken_into = None
    else:
        raise ValidationError({"answer": "Choose an answer."})
    with transaction.atomic():
        comment = AgreementComment.objects.select_for_update().get(pk=comment.pk)
        if (comment.answer, comment.taken_into_id, comment.answer_reason) == (
            answer,
            taken_into.pk if taken_into else None,
            reason,
        ):
            return comment
        comment.answer = answer
        comment.taken_into = taken_into
        comment.answer_reason = reason
        comment.answered_by = acting_user
        comment.answered_at = timezone.now()
        comment.save(
            update_fields=["answer", "taken_into", "answer_reason", "answered_by", "answered_at"]
        )
        audit_record(
            actor=acting_user,
            action="agreement.proposal_answer",
            subject=comment,
            subject_user=comment.author,
        )
    return comment
