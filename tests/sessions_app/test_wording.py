"""Every message a member can get from this app, rendered with every kind of profile:
none may carry a word that says what Hearth is, unless she allowed the group named."""

from __future__ import annotations

import itertools
import re

import pytest

from coproduction.outbox.channels import Channel
from sessions_app import wording
from sessions_app.models import CheckInPlan

REVEALING = (
    "group", "charity", "project", "health", "gp", "doctor", "trauma", "abuse", "support",
    "appointment", "session", "therapy", "counselling", "research", "hearth", "nhs",
    "clinic", "surgery", "practice", "meeting", "worker", "safe", "domestic", "violence",
)  # fmt: skip

NAMES = ("Sam", "Precious", "")
REPLY_WORDS = ("", "1 OK, 2 not great, 3 please call", "Yes or no")


def revealing(text: str) -> list[str]:
    words = set(re.findall(r"[a-z]+", text.lower()))
    return [word for word in REVEALING if word in words]


@pytest.mark.parametrize(
    ("words", "channel", "name", "reply_word"),
    list(
        itertools.product(
            [w for w in CheckInPlan.Wording.values if w != CheckInPlan.Wording.OWN] + ["own"],
            [Channel.SMS, Channel.EMAIL, Channel.PORTAL],
            NAMES,
            REPLY_WORDS,
        )
    ),
)
def test_no_check_in_carries_a_revealing_word(words, channel, name, reply_word):
    # "own" with no words of hers falls back to the first neutral wording.
    plan = CheckInPlan(wording=words, channel=channel, own_words="")
    text = wording.checkin_text(plan, name=name, reply_word=reply_word)
    assert revealing(text) == [], text
    assert revealing(wording.checkin_subject()) == []


def test_sams_words_are_exactly_hers():
    plan = CheckInPlan(wording="how_are_things", channel=Channel.SMS)
    assert (
        wording.checkin_text(plan, name="Sam")
        == "Hi Sam, how are things? Reply 1 OK, 2 not great, 3 please call"
    )


def test_the_sorry_reply_is_neutral():
    assert revealing(wording.checkin_sorry_text()) == []


def test_the_test_can_fail():
    assert revealing("Your GP appointment") == ["gp", "appointment"]
