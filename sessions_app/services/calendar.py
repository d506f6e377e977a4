"""Calendars: her personal feed at a secret address she can stop at any time, and one
date as a file to add to a calendar, built with `icalendar`.

What a member's calendar shows is neutral by default: the member title ("Tuesday
meet-up") and the time, nothing about the group, nothing about what it is for, no
place unless she asked for it, and never the online link, which stays in the portal.
A series is one recurring event carrying its stored RFC 5545 rule, its exceptions
(dates called off, dates taken out of it) and one event for each date that moved or
changed, so a calendar app shows it as the series it is."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import CLASS, STATUS, Calendar, Event, vDuration, vRecur

from coproduction import crypto
from coproduction.audit.services import audit_record
from groups.models import Membership
from sessions_app.models import CalendarFeed, GroupSession, SessionSeries
from sessions_app.services.sessions import rule_dates, wall_clock
from sessions_app.session_access import sessions_of_member

PRODID = "-//Hearth//Calendar//EN"
# How often a calendar app is asked to fetch the feed again.
REFRESH = dt.timedelta(hours=1)
# A feed carries the dates that ended this recently, and all to come: a calendar app asks
# for it every hour, so its cost must not grow with the group's years of history.
HISTORY = dt.timedelta(days=92)
# The time zone rules a calendar carries reach this far either side of its dates.
ZONE_MARGIN = dt.timedelta(days=366)


# --- her feed ------------------------------------------------------------------------


def feed_create(*, person, with_place: bool = False) -> str:
    """Give her a new calendar address and return its secret, the one time it exists
    outside her calendar app: only its hash is kept. Any address she had stops working
    at once, so making a new one is also how she shuts out someone who saw the old."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Her row, locked, makes two at once one after the other rather than a clash on
        # the one-live-feed constraint.
        get_user_model().objects.select_for_update().filter(pk=person.pk).exists()
        CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(
            person=person, secret_hash=crypto.token_hash(secret), with_place=with_place
        )
        audit_record(actor=person, action="calendar_feed.create", subject=feed, subject_user=person)
    return secret


def feed_revoke(*, person) -> bool:
    """Stop her calendar address working. Returns whether there was one; stopping it
    again does nothing."""
    with transaction.atomic():
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(person=person, revoked_at__isnull=True)
            .first()
        )
        if feed is None:
            return False
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(actor=person, action="calendar_feed.revoke", subject=feed, subject_user=person)
    return True


def feed_live(*, person) -> CalendarFeed | None:
    """Her calendar address that still works, if she has one."""
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).first()


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The working feed whose secret this is, with its person; None for a secret that
    never was, was stopped, or belongs to an account that is closed. A lookup by hash,
    so no secret is ever compared character by character."""
    if not secret or len(secret) > 128:
        return None
    return (
        CalendarFeed.objects.select_related("person")
        .filter(
            secret_hash=crypto.token_hash(secret), revoked_at__isnull=True, person__is_active=True
        )
        .first()
    )


def _staff_sessions(person):
    """The sessions of every group she facilitates or supports in now, drafts too."""
    groups = Membership.objects.current().staff().filter(user=person).values("group_id")
    return GroupSession.objects.filter(group_id__in=groups)


def person_calendar(feed: CalendarFeed) -> bytes:
    """Everything her feed shows, as an iCalendar file. A member sees the announced
    dates of her groups, neutrally; staff see the dates of the groups they work in,
    drafts marked tentative; dates that ended more than HISTORY ago drop out (a series
    then lists them among its exceptions). One query, whatever the number of sessions."""
    person = feed.person
    for_member = person.is_member
    sessions = sessions_of_member(person) if for_member else _staff_sessions(person)
    sessions = sessions.select_related("series", *(() if for_member else ("group",)))
    calendar = _calendar(
        name=_("My dates") if for_member else _("Hearth sessions"), uid=f"feed-{feed.pk}@hearth"
    )
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    recent = sessions.filter(ends_at__gte=timezone.now() - HISTORY)
    rows = list(recent.order_by("starts_at", "pk"))
    for event in _events(rows, for_member=for_member, with_place=feed.with_place):
        calendar.add_component(event)
    return _finish(calendar)


def session_calendar(session: GroupSession, *, for_member: bool, with_place: bool) -> bytes:
    """One date as an iCalendar file to add to a calendar: a single event, whether or
    not the date belongs to a series, with the same neutral wording as her feed."""
    calendar = _calendar(name=None, uid=f"session-file-{session.pk}@hearth")
    calendar.add_component(_single(session, for_member=for_member, with_place=with_place))
    return _finish(calendar)


# --- building the calendar ------------------------------------------------------------


def _session_uid(session: GroupSession) -> str:
    """A date's own UID, the same in every feed and file, so an update replaces it."""
    return f"session-{session.pk}@hearth"


def _series_uid(series: SessionSeries) -> str:
    """A series' UID, shared by its recurring event and the dates that differ from it."""
    return f"series-{series.pk}@hearth"


def _calendar(*, name: str | None, uid: str) -> Calendar:
    """An empty calendar, named as her calendar app will list it."""
    return Calendar.new(prodid=PRODID, name=name, uid=uid)


def _finish(calendar: Calendar) -> bytes:
    """Add the time zone rules every TZID in it needs, for the span of its dates."""
    moments = [
        value.dt
        for event in calendar.events
        for key in ("DTSTART", "DTEND", "RECURRENCE-ID")
        if (value := event.get(key)) is not None
    ] + [moment for event in calendar.events for moment in event.exdates]
    if moments:
        calendar.add_missing_timezones(
            first_date=min(moments).date() - ZONE_MARGIN,
            last_date=max(moments).date() + ZONE_MARGIN,
        )
    return calendar.to_ical()


