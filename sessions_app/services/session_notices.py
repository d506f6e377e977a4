"""No surprises (rule 4): what members hear of a session, through the outbox, each by her
own safe way and in her safe window. The plan (agenda) a set number of days before, a
reminder the day before for those who asked for one, and every change after publishing,
as what changed and when.

The words are neutral unless she let messages mention the group: a day and a time, never
what it is for, where, or a link (tests/sessions_app/test_session_notices.py renders
each and fails on a revealing word). A member on a break hears nothing, except changes
when she chose to keep hearing of them; the outbox's gate asks again at sending.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduction.outbox.models import Message
from groups import notices
from groups.contact import SESSION_CHANGE, her_zone
from groups.models import Membership
from sessions_app.models import Attendance, GroupSession, SessionChange, SessionChoices

AGENDA = "session_agenda"
DAY_BEFORE = "session_day_before"

KIND_LABELS = {
    AGENDA: gettext_lazy("The plan of a date"),
    DAY_BEFORE: gettext_lazy("Reminder the day before"),
    SESSION_CHANGE: gettext_lazy("A date changed"),
}

# The reminder goes from this hour, the session's local time, on the day before.
DAY_BEFORE_FROM = dt.time(9, 0)
# The furthest ahead a group may send its plan (CoproGroup.agenda_days_before).
MAX_DAYS_BEFORE = 60  # as its validator says
WAITING = (Message.Status.PENDING, Message.Status.HELD)
OURS = (AGENDA, DAY_BEFORE, SESSION_CHANGE)


def _in_group(session: GroupSession, *, away_too: bool = False):
    statuses = [Membership.Status.ACTIVE]
    if away_too:
        statuses.append(Membership.Status.STEPPED_BACK)
    return (
        Membership.objects.members()
        .filter(group_id=session.group_id, status__in=statuses)
        .values("user_id")
    )


def _her_day(member, at: dt.datetime, *, with_time: bool = True, short: bool = False) -> str:
    """A day (and time) in her own time zone: "Tuesday 8 December, 10:30", or short,
    "8 Dec, 10:30", where a text message has little room."""
    local = at.astimezone(her_zone(member))
    day = formats.date_format(local, "j M" if short else "l j F")
    if not with_time:
        return day
    return _("%(day)s, %(time)s") % {"day": day, "time": formats.time_format(local, "H:i")}


# --- the plan -----------------------------------------------------------------------


def agenda_notices_queue(*, session: GroupSession) -> int:
    """Tell the group's members (active, on a break from none) that the plan of
    `session` is there to read, once each (`agenda:<session>:<member>`), and mark it
    sent. A member who asked to hear in advance of a kind of topic it touches on is
    told so, without naming the topic. Returns how many were queued; twice, none."""
    if session.status not in (GroupSession.Status.PUBLISHED, GroupSession.Status.CHANGED):
        return 0
    members = notices.members_to_tell(_in_group(session))
    wanted = dict(
        SessionChoices.objects.filter(member__in=members).values_list("member_id", "topics")
    )
    noted = {note for item in session.agenda.all() for note in item.content_notes}
    group_name = session.group.member_facing_name
    with transaction.atomic():
        queued = notices.notices_queue(
            members,
            kind=AGENDA,
            key=lambda member: f"agenda:{session.pk}:{member.pk}",
            words=lambda member, *, clear: agenda_words(
                member,
                clear=clear,
                session=session,
                group_name=group_name,
                asked_about=bool(noted & set(wanted.get(member.pk) or [])),
            ),
        )
        GroupSession.objects.filter(pk=session.pk, agenda_sent_at__isnull=True).update(
            agenda_sent_at=timezone.now()
        )
    return queued


def agenda_notices_due(*, now: dt.datetime | None = None) -> int:
    """Send the plan of each announced session now within its group's days before
    (`CoproGroup.agenda_days_before`) whose plan has not gone yet. On beat's clock;
    a second run sends nothing more. Returns how many notices were queued."""
    now = now or timezone.now()
    sessions = (
        GroupSession.objects.to_come(now)
        .filter(
            agenda_sent_at__isnull=True,
            starts_at__lte=now + dt.timedelta(days=MAX_DAYS_BEFORE),
        )
        .select_related("group")
        .prefetch_related("agenda")
    )
    return sum(
        agenda_notices_queue(session=session) for session in sessions if session.plan_due_at <= now
    )


def agenda_words(
    member, *, clear: bool, session: GroupSession, group_name: str, asked_about: bool
) -> tuple[str, str]:
    """The plan of a date is there to read. Neutral words give only the day and time."""
    when = _her_day(member, session.starts_at)
    if clear:
        subject = _("Hearth: the plan for %(group)s") % {"group": group_name}
        body = _(
            "Hearth: the agenda for %(group)s on %(when)s is ready. Please sign in to read it."
        ) % {"group": group_name, "when": when}
        asked = _("It touches on a topic you asked to hear about in advance.")
    else:
        subject = _("Plans for %(day)s") % {
            "day": _her_day(member, session.starts_at, with_time=False)
        }
        body = _("Hi, the plan for %(when)s is ready. Please sign in to read it.") % {"when": when}
        asked = _("It includes something you asked to hear about first.")
    return subject, f"{body} {asked}" if asked_about else body


# --- the day before -----------------------------------------------------------------


def _day_before_from(session: GroupSession) -> dt.datetime:
    start = session.local_times()[0]
    return dt.datetime.combine(
        start.date() - dt.timedelta(days=1), DAY_BEFORE_FROM, tzinfo=start.tzinfo
    )


def day_before_queue(*, now: dt.datetime | None = None) -> int:
    """Remind those who asked for a reminder (`SessionChoices.day_before`) of each
    announced session they have not said they can't come to, from 09:00 the day before
    (its local time), once per member and start time
    (`day_before:<session>:<start>:<member>`): a date moved is reminded afresh. On
    beat's clock; a second run queues nothing more. Returns how many were queued."""
    now = now or timezone.now()
    sessions = GroupSession.objects.to_come(now).filter(starts_at__lte=now + dt.timedelta(days=2))
    queued = 0
    for session in sessions.select_related("group"):
        if _day_before_from(session) > now:
            continue
        not_coming = Attendance.objects.filter(
            session=session, plan=Attendance.Plan.CANT_COME
        ).values("member_id")
        wanting = (
            SessionChoices.objects.filter(day_before=True, member__in=_in_group(session))
            .exclude(member__in=not_coming)
            .values("member_id")
        )
        start = int(session.starts_at.timestamp())
        group_name = session.group.member_facing_name
        queued += notices.notices_queue(
            notices.members_to_tell(wanting),
            kind=DAY_BEFORE,
            key=lambda member, session=session, start=start: (
                f"day_before:{session.pk}:{start}:{member.pk}"
            ),
            words=lambda member, *, clear, session=session, group_name=group_name: day_before_words(
                member, clear=clear, session=session, group_name=group_name
            ),
        )
    return queued


