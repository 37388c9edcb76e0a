"""Consumer records in the store: insert, update, consent history, and the JSON shape of a consumer.

Values arrive here already validated and normalized (see ``fields``, ``topics``, ``languages``,
``availability``); this module only reads and writes rows. Every write adds audit rows naming
the fields touched, never their values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peercli.store.db import audit, dumps_list, loads_list, now_iso

if TYPE_CHECKING:
    from peercli.core.availability import Window

# RRULE day codes, as in availability.window_to_dict (not imported: listing stays fast).
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"



@dataclass
class ConsumerChanges:
    """What an add or edit sets. ``None`` means "leave as is" (for add: use the default)."""

    scalars: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    interests: list[str] | None = None
    availability: list[Window] | None = None

    def field_names(self) -> list[str]:
        names = list(self.scalars) + list(self.lists)
        if self.interests is not None:
            names.append("interests")
        if self.availability is not None:
            names.append("availability")
        return names


def insert_consumer(conn: sqlite3.Connection, changes: ConsumerChanges) -> int:
    stamp = now_iso()
    columns = {**changes.scalars, **{k: dumps_list(v) for k, v in changes.lists.items()}}
    columns["created_at"] = columns["updated_at"] = stamp
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    cur = conn.execute(f"INSERT INTO consumers ({names}) VALUES ({marks})", tuple(columns.values()))
    consumer_id = int(cur.lastrowid or 0)
    _write_children(conn, consumer_id, changes)
    audit(conn, "create", "consumer", consumer_id, changes.field_names())
    return consumer_id


def update_consumer(conn: sqlite3.Connection, consumer_id: int, changes: ConsumerChanges) -> None:
    columns = {**changes.scalars, **{k: dumps_list(v) for k, v in changes.lists.items()}}
    columns["updated_at"] = now_iso()
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(
        f"UPDATE consumers SET {assignments} WHERE id = ?", (*columns.values(), consumer_id)
    )
    _write_children(conn, consumer_id, changes)
    audit(conn, "update", "consumer", consumer_id, changes.field_names())


def _write_children(conn: sqlite3.Connection, consumer_id: int, changes: ConsumerChanges) -> None:
    if changes.interests is not None:
        conn.execute("DELETE FROM consumer_interests WHERE consumer_id = ?", (consumer_id,))
        conn.executemany(
            "INSERT INTO consumer_interests (consumer_id, topic) VALUES (?, ?)",
            [(consumer_id, topic) for topic in changes.interests],
        )
    if changes.availability is not None:
        conn.execute("DELETE FROM consumer_availability WHERE consumer_id = ?", (consumer_id,))
        conn.executemany(
            "INSERT INTO consumer_availability (consumer_id, day, start_minute, end_minute) "
            "VALUES (?, ?, ?, ?)",
            [(consumer_id, w.day, w.start, w.end) for w in changes.availability],
        )


def set_status(conn: sqlite3.Connection, consumer_id: int, status: str) -> None:
    conn.execute(
        "UPDATE consumers SET status = ?, updated_at = ? WHERE id = ?",
        (status, now_iso(), consumer_id),
    )
    audit(conn, "archive" if status == "archived" else "unarchive", "consumer", consumer_id,
          ["status"])


def record_consent(
    conn: sqlite3.Connection,
    consumer_id: int,
    kinds: Iterable[str],
    *,
    granted: bool,
    note: str | None = None,
    expires_on: str | None = None,
) -> None:
    """Append consent rows (never update them): the history is the record."""
    stamp = now_iso()
    for kind in kinds:
        conn.execute(
            "INSERT INTO consents (consumer_id, kind, granted, at, expires_on, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (consumer_id, kind, int(granted), stamp, expires_on, note),
        )
        audit(conn, "grant" if granted else "revoke", "consent", consumer_id, [kind])


def current_consent(conn: sqlite3.Connection, consumer_id: int) -> dict[str, dict[str, Any]]:
    """The latest row per kind: {"share": {"granted": True, "at": ..., "expires_on": ...}}."""
    rows = conn.execute(
        "SELECT kind, granted, at, expires_on FROM consents WHERE id IN ("
        " SELECT max(id) FROM consents WHERE consumer_id = ? GROUP BY kind)",
        (consumer_id,),
    ).fetchall()
    today = now_iso()[:10]
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        expired = bool(r["expires_on"]) and r["expires_on"] < today
        out[r["kind"]] = {
            "granted": bool(r["granted"]) and not expired,
            "at": r["at"],
            "expires_on": r["expires_on"],
        }
    return out


def has_consent(conn: sqlite3.Connection, consumer_id: int, kind: str) -> bool:
    return bool(current_consent(conn, consumer_id).get(kind, {}).get("granted"))


def consent_history(conn: sqlite3.Connection, consumer_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT kind, granted, at, expires_on, note FROM consents WHERE consumer_id = ? ORDER BY id",
        (consumer_id,),
    ).fetchall()
    return [
        {"kind": r["kind"], "granted": bool(r["granted"]), "at": r["at"],
         "expires_on": r["expires_on"], "note": r["note"]}
        for r in rows
    ]


def consumer_dicts(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], *, with_consent: bool = True
) -> list[dict[str, Any]]:
    """The JSON contract shape for many consumers, in three queries whatever their number."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    interests: dict[int, list[str]] = {i: [] for i in ids}
    windows: dict[int, list[dict[str, str]]] = {i: [] for i in ids}
    consents: dict[int, dict[str, Any]] = {i: {} for i in ids}
    single = len(ids) == 1
    where = "consumer_id = ?" if single else "consumer_id IN (SELECT value FROM json_each(?))"
    arg: Any = ids[0] if single else dumps_list(str(i) for i in ids)
    for r in conn.execute(
        f"SELECT consumer_id, topic FROM consumer_interests WHERE {where} ORDER BY rowid", (arg,)
    ):
        interests[r[0]].append(r[1])
    for r in conn.execute(
        "SELECT consumer_id, day, start_minute, end_minute FROM consumer_availability "
        f"WHERE {where} ORDER BY day, start_minute",
        (arg,),
    ):
        windows[r[0]].append({"day": _DAY_CODES[r[1]], "start": _hhmm(r[2]), "end": _hhmm(r[3])})
    if with_consent:
        today = now_iso()[:10]
        for r in conn.execute(
            "SELECT consumer_id, kind, granted, at, expires_on FROM consents WHERE id IN ("
            f" SELECT max(id) FROM consents WHERE {where} GROUP BY consumer_id, kind)",
            (arg,),
        ):
            expired = bool(r["expires_on"]) and r["expires_on"] < today
            consents[r[0]][r[1]] = {
                "granted": bool(r[2]) and not expired, "at": r[3], "expires_on": r[4],
            }
    out = []
    for r in rows:
        cid = r["id"]
        out.append({
            "id": cid,
            "name": r["name"],
            "pronouns": r["pronouns"],
            "interests": interests[cid],
            "availability": windows[cid],
            "formats": loads_list(r["formats"]),
            "languages": loads_list(r["languages"]),
            "access_needs": loads_list(r["access_needs"]),
            "eligible": loads_list(r["eligible"]),
            "phone": r["phone"],
            "email": r["email"],
            "contact_preference": r["contact_preference"],
            "postal_code": r["postal_code"],
            "goals": r["goals"],
            "notes": r["notes"],
            "cadence_days": r["cadence_days"],
            "consent": consents[cid],
            "status": r["status"],
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        })
    return out


def consumer_dict(conn: sqlite3.Connection, consumer_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM consumers WHERE id = ?", (consumer_id,)).fetchone()
    return consumer_dicts(conn, [row])[0]


def list_consumer_rows(conn: sqlite3.Connection, *, include_archived: bool) -> list[sqlite3.Row]:
    where = "1" if include_archived else "status = 'active'"
    return conn.execute(
        f"SELECT * FROM consumers WHERE {where} ORDER BY name COLLATE NOCASE, id"
    ).fetchall()
