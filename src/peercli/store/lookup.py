"""Naming records on the command line: by id, or by an unambiguous name prefix (case, accents,
curly apostrophes and dashes ignored: ``core.confirm.lookup_key``).

When a name fits several records, the command line installs a *chooser* (see :func:`choosing`):
at a terminal it offers a pick list; without one (no chooser, or it declines by returning None)
the error lists the candidates by id, as it always has.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from peercli.core.errors import PeerError

_TABLES = {"consumer": "consumers", "group": "groups"}
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Candidate:
    """One record a name fits, with the facts that tell it apart (never notes or health
    details): for a person the postal code and the last contact; for a group its place,
    format and status."""

    id: int
    name: str
    facts: tuple[str, ...]


#: (noun, what was typed, the candidates) -> the id picked, or None to fall back to the error.
Chooser = Callable[[str, str, Sequence[Candidate]], "int | None"]
_CHOOSER: ContextVar[Chooser | None] = ContextVar("peer_lookup_chooser", default=None)


@contextmanager
def choosing(chooser: Chooser | None) -> Iterator[None]:
    """Within this block, an ambiguous name is first offered to ``chooser``."""
    token = _CHOOSER.set(chooser)
    try:
        yield
    finally:
        _CHOOSER.reset(token)


def _facts(conn: sqlite3.Connection, noun: str, rows: Sequence[sqlite3.Row]) -> list[Candidate]:
    out = []
    for row in rows:
        facts: list[str] = []
        if noun == "consumer":
            if row["postal_code"]:
                facts.append(f"postal code {row['postal_code']}")
            last = conn.execute("SELECT max(at) FROM checkins WHERE consumer_id = ?",
                                (row["id"],)).fetchone()[0]
            facts.append(f"last contact {str(last)[:10]}" if last else "no contact yet")
            facts.append(f"added {str(row['created_at'])[:10]}")
        else:
            place = row["city"] or row["postal_code"]
            if place:
                facts.append(str(place))
            if row["format"]:
                facts.append(str(row["format"]).replace("_", " "))
            if row["organization"]:
                facts.append(str(row["organization"]))
        if row["status"] != "active":
            facts.append(str(row["status"]))
        out.append(Candidate(int(row["id"]), str(row["name"]), tuple(facts)))
    return out


def _sql_key(name: object) -> str:
    from peercli.core.confirm import lookup_key

    return lookup_key(name) if isinstance(name, str) else ""


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
    from peercli.core.confirm import lookup_key

    key = lookup_key(text)

    def prefixed(column: str, prefix: str) -> list[sqlite3.Row]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return conn.execute(
            f"SELECT * FROM {table} WHERE {column} LIKE ? ESCAPE '\\' AND ({where}) "
            "ORDER BY name COLLATE NOCASE, id LIMIT 21",
            (escaped + "%", *params),
        ).fetchall()

    # People are few: always compare accent-free keys. Groups may be thousands: the plain
    # comparison first, the accent-free one when it finds none or the text is not plain ASCII.
    rows: list[sqlite3.Row] = []
    if noun != "consumer" and text.isascii():
        rows = prefixed("lower(name)", text.lower())
    if not rows:
        conn.create_function("peer_lookup_key", 1, _sql_key, deterministic=True)
        rows = prefixed("peer_lookup_key(name)", key)
    if not rows:
        raise PeerError(f"no {noun} matches '{text}' (see 'peer {noun} list')")
    # the name as typed (case aside) wins, then the name with its accents and quotes aside
    exact = [r for r in rows if r["name"].lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    exact = exact or [r for r in rows if lookup_key(r["name"]) == key]
    if len(exact) == 1:
        return exact[0]
    candidates = exact or rows
    if len(candidates) == 1:
        return candidates[0]
    chooser = _CHOOSER.get()
    if chooser is not None and len(candidates) <= MAX_CANDIDATES:
        picked = chooser(noun, text, _facts(conn, noun, candidates))
        if picked is not None:
            return next(r for r in candidates if r["id"] == picked)
    shown = ", ".join(f"#{r['id']} {r['name']}" for r in candidates[:MAX_CANDIDATES])
    more = " ..." if len(candidates) > MAX_CANDIDATES else ""
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


def same_name_ids(conn: sqlite3.Connection, noun: str, name: str) -> list[int]:
    """The ids of every ``noun`` already called ``name`` (case, width and spaces ignored)."""
    from peercli.core.confirm import same_name

    table = _TABLES[noun]
    return [int(r[0]) for r in conn.execute(f"SELECT id, name FROM {table} ORDER BY id")
            if same_name(str(r[1]), name)]
