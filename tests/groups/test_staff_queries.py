"""Page cost does not grow with the data (DESIGN.md §6): each staff page runs the same
number of queries for a handful of rows as for hundreds.

Each test measures the page small, grows the data, then holds the big page to the
same fixed ceiling and to exactly the small page's count. The ceilings include the
session and user look-ups of a signed-in request.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduction import crypto
from coproduction.accounts.models import User
from groups.models import AgreementComment, Membership, SupportContact, Training
from tests.factories import CoproGroupFactory, MembershipFactory
from tests.groups.staff_data import add_members, draft, give_sam_her_details, published

ROSTER_QUERIES = 9  # includes one look-up of every member's data key
MEMBER_DETAIL_QUERIES = 12
GROUP_TRAINING_QUERIES = 6
MY_TRAINING_QUERIES = 3
AGREEMENT_DRAFTS_QUERIES = 8
AGREEMENT_EDIT_QUERIES = 6
HOME_QUERIES = 6


def queries_for(client, url: str) -> int:
    """Queries for one page view by a fresh process: no data keys held in memory."""
    crypto.forget_data_keys()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def signed_in(client, user):
    client.force_login(user)
    client.get(reverse("staff_home"))  # the first request of a session also writes to it
    return client


def add_staff(group, count: int, *, records_each: int, prefix: str = "s") -> list[User]:
    """`count` support workers, each with `records_each` training records."""
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{group.pk}x{i}", first_name=f"Staff {i}", kind="staff")
            for i in range(count)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, group=group, role="support_worker", status="active") for u in users]
    )
    today = timezone.localdate()
    Training.objects.bulk_create(
        [
            Training(
                person=u,
                kind=Training.Kind.values[r % 3],
                completed_on=today - dt.timedelta(days=10 + r),
                expires_on=today + dt.timedelta(days=r * 40 - 100),
            )
            for u in users
            for r in range(records_each)
        ]
    )
    return users


@pytest.mark.parametrize("viewer", ["helen", "dee"])
def test_roster_costs_the_same_for_5_and_200_members(
    client, helen_fac, dee, viewer, django_assert_max_num_queries
):
    group = helen_fac.group
    version = published(group)
    add_members(group, 5, support_worker=dee, version=version, prefix="a")
    add_staff(group, 2, records_each=3)
    url = reverse("groups:roster", args=[group.pk])
    signed_in(client, dee if viewer == "dee" else helen_fac.user)
    small = queries_for(client, url)
    add_members(group, 195, support_worker=dee, version=version, prefix="b")
    add_staff(group, 10, records_each=6, prefix="t")
    crypto.forget_data_keys()
    with django_assert_max_num_queries(ROSTER_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 200
    assert queries_for(client, url) == small


def test_roster_for_dee_costs_the_same_with_members_she_does_not_support(
    client, helen_fac, dee, django_assert_max_num_queries
):
    group = helen_fac.group
    add_members(group, 5, support_worker=dee, prefix="a")
    signed_in(client, dee)
    url = reverse("groups:roster", args=[group.pk])
    small = queries_for(client, url)
    add_members(group, 200, prefix="b")
    crypto.forget_data_keys()
    with django_assert_max_num_queries(ROSTER_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 5
    assert queries_for(client, url) == small


def test_member_detail_costs_the_same_for_1_and_30_support_contacts(
    client, helen_fac, dee, sam_membership, django_assert_max_num_queries
):
    group, sam = helen_fac.group, sam_membership.user
    give_sam_her_details(sam)
    published(group)
    SupportContact.objects.create(member=sam, kind="support_worker", staff_user=dee)
    url = reverse("groups:member_detail", args=[group.pk, sam_membership.pk])
    signed_in(client, helen_fac.user)
    small = queries_for(client, url)
    SupportContact.objects.bulk_create(
        [
            SupportContact(
                member=sam,
                kind="support_worker" if i % 2 else "trusted_person",
                staff_user=dee if i % 2 else None,
                name="" if i % 2 else f"Friend {i}",
            )
            for i in range(29)
        ]
    )
    with django_assert_max_num_queries(MEMBER_DETAIL_QUERIES):
        response = client.get(url)
    assert len(response.context["card"].supports) == 30
    assert queries_for(client, url) == small


def test_group_training_costs_the_same_for_2_and_40_people(
    client, helen_fac, dee, django_assert_max_num_queries
):
    group = helen_fac.group
    url = reverse("groups:group_training", args=[group.pk])
    signed_in(client, helen_fac.user)
    small = queries_for(client, url)
    add_staff(group, 38, records_each=12)
    with django_assert_max_num_queries(GROUP_TRAINING_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 40
    assert queries_for(client, url) == small


def test_my_training_costs_the_same_for_1_and_60_records(
    client, helen, django_assert_max_num_queries
):
    today = timezone.localdate()
    Training.objects.create(person=helen, kind="safeguarding", completed_on=today)
    url = reverse("groups:my_training")
    signed_in(client, helen)
    small = queries_for(client, url)
    Training.objects.bulk_create(
        [
            Training(
                person=helen,
                kind=Training.Kind.values[i % 3],
                completed_on=today - dt.timedelta(days=i + 1),
            )
            for i in range(59)
        ]
    )
    with django_assert_max_num_queries(MY_TRAINING_QUERIES):
        response = client.get(url)
    assert len(response.context["records"]) == 60
    assert queries_for(client, url) == small


def test_agreement_drafts_cost_the_same_for_1_and_12_versions(
    client, helen_fac, sam_membership, django_assert_max_num_queries
):
    group = helen_fac.group
    first = published(group, 1)
    AgreementComment.objects.create(version=first, author=sam_membership.user, text="Yes")
    url = reverse("groups:agreement_drafts", args=[group.pk])
    signed_in(client, helen_fac.user)
    small = queries_for(client, url)
    versions = [published(group, n) for n in range(2, 12)] + [draft(group, 12)]
    for version in versions[:-1]:
        add_members(group, 20, version=version, prefix=f"v{version.number}x")
    with django_assert_max_num_queries(AGREEMENT_DRAFTS_QUERIES):
        response = client.get(url)
    assert len(response.context["versions"]) == 12
    assert sum(len(v.comments.all()) for v in response.context["versions"]) > 20
    assert queries_for(client, url) == small


def test_agreement_edit_costs_the_same_for_1_and_100_comments(
    client, helen_fac, django_assert_max_num_queries
):
    group = helen_fac.group
    version = published(group, 1)
    add_members(group, 5, version=version, prefix="a")
    url = reverse("groups:agreement_edit", args=[group.pk, version.pk])
    signed_in(client, helen_fac.user)
    small = queries_for(client, url)
    add_members(group, 500, version=version, prefix="b")
    assert version.comments.count() > 100
    with django_assert_max_num_queries(AGREEMENT_EDIT_QUERIES):
        response = client.get(url)
    assert len(response.context["version"].comments.all()) > 100
    assert queries_for(client, url) == small


def test_home_costs_the_same_for_one_small_group_and_five_big_ones(
    client, helen_fac, dee, django_assert_max_num_queries
):
    helen = helen_fac.user
    group = helen_fac.group
    add_members(group, 5, support_worker=dee, version=published(group), prefix="a")
    signed_in(client, helen)
    url = reverse("staff_home")
    small = queries_for(client, url)
    for i in range(4):
        other = CoproGroupFactory()
        MembershipFactory(user=helen, group=other, role="facilitator")
        MembershipFactory(group=other, role="facilitator", user__kind="staff")
        add_members(other, 200, version=published(other) if i % 2 else None, prefix=f"g{i}x")
    add_members(group, 195, support_worker=dee, prefix="b")
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(url)
    assert len(response.context["summaries"]) == 5
    assert queries_for(client, url) == small