def day_before_words(
    member, *, clear: bool, session: GroupSession, group_name: str
) -> tuple[str, str]:
    """A reminder of a date she asked to be reminded of. The day is named, not
    "tomorrow": a message held for her window may reach her on the day itself. Where
    she let messages mention the group, the place or the online link is given too."""
    when = _her_day(member, session.starts_at)
    if not clear:
        return (
            _("A reminder"),
            _(
                "Hi, a reminder: %(when)s. If you can't make it, that's fine: you can say "
                "so when you sign in."
            )
            % {"when": when},
        )
    body = _("Hearth: a reminder that %(group)s meets on %(when)s.") % {
        "group": group_name,
        "when": when,
    }
    where = session.online_link or session.address.replace("\n", ", ")
    if where:
        body = f"{body} {where}"
    return _("Hearth: a reminder"), body


# --- changes ------------------------------------------------------------------------


WHAT_WORDS = {
    SessionChange.What.TIME: gettext_lazy("the day or time"),
    SessionChange.What.PLACE: gettext_lazy("the place"),
    SessionChange.What.AGENDA: gettext_lazy("the plan"),
}


def change_notices_queue(*, change: SessionChange) -> int:
    """Tell the group's members that an announced session changed: what changed and
    when (`session_change:<session>:<version>:<member>`), by her safe way. A member on a
    break hears only if she chose to keep hearing of changes. A change notice still
    waiting for her window is folded into the new one, so she reads one message that
    says everything. A change of the plan before the plan was sent is not news: the
    plan's notice will carry it. Returns how many were queued; twice, none."""
    session = change.session
    plan_sent = GroupSession.objects.filter(pk=session.pk, agenda_sent_at__isnull=False)
    if change.what == [SessionChange.What.AGENDA] and not plan_sent.exists():
        return 0
    members = notices.members_to_tell(_in_group(session, away_too=True), session_changes=True)
    prefix = f"session_change:{session.pk}:"
    waiting = Message.objects.filter(
        key__startswith=prefix, status__in=WAITING, recipient__in=members
    ).exclude(key__startswith=f"{prefix}{change.version}:")
    since: dict[int, int] = {}
    for recipient, key in waiting.values_list("recipient_id", "key"):
        version = int(key.split(":")[2])
        since[recipient] = min(since.get(recipient, version), version)
    changes = list(
        SessionChange.objects.filter(
            session=session, version__gte=min(since.values(), default=change.version)
        ).order_by("version")
    )
    group_name = session.group.member_facing_name
    with transaction.atomic():
        waiting.update(status=Message.Status.CANCELLED, claimed_at=None)
        return notices.notices_queue(
            members,
            kind=SESSION_CHANGE,
            key=lambda member: f"{prefix}{change.version}:{member.pk}",
            words=lambda member, *, clear: change_words(
                member,
                clear=clear,
                session=session,
                changes=[c for c in changes if c.version >= since.get(member.pk, change.version)],
                group_name=group_name,
            ),
        )


