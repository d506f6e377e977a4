"""Her place in a group: taking a break, coming back, leaving."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from coproduction.core import dates
from coproduction.core.http import GET_POST, posted
from groups import services
from groups.forms.member import LeaveForm, StepBackForm
from groups.member_pages import break_initial, current_membership
from groups.models import Membership
from groups.permissions import get_own_membership
from groups.views.member.portal import member_view, saved


@member_view(GET_POST)
def step_back(request: HttpRequest, group_id: int) -> HttpResponse:
    """Take a break from a group, perhaps until a date. Nothing is lost."""
    membership = current_membership(request.user, group_id)
    form = StepBackForm(posted(request), initial=break_initial(membership))

    def take_break(data: dict) -> None:
        services.membership_step_back(
            membership=membership,
            acting_user=request.user,
            until=data["until"],
            keep_session_changes=data["keep_session_changes"],
        )

    if saved(form, take_break):
        group, until = membership.group.member_facing_name, form.cleaned_data["until"]
        if until:
            message = gettext(
                "You are taking a break from the %(group)s. You will be back on %(day)s. "
                "Nothing is lost. Come back whenever you want."
            ) % {"group": group, "day": dates.day(until)}
        else:
            message = gettext(
                "You are taking a break from the %(group)s. "
                "Nothing is lost. Come back whenever you want."
            ) % {"group": group}
        messages.success(request, message)
        return redirect("member_home")
    return render(request, "groups/member/step_back.html", {"form": form, "membership": membership})


@member_view(require_POST)
def come_back(request: HttpRequest, group_id: int) -> HttpResponse:
    """Come back from a break, in one tap."""
    membership = current_membership(request.user, group_id)
    try:
        services.membership_come_back(membership=membership, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("Welcome back to the %(group)s. Nothing was lost.")
            % {"group": membership.group.member_facing_name},
        )
    return redirect("member_home")


@member_view(GET_POST)
def leave(request: HttpRequest, group_id: int) -> HttpResponse:
    """Leave a group, keeping or erasing her information."""
    membership = get_own_membership(request.user, group_id)
    form = LeaveForm(posted(request))

    def erases(data: dict) -> bool:
        return data["choice"] == Membership.LeaveChoice.ERASE

    def leave_group(data: dict) -> None:
        services.membership_leave(
            membership=membership, acting_user=request.user, erase=erases(data)
        )

    if saved(form, leave_group):
        if erases(form.cleaned_data):
            message = gettext(
                "You have left the %(group)s. We will erase your information. "
                "Thank you for all you gave."
            )
        else:
            message = gettext(
                "You have left the %(group)s. Your information is kept. You can come back "
                "later. Thank you for all you gave."
            )
        messages.success(request, message % {"group": membership.group.member_facing_name})
        return redirect("member_home")
    return render(request, "groups/member/leave.html", {"form": form, "membership": membership})
