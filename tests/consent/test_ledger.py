"""The consent ledger: append-only in the database, the only source of her current
answers (a replay of it), private by default, and read in one query however long."""

from __future__ import annotations

import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import policy, projection, services
from consent.models import Answer, ConsentEvent, ConsentPurpose, ConsentText, CurrentAnswer
from coproduction.core.erasure import erase
from groups.models import Membership
from tests.factories import CoproGroupFactory, MembershipFactory, UserFactory

# The purposes seeded by the migration: the property test draws from them.
SEEDED = importlib.import_module("consent.migrations.0002_ledger_and_purposes").PURPOSES
SLUGS = [slug for slug, _question, _explanation in SEEDED]


@pytest.fixture
def group(db):
    return CoproGroupFactory(name="Riverside", member_facing_name="Tuesday group")


@pytest.fixture
def sam(sam, group):
    MembershipFactory(user=sam, group=group, role=Membership.Role.MEMBER)
    return sam


@pytest.fixture
def maria(maria, group):
    MembershipFactory(user=maria, group=group, role=Membership.Role.MEMBER)
    return maria


def purpose(slug: str) -> ConsentPurpose:
    return ConsentPurpose.objects.get(slug=slug)


def record(member, slug: str, answer: str) -> ConsentEvent:
    return services.consent_record(
        member=member, purpose=purpose(slug), answer=answer, acting_user=member
    )


def stored(event: ConsentEvent) -> tuple:
    return ConsentEvent.objects.filter(pk=event.pk).values_list(
        "answer", "member_id", "purpose_id", "text_id", "method", "how_she_told_us", "at"
    )[0]


# --- append-only, in the database ------------------------------------------------


def test_the_migration_seeds_every_purpose_with_a_first_wording(db):
    assert set(ConsentPurpose.objects.values_list("slug", flat=True)) == set(SLUGS)
    for slug in SLUGS:
        assert list(purpose(slug).texts.values_list("version", flat=True)) == [1]


def _orm_update(event):
    ConsentEvent.objects.filter(pk=event.pk).update(answer=Answer.YES)


def _orm_delete_queryset(event):
    ConsentEvent.objects.filter(pk=event.pk).delete()


def _orm_delete_instance(event):
    event.delete()


def _save_existing_row(event):
    event.answer = Answer.YES
    event.save()


def _raw_update(event):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE consent_consentevent SET answer = 'yes' WHERE id = %s", [event.pk])


def _raw_delete(event):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM consent_consentevent")


