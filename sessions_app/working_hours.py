"""The organisation's working hours (`HEARTH_WORKING_HOURS`), in which staff are
reminded: a reminder is not a message at three in the morning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def _hours() -> tuple[list[int], dt.time, dt.time, ZoneInfo]:
    hours = settings.HEARTH_WORKING_HOURS
    return hours["days"], hours["start"], hours["end"], ZoneInfo(settings.TIME_ZONE)


def working_moment(at: dt.datetime) -> dt.datetime:
    """`at` if it falls in working hours, otherwise the start of the next working day."""
    days, start, end, zone = _hours()
    local = at.astimezone(zone)
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        if day.weekday() not in days:
            continue
        opens = dt.datetime.combine(day, start, tzinfo=zone)
        closes = dt.datetime.combine(day, end, tzinfo=zone)
        if local < closes:
            return max(local, opens)
    raise ValueError("HEARTH_WORKING_HOURS has no working day")


def add_working_hours(at: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` working hours after `at`, counting only working time."""
    _days, _start, end, zone = _hours()
    left = dt.timedelta(hours=hours)
    current = working_moment(at)
    while True:
        closes = dt.datetime.combine(current.date(), end, tzinfo=zone)
        if current + left <= closes:
            return current + left
        left -= closes - current
        current = working_moment(closes)
