"""The outbox: a message is kept once per cause, sent once, at a moment her safe-contact
profile allows, by the channel she allowed, from the sender she named — or it waits, or
it is held; it is never sent another way on its own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from coproduction.outbox import services, tasks
from coproduction.outbox.backends import MemoryBackend, SendFailed
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
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


def test_the_sweep_task_hands_each_due_message_to_a_worker(sam_in_group, sent_tasks):
    message = queue(sam_in_group)
    assert tasks.sweep.apply().get() == 1
    assert sent_tasks == [("coproduction.outbox.tasks.deliver", (message.pk,), {})]


def test_her_messages_go_with_her_account(sam_in_group):
    queue(sam_in_group)
    other = UserFactory()
    services.message_queue(
        recipient=other, kind="checkin", channel=Channel.SMS, body="Hello", key="other"
    )
    sam_in_group.delete()
    assert list(Message.objects.values_list("key", flat=True)) == ["other"]
