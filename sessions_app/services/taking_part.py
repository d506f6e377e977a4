"""Her part in a session, hers to say and never asked why: she can't come, she will
step out for a part, she would like a reminder or to hear first of some topics; she
has seen what changed. And, after, who came and for how long (involvement hours)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.audit.services import audit_record
from groups.contact import her_zone
from groups.models import Membership
from groups.services.people import her_row_save
from sessions_app.models import (
    AgendaItem,
    Attendance,
    CheckInPlan,
    ContentNote,
    GroupSession,
    SessionChoices,
    SessionSeen,
    StepOut,
)
from sessions_app.services.checkins import checkin_queue

MOST_HOURS = Decimal(12)


def _upcoming(session: GroupSession, now: dt.datetime) -> None:
    if session.is_cancelled or session.starts_at <= now:
        raise ValidationError(_("This has already started or is off, so there is nothing to say."))


def attendance_plan(
    *, member, session: GroupSession, plan: str, now: dt.datetime | None = None
) -> bool:
    """Say she will come, she can't come, or take that back (`plan` ""), for a session
    of hers not yet begun. No reason is asked. Saying it again changes nothing; returns
    whether it changed."""
    now = now or timezone.now()
    if plan not in ("", *Attendance.Plan.values):
        raise ValidationError(_("Please choose one of the answers."))
    _upcoming(session, now)
    with transaction.atomic():
        row, _created = Attendance.objects.select_for_update().get_or_create(
            session=session, member=member
        )
        if row.plan == plan:
            return False
        row.plan, row.planned_at = plan, now
        row.save(update_fields=["plan", "planned_at"])
        audit_record(actor=member, action="attendance.plan", subject=row, subject_user=member)
    return True


def step_out_set(*, member, item: AgendaItem, out: bool) -> bool:
    """Mark (or unmark) one part of a session as one she will step out of. No reason.
    Twice is once; returns whether it changed."""
    _upcoming(item.session, timezone.now())
    with transaction.atomic():
        if out:
            changed = StepOut.objects.get_or_create(item=item, member=member)[1]
        else:
            changed = bool(StepOut.objects.filter(item=item, member=member).delete()[0])
        if changed:
            audit_record(
                actor=member, action="agenda.step_out", subject=item.session, subject_user=member
            )
    return changed


def session_seen(*, member, session: GroupSession) -> None:
    """She has seen the session as it is now: "changed" no longer shows on it."""
    SessionSeen.objects.update_or_create(
        session=session, member=member, defaults={"version": session.version}
    )


def session_choices_update(*, member, acting_user, **fields) -> SessionChoices:
    """Save her standing choices for every session: a reminder the day before, and the
    kinds of topic she would like to hear of first."""
    if set(fields.get("topics", [])) - set(ContentNote.values):
        raise ValidationError({"topics": _("Please choose from the list.")})
    return her_row_save(
        SessionChoices,
        member=member,
        acting_user=acting_user,
        action="session_choices.update",
        stamp="updated_at",
        fields=fields,
    )


def _hours(session: GroupSession, came: bool, hours) -> Decimal | None:
    if not came:
        return None
    if hours in (None, ""):
        seconds = (session.ends_at - session.starts_at).total_seconds()
        return (Decimal(seconds) / 3600).quantize(Decimal("0.25"))
    hours = Decimal(hours)
    if not Decimal(0) < hours <= MOST_HOURS:
        raise ValidationError(
            {"hours": _("Please give the hours as a number from 0.25 to %(most)s.")
             % {"most": MOST_HOURS}}
        )  # fmt: skip
    return hours


def attendance_record(
    *, session: GroupSession, acting_user, came: dict[int, tuple[bool, object]],
    now: dt.datetime | None = None,
) -> int:  # fmt: skip
    """Record who came and for how long, `came` mapping each member's user id to (came,
    hours or None for the whole session). Only the group's members; only once the
    session has begun. The session is then held, and each member who came and asked
    for a check-in the day after each session gets one. Recording the same again
    changes nothing; returns how many rows changed."""
    now = now or timezone.now()
    if session.is_cancelled or session.starts_at > now:
        raise ValidationError(_("Who came can be recorded once the session has begun."))
    members = set(
        Membership.objects.members()
        .filter(group_id=session.group_id, user_id__in=came)
        .values_list("user_id", flat=True)
    )
    if members != set(came):
        raise ValidationError(_("Only the group's members can be recorded."))
    rows = {row.member_id: row for row in Attendance.objects.filter(session=session)}
    changed = []
    with transaction.atomic():
        for member_id, (did_come, hours) in came.items():
            hours = _hours(session, did_come, hours)
            row = rows.get(member_id) or Attendance(session=session, member_id=member_id)
            if row.pk and row.came == did_come and row.hours == hours:
                continue
            row.came, row.hours, row.recorded_by, row.recorded_at = (
                did_come,
                hours,
                acting_user,
                now,
            )
            row.save()
            changed.append(row)
        if session.status != GroupSession.Status.HELD:
            session.status = GroupSession.Status.HELD
            session.save(update_fields=["status"])
        if changed:
            audit_record(actor=acting_user, action="attendance.record", subject=session)
        _after_session_checkins(session, [r.member_id for r in changed if r.came], now)
    return len(changed)


def _after_session_checkins(session: GroupSession, came: list[int], now: dt.datetime) -> None:
    """Queue the check-in "the day after each time I came" for those who came, at her
    chosen time on the day after (or her next such time, if that is past)."""
    plans = CheckInPlan.objects.filter(
        member_id__in=came, rhythm=CheckInPlan.Rhythm.AFTER_SESSION
    ).select_related("member__profile", "member__safe_contact")
    for plan in plans:
        zone = her_zone(plan.member)
        day = session.local_day + dt.timedelta(days=1)
        due = dt.datetime.combine(day, plan.at_time, tzinfo=zone)
        while due < now:
            day += dt.timedelta(days=1)
            due = dt.datetime.combine(day, plan.at_time, tzinfo=zone)
        checkin_queue(plan=plan, day=day, due=due)
