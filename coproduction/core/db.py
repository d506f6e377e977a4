"""Database guarantees that the ORM cannot give: tables whose rows never change.

`append_only(table)` is a migration operation that installs triggers refusing
UPDATE and DELETE on PostgreSQL and on SQLite, so not even a bug or a shell
session with the ORM can rewrite the audit trail or the consent ledger.
`refuse_truncate(table)` adds the one PostgreSQL statement that row triggers never
see, TRUNCATE (`manage.py flush` uses it). An append-only table needs both.
"""

from __future__ import annotations

from django.db import migrations

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hearth_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'hearth: % is append-only; rows cannot be %d', TG_TABLE_NAME, lower(TG_OP);
END;
$$ LANGUAGE plpgsql;
"""


def trigger_sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    """The (create, drop) statements that make `table` append-only on `vendor`."""
    if vendor == "postgresql":
        name = f"{table}_append_only"
        create = [
            _PG_FUNCTION,
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();",
        ]
        return create, [f"DROP TRIGGER IF EXISTS {name} ON {table};"]
    if vendor == "sqlite":
        create, drop = [], []
        for op in ("UPDATE", "DELETE"):
            name = f"{table}_no_{op.lower()}"
            create.append(
                f"CREATE TRIGGER {name} BEFORE {op} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, 'hearth: {table} is append-only'); END;"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name};")
        return create, drop
    raise NotImplementedError(f"append-only tables are not supported on {vendor}")


def truncate_trigger_sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    """The (create, drop) statements that refuse TRUNCATE on `table` on `vendor`.
    SQLite has no TRUNCATE: its DELETE without WHERE fires the DELETE triggers."""
    if vendor == "postgresql":
        name = f"{table}_no_truncate"
        create = [
            _PG_FUNCTION,
            f"CREATE TRIGGER {name} BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hearth_refuse_change();",
        ]
        return create, [f"DROP TRIGGER IF EXISTS {name} ON {table};"]
    if vendor == "sqlite":
        return [], []
    raise NotImplementedError(f"append-only tables are not supported on {vendor}")


def _run(statements_for, table: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        for statement in statements_for(schema_editor.connection.vendor, table)[0]:
            schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        for statement in statements_for(schema_editor.connection.vendor, table)[1]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)


def refuse_truncate(table: str) -> migrations.RunPython:
    """A migration operation installing (and on reverse, removing) the TRUNCATE trigger."""
    return _run(truncate_trigger_sql, table)


def append_only(table: str) -> migrations.RunPython:
    """A migration operation installing (and on reverse, removing) the triggers."""
    return _run(trigger_sql, table)
