"""Facilitators' reminders and daily digests: what waits in each group she facilitates,
counted in a fixed number of queries; an email for each kind of thing once a day, in
working hours, or one digest a day at her time; never a member's name."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from consent.models import ErasureRequest
from coproduction.outbox import services as outbox
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.models import Message
from groups.models import (
    AgreementResponse,
    AgreementVersion,
    Membership,
    SafeContactProfile,
    Training,
)
from sessions_app import services, tasks, wording
from sessions_app.models import GroupSession, StaffReminderChoice, SupportRequest
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Tuesday 8 December 2026, 11:00: working hours.
TUESDAY = dt.datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)
TODAY = TUESDAY.date()
STAFF_KINDS = (wording.STAFF_REMINDER, wording.STAFF_DIGEST)

HELD, FAILED, SENT = Message.Status.HELD, Message.Status.FAILED, Message.Status.SENT


@pytest.fixture(autouse=True)
def on_tuesday():
    # Her home page's counts read today's date from the clock.
    with time_machine.travel(TUESDAY, tick=False):
        yield


def a_message(member, key, status=HELD) -> Message:
    return Message.objects.create(
        recipient=member, kind="checkin", channel="sms", body="Hi", key=key, status=status
    )


def a_record(person, kind, *, completed: dt.date, expires: dt.date | None) -> Training:
    return Training.objects.create(
        person=person, kind=kind, completed_on=completed, expires_on=expires
    )


def an_erasure(member, group, status=ErasureRequest.Status.REQUESTED) -> ErasureRequest:
    request = ErasureRequest.objects.create(
        member=member, member_ref=member.pk, status=status, stands_at=TUESDAY
    )
    request.groups.add(group)
    return request


@pytest.fixture
def waiting(
    helen, helen_fac, dee, sam, sam_safe, maria, maria_membership, tuesday_group, tom, aisha
):
    """One or two of each kind of thing in the Tuesday group, and some that do not count:
    a sent message, Helen's renewed training, a confirmed erasure, Maria's answer and
    fresh contact choices, and Aisha's held message in the Thursday group."""
    SupportRequest.objects.create(member=sam, source="button")
    a_message(sam, "held")
    a_message(maria, "failed", FAILED)
    a_message(maria, "sent", SENT)
    a_message(aisha, "thursday-held")
    soon = TODAY + dt.timedelta(days=10)
    a_record(helen, "trauma_informed", completed=dt.date(2025, 12, 18), expires=soon)
    a_record(helen, "facilitation", completed=dt.date(2023, 1, 1), expires=dt.date(2025, 1, 1))
    a_record(helen, "facilitation", completed=dt.date(2025, 1, 2), expires=dt.date(2028, 1, 1))
    a_record(dee, "safeguarding", completed=dt.date(2023, 1, 1), expires=dt.date(2026, 11, 30))
    a_record(tom, "safeguarding", completed=dt.date(2023, 1, 1), expires=dt.date(2026, 11, 30))
    SafeContactProfile.objects.filter(member=sam).update(
        confirmed_at=TUESDAY - dt.timedelta(days=100)
    )
    SafeContactProfile.objects.create(member=maria, channels=["email"])
    an_erasure(sam, tuesday_group)
    an_erasure(maria, tuesday_group, ErasureRequest.Status.CONFIRMED)
    version = AgreementVersion.objects.create(
        group=tuesday_group, number=1, text="Be kind.", status=AgreementVersion.Status.PUBLISHED
    )
    AgreementResponse.objects.create(version=version, member=maria, agrees=True)
    # A date whose plan should be out by now, still a draft, and one held last week whose
    # notes are not shared; a draft far off and a cancelled date do not count.
    for starts, status in (
        (TUESDAY + dt.timedelta(days=3), GroupSession.Status.DRAFT),
        (TUESDAY + dt.timedelta(days=30), GroupSession.Status.DRAFT),
        (TUESDAY - dt.timedelta(days=7), GroupSession.Status.HELD),
        (TUESDAY - dt.timedelta(days=14), GroupSession.Status.CANCELLED),
    ):
        GroupSession.objects.create(
            group=tuesday_group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
            status=status,
        )  # fmt: skip


