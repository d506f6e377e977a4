"""The member portal's home and consent pages: what needs her today, her choices and
their history, the things she said and who sees them, what others can see about her and
who looked, and her data. (The home lives here, not in groups, because it asks about her
answers: consent may import groups, never the other way.)

Every page is for members only (staff get 403) and reaches her things through her:
`request.user.contributions`, `request.user.data_exports`, `request.user.erasure_requests`,
so another member's id is a 404. Writes go through `consent.services`; a refusal from a
service is shown on the form or as a message, never as an error page. What others see is
decided by `consent.policy` alone, here as everywhere.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent import policy, services
from consent.forms.member import (
    VISIBILITY_LABELS,
    AnswerForm,
    ContributionForm,
    EraseForm,
    VisibilityForm,
)
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    Contribution,
    DataExport,
    ErasureRequest,
    Visibility,
)
from coproduction.audit.models import AuditEvent
from coproduction.audit.services import audit_record
from coproduction.core import dates
from coproduction.core.freshness import fresh_sign_in_required
from groups.context_processors import member_memberships
from groups.models import preferred_name
from groups.permissions import require_member

User = get_user_model()

GET_POST = require_http_methods(["GET", "POST"])

# How each answer reads after "you": "you said no to ‘…’".
SAID = {
    Answer.YES: "said yes to",
    Answer.NO: "said no to",
    Answer.ASK: "asked us to ask you each time about",
}
# Purposes that decide whether a contribution appears in reports, in her words.
OUTPUT_PURPOSES = {
    "anonymous_quotes": "your words in reports without your name",
    "named_credit": "being thanked by name in reports",
}
HISTORY_PER_PAGE = 50
PENDING_ERASURE = (ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED)


def _form_error(form: Form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's refusal on the form, next to the field it is about if known."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error)


def _members_only(view):
    """`require_member` before anything else the view is wrapped in, so staff get 403
    rather than being signed out by `fresh_sign_in_required`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require_member(request.user)
        return view(request, *args, **kwargs)

    return wrapper


# --- home ----------------------------------------------------------------------------

# A break ending within this many days is something to tell her on her home page.
BREAK_ENDING_DAYS = 7


