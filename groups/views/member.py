"""The member portal: her own details, contacts, plan, and her place in each group.

Every page is for members only (staff get 403) and reaches her things through her:
her memberships by `get_own_membership`, her support contacts by
`request.user.support_contacts`. Writes go through `groups.services`; a refusal from
a service is shown on the form, never as an error page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coproduction.audit.models import AuditEvent
from coproduction.core import dates
from coproduction.outbox.channels import Channel
from groups import services
from groups.forms.member import (
    AgreementCommentForm,
    AgreementResponseForm,
    JoinAgreementForm,
    JoinContactForm,
    JoinNameForm,
    JoinPasswordForm,
    LeaveForm,
    ProfileForm,
    SafeContactForm,
    StepBackForm,
    SupportContactForm,
    SupportPlanForm,
    SupportPlanSharingForm,
)
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    Invitation,
    Membership,
    Profile,
    SafeContactProfile,
    SupportPlan,
    staff_around,
)
from groups.permissions import get_own_membership, require_member

User = get_user_model()

GET_POST = require_http_methods(["GET", "POST"])


def _form_error(form: Form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's refusal on the form, next to the field it is about if known."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error)


def _current_membership(user, group_id: int) -> Membership:
    """Her membership of a group she is still in (stepped back or not); 404 otherwise."""
    membership = get_own_membership(user, group_id)
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK):
        raise Http404("No such group")
    return membership


# --- joining ------------------------------------------------------------------------

JOIN_STEPS = ("name", "contact", "agreement", "password")


def _join_key(token: str) -> str:
    # A keyed hash, so neither the token nor the hash kept on the invitation is in her session.
    return "join:" + salted_hmac("groups.join", token).hexdigest()[:32]


def _join_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/member/join_expired.html", status=404)


def _email_usable(invitation: Invitation) -> bool:
    """The link's email becomes her sign-in unless another account already has it."""
    return (
        bool(invitation.email) and not User.objects.filter(email__iexact=invitation.email).exists()
    )


def _join_channels(invitation: Invitation, email_usable: bool) -> list[str]:
    """Only the ways of contacting her that can work with what the link came with."""
    channels = []
    if email_usable:
        channels.append(Channel.EMAIL)
    if invitation.phone:
        channels += [Channel.SMS, Channel.CALL]
    if invitation.support_worker_id:
        channels.append(Channel.SUPPORT_WORKER)
    return channels


def _join_done(state: dict, step: str) -> bool:
    return {
        "name": "preferred_name" in state,
        "contact": "channels" in state,
        "agreement": "agrees" in state,
        "password": False,
    }[step]


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Join from a single-use link, one question per screen: a name, how to contact her,
    the group agreement (and a password if the link came without an email)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _join_refused(request)
    if request.user.is_authenticated:
        return render(request, "groups/member/join_signed_in.html")
    email_usable = _email_usable(invitation)
    steps = [s for s in JOIN_STEPS if s != "password" or not email_usable]
    key = _join_key(token)
    state = dict(request.session.get(key, {}))
    # She may go back to any step she has reached, never past one not yet answered.
    first_open = next((s for s in steps if not _join_done(state, s)), steps[-1])
    step = request.GET.get("step", first_open)
    if step not in steps or steps.index(step) > steps.index(first_open):
        return redirect(f"{request.path}?step={first_open}")
    channels = _join_channels(invitation, email_usable)
    post = request.POST if request.method == "POST" else None
    if step == "name":
        form = JoinNameForm(post, initial={"preferred_name": state.get("preferred_name", "")})
    elif step == "contact":
        form = JoinContactForm(post, channels=channels, initial={"channels": state.get("channels")})
    elif step == "agreement":
        form = JoinAgreementForm(post, initial={"agrees": state.get("agrees", False)})
    else:
        form = JoinPasswordForm(post, preferred_name=state["preferred_name"])

    if post is not None and form.is_valid():
        if step == "password":
            return _join_accept(request, token, key, state, form.cleaned_data["password1"])
        state.update(form.cleaned_data)
        request.session[key] = state
        next_step = steps[steps.index(step) + 1] if step != steps[-1] else None
        if next_step is None:
            return _join_accept(request, token, key, state, "")
        return redirect(f"{request.path}?step={next_step}")

    number = steps.index(step) + 1
    previous = steps[number - 2] if number > 1 else None
    return render(
        request,
        f"groups/member/join_{step}.html",
        {
            "form": form,
            "invitation": invitation,
            "group": invitation.group,
            "step": step,
            "number": number,
            "count": len(steps),
            "previous_url": f"{request.path}?step={previous}" if previous else None,
            "agreement": invitation.group.agreements.current() if step == "agreement" else None,
            "no_channels": not channels,
        },
    )


