"""Rule 3 in one place: may we reach her now, by this channel, with these words?

The messaging code asks `may_contact` at the moment of sending; a "wait" answer
carries the start of her next safe window, a "no" is never sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from coproduction import crypto
from coproduction.accounts.mail import SIGN_IN_CODE
from coproduction.outbox.channels import Channel
from groups.models import Membership, SafeContactProfile, international_phone


@dataclass(frozen=True)
class ContactDecision:
    """The answer, with the reason in words facilitators can read. For the outbox, a yes
    names the address and the sender name to use: her own choices, nothing else."""

    allowed: bool
    reason: str
    next_window: dt.datetime | None = None
    address: str = ""
    sender: str = ""

    @property
    def should_wait(self) -> bool:
        return not self.allowed and self.next_window is not None


# The kind of message that says an announced session changed: the one kind a member on a
# break still hears, if she chose to (sessions_app queues it; the gate must know it).
SESSION_CHANGE = "session_change"


def her_zone(member) -> ZoneInfo:
    """Her time zone, as her safe-contact profile (read or prefetched as `safe_contact`)
    says; the site's when she has none."""
    profile = getattr(member, "safe_contact", None)
    return ZoneInfo(profile.time_zone if profile is not None else settings.TIME_ZONE)


def profiles_by_phone(number: str) -> list[SafeContactProfile]:
    """The profiles of the active members whose number this is, however it is written
    ("07700 900123", "+447700900123"), found by its keyed hash: the number itself is
    encrypted and cannot be searched. Staff are not among them."""
    return [
        profile
        for profile in SafeContactProfile.objects.filter(
            phone_hash=crypto.keyed_hash(international_phone(number)), member__is_active=True
        ).select_related("member")
        if profile.member.is_member
    ]


def profile_by_phone(number: str) -> SafeContactProfile | None:
    """The one active member whose number this is (`profiles_by_phone`), or None: also
    for a phone two members share, as a code or a reply from it could be either's."""
    found = profiles_by_phone(number)
    return found[0] if len(found) == 1 else None


def _in_window(profile: SafeContactProfile, local: dt.datetime) -> bool:
    return local.weekday() in profile.safe_days and profile.safe_from <= local.time() < (
        profile.safe_until
    )


def next_safe_window(profile: SafeContactProfile, after: dt.datetime) -> dt.datetime | None:
    """The first moment at or after `after` inside her safe days and hours, or None."""
    if not profile.safe_days or profile.safe_from >= profile.safe_until:
        return None
    zone = ZoneInfo(profile.time_zone)
    local = after.astimezone(zone)
    if _in_window(profile, local):
        return after
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, profile.safe_from, tzinfo=zone)
        if day.weekday() in profile.safe_days and start >= local:
            return start
    return None


def may_contact(
    member,
    *,
    channel: str,
    at: dt.datetime | None = None,
    mentions_group: bool = False,
    login_code: bool = False,
    session_change: bool = False,
    membership: Membership | None = None,
    read: tuple[SafeContactProfile | None, list[Membership]] | None = None,
) -> ContactDecision:
    """Whether Hearth may reach `member` by `channel` at `at` with words that do (or do not)
    mention the group.

    A sign-in code is the one message that does not wait for her window, but it still
    goes only by a channel she allowed. While she has stepped back from `membership`,
    nothing goes except session changes she chose to keep hearing about; without a
    `membership`, stepped back from any group counts. `read`: her profile and her
    memberships as a member, when the caller has already read them.
    """
    at = at or timezone.now()
    if read is None:
        profile = SafeContactProfile.objects.filter(member=member).first()
    else:
        profile = read[0]
    # A notice on her own home page is seen only once she has signed in: it needs no
    # channel or window of hers, but a break still means quiet.
    portal = channel == Channel.PORTAL
    if not portal and (profile is None or channel not in profile.channels):
        return ContactDecision(False, "She has not said this way of contacting her is safe.")
    if channel == Channel.EMAIL and not member.email:
        return ContactDecision(False, "There is no email address for her.")
    if channel in (Channel.SMS, Channel.CALL) and not profile.phone:
        return ContactDecision(False, "There is no phone number for her.")
    if mentions_group and not (profile is not None and profile.may_mention_group):
        return ContactDecision(False, "She asked that messages do not mention the group.")
    if login_code:
        return ContactDecision(True, "A sign-in code she asked for.")
    if membership is not None and membership.status == Membership.Status.LEFT:
        return ContactDecision(False, "She has left the group.")
    # A message about no one group (a password reset, say) asks every group she is in:
    # stepped back from any of them, she has asked for quiet.
    if membership is not None:
        away = [membership]
    elif read is not None:
        away = [m for m in read[1] if m.status == Membership.Status.STEPPED_BACK]
    else:
        away = list(
            Membership.objects.filter(
                user=member, role=Membership.Role.MEMBER, status=Membership.Status.STEPPED_BACK
            )
        )
    for stepped in away:
        if stepped.is_stepped_back and not (
            session_change and stepped.keep_session_changes_while_away
        ):
            return ContactDecision(False, "She has stepped back for now.")
    if channel == Channel.SUPPORT_WORKER:
        return ContactDecision(True, "Her support worker passes it on, in person.")
    if portal or profile is None:
        return ContactDecision(True, "A notice on her own home page.")
    window = next_safe_window(profile, at)
    if window is None:
        return ContactDecision(False, "She has not given any safe days and times.")
    if window > at:
        return ContactDecision(False, "Outside her safe days and times.", window)
    return ContactDecision(True, "Within what she said is safe.")


def outbox_gate(message, *, at: dt.datetime) -> ContactDecision:
    """The outbox's question at the moment of sending: may this message go to its
    recipient now, by its channel, with its words? A member is reached only as her
    safe-contact profile says and only while she is in a group; staff only by e-mail,
    at the work address on their account."""
    person = message.recipient
    if not person.is_active:
        return ContactDecision(False, "The account is closed.")
    if not person.is_member:
        if message.channel == Channel.EMAIL and person.email:
            return ContactDecision(
                True, "Staff are reached at their work address.", address=person.email
            )
        return ContactDecision(False, "Staff are reached by email only.")
    # Her profile and her memberships, each read once: the memberships answer both "is
    # she in a group" and "has she stepped back".
    profile = SafeContactProfile.objects.filter(member=person).first()
    memberships = list(
        Membership.objects.current().filter(user=person, role=Membership.Role.MEMBER)
    )
    # A sign-in code she asked for goes even after she has left: her account, and her
    # download, are still hers to reach.
    login_code = message.kind == SIGN_IN_CODE
    if not memberships and not login_code:
        return ContactDecision(False, "She is no longer in a group.")
    decision = may_contact(
        person,
        channel=message.channel,
        at=at,
        mentions_group=message.mentions_group,
        login_code=login_code,
        session_change=message.kind == SESSION_CHANGE,
        read=(profile, memberships),
    )
    if not decision.allowed or profile is None or message.channel == Channel.PORTAL:
        return decision
    address = person.email if message.channel == Channel.EMAIL else profile.phone
    return replace(decision, address=address, sender=profile.sender_name)