def _today(request: HttpRequest, memberships) -> list[dict]:
    """What needs her today, most pressing first: each one sentence and one button."""
    user = User.objects.select_related("safe_contact").get(pk=request.user.pk)
    safe_contact = getattr(user, "safe_contact", None)
    many = len(memberships) > 1
    items = []
    for membership in memberships:
        where = f" for the {membership.group.member_facing_name}" if many else ""
        if membership.agreement_awaits:
            items.append(
                {
                    "text": f"There is a new group agreement{where}. Please read it.",
                    "label": "Read the agreement",
                    "hidden": where,
                    "url": reverse("groups:my_agreement", args=[membership.group_id]),
                }
            )
    if safe_contact is not None and safe_contact.needs_confirming:
        items.append(
            {
                "text": "Is this still the right way to reach you?",
                "label": "Check how we contact you",
                "url": reverse("groups:my_contact"),
            }
        )
    review = [choice for choice in policy.choices(request.user) if choice.needs_review]
    if review:
        items.append(
            {
                "text": "We changed the words of a question you answered. Please look again.",
                "label": "Look at the new words",
                "url": reverse("consent:my_choice_set", args=[review[0].purpose.slug]),
            }
        )
    soon = timezone.localdate() + dt.timedelta(days=BREAK_ENDING_DAYS)
    for membership in memberships:
        if not membership.is_stepped_back:
            continue
        where = f" from the {membership.group.member_facing_name}" if many else ""
        until = membership.stepped_back_until
        if until is None:
            text = f"You are taking a break{where}. Nothing is lost."
        elif until <= soon:
            text = f"Your break{where} ends on {dates.day(until)}. You come back by yourself."
        else:
            text = f"You are taking a break{where} until {dates.day(until)}. Nothing is lost."
        items.append(
            {
                "text": text,
                "label": "Come back now",
                "hidden": f" to the {membership.group.member_facing_name}" if many else "",
                "come_back": reverse("groups:my_come_back", args=[membership.group_id]),
            }
        )
    return items


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Her first page: what needs her today, then at most six plain choices (the rest
    are on "More", so a tired eye finds the one it came for)."""
    require_member(request.user)
    memberships = member_memberships(request)
    one_group = memberships[0] if len(memberships) == 1 else None
    return render(
        request,
        "groups/member/home.html",
        {
            "name": preferred_name(request.user, default=""),
            "today": _today(request, memberships),
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


# --- her choices -------------------------------------------------------------------


def _rows(member) -> list[dict]:
    return [
        {"choice": choice, "answer": Answer(choice.answer).label}
        for choice in policy.choices(member)
    ]


@login_required
@require_safe
def choices(request: HttpRequest) -> HttpResponse:
    """Her answers on one short page, each with a "Change" link to its own screen (GOV.UK's
    check-answers pattern; three queries however long her history)."""
    require_member(request.user)
    return render(request, "consent/member/choices.html", {"rows": _rows(request.user)})


def _saved_message(answer: str, question: str) -> str:
    if answer == Answer.ASK:
        return f"Saved: we will ask you each time about ‘{question}’."
    return f"Saved: you said {Answer(answer).label} to ‘{question}’."


@login_required
@GET_POST
def choice_set(request: HttpRequest, slug: str) -> HttpResponse:
    """One question on its own screen; one tap appends her answer to the ledger (nothing
    if it is the same answer to the same wording) and takes her back to her answers."""
    require_member(request.user)
    purpose = get_object_or_404(ConsentPurpose, slug=slug, is_active=True)
    if request.method == "GET":
        row = next(row for row in _rows(request.user) if row["choice"].purpose.pk == purpose.pk)
        return render(
            request,
            "consent/member/choice_question.html",
            {"row": row, "choice": row["choice"], "answers": Answer.choices},
        )
    back = f"{reverse('consent:my_choices')}#purpose-{purpose.address_slug}"
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, gettext("Nothing was changed. Please choose Yes, No or Ask me each time.")
        )
        return redirect("consent:my_choice_set", slug=purpose.slug)
    answer = form.cleaned_data["answer"]
    try:
        event = services.consent_record(
            member=request.user, purpose=purpose, answer=answer, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consent:my_choice_set", slug=purpose.slug)
    messages.success(request, _saved_message(answer, event.text.question))
    return redirect(back)


def _history_line(event: ConsentEvent) -> str:
    """One event in plain words: "On 3 March 2026 you said yes to ‘…’."."""
    day = dates.day(event.at)
    said = SAID[event.answer]
    question = event.text.question
    if not event.on_behalf:
        return f"On {day} you {said} ‘{question}’."
    who = (
        (event.recorded_by.get_full_name() or event.recorded_by.username)
        if event.recorded_by is not None
        else "Someone whose account is now closed"
    )
    how = event.get_method_display().lower()
    return f"On {day} {who} recorded that you {said} ‘{question}’ ({how})."


@login_required
@require_safe
def choice_history(request: HttpRequest) -> HttpResponse:
    """Every answer she gave, or that was recorded for her, newest first (a page at a
    time, so a long history costs no more)."""
    require_member(request.user)
    events = ConsentEvent.objects.filter(member=request.user).select_related("text", "recorded_by")
    page = Paginator(events.order_by("-id"), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    lines = [
        {
            "text": _history_line(event),
            "note": event.how_she_told_us if event.on_behalf else "",
        }
        for event in page
    ]
    return render(request, "consent/member/choice_history.html", {"page": page, "lines": lines})


# --- the things she said -------------------------------------------------------------


def _seen_by(contribution: Contribution) -> str:
    """Who sees it inside the group, from the policy: "you and the facilitators"."""
    audiences = [
        policy.AUDIENCES[audience].lower()
        for audience in (policy.FACILITATORS, policy.SUPPORT_WORKER, policy.GROUP)
        if policy.seen_by(contribution, audience)
    ]
    if not audiences:
        return "Only you."
    if len(audiences) == 1:
        return f"You and {audiences[0]}."
    return f"You, {', '.join(audiences[:-1])} and {audiences[-1]}."


def _in_reports(contribution: Contribution, mine: dict[str, str]) -> tuple[str, str]:
    """How it may appear in reports now, from the policy, and which of her answers
    keeps it out (a purpose slug, so the page can link to it; "" if none)."""
    how = policy.in_outputs(contribution, mine)
    wants_credit = contribution.visibility == Visibility.CREDITED
    if how == "credited":
        return "used with your name.", ""
    if how == "anonymised":
        if wants_credit:
            reason = OUTPUT_PURPOSES["named_credit"]
            return f"used without your name (you have not said yes to {reason}).", "named_credit"
        return "used without your name.", ""
    if contribution.visibility in (Visibility.ANONYMISED, Visibility.CREDITED):
        reason = OUTPUT_PURPOSES["anonymous_quotes"]
        return f"not used (you have not said yes to {reason}).", "anonymous_quotes"
    return "not used.", ""


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
        reports, reason = _in_reports(contribution, mine)
        rows.append(
            {
                "contribution": contribution,
                "form": VisibilityForm(
                    initial={"visibility": contribution.visibility},
                    auto_id=f"id_c{contribution.pk}_%s",
                ),
                "visibility": VISIBILITY_LABELS[contribution.visibility],
                "seen_by": _seen_by(contribution),
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
            _form_error(form, error, "text")
        else:
            messages.success(
                request, f"Kept. Who may see it: {VISIBILITY_LABELS[contribution.visibility]}."
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
            request, f"Saved. Who may see it: {VISIBILITY_LABELS[contribution.visibility]}."
        )
    return redirect(back)


# --- what others can see -------------------------------------------------------------


@login_required
@require_safe
def who_sees_what(request: HttpRequest) -> HttpResponse:
    """For each audience, exactly what it sees about her, from the one policy (a fixed
    number of queries however long her history)."""
    require_member(request.user)
    seen = policy.what_others_see(request.user)
    audiences = [(key, label, seen[key]) for key, label in policy.AUDIENCES.items()]
    return render(request, "consent/member/who_sees_what.html", {"audiences": audiences})


# What each audit action means when someone else did it, in her words. Only views: what
# others changed for her is in her history and her download.
LOOKED_AT = {
    "member.view": "your details and how to reach you",
    "support_plan.view": "your plan",
    "consent.history_view": "what you said about your choices",
    "contact.charity_view": "your contact details, which you shared with the partner",
}
LOOKS_PER_PAGE = 50


@login_required
@require_safe
def who_looked(request: HttpRequest) -> HttpResponse:
    """Who else opened her details, her plan or her answers, and when, newest first (from
    the audit trail; a page at a time, so a long trail costs no more)."""
    require_member(request.user)
    looks = (
        AuditEvent.objects.about(request.user)
        .filter(action__in=LOOKED_AT)
        .exclude(actor=request.user)
        .select_related("actor")
    )
    page = Paginator(looks, LOOKS_PER_PAGE).get_page(request.GET.get("page"))
    lines = [
        {
            "who": (event.actor.get_full_name() or event.actor.username)
            if event.actor is not None
            else "Someone whose account is now closed",
            "what": LOOKED_AT[event.action],
            "at": event.at,
        }
        for event in page
    ]
    return render(request, "consent/member/who_looked.html", {"page": page, "lines": lines})


# --- her data ----------------------------------------------------------------------


def _pending_erasure(member) -> ErasureRequest | None:
    return member.erasure_requests.filter(status__in=PENDING_ERASURE).first()


@login_required
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    """Download her information, see her downloads, and ask for (or call off) erasure."""
    require_member(request.user)
    exports = [
        {"export": export, "kept_until": export.created_at + services.EXPORT_KEPT_FOR}
        for export in request.user.data_exports.filter(
            created_at__gt=timezone.now() - services.EXPORT_KEPT_FOR
        )
    ]
    return render(
        request,
        "consent/member/my_data.html",
        {"exports": exports, "erasure": _pending_erasure(request.user)},
    )


@login_required
@require_POST
@_members_only
@fresh_sign_in_required
def data_download_request(request: HttpRequest) -> HttpResponse:
    """Ask for her download to be made (by a task); asking again while one is being made
    does nothing more."""
    try:
        services.data_export_request(member=request.user, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("We are preparing it. Come back in a minute."))
    return redirect("consent:my_data")


@login_required
@require_safe
@_members_only
@fresh_sign_in_required
def data_download(request: HttpRequest, export_id: int) -> HttpResponse:
    """Her own ready download, decrypted on the way out and never cached; who downloaded
    it is recorded. Past its keeping time it is gone, whether or not the task has run."""
    export = get_object_or_404(
        request.user.data_exports, pk=export_id, status=DataExport.Status.READY
    )
    content = services.export_read(export)
    if content is None:
        raise Http404("No such download")
    audit_record(
        actor=request.user,
        action="data.export_download",
        subject=export,
        subject_user=request.user,
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-information.zip"'
    patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
@GET_POST
@_members_only
@fresh_sign_in_required
def erase(request: HttpRequest) -> HttpResponse:
    """What erasing means, in plain words, and asking for it (with a tick to be sure)."""
    existing = _pending_erasure(request.user)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            erasure = services.erasure_request(member=request.user, acting_user=request.user)
        except ValidationError as error:
            _form_error(form, error, "confirm")
        else:
            day = dates.day(erasure.stands_at)
            messages.success(
                request,
                f"We have your request. Your information will be erased by {day}. "
                "You can change your mind until then.",
            )
            return redirect("consent:my_data")
    return render(
        request,
        "consent/member/erase.html",
        {
            "form": form,
            "existing": existing,
            "by": timezone.now() + services.ERASURE_STANDS_AFTER,
        },
    )


@login_required
@require_POST
def erase_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    """She changes her mind: nothing is erased."""
    require_member(request.user)
    erasure = get_object_or_404(request.user.erasure_requests, pk=request_id)
    try:
        erasure = services.erasure_withdraw(request=erasure, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if erasure.status == ErasureRequest.Status.WITHDRAWN:
            messages.success(request, gettext("You changed your mind. Nothing will be erased."))
        else:
            messages.error(request, gettext("This request can no longer be called off."))
    return redirect("consent:my_data")
