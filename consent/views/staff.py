"""Staff pages for consent and sharing: members' current answers and counts for planning,
answers and contributions recorded with a member, the quotes a report may use, and
requests to erase her data.

Access is as on every staff page (`groups.permissions`): a member gets 403, someone
outside the group 404, a role too low 403. What a page shows about a member is decided
by `consent.policy` alone, reading her answers as they are now, so a change she makes
shows on the next page or export. Each page costs a fixed number of queries.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent import policy, services
from consent.forms.staff import (
    STAFF_KINDS,
    AnswerOnHerBehalfForm,
    ContributionForm,
    ErasureConfirmForm,
)
from consent.models import Answer, ConsentEvent, Contribution, ErasureRequest, Visibility
from coproduction import crypto
from coproduction.audit.services import audit_record
from coproduction.core import dates
from groups.models import CoproGroup, Membership, preferred_name
from groups.permissions import (
    get_group_for_user,
    get_member_for_staff,
    get_staff_group,
    require_staff,
)
from groups.summaries import staff_name, status_text

PAGE_SIZE = 50

# Short column headings for the table of answers; the full question is in each caption.
SHORT_LABELS = {
    "take_part": "Take part",
    "anonymous_quotes": "Quotes, no name",
    "named_credit": "Thanked by name",
    "photos": "Photos",
    "recordings": "Recordings",
    "share_contact_with_partner": "Contact details to the charity",
    "future_projects": "Future projects",
    "checkins_seen_by_support_worker": "Check-ins seen by support worker",
}
# "3 members …" for planning: what a yes to each purpose means.
AGREED_TO = {
    "take_part": "agreed to take part in group sessions",
    "anonymous_quotes": "agreed to be quoted in reports without their name",
    "named_credit": "agreed to be thanked by name in reports",
    "photos": "agreed to be photographed",
    "recordings": "agreed to be recorded",
    "share_contact_with_partner": "agreed that the partner charity may have their contact details",
    "future_projects": "agreed to hear about future projects",
    "checkins_seen_by_support_worker": "agreed that their support worker may see check-ins",
}
# Who sees a contribution inside the group, as staff read it, by the policy's audiences.
SEEN_INSIDE = {
    frozenset(): "Only her",
    frozenset({policy.FACILITATORS}): "The facilitators",
    frozenset({policy.FACILITATORS, policy.GROUP}): "The group",
}
# How it may appear in reports now, by `policy.in_outputs`: what the export does.
IN_REPORTS = {
    "credited": "With her name",
    "anonymised": "Without her name",
    None: "Not in reports",
}
SEEN_IN_REPORTS = {
    "credited": ", and reports with her name",
    "anonymised": ", and reports without her name",
    None: "",
}
KIND_LABELS = dict(STAFF_KINDS)
# Each audience a staff role stands in when the policy is asked what she may see.
AUDIENCE_FOR_ROLE = {
    Membership.Role.FACILITATOR: policy.FACILITATORS,
    Membership.Role.SUPPORT_WORKER: policy.SUPPORT_WORKER,
}
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _posted(request: HttpRequest):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _short_label(purpose) -> str:
    return SHORT_LABELS.get(purpose.slug) or purpose.versions[0].question


def _members_seen_by(group: CoproGroup, user, role: str):
    """Current members of `group` as this staff member may see them: a support worker
    sees only the members she supports."""
    members = group.memberships.current().members()
    if role == Membership.Role.SUPPORT_WORKER:
        members = members.filter(support_worker=user)
    return members


# --- everyone's answers ------------------------------------------------------------


@dataclass
class PurposeCount:
    purpose: object
    label: str
    question: str
    yes: int = 0
    ask: int = 0
    no: int = 0

    @property
    def agreed(self) -> str:
        """ "3 members agreed to be photographed"."""
        verb = AGREED_TO.get(self.purpose.slug) or f"said yes to “{self.question}”"
        return f"{_count(self.yes, 'member')} {verb}"

    @property
    def ask_each_time(self) -> str:
        return f"{self.ask} asked to be asked each time"

    @property
    def said_no(self) -> str:
        return f"{self.no} said no or have not answered"


@dataclass
class ChoicesRow:
    membership: Membership
    name: str
    status: str
    answers: list[str]


@require_safe
@login_required
def group_choices(request: HttpRequest, group_id: int) -> HttpResponse:
    """Every current member's answers, and how many agreed to each thing, for planning."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    members = list(
        _members_seen_by(group, request.user, role)
        .select_related("user__profile")
        .order_by("user__profile__preferred_name", "user__first_name", "pk")
    )
    purposes = policy.purposes()
    table = policy.answers([m.user_id for m in members])
    counts = [
        PurposeCount(purpose=p, label=_short_label(p), question=p.versions[0].question)
        for p in purposes
    ]
    labels = dict(Answer.choices)
    rows = []
    for membership in members:
        mine = table[membership.user_id]
        answers = []
        for count in counts:
            answer = mine.get(count.purpose.slug, Answer.NO)
            if answer == Answer.YES:
                count.yes += 1
            elif answer == Answer.ASK:
                count.ask += 1
            else:
                count.no += 1
            answers.append(labels[answer])
        rows.append(
            ChoicesRow(
                membership=membership,
                name=preferred_name(membership.user),
                status=status_text(membership),
                answers=answers,
            )
        )
    return render(
        request,
        "consent/staff/group_choices.html",
        {
            "group": group,
            "role": role,
            "can_manage": role == Membership.Role.FACILITATOR,
            "rows": rows,
            "counts": counts,
            "active_page": "choices",
        },
    )


