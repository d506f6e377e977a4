"""What waits for a facilitator in Hearth, counted for each group she facilitates, and
the reminders that tell her of it: an email for each kind of thing, once a day while
there is some, or one daily digest at the time she picked. Counts only: no member is
named, nothing of hers is in them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ErasureRequest
from coproduction.outbox.models import Message
from groups.models import CoproGroup, Membership, Training
from groups.staff_summaries import GroupHeading, staff_home
from groups.training_grid import best_records
from sessions_app import wording
from sessions_app.models import GroupSession, StaffReminderChoice, SupportRequest
from sessions_app.services.notes import notes_to_share
from sessions_app.services.session_notices import MAX_DAYS_BEFORE
from sessions_app.services.support import staff_email_queue
from sessions_app.working_hours import working_moment

# Training is worth a reminder this long before it runs out.
TRAINING_WARNING = dt.timedelta(days=30)
CURRENT = (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK)
# Open support requests remind the facilitators themselves (`support_reminders_send`),
# so only the digest counts them.
SINGLE_THINGS = tuple(what for what in wording.STAFF_THINGS if what != wording.THING_SUPPORT)


@dataclass
class GroupThings:
    """What waits in one group she facilitates, by kind (`wording.STAFF_THINGS`)."""

    group: GroupHeading | CoproGroup
    counts: dict[str, int] = field(default_factory=dict)


def _per_group(rows) -> Counter:
    return Counter(dict(rows))


def staff_things_to_do(staff, *, today: dt.date) -> list[GroupThings]:
    """For each group `staff` facilitates now (stepped back or not): open support
    requests; held and failed messages to its members; its staff's training records
    that run out within 30 days of `today` or have run out; and, as her home page
    counts them (from the clock's date, not `today`), its active members' contact
    choices due to be checked and answers missing to the current agreement; dates whose
    plan is due to reach members but which are still drafts; and notes of held dates not
    yet shared. Nine queries, whatever the numbers."""
    facilitated = [s for s in staff_home(staff).summaries if s.is_facilitator]
    if not facilitated:
        return []
    ids = [summary.group.pk for summary in facilitated]
    # Each filter on a membership in one `filter()`: the conditions hold for one row.
    support = _per_group(
        SupportRequest.objects.open()
        .filter(
            member__memberships__role=Membership.Role.MEMBER,
            member__memberships__group_id__in=ids,
            member__memberships__status__in=CURRENT,
        )
        .order_by()
        .values_list("member__memberships__group_id")
        .annotate(Count("pk"))
    )
    # Every member's messages, whatever her status: as the group's Messages page lists them.
    undelivered = _per_group(
        Message.objects.filter(
            status__in=[Message.Status.HELD, Message.Status.FAILED],
            recipient__memberships__role=Membership.Role.MEMBER,
            recipient__memberships__group_id__in=ids,
        )
        .order_by()
        .values_list("recipient__memberships__group_id")
        .annotate(Count("pk"))
    )
    erasures = _per_group(
        ErasureRequest.objects.filter(status=ErasureRequest.Status.REQUESTED, groups__in=ids)
        .order_by()
        .values_list("groups")
        .annotate(Count("pk"))
    )
    training = _training_due(ids, today)
    plans = _plans_not_out(ids, timezone.now())
    notes = notes_to_share(ids)
    result = []
    for summary in facilitated:
        pk = summary.group.pk
        result.append(
            GroupThings(
                group=summary.group,
                counts={
                    wording.THING_SUPPORT: support[pk],
                    wording.THING_MESSAGES: undelivered[pk],
                    wording.THING_TRAINING: training[pk],
                    wording.THING_CONTACT: summary.to_confirm,
                    wording.THING_ERASURE: erasures[pk],
                    wording.THING_AGREEMENT: summary.not_answered,
                    wording.THING_AGENDA: plans[pk],
                    wording.THING_NOTES: notes[pk],
                },
            )
        )
    return result


def _plans_not_out(group_ids: list[int], now: dt.datetime) -> Counter:
    """For each group, its coming dates still drafts when their plan should be out: the
    group's `agenda_days_before` has begun (as the plan's notice counts it)."""
    drafts = (
        GroupSession.objects.filter(
            group_id__in=group_ids,
            status=GroupSession.Status.DRAFT,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=MAX_DAYS_BEFORE),
        )
        .select_related("group")
        .only("group_id", "starts_at", "group__agenda_days_before")
    )
    return Counter(draft.group_id for draft in drafts if draft.plan_due_at <= now)


def _training_due(group_ids: list[int], today: dt.date) -> Counter:
    """For each group, how many of its staff's training kinds rest on a record that runs
    out within TRAINING_WARNING or has run out (an older lapsed record, since renewed,
    does not count: the training grid's rule for the record that counts)."""
    staff = set(
        Membership.objects.current()
        .staff()
        .filter(group_id__in=group_ids)
        .values_list("group_id", "user_id")
    )
    best = best_records(
        Training.objects.filter(person_id__in={person for _group, person in staff})
        .order_by()
        .only("person_id", "kind", "completed_on", "expires_on"),
        today,
    )
    until = today + TRAINING_WARNING
    due = Counter(
        person
        for (person, _kind), (record, _current) in best.items()
        if record.expires_on is not None and record.expires_on <= until
    )
    counts: Counter = Counter()
    for group_id, person in staff:
        counts[group_id] += due[person]
    return counts


def staff_totals(things: list[GroupThings]) -> dict[str, int]:
    """Her counts over all the groups she facilitates: the sum of her home page's group
    cards, so a member in two of her groups counts in each."""
    totals = dict.fromkeys(wording.STAFF_THINGS, 0)
    for group in things:
        for what, count in group.counts.items():
            totals[what] += count
    return totals


def _facilitators():
    """Active staff accounts with a current facilitator membership, each with her
    reminder choice. A member who co-facilitates is reached as a member, by what she
    said is safe, so she is not sent staff reminders."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.FACILITATOR,
            memberships__status__in=CURRENT,
        )
        .filter(~Q(kind=get_user_model().Kind.MEMBER) | Q(is_staff=True) | Q(is_superuser=True))
        .distinct()
        .select_related("reminder_choice")
        .order_by("pk")
    )


@dataclass
class _Due:
    """What may go to one facilitator now: her choice, her local date, and the key of
    each message (the digest's, or one for each kind of thing)."""

    person: Any
    digest: bool
    today: dt.date
    keys: dict[str, str]


def _due(person, now: dt.datetime, in_working_hours: bool) -> _Due:
    """The digest once her time of day has come, or each kind of thing in working hours
    (a reminder is not an email at three in the morning). Keys carry her local date, so
    each goes at most once a day."""
    choice = getattr(person, "reminder_choice", None) or StaffReminderChoice(staff=person)
    local = now.astimezone(ZoneInfo(choice.time_zone))
    day = local.date().isoformat()
    keys: dict[str, str] = {}
    if choice.is_digest:
        if local.time() >= choice.digest_at:
            keys = {"digest": f"digest:{person.pk}:{day}"}
    elif in_working_hours:
        keys = {what: f"staff:{person.pk}:{what}:{day}" for what in SINGLE_THINGS}
    return _Due(person, choice.is_digest, local.date(), keys)


def staff_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Tell each facilitator what waits for her, as she chose: a message for each kind
    of thing there is some of (not open support requests, which remind her already),
    at most once a day each and only in working hours; or, once her chosen time has
    passed, one digest a day, if anything waits. The message keys make a second run
    (or a second beat) send nothing twice. Returns how many messages were queued."""
    now = now or timezone.now()
    in_working_hours = working_moment(now) == now
    everyone = [_due(person, now, in_working_hours) for person in _facilitators()]
    # What went already today is read once for everyone: most runs then read nothing more.
    keys = [key for due in everyone for key in due.keys.values()]
    already = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
    queued = 0
    for due in everyone:
        waiting = {what: key for what, key in due.keys.items() if key not in already}
        if not waiting:
            continue
        totals = staff_totals(staff_things_to_do(due.person, today=due.today))
        with transaction.atomic():
            if due.digest:
                if any(totals.values()):
                    staff_email_queue(
                        due.person,
                        kind=wording.STAFF_DIGEST,
                        words=wording.staff_digest_text(totals),
                        key=waiting["digest"],
                    )
                    queued += 1
                continue
            for what, key in waiting.items():
                if totals[what]:
                    staff_email_queue(
                        due.person,
                        kind=wording.STAFF_REMINDER,
                        words=wording.staff_reminder_text(what, totals[what]),
                        key=key,
                    )
                    queued += 1
    return queued


def reminder_choice_update(*, staff, how: str, digest_at: dt.time) -> StaffReminderChoice:
    """Keep how `staff` would like to hear what waits for her, from the next run on.
    Refused for a member: she is reached only as she said is safe."""
    if staff.is_member:
        raise ValidationError(_("Reminders are for staff."))
    choice, _created = StaffReminderChoice.objects.update_or_create(
        staff=staff, defaults={"how": how, "digest_at": digest_at, "updated_at": timezone.now()}
    )
    return choice
