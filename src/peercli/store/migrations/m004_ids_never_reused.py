"""Migration m004_ids_never_reused: every table whose ids people see gets AUTOINCREMENT."""

from __future__ import annotations

import re
import sqlite3

from peercli.core.errors import PeerError

# Tables whose ids people see or quote ("#6") or that other rows point at: m004 gives each
# AUTOINCREMENT, so an id once used (then erased by `forget`) is never handed out again.
ID_TABLES = (
    "consumers", "consumer_availability", "consents", "groups", "meetings", "referrals",
    "referral_events", "checkins", "attendance", "audit",
)

_ID_COLUMN = re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b(?!\s+AUTOINCREMENT)", re.IGNORECASE)


def procedure(conn: sqlite3.Connection) -> None:
    """Rebuild each table of ID_TABLES with ``id INTEGER PRIMARY KEY AUTOINCREMENT``, keeping
    every row and id (SQLite's documented 12-step table rebuild, done generically from the
    stored CREATE statements so columns added by earlier migrations are kept).

    Needs ``PRAGMA foreign_keys = OFF`` (set by :func:`ensure_current` around migrations):
    dropping the old table must not cascade into its children.
    """
    master = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    # Views and triggers may name the rebuilt tables: drop them first, recreate them after.
    dependents = [(r[0], r[1], r[3]) for r in master if r[0] in ("view", "trigger")]
    for kind, name, _ in dependents:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    for table in ID_TABLES:
        row = next((r for r in master if r[0] == "table" and r[1] == table), None)
        if row is None:
            continue
        sql = str(row[3])
        if not _ID_COLUMN.search(sql):
            continue
        new_sql = _ID_COLUMN.sub("id INTEGER PRIMARY KEY AUTOINCREMENT", sql, count=1)
        # Copy out, drop, recreate under the same name, copy back: no RENAME, so no other
        # table's references are rewritten (and the schema text stays what was written).
        # (The copy stays in this file, whose freed pages secure_delete zeroes; not in a temp file.)
        conn.execute(f'CREATE TABLE "m004_{table}" AS SELECT * FROM "{table}"')
        indexes = [r[3] for r in master if r[0] == "index" and r[2] == table]
        conn.execute(f'DROP TABLE "{table}"')
        conn.execute(new_sql)
        conn.execute(f'INSERT INTO "{table}" SELECT * FROM "m004_{table}"')
        conn.execute(f'DROP TABLE "m004_{table}"')
        for index_sql in indexes:
            conn.execute(str(index_sql))
    for _, _, sql in dependents:
        conn.execute(sql)
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise PeerError(
            f"the database has {len(broken)} broken references; it was not upgraded. "
            "Run 'peer db check'."
        )
