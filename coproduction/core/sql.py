"""Hand-written reads, for the few queries that every page of a kind runs.

Through the ORM, building and compiling a query with joins costs a page more than the
database takes to run it; these few are written once by hand instead. Values are always
parameters; only table names from the models' `_meta` are spliced into the text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection


def rows(sql: str, params: list[Any]) -> list[tuple]:
    """Every row of `sql`, as tuples."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(values) -> str:
    """The placeholders for `IN (…)`: one a value, and NULL for none (`IN ()` is an error)."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def _converted(value, kind: type, sqlite_converter: str):
    # PostgreSQL's driver gives dates and times as Python values; SQLite gives its text,
    # which its backend converts for the ORM with these same functions.
    if value is None or isinstance(value, kind):
        return value
    return getattr(connection.ops, sqlite_converter)(value, None, connection)


def timestamp(value) -> dt.datetime | None:
    """A timestamp column read by hand, as an aware datetime."""
    return _converted(value, dt.datetime, "convert_datetimefield_value")


def date(value) -> dt.date | None:
    """A date column read by hand."""
    return _converted(value, dt.date, "convert_datefield_value")


def time(value) -> dt.time | None:
    """A time column read by hand."""
    return _converted(value, dt.time, "convert_timefield_value")


def json_value(value) -> Any:
    """A JSON column read by hand: both databases give its text (Django asks psycopg2 not
    to decode it, so that the ORM's field can)."""
    return None if value is None else json.loads(value)
