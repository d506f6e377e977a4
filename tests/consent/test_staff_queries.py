"""Page cost does not grow with the data (DESIGN.md §6): each staff consent page runs the
same number of queries for a handful of members, answers or contributions as for
hundreds.

Each test measures the page small, grows the data, then holds the big page to the same
fixed ceiling and to exactly the small page's count. The ceilings include the session
and user look-ups of a signed-in request.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from consent import projection, services
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    Contribution,
    ErasureRequest,
    Visibility,
)
from coproduction import crypto
from groups.models import Membership
from tests.consent.test_staff_pages import HOW, make_world
from tests.groups.staff_data import add_members
from tests.groups.test_staff_queries import queries_for, signed_in

# session, user, her roles, the group, the members, the purposes and their wordings,
# the purpose slugs, everyone's latest answers
GROUP_CHOICES_QUERIES = 9
# session, user, roles, group, the page count, the page, the purpose slugs, the latest
# answers of its members, their data keys
GROUP_CONTRIBUTIONS_QUERIES = 9
# session, user, roles, group, her membership, latest answers, purposes, wordings
MEMBER_CHOICES_QUERIES = 8
# session, user, roles, group, her membership, the page count, the page, her data key,
# the audit row
HISTORY_QUERIES = 9
# session, user, roles, group, the waiting requests, the carried-out ones
ERASURE_REQUESTS_QUERIES = 6


@pytest.fixture
def world(db):
    return make_world()


def fill_ledger(memberships, total: int) -> None:
    """`total` answers spread over the members and purposes, as bulk inserts; a quarter
    of them recorded by a facilitator with a note of how she told them."""
    purposes = list(ConsentPurpose.objects.prefetch_related("texts"))
    helper = Membership.objects.filter(role=Membership.Role.FACILITATOR).first().user
    cycle = itertools.cycle(
        (m.user_id, p, a)
        for m in memberships
        for p in purposes
        for a in (Answer.YES, Answer.NO, Answer.ASK)
    )
    events = []
    for i in range(total):
        member_id, purpose, answer = next(cycle)
        on_behalf = i % 4 == 0
        events.append(
            ConsentEvent(
                member_id=member_id,
                purpose=purpose,
                text=purpose.texts.all()[0],
                answer=answer,
                recorded_by_id=helper.pk if on_behalf else member_id,
                method="paper" if on_behalf else "portal",
                how_she_told_us=HOW if on_behalf else "",
            )
        )
    ConsentEvent.objects.bulk_create(events)
    projection.rebuild()  # bulk_create bypasses consent_record


@pytest.mark.parametrize("viewer", ["helen", "dee"])
def test_group_choices_cost_the_same_for_5_and_200_members(
    client, world, viewer, django_assert_max_num_queries
):
    group = world.group
    Membership.objects.filter(group=group, role=Membership.Role.MEMBER).delete()
    small_members = add_members(group, 5, support_worker=world.dee, prefix="a")
    fill_ledger(small_members, 10)
    url = reverse("consent:group_choices", args=[group.pk])
    signed_in(client, getattr(world, viewer))
    small = queries_for(client, url)
    big_members = add_members(group, 195, support_worker=world.dee, prefix="b")
    fill_ledger(small_members + big_members, 3000)
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(GROUP_CHOICES_QUERIES):
        response = client.get(url)
    current = [m for m in small_members + big_members if m.status != Membership.Status.LEFT]
    assert len(response.context["rows"]) == len(current) > 120
    assert sum(c.yes + c.ask + c.no for c in response.context["counts"]) == len(current) * 8
    assert queries_for(client, url) == small


def test_group_choices_for_dee_cost_the_same_with_members_she_does_not_support(
    client, world, django_assert_max_num_queries
):
    group = world.group
    Membership.objects.filter(group=group, role=Membership.Role.MEMBER).delete()
    mine = add_members(group, 6, support_worker=world.dee, prefix="a")
    fill_ledger(mine, 10)
    url = reverse("consent:group_choices", args=[group.pk])
    signed_in(client, world.dee)
    small = queries_for(client, url)
    others = add_members(group, 200, prefix="b")
    fill_ledger(others, 2000)
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(GROUP_CHOICES_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 4  # two of her six have left
    assert queries_for(client, url) == small


def add_contributions(group, memberships, count: int, *, prefix: str) -> None:
    """`count` contributions spread over the members, at every visibility staff may see,
    plus as many more that they kept to themselves (never shown, never counted)."""
    visible = [
        Visibility.FACILITATORS,
        Visibility.GROUP,
        Visibility.ANONYMISED,
        Visibility.CREDITED,
    ]
    users = itertools.cycle(m.user for m in memberships)
    Contribution.objects.bulk_create(
        [
            Contribution(
                member=next(users),
                group=group,
                kind=Contribution.Kind.values[i % 3],
                text=f"{prefix} idea {i}",
                visibility=visibility,
            )
            for i in range(count)
            for visibility in (visible[i % 4], Visibility.ONLY_ME)
        ]
    )


def test_group_contributions_cost_the_same_for_5_and_100(
    client, world, django_assert_max_num_queries
):
    group = world.group
    members = add_members(group, 60, prefix="a")
    add_contributions(group, members[:5], 5, prefix="small")
    fill_ledger(members[:5], 20)
    url = reverse("consent:group_contributions", args=[group.pk])
    signed_in(client, world.helen)
    small = queries_for(client, url)
    add_contributions(group, members, 95, prefix="big")
    fill_ledger(members, 1000)
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(GROUP_CONTRIBUTIONS_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 100
    assert len({row.name for row in response.context["rows"]}) >= 30
    assert queries_for(client, url) == small
    assert queries_for(client, url + "?page=2") == small


def test_group_contributions_for_dee_cost_the_same(client, world, django_assert_max_num_queries):
    group = world.group
    members = add_members(group, 30, support_worker=world.dee, prefix="a")
    add_contributions(group, members, 5, prefix="small")
    url = reverse("consent:group_contributions", args=[group.pk])
    signed_in(client, world.dee)
    small = queries_for(client, url)
    add_contributions(group, members, 100, prefix="big")
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(GROUP_CONTRIBUTIONS_QUERIES):
        response = client.get(url)
    assert response.context["rows"] == []
    assert queries_for(client, url) == small


def test_member_choices_cost_the_same_for_1_and_2000_answers(
    client, world, django_assert_max_num_queries
):
    url = reverse("consent:member_choices", args=[world.group.pk, world.sam_membership.pk])
    services.consent_record(
        member=world.sam,
        purpose=ConsentPurpose.objects.get(slug="photos"),
        answer=Answer.YES,
        acting_user=world.sam,
    )
    signed_in(client, world.helen)
    small = queries_for(client, url)
    fill_ledger([world.sam_membership], 2000)
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(MEMBER_CHOICES_QUERIES):
        response = client.get(url)
    assert len(response.context["choices"]) == 8
    assert queries_for(client, url) == small


def test_history_costs_the_same_for_5_and_500_answers(client, world, django_assert_max_num_queries):
    url = reverse("consent:member_choice_history", args=[world.group.pk, world.sam_membership.pk])
    services.consent_record(
        member=world.sam,
        purpose=ConsentPurpose.objects.get(slug="photos"),
        answer=Answer.YES,
        acting_user=world.helen,
        method="phone",
        how_she_told_us=HOW,
    )
    fill_ledger([world.sam_membership], 4)
    signed_in(client, world.helen)
    small = queries_for(client, url)
    fill_ledger([world.sam_membership], 495)
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(HISTORY_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert sum(1 for row in response.context["rows"] if row.how_she_told_us == HOW) >= 12
    assert queries_for(client, url) == small
    assert queries_for(client, url + "?page=10") == small


def test_erasure_requests_cost_the_same_for_1_and_60(client, world, django_assert_max_num_queries):
    group = world.group
    url = reverse("consent:erasure_requests", args=[group.pk])
    services.erasure_request(member=world.sam, acting_user=world.sam)
    maria = services.erasure_request(member=world.maria, acting_user=world.maria)
    services.erasure_confirm(request=maria, acting_user=world.helen)
    signed_in(client, world.helen)
    small = queries_for(client, url)
    members = add_members(group, 60, prefix="a")
    now = timezone.now()
    requests = ErasureRequest.objects.bulk_create(
        [
            ErasureRequest(
                member=m.user, member_ref=m.user_id, stands_at=now + dt.timedelta(days=14)
            )
            for m in members
        ]
    )
    ErasureRequest.groups.through.objects.bulk_create(
        [
            ErasureRequest.groups.through(erasurerequest_id=r.pk, coprogroup_id=group.pk)
            for r in requests
        ]
    )
    ErasureRequest.objects.filter(pk__in=[r.pk for r in requests[:20]]).update(
        status=ErasureRequest.Status.DONE, member=None, decided_by=world.helen, completed_at=now
    )
    crypto.forget_data_keys()  # a fresh process holds no data keys
    with django_assert_max_num_queries(ERASURE_REQUESTS_QUERIES):
        response = client.get(url)
    assert len(response.context["pending"]) > 20
    assert len(response.context["done"]) == 21
    assert queries_for(client, url) == small
