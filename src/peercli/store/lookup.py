"""Naming records on the command line: by id, or by an unambiguous case-insensitive name prefix."""

from __future__ import annotations

import sqlite3

from peercli.core.errors import PeerError

_TABLES = {"consumer": "consumers", "group": "groups"}


def resolve(
    conn: sqlite3.Connection,
    noun: str,
    ref: str,
    *,
    where: str = "1",
    params: tuple[object, ...] = (),
) -> sqlite3.Row:
    """Find one ``noun`` ("consumer" or "group") by id or name prefix, or raise a PeerError.

    An exact (case-insensitive) name wins over longer names it prefixes; if several records
    still match, the error lists them by id so the user can pick one.
    """
    table = _TABLES[noun]
    text = ref.strip()
    if not text:
        raise PeerError(f"give a {noun} id or name")
    from peercli.core.ids import id_text, parse_id

    if id_text(text) is not None:
        row: sqlite3.Row | None = conn.execute(
            f"SELECT * FROM {table} WHERE id = ? AND ({where})", (parse_id(text, noun), *params)
        ).fetchone()
        if row is None:
            raise PeerError(f"no {noun} with id {id_text(text)}")
        return row
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows: list[sqlite3.Row] = conn.execute(
        f"SELECT * FROM {table} WHERE lower(name) LIKE ? ESCAPE '\\' AND ({where}) "
        "ORDER BY name COLLATE NOCASE, id LIMIT 21",
        (escaped + "%", *params),
    ).fetchall()
    if not rows:
        raise PeerError(f"no {noun} matches '{text}' (see 'peer {noun} list')")
    exact = [r for r in rows if r["name"].lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    candidates = exact or rows
    if len(candidates) == 1:
        return candidates[0]
    shown = ", ".join(f"#{r['id']} {r['name']}" for r in candidates[:20])
    more = " ..." if len(candidates) > 20 else ""
    raise PeerError(
        f"'{text}' matches several {noun}s: {shown}{more}. Use the id or more of the name."
    )


def resolve_active_consumer(conn: sqlite3.Connection, ref: str) -> sqlite3.Row:
    """Like ``resolve(conn, "consumer", ref)``, refusing an archived consumer (it is not matched,
    referred or checked in until reactivated)."""
    row = resolve(conn, "consumer", ref)
    if row["status"] != "active":
        raise PeerError(
            f"consumer #{row['id']} is archived, so it is not matched or referred. "
            f"Reactivate it first: peer consumer archive {row['id']} --undo"
        )
    return row
