"""Demo sessions for the people of PEOPLE.md: the Tuesday group's fortnightly series,
with past dates held (who came, hours, shared notes) and coming ones with their plans
and content notes, one date moved from Tuesday to Wednesday (Maria's moment), and
Lou's proposal shown as done (her moment). Made once: a group with a series is left
as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from consent.models import Contribution
from groups.models import CoproGroup
from sessions_app.models import (
    AgendaItem,
    Attendance,
    GroupSession,
    ServiceChange,
    SessionChoices,
    SessionNote,
    SessionSeries,
)
from sessions_app.services import sessions as planning
from sessions_app.services.sessions import wall_clock

PLACE = {
    "address": "Riverside Women's Centre, 12 Mill Lane",
    "getting_there": "Bus 42 stops outside. Ring the green door: Dee will meet you.",
    "step_free": True,
    "quiet_room": True,
    "toilets": "On the ground floor, one accessible",
    "breaks": "Tea at 11:30, and step out whenever you like",
}
PLAN = [
    (dt.time(10, 30), "Welcome, tea and how we are", "Helen", [], ""),
    (dt.time(10, 50), "Reception desks: what could change", "Lou and Helen", ["services"],
     "We will talk about times we were turned away."),
    (dt.time(11, 45), "Ideas for the practice letter", "Amira", [], ""),
    (dt.time(12, 15), "Close and check out", "Helen", [], ""),
]  # fmt: skip
NOTES = (
    "We talked about what happens at the reception desk. Ideas from the group are "
    "below, shared as each person chose. Next time: the letter after a missed appointment."
)
CAME = {"sam", "maria", "lou", "precious"}


def _next_tuesday(today: dt.date) -> dt.date:
    """The first Tuesday at least three days ahead: within the week its plan goes out."""
    day = today + dt.timedelta(days=3)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


def seed_sessions(users: dict, group_of: dict) -> None:
    """The Tuesday group's calendar, and a short one for the Thursday group."""
    helen, tom = users.get("helen"), users.get("tom")
    if helen is not None:
        _tuesday(group_of["helen"], users)
    if tom is not None:
        _thursday(group_of["tom"], tom)


def _series(group: CoproGroup, runner, first_day: dt.date, count: int, starts, ends, place):
    """The series, made from its rule at once; its past dates as if made back then."""
    zone = ZoneInfo(settings.TIME_ZONE)
    rule = f"FREQ=WEEKLY;INTERVAL=2;COUNT={count}"
    series = SessionSeries.objects.create(
        group=group, rule=rule, first_day=first_day, starts=starts, ends=ends,
        time_zone=settings.TIME_ZONE, created_by=runner,
    )  # fmt: skip
    for day in planning.rule_dates(rule, first_day):
        session = GroupSession.objects.create(
            group=group, series=series, occurrence=day, time_zone=settings.TIME_ZONE,
            starts_at=wall_clock(day, starts, zone), ends_at=wall_clock(day, ends, zone),
            **place,
        )  # fmt: skip
        session.facilitators.add(runner)
    return list(series.sessions.order_by("starts_at"))


def _plan(session: GroupSession) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session,
            position=index,
            at_time=at,
            purpose=purpose,
            led_by=who,
            content_notes=notes,
            content_note_text=text,
        )  # fmt: skip
        for index, (at, purpose, who, notes, text) in enumerate(PLAN, start=1)
    )


