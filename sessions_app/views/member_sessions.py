"""Her sessions: what is coming and what to expect, what changed, "I can't come",
stepping out of a part, and her standing choices (a reminder, topics to hear of first)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coproduction.core.http import GET_POST, posted
from groups.views.member.portal import member_view, saved
from sessions_app import member_pages
from sessions_app.forms import SessionChoicesForm
from sessions_app.models import Attendance, SessionChoices
from sessions_app.services import taking_part
from sessions_app.session_access import session_of_member


@member_view(require_safe)
def my_sessions(request: HttpRequest) -> HttpResponse:
    """Her coming dates, each marked if it changed since she last looked, and a way to
    the notes of past ones. A fixed number of queries, however many sessions."""
    return render(
        request,
        "sessions_app/member/sessions.html",
        {"rows": member_pages.upcoming_rows(request.user)},
    )


@member_view(require_safe)
def my_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """One date and what to expect: when, where and how to get there, who will be
    there, the plan with its content notes, breaks and support; what changed since she
    last looked, which she has now seen."""
    page = member_pages.session_page(request.user, session_id)
    taking_part.session_seen(member=request.user, session=page["session"])
    return render(request, "sessions_app/member/session.html", page)


@member_view(require_POST)
def my_session_plan(request: HttpRequest, session_id: int) -> HttpResponse:
    """ "I can't come", "I'll come", or taking either back. No reason asked."""
    session = session_of_member(request.user, session_id)
    plan = request.POST.get("plan", "")
    try:
        taking_part.attendance_plan(member=request.user, session=session, plan=plan)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            {
                Attendance.Plan.CANT_COME: _(
                    "Thank you for letting us know. You never need to say why."
                ),
                Attendance.Plan.COMING: _("Thank you. See you there."),
            }.get(plan, _("Thank you. We have taken that off.")),
        )
    return redirect("sessions_app:my_session", session.pk)


@member_view(require_POST)
def my_step_out(request: HttpRequest, session_id: int, item_id: int) -> HttpResponse:
    """ "I'll step out for this one", or back in. No reason asked."""
    session = session_of_member(request.user, session_id)
    item = get_object_or_404(session.agenda.all(), pk=item_id)
    out = request.POST.get("out") == "1"
    try:
        taking_part.step_out_set(member=request.user, item=item, out=out)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Noted. You can step out for that part. Nobody will ask why.")
            if out
            else _("Noted. You are in for that part."),
        )
    return redirect("sessions_app:my_session", session.pk)


@member_view(GET_POST)
def my_session_choices(request: HttpRequest) -> HttpResponse:
    """Asked once, for every session: a reminder the day before, and topics she would
    like to hear of before the day."""
    choices = SessionChoices.objects.filter(member=request.user).first()
    form = SessionChoicesForm(
        posted(request),
        initial={"day_before": choices.day_before, "topics": choices.topics} if choices else {},
    )

    def write(data: dict) -> None:
        taking_part.session_choices_update(member=request.user, acting_user=request.user, **data)

    if saved(form, write):
        messages.success(request, _("Saved."))
        return redirect("sessions_app:my_sessions")
    return render(request, "sessions_app/member/session_choices.html", {"form": form})
