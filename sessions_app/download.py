"""What support between sessions holds of her, as sections of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coproduction.core import download
from coproduction.core.download import when
from sessions_app.models import (
    Attendance,
    CalendarFeed,
    CheckIn,
    CheckInPlan,
    ContentNote,
    PassOn,
    SessionChoices,
    SessionSeen,
    StepOut,
    SupportRequest,
)


@download.section(
    "check_ins", _("Check-ins"), order=download.CONTACT + 250, covers=(CheckInPlan, CheckIn)
)
def check_ins(member) -> dict | None:
    """How she asked to be checked in with, and each check-in with her answer."""
    plan = CheckInPlan.objects.filter(member=member).first()
    return plan and {
        "how_often": plan.get_rhythm_display(),
        "day": plan.weekday,
        "time": plan.at_time.strftime("%H:%M"),
        "how": plan.get_channel_display(),
        "words": plan.own_words or plan.get_wording_display(),
        "if_no_answer": plan.get_if_no_answer_display(),
        "check_ins": [
            {"day": c.on_date.isoformat(), "answer": c.get_answer_display(),
             "answered": when(c.answered_at), "how": c.get_answered_via_display()}
            for c in plan.checkins.order_by("on_date", "pk")
        ],
    }  # fmt: skip


@download.section(
    "support_requests",
    _("Times you asked to be contacted"),
    order=download.CONTACT + 260,
    covers=(SupportRequest,),
)
def support_requests(member) -> list[dict]:
    """Each request, who she chose, and what was done."""
    return [
        {"asked": when(r.created_at), "how": r.get_source_display(),
         "chosen": r.contact.display_name if r.contact else "",
         "in_hand": when(r.acknowledged_at), "what_was_done": r.what_was_done}
        for r in SupportRequest.objects.filter(member=member).select_related("contact__staff_user")
    ]  # fmt: skip


@download.section(
    "passed_on",
    _("Messages your support worker passed on"),
    order=download.CONTACT + 270,
    covers=(PassOn,),
)
def passed_on(member) -> list[dict]:
    """Each message given to her support worker to pass on, and when it was."""
    return [
        {"given": when(p.created_at), "words": p.message.body, "passed_on": when(p.done_at)}
        for p in PassOn.objects.filter(member=member).select_related("message")
    ]


@download.section(
    "sessions",
    _("Your dates"),
    order=download.GROUPS + 50,
    covers=(SessionChoices, Attendance, StepOut, SessionSeen, CalendarFeed),
)
def sessions(member) -> dict:
    """Her reminder and topic choices, what she said about coming and whether she came
    (with her hours), the parts she said she would step out of, when she last looked
    at each date, and each calendar address she made (when, whether it showed places,
    when it stopped; never the address itself, which Hearth does not keep)."""
    choices = SessionChoices.objects.filter(member=member).first()
    topics = dict(ContentNote.choices)
    return {
        "reminder_the_day_before": bool(choices and choices.day_before),
        "topics_to_hear_of_first": [str(topics[t]) for t in choices.topics if t in topics]
        if choices else [],
        "dates": [
            {"date": when(a.session.starts_at), "you_said": a.get_plan_display(),
             "came": {True: _("Yes"), False: _("No"), None: ""}[a.came],
             "hours": str(a.hours) if a.hours is not None else ""}
            for a in Attendance.objects.filter(member=member).select_related("session")
        ],
        "parts_you_step_out_of": [
            {"date": when(s.item.session.starts_at), "part": s.item.purpose}
            for s in StepOut.objects.filter(member=member).select_related("item__session")
        ],
        "dates_you_looked_at": [
            when(seen.session.starts_at)
            for seen in SessionSeen.objects.filter(member=member).select_related("session")
        ],
        "calendar_addresses": [
            {"made": when(f.created_at), "shows_where": _("Yes") if f.with_place else _("No"),
             "stopped": when(f.revoked_at)}
            for f in CalendarFeed.objects.filter(person=member).order_by("created_at", "pk")
        ],
    }  # fmt: skip
