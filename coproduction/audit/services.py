from __future__ import annotations

from django.db import models

from coproduction.audit.models import AuditEvent


def audit_record(*, actor, action: str, subject: models.Model | None = None, subject_user=None):
    """Append one row to the audit trail: who (`actor`) did `action` to whose data.

    `subject` is the object viewed or changed; `subject_user` is the person the
    data is about. No content is stored, only references.
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_user=subject_user,
    )