EXPECTED = {
    wording.THING_SUPPORT: 1,
    wording.THING_MESSAGES: 2,
    wording.THING_TRAINING: 2,
    wording.THING_CONTACT: 1,
    wording.THING_ERASURE: 1,
    wording.THING_AGREEMENT: 1,
    wording.THING_AGENDA: 1,
    wording.THING_NOTES: 1,
}


def staff_messages(person=None):
    found = Message.objects.filter(kind__in=STAFF_KINDS)
    return found.filter(recipient=person) if person else found


def told(person, now) -> int:
    """Run the reminders at `now`: how many new messages went to `person`."""
    before = staff_messages(person).count()
    services.staff_reminders_send(now=now)
    return staff_messages(person).count() - before


def choose_digest(person, at=dt.time(16, 30), zone="Europe/London") -> None:
    StaffReminderChoice.objects.create(staff=person, how="digest", digest_at=at, time_zone=zone)


# --- the read ----------------------------------------------------------------------------


def test_she_sees_each_kind_of_thing_in_the_group_she_facilitates(waiting, helen, tuesday_group):
    [things] = services.staff_things_to_do(helen, today=TODAY)
    assert things.group.pk == tuesday_group.pk
    assert things.counts == EXPECTED


def test_another_group_is_counted_apart_and_a_support_worker_has_no_digest(
    waiting, tom, dee, thursday_group
):
    [things] = services.staff_things_to_do(tom, today=TODAY)
    assert things.group.pk == thursday_group.pk
    assert things.counts[wording.THING_MESSAGES] == 1
    # Tom's lapsed safeguarding; Aisha has given no contact choices, so hers are to check.
    assert things.counts[wording.THING_TRAINING] == 1
    assert things.counts[wording.THING_CONTACT] == 1
    assert things.counts[wording.THING_SUPPORT] == 0
    assert services.staff_things_to_do(dee, today=TODAY) == []


def test_training_counts_from_thirty_days_before_it_runs_out(helen, helen_fac):
    after, within = TODAY + dt.timedelta(days=31), TODAY + dt.timedelta(days=30)
    a_record(helen, "trauma_informed", completed=dt.date(2025, 1, 1), expires=after)
    a_record(helen, "safeguarding", completed=dt.date(2025, 1, 1), expires=within)
    a_record(helen, "facilitation", completed=dt.date(2025, 1, 1), expires=None)
    [things] = services.staff_things_to_do(helen, today=TODAY)
    assert things.counts[wording.THING_TRAINING] == 1


@pytest.mark.parametrize("count", [3, 300])
def test_the_read_costs_the_same_whatever_the_numbers(
    helen, helen_fac, tuesday_group, count, django_assert_max_num_queries
):
    members = UserFactory.create_batch(count)
    Membership.objects.bulk_create(
        Membership(user=m, group=tuesday_group, role="member", status="active") for m in members
    )
    colleagues = StaffFactory.create_batch(min(count, 30))
    Membership.objects.bulk_create(
        Membership(user=s, group=tuesday_group, role="facilitator", status="active")
        for s in colleagues
    )
    Message.objects.bulk_create(
        Message(recipient=m, kind="checkin", channel="sms", body="", key=f"k{m.pk}", status=HELD)
        for m in members
    )
    SupportRequest.objects.bulk_create(SupportRequest(member=m, source="button") for m in members)
    Training.objects.bulk_create(
        Training(person=s, kind="safeguarding", completed_on=dt.date(2024, 1, 1),
                 expires_on=dt.date(2026, 12, 20))
        for s in colleagues
    )  # fmt: skip
    AgreementVersion.objects.create(group=tuesday_group, number=1, text="x", status="published")
    for m in members[:10]:
        an_erasure(m, tuesday_group)
    with django_assert_max_num_queries(9):
        [things] = services.staff_things_to_do(helen, today=TODAY)
    assert things.counts[wording.THING_MESSAGES] == count
    assert things.counts[wording.THING_SUPPORT] == count
    assert things.counts[wording.THING_AGREEMENT] == count
    assert things.counts[wording.THING_TRAINING] == len(colleagues)


