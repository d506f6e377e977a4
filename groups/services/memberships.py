"""Stepping back, coming back and leaving: her membership is hers to pause or end."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduction.audit.services import audit_record
from groups.models import (
    Membership,
)

BREAK_TOO_LONG = "Pick a date within a year from today."


def _audit(acting_user, action: str, membership: Membership) -> None:
    """Her membership changed: recorded against her, so it shows in her own history."""
    audit_record(actor=acting_user, action=action, subject=membership, subject_user=membership.user)


def latest_break_end(today: dt.date) -> dt.date:
    """The last day a break may run to: a year from today (28 February for 29 February).

    A break with no end is always open to her; a date years away is almost always a slip
    of the year, which would silence her messages for that long."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def membership_step_back(
    *, membership: Membership, acting_user, until: dt.date | None = None, keep_session_changes=False
) -> Membership:
    """She steps back, optionally until a date. Nothing is lost. Twice is once."""
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK):
        raise ValidationError("Only a current member can step back.")
    if until is not None and until <= timezone.localdate():
        raise ValidationError("Choose a date after today.")
    if until is not None and until > latest_break_end(timezone.localdate()):
        raise ValidationError(BREAK_TOO_LONG)
    with transaction.atomic():
        changed = membership.status != Membership.Status.STEPPED_BACK
        membership.status = Membership.Status.STEPPED_BACK
        membership.stepped_back_until = until
        membership.keep_session_changes_while_away = keep_session_changes
        if changed:
            membership.status_changed_at = timezone.now()
        membership.save()
        if changed:
            _audit(acting_user, "membership.step_back", membership)
    return membership


def membership_come_back(*, membership: Membership, acting_user) -> Membership:
    """She comes back. Coming back when already back does nothing."""
    if membership.status == Membership.Status.ACTIVE:
        return membership
    if membership.status != Membership.Status.STEPPED_BACK:
        raise ValidationError("Only someone who stepped back can come back.")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, status=Membership.Status.STEPPED_BACK).update(
            status=Membership.Status.ACTIVE,
            stepped_back_until=None,
            keep_session_changes_while_away=False,
            status_changed_at=timezone.now(),
        )
        membership.refresh_from_db()
        _audit(acting_user, "membership.come_back", membership)
    return membership


def memberships_return_due(*, today: dt.date | None = None) -> int:
    """Bring back everyone whose chosen step-back date has come (a daily task)."""
    today = today or timezone.localdate()
    due = Membership.objects.filter(
        status=Membership.Status.STEPPED_BACK, stepped_back_until__lte=today
    )
    count = 0
    for membership in due.select_related("user"):
        membership_come_back(membership=membership, acting_user=None)
        count += 1
    return count


def membership_leave(*, membership: Membership, acting_user, erase: bool) -> Membership:
    """She leaves, choosing to keep or erase her information. Erasure itself is carried
    out by the consent work; here the request is recorded."""
    if membership.status == Membership.Status.LEFT:
        return membership
    with transaction.atomic():
        membership.status = Membership.Status.LEFT
        membership.leave_choice = (
            Membership.LeaveChoice.ERASE if erase else Membership.LeaveChoice.KEEP
        )
        membership.status_changed_at = timezone.now()
        membership.save()
        _audit(acting_user, "membership.leave", membership)
    return membership
