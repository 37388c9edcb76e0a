"""What a database holds, in a few numbers: how many people, check-ins and referrals, and when
each last changed (from the records themselves, not the file's modification time). Shown before
a restore so the person sees what the backup holds and what it would replace."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from peercli.store.keys import Ask, DbKey


@dataclass(frozen=True)
class Count:
    """How many rows of one kind, and the latest time one of them changed (ISO text or None)."""

    count: int
    last_change: str | None


@dataclass(frozen=True)
class Summary:
    people: Count
    checkins: Count
    referrals: Count
    groups: Count


#: kind -> (table, the column that says when a row last changed)
_KINDS = {"people": ("consumers", "updated_at"), "checkins": ("checkins", "created_at"),
          "referrals": ("referrals", "updated_at"), "groups": ("groups", "updated_at")}


def summarize(conn: sqlite3.Connection, erased: set[int] | None = None) -> Summary:
    """The numbers of an open peer database (read-only queries). People in ``erased`` (and
    those the database's own audit records as forgotten) are not counted, nor their check-ins
    and referrals: a restore erases them again."""
    from peercli.store.erasure import erased_ids

    gone = sorted((erased or set()) | erased_ids(conn))
    found: dict[str, Count] = {}
    for kind, (table, column) in _KINDS.items():
        where, args = "", gone
        if gone and kind != "groups":
            owner = "id" if kind == "people" else "consumer_id"
            where = f" WHERE {owner} NOT IN ({', '.join('?' * len(gone))})"
        else:
            args = []
        row = conn.execute(f"SELECT count(*), max({column}) FROM {table}{where}",
                           args).fetchone()
        found[kind] = Count(int(row[0]), None if row[1] is None else str(row[1]))
    return Summary(**found)


def summarize_backup(src: Path, current: DbKey | None, ask: Ask | None,
                     erased: set[int] | None = None) -> tuple[Summary, DbKey | None]:
    """The numbers of a backup file, opened read-only and checked as a restore would check it
    (PeerError when it is not an intact peer database); and its key (None: not encrypted)."""
    from peercli.store.backup import backup_key, check_backup_file, open_readonly, verify_peer_file

    check_backup_file(src)
    key = backup_key(src, current, ask)
    try:
        conn = open_readonly(src, key)
    except sqlite3.Error:
        raise PeerError(f"'{src}' cannot be opened as a database") from None
    try:
        verify_peer_file(conn, f"'{src}'")
        return summarize(conn, erased), key
    except sqlite3.Error:
        raise PeerError(f"'{src}' cannot be read as a peer database") from None
    finally:
        conn.close()
