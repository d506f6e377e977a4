"""The training grid of a group's staff, and which record of each kind counts.

Tested directly in `tests/groups/test_staff_summaries.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.core import dates
from groups.models import CoproGroup, Membership, Training
from groups.summaries import ROLE_ORDER, staff_name_of, training_warning


@dataclass
class TrainingCell:
    """One person's record of one kind of training, as the grid shows it."""

    label: str
    record: Training | None = None
    current: bool = False

    @property
    def text(self) -> str:
        if self.record is None:
            return _("No record")
        if self.current:
            if self.record.expires_on is None:
                return _("Current, does not expire")
            return _("Current until %(date)s") % {
                "date": dates.day(self.record.expires_on, short=True)
            }
        if self.record.expires_on is None or self.record.expires_on >= timezone.localdate():
            # Entered with a completion date still to come (possible only in the admin).
            return _("Not yet: completes %(date)s") % {
                "date": dates.day(self.record.completed_on, short=True)
            }
        return _("Expired %(date)s") % {"date": dates.day(self.record.expires_on, short=True)}


@dataclass
class TrainingRow:
    """One facilitator or support worker in the training grid, kind by kind."""

    name: str
    roles: list[str]
    is_facilitator: bool
    cells: list[TrainingCell] = field(default_factory=list)
    warning: str = ""


def best_records(records, today: dt.date) -> dict[tuple[int, str], tuple[Training, bool]]:
    """For each person and kind, the record that counts and whether it is current: the
    current one lasting longest, or else the one that expired most recently."""
    best: dict[tuple[int, str], tuple[Training, bool]] = {}
    for record in records:
        key = (record.person_id, record.kind)
        current = record.is_current(today)
        rank = (current, record.expires_on or dt.date.max, record.completed_on)
        if key not in best:
            best[key] = (record, current)
            continue
        held, held_current = best[key]
        if rank > (held_current, held.expires_on or dt.date.max, held.completed_on):
            best[key] = (record, current)
    return best


def training_grid(group: CoproGroup) -> list[TrainingRow]:
    """Every facilitator's and support worker's training in `group`, facilitators first."""
    today = timezone.localdate()
    people: dict[int, TrainingRow] = {}
    order: dict[int, tuple] = {}
    role_labels = dict(Membership.Role.choices)
    for role, user_id, *names in (
        group.memberships.current()
        .staff()
        .values_list("role", "user_id", "user__first_name", "user__last_name", "user__username")
    ):
        name = staff_name_of(*names)
        row = people.setdefault(user_id, TrainingRow(name=name, roles=[], is_facilitator=False))
        row.roles.append(str(role_labels[role]))
        row.is_facilitator = row.is_facilitator or role == Membership.Role.FACILITATOR
        order[user_id] = min(order.get(user_id, (9,)), (ROLE_ORDER[role], name, user_id))
    best = best_records(
        Training.objects.filter(person_id__in=people).only(
            "person_id", "kind", "completed_on", "expires_on"
        ),
        today,
    )
    kinds = Training.Kind.choices
    for pk, row in people.items():
        for kind, label in kinds:
            record, current = best.get((pk, kind), (None, False))
            row.cells.append(TrainingCell(label=label, record=record, current=current))
        if row.is_facilitator:
            missing = {
                kind
                for (kind, _label), cell in zip(kinds, row.cells, strict=True)
                if not cell.current
            }
            row.warning = training_warning(missing, group)
    return [people[pk] for pk in sorted(people, key=order.__getitem__)]


def missing_kinds(records, person_id: int, today: dt.date) -> list[str]:
    """The training kinds, by label, `person_id` has no current record of among `records`."""
    best = best_records(records, today)
    return [
        label
        for kind, label in Training.Kind.choices
        if not best.get((person_id, kind), (None, False))[1]
    ]
