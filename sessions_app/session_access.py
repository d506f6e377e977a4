"""Which sessions a person may see, loaded through her: a member sees the announced
sessions of the groups she is in (active or on a break), staff the sessions of the
group they are on the page of. A session outside these answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from groups.access import StaffAccess
from groups.models import Membership
from sessions_app.models import GroupSession

HER_STATUSES = (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK)


def her_group_ids(member) -> QuerySet:
    """The groups she is in as a member now (active or on a break), as a subquery."""
    return Membership.objects.filter(
        user=member, role=Membership.Role.MEMBER, status__in=HER_STATUSES
    ).values("group_id")


def sessions_of_member(member) -> QuerySet[GroupSession]:
    """The sessions she may see: announced (never a draft) in the groups she is in."""
    return GroupSession.objects.announced().filter(group_id__in=her_group_ids(member))


def session_of_member(member, session_id: int) -> GroupSession:
    """One of her sessions, with its group; 404 for any other."""
    return get_object_or_404(sessions_of_member(member).select_related("group"), pk=session_id)


def session_of_group(access: StaffAccess, session_id: int) -> GroupSession:
    """One session of the group she is on the page of; 404 for any other."""
    return get_object_or_404(GroupSession.objects.filter(group=access.group), pk=session_id)
