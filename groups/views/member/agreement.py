"""The group agreement, from her side: reading it, answering it, commenting on drafts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from coproduction.core.http import GET_POST, show_refusal
from groups import services
from groups.forms.member import AgreementCommentForm, AgreementResponseForm
from groups.member_pages import (
    agreement_answer,
    agreement_drafts,
    commentable_versions,
    current_membership,
    own_agreement_comments,
)
from groups.models import Membership
from groups.views.member.portal import member_view, saved


def _agreement_page(
    request: HttpRequest,
    membership: Membership,
    *,
    response_form: AgreementResponseForm | None = None,
    comment_form: AgreementCommentForm | None = None,
) -> HttpResponse:
    group = membership.group
    current = group.agreements.current()
    answer = agreement_answer(current, request.user)
    if response_form is None:
        response_form = AgreementResponseForm(initial=AgreementResponseForm.initial_for(answer))
    # The form she sent stays on the draft it was about, with its errors; every other
    # draft gets an empty one.
    bound_version = comment_form.data.get("version") if comment_form is not None else None
    draft_forms = [
        (
            draft,
            comment_form
            if bound_version == str(draft.pk)
            else AgreementCommentForm(initial={"version": draft.pk}),
        )
        for draft in agreement_drafts(group)
    ]
    return render(
        request,
        "groups/member/agreement.html",
        {
            "membership": membership,
            "group": group,
            "current": current,
            "answer": answer,
            "response_form": response_form,
            "draft_forms": draft_forms,
            "my_comments": own_agreement_comments(group, request.user),
        },
    )


@member_view(GET_POST)
def agreement(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group agreement: read it, agree or say what she would change."""
    membership = current_membership(request.user, group_id)
    if request.method == "GET":
        return _agreement_page(request, membership)
    form = AgreementResponseForm(request.POST)
    if form.is_valid():
        agrees = form.cleaned_data["answer"] == AgreementResponseForm.AGREE
        current = membership.group.agreements.current()
        if current is None:
            form.add_error(None, gettext("There is no agreement to answer yet."))
        else:
            try:
                services.agreement_respond(
                    version=current,
                    member=request.user,
                    agrees=agrees,
                    disagreement=form.cleaned_data["disagreement"],
                )
            except ValidationError as error:
                show_refusal(form, error, None if agrees else "disagreement")
            else:
                messages.success(
                    request,
                    gettext("Thank you. Your answer is saved.")
                    if agrees
                    else gettext("Thank you. The group will talk about what you would change."),
                )
                return redirect("groups:my_agreement", group_id=membership.group_id)
    return _agreement_page(request, membership, response_form=form)


@member_view(require_POST)
def agreement_comment(request: HttpRequest, group_id: int) -> HttpResponse:
    """Comment on, or propose a change to, a draft (or the current) agreement."""
    membership = current_membership(request.user, group_id)
    form = AgreementCommentForm(request.POST)

    def comment(data: dict) -> None:
        # A version outside her group, or no longer open to comments, is not found.
        version = get_object_or_404(commentable_versions(membership.group), pk=data["version"])
        services.agreement_comment(
            version=version, member=request.user, text=data["text"], kind=data["kind"]
        )

    if saved(form, comment, "text"):
        messages.success(request, gettext("Thank you. The group will read what you wrote."))
        return redirect("groups:my_agreement", group_id=membership.group_id)
    return _agreement_page(request, membership, comment_form=form)
