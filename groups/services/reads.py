"""Audited reads: what staff open about a member, recorded in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from coproduction.audit.services import audit_record
from groups.access import StaffAccess
from groups.models import (
    AgreementResponse,
    Membership,
    SafeContactProfile,
    SupportPlan,
    preferred_name,
)
from groups.summaries import MemberCard, member_card


@dataclass(frozen=True)
class MemberPage:
    """What a staff member's page about one member shows."""

    membership: Membership
    name: str
    card: MemberCard
    has_left: bool
    to_confirm: bool
    plan_shared: bool


def member_page_read(*, access: StaffAccess, membership_id: int) -> MemberPage:
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
