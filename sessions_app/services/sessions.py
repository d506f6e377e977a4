"""Planning sessions: a series of dates from one rule, each date then its own; who runs
it and whether they are ready (rule 11); its plan; publishing; and every change after
publishing recorded as "what changed and when" and announced (rule 4)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.audit.services import audit_record
from coproduction.outbox.services import messages_cancel
from groups.models import CoproGroup, Membership, Training
from groups.summaries import staff_name
from sessions_app.models import (
    AgendaItem,
    ContentNote,
    GroupSession,
    SessionChange,
    SessionSeries,
)
from sessions_app.services import session_notices

# A series is made at once, so it has an end: at most a year of weekly dates.
MOST_DATES = 52

# What each kind of change covers, as members are told it.
TIME_FIELDS = ("starts_at", "ends_at")
PLACE_FIELDS = (
    "address", "getting_there", "step_free", "quiet_room", "toilets", "online_link",
)  # fmt: skip
QUIET_FIELDS = ("title", "internal_title", "support_worker", "breaks", "debrief")
EDITABLE = (*TIME_FIELDS, *PLACE_FIELDS, *QUIET_FIELDS)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"time_zone": _("Please choose a known time zone.")}) from None


def rule_dates(rule: str, first_day: dt.date) -> list[dt.date]:
    """The dates an RFC 5545 rule gives from `first_day` (which is the first of them),
    refused when it is not a rule, gives none, or gives more than MOST_DATES."""
    text = rule.strip().removeprefix("RRULE:")
    try:
        dates = rrulestr(text, dtstart=dt.datetime.combine(first_day, dt.time()))
        found = [moment.date() for moment in itertools.islice(dates, MOST_DATES + 1)]
    except (ValueError, TypeError):
        raise ValidationError({"rule": _("Hearth could not read this repeat rule.")}) from None
    if not found:
        raise ValidationError({"rule": _("This repeat rule gives no dates.")})
    if len(found) > MOST_DATES:
        raise ValidationError(
            {"rule": _("Please make at most %(most)s dates at once.") % {"most": MOST_DATES}}
        )
    return found


def wall_clock(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """`at` on `day` as the clocks there read it, summer or winter."""
    return dt.datetime.combine(day, at, tzinfo=zone)


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends": _("The end must be after the start.")})
    if ends_at - starts_at > dt.timedelta(hours=12):
        raise ValidationError({"ends": _("A session can last at most 12 hours.")})


def _facilitators_of(group: CoproGroup, people) -> list:
    """`people` who facilitate `group` now; refused otherwise."""
    ids = {person.pk for person in people}
    found = set(
        Membership.objects.filter(
            group=group, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE,
            user_id__in=ids,
        ).values_list("user_id", flat=True)
    )  # fmt: skip
    if found != ids:
        raise ValidationError({"facilitators": _("Only the group's facilitators can run it.")})
    return list(people)


def series_create(
    *, group: CoproGroup, acting_user, rule: str, first_day: dt.date, starts: dt.time,
    ends: dt.time, time_zone: str = "Europe/London", facilitators=(), **details,
) -> SessionSeries:  # fmt: skip
    """Make every date of `rule` at once as draft sessions, each at `starts`–`ends`
    local time in `time_zone` whatever the clocks do, with the same place and details,
    and run by `facilitators`. The same series asked for twice is made once."""
    zone = _zone(time_zone)
    if first_day < timezone.localdate():
        raise ValidationError({"first_day": _("The first date cannot be in the past.")})
    _check_times(wall_clock(first_day, starts, zone), wall_clock(first_day, ends, zone))
    dates = rule_dates(rule, first_day)
    people = _facilitators_of(group, facilitators)
    unknown = set(details) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not a session detail: {sorted(unknown)}")
    text = rule.strip().removeprefix("RRULE:")
    with transaction.atomic():
        CoproGroup.objects.select_for_update().get(pk=group.pk)
        existing = SessionSeries.objects.filter(
            group=group, rule=text, first_day=first_day, starts=starts, ends=ends
        ).first()
        if existing is not None:
            return existing
        series = SessionSeries.objects.create(
            group=group, rule=text, first_day=first_day, starts=starts, ends=ends,
            time_zone=time_zone, created_by=acting_user,
        )  # fmt: skip
        sessions = GroupSession.objects.bulk_create(
            GroupSession(
                group=group,
                series=series,
                occurrence=day,
                time_zone=time_zone,
                starts_at=wall_clock(day, starts, zone),
                ends_at=wall_clock(day, ends, zone),
                **details,
            )  # fmt: skip
            for day in dates
        )
        through = GroupSession.facilitators.through
        through.objects.bulk_create(
            through(groupsession_id=session.pk, user_id=person.pk)
            for session in sessions
            for person in people
        )
        audit_record(actor=acting_user, action="session_series.create", subject=series)
    return series


def session_create(
    *, group: CoproGroup, acting_user, starts_at: dt.datetime, ends_at: dt.datetime,
    time_zone: str = "Europe/London", facilitators=(), **details,
) -> GroupSession:  # fmt: skip
    """One date on its own, as a draft. The same group, start and title asked for twice
    is one session."""
    _zone(time_zone)
    _check_times(starts_at, ends_at)
    if starts_at < timezone.now():
        raise ValidationError({"first_day": _("The date cannot be in the past.")})
    people = _facilitators_of(group, facilitators)
    with transaction.atomic():
        CoproGroup.objects.select_for_update().get(pk=group.pk)
        session, created = GroupSession.objects.get_or_create(
            group=group, series=None, starts_at=starts_at,
            internal_title=details.pop("internal_title", ""),
            defaults={"ends_at": ends_at, "time_zone": time_zone, **details},
        )  # fmt: skip
        if created:
            session.facilitators.add(*people)
            audit_record(actor=acting_user, action="session.create", subject=session)
    return session


def _editable(session: GroupSession) -> None:
    if session.status in (GroupSession.Status.CANCELLED, GroupSession.Status.HELD):
        raise ValidationError(_("This session is cancelled or over: it cannot be changed."))


def _announce(session: GroupSession, acting_user, what: Sequence[str], before: dict, after: dict):
    """Record a change to an announced session and tell the members who hear of it."""
    session.version += 1
    if session.status == GroupSession.Status.PUBLISHED:
        session.status = GroupSession.Status.CHANGED
    session.save(update_fields=["version", "status"])
    change = SessionChange.objects.create(
        session=session, what=what, before=before, after=after, made_by=acting_user,
        version=session.version,
    )  # fmt: skip
    session_notices.change_notices_queue(change=change)
    return change


def _shown(value) -> str | bool | int | None:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def session_update(*, session: GroupSession, acting_user, **fields) -> SessionChange | None:
    """Change one date's details. After publishing, a change of time, place or how to get
    there is recorded and announced to members; titles and staffing are not news to
    them. Saving the same values again changes nothing. Returns the announced change."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not a session detail: {sorted(unknown)}")
    _editable(session)
    new = {name: value for name, value in fields.items() if getattr(session, name) != value}
    if not new:
        return None
    _check_times(new.get("starts_at", session.starts_at), new.get("ends_at", session.ends_at))
    if "starts_at" in new and new["starts_at"] < timezone.now():
        raise ValidationError({"first_day": _("The new date cannot be in the past.")})
    with transaction.atomic():
        before = {name: _shown(getattr(session, name)) for name in new}
        for name, value in new.items():
            setattr(session, name, value)
        session.save(update_fields=list(new))
        audit_record(actor=acting_user, action="session.update", subject=session)
        what = [
            code
            for code, names in ((SessionChange.What.TIME, TIME_FIELDS),
                                (SessionChange.What.PLACE, PLACE_FIELDS))
            if set(names) & set(new)
        ]  # fmt: skip
        if not (session.is_announced and what):
            return None
        if SessionChange.What.TIME in what:
            # A new time needs a new reminder, and a plan not yet out goes at the new time.
            messages_cancel(key_prefix=f"day_before:{session.pk}:")
        return _announce(
            session, acting_user, what, before, {name: _shown(new[name]) for name in new}
        )