@pytest.mark.parametrize(
    "change",
    [
        _orm_update,
        _orm_delete_queryset,
        _orm_delete_instance,
        _save_existing_row,
        _raw_update,
        _raw_delete,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_database_refuses_to_change_or_delete_an_answer(sam, change):
    event = record(sam, "anonymous_quotes", Answer.NO)
    before = stored(event)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(event)

    assert ConsentEvent.objects.count() == 1
    assert stored(event) == before
    assert stored(event)[0] == Answer.NO


def test_changing_her_mind_appends_and_keeps_the_history(sam):
    first = record(sam, "photos", Answer.YES)
    second = record(sam, "photos", Answer.NO)
    third = record(sam, "photos", Answer.ASK)
    assert first.pk < second.pk < third.pk
    history = list(
        ConsentEvent.objects.filter(member=sam).order_by("id").values_list("answer", flat=True)
    )
    assert history == [Answer.YES, Answer.NO, Answer.ASK]
    assert policy.answers([sam.pk])[sam.pk]["photos"] == Answer.ASK


# --- current answers are a replay of the ledger ------------------------------------


@pytest.fixture
def three_members(group):
    people = [UserFactory() for _ in range(3)]
    for person in people:
        MembershipFactory(user=person, group=group, role=Membership.Role.MEMBER)
    return people


step = st.tuples(
    st.integers(min_value=0, max_value=2), st.sampled_from(SLUGS), st.sampled_from(Answer.values)
)


@settings(
    max_examples=40,
    deadline=None,
    database=None,  # leave no example database in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, max_size=30))
def test_current_answers_are_a_replay_of_the_ledger(three_members, steps):
    purposes = {p.slug: p for p in ConsentPurpose.objects.all()}
    ids = [m.pk for m in three_members]
    # Each example runs in a savepoint that is rolled back: the ledger cannot be emptied
    # with DELETE (that is the point of it), so the examples must not see each other's.
    with transaction.atomic():
        for index, slug, answer in steps:
            member = three_members[index]
            services.consent_record(
                member=member, purpose=purposes[slug], answer=answer, acting_user=member
            )
            # The projection written with each event is the ledger replayed, every step.
            assert projected() == replayed()

        replay: dict[tuple[int, str], str] = {}
        changes = 0
        for index, slug, answer in steps:
            key = (ids[index], slug)
            if replay.get(key) != answer:
                changes += 1  # the same answer again appends nothing
            replay[key] = answer

        assert ConsentEvent.objects.count() == changes
        assert policy.answers(ids) == {
            pk: {slug: replay.get((pk, slug), Answer.NO) for slug in SLUGS} for pk in ids
        }
        for member in three_members:
            current = {c.purpose.slug: c for c in policy.choices(member)}
            assert set(current) == set(SLUGS)
            for slug, choice in current.items():
                assert choice.answer == replay.get((member.pk, slug), Answer.NO)
                assert choice.is_default == ((member.pk, slug) not in replay)
                assert not choice.needs_review
        transaction.set_rollback(True)


def projected() -> dict[tuple[int, int], tuple[int, str, object]]:
    """The current answers as the projection holds them."""
    return {
        (member_id, purpose_id): (event_id, answer, at)
        for member_id, purpose_id, event_id, answer, at in CurrentAnswer.objects.values_list(
            "member_id", "purpose_id", "event_id", "answer", "at"
        )
    }


def replayed() -> dict[tuple[int, int], tuple[int, str, object]]:
    """The current answers found by replaying the whole ledger, oldest first."""
    latest = {}
    for event_id, member_id, purpose_id, answer, at in ConsentEvent.objects.order_by(
        "id"
    ).values_list("id", "member_id", "purpose_id", "answer", "at"):
        latest[(member_id, purpose_id)] = (event_id, answer, at)
    return latest


def test_rebuilding_the_projection_twice_gives_the_replayed_ledger(three_members):
    fill_ledger(three_members, 500)
    CurrentAnswer.objects.all().delete()  # as a database made before the projection
    assert projection.rebuild() == len(replayed())
    assert projected() == replayed()
    before = list(
        CurrentAnswer.objects.order_by("member_id", "purpose_id").values_list(
            "member_id", "purpose_id", "event_id", "answer"
        )
    )
    assert projection.rebuild() == len(before)
    assert projection.rebuild(member_ids=[three_members[0].pk]) == len(
        [key for key in replayed() if key[0] == three_members[0].pk]
    )
    after = list(
        CurrentAnswer.objects.order_by("member_id", "purpose_id").values_list(
            "member_id", "purpose_id", "event_id", "answer"
        )
    )
    assert after == before
    assert projected() == replayed()


def test_rebuilding_never_brings_back_an_erased_members_answers(three_members):
    fill_ledger(three_members, 90)
    gone = three_members[0]
    erase(user_id=gone.pk)
    assert ConsentEvent.objects.filter(member_id=gone.pk).exists()  # facts about no one
    projection.rebuild()
    projection.rebuild(member_ids=[gone.pk])
    fill = importlib.import_module("consent.migrations.0008_current_answers").fill_from_the_ledger
    CurrentAnswer.objects.all().delete()
    fill(django_apps, None)
    assert not CurrentAnswer.objects.filter(member_id=gone.pk).exists()
    assert {key for key in projected()} == {key for key in replayed() if key[0] != gone.pk}


def test_the_rebuild_command_recomputes_from_the_ledger(three_members):
    fill_ledger(three_members, 60)
    CurrentAnswer.objects.filter(member=three_members[1]).delete()
    out = io.StringIO()
    call_command("consent_rebuild_current", stdout=out)
    assert projected() == replayed()
    assert f"Rebuilt {len(replayed())} current answers" in out.getvalue()


def test_the_migration_fills_the_projection_from_an_existing_ledger(three_members):
    fill_ledger(three_members, 90)
    CurrentAnswer.objects.all().delete()
    fill = importlib.import_module("consent.migrations.0008_current_answers").fill_from_the_ledger
    fill(django_apps, None)
    assert projected() == replayed()


# --- private by default ------------------------------------------------------------


def test_with_no_answers_every_purpose_is_no_and_marked_as_the_default(sam, maria):
    record(maria, "named_credit", Answer.YES)  # someone else's answers change nothing of hers

    assert policy.answers([sam.pk]) == {sam.pk: dict.fromkeys(SLUGS, Answer.NO)}
    current = policy.choices(sam)
    assert [c.purpose.slug for c in current] == SLUGS  # in the seeded order
    for choice in current:
        assert choice.answer == Answer.NO
        assert choice.is_default
        assert choice.event is None
        assert not choice.needs_review
        assert choice.text.version == 1
    assert not policy.allows(sam, "named_credit")
    assert policy.allows(maria, "named_credit")


def test_ask_me_each_time_is_not_a_yes(sam):
    record(sam, "photos", Answer.ASK)
    assert policy.answers([sam.pk])[sam.pk]["photos"] == Answer.ASK
    assert not policy.allows(sam, "photos")


def test_answers_for_members_nobody_asked_about_are_not_returned(sam, maria):
    record(maria, "photos", Answer.YES)
    assert set(policy.answers([sam.pk])) == {sam.pk}


# --- a new wording asks her again --------------------------------------------------


def test_a_new_wording_asks_those_who_answered_the_old_one_to_look_again(sam, maria):
    quotes = purpose("anonymous_quotes")
    first = record(sam, "anonymous_quotes", Answer.YES)
    v2 = ConsentText.objects.create(
        purpose=quotes,
        version=2,
        question="May we use your words in reports and talks, without your name?",
        explanation="Now also in talks at conferences.",
    )

    sams = {c.purpose.slug: c for c in policy.choices(sam)}
    assert sams["anonymous_quotes"].text == v2
    assert sams["anonymous_quotes"].needs_review
    assert sams["anonymous_quotes"].answer == Answer.YES  # her answer stands until she looks
    assert sams["anonymous_quotes"].event == first
    assert not any(c.needs_review for slug, c in sams.items() if slug != "anonymous_quotes")

    marias = {c.purpose.slug: c for c in policy.choices(maria)}
    assert not marias["anonymous_quotes"].needs_review  # she never answered: nothing to review
    assert marias["anonymous_quotes"].is_default
    assert marias["anonymous_quotes"].text == v2

    # Giving the same answer again is a new event now, tied to the words she has just read.
    again = record(sam, "anonymous_quotes", Answer.YES)
    assert again.pk != first.pk
    assert again.text == v2
    assert ConsentEvent.objects.filter(member=sam).count() == 2
    sams = {c.purpose.slug: c for c in policy.choices(sam)}
    assert not sams["anonymous_quotes"].needs_review
    assert sams["anonymous_quotes"].event == again
    # The old answer is still there, tied to the old words.
    assert ConsentEvent.objects.get(pk=first.pk).text.version == 1


# --- one query however long the history ------------------------------------------


def fill_ledger(members, total: int) -> None:
    """`total` events spread over the members and purposes, oldest first."""
    texts = {t.purpose_id: t.pk for t in ConsentText.objects.filter(version=1)}
    purpose_ids = list(texts)
    cycle = [Answer.NO, Answer.YES, Answer.ASK]
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            member_id=members[n % len(members)].pk,
            purpose_id=purpose_ids[(n // len(members)) % len(purpose_ids)],
            text_id=texts[purpose_ids[(n // len(members)) % len(purpose_ids)]],
            answer=cycle[n % 3],
            recorded_by_id=members[n % len(members)].pk,
        )
        for n in range(total)
    )
    projection.rebuild()  # bulk_create bypasses consent_record


@pytest.mark.parametrize("history", [10, 10_000])
def test_current_answers_cost_one_query_however_long_the_history(
    three_members, history, django_assert_num_queries
):
    fill_ledger(three_members, history)
    assert ConsentEvent.objects.count() == history
    ids = [m.pk for m in three_members]

    with django_assert_num_queries(1):
        latest = policy.latest_events(ids)

    # And it is the latest: the highest id for each (member, purpose).
    expected: dict[tuple[int, int], int] = {}
    for pk, member_id, purpose_id in ConsentEvent.objects.values_list(
        "pk", "member_id", "purpose_id"
    ):
        key = (member_id, purpose_id)
        expected[key] = max(pk, expected.get(key, 0))
    assert {key: event.pk for key, event in latest.items()} == expected

    with django_assert_num_queries(2):
        policy.answers(ids)
    with django_assert_num_queries(2):
        policy.choices(three_members[0])


@pytest.mark.parametrize("history", [10, 1000])
def test_answers_read_one_row_per_member_and_purpose_however_long_the_history(
    three_members, history
):
    fill_ledger(three_members, history * len(three_members))
    ids = [m.pk for m in three_members]
    with CaptureQueriesContext(connection) as captured:
        table = policy.answers(ids)
    # Two queries (the purposes, the current answers), the second reading at most one row
    # per member and purpose, whether each has 10 events or 1,000.
    assert len(captured) == 2
    assert CurrentAnswer.objects.filter(member_id__in=ids).count() <= len(ids) * len(SLUGS)
    rows_read = _rows_read(captured.captured_queries[1]["sql"])
    assert rows_read is None or rows_read <= len(ids) * len(SLUGS)
    assert table == {
        pk: {
            slug: next(
                (a for (m, p), (_e, a, _at) in replayed().items() if m == pk and p == pid),
                Answer.NO,
            )
            for pid, slug in ConsentPurpose.objects.values_list("pk", "slug")
        }
        for pk in ids
    }


def _rows_read(sql: str) -> int | None:
    """How many rows PostgreSQL reads from the current answers for this query (None on
    another database, where the query count above is the proof)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)

    def scanned(node) -> int:
        own = (
            node.get("Actual Rows", 0)
            if "consent_currentanswer" in node.get("Relation Name", "")
            else 0
        )
        return own + sum(scanned(child) for child in node.get("Plans", []))

    return scanned(plan[0]["Plan"])
