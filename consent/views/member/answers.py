"""Her choices: a summary of her answers, one question per screen, and their history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from consent import services, summaries
from consent.forms.member import AnswerForm
from consent.models import Answer, ConsentEvent, ConsentPurpose
from coproduction.core.http import GET_POST
from groups.permissions import require_member

HISTORY_PER_PAGE = 50


@login_required
@require_safe
def choices(request: HttpRequest) -> HttpResponse:
    """Her answers on one short page, each with a "Change" link to its own screen (GOV.UK's
    check-answers pattern; three queries however long her history)."""
    require_member(request.user)
    return render(
        request, "consent/member/choices.html", {"rows": summaries.choice_rows(request.user)}
    )


@login_required
@GET_POST
def choice_set(request: HttpRequest, slug: str) -> HttpResponse:
    """One question on its own screen; one tap appends her answer to the ledger (nothing
    if it is the same answer to the same wording) and takes her back to her answers."""
    require_member(request.user)
    purpose = get_object_or_404(ConsentPurpose, slug=slug, is_active=True)
    if request.method == "GET":
        row = next(
            (
                row
                for row in summaries.choice_rows(request.user)
                if row["choice"].purpose.pk == purpose.pk
            ),
            None,
        )
        if row is None:  # a purpose with no wording yet is not a question to ask
            raise Http404("No such question")
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
    messages.success(request, summaries.saved_message(answer, event.text.question))
    return redirect(back)


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
            "text": summaries.history_line(event),
            "note": event.how_she_told_us if event.on_behalf else "",
        }
        for event in page
    ]
    return render(request, "consent/member/choice_history.html", {"page": page, "lines": lines})
