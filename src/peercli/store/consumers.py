"""Consumer records in the store: insert, update, consent history, and the JSON shape of a consumer.

Values arrive here already validated and normalized (``core/consumers.py`` reads the flags);
this module only reads and writes rows. Every write adds audit rows naming
the fields touched, never their values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from peercli.core.consumers import ConsumerChanges, consent_holds
from peercli.core.contract import ConsentStateDict, ConsumerDict, WindowDict
from peercli.store.db import audit, dumps_list, loads_list, now_iso

__all__ = ["ConsumerChanges"]  # the type of add/edit changes, defined in the core

# RRULE day codes, as in availability.window_to_dict (not imported: listing stays fast).
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"



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
    _goal_into_plan(conn, consumer_id, changes)
    return consumer_id


def _goal_into_plan(conn: sqlite3.Connection, consumer_id: int, changes: ConsumerChanges) -> None:
    """The goal given with --goal starts the recovery plan (G1) when the person has none yet."""
    goal = changes.scalars.get("goals")
    if not isinstance(goal, str) or not goal.strip():
        return
    if conn.execute("SELECT 1 FROM plan_goals WHERE consumer_id = ?", (consumer_id,)).fetchone():
        return
    from peercli.store.plans import add_goal

    add_goal(conn, consumer_id, goal.strip(), note="from the consumer's goal")


def update_consumer(conn: sqlite3.Connection, consumer_id: int, changes: ConsumerChanges) -> None:
    columns = {**changes.scalars, **{k: dumps_list(v) for k, v in changes.lists.items()}}
    columns["updated_at"] = now_iso()
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(
        f"UPDATE consumers SET {assignments} WHERE id = ?", (*columns.values(), consumer_id)
    )
    _write_children(conn, consumer_id, changes)
    audit(conn, "update", "consumer", consumer_id, changes.field_names())
    _goal_into_plan(conn, consumer_id, changes)


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


def _where(ids: Sequence[int]) -> tuple[str, Any]:
    """A ``consumer_id`` condition for ``ids`` and its argument (one id: a plain comparison)."""
    if len(ids) == 1:
        return "consumer_id = ?", ids[0]
    return "consumer_id IN (SELECT value FROM json_each(?))", dumps_list(str(i) for i in ids)


def consumer_interests(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each consumer's interest slugs, in the order they were given."""
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        where, arg = _where(ids)
        for cid, topic in conn.execute(
            f"SELECT consumer_id, topic FROM consumer_interests WHERE {where} ORDER BY rowid",
            (arg,),
        ):
            out[cid].append(topic)
    return out


def consumer_windows(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> dict[int, list[tuple[int, int, int]]]:
    """Each consumer's free time as (day 0-6, start minute, end minute), by day and start."""
    out: dict[int, list[tuple[int, int, int]]] = {i: [] for i in ids}
    if ids:
        where, arg = _where(ids)
        for cid, day, start, end in conn.execute(
            "SELECT consumer_id, day, start_minute, end_minute FROM consumer_availability "
            f"WHERE {where} ORDER BY day, start_minute",
            (arg,),
        ):
            out[cid].append((day, start, end))
    return out


def consent_states(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> dict[int, dict[str, ConsentStateDict]]:
    """Each consumer's latest consent per kind: {"share": {"granted", "at", "expires_on"}},
    ``granted`` by the one rule (``core.consumers.consent_holds``: expired consent is not)."""
    out: dict[int, dict[str, ConsentStateDict]] = {i: {} for i in ids}
    if not ids:
        return out
    where, arg = _where(ids)
    today = now_iso()[:10]
    for r in conn.execute(
        "SELECT consumer_id, kind, granted, at, expires_on FROM consents WHERE id IN ("
        f" SELECT max(id) FROM consents WHERE {where} GROUP BY consumer_id, kind)",
        (arg,),
    ):
        out[r[0]][r[1]] = {
            "granted": consent_holds(bool(r[2]), r[4], today), "at": r[3], "expires_on": r[4],
        }
    return out


def current_consent(conn: sqlite3.Connection, consumer_id: int) -> dict[str, ConsentStateDict]:
    """The latest row per kind: {"share": {"granted": True, "at": ..., "expires_on": ...}}."""
    return consent_states(conn, [consumer_id])[consumer_id]


def has_consent(conn: sqlite3.Connection, consumer_id: int, kind: str) -> bool:
    state = current_consent(conn, consumer_id).get(kind)
    return state is not None and state["granted"]


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
) -> list[ConsumerDict]:
    """The JSON contract shape for many consumers, in three queries whatever their number."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    interests = consumer_interests(conn, ids)
    windows: dict[int, list[WindowDict]] = {
        cid: [{"day": _DAY_CODES[day], "start": _hhmm(start), "end": _hhmm(end)}
              for day, start, end in spans]
        for cid, spans in consumer_windows(conn, ids).items()
    }
    consents = consent_states(conn, ids) if with_consent else {i: {} for i in ids}
    out: list[ConsumerDict] = []
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


def consumer_dict(conn: sqlite3.Connection, consumer_id: int) -> ConsumerDict:
    row = conn.execute("SELECT * FROM consumers WHERE id = ?", (consumer_id,)).fetchone()
    return consumer_dicts(conn, [row])[0]


def list_consumer_rows(conn: sqlite3.Connection, *, include_archived: bool) -> list[sqlite3.Row]:
    where = "1" if include_archived else "status = 'active'"
    return conn.execute(
        f"SELECT * FROM consumers WHERE {where} ORDER BY name COLLATE NOCASE, id"
    ).fetchall()


def add_consumer(conn: sqlite3.Connection, changes: ConsumerChanges, consent: Sequence[str]) -> int:
    """Insert a consumer and the consent given at intake, in one transaction; returns the id."""
    from peercli.store.db import write

    with write(conn):
        consumer_id = insert_consumer(conn, changes)
        if consent:
            record_consent(conn, consumer_id, consent, granted=True, note="at intake")
    return consumer_id


def edit_consumer(
    conn: sqlite3.Connection, consumer_id: int, changes: ConsumerChanges
) -> ConsumerDict:
    """Apply ``changes`` in one transaction; returns the consumer's JSON shape."""
    from peercli.store.db import write

    with write(conn):
        update_consumer(conn, consumer_id, changes)
    return consumer_dict(conn, consumer_id)


def change_consent(
    conn: sqlite3.Connection, consumer_id: int, kinds: Sequence[str], *, granted: bool | None,
    note: str | None = None, expires_on: str | None = None,
) -> dict[str, Any]:
    """Grant (``granted`` True) or revoke (False) ``kinds``, or just read (None); returns
    {"consumer_id", "consent" (current), "history"}. A revocation has no expiry date."""
    from peercli.store.db import write

    if granted is not None:
        with write(conn):
            record_consent(conn, consumer_id, kinds, granted=granted, note=note,
                           expires_on=expires_on if granted else None)
    return {"consumer_id": consumer_id, "consent": current_consent(conn, consumer_id),
            "history": consent_history(conn, consumer_id)}
