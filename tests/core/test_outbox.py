"""The outbox: a message is kept once per cause, sent once, at a moment her safe-contact
profile allows, by the channel she allowed, from the sender she named — or it waits, or
it is held; it is never sent another way on its own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from coproduction import crypto
from coproduction.outbox import services, tasks
from coproduction.outbox.backends import MemoryBackend, SendFailed
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.contact import ContactDecision
from groups.models import Membership, SafeContactProfile
from tests.factories import CoproGroupFactory, MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
SATURDAY = dt.datetime(2026, 12, 5, 11, 0, tzinfo=LONDON)
TUESDAY_TEN = dt.datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)
CHECK_IN = "Hi Sam, how are things? Reply 1 OK, 2 not great, 3 please call"
Status = Message.Status


@pytest.fixture(autouse=True)
def memory_channels(settings):
    settings.HEARTH_OUTBOX_BACKENDS = {
        "email": "coproduction.outbox.backends.EmailBackend",
        "sms": "coproduction.outbox.backends.MemoryBackend",
    }
    MemoryBackend.sent.clear()
    yield
    MemoryBackend.sent.clear()


@pytest.fixture
def group(db):
    return CoproGroupFactory()


@pytest.fixture
def sam_in_group(sam, group):
    """Sam: texts only, Tuesday to Thursday 10:00–14:00, from "Jo", never the group."""
    MembershipFactory(user=sam, group=group)
    SafeContactProfile.objects.create(
        member=sam,
        channels=[Channel.SMS],
        phone="07700 900123",
        safe_days=[1, 2, 3],
        safe_from=dt.time(10, 0),
        safe_until=dt.time(14, 0),
        sender_name="Jo",
    )
    return sam


def queue(recipient, *, key="checkin:1:2026-12-05", channel=Channel.SMS, **extra):
    return services.message_queue(
        recipient=recipient, kind="checkin", channel=channel, body=CHECK_IN, key=key, **extra
    )


def test_a_cause_queues_one_message_and_hands_it_over_after_commit(
    sam_in_group, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(sam_in_group)
        again = queue(sam_in_group)
        assert sent_tasks == [], "nothing is handed over before the cause commits"
    assert first.pk == again.pk
    assert Message.objects.count() == 1
    assert len(callbacks) == 1
    assert sent_tasks == [(services.DELIVER, (first.pk,), {})]


def test_her_words_are_kept_encrypted(sam_in_group):
    from django.db import connection

    message = queue(sam_in_group)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM outbox_message WHERE id = %s", [message.pk])
        stored = cursor.fetchone()[0]
    assert "Sam" not in stored
    assert Message.objects.get(pk=message.pk).body == CHECK_IN


def test_a_far_future_message_waits_in_the_table_not_in_celery(
    sam_in_group, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(sam_in_group, due_at=dt.datetime(2027, 1, 5, 10, 0, tzinfo=LONDON))
    assert sent_tasks == []


def test_a_channel_without_a_backend_is_refused_at_queueing(sam_in_group):
    with pytest.raises(ValidationError):
        queue(sam_in_group, channel=Channel.CALL)
    assert not Message.objects.exists()


def test_sams_saturday_check_in_waits_for_tuesday_ten_and_comes_from_jo(sam_in_group):
    message = queue(sam_in_group, due_at=SATURDAY)
    assert services.message_deliver(message_id=message.pk, now=SATURDAY) == Status.PENDING
    message.refresh_from_db()
    assert message.due_at == TUESDAY_TEN
    assert MemoryBackend.sent == []
    # Not due yet: a worker that picks it up early sends nothing.
    assert services.message_deliver(message_id=message.pk, now=SATURDAY) is None

    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.SENT
    assert MemoryBackend.sent == [(message.key, "07700 900123", "Jo", CHECK_IN)]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (Status.SENT, 1, TUESDAY_TEN)


def test_delivered_twice_it_is_sent_once(sam_in_group):
    message = queue(sam_in_group, due_at=TUESDAY_TEN)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.SENT
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) is None
    tasks.deliver.apply(args=(message.pk,))
    assert len(MemoryBackend.sent) == 1


def test_a_channel_she_did_not_allow_is_held_never_sent_another_way(sam_in_group, mailoutbox):
    message = queue(sam_in_group, channel=Channel.EMAIL, due_at=TUESDAY_TEN)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.HELD
    message.refresh_from_db()
    assert message.last_error == "She has not said this way of contacting her is safe."
    assert MemoryBackend.sent == [] and mailoutbox == []
    # Held stays held: a later run sends nothing.
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) is None


def test_words_about_the_group_are_held_unless_she_allowed_them(sam_in_group):
    message = queue(sam_in_group, mentions_group=True, due_at=TUESDAY_TEN)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.HELD
    assert MemoryBackend.sent == []


@pytest.mark.parametrize(
    "status", [Membership.Status.STEPPED_BACK, Membership.Status.LEFT, Membership.Status.INVITED]
)
def test_nothing_goes_to_a_member_who_stepped_back_or_left(sam_in_group, status):
    Membership.objects.filter(user=sam_in_group).update(
        status=status, stepped_back_until=dt.date(2027, 1, 1)
    )
    message = queue(sam_in_group, due_at=TUESDAY_TEN)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.HELD
    assert MemoryBackend.sent == []


def test_nothing_goes_to_a_closed_account(sam_in_group):
    message = queue(sam_in_group, due_at=TUESDAY_TEN)
    type(sam_in_group).objects.filter(pk=sam_in_group.pk).update(is_active=False)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.HELD


def test_staff_are_reached_by_email_at_their_work_address(helen, mailoutbox):
    message = services.message_queue(
        recipient=helen,
        kind="reminder",
        channel=Channel.EMAIL,
        subject="An update",
        body="A member you support asked to be contacted: open Hearth.",
        key="reminder:1",
    )
    assert services.message_deliver(message_id=message.pk) == Status.SENT
    assert [m.to for m in mailoutbox] == [["helen.ward@example.org"]]
    texting = services.message_queue(
        recipient=helen, kind="reminder", channel=Channel.SMS, body="x", key="reminder:2"
    )
    assert services.message_deliver(message_id=texting.pk) == Status.HELD


class Flaky:
    """A provider that fails as told."""

    error: SendFailed | None = None

    def send(self, message, *, to, sender):
        raise self.error


def test_a_passing_provider_error_is_tried_again_later_a_lasting_one_fails(sam_in_group, settings):
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.Flaky"}
    Flaky.error = SendFailed("The provider is busy.")
    message = queue(sam_in_group, due_at=TUESDAY_TEN)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.PENDING
    message.refresh_from_db()
    assert (message.attempts, message.due_at) == (1, TUESDAY_TEN + dt.timedelta(minutes=1))
    assert message.last_error == "The provider is busy."

    later = TUESDAY_TEN + dt.timedelta(minutes=1)
    Flaky.error = SendFailed("The number is not a mobile.", permanent=True)
    assert services.message_deliver(message_id=message.pk, now=later) == Status.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)
    assert message.last_error == "The number is not a mobile."


class Broken:
    """A provider with a bug in it."""

    def send(self, message, *, to, sender):
        raise KeyError("a bug")


def test_a_fault_in_a_backend_is_retried_and_counted_not_left_half_sent(sam_in_group, settings):
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.Broken"}
    message = queue(sam_in_group, due_at=TUESDAY_TEN)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.PENDING
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "Something went wrong while sending.")
    Message.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    later = TUESDAY_TEN + dt.timedelta(hours=1)
    assert services.message_deliver(message_id=message.pk, now=later) == Status.FAILED


def test_after_the_last_attempt_a_passing_error_fails_it(sam_in_group, settings):
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.Flaky"}
    Flaky.error = SendFailed("The provider is busy.")
    message = queue(sam_in_group, due_at=TUESDAY_TEN)
    Message.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) == Status.FAILED


def test_the_sweep_names_what_is_due_and_takes_back_what_a_dead_worker_left(sam_in_group):
    due = queue(sam_in_group, key="a", due_at=TUESDAY_TEN)
    queue(sam_in_group, key="b", due_at=TUESDAY_TEN + dt.timedelta(days=1))
    stranded = queue(sam_in_group, key="c", due_at=TUESDAY_TEN)
    claimed = TUESDAY_TEN - services.STRANDED_AFTER - dt.timedelta(seconds=1)
    Message.objects.filter(pk=stranded.pk).update(status=Status.SENDING, claimed_at=claimed)
    working = queue(sam_in_group, key="d", due_at=TUESDAY_TEN)
    Message.objects.filter(pk=working.pk).update(status=Status.SENDING, claimed_at=TUESDAY_TEN)

    assert sorted(services.due_sweep(now=TUESDAY_TEN)) == sorted([due.pk, stranded.pk])
    # Swept twice and every message delivered by each sweep's workers: each goes once.
    for message_id in services.due_sweep(now=TUESDAY_TEN) * 2:
        services.message_deliver(message_id=message_id, now=TUESDAY_TEN)
    assert sorted(key for key, *_ in MemoryBackend.sent) == ["a", "c"]
    assert services.due_sweep(now=TUESDAY_TEN) == []


def test_an_outcome_is_not_recorded_over_a_sweep_that_took_the_message_back(sam_in_group, settings):
    message = queue(sam_in_group, due_at=TUESDAY_TEN)

    class TakenBackWhileSending:
        def send(self, message, *, to, sender):
            # The worker stalls here past STRANDED_AFTER; the sweep takes the row back.
            later = TUESDAY_TEN + services.STRANDED_AFTER + dt.timedelta(seconds=1)
            services.due_sweep(now=later)
            return "late"

    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.StallingBackend"}
    global StallingBackend
    StallingBackend = TakenBackWhileSending
    assert services.message_deliver(message_id=message.pk, now=TUESDAY_TEN) is None
    message.refresh_from_db()
    assert (message.status, message.provider_ref) == (Status.PENDING, "")


def test_the_sweep_task_hands_a_lone_due_message_to_a_worker(sam_in_group, sent_tasks):
    message = queue(sam_in_group)
    assert tasks.sweep.apply().get() == 1
    assert sent_tasks == [("coproduction.outbox.tasks.deliver", (message.pk,), {})]


def test_the_sweep_task_hands_due_messages_over_in_batches(sam_in_group, sent_tasks):
    ids = [queue(sam_in_group, key=f"k{n}", due_at=TUESDAY_TEN).pk for n in range(120)]
    with time_machine.travel(TUESDAY_TEN, tick=False):
        assert tasks.sweep.apply().get() == 120
    assert [(name, len(args[0])) for name, args, _ in sent_tasks] == [
        (services.DELIVER_BATCH, 50),
        (services.DELIVER_BATCH, 50),
        (services.DELIVER_BATCH, 20),
    ]
    assert sorted(i for _, args, _ in sent_tasks for i in args[0]) == sorted(ids)


def test_her_messages_go_with_her_account(sam_in_group):
    queue(sam_in_group)
    other = UserFactory()
    services.message_queue(
        recipient=other, kind="checkin", channel=Channel.SMS, body="Hello", key="other"
    )
    sam_in_group.delete()
    assert list(Message.objects.values_list("key", flat=True)) == ["other"]


# --- batches: what the sweep and a transaction's commit hand to a worker ---------------


def member_with_texts(group, n: int):
    """A member like Sam (texts Tuesday to Thursday 10:00–14:00, from "Jo")."""
    member = UserFactory(first_name=f"Member{n}")
    MembershipFactory(user=member, group=group)
    SafeContactProfile.objects.create(
        member=member, channels=[Channel.SMS], phone=f"07700 9{n:05d}", safe_days=[1, 2, 3],
        safe_from=dt.time(10), safe_until=dt.time(14), sender_name="Jo",
    )  # fmt: skip
    return member


def due_check_ins(group, count: int, *, start: int = 0, due_at=TUESDAY_TEN) -> list[Message]:
    return [
        queue(member_with_texts(group, n), key=f"checkin:{n}", due_at=due_at)
        for n in range(start, start + count)
    ]


@pytest.fixture
def record_at_the_end(monkeypatch):
    """Outcomes written once, when the batch ends, however slow the machine running it."""
    monkeypatch.setattr(services, "RECORD_WITHIN", 3600.0)


def test_a_batch_sends_each_due_message_to_her_own_number_once(group):
    messages = due_check_ins(group, 3)
    ids = [m.pk for m in messages]
    outcome = services.messages_deliver(message_ids=ids, now=TUESDAY_TEN)
    assert outcome == dict.fromkeys(ids, Status.SENT)
    assert sorted((key, to) for key, to, *_ in MemoryBackend.sent) == [
        ("checkin:0", "07700 900000"),
        ("checkin:1", "07700 900001"),
        ("checkin:2", "07700 900002"),
    ]
    for message in Message.objects.filter(pk__in=ids):
        assert (message.status, message.attempts, message.sent_at) == (Status.SENT, 1, TUESDAY_TEN)
        assert message.provider_ref and message.claimed_at is None
    # Each its own reference, written in the one UPDATE.
    assert len(set(Message.objects.values_list("provider_ref", flat=True))) == 3


def test_unless_told_the_time_a_batch_asks_and_stamps_each_message_as_it_goes(
    group, settings, record_at_the_end
):
    asked = []

    def gate_noting_the_time(message, *, at):
        asked.append(at)
        return ContactDecision(True, "For the test.", address="07700 900123", sender="Jo")

    global noting_gate
    noting_gate = gate_noting_the_time
    settings.HEARTH_OUTBOX_GATE = "tests.core.test_outbox.noting_gate"
    messages = due_check_ins(group, 3)
    with time_machine.travel(TUESDAY_TEN, tick=True):
        services.messages_deliver(message_ids=[m.pk for m in messages])
    stamped = [Message.objects.get(pk=m.pk).sent_at for m in messages]
    assert stamped == asked == sorted(set(asked)), "each its own moment, in the order sent"
    assert TUESDAY_TEN <= stamped[0] < stamped[-1] < TUESDAY_TEN + dt.timedelta(minutes=1)


def test_a_batch_sends_only_what_is_still_waiting_and_due(group, record_at_the_end):
    waiting, claimed, sent, later, held, cancelled = due_check_ins(group, 6)
    Message.objects.filter(pk=claimed.pk).update(status=Status.SENDING, claimed_at=TUESDAY_TEN)
    services.message_deliver(message_id=sent.pk, now=TUESDAY_TEN)
    Message.objects.filter(pk=later.pk).update(due_at=TUESDAY_TEN + dt.timedelta(hours=1))
    Message.objects.filter(pk=held.pk).update(status=Status.HELD)
    Message.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)
    MemoryBackend.sent.clear()
    everything = [waiting.pk, claimed.pk, sent.pk, later.pk, held.pk, cancelled.pk, 10**9]

    assert services.messages_deliver(message_ids=everything, now=TUESDAY_TEN) == {
        waiting.pk: Status.SENT
    }
    assert [key for key, *_ in MemoryBackend.sent] == [waiting.key]
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in (claimed, later, held, cancelled)] == [
        Status.SENDING, Status.PENDING, Status.HELD, Status.CANCELLED,
    ]  # fmt: skip


def test_a_batch_delivered_twice_sends_each_once(group, record_at_the_end):
    ids = [m.pk for m in due_check_ins(group, 4)]
    with time_machine.travel(TUESDAY_TEN, tick=False):
        assert tasks.deliver_batch.apply(args=(ids,)).get() == 4
        assert tasks.deliver_batch.apply(args=(ids,)).get() == 0
        # And the single-message task, for one of them, finds it sent.
        assert tasks.deliver.apply(args=(ids[0],)).get() is None
    assert sorted(key for key, *_ in MemoryBackend.sent) == [f"checkin:{n}" for n in range(4)]


def test_two_overlapping_batches_send_each_message_once(group, record_at_the_end):
    ids = [m.pk for m in due_check_ins(group, 5)]
    first = services.messages_deliver(message_ids=ids[:3], now=TUESDAY_TEN)
    second = services.messages_deliver(message_ids=ids[1:], now=TUESDAY_TEN)
    assert set(first) == set(ids[:3]) and set(second) == set(ids[3:])
    assert len(MemoryBackend.sent) == 5


class FailsFor:
    """A provider that fails (as told) for some keys and takes the others."""

    failures: dict[str, Exception] = {}

    def send(self, message, *, to, sender):
        if message.key in self.failures:
            raise self.failures[message.key]
        return MemoryBackend().send(message, to=to, sender=sender)


def test_a_failure_in_one_message_leaves_the_rest_of_its_batch_alone(
    group, settings, record_at_the_end
):
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.FailsFor"}
    FailsFor.failures = {
        "checkin:1": SendFailed("The provider is busy."),
        "checkin:2": KeyError("a bug"),
        "checkin:3": SendFailed("The number is not a mobile.", permanent=True),
    }
    messages = due_check_ins(group, 5)
    outcome = services.messages_deliver(message_ids=[m.pk for m in messages], now=TUESDAY_TEN)
    assert [outcome[m.pk] for m in messages] == [
        Status.SENT, Status.PENDING, Status.PENDING, Status.FAILED, Status.SENT,
    ]  # fmt: skip
    assert sorted(key for key, *_ in MemoryBackend.sent) == ["checkin:0", "checkin:4"]
    rows = {m.key: m for m in Message.objects.all()}
    retry = TUESDAY_TEN + dt.timedelta(minutes=1)
    assert (rows["checkin:1"].attempts, rows["checkin:1"].due_at) == (1, retry)
    assert rows["checkin:1"].last_error == "The provider is busy."
    assert (rows["checkin:2"].attempts, rows["checkin:2"].due_at) == (1, retry)
    assert rows["checkin:2"].last_error == "Something went wrong while sending."
    assert (rows["checkin:3"].attempts, rows["checkin:3"].status) == (1, Status.FAILED)
    assert rows["checkin:3"].last_error == "The number is not a mobile."
    assert all(m.claimed_at is None for m in rows.values())


def test_one_batch_holds_waits_and_sends_each_as_her_choices_say(group, record_at_the_end):
    sends, waits, held = due_check_ins(group, 3)
    # One of them only on Saturdays from 11:00; one asked for no texts at all.
    SafeContactProfile.objects.filter(member=waits.recipient).update(
        safe_days=[5], safe_from=dt.time(11)
    )
    SafeContactProfile.objects.filter(member=held.recipient).update(channels=[Channel.EMAIL])
    outcome = services.messages_deliver(message_ids=[sends.pk, waits.pk, held.pk], now=TUESDAY_TEN)
    assert outcome == {sends.pk: Status.SENT, waits.pk: Status.PENDING, held.pk: Status.HELD}
    waits.refresh_from_db()
    held.refresh_from_db()
    assert waits.due_at == dt.datetime(2026, 12, 12, 11, 0, tzinfo=LONDON)
    assert (waits.attempts, held.attempts) == (0, 0)
    assert held.last_error == "She has not said this way of contacting her is safe."
    assert [key for key, *_ in MemoryBackend.sent] == [sends.key]


def test_the_last_attempt_in_a_batch_fails_the_message(group, settings, record_at_the_end):
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.Flaky"}
    Flaky.error = SendFailed("The provider is busy.")
    first, last = due_check_ins(group, 2)
    Message.objects.filter(pk=last.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    outcome = services.messages_deliver(message_ids=[first.pk, last.pk], now=TUESDAY_TEN)
    assert outcome == {first.pk: Status.PENDING, last.pk: Status.FAILED}


def open_gate(message, *, at):
    """A gate that reads nothing: what is left to count is the outbox's own work."""
    return ContactDecision(True, "For the test.", address="07700 900123", sender="Jo")


