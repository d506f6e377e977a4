"""Staff pages for consent and sharing: members' current answers and counts for planning,
answers and contributions recorded with a member, the quotes a report may use, and
requests to erase her data.

Every page goes through `groups.access.staff_view`: a member gets 403, someone outside
the group 404, a role too low 403. What a page shows about a member is decided by
`consent.policy` alone, reading her answers as they are now, so a change she makes
shows on the next page or export. Each page costs a fixed number of queries.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from consent import policy, reads, services, summaries
from consent.forms.staff import AnswerOnHerBehalfForm, ContributionForm, ErasureConfirmForm
from consent.models import Answer, Contribution, ErasureRequest, Visibility
from coproduction import crypto
from coproduction.core import dates
from coproduction.core.http import GET_POST, posted, show_refusal
from groups.access import StaffAccess, staff_view
from groups.models import CoproGroup, Membership, preferred_name
from groups.summaries import status_text

PAGE_SIZE = 50


# --- everyone's answers ------------------------------------------------------------


@require_safe
@staff_view
def group_choices(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Every current member's answers, and how many agreed to each thing, for planning."""
    members = list(
        access.members()
        .current()
        .order_by("user__profile__preferred_name", "user__first_name", "pk")
        .values(
            "pk",
            "user_id",
            "status",
            "stepped_back_until",
            preferred_name=F("user__profile__preferred_name"),
            first_name=F("user__first_name"),
        )
    )
    purposes = policy.purposes()
    rows, counts = summaries.group_choices_table(
        members,
        purposes,
        policy.answers([m["user_id"] for m in members], purposes),
        group_id=access.group.pk,
    )
    return render(
        request,
        "consent/staff/group_choices.html",
        access.context("choices", rows=rows, counts=counts, body=summaries.table_body(rows)),
    )


# --- one member's answers ------------------------------------------------------------


