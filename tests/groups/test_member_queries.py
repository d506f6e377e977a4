"""A page's cost does not grow with her data: the same number of queries whether she is
in 1 group or 5, with 1 support contact or 30, shared with 1 person or many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from groups.models import Membership, SupportContact, staff_around
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory

# Each bound is what the page costs today (measured), and it holds for any amount of data.
# Home: the session, her user, her user again with her safe-contact profile joined, her
# memberships with their current agreements (shared with the nav), her profile (for her
# name), her latest answer per purpose with the purposes and their wordings (so a
# changed wording is told on the home page), her open check-in and support request, the
# notes the outbox left on her home page, and her next session.
HOME_QUERIES = 10
# Plan: the session, her user, her memberships (the nav), the plan, and its readers.
PLAN_QUERIES = 5


def build(member, *, groups: int, contacts: int, readers: int) -> None:
    """Give `member` this many groups (each with a facilitator and a published agreement,
    one of them awaiting her answer), support contacts and readers of her plan."""
    staff = []
    for n in range(groups):
        group = CoproGroupFactory(member_facing_name=f"Group {n}")
        facilitator = StaffFactory()
        MembershipFactory(user=facilitator, group=group, role=Membership.Role.FACILITATOR)
        staff.append(facilitator)
        MembershipFactory(
            user=member,
            group=group,
            status=Membership.Status.STEPPED_BACK if n == 1 else Membership.Status.ACTIVE,
        )
        version = services.agreement_draft_save(
            group=group, acting_user=facilitator, text="Be kind"
        )
        services.agreement_publish(version=version, acting_user=facilitator)
        if n % 2:
            services.agreement_respond(version=version, member=member, agrees=True)
        services.agreement_draft_save(group=group, acting_user=facilitator, text="Be kinder")
    for n in range(contacts):
        SupportContact.objects.create(
            member=member,
            kind=SupportContact.Kind.SUPPORT_WORKER if n % 2 else SupportContact.Kind.HELPLINE,
            staff_user=staff[0] if n % 2 else None,
        )
    services.safe_contact_update(member=member, acting_user=member, channels=["email"])
    services.profile_update(member=member, acting_user=member, preferred_name="Sam")
    services.support_plan_save(member=member, acting_user=member, what_helps="Tea")
    pickable = list(staff_around(member))
    services.support_plan_share(member=member, acting_user=member, readers=pickable[:readers])


def count(client, url: str) -> int:
    client.get(url)  # a first visit sets the session's last-seen time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("groups", "contacts", "readers"), [(1, 1, 1), (5, 30, 5)], ids=["small", "large"]
)
def test_member_home_costs_the_same_for_any_amount(
    client, sam, groups, contacts, readers, django_assert_max_num_queries
):
    build(sam, groups=groups, contacts=contacts, readers=readers)
    client.force_login(sam)
    client.get(reverse("member_home"))
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("member_home"))
    assert response.status_code == 200
    page = response.content.decode()
    awaiting = len([n for n in range(groups) if n % 2 == 0])
    assert page.count("There is a new group agreement") == awaiting
    assert page.count("Our agreement") == groups  # the nav
    assert page.count('class="btn btn-outline-primary btn-lg text-start"') <= 6


@pytest.mark.parametrize(
    ("groups", "contacts", "readers"), [(1, 1, 1), (5, 30, 5)], ids=["small", "large"]
)
def test_support_plan_costs_the_same_for_any_amount(
    client, sam, groups, contacts, readers, django_assert_max_num_queries
):
    build(sam, groups=groups, contacts=contacts, readers=readers)
    client.force_login(sam)
    client.get(reverse("groups:my_support_plan"))
    with django_assert_max_num_queries(PLAN_QUERIES):
        response = client.get(reverse("groups:my_support_plan"))
    assert response.status_code == 200
    assert len(response.context["readers"]) == readers


@pytest.mark.parametrize(
    "name",
    [
        "member_home",
        "groups:my_details",
        "groups:my_contact",
        "groups:my_support_contacts",
        "groups:my_support_plan",
        "groups:my_support_plan_sharing",
        "groups:my_support_plan_views",
        "consent:my_more",
        "consent:my_who_looked",
    ],
)
def test_every_member_page_costs_the_same_small_or_large(client, sam, maria, name):
    build(sam, groups=1, contacts=1, readers=1)
    build(maria, groups=5, contacts=30, readers=5)
    client.force_login(sam)
    small = count(client, reverse(name))
    client.force_login(maria)
    large = count(client, reverse(name))
    assert small == large, (small, large)


def test_group_pages_cost_the_same_small_or_large(client, sam, maria):
    build(sam, groups=1, contacts=1, readers=1)
    build(maria, groups=5, contacts=30, readers=5)
    for name in ("groups:my_agreement", "groups:my_step_back", "groups:my_leave"):
        client.force_login(sam)
        group = Membership.objects.filter(user=sam).first().group_id
        small = count(client, reverse(name, args=[group]))
        client.force_login(maria)
        group = Membership.objects.filter(user=maria).first().group_id
        large = count(client, reverse(name, args=[group]))
        assert small == large, (name, small, large)


def test_the_nav_costs_one_query(rf, sam):
    from groups.context_processors import member_nav

    build(sam, groups=5, contacts=0, readers=0)
    request = rf.get("/")
    request.user = sam
    with CaptureQueriesContext(connection) as queries:
        context = member_nav(request)
        member_nav(request)  # a second template on the same request asks again: no query
    assert len(queries) == 1
    assert len(context["member_memberships"]) == 5
    # Groups 0, 2 and 4 await her answer; group 1 is stepped back; group 3 she answered.
    assert [m.group.member_facing_name for m in context["agreements_awaiting"]] == [
        "Group 0",
        "Group 2",
        "Group 4",
    ]


def test_the_nav_is_nothing_for_staff_or_strangers(rf, helen):
    from django.contrib.auth.models import AnonymousUser

    from groups.context_processors import member_nav

    request = rf.get("/")
    request.user = helen
    assert member_nav(request) == {}
    request.user = AnonymousUser()
    assert member_nav(request) == {}
