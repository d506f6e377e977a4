"""The ideas, words and comments she gave, and who sees each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from consent import policy, services, summaries
from consent.forms.member import VISIBILITY_LABELS, ContributionForm, VisibilityForm
from coproduction.core.http import GET_POST, show_refusal
from groups.context_processors import member_memberships
from groups.permissions import require_member


def _contributions_page(
    request: HttpRequest,
    memberships,
    *,
    form: ContributionForm | None = None,
) -> HttpResponse:
    groups = [membership.group for membership in memberships]
    if form is None:
        form = ContributionForm(groups=groups)
    mine = policy.answers([request.user.pk])[request.user.pk]
    rows = []
    for contribution in request.user.contributions.select_related("group"):
        reports, reason = summaries.in_reports_words(contribution, mine)
        rows.append(
            {
                "contribution": contribution,
                "form": VisibilityForm(
                    initial={"visibility": contribution.visibility},
                    auto_id=f"id_c{contribution.pk}_%s",
                ),
                "visibility": VISIBILITY_LABELS[contribution.visibility],
                "seen_by": summaries.seen_by_words(contribution),
                "reports": reports,
                "reason": reason,
            }
        )
    return render(
        request,
        "consent/member/contributions.html",
        {"form": form, "rows": rows, "has_group": bool(groups), "many_groups": len(groups) > 1},
    )


@login_required
@GET_POST
def contributions(request: HttpRequest) -> HttpResponse:
    """The ideas, words and comments she gave, who sees each, and keeping a new one."""
    require_member(request.user)
    memberships = member_memberships(request)
    if request.method == "GET":
        return _contributions_page(request, memberships)
    form = ContributionForm(request.POST, groups=[m.group for m in memberships])
    if form.is_valid():
        data = form.cleaned_data
        try:
            contribution = services.contribution_add(
                member=request.user,
                group=data["group"],
                text=data["text"],
                kind=data["kind"],
                visibility=data["visibility"],
                acting_user=request.user,
                nonce=data["once"],
            )
        except ValidationError as error:
            show_refusal(form, error, "text")
        else:
            messages.success(
                request,
                gettext("Kept. Who may see it: %(visibility)s.")
                % {"visibility": VISIBILITY_LABELS[contribution.visibility]},
            )
            return redirect(f"{reverse('consent:my_contributions')}#contribution-{contribution.pk}")
    return _contributions_page(request, memberships, form=form)


@login_required
@require_POST
def contribution_visibility(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Change who sees one of her contributions; it applies at once everywhere."""
    require_member(request.user)
    contribution = get_object_or_404(request.user.contributions, pk=contribution_id)
    back = f"{reverse('consent:my_contributions')}#contribution-{contribution.pk}"
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Nothing was changed. Please choose who may see it."))
        return redirect(back)
    try:
        services.contribution_set_visibility(
            contribution=contribution,
            visibility=form.cleaned_data["visibility"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("Saved. Who may see it: %(visibility)s.")
            % {"visibility": VISIBILITY_LABELS[contribution.visibility]},
        )
    return redirect(back)
