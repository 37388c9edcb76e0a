"""Programme settings in the ``settings`` table (``peer config``). Values arrive parsed by
``core.settings``; every change is audited by key (never by value)."""

from __future__ import annotations

import sqlite3

from peercli.core import settings as core
from peercli.store.db import audit, now_iso


def stored_settings(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")}


def current_settings(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Every setting: the stored value, else its default."""
    return core.effective(stored_settings(conn))


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, now_iso()),
    )
    audit(conn, "update", "setting", key, ["value"])


def unset_setting(conn: sqlite3.Connection, key: str) -> bool:
    cur = conn.execute("DELETE FROM settings WHERE key = ?", (key,))
    if cur.rowcount:
        audit(conn, "delete", "setting", key, ["value"])
    return bool(cur.rowcount)
