"""A group's agreement, for its facilitators: versions and drafts, publishing, and
answering members' proposed changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from coproduction import crypto
from coproduction.core.http import GET_POST, posted, show_refusal
from groups import services
from groups.access import StaffAccess, staff_view
from groups.diff import ADDED, REMOVED, agreement_changes
from groups.forms.staff import AgreementDraftForm, ProposalAnswerForm
from groups.models import AgreementComment, AgreementVersion, preferred_name


def _saved(request: HttpRequest, version: AgreementVersion) -> None:
    messages.success(
        request, gettext("Draft version %(number)s saved.") % {"number": version.number}
    )


def _already_published(request: HttpRequest, version: AgreementVersion) -> None:
    messages.info(
        request, gettext("Version %(number)s is already published.") % {"number": version.number}
    )


def _version(access: StaffAccess, version_id: int, *, comments: bool = False) -> AgreementVersion:
    versions = access.group.agreements.all()
    if comments:
        versions = versions.with_comments()
    try:
        return versions.get(pk=version_id)
    except AgreementVersion.DoesNotExist:
        raise Http404("No such version") from None


@GET_POST
@staff_view(manage=True)
def agreement_drafts(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Every version of the agreement, members' answers and comments, and a new draft."""
    group = access.group
    current = group.agreements.current()
    form = AgreementDraftForm(posted(request), initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.agreement_draft_save(
                group=group, acting_user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _saved(request, version)
            return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
    current_members = group.memberships.current().members()
    versions = list(
        group.agreements.with_answer_counts(current_members.values("user_id"))
        .select_related("created_by")
        .with_comments()
        .order_by("-number")
    )
    crypto.warm_data_keys(c.author_id for v in versions for c in v.comments.all())
    member_count = current_members.count()
    for version in versions:
        version.not_answered = member_count - version.agreed - version.disagreed
    return render(
        request,
        "groups/staff/agreement_drafts.html",
        access.context(
            "agreement",
            versions=versions,
            current=current,
            member_count=member_count,
            form=form,
        ),
    )


@GET_POST
@staff_view(manage=True)
def agreement_edit(request: HttpRequest, access: StaffAccess, version_id: int) -> HttpResponse:
    """Edit a draft of the agreement; a published version is shown read-only."""
    version = _version(access, version_id, comments=True)
    crypto.warm_data_keys(c.author_id for c in version.comments.all())
    is_draft = version.status == AgreementVersion.Status.DRAFT
    form = AgreementDraftForm(posted(request), initial={"text": version.text})
    if request.method == "POST":
        if not is_draft:
            messages.error(
                request, gettext("A published agreement cannot be changed; start a new draft.")
            )
            return redirect(
                "groups:agreement_edit", group_id=access.group.pk, version_id=version.pk
            )
        if form.is_valid():
            try:
                services.agreement_draft_save(
                    group=access.group,
                    acting_user=request.user,
                    text=form.cleaned_data["text"],
                    version=version,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _saved(request, version)
                return redirect(
                    "groups:agreement_edit", group_id=access.group.pk, version_id=version.pk
                )
    return render(
        request,
        "groups/staff/agreement_edit.html",
        access.context(
            "agreement", version=version, is_draft=is_draft, form=form if is_draft else None
        ),
    )


@GET_POST
@staff_view(manage=True)
def agreement_publish(request: HttpRequest, access: StaffAccess, version_id: int) -> HttpResponse:
    """Publish a draft after seeing what changed from the current version: the page asks
    to confirm, the POST publishes (members will be asked to read and agree). Twice is once."""
    group = access.group
    version = _version(access, version_id)
    if request.method == "POST":
        if version.status != AgreementVersion.Status.DRAFT:
            _already_published(request, version)
            return redirect("groups:agreement_drafts", group_id=group.pk)
        try:
            services.agreement_publish(version=version, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
        messages.success(request, gettext("Published. Members will be asked to read and agree."))
        return redirect("groups:agreement_drafts", group_id=group.pk)
    if version.status != AgreementVersion.Status.DRAFT:
        _already_published(request, version)
        return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
    current = group.agreements.current()
    changes = agreement_changes(current.text if current else "", version.text)
    return render(
        request,
        "groups/staff/agreement_publish.html",
        access.context(
            "agreement",
            version=version,
            current=current,
            too_old=current is not None and current.number > version.number,
            changes=changes,
            added=sum(line.change == ADDED for line in changes),
            removed=sum(line.change == REMOVED for line in changes),
            member_count=group.memberships.current().members().count(),
        ),
    )


@GET_POST
@staff_view(manage=True)
def agreement_proposal_answer(
    request: HttpRequest, access: StaffAccess, comment_id: int
) -> HttpResponse:
    """Answer a member's proposed change: taken into version N, or not this time and why."""
    try:
        comment = AgreementComment.objects.select_related(
            "version", "author__profile", "taken_into"
        ).get(pk=comment_id, version__group=access.group, kind=AgreementComment.Kind.PROPOSAL)
    except AgreementComment.DoesNotExist:
        raise Http404("No such proposal") from None
    initial = {
        "answer": comment.answer or None,
        "taken_into": comment.taken_into_id,
        "reason": comment.answer_reason,
    }
    form = ProposalAnswerForm(posted(request), comment=comment, initial=initial)
    name = preferred_name(comment.author)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_proposal_answer(
                comment=comment,
                acting_user=request.user,
                answer=data["answer"],
                taken_into=data["taken_into"],
                reason=data["reason"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                gettext("Answer saved. %(name)s will see it on her agreement page.")
                % {"name": name},
            )
            return redirect("groups:agreement_drafts", group_id=access.group.pk)
    return render(
        request,
        "groups/staff/agreement_proposal_answer.html",
        access.context("agreement", comment=comment, name=name, form=form),
    )