@GET_POST
@staff_view
def member_choices(request: HttpRequest, access: StaffAccess, membership_id: int) -> HttpResponse:
    """Her current answers; a facilitator can record one she gave in person."""
    membership = access.member(membership_id)
    if request.method == "POST":
        access.require_manage(_("Only a facilitator can record an answer for her."))
    member = membership.user
    name = preferred_name(member)
    choices = policy.choices(member)
    form = None
    if access.can_manage:
        form = AnswerOnHerBehalfForm(posted(request), purposes=[c.purpose for c in choices])
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        before = next(c for c in choices if c.purpose.pk == data["purpose"].pk)
        try:
            event = services.consent_record(
                member=member,
                purpose=data["purpose"],
                answer=data["answer"],
                acting_user=request.user,
                method=data["method"],
                how_she_told_us=data["how_she_told_us"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if before.event is not None and event.pk == before.event.pk:
                messages.info(
                    request,
                    _("That was already %(name)s's answer: nothing changed.") % {"name": name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s's answer is recorded. It applies at once.") % {"name": name},
                )
            return redirect(
                "consent:member_choices", group_id=access.group.pk, membership_id=membership.pk
            )
    labels = dict(Answer.choices)
    return render(
        request,
        "consent/staff/member_choices.html",
        access.context(
            "choices",
            membership=membership,
            name=name,
            status=status_text(membership),
            is_current=membership.status
            in (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK),
            choices=[(c, labels[c.answer]) for c in choices],
            form=form,
        ),
    )


@require_safe
@staff_view(manage=True)
def member_choice_history(
    request: HttpRequest, access: StaffAccess, membership_id: int
) -> HttpResponse:
    """Every answer she ever gave, newest first; each look is recorded in her audit trail."""
    membership = access.member(membership_id)
    page = reads.consent_history_read(
        membership=membership, viewer=request.user, page_number=request.GET.get("page")
    )
    name = preferred_name(membership.user)
    return render(
        request,
        "consent/staff/member_choice_history.html",
        access.context(
            "choices",
            membership=membership,
            name=name,
            page=page,
            rows=summaries.history_rows(page, name),
        ),
    )


# --- contributions -------------------------------------------------------------------


@GET_POST
@staff_view(manage=True)
def member_contribution_add(
    request: HttpRequest, access: StaffAccess, membership_id: int
) -> HttpResponse:
    """Write down an idea, quote or comment she gave, with her agreement. Only she sees it
    until she chooses otherwise."""
    membership = access.member(membership_id)
    member = membership.user
    form = ContributionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_add(
                member=member,
                group=access.group,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                acting_user=request.user,
                nonce=form.cleaned_data["once"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _(
                    "Saved. Only %(name)s can see it for now: she decides who sees it, in her "
                    "portal."
                )
                % {"name": preferred_name(member)},
            )
            return redirect(
                "consent:member_contribution_add",
                group_id=access.group.pk,
                membership_id=membership.pk,
            )
    return render(
        request,
        "consent/staff/member_contribution_add.html",
        access.context(
            "contributions", membership=membership, name=preferred_name(member), form=form
        ),
    )


@require_safe
@staff_view
def group_contributions(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """What members shared with this viewer, and how each may appear in reports."""
    audience = summaries.AUDIENCE_FOR_ROLE[access.role]
    shown = policy.visibilities_seen_by(audience)
    contributions = (
        Contribution.objects.filter(group=access.group, visibility__in=shown)
        .exclude(visibility=Visibility.ONLY_ME)
        .select_related("member__profile")
        .order_by("-created_at", "-pk")
    )
    if not access.can_manage:
        contributions = contributions.filter(
            member__in=access.members().current().values("user_id")
        )
    page = Paginator(contributions, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = [c for c in page if policy.seen_by(c, audience)]
    member_ids = {c.member_id for c in visible}
    table = policy.answers(member_ids)
    crypto.warm_data_keys(member_ids)
    return render(
        request,
        "consent/staff/group_contributions.html",
        access.context(
            "contributions", rows=summaries.contribution_rows(visible, table), page=page
        ),
    )


@require_safe
@staff_view(manage=True)
def outputs_export(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """The quotes a report may use, as the members allow today (a CSV download)."""
    quotes = reads.outputs_export_read(group=access.group, viewer=request.user)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="group-quotes.csv"',
            # Members' words: no copy kept along the way.
            "Cache-Control": "no-store",
        },
    )
    writer = csv.writer(response)
    columns = ["text", "kind", "credit", "date"]
    writer.writerow(columns)
    for quote in quotes:
        writer.writerow([summaries.spreadsheet_cell(str(quote[column])) for column in columns])
    return response


# --- erasure ---------------------------------------------------------------------------


def _pending_requests(group: CoproGroup):
    """Requests made by members of this group, not yet carried out."""
    return group.erasure_requests.filter(
        status__in=[ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED]
    )


def _tombstones(group: CoproGroup):
    """Requests of this group's members that were carried out: a number and dates."""
    return group.erasure_requests.filter(status=ErasureRequest.Status.DONE)


@require_safe
@staff_view(manage=True)
def erasure_requests(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Members' requests to erase their data, waiting or carried out."""
    pending = [
        summaries.PendingRow(
            request=r,
            name=preferred_name(r.member),
            form=ErasureConfirmForm(auto_id=f"id_erasure_{r.pk}_%s"),
        )
        for r in _pending_requests(access.group)
        .select_related("member__profile")
        .order_by("stands_at", "pk")
    ]
    done = list(_tombstones(access.group).order_by("-completed_at", "-pk"))
    return render(
        request,
        "consent/staff/erasure_requests.html",
        access.context("erasure", pending=pending, done=done),
    )


@require_POST
@staff_view(manage=True)
def erasure_confirm(request: HttpRequest, access: StaffAccess, request_id: int) -> HttpResponse:
    """Confirm her request: it is carried out now. Confirming twice erases once."""
    group = access.group
    erasure = (
        ErasureRequest.objects.filter(
            Q(pk__in=_pending_requests(group).values("pk"))
            | Q(pk__in=_tombstones(group).values("pk")),
            pk=request_id,
        )
        .select_related("member")
        .first()
    )
    if erasure is None:
        raise Http404("No such request")
    back = redirect("consent:erasure_requests", group_id=group.pk)
    number = {"pk": erasure.pk}
    if erasure.status == ErasureRequest.Status.DONE:
        messages.info(request, _("Request %(pk)s was already carried out.") % number)
        return back
    form = ErasureConfirmForm(request.POST)
    kept = form.cleaned_data["kept_for_legal_reasons"] if form.is_valid() else None
    if kept is None:
        messages.error(request, "; ".join(form.errors.get("kept_for_legal_reasons", [])))
        return back
    try:
        erasure = services.erasure_confirm(
            erasure=erasure, acting_user=request.user, kept_for_legal_reasons=kept
        )
    except ValidationError as error:
        # A second click can lose the race to the first, which then erased her.
        erasure.refresh_from_db()
        if erasure.status != ErasureRequest.Status.DONE:
            messages.error(request, " ".join(error.messages))
            return back
    if erasure.status == ErasureRequest.Status.DONE:
        messages.success(
            request,
            _(
                "Request %(pk)s is carried out: her data is erased. Only the numbered "
                "request and its dates remain."
            )
            % number,
        )
    elif erasure.status == ErasureRequest.Status.CONFIRMED:
        messages.success(
            request,
            _(
                "Request %(pk)s is confirmed. She will see what is kept and why; her data "
                "is erased on %(day)s."
            )
            % {**number, "day": dates.day(erasure.stands_at)},
        )
    else:
        messages.error(request, _("Request %(pk)s could not be carried out. Try again.") % number)
    return back