def _join_accept(
    request: HttpRequest, token: str, key: str, state: dict, password: str
) -> HttpResponse:
    choices = services.JoinChoices(
        preferred_name=state["preferred_name"],
        channels=list(state.get("channels", [])),
        agrees=bool(state.get("agrees")),
        password=password,
    )
    request.session.pop(key, None)
    try:
        membership = services.invitation_accept(token=token, choices=choices)
    except ValidationError:
        return _join_refused(request)
    user = membership.user
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(
        request,
        f"Welcome, {choices.preferred_name}. You are in the {membership.group.member_facing_name}.",
    )
    if password:
        messages.info(
            request,
            f"To sign in next time, use the name {user.username} and your password. "
            "Keep them somewhere safe.",
        )
    return redirect("member_home")


# --- her details ------------------------------------------------------------------


@login_required
@GET_POST
def details(request: HttpRequest) -> HttpResponse:
    """Her name, pronouns and what helps her take part; all but the name can be skipped."""
    require_member(request.user)
    profile = Profile.objects.filter(user=request.user).first()
    if profile is not None:
        initial = {
            "preferred_name": profile.preferred_name,
            "pronouns": profile.pronouns,
            "access_needs": profile.access_needs,
            "access_needs_other": profile.access_needs_other,
        }
    else:
        initial = {"preferred_name": request.user.first_name}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                member=request.user, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, gettext("Your details are saved."))
            return redirect("member_home")
    return render(request, "groups/member/details.html", {"form": form})


SAFE_CONTACT_FIELDS = (
    "channels",
    "phone",
    "safe_days",
    "safe_from",
    "safe_until",
    "voicemail_ok",
    "sender_name",
    "may_mention_group",
    "reply_word",
    "time_zone",
)


@login_required
@GET_POST
def contact(request: HttpRequest) -> HttpResponse:
    """How, when and in what words she may be contacted. Saving also confirms it."""
    require_member(request.user)
    saved = SafeContactProfile.objects.filter(member=request.user).first()
    shown = saved or SafeContactProfile(member=request.user)
    initial = {name: getattr(shown, name) for name in SAFE_CONTACT_FIELDS}
    form = SafeContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.safe_contact_update(
                member=request.user, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, gettext("Saved. Thank you for checking."))
            return redirect("member_home")
    return render(request, "groups/member/contact.html", {"form": form, "saved": saved})


@login_required
@GET_POST
def support_contacts(request: HttpRequest) -> HttpResponse:
    """The people she may be put in touch with, and adding one."""
    require_member(request.user)
    form = SupportContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.support_contact_add(
                member=request.user, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"{contact.display_name} is added.")
            return redirect("groups:my_support_contacts")
    contacts = request.user.support_contacts.select_related("staff_user")
    return render(
        request, "groups/member/support_contacts.html", {"form": form, "contacts": contacts}
    )


