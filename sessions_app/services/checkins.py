"""Check-ins: her plan, each one queued on her day in the outbox, her answer, and what
happens when she asked us to notice an unanswered one."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from coproduction.outbox.services import message_queue
from groups.contact import her_zone
from groups.models import Membership, SafeContactProfile, preferred_name
from groups.services.people import her_row_save
from sessions_app import wording
from sessions_app.models import CHECKIN_CHANNELS, CheckIn, CheckInPlan, SupportRequest
from sessions_app.services.support import support_request_open

OWN_WORDS_MAX = 140
NO_ANSWER_DAYS = range(1, 15)
TIMED_CHANNELS = (Channel.SMS, Channel.EMAIL)


def _fits(plan: CheckInPlan, safe: SafeContactProfile) -> bool:
    # After each session, the day is the session's: only the time is hers to fit.
    on_her_day = plan.rhythm == CheckInPlan.Rhythm.AFTER_SESSION or plan.weekday in safe.safe_days
    return on_her_day and safe.safe_from <= plan.at_time < safe.safe_until


def _check_plan(plan: CheckInPlan, safe: SafeContactProfile | None) -> None:
    """Refuse a plan that her contact choices would never let go, in words she can act on."""
    if plan.channel not in CHECKIN_CHANNELS or (
        plan.channel != Channel.PORTAL and (safe is None or plan.channel not in safe.channels)
    ):
        raise ValidationError(
            {"channel": _("You have not said this way is safe. Choose another one.")}
        )
    if plan.channel in TIMED_CHANNELS and safe is not None:
        if not _fits(plan, safe):
            on_a_weekday = plan.rhythm != CheckInPlan.Rhythm.AFTER_SESSION
            field = "weekday" if on_a_weekday and plan.weekday not in safe.safe_days else "at_time"
            raise ValidationError({field: _("Please choose one of your safe days and times.")})
    if plan.wording == CheckInPlan.Wording.OWN and not plan.own_words.strip():
        raise ValidationError({"own_words": _("Please write your own words, or choose some.")})
    if len(plan.own_words) > OWN_WORDS_MAX:
        raise ValidationError(
            {"own_words": _("Please use at most %(count)s letters.") % {"count": OWN_WORDS_MAX}}
        )
    if plan.no_answer_days not in NO_ANSWER_DAYS:
        raise ValidationError({"no_answer_days": _("Please choose between 1 and 14 days.")})
    if plan.if_no_answer == CheckInPlan.IfNoAnswer.TELL_SUPPORT_WORKER and not (
        Membership.objects.current()
        .members()
        .filter(user_id=plan.member_id, support_worker__isnull=False)
        .exists()
    ):
        raise ValidationError(
            {"if_no_answer": _("You do not have a support worker in Hearth yet.")}
        )


def checkin_plan_update(*, member, acting_user, **fields) -> CheckInPlan:
    """Save part of her check-in plan (each portal screen saves one choice) once the whole
    plan still fits her contact choices; refused with the field to fix otherwise."""
    plan = CheckInPlan.objects.filter(member=member).first() or CheckInPlan(member=member)
    for name, value in fields.items():
        setattr(plan, name, value)
    if plan.is_on:
        safe = SafeContactProfile.objects.filter(member=member).first()
        if (
            "channel" in fields
            and plan.channel in TIMED_CHANNELS
            and safe is not None
            and safe.safe_days
            and not _fits(plan, safe)
        ):
            # A new way that needs her safe days starts at the first of them; the next
            # screen asks her which day and time she would like.
            plan.weekday, plan.at_time = min(safe.safe_days), safe.safe_from
            fields = {**fields, "weekday": plan.weekday, "at_time": plan.at_time}
        _check_plan(plan, safe)
    if "rhythm" in fields:
        # A new rhythm counts its fortnights from the day she chose it.
        fields = {**fields, "starts_on": timezone.localdate()}
    return her_row_save(
        CheckInPlan,
        member=member,
        acting_user=acting_user,
        action="checkin_plan.update",
        stamp="updated_at",
        fields=fields,
    )


def checkins_queue(*, now: dt.datetime | None = None) -> int:
    """Queue today's check-in for every plan that falls on her today, at her chosen
    time, once per plan and day (`checkin:<plan>:<date>`): the outbox asks her contact
    choices when it is due. A plan chosen after today's time starts next time. Returns
    how many were queued."""
    now = now or timezone.now()
    plans = list(
        # A check-in after each session is queued when who came is recorded.
        CheckInPlan.objects.exclude(
            rhythm__in=[CheckInPlan.Rhythm.NEVER, CheckInPlan.Rhythm.AFTER_SESSION]
        )
        .filter(
            member__is_active=True,
            member__memberships__role=Membership.Role.MEMBER,
            # On a break, she is not asked how things are: she comes back when she wants.
            member__memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .select_related("member__profile", "member__safe_contact")
    )
    queued = 0
    for plan in plans:
        zone = her_zone(plan.member)
        today = now.astimezone(zone).date()
        due = dt.datetime.combine(today, plan.at_time, tzinfo=zone)
        if not plan.falls_on(today) or due < plan.updated_at:
            continue
        if checkin_queue(plan=plan, day=today, due=due) is not None:
            queued += 1
    return queued


def checkin_queue(*, plan: CheckInPlan, day: dt.date, due: dt.datetime) -> CheckIn | None:
    """Her check-in of `day`, queued in the outbox for `due` in her words; None if that
    day's was queued already (`checkin:<plan>:<date>`: one a day, however often asked)."""
    with transaction.atomic():
        checkin, created = CheckIn.objects.get_or_create(
            plan=plan, on_date=day, defaults={"member": plan.member}
        )
        if not created:
            return None
        safe = getattr(plan.member, "safe_contact", None)
        checkin.message = message_queue(
            recipient=plan.member,
            kind=wording.CHECKIN,
            channel=plan.channel,
            subject=wording.checkin_subject(),
            body=wording.checkin_text(
                plan,
                name=preferred_name(plan.member, default=""),
                reply_word=safe.reply_word if safe is not None else "",
            ),
            key=f"checkin:{plan.pk}:{day.isoformat()}",
            due_at=due,
        )
        checkin.save(update_fields=["message"])
    return checkin