def queries_for_a_batch(messages) -> int:
    crypto.forget_data_keys()  # as a worker meets them: her key not yet in memory
    with CaptureQueriesContext(connection) as captured:
        outcome = services.messages_deliver(message_ids=[m.pk for m in messages], now=TUESDAY_TEN)
    assert set(outcome.values()) == {Status.SENT}
    return len(captured)


def test_a_batch_costs_the_outbox_the_same_queries_for_5_messages_as_for_50(
    group, settings, record_at_the_end
):
    settings.HEARTH_OUTBOX_GATE = "tests.core.test_outbox.open_gate"
    five = queries_for_a_batch(due_check_ins(group, 5))
    fifty = queries_for_a_batch(due_check_ins(group, 50, start=5))
    # The claim, the read, their keys, the outcomes.
    assert five == fifty == 4


def test_with_the_real_gate_a_batch_adds_only_the_gates_two_reads_a_message(
    group, record_at_the_end
):
    five = queries_for_a_batch(due_check_ins(group, 5))
    fifty = queries_for_a_batch(due_check_ins(group, 50, start=5))
    assert five == 4 + 2 * 5
    assert fifty - five == 2 * 45


def test_a_slow_provider_has_each_send_written_before_the_next(group, settings, monkeypatch):
    """A worker killed mid-batch leaves at most RECORD_WITHIN of sends looking unsent;
    with a slow provider that is the one being sent."""
    monkeypatch.setattr(services, "RECORD_WITHIN", 0.0)
    seen = []

    class Watching:
        def send(self, message, *, to, sender):
            seen.append(sorted(Message.objects.filter(status=Status.SENT).values_list("key")))
            return "ref"

    global WatchingBackend
    WatchingBackend = Watching
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.WatchingBackend"}
    messages = due_check_ins(group, 3)
    services.messages_deliver(message_ids=[m.pk for m in messages], now=TUESDAY_TEN)
    assert seen == [[], [("checkin:0",)], [("checkin:0",), ("checkin:1",)]]