@login_required
@require_POST
def support_contact_remove(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Remove one of her support contacts."""
    require_member(request.user)
    contact = get_object_or_404(
        request.user.support_contacts.select_related("staff_user"), pk=contact_id
    )
    name = contact.display_name
    services.support_contact_remove(contact=contact, acting_user=request.user)
    messages.success(request, f"{name} is removed. We will not contact them for you.")
    return redirect("groups:my_support_contacts")


def _readers(plan: SupportPlan | None) -> list:
    return list(plan.readers.all()) if plan is not None else []


def _own_plan(user) -> SupportPlan | None:
    """Her plan with who can read it: two queries, however many readers."""
    readers = User.objects.order_by("first_name", "last_name", "pk")
    return (
        SupportPlan.objects.filter(member=user)
        .prefetch_related(Prefetch("readers", queryset=readers))
        .first()
    )


@login_required
@GET_POST
def support_plan(request: HttpRequest) -> HttpResponse:
    """Her plan, in her words, and who can see it."""
    require_member(request.user)
    plan = _own_plan(request.user)
    initial = (
        {
            "what_helps": plan.what_helps,
            "signs_to_notice": plan.signs_to_notice,
            "please_do": plan.please_do,
            "please_do_not": plan.please_do_not,
        }
        if plan is not None
        else {}
    )
    form = SupportPlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_save(
                member=request.user, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, gettext("Your plan is saved."))
            return redirect("groups:my_support_plan")
    return render(
        request,
        "groups/member/support_plan.html",
        {"form": form, "plan": plan, "readers": _readers(plan)},
    )


@login_required
@GET_POST
def support_plan_sharing(request: HttpRequest) -> HttpResponse:
    """Who may read her plan: nobody but her unless she ticks someone."""
    require_member(request.user)
    plan = _own_plan(request.user)
    staff = staff_around(request.user)
    form = SupportPlanSharingForm(
        request.POST if request.method == "POST" else None,
        staff=staff,
        initial={"readers": [reader.pk for reader in _readers(plan)]},
    )
    if request.method == "POST" and form.is_valid():
        readers = list(form.cleaned_data["readers"])
        try:
            services.support_plan_share(
                member=request.user, acting_user=request.user, readers=readers
            )
        except ValidationError as error:
            _form_error(form, error, "readers")
        else:
            if readers:
                names = ", ".join(r.get_full_name() or r.username for r in readers)
                messages.success(request, f"Saved. You and {names} can see your plan.")
            else:
                messages.success(request, gettext("Saved. Only you can see your plan."))
            return redirect("groups:my_support_plan")
    return render(
        request,
        "groups/member/support_plan_sharing.html",
        {
            "form": form,
            "readers": _readers(plan),
            "has_staff": bool(form.fields["readers"].choices),
        },
    )


@login_required
@require_safe
def support_plan_views(request: HttpRequest) -> HttpResponse:
    """Every time someone else looked at her plan: who and when."""
    require_member(request.user)
    events = (
        AuditEvent.objects.about(request.user)
        .filter(action="support_plan.view")
        .select_related("actor")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "groups/member/support_plan_views.html", {"page": page})


# --- her place in a group ----------------------------------------------------------


@login_required
@GET_POST
def step_back(request: HttpRequest, group_id: int) -> HttpResponse:
    """Take a break from a group, perhaps until a date. Nothing is lost."""
    require_member(request.user)
    membership = _current_membership(request.user, group_id)
    initial = {
        "until": membership.stepped_back_until,
        "keep_session_changes": membership.keep_session_changes_while_away,
    }
    form = StepBackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["until"]
        try:
            services.membership_step_back(
                membership=membership,
                acting_user=request.user,
                until=until,
                keep_session_changes=form.cleaned_data["keep_session_changes"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            back = f" You will be back on {dates.day(until)}." if until else ""
            messages.success(
                request,
                f"You are taking a break from the {membership.group.member_facing_name}.{back} "
                "Nothing is lost. Come back whenever you want.",
            )
            return redirect("member_home")
    return render(request, "groups/member/step_back.html", {"form": form, "membership": membership})


@login_required
@require_POST
def come_back(request: HttpRequest, group_id: int) -> HttpResponse:
    """Come back from a break, in one tap."""
    require_member(request.user)
    membership = _current_membership(request.user, group_id)
    try:
        services.membership_come_back(membership=membership, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Welcome back to the {membership.group.member_facing_name}. Nothing was lost."
        )
    return redirect("member_home")


@login_required
@GET_POST
def leave(request: HttpRequest, group_id: int) -> HttpResponse:
    """Leave a group, keeping or erasing her information."""
    require_member(request.user)
    membership = get_own_membership(request.user, group_id)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erase = form.cleaned_data["choice"] == Membership.LeaveChoice.ERASE
        try:
            services.membership_leave(membership=membership, acting_user=request.user, erase=erase)
        except ValidationError as error:
            _form_error(form, error)
        else:
            kept = (
                "We will erase your information."
                if erase
                else "Your information is kept. You can come back later."
            )
            messages.success(
                request,
                f"You have left the {membership.group.member_facing_name}. {kept} "
                "Thank you for all you gave.",
            )
            return redirect("member_home")
    return render(request, "groups/member/leave.html", {"form": form, "membership": membership})


def _agreement_page(
    request: HttpRequest,
    membership: Membership,
    *,
    response_form: AgreementResponseForm | None = None,
    comment_form: AgreementCommentForm | None = None,
) -> HttpResponse:
    group = membership.group
    current = group.agreements.current()
    answer = (
        AgreementResponse.objects.filter(version=current, member=request.user).first()
        if current is not None
        else None
    )
    if response_form is None:
        initial = {}
        if answer is not None:
            initial = {
                "answer": AgreementResponseForm.AGREE
                if answer.agrees
                else AgreementResponseForm.DISAGREE,
                "disagreement": answer.disagreement,
            }
        response_form = AgreementResponseForm(initial=initial)
    drafts = list(group.agreements.filter(status=AgreementVersion.Status.DRAFT).order_by("number"))
    bound_version = comment_form.data.get("version") if comment_form is not None else None
    draft_forms = [
        (
            draft,
            comment_form
            if bound_version == str(draft.pk)
            else AgreementCommentForm(initial={"version": draft.pk}),
        )
        for draft in drafts
    ]
    # Every word she sent, on any version, with the group's answer, so a proposal is
    # never lost from her sight once the draft it was about is published.
    my_comments = (
        AgreementComment.objects.filter(version__group=group, author=request.user)
        .select_related("version", "taken_into")
        .order_by("-created_at", "-pk")
    )
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
            "my_comments": my_comments,
        },
    )


@login_required
@GET_POST
def agreement(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group agreement: read it, agree or say what she would change."""
    require_member(request.user)
    membership = _current_membership(request.user, group_id)
    if request.method == "GET":
        return _agreement_page(request, membership)
    form = AgreementResponseForm(request.POST)
    if form.is_valid():
        agrees = form.cleaned_data["answer"] == AgreementResponseForm.AGREE
        current = membership.group.agreements.current()
        if current is None:
            form.add_error(None, "There is no agreement to answer yet.")
        else:
            try:
                services.agreement_respond(
                    version=current,
                    member=request.user,
                    agrees=agrees,
                    disagreement=form.cleaned_data["disagreement"],
                )
            except ValidationError as error:
                _form_error(form, error, None if agrees else "disagreement")
            else:
                messages.success(
                    request,
                    "Thank you. Your answer is saved."
                    if agrees
                    else "Thank you. The group will talk about what you would change.",
                )
                return redirect("groups:my_agreement", group_id=membership.group_id)
    return _agreement_page(request, membership, response_form=form)


@login_required
@require_POST
def agreement_comment(request: HttpRequest, group_id: int) -> HttpResponse:
    """Comment on, or propose a change to, a draft (or the current) agreement."""
    require_member(request.user)
    membership = _current_membership(request.user, group_id)
    form = AgreementCommentForm(request.POST)
    if form.is_valid():
        current = membership.group.agreements.current()
        commentable = membership.group.agreements.filter(status=AgreementVersion.Status.DRAFT)
        if current is not None:
            commentable = commentable | membership.group.agreements.filter(pk=current.pk)
        version = get_object_or_404(commentable, pk=form.cleaned_data["version"])
        try:
            services.agreement_comment(
                version=version,
                member=request.user,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            _form_error(form, error, "text")
        else:
            messages.success(request, gettext("Thank you. The group will read what you wrote."))
            return redirect("groups:my_agreement", group_id=membership.group_id)
    return _agreement_page(request, membership, comment_form=form)