def _first_start(session: GroupSession, changes: list[SessionChange]) -> dt.datetime:
    """The start she last heard of: before the first of `changes` that moved it."""
    for change in changes:
        if SessionChange.What.TIME in change.what and "starts_at" in change.before:
            return dt.datetime.fromisoformat(change.before["starts_at"])
    return session.starts_at


def change_words(
    member, *, clear: bool, session: GroupSession, changes: list[SessionChange], group_name: str
) -> tuple[str, str]:
    """What changed about a date she knew of, and when it changed: the day it was, what
    changed, the new day and time if it moved, or that it is off."""
    was = _her_day(member, _first_start(session, changes))
    made = _her_day(member, changes[-1].made_at, short=True)
    what = [code for change in changes for code in change.what]
    if SessionChange.What.CANCELLED in what:
        if clear:
            return (
                _("Hearth: %(group)s is off") % {"group": group_name},
                _("Hearth: %(group)s on %(was)s is off (changed %(made)s).")
                % {"group": group_name, "was": was, "made": made},
            )
        return (
            _("A change of plan"),
            _("Hi, %(was)s is off (changed %(made)s). Nothing else is needed from you.")
            % {"was": was, "made": made},
        )
    changed = ", ".join(str(WHAT_WORDS[code]) for code in WHAT_WORDS if code in what)
    now_at = ""
    if SessionChange.What.TIME in what:
        now_at = " " + _("Now %(when)s.") % {"when": _her_day(member, session.starts_at)}
    if clear:
        return (
            _("Hearth: a change to %(group)s") % {"group": group_name},
            _("Hearth: %(group)s on %(was)s has changed: %(changed)s (changed %(made)s).")
            % {"group": group_name, "was": was, "changed": changed, "made": made}
            + now_at
            + " "
            + _("Please sign in to see the details."),
        )
    return (
        _("A change of plan"),
        _("Hi, a change to %(was)s: %(changed)s (changed %(made)s).")
        % {"was": was, "changed": changed, "made": made}
        + now_at
        + " "
        + _("Sign in for details."),
    )


# --- after the moment ---------------------------------------------------------------


def stale_notices_withdraw(*, now: dt.datetime | None = None) -> int:
    """Withdraw notices of a date still waiting for her window when the date has begun:
    a reminder or a change that arrives afterwards only unsettles. Returns how many."""
    now = now or timezone.now()
    waiting = list(
        Message.objects.filter(kind__in=OURS, status__in=WAITING).values_list("pk", "key")
    )
    session_of = {pk: int(key.split(":")[1]) for pk, key in waiting}
    begun = set(
        GroupSession.objects.filter(
            pk__in=set(session_of.values()), starts_at__lte=now
        ).values_list("pk", flat=True)
    )
    stale = [pk for pk, session in session_of.items() if session in begun]
    return Message.objects.filter(pk__in=stale, status__in=WAITING).update(
        status=Message.Status.CANCELLED, claimed_at=None
    )


def session_notices_send(*, now: dt.datetime | None = None) -> int:
    """Beat's round of session notices: the plans now due, the day-before reminders, and
    the withdrawal of any that waited past their date. Safe to run twice. Returns how
    many notices were queued."""
    now = now or timezone.now()
    queued = agenda_notices_due(now=now) + day_before_queue(now=now)
    stale_notices_withdraw(now=now)
    return queued
