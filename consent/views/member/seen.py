"""What others can see about her, and who looked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from consent import policy, summaries
from coproduction.audit.models import AuditEvent
from groups.permissions import require_member

LOOKS_PER_PAGE = 50


@login_required
@require_safe
def who_sees_what(request: HttpRequest) -> HttpResponse:
    """For each audience, exactly what it sees about her, from the one policy (a fixed
    number of queries however long her history)."""
    require_member(request.user)
    seen = policy.what_others_see(request.user)
    audiences = [(key, label, seen[key]) for key, label in policy.AUDIENCES.items()]
    return render(request, "consent/member/who_sees_what.html", {"audiences": audiences})


@login_required
@require_safe
def who_looked(request: HttpRequest) -> HttpResponse:
    """Who else opened her details, her plan or her answers, and when, newest first (from
    the audit trail; a page at a time, so a long trail costs no more)."""
    require_member(request.user)
    looks = (
        AuditEvent.objects.about(request.user)
        .filter(action__in=summaries.LOOKED_AT)
        .exclude(actor=request.user)
        .select_related("actor")
    )
    page = Paginator(looks, LOOKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "consent/member/who_looked.html",
        {"page": page, "lines": summaries.looked_lines(page)},
    )
