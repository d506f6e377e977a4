"""Joining from a single-use link, one question per screen."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from coproduction.core.http import GET_POST, posted
from groups import services
from groups.forms.member import JoinAgreementForm, JoinContactForm, JoinNameForm, JoinPasswordForm
from groups.join import email_usable, first_open_step, join_channels, join_key, join_steps


def _join_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/member/join_expired.html", status=404)


def _step_form(step: str, post, state: dict, channels: list[str]):
    if step == "name":
        return JoinNameForm(post, initial={"preferred_name": state.get("preferred_name", "")})
    if step == "contact":
        return JoinContactForm(post, channels=channels, initial={"channels": state.get("channels")})
    if step == "agreement":
        return JoinAgreementForm(post, initial={"agrees": state.get("agrees", False)})
    return JoinPasswordForm(post, preferred_name=state["preferred_name"])


@GET_POST
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Join from a single-use link, one question per screen: a name, how to contact her,
    the group agreement (and a password if the link came without an email)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _join_refused(request)
    if request.user.is_authenticated:
        return render(request, "groups/member/join_signed_in.html")
    usable_email = email_usable(invitation)
    steps = join_steps(usable_email)
    key = join_key(token)
    state = dict(request.session.get(key, {}))
    first_open = first_open_step(steps, state)
    step = request.GET.get("step", first_open)
    if step not in steps or steps.index(step) > steps.index(first_open):
        return redirect(f"{request.path}?step={first_open}")
    channels = join_channels(invitation, usable_email)
    post = posted(request)
    form = _step_form(step, post, state, channels)

    if post is not None and form.is_valid():
        if step == "password":
            return _join_accept(request, token, key, state, form.cleaned_data["password1"])
        state.update(form.cleaned_data)
        request.session[key] = state
        if step == steps[-1]:
            return _join_accept(request, token, key, state, "")
        return redirect(f"{request.path}?step={steps[steps.index(step) + 1]}")

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
        gettext("Welcome, %(name)s. You are in the %(group)s.")
        % {"name": choices.preferred_name, "group": membership.group.member_facing_name},
    )
    if password:
        messages.info(
            request,
            gettext(
                "To sign in next time, use the name %(username)s and your password. "
                "Keep them somewhere safe."
            )
            % {"username": user.username},
        )
    return redirect("member_home")