def test_a_batch_taken_back_by_the_sweep_stops_sending(group, settings, monkeypatch):
    monkeypatch.setattr(services, "RECORD_WITHIN", 0.0)
    later = TUESDAY_TEN + services.STRANDED_AFTER + dt.timedelta(seconds=1)

    class StallsOnTheSecond:
        def send(self, message, *, to, sender):
            if message.key == "checkin:1":
                # The worker stalls past STRANDED_AFTER; the sweep takes the batch back.
                services.due_sweep(now=later)
            return MemoryBackend().send(message, to=to, sender=sender)

    global StallingBatchBackend
    StallingBatchBackend = StallsOnTheSecond
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "tests.core.test_outbox.StallingBatchBackend"}
    first, second, third = due_check_ins(group, 3)
    outcome = services.messages_deliver(
        message_ids=[first.pk, second.pk, third.pk], now=TUESDAY_TEN
    )
    assert outcome == {first.pk: Status.SENT}
    assert [key for key, *_ in MemoryBackend.sent] == ["checkin:0", "checkin:1"]
    assert set(Message.objects.filter(pk__in=[second.pk, third.pk]).values_list("status")) == {
        (Status.PENDING,)
    }


def test_a_batch_past_its_budget_hands_the_rest_over_again(
    group, monkeypatch, sent_tasks, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BATCH_BUDGET", 0.0)
    first, *rest = due_check_ins(group, 3)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.messages_deliver(
            message_ids=[first.pk, *(m.pk for m in rest)], now=TUESDAY_TEN
        )
    assert outcome == {first.pk: Status.SENT}
    assert [key for key, *_ in MemoryBackend.sent] == ["checkin:0"]
    assert set(Message.objects.filter(pk__in=[m.pk for m in rest]).values_list("status")) == {
        (Status.PENDING,)
    }
    assert sent_tasks == [(services.DELIVER_BATCH, ([m.pk for m in rest],), {})]


def test_an_empty_batch_asks_nothing(db):
    with CaptureQueriesContext(connection) as captured:
        assert services.messages_deliver(message_ids=[]) == {}
    assert len(captured) == 0


def test_what_one_transaction_queues_is_handed_over_as_one_batch(
    group, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        messages = due_check_ins(group, 3, due_at=None)
        assert sent_tasks == []
    assert len(callbacks) == 1
    assert sent_tasks == [(services.DELIVER_BATCH, ([m.pk for m in messages],), {})]


def test_many_queued_at_once_go_in_batches_of_fifty(
    sam_in_group, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ids = [queue(sam_in_group, key=f"k{n}").pk for n in range(120)]
    assert [args[0] for _, args, _ in sent_tasks] == [ids[:50], ids[50:100], ids[100:]]


def test_each_transaction_hands_over_its_own_messages(
    sam_in_group, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(sam_in_group, key="a")
    with django_capture_on_commit_callbacks(execute=True):
        second, third = queue(sam_in_group, key="b"), queue(sam_in_group, key="c")
    assert sent_tasks == [
        (services.DELIVER, (first.pk,), {}),
        (services.DELIVER_BATCH, ([second.pk, third.pk],), {}),
    ]


def test_a_rolled_back_savepoint_does_not_lose_the_messages_queued_after_it(
    sam_in_group, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            queue(sam_in_group, key="rolled-back")
            1 / 0  # noqa: B018
        kept = queue(sam_in_group, key="kept")
    assert sent_tasks == [(services.DELIVER, (kept.pk,), {})]


def test_a_message_rolled_back_after_others_is_handed_over_but_never_sent(
    sam_in_group, sent_tasks, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY_TEN, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            kept = queue(sam_in_group, key="kept")
            with pytest.raises(ZeroDivisionError), transaction.atomic():
                gone = queue(sam_in_group, key="gone")
                1 / 0  # noqa: B018
        assert sent_tasks == [(services.DELIVER_BATCH, ([kept.pk, gone.pk],), {})]
        assert tasks.deliver_batch.apply(args=([kept.pk, gone.pk],)).get() == 1
    assert [key for key, *_ in MemoryBackend.sent] == ["kept"]
