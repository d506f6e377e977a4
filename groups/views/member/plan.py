"""Her support plan: writing it, choosing who can read it, seeing who looked."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from coproduction.core.http import GET_POST, posted
from groups import services
from groups.forms.member import SupportPlanForm, SupportPlanSharingForm
from groups.member_pages import own_plan, plan_initial, plan_readers, plan_views, reader_names
from groups.models import staff_around
from groups.views.member.portal import member_view, saved


@member_view(GET_POST)
def support_plan(request: HttpRequest) -> HttpResponse:
    """Her plan, in her words, and who can see it."""
    plan = own_plan(request.user)
    form = SupportPlanForm(posted(request), initial=plan_initial(plan))
    me = request.user
    if saved(form, lambda data: services.support_plan_save(member=me, acting_user=me, **data)):
        messages.success(request, gettext("Your plan is saved."))
        return redirect("groups:my_support_plan")
    return render(
        request,
        "groups/member/support_plan.html",
        {"form": form, "plan": plan, "readers": plan_readers(plan)},
    )


@member_view(GET_POST)
def support_plan_sharing(request: HttpRequest) -> HttpResponse:
    """Who may read her plan: nobody but her unless she ticks someone."""
    plan = own_plan(request.user)
    form = SupportPlanSharingForm(
        posted(request),
        staff=staff_around(request.user),
        initial={"readers": [reader.pk for reader in plan_readers(plan)]},
    )
    me = request.user

    def share(data: dict) -> None:
        services.support_plan_share(member=me, acting_user=me, readers=list(data["readers"]))

    if saved(form, share, "readers"):
        readers = form.cleaned_data["readers"]
        if readers:
            message = gettext("Saved. You and %(names)s can see your plan.") % {
                "names": reader_names(readers)
            }
        else:
            message = gettext("Saved. Only you can see your plan.")
        messages.success(request, message)
        return redirect("groups:my_support_plan")
    return render(
        request,
        "groups/member/support_plan_sharing.html",
        {
            "form": form,
            "readers": plan_readers(plan),
            "has_staff": bool(form.fields["readers"].choices),
        },
    )


@member_view(require_safe)
def support_plan_views(request: HttpRequest) -> HttpResponse:
    """Every time someone else looked at her plan: who and when."""
    page = Paginator(plan_views(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "groups/member/support_plan_views.html", {"page": page})