def session_cancel(*, session: GroupSession, acting_user) -> SessionChange | None:
    """Call a date off. Members who were told of it are told it is off; its waiting
    notices are withdrawn. Cancelling again does nothing."""
    if session.is_cancelled:
        return None
    if session.status == GroupSession.Status.HELD or session.ends_at < timezone.now():
        raise ValidationError(_("This session is over: it cannot be cancelled."))
    with transaction.atomic():
        # Locked and read afresh, into the caller's object: a second click waits here.
        GroupSession.objects.select_for_update().filter(pk=session.pk).first()
        session.refresh_from_db()
        if session.is_cancelled:
            return None
        was_announced = session.is_announced
        session.status = GroupSession.Status.CANCELLED
        session.save(update_fields=["status"])
        audit_record(actor=acting_user, action="session.cancel", subject=session)
        for kind in ("agenda", "day_before"):
            messages_cancel(key_prefix=f"{kind}:{session.pk}:")
        if not was_announced:
            return None
        session.version += 1
        session.save(update_fields=["version"])
        change = SessionChange.objects.create(
            session=session, what=[SessionChange.What.CANCELLED], made_by=acting_user,
            version=session.version,
        )  # fmt: skip
        session_notices.change_notices_queue(change=change)
    return change


# --- who runs it ---------------------------------------------------------------------


