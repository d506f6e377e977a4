"""The outbox's writes: keep a message, send due messages once, sweep what is due.

Nothing is sent while the change that causes it is being made: a message is queued in
the caller's transaction and handed to a worker only once that commits. A worker claims
its messages with a conditional UPDATE before sending, so two workers (or one task run
twice) send each once; the sweep takes back what a dead worker left half-sent. Workers
take messages in batches of up to BATCH ids: one claim, one read and a few writes serve
the whole batch. The rule for reaching a person is the domain's, named in settings
(`HEARTH_OUTBOX_GATE`), and is asked for each message at the moment it is sent, never at
queueing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from celery import signature
from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, router, transaction
from django.db.models import Expression, Field, QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coproduction import crypto
from coproduction.outbox.backends import Backend, SendFailed, backend_for
from coproduction.outbox.models import Message

logger = logging.getLogger(__name__)

DELIVER = "coproduction.outbox.tasks.deliver"
DELIVER_BATCH = "coproduction.outbox.tasks.deliver_batch"
# A message due this soon is handed to a worker at once; later ones wait in the table
# for the sweep, never in a long Celery countdown.
SOON = dt.timedelta(minutes=1)
# A message still "sending" this long after it was claimed was left by a dead worker: no
# task lives longer than CELERY_TASK_TIME_LIMIT (two minutes), and a batch stops starting
# sends after BATCH_BUDGET.
STRANDED_AFTER = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 6
SWEEP_BATCH = 500
# Ids a worker takes in one task. A task per message spent most of its time on Celery's
# hand-over and on its own claim, read, key and write (bench/messaging.py); fifty share
# them, and a batch still ends in seconds with a provider that answers in tens of ms.
BATCH = 50
# While a batch is being sent its outcomes are written at least this often (seconds). A
# worker killed mid-batch leaves what it sent since its last write looking unsent, and
# the sweep sends that again: this bounds it to the last tenth of a second of sends (and
# the one in flight), however slow the provider, while a fast channel still writes a
# whole batch at once.
RECORD_WITHIN = 0.1
# A batch starts no send after this many seconds, so that with a provider answering
# within PROVIDER_TIMEOUT it ends well inside CELERY_TASK_SOFT_TIME_LIMIT; what it did
# not reach goes back to waiting and is handed over again.
BATCH_BUDGET = 60.0

Status = Message.Status
Changes = dict[str, Any]
_PK_COLUMN = cast(str, Message._meta.pk.column)


def message_queue(
    *,
    recipient,
    kind: str,
    channel: str,
    body: str,
    key: str,
    subject: str = "",
    due_at: dt.datetime | None = None,
    mentions_group: bool = False,
    at_once: bool = False,
) -> Message:
    """Keep one message for `recipient`, once per `key` (the same cause queues it once),
    in the caller's transaction; a worker gets it when that transaction commits, in one
    batch with the other messages that transaction queued. `at_once`: this process
    sends it itself when the transaction commits, for a person waiting at the page for
    it; should that send not go through, the message waits for the sweep like any other."""
    if backend_for(channel) is None:
        raise ValidationError(_("Hearth cannot send messages this way yet."))
    now = timezone.now()
    message, created = Message.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "channel": channel,
            "subject": subject,
            "body": body,
            "mentions_group": mentions_group,
            "due_at": due_at or now,
        },
    )
    if created and at_once:
        transaction.on_commit(lambda: messages_deliver(message_ids=[message.pk]))
    elif created and message.due_at <= now + SOON:
        _hand_over_on_commit(message.pk)
    return message


def messages_hand_over(*, message_ids: Sequence[int]) -> None:
    """Give messages to workers: one as a `deliver` task, more as `deliver_batch` tasks
    of up to BATCH ids each. Sending a message twice is safe: its claim sends it once."""
    ids = list(dict.fromkeys(message_ids))  # in order, each once
    if len(ids) == 1:
        signature(DELIVER, args=(ids[0],)).delay()
        return
    for start in range(0, len(ids), BATCH):
        signature(DELIVER_BATCH, args=(ids[start : start + BATCH],)).delay()


class _HandOver:
    """The ids one transaction queued, handed over together when it commits."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        messages_hand_over(message_ids=self.ids)


_handing = threading.local()


def _hand_over_on_commit(message_id: int) -> None:
    # One callback per transaction gathers the messages it queues. While that callback is
    # among the connection's pending on-commit callbacks (Django's own list, which its
    # test helper reads too), its transaction is open and later messages join it; once it
    # is gone (run, rolled back, or dropped with its savepoint) the next message starts a
    # new one. A message that joined and was then rolled back with a savepoint is still
    # handed over: its claim finds no row and sends nothing.
    connection = transaction.get_connection()
    hand_over = getattr(_handing, "current", None)
    if (
        connection.in_atomic_block
        and hand_over is not None
        and not hand_over.done
        and any(callback is hand_over for _, callback, _ in connection.run_on_commit)
    ):
        hand_over.ids.append(message_id)
        return
    hand_over = _handing.current = _HandOver()
    hand_over.ids.append(message_id)  # before on_commit, which runs it at once in autocommit
    transaction.on_commit(hand_over)


