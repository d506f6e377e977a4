"""'Through my support worker': a message for a member reached that way becomes a task for
her support worker, who passes it on in person; never a message to the member herself."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from coproduction.audit.services import audit_record
from groups.models import Membership
from sessions_app import wording
from sessions_app.models import PassOn
from sessions_app.services.support import her_staff, staff_email_queue


def her_support_worker(member):
    """The active support worker named on one of her current memberships, or None."""
    workers = her_staff(member, Membership.Role.SUPPORT_WORKER)
    return min(workers, key=lambda worker: worker.pk) if workers else None


def pass_on_create(*, message, worker) -> PassOn:
    """Give `message` to `worker` to pass on, and tell her by her work e-mail that there
    is something to pass on (nothing of the member's in it). Once per message: the
    outbox sending it twice makes one task and one e-mail."""
    with transaction.atomic():
        pass_on, _ = PassOn.objects.get_or_create(
            message=message, defaults={"member": message.recipient, "worker": worker}
        )
        staff_email_queue(
            pass_on.worker,
            kind=wording.HAND_ON,
            words=wording.pass_on_text(),
            key=f"passon:{pass_on.pk}",
        )
    return pass_on


def pass_on_done(*, pass_on: PassOn, acting_user) -> bool:
    """Record that `acting_user` passed it on. Returns whether this call recorded it:
    done twice, or by two colleagues at once, it is recorded once."""
    done = PassOn.objects.filter(pk=pass_on.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=acting_user
    )
    if done:
        audit_record(
            actor=acting_user,
            action="pass_on.done",
            subject=pass_on,
            subject_user=pass_on.member,
        )
    return bool(done)