# --- an email for each kind of thing -----------------------------------------------------


def test_single_emails_go_once_a_day_for_each_kind_but_support_requests(waiting, helen):
    assert told(helen, TUESDAY) == 7
    keys = set(staff_messages(helen).values_list("key", flat=True))
    assert keys == {
        f"staff:{helen.pk}:{what}:2026-12-08"
        for what in ("messages", "training", "contact", "erasure", "agreement", "agenda", "notes")
    }
    # Again, and again later the same day: one effect.
    assert services.staff_reminders_send(now=TUESDAY) == 0
    assert services.staff_reminders_send(now=TUESDAY + dt.timedelta(hours=3)) == 0
    # Still waiting the next day: told once more.
    assert told(helen, TUESDAY + dt.timedelta(days=1)) == 7
    assert all(m.channel == "email" for m in staff_messages(helen))


def test_single_emails_wait_for_working_hours(waiting, helen):
    evening = dt.datetime(2026, 12, 8, 20, 0, tzinfo=LONDON)
    saturday = dt.datetime(2026, 12, 12, 11, 0, tzinfo=LONDON)
    assert services.staff_reminders_send(now=evening) == 0
    assert services.staff_reminders_send(now=saturday) == 0
    assert not staff_messages().exists()


def test_a_new_kind_of_thing_later_in_the_day_is_told_then(helen, helen_fac, sam, sam_membership):
    SafeContactProfile.objects.create(member=sam, channels=["sms"], phone="07700 900123")
    assert services.staff_reminders_send(now=TUESDAY) == 0
    a_message(sam, "held")
    assert services.staff_reminders_send(now=TUESDAY + dt.timedelta(minutes=10)) == 1
    [told] = staff_messages(helen)
    assert told.key == f"staff:{helen.pk}:messages:2026-12-08"
    assert told.subject == "Some messages to members did not go"
    assert "1 message to a member was held or could not be sent." in told.body


# --- the daily digest --------------------------------------------------------------------


def test_the_digest_comes_at_her_time_once_a_day(waiting, helen):
    choose_digest(helen)
    assert told(helen, dt.datetime(2026, 12, 8, 16, 20, tzinfo=LONDON)) == 0
    assert told(helen, dt.datetime(2026, 12, 8, 16, 30, tzinfo=LONDON)) == 1
    assert told(helen, dt.datetime(2026, 12, 8, 16, 40, tzinfo=LONDON)) == 0
    [digest] = staff_messages(helen)
    assert (digest.kind, digest.key) == (wording.STAFF_DIGEST, f"digest:{helen.pk}:2026-12-08")
    # Counts only, open support requests among them.
    assert "1 request to be contacted that nobody has taken in hand yet." in digest.body
    assert "2 messages to members were held or could not be sent." in digest.body
    assert "2 training records run out within 30 days, or have run out." in digest.body
    assert digest.body.count("\n- ") == 8
    # No single emails for her.
    assert not Message.objects.filter(key__startswith=f"staff:{helen.pk}:").exists()
    assert told(helen, dt.datetime(2026, 12, 9, 16, 30, tzinfo=LONDON)) == 1


def test_the_digest_keeps_her_time_zone(waiting, helen):
    choose_digest(helen, at=dt.time(9, 0), zone="Europe/Berlin")
    # 08:30 in London is 09:30 in Berlin.
    assert told(helen, dt.datetime(2026, 12, 8, 7, 50, tzinfo=LONDON)) == 0
    assert told(helen, dt.datetime(2026, 12, 8, 8, 30, tzinfo=LONDON)) == 1


