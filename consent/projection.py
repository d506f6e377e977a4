"""Her current answers, projected from the ledger.

`consent_record` keeps the projection as it appends each event; `rebuild` recomputes it
from the ledger, for what appends events in bulk (the bench's seeding, tests) and for
the migration that first fills it. The two agree because both take, for each member
and purpose, the event with the highest id: the ledger is append-only, so that is the
latest.
"""

from __future__ import annotations

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Max

BATCH = 5000


def rebuild(member_ids=None, *, apps=None) -> int:
    """Recompute the current answers of `member_ids` (everyone's when None) from the
    ledger, in one transaction; safe to run any number of times. `apps` is a
    migration's app registry, so the data migration can use it with its own models.
    Returns the number of rows written."""
    registry = apps or installed_apps
    event_model = registry.get_model("consent", "ConsentEvent")
    current_model = registry.get_model("consent", "CurrentAnswer")
    events = event_model.objects.all()
    current = current_model.objects.all()
    if member_ids is not None:
        member_ids = list(member_ids)
        events = events.filter(member_id__in=member_ids)
        current = current.filter(member_id__in=member_ids)
    latest = (
        events.order_by().values("member_id", "purpose_id").annotate(last=Max("id")).values("last")
    )
    rows = (
        event_model.objects.filter(id__in=latest)
        .order_by()
        .values_list("id", "member_id", "purpose_id", "answer", "at")
    )
    written = 0
    with transaction.atomic():
        current.delete()
        batch = []
        for event_id, member_id, purpose_id, answer, at in rows.iterator(chunk_size=BATCH):
            batch.append(
                current_model(
                    member_id=member_id,
                    purpose_id=purpose_id,
                    event_id=event_id,
                    answer=answer,
                    at=at,
                )
            )
            if len(batch) == BATCH:
                written += len(current_model.objects.bulk_create(batch))
                batch = []
        written += len(current_model.objects.bulk_create(batch))
    return written
