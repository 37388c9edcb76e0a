"""The schema check's fast path: a current database whose schema digest is SCHEMA_DIGEST is
accepted without rebuilding the reference schema, and the digest accepts nothing the full
comparison would refuse."""

from __future__ import annotations

import sqlite3

import pytest

from peercli.store import migrations


def _rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()


def test_schema_digest_is_the_digest_of_the_schema_peer_creates():
    reference = migrations.reference_schema(migrations.SCHEMA_VERSION)
    rows = [(t, n, tbl, sql) for (t, n), (tbl, sql) in reference.items()]
    assert migrations.schema_digest(rows) == migrations.SCHEMA_DIGEST, (
        "a migration changed the schema: set migrations.SCHEMA_DIGEST to "
        f"{migrations.schema_digest(rows)!r}")


def test_a_new_database_takes_the_fast_path(tmp_path, monkeypatch):
    from peercli.store.db import open_db

    conn = open_db(tmp_path / "x.db")
    assert migrations.schema_digest(_rows(conn)) == migrations.SCHEMA_DIGEST
    from peercli.store.migrations import check

    built: list[int] = []
    monkeypatch.setattr(check, "reference_schema",
                        lambda version: built.append(version) or {})
    assert migrations.schema_problems(conn) == []
    assert built == []  # no in-memory rebuild for a current, untouched database
    conn.close()


@pytest.mark.parametrize("sql", [
    "CREATE TABLE spy (x)",
    "CREATE INDEX extra ON consumers(name)",
    "CREATE TRIGGER t AFTER INSERT ON consumers BEGIN SELECT 1; END",
    "CREATE VIEW v AS SELECT 1",
    "DROP TRIGGER consents_no_update",
])
def test_any_change_leaves_the_fast_path_and_is_reported(tmp_path, sql):
    from peercli.store.db import open_db

    path = tmp_path / "x.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    names = {r[1] for r in _rows(conn)}
    if sql.startswith("DROP TRIGGER") and sql.split()[-1] not in names:
        pytest.skip("no such trigger in this schema")
    conn.execute(sql)
    conn.commit()
    assert migrations.schema_digest(_rows(conn)) != migrations.SCHEMA_DIGEST
    assert migrations.schema_problems(conn) != []
    conn.close()


def test_analyze_statistics_keep_the_fast_path(tmp_path):
    from peercli.store.db import open_db

    path = tmp_path / "x.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    assert migrations.schema_digest(_rows(conn)) == migrations.SCHEMA_DIGEST
    conn.close()


def test_the_slow_path_rebuilds_the_reference(tmp_path, monkeypatch):
    """The spy above can see a rebuild: a schema off the fast path makes one."""
    from peercli.store.db import open_db
    from peercli.store.migrations import check

    conn = open_db(tmp_path / "x.db")
    conn.execute("CREATE TABLE spy (x)")
    real = check.reference_schema
    built: list[int] = []
    monkeypatch.setattr(check, "reference_schema",
                        lambda version: built.append(version) or real(version))
    assert migrations.schema_problems(conn) != []
    assert built == [migrations.SCHEMA_VERSION]
    conn.close()
