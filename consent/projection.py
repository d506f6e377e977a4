"""Her current answers, projected from the ledger.

`consent_record` keeps the projection as it appends each event; `rebuild` recomputes it
from the ledger, for what appends events in bulk (the bench's seeding, tests) and for
the migration that first fills it. The two agree because both take, for each member
and purpose, the event with the highest id: the ledger is append-only, so that is the
latest.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max

from consent.models import ConsentEvent, CurrentAnswer

BATCH = 5000


def rebuild(member_ids=None) -> int:
    """Recompute the current answers of `member_ids` (everyone's when None) from the
    ledger, in one transaction; safe to run any number of times, on a live site too.
    Returns the number of rows written.

    Only people who still have an account get rows: the ledger keeps an erased member's
    events as facts about no one, and her current answers must not come back. Their
    user rows are locked first, as `consent_record` locks hers, so an answer given
    during a rebuild waits for it instead of writing into rows being replaced."""
    people = get_user_model().objects.select_for_update()
    stale = CurrentAnswer.objects.all()
    if member_ids is not None:
        member_ids = list(member_ids)
        people = people.filter(pk__in=member_ids)
        stale = stale.filter(member_id__in=member_ids)
    written = 0
    with transaction.atomic():
        ids = list(people.values_list("pk", flat=True))
        latest = (
            ConsentEvent.objects.filter(member_id__in=ids)
            .order_by()
            .values("member_id", "purpose_id")
            .annotate(last=Max("id"))
            .values("last")
        )
        rows = (
            ConsentEvent.objects.filter(id__in=latest)
            .order_by()
            .values_list("id", "member_id", "purpose_id", "answer", "at")
        )
        stale.delete()
        batch = []
        for event_id, member_id, purpose_id, answer, at in rows.iterator(chunk_size=BATCH):
            batch.append(
                CurrentAnswer(
                    member_id=member_id,
                    purpose_id=purpose_id,
                    event_id=event_id,
                    answer=answer,
                    at=at,
                )
            )
            if len(batch) == BATCH:
                written += len(CurrentAnswer.objects.bulk_create(batch))
                batch = []
        written += len(CurrentAnswer.objects.bulk_create(batch))
    return written
