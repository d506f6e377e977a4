"""Her details, the people who can help her and her support plan: hers to write, audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduction.audit.services import audit_record
from groups.access import StaffAccess
from groups.models import (
    AgreementResponse,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
    SupportPlan,
    preferred_name,
    staff_around,
)
from groups.summaries import MemberCard, member_card


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


# --- staff reading her page ------------------------------------------------------------


@dataclass(frozen=True)
class MemberPage:
    """What a staff member's page about one member shows."""

    membership: Membership
    name: str
    card: MemberCard
    has_left: bool
    to_confirm: bool
    plan_shared: bool


def member_view(*, access: StaffAccess, membership_id: int) -> MemberPage:
    """Her member page as `access.user` may see it (404 outside the group, 403 for a
    support worker who does not support her). Her phone number and email address are on
    it, so every read is recorded: the reads and the audit row are one transaction, and
    each call is one more look in her "who looked"."""
    membership = access.member(membership_id)  # refuses before anything is read or written
    # No savepoint: past the refusal nothing here is rolled back on its own, and inside a
    # caller's transaction the page keeps its fixed query count.
    with transaction.atomic(savepoint=False):
        member = membership.user
        safe_contact = SafeContactProfile.objects.filter(member=member).first()
        contacts = list(member.support_contacts.select_related("staff_user"))
        current = access.group.agreements.current()
        response = (
            AgreementResponse.objects.filter(version=current, member=member).first()
            if current is not None
            else None
        )
        plan_shared = SupportPlan.objects.filter(member=member, readers=access.user).exists()
        audit_record(
            actor=access.user, action="member.view", subject=membership, subject_user=member
        )
    return MemberPage(
        membership=membership,
        name=preferred_name(member),
        card=member_card(
            membership,
            safe_contact=safe_contact,
            contacts=contacts,
            current=current,
            response=response,
        ),
        has_left=membership.status == Membership.Status.LEFT,
        to_confirm=safe_contact is not None and safe_contact.needs_confirming,
        plan_shared=plan_shared,
    )