def checkin_answer(
    *, checkin: CheckIn, answer: str, via: str, now: dt.datetime | None = None
) -> bool:
    """Keep her answer to a check-in; the first answer counts, a second changes nothing.
    "Please contact me" opens a support request. Returns whether this answer was kept."""
    if answer not in CheckIn.Answer.values:
        raise ValidationError(_("Please choose one of the answers."))
    now = now or timezone.now()
    with transaction.atomic():
        kept = CheckIn.objects.filter(pk=checkin.pk, answer="").update(
            answer=answer, answered_at=now, answered_via=via
        )
        if kept and answer == CheckIn.Answer.PLEASE_CALL:
            support_request_open(
                member=checkin.member, source=SupportRequest.Source.CHECKIN, checkin=checkin
            )
    return bool(kept)


def checkins_unanswered(*, now: dt.datetime | None = None) -> int:
    """For each check-in she left unanswered for the days she chose, where she asked us
    to tell her support worker, open a support request for that worker, once."""
    now = now or timezone.now()
    waiting = CheckIn.objects.filter(
        answer="",
        escalated_at__isnull=True,
        plan__if_no_answer=CheckInPlan.IfNoAnswer.TELL_SUPPORT_WORKER,
        message__status=Message.Status.SENT,
    ).select_related("plan", "message", "member")
    told = 0
    for checkin in waiting:
        sent_at = checkin.message.sent_at if checkin.message is not None else None
        if sent_at is None or sent_at + dt.timedelta(days=checkin.plan.no_answer_days) > now:
            continue
        with transaction.atomic():
            if CheckIn.objects.filter(pk=checkin.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                support_request_open(
                    member=checkin.member,
                    source=SupportRequest.Source.NO_ANSWER,
                    checkin=checkin,
                    now=now,
                )
                told += 1
    return told
