"""The outbox's gate as properties: over random safe-contact profiles, memberships, accounts,
messages and clock times, nothing is ever sent outside her safe days and hours, by a channel
she did not allow, with words about the group she did not allow, or to someone who stepped
back, left, was never in a group or whose account is closed; and a message that waits waits
for a moment that is inside her window. Then her window across both clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduction import crypto
from coproduction.outbox import services
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import Membership, SafeContactProfile
from tests.factories import CoproGroupFactory, MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
FIRST_MONDAY = dt.date(2026, 1, 5)
Status = Message.Status

# Weighted towards profiles and people a message could go to, so that sending is common
# enough for every rule to be tried; the edges (no days, no phone, a closed account,
# someone who left) still come up often.
hours = st.tuples(st.times(), st.times()).map(sorted)
profiles = st.builds(
    lambda channels, days, window, mention, phone: {
        "channels": channels,
        "safe_days": days,
        "safe_from": window[0],
        "safe_until": window[1],
        "may_mention_group": mention,
        "phone": phone,
    },
    st.lists(st.sampled_from(list(Channel.values)), unique=True, min_size=1),
    st.one_of(*[st.lists(st.integers(0, 6), unique=True, min_size=1)] * 4, st.just([])),
    hours,
    st.booleans(),
    st.sampled_from(["07700 900123"] * 4 + [""]),
)
statuses = st.sampled_from([Membership.Status.ACTIVE] * 8 + [*Membership.Status.values, None])
mostly = st.sampled_from([True] * 4 + [False])
moments = st.datetimes(
    # Hypothesis takes naive bounds and puts each moment in the zone given.
    min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(LONDON),
)


@pytest.fixture(autouse=True)
def memory_channels(settings):
    settings.HEARTH_OUTBOX_BACKENDS = {
        "email": "coproduction.outbox.backends.MemoryBackend",
        "sms": "coproduction.outbox.backends.MemoryBackend",
    }


def inside_window(profile: SafeContactProfile, moment: dt.datetime) -> bool:
    local = moment.astimezone(LONDON)
    return local.weekday() in profile.safe_days and (
        profile.safe_from <= local.time() < profile.safe_until
    )


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    profile=st.one_of(*[profiles] * 4, st.none()),
    status=statuses,
    active_account=mostly,
    has_email=mostly,
    mentions_group=st.booleans(),
    data=st.data(),
)
def test_nothing_is_ever_sent_in_a_way_she_has_not_said_is_safe(
    db, profile, status, active_account, has_email, mentions_group, data
):
    sendable = [Channel.EMAIL, Channel.SMS]
    hers = [c for c in sendable if profile and c in profile["channels"]]
    # Mostly a channel she allowed, so that the other rules are the ones that decide.
    channel = data.draw(
        st.sampled_from(hers) if hers and data.draw(mostly) else st.sampled_from(sendable)
    )
    now = data.draw(moments)
    if profile and profile["safe_days"] and data.draw(st.booleans()):
        # Half the time, a moment inside her window, where the other rules decide.
        day = FIRST_MONDAY + dt.timedelta(
            weeks=data.draw(st.integers(0, 103)),
            days=data.draw(st.sampled_from(profile["safe_days"])),
        )
        at = data.draw(st.times(profile["safe_from"], profile["safe_until"]))
        now = dt.datetime.combine(day, at, tzinfo=LONDON)
    MemoryBackend.sent.clear()
    # Each example is rolled back, so a data key's id can come round again.
    crypto.forget_data_keys()
    with transaction.atomic():
        member = UserFactory(email="her@example.org" if has_email else "", is_active=active_account)
        if status is not None:
            MembershipFactory(
                user=member,
                group=CoproGroupFactory(),
                status=status,
                stepped_back_until=now.date() + dt.timedelta(days=30),
            )
        safe = SafeContactProfile.objects.create(member=member, **profile) if profile else None
        message = services.message_queue(
            recipient=member,
            kind="checkin",
            channel=channel,
            body="Hi, how are things?",
            key="property",
            due_at=now,
            mentions_group=mentions_group,
        )
        outcome = services.message_deliver(message_id=message.pk, now=now)
        message.refresh_from_db()
        transaction.set_rollback(True)

    sent = bool(MemoryBackend.sent)
    assert sent == (outcome == Status.SENT)
    if sent:
        assert active_account and safe is not None
        assert status == Membership.Status.ACTIVE
        assert channel in safe.channels
        assert inside_window(safe, now)
        assert not mentions_group or safe.may_mention_group
        assert MemoryBackend.sent[0][1] == (
            member.email if channel == Channel.EMAIL else safe.phone
        )
        assert MemoryBackend.sent[0][1], "sent to an empty address"
    elif outcome == Status.PENDING:
        # It waits for her next window: a moment inside it, within the week.
        assert safe is not None and message.due_at > now
        assert inside_window(safe, message.due_at)
        assert message.due_at - now <= dt.timedelta(days=8)
    else:
        assert outcome == Status.HELD and message.last_error


def _sam(group) -> object:
    sam = UserFactory(username="sam", first_name="Sam")
    MembershipFactory(user=sam, group=group)
    SafeContactProfile.objects.create(
        member=sam, channels=[Channel.SMS], phone="07700 900123", safe_days=[1, 2, 3],
        safe_from=dt.time(10), safe_until=dt.time(14), sender_name="Jo",
    )  # fmt: skip
    return sam


@pytest.mark.parametrize(
    ("saturday", "tuesday_ten_utc"),
    [
        # Clocks go forward on Sunday 28 March 2027: Tuesday 10:00 is 09:00 UTC.
        (
            dt.datetime(2027, 3, 27, 11, 0, tzinfo=LONDON),
            dt.datetime(2027, 3, 30, 9, 0, tzinfo=dt.UTC),
        ),
        # Clocks go back on Sunday 31 October 2027: Tuesday 10:00 is 10:00 UTC.
        (
            dt.datetime(2027, 10, 30, 11, 0, tzinfo=LONDON),
            dt.datetime(2027, 11, 2, 10, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_her_window_is_her_local_time_across_both_clock_changes(db, saturday, tuesday_ten_utc):
    MemoryBackend.sent.clear()
    sam = _sam(CoproGroupFactory())
    with time_machine.travel(saturday, tick=False):
        message = services.message_queue(
            recipient=sam, kind="checkin", channel=Channel.SMS, body="Hi Sam", key="dst"
        )
        assert services.message_deliver(message_id=message.pk) == Status.PENDING
    message.refresh_from_db()
    assert message.due_at == tuesday_ten_utc
    with time_machine.travel(tuesday_ten_utc - dt.timedelta(minutes=1), tick=False):
        assert services.message_deliver(message_id=message.pk) is None
    with time_machine.travel(tuesday_ten_utc, tick=False):
        assert services.message_deliver(message_id=message.pk) == Status.SENT
    assert [(to, sender) for _key, to, sender, _body in MemoryBackend.sent] == [
        ("07700 900123", "Jo")
    ]