# --- one member's answers ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def member_choices(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    """Her current answers; a facilitator can record one she gave in person."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    membership = get_member_for_staff(request.user, group, role, membership_id)
    can_manage = role == Membership.Role.FACILITATOR
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(gettext("Only a facilitator can record an answer for her."))
    member = membership.user
    choices = policy.choices(member)
    form = None
    if can_manage:
        form = AnswerOnHerBehalfForm(_posted(request), purposes=[c.purpose for c in choices])
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
            form.add_error(None, error)
        else:
            name = preferred_name(member)
            if before.event is not None and event.pk == before.event.pk:
                messages.info(request, f"That was already {name}'s answer: nothing changed.")
            else:
                messages.success(request, f"{name}'s answer is recorded. It applies at once.")
            return redirect(
                "consent:member_choices", group_id=group.pk, membership_id=membership.pk
            )
    labels = dict(Answer.choices)
    return render(
        request,
        "consent/staff/member_choices.html",
        {
            "group": group,
            "role": role,
            "can_manage": can_manage,
            "membership": membership,
            "name": preferred_name(member),
            "status": status_text(membership),
            "is_current": membership.status
            in (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK),
            "choices": [(c, labels[c.answer]) for c in choices],
            "form": form,
            "active_page": "choices",
        },
    )


@dataclass
class HistoryRow:
    event: ConsentEvent
    answer: str
    who: str
    how: str
    how_she_told_us: str


