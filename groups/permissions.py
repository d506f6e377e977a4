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


def get_group_for_user(user, group_id: int) -> tuple[CoproGroup, str]:
    """The group and the user's strongest role in it (facilitator > support worker > member).

    404 unless she is currently in the group. Staff pages go through `groups.access`,
    which builds on this.
    """
    # One hand-written query for the group and her roles in it: every staff page starts
    # here, and through the ORM building the query costs more than running it.
    membership, group_table = Membership._meta.db_table, CoproGroup._meta.db_table
    sql = f"""
        SELECT g.*, m.role AS her_role FROM {membership} m JOIN {group_table} g ON g.id = m.group_id
        WHERE m.user_id = %s AND m.group_id = %s AND m.status IN (%s, %s)
    """  # noqa: S608 (table names from the models; values are parameters)
    found = list(
        CoproGroup.objects.raw(
            sql,
            [user.pk, group_id, Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK],
        )
    )
    if not found:
        raise Http404("No such group")
    group = found[0]
    roles = {row.her_role for row in found}  # type: ignore[attr-defined]  # the query's column
    for role in (
        Membership.Role.FACILITATOR,
        Membership.Role.SUPPORT_WORKER,
        Membership.Role.MEMBER,
    ):
        if role in roles:
            break
    return group, role


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