def readiness(sessions) -> dict[int, dict[int, set[str]]]:
    """For each of `sessions` (with `facilitators` prefetched), each facilitator's
    required training kinds not current on the session's day. One query, however many
    sessions: everyone's records are read once and checked against each day."""
    people = {p.pk for session in sessions for p in session.facilitators.all()}
    records = list(
        Training.objects.filter(person_id__in=people)
        .order_by()
        .only("person_id", "kind", "completed_on", "expires_on")
    )
    result = {}
    for session in sessions:
        day = session.local_day
        current: dict[int, set[str]] = {}
        for record in records:
            if record.is_current(day):
                current.setdefault(record.person_id, set()).add(record.kind)
        result[session.pk] = {
            p.pk: set(Training.REQUIRED_TO_FACILITATE) - current.get(p.pk, set())
            for p in session.facilitators.all()
        }
    return result


def training_labels(kinds) -> list[str]:
    labels = dict(Training.Kind.choices)
    return [str(labels[kind]) for kind in sorted(kinds)]


def facilitator_add(*, session: GroupSession, acting_user, person) -> list[str]:
    """Roster a facilitator of the group to run this date. Returns the training she
    lacks on the day (a warning: rule 11); rostering her twice is once."""
    _editable(session)
    _facilitators_of(session.group, [person])
    with transaction.atomic():
        session.facilitators.add(person)
        audit_record(actor=acting_user, action="session.roster", subject=session)
    missing = Training.objects.missing_for([person.pk], on=session.local_day)
    return training_labels(missing[person.pk])


def facilitator_remove(*, session: GroupSession, acting_user, person) -> bool:
    """Take a facilitator off this date; the last one of a published date stays (a
    session needs someone to run it). Returns whether she was on it."""
    _editable(session)
    with transaction.atomic():
        on_it = list(session.facilitators.values_list("pk", flat=True))
        if person.pk not in on_it:
            return False
        if session.is_announced and len(on_it) == 1:
            raise ValidationError(
                _("A published session needs a facilitator. Add another one first.")
            )
        session.facilitators.remove(person)
        audit_record(actor=acting_user, action="session.unroster", subject=session)
    return True


def who_can_fix_training(group: CoproGroup) -> str:
    """Who keeps the training records a blocked session needs: the partner admins of
    the group's organisations, on the admin site, or the facilitator herself."""
    admins = (
        get_user_model()
        .objects.filter(administered_organisations__in=group.organisations.all(), is_active=True)
        .distinct()
        .order_by("first_name", "pk")
    )
    names = [staff_name(admin) for admin in admins]
    if not names:
        return _("The facilitator can add a course she has done on her own training page.")
    return _(
        "The facilitator can add a course she has done on her own training page, or "
        "%(names)s can record it on the admin site."
    ) % {"names": ", ".join(names)}


