"""Dates carry the year when it is not this year, on every page and in every message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template

from coproduction.core.dates import day


@pytest.mark.parametrize(
    ("value", "short", "expected"),
    [
        (dt.date(2026, 3, 3), False, "3 March"),
        (dt.date(2027, 3, 3), False, "3 March 2027"),
        (dt.date(2025, 12, 31), False, "31 December 2025"),
        (dt.date(2027, 3, 3), True, "3 Mar 2027"),
        (dt.date(2026, 3, 3), True, "3 Mar"),
        (None, False, ""),
    ],
)
def test_the_year_shows_only_when_it_is_not_this_year(value, short, expected):
    with time_machine.travel("2026-11-20 10:00", tick=False):
        assert day(value, short=short) == expected


def test_a_time_is_read_in_her_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    # 23:30 on 31 December in UTC is already New Year in Berlin, but not in London.
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    with time_machine.travel("2026-12-31 12:00", tick=False):
        assert day(late) == "31 December"


def test_every_template_has_the_filter():
    template = Template('{{ when|day }} / {{ when|day:"short" }}')
    with time_machine.travel("2026-11-20 10:00", tick=False):
        assert (
            template.render(Context({"when": dt.date(2027, 1, 2)})) == "2 January 2027 / 2 Jan 2027"
        )
