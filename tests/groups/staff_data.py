"""Builders for the staff-page tests: members with the details she chose, training
records, agreement versions, and many members at once for the query-count tests.

Plain functions, not fixtures, so each test module says which people it needs.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduction.accounts.models import User
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
    Training,
)
from tests.factories import MembershipFactory, UserFactory

SAM_PHONE = "07700 900123"


def give_details(
    user,
    *,
    name: str | None = None,
    pronouns: str = "",
    access_needs=(),
    access_needs_other: str = "",
    channels=(),
    phone: str = "",
    safe_days=(),
    safe_from: dt.time = dt.time(10, 0),
    safe_until: dt.time = dt.time(16, 0),
    sender_name: str = "",
    voicemail_ok: bool = False,
    may_mention_group: bool = False,
    confirmed_at: dt.datetime | None = None,
) -> None:
    """Her profile and safe-contact profile, as she would set them in the portal."""
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "preferred_name": name or user.first_name,
            "pronouns": pronouns,
            "access_needs": list(access_needs),
            "access_needs_other": access_needs_other,
        },
    )
    SafeContactProfile.objects.update_or_create(
        member=user,
        defaults={
            "channels": list(channels),
            "phone": phone,
            "safe_days": list(safe_days),
            "safe_from": safe_from,
            "safe_until": safe_until,
            "sender_name": sender_name,
            "voicemail_ok": voicemail_ok,
            "may_mention_group": may_mention_group,
            "confirmed_at": confirmed_at or timezone.now(),
        },
    )


def give_sam_her_details(sam) -> None:
    """Sam of PEOPLE.md: texts only, Tuesday to Thursday 10:00–14:00, from "Jo"."""
    give_details(
        sam,
        name="Sam",
        pronouns="she/her",
        access_needs=["step_free", "large_print"],
        channels=["sms"],
        phone=SAM_PHONE,
        safe_days=[1, 2, 3],
        safe_from=dt.time(10, 0),
        safe_until=dt.time(14, 0),
        sender_name="Jo",
    )


def member_of(group: CoproGroup, first_name: str, **membership_fields) -> Membership:
    """A new member of `group` with a profile and the most private safe-contact profile."""
    user = UserFactory(username=first_name.lower(), first_name=first_name)
    give_details(user, name=first_name)
    return MembershipFactory(
        user=user, group=group, role=Membership.Role.MEMBER, **membership_fields
    )


def staff_of(group: CoproGroup, user, role: str) -> Membership:
    return MembershipFactory(user=user, group=group, role=role)


def train(person, *kinds: str, completed_on: dt.date, expires_on: dt.date | None = None) -> None:
    for kind in kinds or Training.Kind.values:
        Training.objects.create(
            person=person, kind=kind, completed_on=completed_on, expires_on=expires_on
        )


def fully_trained(person) -> None:
    """Every required course, done a month ago, valid for two years."""
    today = timezone.localdate()
    train(
        person,
        completed_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=700),
    )


def published(group: CoproGroup, number: int = 1, text: str = "We listen.") -> AgreementVersion:
    return AgreementVersion.objects.create(
        group=group,
        number=number,
        text=text,
        status=AgreementVersion.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def draft(
    group: CoproGroup, number: int, text: str = "We listen, and we pause."
) -> AgreementVersion:
    return AgreementVersion.objects.create(group=group, number=number, text=text)


def add_members(
    group: CoproGroup,
    count: int,
    *,
    support_worker=None,
    version: AgreementVersion | None = None,
    prefix: str = "m",
) -> list[Membership]:
    """`count` members with every detail a page might show, made in a few bulk inserts.

    Half have a stepped-back status, a third left; every other one answered `version`;
    each has a profile with access needs (one encrypted), a safe-contact profile and a
    support contact.
    """
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{group.pk}x{i}", first_name=f"Member {i}", kind="member")
            for i in range(count)
        ]
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                preferred_name=user.first_name,
                access_needs=["breaks", "quiet_room"],
                access_needs_other="A chair near the door",
            )
            for user in users
        ]
    )
    SafeContactProfile.objects.bulk_create(
        [
            SafeContactProfile(
                member=user,
                channels=["sms", "email"] if i % 2 else [],
                phone="07700 900000",
                safe_days=[0, 2, 4],
                confirmed_at=timezone.now() - dt.timedelta(days=100 if i % 3 else 1),
            )
            for i, user in enumerate(users)
        ]
    )
    SupportContact.objects.bulk_create(
        [
            SupportContact(member=user, kind=SupportContact.Kind.HELPLINE, name="Helpline")
            for user in users
        ]
    )
    statuses = [Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK, Membership.Status.LEFT]
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                group=group,
                role=Membership.Role.MEMBER,
                status=statuses[i % 3],
                stepped_back_until=timezone.localdate() + dt.timedelta(days=20)
                if i % 3 == 1
                else None,
                support_worker=support_worker,
            )
            for i, user in enumerate(users)
        ]
    )
    if version is not None:
        AgreementResponse.objects.bulk_create(
            [
                AgreementResponse(
                    version=version, member=user, agrees=bool(i % 4), disagreement="Point 2"
                )
                for i, user in enumerate(users)
                if i % 2 == 0
            ]
        )
        AgreementComment.objects.bulk_create(
            [
                AgreementComment(version=version, author=user, text=f"Comment {i}")
                for i, user in enumerate(users)
                if i % 5 == 0
            ]
        )
    return memberships
