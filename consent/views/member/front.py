"""Her "More" page: everything her home page does not show."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from groups.context_processors import member_memberships
from groups.permissions import require_member


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
