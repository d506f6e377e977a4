"""Dates as people read them: "3 March" this year, "3 March 2027" any other year.

A date without its year is a puzzle when it is not this year (a break "until 3 March"
read in December), and a year on every date of this year is noise; one rule, used by
every page and message, so no page can drift from it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def day(value: dt.date | dt.datetime | None, *, short: bool = False) -> str:
    """The day of `value` in her time zone, with the year only when it is not this year
    ("" for no date). `short` gives "3 Mar" for tables."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    month = "M" if short else "F"
    if value.year == timezone.localdate().year:
        return date_format(value, f"j {month}")
    return date_format(value, f"j {month} Y")
