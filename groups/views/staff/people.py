"""A group's people: the roster, one member's page, her support plan, a new-password
link for her, and inviting someone to join."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from coproduction.accounts import services as account_services
from coproduction.core.http import GET_POST, posted
from groups import services
from groups.access import StaffAccess, staff_view
from groups.forms.staff import InviteForm
from groups.models import Membership, SupportPlan, preferred_name
from groups.staff_summaries import roster_rows, staff_rows
from groups.summaries import staff_name


@require_safe
@staff_view
def roster(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Who is in the group, how to reach each member safely, and who facilitates."""
    current = access.group.agreements.current()
    return render(
        request,
        "groups/staff/roster.html",
        access.context(
            "roster",
            rows=roster_rows(access, current),
            staff_rows=staff_rows(access.group),
            current=current,
        ),
    )


@require_safe
@staff_view
def member_detail(request: HttpRequest, access: StaffAccess, membership_id: int) -> HttpResponse:
    """One member: what she chose to tell the group, how to reach her safely, her supports."""
    page = services.member_page_read(access=access, membership_id=membership_id)
    return render(
        request,
        "groups/staff/member_detail.html",
        access.context(
            "roster",
            membership=page.membership,
            member=page.membership.user,
            name=page.name,
            card=page.card,
            has_left=page.has_left,
            to_confirm=page.to_confirm,
            plan_shared=page.plan_shared,
        ),
    )


@require_safe
@staff_view
def member_support_plan(
    request: HttpRequest, access: StaffAccess, membership_id: int
) -> HttpResponse:
    """Her support plan, only if she shared it with this viewer; every read is audited."""
    membership = access.member(membership_id)
    plan = SupportPlan.objects.select_related("member").filter(member=membership.user).first()
    # No plan and a plan not shared with her answer alike: whether a member wrote a plan
    # is hers to tell.
    not_shared = PermissionDenied(gettext("She has not shared her support plan with you."))
    if plan is None:
        raise not_shared
    try:
        services.support_plan_read(plan=plan, viewer=request.user)
    except ValidationError:
        raise not_shared from None
    return render(
        request,
        "groups/staff/member_support_plan.html",
        access.context(
            "roster",
            membership=membership,
            name=preferred_name(membership.user),
            plan=plan,
        ),
    )


@require_POST
@staff_view
def member_password_link(
    request: HttpRequest, access: StaffAccess, membership_id: int
) -> HttpResponse:
    """Make a single-use link for a member to choose a new password; shown once, never sent."""
    membership = access.member(membership_id)
    if membership.status == Membership.Status.LEFT:
        raise PermissionDenied(gettext("She has left the group."))
    try:
        link, token = account_services.password_link_create(
            member=membership.user, acting_user=request.user
        )
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from None
    # Rendered, not redirected: the token is kept nowhere, so this response is the only
    # place the link ever appears.
    return render(
        request,
        "groups/staff/password_link_done.html",
        access.context(
            "roster",
            membership=membership,
            name=preferred_name(membership.user),
            username=membership.user.username,
            link=request.build_absolute_uri(reverse("accounts:new_password", args=[token])),
            expires_at=link.expires_at,
            hours=account_services.PASSWORD_LINK_HOURS,
        ),
    )


@GET_POST
@staff_view(manage=True)
def invite(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Make a single-use link for someone to join; the link is shown once and never sent."""
    form = InviteForm(posted(request), group=access.group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = services.invitation_create(
                group=access.group,
                acting_user=request.user,
                email=data["email"],
                phone=data["phone"],
                support_worker=data["support_worker"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered, not redirected: the token is never kept anywhere, not even in
            # the session, so this response is the only place the link ever appears.
            return render(
                request,
                "groups/staff/invite_done.html",
                access.context(
                    "invite",
                    invitation=invitation,
                    link=request.build_absolute_uri(reverse("groups:join", args=[token])),
                    support_worker=staff_name(invitation.support_worker)
                    if invitation.support_worker
                    else "",
                    days=services.INVITATION_DAYS,
                ),
            )
    return render(
        request,
        "groups/staff/invite.html",
        access.context("invite", form=form, days=services.INVITATION_DAYS),
    )
