"""Groups fixtures: two groups in two organisations, with the staff and members of
PEOPLE.md. Tuesday group: Helen facilitates, Dee supports Sam, Sam and Maria are
members; Ruth is the charity's partner admin. Thursday group: Tom facilitates, Aisha
is a member (she and Tom must see nothing of the Tuesday group, and the reverse)."""

from __future__ import annotations

import pytest

from groups.models import Membership
from tests.factories import (
    CoproGroupFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture
def organisation(db):
    """The charity that runs the Tuesday group."""
    return OrganisationFactory(name="Riverside Women's Centre")


@pytest.fixture
def university(db):
    """The university that runs the Thursday group."""
    return OrganisationFactory(name="Northgate University", kind="university")


@pytest.fixture
def tuesday_group(organisation):
    group = CoproGroupFactory(
        name="Primary care access – Tuesday", member_facing_name="Tuesday group"
    )
    group.organisations.add(organisation)
    return group


@pytest.fixture
def thursday_group(university):
    group = CoproGroupFactory(
        name="Primary care access – Thursday", member_facing_name="Thursday group"
    )
    group.organisations.add(university)
    return group


@pytest.fixture
def helen_fac(helen, tuesday_group):
    """Helen's facilitator membership of the Tuesday group."""
    return MembershipFactory(user=helen, group=tuesday_group, role=Membership.Role.FACILITATOR)


@pytest.fixture
def dee(tuesday_group):
    """Dee Okafor, support worker in the Tuesday group (supports Sam)."""
    user = StaffFactory(
        username="dee", first_name="Dee", last_name="Okafor", email="dee.okafor@example.org"
    )
    MembershipFactory(user=user, group=tuesday_group, role=Membership.Role.SUPPORT_WORKER)
    return user


@pytest.fixture
def sam_membership(sam, tuesday_group, dee):
    return MembershipFactory(
        user=sam, group=tuesday_group, role=Membership.Role.MEMBER, support_worker=dee
    )


@pytest.fixture
def maria_membership(maria, tuesday_group):
    return MembershipFactory(user=maria, group=tuesday_group, role=Membership.Role.MEMBER)


@pytest.fixture
def tom(thursday_group):
    """Tom Reid, facilitator of the Thursday group only."""
    user = StaffFactory(
        username="tom", first_name="Tom", last_name="Reid", email="tom.reid@example.org"
    )
    MembershipFactory(user=user, group=thursday_group, role=Membership.Role.FACILITATOR)
    return user


@pytest.fixture
def aisha(thursday_group):
    """A member of the Thursday group only."""
    user = UserFactory(username="aisha", first_name="Aisha", email="aisha@example.org")
    MembershipFactory(user=user, group=thursday_group, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def ruth(organisation):
    """Ruth Patel, partner admin of the charity (admin site, staff flag)."""
    user = StaffFactory(
        username="ruth",
        first_name="Ruth",
        last_name="Patel",
        email="ruth.patel@example.org",
        is_staff=True,
    )
    organisation.partner_admins.add(user)
    return user