def _update_returning(queryset: QuerySet[Message], **changes: Any) -> list[int]:
    """`queryset.update(**changes)`, answering which rows it changed. Django's update()
    says only how many; a batch must know which of its messages are still its own.
    PostgreSQL and SQLite (3.35+) both take UPDATE … RETURNING."""
    using = router.db_for_write(Message)
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(changes)
    try:
        statement, params = query.get_compiler(using).as_sql()
    except EmptyResultSet:  # no ids at all
        return []
    pk = connections[using].ops.quote_name(_PK_COLUMN)
    with transaction.mark_for_rollback_on_error(using), connections[using].cursor() as cursor:
        cursor.execute(f"{statement} RETURNING {pk}", params)
        return [row[0] for row in cursor.fetchall()]


class _PerMessage(Expression):
    """`CASE id WHEN … THEN … END`: a value for each message, in one UPDATE. Django's
    Case with a When per message spends a tenth of a millisecond a message building
    its conditions; this is plain SQL, with the values prepared as the field prepares
    them and cast as Django casts a Case."""

    def __init__(self, field: Field, values: dict[int, Any]):
        super().__init__(output_field=field)
        self.values = values

    def as_sql(self, compiler, connection, **extra):
        qn = connection.ops.quote_name
        pk = f"{qn(Message._meta.db_table)}.{qn(_PK_COLUMN)}"
        placeholder = connection.ops.unification_cast_sql(self.output_field)
        params: list[Any] = []
        for key, value in self.values.items():
            params += [key, self.output_field.get_db_prep_save(value, connection)]
        whens = f" WHEN %s THEN {placeholder}" * len(self.values)
        return f"CASE {pk}{whens} END", params


def _claimed(queryset: QuerySet[Message], claimed_at: dt.datetime) -> QuerySet[Message]:
    """Of `queryset`, the messages that are still this claim's: being sent, since then."""
    return queryset.filter(status=Status.SENDING, claimed_at=claimed_at)


def _record(outcomes: dict[int, Changes], claimed_at: dt.datetime) -> dict[int, str]:
    """Write the outcomes of this claim, one UPDATE per kind of outcome, and return the
    new status of each one written. A message the sweep took back meanwhile is not
    written: its outcome is no longer this claim's."""
    kinds: dict[tuple[str, ...], dict[int, Changes]] = {}
    for pk, changes in outcomes.items():
        kinds.setdefault((changes["status"], *sorted(changes)), {})[pk] = changes
    recorded: dict[int, str] = {}
    for rows in kinds.values():
        first = next(iter(rows.values()))
        values: dict[str, Any] = {"claimed_at": None}
        for name in first:
            column = [changes[name] for changes in rows.values()]
            if all(value == column[0] for value in column):
                values[name] = column[0]
            else:
                field = cast(Field, Message._meta.get_field(name))
                values[name] = _PerMessage(field, {pk: row[name] for pk, row in rows.items()})
        queryset = _claimed(Message.objects.filter(pk__in=list(rows)), claimed_at)
        for pk in _update_returning(queryset, **values):
            recorded[pk] = first["status"]
    return recorded


def _retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8… minutes after each failed attempt, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _send_one(
    message: Message,
    *,
    at: dt.datetime,
    gate: Callable[..., Any],
    backends: dict[str, Backend | None],
) -> Changes:
    """Ask the gate about one claimed message at `at`, send it if it may go, and return
    the changes that record what happened."""
    attempts = message.attempts + 1
    try:
        decision = gate(message, at=at)
        if decision.allowed:
            if message.channel not in backends:
                backends[message.channel] = backend_for(message.channel)
            backend = backends[message.channel]
            if backend is None:
                raise SendFailed(_("Hearth cannot send messages this way yet."), permanent=True)
            reference = backend.send(message, to=decision.address, sender=decision.sender)
    except SendFailed as error:
        failure = error
    except Exception:
        # A fault in the gate or a backend is tried again like a passing error, so a
        # message that always fails stops after MAX_ATTEMPTS instead of coming back forever.
        logger.exception("Sending message %s failed", message.pk)
        failure = SendFailed(_("Something went wrong while sending."))
    else:
        if decision.allowed:
            return {
                "status": Status.SENT,
                "attempts": attempts,
                "sent_at": at,
                "provider_ref": reference[:200],
                "last_error": "",
            }
        if decision.next_window is not None:
            # Outside her safe days and times: it waits for the next one, unchanged.
            return {"status": Status.PENDING, "due_at": decision.next_window, "last_error": ""}
        # Never sent another way or by another channel on its own: a person decides.
        return {"status": Status.HELD, "last_error": decision.reason[:300]}
    if failure.permanent or attempts >= MAX_ATTEMPTS:
        return {"status": Status.FAILED, "attempts": attempts, "last_error": failure.reason[:300]}
    return {
        "status": Status.PENDING,
        "attempts": attempts,
        "due_at": at + _retry_delay(attempts),
        "last_error": failure.reason[:300],
    }


