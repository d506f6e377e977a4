"""Page summaries, tested directly: the counts and rows of the group's consent page, the
words of contributions and history, and the short wordings that live on `ConsentText`."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from consent import policy, summaries
from consent.models import Answer, ConsentEvent, ConsentText, Contribution, Visibility
from coproduction.core import dates
from groups.models import Membership


def member_row(pk, user_id, name, status=Membership.Status.ACTIVE, until=None):
    return {
        "pk": pk,
        "user_id": user_id,
        "status": status,
        "stepped_back_until": until,
        "preferred_name": name,
        "first_name": "",
    }


@pytest.fixture
def active(purposes):
    return policy.purposes()


def test_the_short_wordings_come_from_the_text(active):
    photos = next(summaries.PurposeCount.of(p) for p in active if p.slug == "photos")
    assert (photos.label, photos.agreed_to) == ("Photos", "agreed to be photographed")
    photos.yes = 1
    assert photos.agreed == "1 member agreed to be photographed"
    photos.yes = 3
    assert photos.agreed == "3 members agreed to be photographed"


def test_a_new_wording_without_short_wordings_keeps_the_last_ones(purposes):
    ConsentText.objects.create(
        purpose=purposes["photos"], version=2, question="Photos, again?", explanation="New."
    )
    photos = next(summaries.PurposeCount.of(p) for p in policy.purposes() if p.slug == "photos")
    assert (photos.label, photos.question) == ("Photos", "Photos, again?")
    assert photos.agreed_to == "agreed to be photographed"


def test_a_purpose_without_short_wordings_says_its_question(purposes):
    ConsentText.objects.filter(purpose=purposes["photos"]).update(short_label="", agreed_to="")
    photos = next(summaries.PurposeCount.of(p) for p in policy.purposes() if p.slug == "photos")
    question = photos.question
    assert photos.label == question
    assert photos.agreed == f"0 members said yes to “{question}”"


def test_the_table_counts_every_answer_and_treats_none_as_no(active):
    photos = next(p for p in active if p.slug == "photos")
    members = [
        member_row(10, 1, "Sam"),
        member_row(11, 2, "Jade", Membership.Status.STEPPED_BACK, dt.date(2026, 4, 1)),
        member_row(12, 3, None),
    ]
    answers = {1: {"photos": Answer.YES}, 2: {"photos": Answer.ASK}, 3: {}}
    rows, counts = summaries.group_choices_table(members, active, answers, group_id=7)
    count = next(c for c in counts if c.purpose.pk == photos.pk)
    assert (count.yes, count.ask, count.no) == (1, 1, 1)
    assert all(c.yes + c.ask + c.no == 3 for c in counts)
    index = counts.index(count)
    assert [row.answers[index] for row in rows] == ["Yes", "Ask me each time", "No"]
    assert [row.name for row in rows] == ["Sam", "Jade", "A member"]
    assert rows[0].status == "" and rows[1].status.startswith("Stepped back until")
    assert rows[0].url == reverse("consent:member_choices", args=[7, 10])
    assert rows[2].url == reverse("consent:member_choices", args=[7, 12])
    assert str(rows[0].cells).count("<td>") == len(counts)
    assert "<td>Ask me each time</td>" in rows[1].cells


def contribution(visibility: str) -> Contribution:
    return Contribution(visibility=visibility, kind=Contribution.Kind.QUOTE, text="Words.")


YES_TO_QUOTES = {"anonymous_quotes": Answer.YES, "named_credit": Answer.NO}
YES_TO_BOTH = {"anonymous_quotes": Answer.YES, "named_credit": Answer.YES}


@pytest.mark.parametrize(
    ("visibility", "answers", "seen_by", "in_reports"),
    [
        (Visibility.FACILITATORS, YES_TO_BOTH, "The facilitators", "Not in reports"),
        (Visibility.GROUP, YES_TO_BOTH, "The group", "Not in reports"),
        (
            Visibility.ANONYMISED,
            {},
            "The group",
            "Not in reports (she has not agreed to be quoted)",
        ),
        (
            Visibility.ANONYMISED,
            YES_TO_QUOTES,
            "The group, and reports without her name",
            "Without her name",
        ),
        (
            Visibility.CREDITED,
            YES_TO_QUOTES,
            "The group, and reports without her name",
            "Without her name (she has not agreed to be named)",
        ),
        (Visibility.CREDITED, YES_TO_BOTH, "The group, and reports with her name", "With her name"),
    ],
)
def test_staff_read_who_sees_a_contribution_as_the_export_does(
    visibility, answers, seen_by, in_reports
):
    item = contribution(visibility)
    assert summaries.seen_by_now(item, answers) == seen_by
    assert summaries.in_reports_now(item, answers) == in_reports


@pytest.mark.parametrize(
    ("visibility", "answers", "seen_by", "reports"),
    [
        (Visibility.ONLY_ME, YES_TO_BOTH, "Only you.", ("not used.", "")),
        (Visibility.FACILITATORS, {}, "You and the facilitators.", ("not used.", "")),
        (
            Visibility.ANONYMISED,
            {},
            "You, the facilitators and other members of the group.",
            (
                "not used (you have not said yes to your words in reports without your name).",
                "anonymous_quotes",
            ),
        ),
        (
            Visibility.CREDITED,
            YES_TO_QUOTES,
            "You, the facilitators and other members of the group.",
            (
                "used without your name (you have not said yes to being thanked by name in "
                "reports).",
                "named_credit",
            ),
        ),
        (
            Visibility.CREDITED,
            YES_TO_BOTH,
            "You, the facilitators and other members of the group.",
            ("used with your name.", ""),
        ),
    ],
)
def test_she_reads_who_sees_a_contribution_in_her_words(visibility, answers, seen_by, reports):
    item = contribution(visibility)
    assert summaries.seen_by_words(item) == seen_by
    assert summaries.in_reports_words(item, answers) == reports


AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def event(
    answer: str, *, recorded_by=None, member_id: int = 10**9, method="portal"
) -> ConsentEvent:
    item = ConsentEvent(
        member_id=member_id,
        answer=answer,
        method=method,
        at=AT,
        recorded_by_id=recorded_by.pk if recorded_by else member_id,
    )
    item.text = ConsentText(question="May we take photos?")
    if recorded_by is not None:
        item.recorded_by = recorded_by
    return item


def test_her_history_in_her_words(helen):
    day = dates.day(AT)
    assert summaries.history_line(event(Answer.YES)) == (
        f"On {day} you said yes to ‘May we take photos?’."
    )
    assert summaries.history_line(event(Answer.ASK)) == (
        f"On {day} you asked us to ask you each time about ‘May we take photos?’."
    )
    assert summaries.history_line(event(Answer.NO, recorded_by=helen, method="paper")) == (
        f"On {day} Helen Ward recorded that you said no to ‘May we take photos?’ (on paper)."
    )


def test_her_history_as_staff_read_it(helen):
    mine, theirs = event(Answer.YES), event(Answer.NO, recorded_by=helen, method="phone")
    theirs.how_she_told_us = "She rang on Monday."
    rows = summaries.history_rows([mine, theirs], "Sam")
    assert [(row.answer, row.who, row.how_she_told_us) for row in rows] == [
        ("Yes", "Sam", ""),
        ("No", "Helen Ward, for her", "She rang on Monday."),
    ]


def test_a_saved_answer_in_her_words():
    assert summaries.saved_message(Answer.YES, "Photos?") == "Saved: you said Yes to ‘Photos?’."
    assert summaries.saved_message(Answer.ASK, "Photos?") == (
        "Saved: we will ask you each time about ‘Photos?’."
    )


def test_who_looked_names_a_closed_account_plainly(helen):
    looks = [
        SimpleNamespace(actor=helen, action="support_plan.view", at=None),
        SimpleNamespace(actor=None, action="member.view", at=None),
    ]
    assert [(line["who"], line["what"]) for line in summaries.looked_lines(looks)] == [
        ("Helen Ward", "your plan"),
        ("Someone whose account is now closed", "your details and how to reach you"),
    ]


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=SUM(A1)", "'=SUM(A1)"), ("-1", "'-1"), ("@x", "'@x"), ("Plain words", "Plain words")],
)
def test_a_spreadsheet_cell_never_runs_as_a_formula(value, cell):
    assert summaries.spreadsheet_cell(value) == cell


def test_her_home_tells_her_when_her_break_ends(sam, tuesday_group):
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC), tick=False):
        membership = Membership.objects.create(
            user=sam,
            group=tuesday_group,
            role=Membership.Role.MEMBER,
            status=Membership.Status.STEPPED_BACK,
            stepped_back_until=dt.date(2026, 3, 6),
        )
        membership.agreement_awaits = False  # set on her memberships by the portal
        [item] = summaries.today_items(sam, [membership])
    assert item["text"] == "Your break ends on 6 March. You come back by yourself."
    assert item["hidden"] == ""
    assert item["come_back"] == reverse("groups:my_come_back", args=[tuesday_group.pk])