def _tuesday(group: CoproGroup, users: dict) -> None:
    if SessionSeries.objects.filter(group=group).exists():
        return
    helen, amira, dee = users["helen"], users["amira"], users["dee"]
    now = timezone.now()
    next_day = _next_tuesday(timezone.localdate())
    sessions = _series(
        group,
        helen,
        next_day - dt.timedelta(weeks=8),
        10,
        dt.time(10, 30),
        dt.time(12, 30),
        PLACE,
    )
    past, coming = sessions[:4], sessions[4:]
    for session in past:
        _plan(session)
        session.status, session.published_at = GroupSession.Status.HELD, session.starts_at
        session.agenda_sent_at = session.starts_at - dt.timedelta(days=7)
        session.support_worker = dee
        session.save()
        for username in ("sam", "maria", "lou", "precious", "jade"):
            came = username in CAME
            Attendance.objects.create(
                session=session, member=users[username], came=came,
                hours=Decimal("2.00") if came else None, recorded_by=helen, recorded_at=now,
            )  # fmt: skip
        note = SessionNote.objects.create(
            session=session, text=NOTES, status=SessionNote.Status.SHARED, drafted_by=helen,
            approved_by=amira, shared_at=session.ends_at + dt.timedelta(days=2),
        )  # fmt: skip
        note.contributions.set(Contribution.objects.filter(group=group))
    # The next three are published with their plans; the next goes to members now.
    for session in coming[:3]:
        _plan(session)
        planning.session_update(session=session, acting_user=helen, support_worker=dee)
        planning.session_publish(session=session, acting_user=helen, now=now)
    # Maria's moment: the second coming date moves from Tuesday to Wednesday, and
    # everyone told of it hears what changed.
    moved = coming[1]
    a_day = dt.timedelta(days=1)
    planning.session_update(
        session=moved, acting_user=helen,
        starts_at=moved.starts_at + a_day, ends_at=moved.ends_at + a_day,
    )  # fmt: skip
    # Helen's evening: a draft Amira is rostered on, whose safeguarding has lapsed.
    planning.facilitator_add(session=coming[3], acting_user=helen, person=amira)
    SessionChoices.objects.get_or_create(member=users["maria"], defaults={"day_before": True})
    SessionChoices.objects.get_or_create(
        member=users["sam"], defaults={"day_before": True, "topics": ["services"]}
    )
    _changes(group, users, past)


def _changes(group: CoproGroup, users: dict, past: list[GroupSession]) -> None:
    """Lou's proposal, done; one in progress; one the practice could not do, and why."""
    done = ServiceChange.objects.create(
        group=group,
        you_said="A warning letter after a missed appointment stops people coming back.",
        we_did="Riverside Surgery now texts to offer another appointment, and no longer "
        "sends the warning letter.",
        made_by="Riverside Surgery's practice manager, with Dr Helen Ward",
        status=ServiceChange.Status.DONE,
        proposed_on=past[0].starts_at.date(),
        done_on=past[-1].starts_at.date(),
        created_by=users["helen"],
    )
    done.sessions.set(past[:2])
    done.contributions.set(Contribution.objects.filter(member=users["lou"], group=group))
    card = ServiceChange.objects.create(
        group=group,
        you_said="Saying out loud why you need an appointment, in a full waiting room, is hard.",
        we_did="The practice is trying a card you can hand over at the desk.",
        made_by="Riverside Surgery reception team",
        status=ServiceChange.Status.IN_PROGRESS,
        proposed_on=past[1].starts_at.date(),
        created_by=users["helen"],
    )
    card.contributions.set(Contribution.objects.filter(member=users["sam"], group=group))
    ServiceChange.objects.create(
        group=group,
        you_said="Longer appointments for anyone who asks.",
        status=ServiceChange.Status.NOT_POSSIBLE,
        why_not="The practice cannot change appointment lengths on its own: it has asked "
        "the local health board, and we will tell you what they say.",
        made_by="Riverside Surgery",
        proposed_on=past[2].starts_at.date(),
        created_by=users["helen"],
    )


def _thursday(group: CoproGroup, tom) -> None:
    if SessionSeries.objects.filter(group=group).exists():
        return
    first_day = _next_tuesday(timezone.localdate()) + dt.timedelta(days=2)
    place = {"address": "Westbury University, Room 2.14", "step_free": True}
    sessions = _series(group, tom, first_day, 4, dt.time(14), dt.time(16), place)
    AgendaItem.objects.create(session=sessions[0], position=1, purpose="Welcome and tea")