def messages_deliver(
    *, message_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[int, str]:
    """Send each of `message_ids` that is due and still waiting, as `message_deliver`
    sends one: the batch is claimed in one conditional UPDATE and read once, the gate is
    asked for each message as it is sent, and the outcomes are written a few UPDATEs at
    a time, each only where this claim still holds. Returns the new status of each
    message whose outcome this call recorded; the rest were not its to send (already
    claimed, sent, held, not due yet) or were taken back meanwhile."""
    claimed_at = now or timezone.now()
    waiting = Message.objects.filter(
        pk__in=list(message_ids), status=Status.PENDING, due_at__lte=claimed_at
    )
    ids = _update_returning(waiting, status=Status.SENDING, claimed_at=claimed_at)
    if not ids:
        return {}
    messages = list(
        Message.objects.select_related("recipient").filter(pk__in=ids).order_by("due_at", "pk")
    )
    # Their words and her profile's are encrypted with her own key: one read for all.
    crypto.warm_data_keys({message.recipient_id for message in messages})
    gate = import_string(settings.HEARTH_OUTBOX_GATE)
    backends: dict[str, Backend | None] = {}
    outcomes: dict[int, Changes] = {}
    recorded: dict[int, str] = {}
    started = written = time.monotonic()
    for index, message in enumerate(messages):
        if index and time.monotonic() - started > BATCH_BUDGET:
            _release([m.pk for m in messages[index:]], claimed_at)
            break
        # Asked at the moment of sending, not of claiming: a batch takes seconds, and her
        # safe window can close meanwhile.
        outcomes[message.pk] = _send_one(
            message, at=now or timezone.now(), gate=gate, backends=backends
        )
        if time.monotonic() - written >= RECORD_WITHIN:
            now_recorded = _record(outcomes, claimed_at)
            recorded.update(now_recorded)
            if len(now_recorded) < len(outcomes):
                # The sweep took this batch back (it takes a claim's rows together): the
                # rest are no longer this batch's to send.
                logger.warning("Outbox batch claimed at %s was taken back", claimed_at)
                return recorded
            outcomes, written = {}, time.monotonic()
    recorded.update(_record(outcomes, claimed_at))
    return recorded


def _release(message_ids: list[int], claimed_at: dt.datetime) -> None:
    """Put claimed messages this batch will not reach back to waiting, and hand them over."""
    queryset = _claimed(Message.objects.filter(pk__in=message_ids), claimed_at)
    released = _update_returning(queryset, status=Status.PENDING, claimed_at=None)
    if released:
        transaction.on_commit(lambda: messages_hand_over(message_ids=released))


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> str | None:
    """Send message `message_id` if it is due and still waiting: claimed first, then the
    gate, then its channel. Returns its new status, or None when it was not this call's
    to send (already claimed, sent, held, or not due yet)."""
    return messages_deliver(message_ids=[message_id], now=now).get(message_id)


def due_sweep(*, now: dt.datetime | None = None, batch: int = SWEEP_BATCH) -> list[int]:
    """Take back messages a dead worker left half-sent, and name up to `batch` due ones,
    oldest first, for workers to send. Costs what is due, not what the table holds: both
    questions are answered from partial indexes."""
    now = now or timezone.now()
    Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - STRANDED_AFTER).update(
        status=Status.PENDING, claimed_at=None
    )
    with transaction.atomic():
        # SKIP LOCKED: two sweeps at once each take rows the other has not.
        return list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, due_at__lte=now)
            .order_by("due_at")
            .values_list("pk", flat=True)[:batch]
        )


def messages_cancel(*, key_prefix: str) -> int:
    """Cancel every message of one cause (keys starting `key_prefix`, such as a support
    request's reminders) not yet sent or being sent; returns how many. Twice, one effect."""
    return Message.objects.filter(
        key__startswith=key_prefix, status__in=(Status.PENDING, Status.HELD)
    ).update(status=Status.CANCELLED, claimed_at=None)


def message_retry(*, message: Message, now: dt.datetime | None = None) -> bool:
    """Try a held or failed message again from now: the gate is asked afresh when it is
    sent, so nothing goes that her choices would not let go. Returns whether it was."""
    now = now or timezone.now()
    retried = Message.objects.filter(pk=message.pk, status__in=(Status.HELD, Status.FAILED)).update(
        status=Status.PENDING, due_at=now, attempts=0, last_error=""
    )
    if retried:
        transaction.on_commit(signature(DELIVER, args=(message.pk,)).delay)
    return bool(retried)


def message_cancel(*, message: Message) -> bool:
    """Cancel one message that has not gone (waiting, held or failed). Returns whether it was."""
    return bool(
        Message.objects.filter(
            pk=message.pk, status__in=(Status.PENDING, Status.HELD, Status.FAILED)
        ).update(status=Status.CANCELLED, claimed_at=None)
    )