def _status(session: GroupSession) -> str:
    """Its STATUS: called off, a draft (staff only see these), or on."""
    if session.is_cancelled:
        return STATUS.CANCELLED
    if session.status == GroupSession.Status.DRAFT:
        return STATUS.TENTATIVE
    return STATUS.CONFIRMED


def _details(session: GroupSession, *, for_member: bool, with_place: bool) -> dict:
    """What an event of this date says besides its time. A member's says no more than
    the neutral title and, if she chose it, the address; never the online link, which
    could let anyone who sees her calendar into the room."""
    if for_member:
        # Nothing more: even "Hearth" says what it is to whoever sees her calendar.
        summary, description = str(session.member_title), None
    else:
        summary = session.internal_title or str(session.member_title)
        description = _("%(group)s. Details are in Hearth.") % {"group": session.group.name}
    return {
        "summary": summary,
        "description": description,
        "location": (session.address.strip() or None) if with_place else None,
        "status": _status(session),
    }


def _event(
    *, uid: str, start: dt.datetime, end: dt.datetime, details: dict, sequence: int,
    recurrence_id: dt.datetime | None = None,
) -> Event:  # fmt: skip
    """One VEVENT. Marked private, so a calendar shared with others shows it as busy."""
    return Event.new(
        uid=uid, start=start, end=end, sequence=sequence, recurrence_id=recurrence_id,
        stamp=timezone.now(), classification=CLASS.PRIVATE, **details,
    )  # fmt: skip


def _single(session: GroupSession, *, for_member: bool, with_place: bool) -> Event:
    """A date as an event of its own; a cancelled one stays, marked CANCELLED."""
    start, end = session.local_times()
    return _event(
        uid=_session_uid(session), start=start, end=end,
        details=_details(session, for_member=for_member, with_place=with_place),
        sequence=session.version,
    )  # fmt: skip


def _events(sessions: list[GroupSession], *, for_member: bool, with_place: bool) -> Iterable[Event]:
    """Each series as one recurring event with its exceptions, then every date that is
    not (or no longer) part of a series on its own."""
    by_series: dict[int, list[GroupSession]] = defaultdict(list)
    series_of: dict[int, SessionSeries] = {}
    singles = []
    for session in sessions:
        if session.series is not None and session.occurrence is not None:
            by_series[session.series.pk].append(session)
            series_of[session.series.pk] = session.series
        else:
            singles.append(session)
    for pk, members in by_series.items():
        events, left_over = _series_events(
            series_of[pk], members, for_member=for_member, with_place=with_place
        )
        yield from events
        singles.extend(left_over)
    for session in singles:
        yield _single(session, for_member=for_member, with_place=with_place)


def _series_events(
    series: SessionSeries, sessions: list[GroupSession], *, for_member: bool, with_place: bool
) -> tuple[list[Event], list[GroupSession]]:
    """The recurring event of one series and one event for each of its dates that
    differs from it; and the dates the rule does not give, to be shown on their own.

    The rule's dates with no session she may see (taken out of the series, or for a
    member still a draft) and the dates called off are its EXDATEs. A date whose time,
    title, place or state differs from the series' own is its own VEVENT, named by
    RECURRENCE-ID after the time the rule gave it."""
    zone = ZoneInfo(series.time_zone)
    try:
        days = rule_dates(series.rule, series.first_day)
    except ValidationError:
        # A rule this code cannot read any more: its dates still show, one by one.
        return [], sessions
    given = set(days)
    on_day = {s.occurrence: s for s in sessions if s.occurrence in given}
    left_over = [s for s in sessions if s.occurrence not in given]
    showing = [(day, s) for day, s in on_day.items() if not s.is_cancelled]
    if not showing:
        # Every date she may see is off: an event with no dates left confuses calendars.
        return [], [*left_over, *on_day.values()]

    def rule_start(day: dt.date) -> dt.datetime:
        """When the rule puts the date of `day`: the series' wall-clock start."""
        return wall_clock(day, series.starts, zone)

    def rule_end(day: dt.date) -> dt.datetime:
        """When the rule ends the date of `day`."""
        end = wall_clock(day, series.ends, zone)
        return end if end > rule_start(day) else end + dt.timedelta(days=1)

    def looks(session: GroupSession) -> dict:
        """What its event would say besides the time."""
        return _details(session, for_member=for_member, with_place=with_place)

    # The series says what most of its dates say: those of a date still at its own time.
    base = next(
        (s for day, s in showing if (s.starts_at, s.ends_at) == (rule_start(day), rule_end(day))),
        showing[0][1],
    )
    base_looks = looks(base)
    # Every announced change to any of its dates raises the series' sequence.
    master = _event(
        uid=_series_uid(series), start=rule_start(days[0]), end=rule_end(days[0]),
        details=base_looks, sequence=sum(s.version for s in sessions),
    )  # fmt: skip
    master.add("rrule", vRecur.from_ical(series.rule.strip().removeprefix("RRULE:")))
    excluded = [rule_start(day) for day in days if day not in on_day or on_day[day].is_cancelled]
    if excluded:
        master.add("exdate", excluded)
    events = [master]
    for day in days:
        session = on_day.get(day)
        if session is None or session.is_cancelled:
            continue
        moved = (session.starts_at, session.ends_at) != (rule_start(day), rule_end(day))
        if moved or looks(session) != base_looks:
            start, end = session.local_times()
            events.append(
                _event(
                    uid=_series_uid(series), start=start, end=end,
                    details=looks(session), sequence=session.version,
                    recurrence_id=rule_start(day),
                )
            )  # fmt: skip
    return events, left_over