def test_the_digest_lists_only_what_there_is(helen, helen_fac, sam, sam_membership, sam_safe):
    choose_digest(helen)
    SupportRequest.objects.create(member=sam, source="button")
    assert services.staff_reminders_send(now=dt.datetime(2026, 12, 8, 17, 0, tzinfo=LONDON)) == 1
    [digest] = staff_messages(helen)
    assert digest.body.count("\n- ") == 1
    assert "1 request to be contacted" in digest.body


def test_nothing_to_do_sends_nothing(helen, helen_fac, tom):
    choose_digest(tom)
    # Nothing waits: Helen's training is missing, not running out; there is nobody to chase.
    assert services.staff_reminders_send(now=TUESDAY) == 0
    assert services.staff_reminders_send(now=dt.datetime(2026, 12, 8, 17, 0, tzinfo=LONDON)) == 0
    assert not staff_messages().exists()


# --- who gets them, and what they say ----------------------------------------------------


def test_no_staff_message_names_a_member_or_says_more_than_counts(
    waiting, helen, tom, sam, maria, aisha, tuesday_group, thursday_group, memory_channels
):
    choose_digest(tom, at=dt.time(10, 0))
    assert services.staff_reminders_send(now=TUESDAY) == 8
    for message_id in outbox.due_sweep(now=TUESDAY):
        outbox.message_deliver(message_id=message_id, now=TUESDAY)
    told = staff_messages()
    assert {m.status for m in told} == {SENT}
    assert {to for key, to, _sender, _body in MemoryBackend.sent} == {
        helen.email,
        tom.email,
    }
    forbidden = ("Sam", "Maria", "Aisha", tuesday_group.name, thursday_group.name, "Tuesday")
    for message in told:
        for word in forbidden:
            assert word not in message.subject and word not in message.body, message.key
        assert "Please open Hearth" in message.body


def test_a_left_or_closed_account_and_a_co_facilitating_member_get_nothing(
    waiting, helen, helen_fac, tom, tuesday_group
):
    helen_fac.status = Membership.Status.LEFT
    helen_fac.save()
    tom.is_active = False
    tom.save()
    lou = UserFactory(first_name="Lou")
    MembershipFactory(user=lou, group=tuesday_group, role=Membership.Role.FACILITATOR)
    assert services.staff_reminders_send(now=TUESDAY) == 0
    assert not staff_messages().exists()


def test_a_stepped_back_facilitator_is_still_told(waiting, helen, helen_fac):
    helen_fac.status = Membership.Status.STEPPED_BACK
    helen_fac.save()
    assert told(helen, TUESDAY) == 7


def test_the_task_run_twice_has_one_effect(waiting, helen, tom):
    # Seven kinds of thing for Helen, three for Tom.
    assert tasks.send_staff_reminders.apply().get() == 10
    assert tasks.send_staff_reminders.apply().get() == 0
    assert (staff_messages(helen).count(), staff_messages(tom).count()) == (7, 3)


def test_the_run_costs_little_once_all_is_told(waiting, helen, tom, django_assert_max_num_queries):
    # Tom, with three kinds of thing of the seven, would be looked at again each run for
    # the other two; with his digest sent, his day is done too.
    choose_digest(tom, at=dt.time(10, 0))
    services.staff_reminders_send(now=TUESDAY)
    with django_assert_max_num_queries(2):
        assert services.staff_reminders_send(now=TUESDAY) == 0


# --- her choice --------------------------------------------------------------------------


def test_her_choice_is_one_row_and_a_member_has_none(helen, sam):
    services.reminder_choice_update(staff=helen, how="digest", digest_at=dt.time(8, 0))
    services.reminder_choice_update(staff=helen, how="digest", digest_at=dt.time(7, 30))
    choice = StaffReminderChoice.objects.get(staff=helen)
    assert (choice.how, choice.digest_at, choice.time_zone) == (
        "digest",
        dt.time(7, 30),
        "Europe/London",
    )
    with pytest.raises(ValidationError):
        services.reminder_choice_update(staff=sam, how="digest", digest_at=dt.time(8, 0))
    assert not StaffReminderChoice.objects.filter(staff=sam).exists()
