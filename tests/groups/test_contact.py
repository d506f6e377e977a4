"""Rule 3: `may_contact` answers "may we reach her now, by this channel, with these words?"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coproduction.outbox.channels import Channel
from groups.contact import may_contact, next_safe_window
from groups.models import Membership, SafeContactProfile
from tests.factories import MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
TUE, WED, THU = 1, 2, 3


def at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=LONDON)


SATURDAY = "2026-11-28"
TUESDAY = "2026-12-01"
THURSDAY = "2026-12-03"


@pytest.fixture
def sam_safe(db):
    """Sam: SMS only, Tuesday to Thursday 10:00–14:00, sender "Jo", no group words."""
    sam = UserFactory(username="sam", email="")
    SafeContactProfile.objects.create(
        member=sam,
        channels=[Channel.SMS],
        phone="07700 900123",
        safe_days=[TUE, WED, THU],
        safe_from=dt.time(10),
        safe_until=dt.time(14),
        sender_name="Jo",
    )
    return sam


def test_saturday_check_in_waits_for_tuesday_ten(sam_safe):
    decision = may_contact(sam_safe, channel=Channel.SMS, at=at(SATURDAY, "11:00"))
    assert not decision.allowed
    assert decision.should_wait
    assert decision.next_window == at(TUESDAY, "10:00")


def test_inside_her_window_is_allowed(sam_safe):
    assert may_contact(sam_safe, channel=Channel.SMS, at=at(TUESDAY, "10:00")).allowed
    assert may_contact(sam_safe, channel=Channel.SMS, at=at(THURSDAY, "13:59")).allowed


def test_the_window_closes_at_its_end(sam_safe):
    decision = may_contact(sam_safe, channel=Channel.SMS, at=at(THURSDAY, "14:00"))
    assert not decision.allowed
    assert decision.next_window == at("2026-12-08", "10:00")


def test_a_channel_she_did_not_allow_is_refused_outright(sam_safe):
    for channel in (Channel.EMAIL, Channel.CALL, Channel.SUPPORT_WORKER):
        decision = may_contact(sam_safe, channel=channel, at=at(TUESDAY, "11:00"))
        assert not decision.allowed
        assert not decision.should_wait


def test_words_that_mention_the_group_are_refused_not_delayed(sam_safe):
    decision = may_contact(
        sam_safe, channel=Channel.SMS, at=at(TUESDAY, "11:00"), mentions_group=True
    )
    assert not decision.allowed and not decision.should_wait
    assert "mention the group" in decision.reason


def test_sign_in_code_does_not_wait_but_only_goes_by_a_safe_channel(sam_safe):
    assert may_contact(
        sam_safe, channel=Channel.SMS, at=at(SATURDAY, "23:00"), login_code=True
    ).allowed
    assert not may_contact(
        sam_safe, channel=Channel.EMAIL, at=at(SATURDAY, "23:00"), login_code=True
    ).allowed


def test_no_profile_means_no_contact(db):
    member = UserFactory()
    assert not may_contact(member, channel=Channel.EMAIL, at=at(TUESDAY, "11:00")).allowed


def test_i_will_get_in_touch_means_no_channel_at_all(db):
    member = UserFactory()
    SafeContactProfile.objects.create(member=member, safe_days=[0, 1, 2, 3, 4, 5, 6])
    for channel in set(Channel.values) - {Channel.PORTAL}:
        assert not may_contact(member, channel=channel, at=at(TUESDAY, "11:00")).allowed
    # Her own home page is her getting in touch: a notice waits there for her to look.
    assert may_contact(member, channel=Channel.PORTAL, at=at(TUESDAY, "11:00")).allowed


def test_a_home_page_notice_still_respects_her_break(db):
    member = UserFactory()
    MembershipFactory(user=member, status=Membership.Status.STEPPED_BACK)
    assert not may_contact(member, channel=Channel.PORTAL, at=at(TUESDAY, "11:00")).allowed


def test_email_needs_an_address_and_sms_a_number(db):
    member = UserFactory(email="")
    SafeContactProfile.objects.create(
        member=member, channels=[Channel.EMAIL, Channel.SMS], safe_days=[TUE]
    )
    assert "email" in may_contact(member, channel=Channel.EMAIL, at=at(TUESDAY, "11:00")).reason
    assert "phone" in may_contact(member, channel=Channel.SMS, at=at(TUESDAY, "11:00")).reason


def test_stepped_back_gets_nothing_unless_she_kept_session_changes(sam_safe):
    membership = MembershipFactory(user=sam_safe, status=Membership.Status.STEPPED_BACK)
    when = at(TUESDAY, "11:00")
    assert not may_contact(sam_safe, channel=Channel.SMS, at=when, membership=membership).allowed
    assert not may_contact(
        sam_safe, channel=Channel.SMS, at=when, membership=membership, session_change=True
    ).allowed
    membership.keep_session_changes_while_away = True
    assert may_contact(
        sam_safe, channel=Channel.SMS, at=when, membership=membership, session_change=True
    ).allowed
    assert not may_contact(sam_safe, channel=Channel.SMS, at=when, membership=membership).allowed


def test_left_gets_nothing(sam_safe):
    membership = MembershipFactory(user=sam_safe, status=Membership.Status.LEFT)
    decision = may_contact(
        sam_safe, channel=Channel.SMS, at=at(TUESDAY, "11:00"), membership=membership
    )
    assert not decision.allowed


def test_her_time_zone_not_the_servers(sam_safe):
    sam_safe.safe_contact.time_zone = "America/New_York"
    sam_safe.safe_contact.save()
    # 11:00 in London on a Tuesday is 06:00 in New York: outside, wait for 10:00 there.
    decision = may_contact(sam_safe, channel=Channel.SMS, at=at(TUESDAY, "11:00"))
    assert decision.next_window == dt.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("America/New_York"))


def test_no_safe_days_means_never_by_that_channel(db):
    member = UserFactory()
    profile = SafeContactProfile.objects.create(member=member, channels=[Channel.EMAIL])
    assert next_safe_window(profile, at(TUESDAY, "11:00")) is None
    assert not may_contact(member, channel=Channel.EMAIL, at=at(TUESDAY, "11:00")).allowed


def test_through_her_support_worker_is_not_bound_to_her_phone_hours(db):
    member = UserFactory()
    SafeContactProfile.objects.create(member=member, channels=[Channel.SUPPORT_WORKER])
    assert may_contact(member, channel=Channel.SUPPORT_WORKER, at=at(SATURDAY, "20:00")).allowed
