"""The access object itself, without a page: who is refused, how, and what she may see."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.access import StaffAccess, staff_access
from groups.models import Membership
from tests.factories import MembershipFactory, UserFactory


def test_a_member_of_the_group_is_refused_with_403(sam_membership):
    with pytest.raises(PermissionDenied):
        staff_access(sam_membership.user, sam_membership.group_id)


def test_someone_outside_the_group_gets_404(tom, tuesday_group):
    with pytest.raises(Http404):
        staff_access(tom, tuesday_group.pk)


def test_a_group_that_does_not_exist_is_404(helen_fac):
    with pytest.raises(Http404):
        staff_access(helen_fac.user, 999_999)


def test_a_facilitator_may_manage(helen_fac):
    access = staff_access(helen_fac.user, helen_fac.group_id, manage=True)
    assert access.can_manage
    assert access.role == Membership.Role.FACILITATOR
    access.require_manage()


def test_a_support_worker_may_not_manage(dee, tuesday_group):
    with pytest.raises(PermissionDenied):
        staff_access(dee, tuesday_group.pk, manage=True)
    access = staff_access(dee, tuesday_group.pk)
    assert not access.can_manage
    with pytest.raises(PermissionDenied):
        access.require_manage()


def test_a_facilitator_sees_every_member(helen_fac, sam_membership, maria_membership):
    access = staff_access(helen_fac.user, helen_fac.group_id)
    assert set(access.members()) == {sam_membership, maria_membership}
    assert access.member(maria_membership.pk) == maria_membership


def test_a_support_worker_sees_only_the_members_she_supports(
    dee, tuesday_group, sam_membership, maria_membership
):
    access = staff_access(dee, tuesday_group.pk)
    assert list(access.members()) == [sam_membership]
    assert access.member(sam_membership.pk) == sam_membership
    with pytest.raises(PermissionDenied):
        access.member(maria_membership.pk)


def test_members_include_every_status_but_never_staff(helen_fac, dee, sam_membership):
    left = MembershipFactory(
        user=UserFactory(username="gone"), group=helen_fac.group, status=Membership.Status.LEFT
    )
    access = staff_access(helen_fac.user, helen_fac.group_id)
    assert set(access.members()) == {sam_membership, left}
    staff_membership = Membership.objects.get(user=dee)
    with pytest.raises(Http404):
        access.member(staff_membership.pk)


def test_a_member_of_another_group_is_404(helen_fac, aisha):
    access = staff_access(helen_fac.user, helen_fac.group_id)
    with pytest.raises(Http404):
        access.member(Membership.objects.get(user=aisha).pk)


def test_pages_by_role(helen_fac, dee):
    group = helen_fac.group
    facilitator = StaffAccess(user=helen_fac.user, group=group, role=Membership.Role.FACILITATOR)
    worker = StaffAccess(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    shared = ["roster", "support", "notes", "changes"]
    more = ["training", "choices", "contributions"]
    assert [page.key for page in worker.pages()] == ["sessions", *shared, *more]
    assert [page.key for page in facilitator.pages()] == [
        "dashboard",
        "sessions",
        *shared,
        "messages",
        *more,
        "agreement",
        "invite",
        "erasure",
    ]
    assert all(str(group.pk) in page.url for page in facilitator.pages())


def test_context_carries_what_the_base_template_needs(helen_fac):
    access = staff_access(helen_fac.user, helen_fac.group_id)
    context = access.context("roster", extra=1)
    assert context["access"] is access
    assert context["group"] == helen_fac.group
    assert context["can_manage"] is True
    assert context["active_page"] == "roster"
    assert context["extra"] == 1
