"""Her home page, her check-ins and "I need support"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from consent import summaries
from coproduction.core.http import GET_POST, posted
from coproduction.outbox.channels import Channel
from groups.context_processors import member_memberships
from groups.models import WEEKDAYS, SafeContactProfile, preferred_name
from groups.views.member.portal import member_view, saved
from sessions_app import member_pages, services, wording
from sessions_app.forms import (
    AnswerForm,
    ChannelForm,
    NoAnswerForm,
    RhythmForm,
    WhenForm,
    WordsForm,
)
from sessions_app.models import CheckIn, CheckInPlan, SupportRequest
from sessions_app.services.checkins import TIMED_CHANNELS


@member_view(require_safe)
def home(request: HttpRequest) -> HttpResponse:
    """Her first page: what needs her today, "I need support", then at most six plain
    choices (the rest are on "More", so a tired eye finds the one it came for)."""
    memberships = member_memberships(request)
    one_group = memberships[0] if len(memberships) == 1 else None
    # Her name and her safe-contact profile in the one query.
    me = get_user_model().objects.select_related("profile", "safe_contact").get(pk=request.user.pk)
    today = []
    checkin = member_pages.open_checkin(me)
    if checkin is not None:
        today.append(
            {
                "text": _("How are things? You can tell us here."),
                "label": _("Answer"),
                "url": reverse("sessions_app:my_checkin_answer", args=[checkin.pk]),
            }
        )
    return render(
        request,
        "groups/member/home.html",
        {
            "name": preferred_name(me, default=""),
            "today": today
            + member_pages.portal_notices(me)
            + summaries.today_items(me, memberships),
            "break_group": one_group if one_group and one_group.is_active else None,
            "next_session": member_pages.next_session(me),
            "asked": SupportRequest.objects.open().filter(member=me).exists(),
        },
    )


# Her check-in plan, one choice per screen, in this order: the way comes before the day
# and time, because a text or an email may come only in her safe days and hours.
STEPS = ("how-often", "how", "when", "words", "if-no-answer")


def _plan(user) -> CheckInPlan:
    return CheckInPlan.objects.filter(member=user).first() or CheckInPlan(member=user)


@member_view(require_safe)
def checkins(request: HttpRequest) -> HttpResponse:
    """Her check-ins as she set them, each with a way to change it."""
    plan = _plan(request.user)
    safe = SafeContactProfile.objects.filter(member=request.user).first()
    return render(
        request,
        "sessions_app/member/checkins.html",
        {
            "plan": plan,
            "day": _("The day after")
            if plan.rhythm == CheckInPlan.Rhythm.AFTER_SESSION
            else dict(WEEKDAYS).get(plan.weekday, ""),
            "words": wording.checkin_opening(plan, name=preferred_name(request.user, default="")),
            "unsafe_now": plan.is_on
            and plan.channel != Channel.PORTAL
            and (safe is None or plan.channel not in safe.channels),
        },
    )


def _step_form(step: str, request: HttpRequest, plan: CheckInPlan, safe):
    data = posted(request)
    if step == "how-often":
        return RhythmForm(data, initial={"rhythm": plan.rhythm})
    if step == "how":
        channels = safe.channels if safe is not None else []
        return ChannelForm(data, safe_channels=channels, initial={"channel": plan.channel})
    if step == "when":
        timed = plan.channel in TIMED_CHANNELS and safe is not None
        hours = (
            _("You said we may contact you between %(start)s and %(end)s.")
            % {"start": safe.safe_from.strftime("%H:%M"), "end": safe.safe_until.strftime("%H:%M")}
            if timed
            else _("For example 10:00.")
        )
        return WhenForm(
            data,
            days=None
            if plan.rhythm == CheckInPlan.Rhythm.AFTER_SESSION
            else safe.safe_days
            if timed
            else range(7),
            hours=hours,
            initial={"weekday": plan.weekday, "at_time": plan.at_time},
        )
    if step == "words":
        return WordsForm(
            data,
            name=preferred_name(request.user, default=""),
            initial={"wording": plan.wording, "own_words": plan.own_words},
        )
    return NoAnswerForm(
        data, initial={"if_no_answer": plan.if_no_answer, "no_answer_days": plan.no_answer_days}
    )


STEP_TITLES = {
    "how-often": _("How often would you like us to ask how things are?"),
    "how": _("How should we ask?"),
    "when": _("When should we ask?"),
    "words": _("Which words should we use?"),
    "if-no-answer": _("What should happen if you do not answer?"),
}


@member_view(GET_POST)
def checkin_step(request: HttpRequest, step: str) -> HttpResponse:
    """One screen of her check-in plan: one choice, saved, then the next screen."""
    if step not in STEPS:
        raise Http404("No such step")
    plan = _plan(request.user)
    safe = SafeContactProfile.objects.filter(member=request.user).first()
    form = _step_form(step, request, plan, safe)

    def save(data: dict) -> None:
        services.checkin_plan_update(member=request.user, acting_user=request.user, **data)

    if saved(form, save):
        later = STEPS.index(step) + 1
        if form.cleaned_data.get("rhythm") == CheckInPlan.Rhythm.NEVER or later == len(STEPS):
            messages.success(request, _("Saved. You can change this at any time."))
            return redirect("sessions_app:my_checkins")
        return redirect("sessions_app:my_checkin_step", STEPS[later])
    return render(
        request,
        "sessions_app/member/checkin_step.html",
        {
            "form": form,
            "title": STEP_TITLES[step],
            "number": STEPS.index(step) + 1,
            "steps": len(STEPS),
        },
    )


@member_view(GET_POST)
def checkin_answer(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """Answer a check-in that reached her: one tap."""
    checkin = get_object_or_404(
        CheckIn.objects.reached().filter(member=request.user).select_related("plan"),
        pk=checkin_id,
    )
    form = AnswerForm(posted(request))

    def answer(data: dict) -> None:
        services.checkin_answer(checkin=checkin, answer=data["answer"], via=CheckIn.Via.PORTAL)

    if saved(form, answer):
        if form.cleaned_data["answer"] == CheckIn.Answer.PLEASE_CALL:
            return redirect("sessions_app:my_support_asked")
        messages.success(request, _("Thank you for telling us."))
        return redirect("member_home")
    return render(
        request, "sessions_app/member/checkin_answer.html", {"form": form, "checkin": checkin}
    )


@member_view(GET_POST)
def support(request: HttpRequest) -> HttpResponse:
    """ "I need support": who will hear, then one button. Asking again is asking once."""
    if request.method == "POST":
        services.support_request_open(member=request.user, source=SupportRequest.Source.BUTTON)
        return redirect("sessions_app:my_support_asked")
    if member_pages.open_request(request.user) is not None:
        return redirect("sessions_app:my_support_asked")
    contact = services.chosen_contact(request.user)
    return render(request, "sessions_app/member/support.html", member_pages.who_hears(contact))


@member_view(require_safe)
def support_asked(request: HttpRequest) -> HttpResponse:
    """What happens now she has asked: who knows, or how to reach who she chose."""
    asked = member_pages.open_request(request.user)
    if asked is None:
        return redirect("sessions_app:my_support")
    return render(
        request,
        "sessions_app/member/support_asked.html",
        {"asked": asked, **member_pages.who_hears(asked.contact)},
    )
