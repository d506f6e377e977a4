"""Staff training records: recorded once, checked the same way from every door."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.audit.services import audit_record
from groups.models import (
    Training,
)


def training_record(
    *, person, acting_user, kind: str, completed_on: dt.date, expires_on: dt.date | None = None,
    provider: str = "",
) -> Training:  # fmt: skip
    """Record a completed training. The same course on the same day is recorded once."""
    training_dates_check(completed_on=completed_on, expires_on=expires_on)
    try:
        with transaction.atomic():
            training = Training.objects.create(
                person=person,
                kind=kind,
                completed_on=completed_on,
                expires_on=expires_on,
                provider=provider,
                recorded_by=acting_user,
            )
            audit_record(actor=acting_user, action="training.record", subject=training)
    except IntegrityError:
        training = Training.objects.get(person=person, kind=kind, completed_on=completed_on)
    return training


def training_dates_check(*, completed_on: dt.date, expires_on: dt.date | None) -> None:
    """Refuse a record completed in the future or expiring before it was completed: the
    checks every door (her own page, the admin site) applies before writing."""
    if expires_on is not None and expires_on <= completed_on:
        raise ValidationError(_("The expiry date must be after the date it was completed."))
    if completed_on > timezone.localdate():
        raise ValidationError(_("The completion date cannot be in the future."))


def training_correct(*, training: Training, acting_user, **fields) -> Training:
    """Correct a training record (the admin site), with the same checks as recording one.
    Saving the same values again changes nothing and records nothing."""
    new = {name: value for name, value in fields.items() if getattr(training, name) != value}
    training_dates_check(
        completed_on=fields.get("completed_on", training.completed_on),
        expires_on=fields.get("expires_on", training.expires_on),
    )
    if not new:
        return training
    with transaction.atomic():
        for name, value in new.items():
            setattr(training, name, value)
        training.recorded_by = acting_user
        training.save(update_fields=[*new, "recorded_by"])
        audit_record(actor=acting_user, action="training.admin_save", subject=training)
    return training
