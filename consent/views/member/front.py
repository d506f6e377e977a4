"""Her home page and "More"."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from consent import summaries
from groups.context_processors import member_memberships
from groups.models import preferred_name
from groups.permissions import require_member


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Her first page: what needs her today, then at most six plain choices (the rest
    are on "More", so a tired eye finds the one it came for)."""
    require_member(request.user)
    memberships = member_memberships(request)
    one_group = memberships[0] if len(memberships) == 1 else None
    # Her name and her safe-contact profile in the one query.
    me = get_user_model().objects.select_related("profile", "safe_contact").get(pk=request.user.pk)
    return render(
        request,
        "groups/member/home.html",
        {
            "name": preferred_name(me, default=""),
            "today": summaries.today_items(me, memberships),
            "break_group": one_group if one_group and one_group.is_active else None,
        },
    )


@login_required
@require_safe
def more(request: HttpRequest) -> HttpResponse:
    """Everything the home page does not show, as a plain list of links."""
    require_member(request.user)
    memberships = member_memberships(request)
    return render(
        request,
        "consent/member/more.html",
        {"memberships": memberships, "many": len(memberships) > 1},
    )
