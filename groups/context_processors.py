"""What every member page needs about her groups: one query, however many groups."""

from __future__ import annotations

from django.http import HttpRequest

from groups.models import Membership

_CACHE_ATTR = "_hearth_member_memberships"


def member_memberships(request: HttpRequest) -> list[Membership]:
    """Her current memberships as a member, with the group, the current agreement's id
    (`agreement_id`) and whether she has answered it (`agreement_answered`), in one
    query (`Membership.objects.of_member_in_portal`), kept on the request so a view and
    the base template share it."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    memberships = Membership.objects.of_member_in_portal(request.user)
    for membership in memberships:
        # A member taking a break is asked nothing until she comes back.
        membership.agreement_awaits = bool(
            membership.agreement_id and not membership.agreement_answered and membership.is_active
        )
    setattr(request, _CACHE_ATTR, memberships)
    return memberships


# Pages where the "new agreement" notice is not shown: the agreement page itself, her
# home (which says it first in its own words), and taking a break or leaving, where a
# request to read something would press on her at the moment she wants to step away.
NOTICE_QUIET_PAGES = frozenset({"my_agreement", "member_home", "my_step_back", "my_leave"})


def member_nav(request: HttpRequest) -> dict:
    """For a signed-in member: her groups (for "Our agreement" one tap away) and those
    whose published agreement awaits her answer, unless this page is one where the notice
    stays quiet. Nothing for anyone else."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_member):
        return {}
    memberships = member_memberships(request)
    match = getattr(request, "resolver_match", None)
    quiet = match is not None and match.url_name in NOTICE_QUIET_PAGES
    return {
        "member_memberships": memberships,
        "agreements_awaiting": [] if quiet else [m for m in memberships if m.agreement_awaits],
    }
