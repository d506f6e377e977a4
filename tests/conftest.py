"""Shared fixtures: personas from PEOPLE.md, service requirements, test-only plumbing."""

from __future__ import annotations

import importlib
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from celery import Task
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.sqlite3.base import DatabaseOperations

from coproduction import crypto
from tests.factories import StaffFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("HEARTH_REQUIRE_SERVICES") == "1"


def need(available: bool, what: str) -> None:
    """Skip a test whose service is missing, or fail it when CI requires every service."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (HEARTH_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} is not available")


def answers(url: str, default_port: int) -> bool:
    """Whether something listens at the host and port of `url`."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


# pytest-django empties tables between transactional tests with DELETE on SQLite,
# which the append-only triggers rightly refuse. For the test run only, lift the
# triggers around the flush and put them back unchanged. (PostgreSQL: see below.)
_sqlite_sql_flush = DatabaseOperations.sql_flush


def _sql_flush_keeping_triggers(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    statements = _sqlite_sql_flush(
        self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )
    with self.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
    drops = [f'DROP TRIGGER "{name}";' for name, _ in triggers]
    creates = [sql + ";" for _, sql in triggers]
    return drops + list(statements) + creates


DatabaseOperations.sql_flush = _sql_flush_keeping_triggers


# On PostgreSQL the flush is one TRUNCATE, which the append-only tables refuse
# (coproduction.core.db.refuse_truncate). For the test run only, the flush disables
# those triggers around its TRUNCATE and enables them again; Django runs the flush's
# statements in one transaction, so they are back even if it fails. Chosen over a
# setting the trigger would honour (a transaction-local GUC) because any code could
# set that, whereas here the trigger has no switch at all: lifting it takes DDL on
# the table, which no code path of Hearth's does.
_postgresql_sql_flush = PostgresOperations.sql_flush


def _sql_flush_lifting_truncate_guards(
    self, style, tables, *, reset_sequences=False, allow_cascade=False
):
    statements = _postgresql_sql_flush(
        self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )
    if not statements:
        return statements
    with self.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE '%%\\_no\\_truncate' AND c.relname = ANY(%s)",
            [list(tables)],
        )
        guards = cursor.fetchall()
    qn = self.quote_name
    disable = [f"ALTER TABLE {qn(t)} DISABLE TRIGGER {qn(g)};" for t, g in guards]
    enable = [f"ALTER TABLE {qn(t)} ENABLE TRIGGER {qn(g)};" for t, g in guards]
    return disable + list(statements) + enable


PostgresOperations.sql_flush = _sql_flush_lifting_truncate_guards


_PURPOSES = importlib.import_module("consent.migrations.0002_ledger_and_purposes").PURPOSES
_WORDINGS = importlib.import_module("consent.migrations.0007_text_short_labels").WORDINGS


def ensure_purposes() -> dict:
    """slug → purpose, as the data migrations make them. Transactional (live-server) tests
    empty every table when they end, migration data included, so each test that uses the
    database makes sure they are back; when they are there this is one query."""
    from consent.models import ConsentPurpose, ConsentText

    existing = {p.slug: p for p in ConsentPurpose.objects.all()}
    if len(existing) >= len(_PURPOSES):
        return existing
    for order, (slug, question, explanation) in enumerate(_PURPOSES):
        purpose, _ = ConsentPurpose.objects.get_or_create(slug=slug, defaults={"order": order})
        short_label, agreed_to = _WORDINGS[slug]
        ConsentText.objects.get_or_create(
            purpose=purpose,
            version=1,
            defaults={
                "question": question,
                "explanation": explanation,
                "short_label": short_label,
                "agreed_to": agreed_to,
            },
        )
        existing[slug] = purpose
    return existing


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _fast_and_isolated(request, settings):
    """Cheap password hashing, and rate-limit counters that start at zero in every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rolled-back tests can reuse a data key's id; start every test with none in memory.
    crypto.forget_data_keys()
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker or _DB_FIXTURES & names:
        transactional = (marker and marker.kwargs.get("transaction")) or names & {
            "transactional_db",
            "live_server",
        }
        # The database cache needs database access, which pytest-django grants lazily.
        request.getfixturevalue("transactional_db" if transactional else "db")
        cache.clear()
        ensure_purposes()
    yield


@pytest.fixture
def sam(db):
    """A member; signs in by code, tells nobody her story."""
    return UserFactory(username="sam", first_name="Sam", email="sam@example.org")


@pytest.fixture
def maria(db):
    """Another member of the same group."""
    return UserFactory(username="maria", first_name="Maria", email="maria@example.org")


@pytest.fixture
def helen(db):
    """Dr Helen Ward: facilitator, GP and researcher."""
    return StaffFactory(
        username="helen", first_name="Helen", last_name="Ward", email="helen.ward@example.org"
    )


@pytest.fixture(autouse=True)
def sent_tasks(request, monkeypatch):
    """Tasks a test sends are recorded here, not published, so no test leaves messages in a
    real queue; a test runs them itself (`task.apply(args)`) to prove they are safe twice.
    Tests marked `services` talk to the real broker."""
    sent: list[tuple[str, tuple, dict]] = []
    if request.node.get_closest_marker("services"):
        return sent

    def record(task, args=None, kwargs=None, **options):
        sent.append((task.name, tuple(args or ()), dict(kwargs or {})))

    monkeypatch.setattr(Task, "apply_async", record)
    return sent