def publish_refusal(session: GroupSession) -> str | None:
    """Why this date cannot be published yet, in words that say what to do; None when
    it can be."""
    facilitators = list(session.facilitators.all())
    if not facilitators:
        return _("Add at least one facilitator before publishing.")
    if not session.agenda.exists():
        return _("Add at least one part to the plan before publishing: members see it.")
    if session.group.training_policy != CoproGroup.TrainingPolicy.BLOCK:
        return None
    missing = Training.objects.missing_for([p.pk for p in facilitators], on=session.local_day)
    if any(not kinds for kinds in missing.values()):
        return None
    lacking = "; ".join(
        _("%(name)s: %(courses)s")
        % {
            "name": staff_name(person),
            "courses": ", ".join(training_labels(missing[person.pk])),
        }
        for person in facilitators
    )
    return _(
        "This group needs a facilitator with current training to run a session, and nobody "
        "on this date has it on the day. Missing: %(lacking)s. %(who)s"
    ) % {"lacking": lacking, "who": who_can_fix_training(session.group)}


def session_publish(*, session: GroupSession, acting_user, now: dt.datetime | None = None) -> bool:
    """Publish a draft date and its plan to members' portals; the plan's notice goes now
    if the session is already within the group's notice days, else when it is. Refused,
    with what to do, without a facilitator, without a plan, or (where the group's
    policy blocks) without a facilitator whose training is current. Publishing again
    does nothing; returns whether this call published it."""
    now = now or timezone.now()
    if session.ends_at < now:
        raise ValidationError(_("This date is over: it cannot be published."))
    refusal = publish_refusal(session)
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        published = GroupSession.objects.filter(
            pk=session.pk, status=GroupSession.Status.DRAFT
        ).update(status=GroupSession.Status.PUBLISHED, published_at=now)
        if not published:
            return False
        session.refresh_from_db()
        audit_record(actor=acting_user, action="session.publish", subject=session)
        if session.plan_due_at <= now:
            session_notices.agenda_notices_queue(session=session)
    return True


# --- the plan ------------------------------------------------------------------------


def _check_item(session: GroupSession, fields: dict) -> None:
    if not str(fields.get("purpose", "")).strip():
        raise ValidationError({"purpose": _("Please say what this part is for.")})
    codes = fields.get("content_notes") or []
    if set(codes) - set(ContentNote.values):
        raise ValidationError({"content_notes": _("Please choose from the list.")})


def agenda_item_save(
    *, session: GroupSession, acting_user, item: AgendaItem | None = None, **fields
) -> AgendaItem:
    """Add a part to the plan (at the end) or change one. After publishing, the plan's
    change is announced. Saving the same values again changes nothing."""
    _editable(session)
    if item is not None and item.session_id != session.pk:
        raise ValidationError(_("This part belongs to another session."))
    merged = {**({} if item is None else {
        "purpose": item.purpose, "content_notes": item.content_notes}), **fields}  # fmt: skip
    _check_item(session, merged)
    with transaction.atomic():
        if item is None:
            last = session.agenda.order_by("-position").values_list("position", flat=True).first()
            item = AgendaItem.objects.create(session=session, position=(last or 0) + 1, **fields)
        else:
            new = {name: value for name, value in fields.items() if getattr(item, name) != value}
            if not new:
                return item
            for name, value in new.items():
                setattr(item, name, value)
            item.save(update_fields=list(new))
        audit_record(actor=acting_user, action="agenda.save", subject=session)
        if session.is_announced:
            _announce(session, acting_user, [SessionChange.What.AGENDA], {}, {})
    return item


def agenda_item_remove(*, item: AgendaItem, acting_user) -> bool:
    """Take a part off the plan; announced after publishing. Returns whether it was there."""
    session = item.session
    _editable(session)
    with transaction.atomic():
        deleted, _rows = AgendaItem.objects.filter(pk=item.pk).delete()
        if not deleted:
            return False
        audit_record(actor=acting_user, action="agenda.remove", subject=session)
        if session.is_announced:
            _announce(session, acting_user, [SessionChange.What.AGENDA], {}, {})
    return True


def agenda_item_move(*, item: AgendaItem, acting_user, up: bool) -> bool:
    """Swap a part with the one before (`up`) or after it. Returns whether it moved."""
    session = item.session
    _editable(session)
    with transaction.atomic():
        items = list(session.agenda.select_for_update().order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            return False
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items, start=1):
            each.position = position
        AgendaItem.objects.bulk_update(items, ["position"])
        audit_record(actor=acting_user, action="agenda.move", subject=session)
        if session.is_announced:
            _announce(session, acting_user, [SessionChange.What.AGENDA], {}, {})
    return True
