"""Access helpers: every group and person is reached through the requesting user.

An outsider gets 404 (she cannot even learn the thing exists); someone inside
the group whose role is too low gets 403, with a message naming the role needed
(the 403 page shows it to staff only).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from groups.models import CoproGroup, Membership, SupportPlan, staff_around

STAFF_ROLES = (Membership.Role.FACILITATOR, Membership.Role.SUPPORT_WORKER)


def get_group_for_user(user, group_id: int, *, manage: bool = False) -> tuple[CoproGroup, str]:
    """The group and the user's strongest role in it (facilitator > support worker > member).

    404 unless she is currently in the group; with `manage`, 403 unless she facilitates it.
    """
    roles = set(
        Membership.objects.current()
        .filter(user=user, group_id=group_id)
        .values_list("role", flat=True)
    )
    if not roles:
        raise Http404("No such group")
    group = CoproGroup.objects.get(pk=group_id)
    for role in (
        Membership.Role.FACILITATOR,
        Membership.Role.SUPPORT_WORKER,
        Membership.Role.MEMBER,
    ):
        if role in roles:
            break
    if manage and role != Membership.Role.FACILITATOR:
        raise PermissionDenied(_("Only the group's facilitators can do this."))
    return group, role


def get_staff_group(user, group_id: int) -> tuple[CoproGroup, str]:
    """A group the user works in as facilitator or support worker (403 for a member of it)."""
    group, role = get_group_for_user(user, group_id)
    if role not in STAFF_ROLES:
        raise PermissionDenied(_("This page is for the group's facilitators and support workers."))
    return group, role


def get_member_for_staff(user, group: CoproGroup, role: str, membership_id: int) -> Membership:
    """A member's membership, as seen by staff of `group`.

    Facilitators see every member of their group; a support worker only the members
    she supports (403 for the others). A membership outside the group is a 404.
    """
    try:
        membership = (
            group.memberships.members().select_related("user__profile").get(pk=membership_id)
        )
    except Membership.DoesNotExist:
        raise Http404("No such member") from None
    if role == Membership.Role.SUPPORT_WORKER and membership.support_worker_id != user.pk:
        raise PermissionDenied(
            _("Only the group's facilitators and this member's support worker can see this.")
        )
    return membership


def get_own_membership(user, group_id: int) -> Membership:
    """Her own membership of a group, as a member (404 otherwise)."""
    try:
        return Membership.objects.select_related("group").get(
            user=user, group_id=group_id, role=Membership.Role.MEMBER
        )
    except Membership.DoesNotExist:
        raise Http404("No such group") from None


def can_read_support_plan(viewer, plan: SupportPlan) -> bool:
    """Only she, and the people she picked who still work with a group she is in."""
    if viewer.pk == plan.member_id:
        return True
    return (
        plan.readers.filter(pk=viewer.pk).exists()
        and staff_around(plan.member).filter(pk=viewer.pk).exists()
    )


def require_member(user) -> None:
    """Member portal pages are for members; staff get 403."""
    if not user.is_member:
        raise PermissionDenied(_("This page is for members of a group, not for staff."))


def require_staff(user) -> None:
    """Staff pages are for staff; members get 403."""
    if user.is_member:
        raise PermissionDenied(_("This page is for staff."))
