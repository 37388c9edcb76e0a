"""Schema verification: a database is a peer database only if its schema is exactly what this
version of peer creates at that schema version. Reading sqlite_master and the migration records
fires no trigger and evaluates no view, so the check is safe on a hostile file.

The migration list and version are read from ``peercli.store.migrations`` at call time.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import peercli.store.migrations as M

_MIGRATIONS_TABLE = "_sqlite_migrations"
_MIGRATIONS_COLUMNS = {"migration_set", "name"}


@functools.lru_cache(maxsize=1024)
def _normalize_sql(sql: str) -> str:
    """``sql`` with runs of whitespace collapsed and none around parentheses and commas.
    Cached: every open compares the same few dozen definitions."""
    text = re.sub(r"\s+", " ", sql.strip())
    return re.sub(r"\s*([(),])\s*", r"\1", text)


_REFERENCE: dict[int, dict[tuple[str, str], tuple[str, str | None]]] = {}


def reference_schema(version: int) -> dict[tuple[str, str], tuple[str, str | None]]:
    """``{(type, name): (tbl_name, normalized sql)}`` of a database at ``version``, built by
    running this peer's migrations on an in-memory database (cached per process)."""
    if version not in _REFERENCE:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            for name in M.MIGRATION_NAMES[:version]:
                M.run_migration(conn, name)
            _REFERENCE[version] = {
                (str(t), str(n)): (str(tbl), None if sql is None else _normalize_sql(str(sql)))
                for t, n, tbl, sql in conn.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master")
            }
        finally:
            conn.close()
    return _REFERENCE[version]


#: ``schema_digest`` of the schema this peer creates (``reference_schema(SCHEMA_VERSION)``), so
#: that opening a current database needs no in-memory rebuild of the schema to compare with.
#: A test recomputes it: after adding a migration, paste the value it reports.
SCHEMA_DIGEST = "e0c2108fc7df51d5d0d6de0e23482cda4fa57a8c3cb1048bd316841a8e82dbfd"


def schema_digest(rows: Iterable[Sequence[Any]]) -> str:
    """A digest of the (type, name, tbl_name, sql) rows of sqlite_master that
    `schema_problems` compares, normalized and skipped exactly as it does: sqlite-utils'
    migration bookkeeping and ANALYZE statistics left out, the SQL of a virtual table's shadow
    tables (its module's own) left out. Equal digests: no problem that comparison would find."""
    import hashlib
    import json

    rows = [(str(t), str(n), str(tbl), None if sql is None else _normalize_sql(str(sql)))
            for t, n, tbl, sql in rows]
    virtual = [n for t, n, _, sql in rows
               if t == "table" and sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    kept = []
    for kind, name, tbl, sql in rows:
        if tbl == _MIGRATIONS_TABLE and kind in ("table", "index"):
            continue
        if kind == "table" and name.startswith("sqlite_stat"):
            continue
        shadow = kind == "table" and any(name.startswith(v + "_") for v in virtual)
        kept.append([kind, name, tbl, None if shadow else sql])
    return hashlib.sha256(json.dumps(sorted(kept, key=str)).encode()).hexdigest()


def is_empty(conn: sqlite3.Connection) -> bool:
    """No schema at all and user_version 0: a database peer may create its schema in."""
    return M.schema_version(conn) == 0 and conn.execute(
        "SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """What differs between this database's schema and the one peer creates ([] = identical).

    Every table, index, trigger and view must be exactly peer's (whitespace aside); the
    migration records must name exactly the migrations its user_version says were applied.
    A database newer than this peer is reported as such (one problem).
    """
    version = M.schema_version(conn)
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    if version == 0:
        return [] if not rows else ["it is an SQLite database but not a peer database"]
    if version > M.SCHEMA_VERSION or version < 0:
        return [(f"it was written by a newer version of peer (schema {version}; this peer "
                f"knows {M.SCHEMA_VERSION})")]
    names = {str(r[1]) for r in rows}
    if _MIGRATIONS_TABLE in names and _MIGRATIONS_COLUMNS <= _columns(conn, _MIGRATIONS_TABLE):
        unknown = [n for n in _applied(conn) if n not in M.MIGRATION_NAMES]
        if unknown:
            return [(f"it was written by a newer version of peer (unknown migrations: "
                    f"{', '.join(unknown)})")]
    if version == M.SCHEMA_VERSION and schema_digest(rows) == SCHEMA_DIGEST:
        # exactly the schema the comparison below accepts, known without building it
        return _migration_record_problems(conn, version, names)
    expected = reference_schema(version)
    virtual = [n for (t, n), (_, sql) in expected.items()
               if t == "table" and sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for kind, name, tbl, sql in rows:
        key = (str(kind), str(name))
        seen.add(key)
        if str(tbl) == _MIGRATIONS_TABLE and kind in ("table", "index"):
            continue  # sqlite-utils' bookkeeping (its layout is checked below); no code there
        if kind == "table" and str(name).startswith("sqlite_stat"):
            continue  # ANALYZE statistics: SQLite's own, no code
        want = expected.get(key)
        where = f" on {tbl}" if kind in ("index", "trigger") and tbl != name else ""
        if want is None:
            problems.append(f"unexpected {kind} '{name}'{where}")
            continue
        if str(tbl) != want[0]:
            problems.append(f"{kind} '{name}' belongs to {tbl}, not {want[0]}")
            continue
        shadow = kind == "table" and any(str(name).startswith(v + "_") for v in virtual)
        if shadow:
            continue  # created by the virtual table module itself, which owns its layout
        have = None if sql is None else _normalize_sql(str(sql))
        if have != want[1]:
            problems.append(f"{kind} '{name}' is not defined the way peer defines it")
    for kind, name in expected:
        if (kind, name) not in seen:
            problems.append(f"missing {kind} '{name}'")
    problems.extend(_migration_record_problems(conn, version, {n for _, n in seen}))
    return problems


def _migration_record_problems(
    conn: sqlite3.Connection, version: int, names: set[str]
) -> list[str]:
    if _MIGRATIONS_TABLE not in names:
        return [f"missing table '{_MIGRATIONS_TABLE}' (the record of applied migrations)"]
    if not _MIGRATIONS_COLUMNS <= _columns(conn, _MIGRATIONS_TABLE):
        return [f"table '{_MIGRATIONS_TABLE}' is not defined the way peer defines it"]
    if _applied(conn) != M.MIGRATION_NAMES[:version]:
        return [f"its migration records do not match its schema version {version}"]
    return []


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')}


def _applied(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        f"SELECT name FROM {_MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        (M.MIGRATION_SET,))]