@require_safe
@login_required
def member_choice_history(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    """Every answer she ever gave, newest first; each look is recorded in her audit trail."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    membership = get_member_for_staff(request.user, group, role, membership_id)
    member = membership.user
    events = ConsentEvent.objects.filter(member=member).select_related(
        "purpose", "text", "recorded_by"
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Notes of how she told a facilitator are encrypted under her own key.
    crypto.warm_data_keys([member.pk])
    name = preferred_name(member)
    rows = []
    for event in page:
        if not event.on_behalf:
            who = name
        elif event.recorded_by is not None:
            who = f"{staff_name(event.recorded_by)}, for her"
        else:
            who = "Someone no longer in Hearth, for her"
        rows.append(
            HistoryRow(
                event=event,
                answer=event.get_answer_display(),
                who=who,
                how=event.get_method_display(),
                how_she_told_us=event.how_she_told_us if event.on_behalf else "",
            )
        )
    audit_record(
        actor=request.user, action="consent.history_view", subject=membership, subject_user=member
    )
    return render(
        request,
        "consent/staff/member_choice_history.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "membership": membership,
            "name": name,
            "page": page,
            "rows": rows,
            "active_page": "choices",
        },
    )


# --- contributions -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def member_contribution_add(
    request: HttpRequest, group_id: int, membership_id: int
) -> HttpResponse:
    """Write down an idea, quote or comment she gave, with her agreement. Only she sees it
    until she chooses otherwise."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    membership = get_member_for_staff(request.user, group, role, membership_id)
    member = membership.user
    form = ContributionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_add(
                member=member,
                group=group,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                acting_user=request.user,
                nonce=form.cleaned_data["once"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Saved. Only {preferred_name(member)} can see it for now: she decides who "
                "sees it, in her portal.",
            )
            return redirect(
                "consent:member_contribution_add", group_id=group.pk, membership_id=membership.pk
            )
    return render(
        request,
        "consent/staff/member_contribution_add.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "membership": membership,
            "name": preferred_name(member),
            "form": form,
            "active_page": "contributions",
        },
    )


@dataclass
class ContributionRow:
    contribution: Contribution
    name: str
    kind: str
    text: str
    seen_by: str
    in_reports: str


def _seen_by_now(contribution: Contribution, member_answers: dict[str, str]) -> str:
    """Who sees it today, from the same policy the export asks: the visibility she chose
    counts for reports only while her answers allow it (rule 2: one truth everywhere)."""
    inside = SEEN_INSIDE[policy.SEEN_BY[contribution.visibility]]
    return inside + SEEN_IN_REPORTS[policy.in_outputs(contribution, member_answers)]


def _in_reports_now(contribution: Contribution, member_answers: dict[str, str]) -> str:
    """How it may appear in reports today and, where her choice of visibility asks for
    more, which of her answers holds it back, so nobody reads her choice as a yes."""
    how = policy.in_outputs(contribution, member_answers)
    if how == "anonymised" and contribution.visibility == Visibility.CREDITED:
        return f"{IN_REPORTS[how]} (she has not agreed to be named)"
    if how is None and contribution.visibility in (Visibility.ANONYMISED, Visibility.CREDITED):
        return f"{IN_REPORTS[how]} (she has not agreed to be quoted)"
    return IN_REPORTS[how]


@require_safe
@login_required
def group_contributions(request: HttpRequest, group_id: int) -> HttpResponse:
    """What members shared with this viewer, and how each may appear in reports."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    audience = AUDIENCE_FOR_ROLE[role]
    # Ask the policy which visibilities this audience sees, so "only me" and anything
    # not shared with her never leave the database.
    shown = [value for value, audiences in policy.SEEN_BY.items() if audience in audiences]
    contributions = (
        Contribution.objects.filter(group=group, visibility__in=shown)
        .exclude(visibility=Visibility.ONLY_ME)
        .select_related("member__profile")
        .order_by("-created_at", "-pk")
    )
    if role == Membership.Role.SUPPORT_WORKER:
        contributions = contributions.filter(
            member__in=_members_seen_by(group, request.user, role).values("user_id")
        )
    page = Paginator(contributions, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = [c for c in page if policy.seen_by(c, audience)]
    member_ids = {c.member_id for c in visible}
    table = policy.answers(member_ids)
    crypto.warm_data_keys(member_ids)
    rows = [
        ContributionRow(
            contribution=c,
            name=preferred_name(c.member),
            kind=KIND_LABELS.get(c.kind, c.get_kind_display()),
            text=c.text,
            seen_by=_seen_by_now(c, table[c.member_id]),
            in_reports=_in_reports_now(c, table[c.member_id]),
        )
        for c in visible
    ]
    return render(
        request,
        "consent/staff/group_contributions.html",
        {
            "group": group,
            "role": role,
            "can_manage": role == Membership.Role.FACILITATOR,
            "rows": rows,
            "page": page,
            "active_page": "contributions",
        },
    )


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@require_safe
@login_required
def outputs_export(request: HttpRequest, group_id: int) -> HttpResponse:
    """The quotes a report may use, as the members allow today (a CSV download)."""
    require_staff(request.user)
    group, _ = get_group_for_user(request.user, group_id, manage=True)
    quotes = policy.output_quotes(group)
    audit_record(actor=request.user, action="outputs.export", subject=group)
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
        writer.writerow([_cell(str(quote[column])) for column in columns])
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


@dataclass
class PendingRow:
    request: ErasureRequest
    name: str
    form: ErasureConfirmForm


@require_safe
@login_required
def erasure_requests(request: HttpRequest, group_id: int) -> HttpResponse:
    """Members' requests to erase their data, waiting or carried out."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    pending = [
        PendingRow(
            request=r,
            name=preferred_name(r.member),
            form=ErasureConfirmForm(auto_id=f"id_erasure_{r.pk}_%s"),
        )
        for r in _pending_requests(group)
        .select_related("member__profile")
        .order_by("stands_at", "pk")
    ]
    done = list(_tombstones(group).order_by("-completed_at", "-pk"))
    return render(
        request,
        "consent/staff/erasure_requests.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "pending": pending,
            "done": done,
            "active_page": "erasure",
        },
    )


@require_POST
@login_required
def erasure_confirm(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    """Confirm her request: it is carried out now. Confirming twice erases once."""
    require_staff(request.user)
    group, _ = get_group_for_user(request.user, group_id, manage=True)
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
    if erasure.status == ErasureRequest.Status.DONE:
        messages.info(request, f"Request {erasure.pk} was already carried out.")
        return back
    form = ErasureConfirmForm(request.POST)
    kept = form.cleaned_data["kept_for_legal_reasons"] if form.is_valid() else None
    if kept is None:
        messages.error(request, "; ".join(form.errors.get("kept_for_legal_reasons", [])))
        return back
    try:
        erasure = services.erasure_confirm(
            request=erasure, acting_user=request.user, kept_for_legal_reasons=kept
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
            f"Request {erasure.pk} is carried out: her data is erased. Only the numbered "
            "request and its dates remain.",
        )
    elif erasure.status == ErasureRequest.Status.CONFIRMED:
        messages.success(
            request,
            f"Request {erasure.pk} is confirmed. She will see what is kept and why; her data "
            f"is erased on {dates.day(erasure.stands_at)}.",
        )
    else:
        messages.error(request, f"Request {erasure.pk} could not be carried out. Try again.")
    return back
