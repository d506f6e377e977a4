"""Her details, the people who can help her and her support plan: hers to write, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduction.audit.services import audit_record
from groups.models import (
    Profile,
    SafeContactProfile,
    SupportContact,
    SupportPlan,
    staff_around,
)


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


def her_row_save(model, *, member, acting_user, action: str, stamp: str, fields: dict):
    """Create or update her one row of `model` with `fields`, stamp the time in `stamp`,
    and record it against her, in one transaction."""
    with transaction.atomic():
        row, _ = model.objects.get_or_create(member=member)
        for name, value in fields.items():
            setattr(row, name, value)
        setattr(row, stamp, timezone.now())
        row.save()
        audit_record(actor=acting_user, action=action, subject=row, subject_user=member)
    return row


def safe_contact_update(*, member, acting_user, **fields) -> SafeContactProfile:
    """Save how she may be contacted; saving it also confirms it is still right."""
    return her_row_save(
        SafeContactProfile,
        member=member,
        acting_user=acting_user,
        action="safe_contact.update",
        stamp="confirmed_at",
        fields=fields,
    )


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
    return her_row_save(
        SupportPlan,
        member=member,
        acting_user=acting_user,
        action="support_plan.update",
        stamp="updated_at",
        fields=fields,
    )


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
