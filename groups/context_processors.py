"""What every member page needs about her groups: one query, however many groups."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest

from groups.models import AgreementResponse, AgreementVersion, Membership

_CACHE_ATTR = "_hearth_member_memberships"


def member_memberships(request: HttpRequest) -> list[Membership]:
    """Her current memberships as a member, with the group, the current agreement's id
    (`agreement_id`) and whether she has answered it (`agreement_answered`), in one
    query, kept on the request so a view and the base template share it."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    user = request.user
    current_version = AgreementVersion.objects.filter(
        group=OuterRef("group"), status=AgreementVersion.Status.PUBLISHED
    ).order_by("-number")
    memberships = list(
        Membership.objects.current()
        .members()
        .filter(user=user)
        .select_related("group")
        .annotate(agreement_id=Subquery(current_version.values("pk")[:1]))
        .annotate(
            agreement_answered=Exists(
                AgreementResponse.objects.filter(member=user, version=OuterRef("agreement_id"))
            )
        )
        .order_by("group__member_facing_name", "pk")
    )
    for membership in memberships:
        # A member taking a break is asked nothing until she comes back.
        membership.agreement_awaits = bool(
            membership.agreement_id and not membership.agreement_answered and membership.is_active
        )
    setattr(request, _CACHE_ATTR, memberships)
    return memberships


def member_nav(request: HttpRequest) -> dict:
    """For a signed-in member: her groups (for "Our agreement" one tap away) and those
    whose published agreement awaits her answer. Nothing for anyone else."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_member):
        return {}
    memberships = member_memberships(request)
    return {
        "member_memberships": memberships,
        "agreements_awaiting": [m for m in memberships if m.agreement_awaits],
    }
