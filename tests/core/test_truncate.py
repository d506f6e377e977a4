"""The audit trail and the consent ledger refuse TRUNCATE on PostgreSQL too, which row
triggers never see; only the test run's own flush may empty them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from coproduction.audit.models import AuditEvent
from coproduction.audit.services import audit_record
from tests.conftest import _postgresql_sql_flush, need

PROTECTED = ["audit_auditevent", "consent_consentevent"]
# The tables that must be emptied with each (their foreign keys point at it), so that the
# refusal tested is the table's own guard, not PostgreSQL's foreign-key check.
WITH = {"audit_auditevent": [], "consent_consentevent": ["consent_currentanswer"]}


@pytest.fixture
def postgresql(db):
    need(connection.vendor == "postgresql", "PostgreSQL")


def guards() -> dict[str, str]:
    """table → whether its TRUNCATE trigger is enabled ('O') or disabled ('D')."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = c.relname || '_no_truncate'"
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("table", PROTECTED)
@pytest.mark.parametrize("cascade", ["", " CASCADE", " RESTART IDENTITY"])
def test_truncate_is_refused(postgresql, table, cascade):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join([table, *WITH[table]])}{cascade}")


@pytest.mark.parametrize("table", PROTECTED)
def test_django_flush_outside_the_test_run_is_refused(postgresql, table):
    statements = _postgresql_sql_flush(connection.ops, no_style(), [table, *WITH[table]])
    with pytest.raises(DatabaseError, match="append-only"):
        connection.ops.execute_sql_flush(statements)


@pytest.mark.django_db(transaction=True)
def test_the_test_runs_flush_empties_them_and_leaves_the_guards_on(sam):
    need(connection.vendor == "postgresql", "PostgreSQL")
    audit_record(actor=None, action="test.flush", subject=sam, subject_user=sam)
    assert guards() == dict.fromkeys(PROTECTED, "O")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    assert guards() == dict.fromkeys(PROTECTED, "O")
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
