"""One access object per staff request: the group, her role in it, what she may do.

Every staff page of a group goes through `staff_view`, which signs her in, refuses
members (403), refuses anyone outside the group (404) and, for a page that changes
the group, anyone who does not facilitate it (403). The view then asks the object it
is handed, never the database, who she is to this group: the members she may see, one
member by id, whether she may manage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import CoproGroup, Membership
from groups.permissions import get_group_for_user, require_staff

# The pages of one group, in the order of its navigation: (page, URL name, label, for
# facilitators only).
GROUP_PAGES = (
    ("dashboard", "sessions_app:group_dashboard", gettext_lazy("Overview"), True),
    ("sessions", "sessions_app:session_list", gettext_lazy("Sessions"), False),
    ("roster", "groups:roster", gettext_lazy("People"), False),
    ("support", "sessions_app:support_queue", gettext_lazy("Support requests"), False),
    ("notes", "sessions_app:session_notes", gettext_lazy("Session notes"), False),
    ("changes", "sessions_app:service_changes", gettext_lazy("You said, we did"), False),
    ("messages", "sessions_app:group_outbox", gettext_lazy("Messages"), True),
    ("training", "groups:group_training", gettext_lazy("Training"), False),
    ("choices", "consent:group_choices", gettext_lazy("Sharing choices"), False),
    ("contributions", "consent:group_contributions", gettext_lazy("Contributions"), False),
    ("agreement", "groups:agreement_drafts", gettext_lazy("Group agreement"), True),
    ("invite", "groups:invite", gettext_lazy("Invite someone"), True),
    ("erasure", "consent:erasure_requests", gettext_lazy("Erasure requests"), True),
)


@dataclass(frozen=True)
class GroupPage:
    """One link of a group's navigation."""

    key: str
    url: str
    label: str | Promise


@dataclass(frozen=True)
class StaffAccess:
    """What one staff member may see and do in one group."""

    user: Any
    group: CoproGroup
    role: str

    @property
    def can_manage(self) -> bool:
        """Facilitators manage the group; support workers see the members they support."""
        return self.role == Membership.Role.FACILITATOR

    def require_manage(self, message: str | None = None) -> None:
        """403 unless she facilitates the group."""
        if not self.can_manage:
            raise PermissionDenied(message or _("Only the group's facilitators can do this."))

    @property
    def supported_by(self) -> int | None:
        """Whose members she sees: her own id for a support worker, who sees only the
        members she supports; None for a facilitator, who sees the whole group."""
        return self.user.pk if self.role == Membership.Role.SUPPORT_WORKER else None

    def members(self) -> QuerySet[Membership]:
        """Every member's membership she may see, whatever its status."""
        members = self.group.memberships.members()
        if self.supported_by is not None:
            members = members.filter(support_worker_id=self.supported_by)
        return members

    def member(self, membership_id: int) -> Membership:
        """One member of the group: 404 outside it, 403 for a support worker who does
        not support her."""
        try:
            membership = (
                self.group.memberships.members()
                .select_related("user__profile")
                .get(pk=membership_id)
            )
        except Membership.DoesNotExist:
            raise Http404("No such member") from None
        if (
            self.role == Membership.Role.SUPPORT_WORKER
            and membership.support_worker_id != self.user.pk
        ):
            raise PermissionDenied(
                _("Only the group's facilitators and this member's support worker can see this.")
            )
        return membership

    def pages(self) -> list[GroupPage]:
        """The group's pages she may open, for its navigation."""
        return [
            GroupPage(key, reverse(name, args=[self.group.pk]), label)
            for key, name, label, manage_only in GROUP_PAGES
            if self.can_manage or not manage_only
        ]

    def context(self, active_page: str, **extra: Any) -> dict[str, Any]:
        """What every group staff page's template needs for its header and navigation."""
        return {
            "access": self,
            "group": self.group,
            "role": self.role,
            "can_manage": self.can_manage,
            "active_page": active_page,
            **extra,
        }


def staff_access(user, group_id: int, *, manage: bool = False) -> StaffAccess:
    """The access object for `user` in group `group_id` (403 for members of Hearth,
    404 outside the group, 403 without `manage` rights when asked for)."""
    require_staff(user)
    group, role = get_group_for_user(user, group_id)
    if role not in (Membership.Role.FACILITATOR, Membership.Role.SUPPORT_WORKER):
        raise PermissionDenied(_("This page is for the group's facilitators and support workers."))
    access = StaffAccess(user=user, group=group, role=role)
    if manage:
        access.require_manage()
    return access


def staff_view(view: Callable[..., HttpResponse] | None = None, *, manage: bool = False) -> Any:
    """Decorate a view taking `(request, access, ...)` for the URL `(request, group_id, ...)`.

    `@staff_view` for pages every staff member of the group may open, `@staff_view(manage=True)`
    for the facilitators' pages. Put the HTTP method decorator above it.
    """

    def decorate(function: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(function)
        @login_required
        def wrapper(request: HttpRequest, group_id: int, *args: Any, **kwargs: Any):
            access = staff_access(request.user, group_id, manage=manage)
            return function(request, access, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
