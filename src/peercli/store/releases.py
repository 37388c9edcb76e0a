"""Releases of information in the store: record, revoke (an event; the release never changes),
list, and the releases ``peer refer`` weighs (``core.consent``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from peercli.core import consent as core
from peercli.store.db import audit, now_iso


@dataclass(frozen=True)
class NewRelease:
    consumer_id: int
    recipient: str
    group_id: int | None
    purpose: str
    purpose_detail: str | None
    information: str
    discloser: str | None
    signed_on: date
    expires_on: date | None
    expires_event: str | None


def insert_release(conn: sqlite3.Connection, new: NewRelease) -> int:
    stamp = now_iso()
    cur = conn.execute(
        "INSERT INTO releases (consumer_id, recipient, group_id, purpose, purpose_detail,"
        " information, discloser, signed_on, expires_on, expires_event, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.consumer_id, new.recipient, new.group_id, new.purpose, new.purpose_detail,
         new.information, new.discloser, new.signed_on.isoformat(),
         new.expires_on.isoformat() if new.expires_on else None, new.expires_event, stamp))
    release_id = int(cur.lastrowid or 0)
    conn.execute("INSERT INTO release_events (release_id, action, at, note) VALUES (?, ?, ?, ?)",
                 (release_id, "granted", stamp, None))
    audit(conn, "create", "release", release_id,
          [k for k, v in vars(new).items() if v is not None])
    return release_id


def revoke_release(conn: sqlite3.Connection, release_id: int, note: str | None) -> None:
    conn.execute("INSERT INTO release_events (release_id, action, at, note) VALUES (?, ?, ?, ?)",
                 (release_id, "revoked", now_iso(), note))
    audit(conn, "revoke", "release", release_id, ["action"] + (["note"] if note else []))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _revoked_sql() -> str:
    return ("(SELECT min(at) FROM release_events e WHERE e.release_id = r.id"
            " AND e.action = 'revoked') AS revoked_at")


def releases_for(conn: sqlite3.Connection, consumer_id: int) -> list[core.Release]:
    return [
        core.Release(r["id"], r["consumer_id"], r["recipient"], r["group_id"], r["purpose"],
                     r["information"], date.fromisoformat(r["signed_on"]), _day(r["expires_on"]),
                     r["expires_event"], _day(r["revoked_at"]))
        for r in conn.execute(
            f"SELECT r.*, {_revoked_sql()} FROM releases r WHERE r.consumer_id = ? ORDER BY r.id",
            (consumer_id,))
    ]


def get_release(conn: sqlite3.Connection, release_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        f"SELECT r.*, {_revoked_sql()} FROM releases r WHERE r.id = ?", (release_id,)).fetchone()
    return row


def release_dicts(conn: sqlite3.Connection, consumer_id: int, today: date) -> list[dict[str, Any]]:
    out = []
    for rel in releases_for(conn, consumer_id):
        row = get_release(conn, rel.id)
        history = [dict(e) for e in conn.execute(
            "SELECT action, at, note FROM release_events WHERE release_id = ? ORDER BY id",
            (rel.id,))]
        out.append({
            "id": rel.id, "consumer_id": consumer_id, "recipient": rel.recipient,
            "group_id": rel.group_id, "purpose": rel.purpose,
            "purpose_detail": row["purpose_detail"] if row else None,
            "information": rel.information, "discloser": row["discloser"] if row else None,
            "signed_on": rel.signed_on.isoformat(),
            "expires_on": rel.expires_on.isoformat() if rel.expires_on else None,
            "expires_event": rel.expires_event,
            "status": core.release_status(rel, today), "history": history,
        })
    return out
