"""A page's cost does not grow with her history: her choices, her history and what others
see about her cost the same number of queries with 10 ledger events as with 10,000.

The ledger is append-only (UPDATE and DELETE are refused by triggers); bulk_create only
inserts, so it can make a long history quickly.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent import projection, services
from consent.models import Answer, ConsentEvent, Contribution, Visibility
from groups import services as group_services

# What each page costs today (measured), and holds for any length of history.
# Choices: the session, her user, her memberships (the nav), her latest event per
# purpose, the purposes, and their wordings.
CHOICES_QUERIES = 6
# History: the session, her user, the nav, the count for the pages, and one page of
# events with their wording and who recorded them (her data key is already in memory).
HISTORY_QUERIES = 5
# Who sees what: the session, her user, her profile, the purposes' slugs, her latest
# event per purpose, her contributions, her plan and its readers, the staff around her
# and their roles, the nav, and her member page's card as staff see it (her memberships,
# her safe-contact profile, her support contacts, the agreements and her answers).
WHO_SEES_WHAT_QUERIES = 16
# The things she said: the session, her user, the nav, the purposes' slugs, her latest
# event per purpose, and her contributions with their groups.
CONTRIBUTIONS_QUERIES = 6
# Her data: the session, her user, her downloads, a pending erasure, the messages we sent
# her, and the nav.
MY_DATA_QUERIES = 6
# Who looked: the session, her user, the nav, the count for the pages, and one page of
# looks with who looked.
WHO_LOOKED_QUERIES = 5
# More: the session, her user, and her memberships (shared with the nav).
MORE_QUERIES = 3

# One question: the same as the summary (the purpose itself is one of the purposes, but
# is looked up first so that an unknown one is a 404 before any of her data is read).
QUESTION_QUERIES = CHOICES_QUERIES + 1

PAGES = [
    ("consent:my_choices", CHOICES_QUERIES),
    ("consent:my_choice_history", HISTORY_QUERIES),
    ("consent:my_who_sees_what", WHO_SEES_WHAT_QUERIES),
    ("consent:my_contributions", CONTRIBUTIONS_QUERIES),
    ("consent:my_data", MY_DATA_QUERIES),
    ("consent:my_who_looked", WHO_LOOKED_QUERIES),
    ("consent:my_more", MORE_QUERIES),
]


def give_history(member, purposes, count: int, *, recorded_by=None) -> None:
    """Append `count` events to her ledger, cycling through purposes and answers; the
    last two are her "yes" to anonymous quotes and to named credit."""
    slugs = list(purposes)
    answers = itertools.cycle([Answer.NO, Answer.ASK, Answer.YES])
    texts = {slug: purposes[slug].texts.get(version=1) for slug in slugs}
    method = ConsentEvent.Method.PORTAL if recorded_by is None else ConsentEvent.Method.IN_PERSON
    plan = [(slugs[n % len(slugs)], next(answers)) for n in range(count - 2)]
    plan += [("anonymous_quotes", Answer.YES), ("named_credit", Answer.YES)]
    ConsentEvent.objects.bulk_create(
        (
            ConsentEvent(
                member=member,
                purpose=purposes[slug],
                text=texts[slug],
                answer=answer,
                recorded_by=recorded_by or member,
                method=method,
            )
            for slug, answer in plan
        ),
        batch_size=2000,
    )
    projection.rebuild()  # bulk_create bypasses consent_record


@pytest.fixture
def sams_world(sam, sam_membership, dee, helen, helen_fac, tuesday_group):
    """Sam as she might be after a while: a profile, a plan shared with Dee, and things
    she said, seen by different people."""
    group_services.profile_update(
        member=sam, acting_user=sam, preferred_name="Sam", pronouns="she/her"
    )
    group_services.support_plan_save(member=sam, acting_user=sam, what_helps="Tea")
    group_services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    for visibility in Visibility.values:
        services.contribution_add(
            member=sam,
            group=tuesday_group,
            text=f"Said for {visibility}",
            kind=Contribution.Kind.QUOTE,
            visibility=visibility,
            acting_user=sam,
        )
    return sam


def count(client, url: str) -> tuple[int, str]:
    client.get(url)  # a first visit sets the session's last-seen time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(("name", "bound"), PAGES, ids=[name for name, _ in PAGES])
def test_ten_or_ten_thousand_events_cost_the_same(
    client, sams_world, purposes, helen, name, bound, django_assert_max_num_queries
):
    sam = sams_world
    give_history(sam, purposes, 10)
    assert ConsentEvent.objects.filter(member=sam).count() == 10
    client.force_login(sam)
    small, small_page = count(client, reverse(name))
    assert small <= bound, small

    give_history(sam, purposes, 9_000)
    give_history(sam, purposes, 990, recorded_by=helen)
    assert ConsentEvent.objects.filter(member=sam).count() == 10_000
    client.get(reverse(name))
    with django_assert_max_num_queries(small):
        response = client.get(reverse(name))
    assert response.status_code == 200
    large, large_page = count(client, reverse(name))
    assert large == small, (small, large)
    if name == "consent:my_choice_history":
        assert len(response.context["lines"]) == 50
        assert response.context["page"].paginator.count == 10_000
    else:
        # The page shows the same thing: her latest answers, not how many she gave.
        assert small_page.count('aria-pressed="true"') == large_page.count('aria-pressed="true"')
        assert small_page.count("used with your name") == large_page.count("used with your name")


def test_one_question_costs_the_same_with_ten_or_ten_thousand_events(client, sams_world, purposes):
    sam = sams_world
    give_history(sam, purposes, 10)
    client.force_login(sam)
    url = reverse("consent:my_choice_set", args=["photos"])
    small, small_page = count(client, url)
    assert small <= QUESTION_QUERIES, small
    give_history(sam, purposes, 9_990)
    large, large_page = count(client, url)
    assert large == small, (small, large)
    assert small_page.count('aria-pressed="true"') == large_page.count('aria-pressed="true"') == 1


def test_another_members_long_history_costs_her_nothing(
    client, sams_world, maria, maria_membership, purposes
):
    client.force_login(sams_world)
    before = [count(client, reverse(name))[0] for name, _ in PAGES]
    give_history(maria, purposes, 5_000)
    after = [count(client, reverse(name))[0] for name, _ in PAGES]
    assert before == after


def test_the_choices_page_answers_from_the_latest_event(client, sams_world, purposes):
    """With 10,000 events, the answers shown are the latest ones."""
    sam = sams_world
    give_history(sam, purposes, 9_999)
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.NO, acting_user=sam
    )
    client.force_login(sam)
    page = client.get(reverse("consent:my_choices")).content.decode()
    photos = page[page.index('id="purpose-photos"') :]
    photos = photos[: photos.index("</div>")]
    assert "<strong>No</strong>" in photos
    quotes = page[page.index('id="purpose-anonymous_quotes"') :]
    assert "<strong>Yes</strong>" in quotes[: quotes.index("</div>")]
    one = client.get(reverse("consent:my_choice_set", args=["photos"])).content.decode()
    assert "Your answer now: <strong>No</strong>" in one
