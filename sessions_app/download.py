"""What support between sessions holds of her, as sections of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coproduction.core import download
from coproduction.core.download import when
from sessions_app.models import CheckIn, CheckInPlan, PassOn, SupportRequest


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
