"""Erasure: forget one consumer, leaving nothing readable behind in the file or its WAL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from peercli.core.errors import PeerError


@dataclass(frozen=True)
class ForgetResult:
    consumer_id: int
    deleted: dict[str, int]
    wal_cleared: bool


def _fts_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND upper(sql) LIKE 'CREATE VIRTUAL TABLE%USING FTS5%'")
    ]


def _checkpoint(conn: sqlite3.Connection, attempts: int = 20) -> bool:
    """Checkpoint and truncate the WAL; False if another connection kept it busy."""
    import time

    for _ in range(attempts):
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy:
            return True
        time.sleep(0.05)
    return False


def forget_consumer(conn: sqlite3.Connection, consumer_id: int) -> ForgetResult:
    """Erase a consumer: their rows (by cascade), the FTS index pages, the freed pages, the WAL.

    Leaves one audit row (action "forget", entity "consumer", the id; no name, no fields).
    ``secure_delete`` is on for every peer connection (store.py), so deleted cells are
    zeroed in place; FTS ``optimize`` rewrites index segments; VACUUM rebuilds the file
    without free pages; checkpoints with TRUNCATE leave an empty write-ahead log.
    """
    from peercli.store.db import write

    with write(conn):
        if conn.execute("SELECT 1 FROM consumers WHERE id = ?", (consumer_id,)).fetchone() is None:
            raise PeerError(f"no consumer with id {consumer_id}")
        deleted = _erase_rows(conn, consumer_id)
    cleared = purge(conn)
    return ForgetResult(consumer_id, deleted, cleared)


_CHILD_TABLES = {
    "consumer_interests": "consumer_id = ?",
    "consumer_availability": "consumer_id = ?",
    "consents": "consumer_id = ?",
    "referral_events": "referral_id IN (SELECT id FROM referrals WHERE consumer_id = ?)",
    "referrals": "consumer_id = ?",
    "checkins": "consumer_id = ?",
    "attendance": "consumer_id = ?",
}


def _erase_rows(conn: sqlite3.Connection, consumer_id: int) -> dict[str, int]:
    """Delete every row about one consumer and leave the audit tombstone (inside a write)."""
    from peercli.store.db import audit

    child_tables = _CHILD_TABLES
    deleted: dict[str, int] = {}
    for table, where in child_tables.items():
        deleted[table] = conn.execute(
            f"SELECT count(*) FROM {table} WHERE {where}", (consumer_id,)).fetchone()[0]
    # The person first (the consent history refuses deletes while its person exists), then
    # the children explicitly, so erasure does not depend on foreign_keys being on.
    deleted["consumers"] = conn.execute(
        "DELETE FROM consumers WHERE id = ?", (consumer_id,)).rowcount
    conn.execute("DELETE FROM attendance WHERE consumer_id = ?", (consumer_id,))
    conn.execute("DELETE FROM change_alerts WHERE consumer_id = ?", (consumer_id,))
    for table in ("referral_events", "referrals", "consumer_interests",
                  "consumer_availability", "consents"):
        conn.execute(f"DELETE FROM {table} WHERE {child_tables[table]}", (consumer_id,))
    conn.execute("DELETE FROM checkins WHERE consumer_id = ?", (consumer_id,))
    # The recovery plan and the releases of information (docs/notes-and-plans.md), and a
    # group session nobody else attended (its narrative could only be about this person).
    for table, where in (
        ("goal_events", "goal_id IN (SELECT id FROM plan_goals WHERE consumer_id = ?)"),
        ("goal_steps", "goal_id IN (SELECT id FROM plan_goals WHERE consumer_id = ?)"),
        ("plan_goals", "consumer_id = ?"), ("plan_reviews", "consumer_id = ?"),
        ("release_events", "release_id IN (SELECT id FROM releases WHERE consumer_id = ?)"),
        ("releases", "consumer_id = ?"),
    ):
        conn.execute(f"DELETE FROM {table} WHERE {where}", (consumer_id,))
    conn.execute("DELETE FROM group_sessions WHERE NOT EXISTS ("
                 " SELECT 1 FROM checkins c WHERE c.group_session_id = group_sessions.id)")
    audit(conn, "forget", "consumer", consumer_id, [])
    return deleted


def purge(conn: sqlite3.Connection) -> bool:
    """Leave nothing of deleted rows readable: FTS index segments rewritten, free pages dropped
    (VACUUM), the write-ahead log emptied. False if another connection kept the log busy."""
    from peercli.store.db import write

    fts = _fts_tables(conn)
    if fts:
        with write(conn):
            for table in fts:
                conn.execute(f'INSERT INTO "{table}"("{table}") VALUES (\'optimize\')')
    cleared = _checkpoint(conn)
    conn.execute("VACUUM")
    return _checkpoint(conn) and cleared


def erased_ids(conn: sqlite3.Connection) -> set[int]:
    """The consumers this database's audit says were forgotten (ids are never reused)."""
    found: set[int] = set()
    for (value,) in conn.execute(
            "SELECT entity_id FROM audit WHERE action = 'forget' AND entity = 'consumer'"):
        try:
            found.add(int(value))
        except (TypeError, ValueError):
            continue
    return found


def keep_erased(conn: sqlite3.Connection, erased: set[int]) -> int:
    """Erase again, in a restored database, the consumers forgotten since (or before) it was
    backed up: their rows go, each keeps its audit tombstone (so a later restore keeps them
    erased too), and the file is purged. Returns how many erased people the file still held."""
    from peercli.store.db import audit, write

    kept = 0
    with write(conn):
        known = erased_ids(conn)
        for consumer_id in sorted(erased):
            present = conn.execute(
                "SELECT 1 FROM consumers WHERE id = ?", (consumer_id,)).fetchone() is not None
            if present:
                _erase_rows(conn, consumer_id)
                kept += 1
            elif consumer_id not in known:
                audit(conn, "forget", "consumer", consumer_id, [])
    if erased:
        purge(conn)
    return kept
