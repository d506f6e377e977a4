"""The outbox's writes: keep a message, send one due message once, sweep what is due.

Nothing is sent while the change that causes it is being made: a message is queued in
the caller's transaction and handed to a worker only once that commits. A worker claims
its message with a conditional UPDATE before sending, so two workers (or one task run
twice) send it once; the sweep takes back what a dead worker left half-sent. The rule
for reaching a person is the domain's, named in settings (`HEARTH_OUTBOX_GATE`), and is
asked at the moment of sending, never at queueing.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import signature
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coproduction.outbox.backends import SendFailed, backend_for
from coproduction.outbox.models import Message

logger = logging.getLogger(__name__)

DELIVER = "coproduction.outbox.tasks.deliver"
# A message due this soon is handed to a worker at once; later ones wait in the table
# for the sweep, never in a long Celery countdown.
SOON = dt.timedelta(minutes=1)
# A message still "sending" this long after it was claimed was left by a dead worker: no
# task lives longer than CELERY_TASK_TIME_LIMIT (two minutes).
STRANDED_AFTER = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 6
SWEEP_BATCH = 500

Status = Message.Status


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
) -> Message:
    """Keep one message for `recipient`, once per `key` (the same cause queues it once),
    in the caller's transaction; a worker gets it when that transaction commits."""
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
    if created and message.due_at <= now + SOON:
        transaction.on_commit(signature(DELIVER, args=(message.pk,)).delay)
    return message


def _finish(message: Message, **changes) -> str | None:
    """Record the outcome of this claim and return the new status, unless the sweep took
    the message back meanwhile (then None: the outcome is no longer this claim's)."""
    recorded = Message.objects.filter(
        pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at
    ).update(claimed_at=None, **changes)
    return changes["status"] if recorded else None


def _retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8… minutes after each failed attempt, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> str | None:
    """Send message `message_id` if it is due and still waiting: claimed first, then the
    gate, then its channel. Returns its new status, or None when it was not this call's
    to send (already claimed, sent, held, or not due yet)."""
    now = now or timezone.now()
    claimed = Message.objects.filter(pk=message_id, status=Status.PENDING, due_at__lte=now).update(
        status=Status.SENDING, claimed_at=now
    )
    if not claimed:
        return None
    message = Message.objects.select_related("recipient").get(pk=message_id)
    gate = import_string(settings.HEARTH_OUTBOX_GATE)
    attempts = message.attempts + 1
    try:
        decision = gate(message, at=now)
        if decision.allowed:
            backend = backend_for(message.channel)
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
            return _finish(
                message,
                status=Status.SENT,
                attempts=attempts,
                sent_at=now,
                provider_ref=reference[:200],
                last_error="",
            )
        if decision.next_window is not None:
            # Outside her safe days and times: it waits for the next one, unchanged.
            return _finish(
                message, status=Status.PENDING, due_at=decision.next_window, last_error=""
            )
        # Never sent another way or by another channel on its own: a person decides.
        return _finish(message, status=Status.HELD, last_error=decision.reason[:300])
    if failure.permanent or attempts >= MAX_ATTEMPTS:
        return _finish(
            message, status=Status.FAILED, attempts=attempts, last_error=failure.reason[:300]
        )
    return _finish(
        message,
        status=Status.PENDING,
        attempts=attempts,
        due_at=now + _retry_delay(attempts),
        last_error=failure.reason[:300],
    )


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
