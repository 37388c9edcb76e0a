"""Export: every table as CSV/JSON, the groups as a re-importable native CSV, one person's record.

Spreadsheet safety: a CSV cell that starts with ``= + - @``, a tab or a carriage return would
be run as a formula by Excel / LibreOffice / Sheets, so ``core.csvcells.neutralise_cell``
prefixes it with a single quote; ``restore_cell`` undoes exactly that. Every file written is
private (0600) and every directory created 0700 (see ``store/files.py``).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peercli.core.csvcells import neutralise_cell
from peercli.store.files import atomic_output, check_output_target, make_private_dir

# The native group CSV (issue 3), plus the optional columns the native importer also reads.
NATIVE_COLUMNS = (
    "id", "name", "organization", "description", "topics", "schedule", "days", "time",
    "end_time", "format", "address", "city", "postal_code", "latitude", "longitude",
    "online_url", "languages", "facilitation", "audience", "accessibility", "cost", "phone",
    "email", "website", "notes", "status", "timezone", "open_to_newcomers", "last_verified",
)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return neutralise_cell(str(value))


def user_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding records: not SQLite's own, not migration bookkeeping, not FTS indexes."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    ).fetchall()
    virtual = [r[0] for r in rows if (r[1] or "").upper().startswith("CREATE VIRTUAL")]
    return [
        r[0] for r in rows
        if not r[0].startswith(("sqlite_", "_"))
        and r[0] not in virtual
        and not any(r[0].startswith(v + "_") for v in virtual)
    ]


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    files: tuple[Path, ...]
    rows: dict[str, int] = field(default_factory=dict)


def _select_all(conn: sqlite3.Connection, table: str) -> sqlite3.Cursor:
    """Every row in storage order (WITHOUT ROWID tables come in primary-key order)."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    order = "" if "WITHOUT ROWID" in (sql or "").upper() else " ORDER BY rowid"
    return conn.execute(f'SELECT * FROM "{table}"{order}')


def _write_table_csv(conn: sqlite3.Connection, table: str, path: Path, force: bool = False) -> int:
    cur = _select_all(conn, table)
    n = 0
    with atomic_output(path, force=force) as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([d[0] for d in cur.description])
        for row in cur:
            writer.writerow([_csv_text(v) for v in row])
            n += 1
    return n


def _write_table_json(
    conn: sqlite3.Connection, table: str, path: Path, force: bool = False
) -> int:
    cur = _select_all(conn, table)
    names = [d[0] for d in cur.description]
    n = 0
    with atomic_output(path, force=force) as f:
        f.write("[")
        for row in cur:
            f.write(",\n  " if n else "\n  ")
            f.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
            n += 1
        f.write("\n]\n" if n else "]\n")
    return n


def native_group_rows(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Every group as a row of the native import CSV (header first), ready to re-import.

    ``id`` is the group's source key (prefixed with its source when two sources share a key),
    ``schedule`` the human form of each meeting joined with "; " (which parses back to the same
    meetings). A meeting's own dtstart/until have no native column and are not written.
    """
    from peercli.core.schedule import describe_meeting
    from peercli.store.db import loads_list
    from peercli.store.meetings import group_meetings

    yield list(NATIVE_COLUMNS)
    clashes = {
        r[0] for r in conn.execute(
            "SELECT source_key FROM groups GROUP BY source_key HAVING count(*) > 1")
    }
    topics: dict[int, list[str]] = {}
    for r in conn.execute("SELECT group_id, topic FROM group_topics ORDER BY group_id, topic"):
        topics.setdefault(r[0], []).append(r[1])
    for g in conn.execute("SELECT * FROM groups ORDER BY id"):
        meetings = group_meetings(conn, g["id"])
        zones = [m.timezone for m in meetings if m.timezone]
        key = g["source_key"]
        newcomers = g["open_to_newcomers"]
        values: dict[str, Any] = {
            "id": f"{g['source']}:{key}" if key in clashes else key,
            "name": g["name"],
            "organization": g["organization"],
            "description": g["description"],
            "topics": ", ".join(topics.get(g["id"], [])),
            "schedule": "; ".join(describe_meeting(m) for m in meetings),
            "format": g["format"],
            "address": g["address"],
            "city": g["city"],
            "postal_code": g["postal_code"],
            "latitude": g["latitude"],
            "longitude": g["longitude"],
            "online_url": g["online_url"],
            "languages": ", ".join(loads_list(g["languages"])),
            "facilitation": g["facilitation"],
            "audience": ", ".join(loads_list(g["audience"])),
            "accessibility": ", ".join(loads_list(g["accessibility"])),
            "cost": g["cost"],
            "phone": g["phone"],
            "email": g["email"],
            "website": g["website"],
            "notes": g["notes"],
            "status": g["status"],
            "timezone": zones[0] if zones else None,
            "open_to_newcomers": None if newcomers is None else ("yes" if newcomers else "no"),
            "last_verified": g["last_verified"],
        }
        yield [_csv_text(values.get(c)) for c in NATIVE_COLUMNS]


def export_all(
    conn: sqlite3.Connection,
    directory: Path,
    formats: Iterable[str] = ("csv", "json"),
    progress: Callable[[str], None] | None = None,
    *,
    force: bool = False,
) -> ExportResult:
    """Write every table as ``<table>.csv`` / ``<table>.json`` and ``groups.native.csv``.

    Reads happen inside one read transaction, so the files agree with each other even if
    another ``peer`` writes meanwhile. Every target is checked before anything is written: an
    existing file or symlink is refused unless ``force`` (and a symlink is then replaced, never
    followed); each file appears under its name only once complete.
    """
    formats = tuple(formats)
    make_private_dir(directory)
    files: list[Path] = []
    counts: dict[str, int] = {}
    conn.execute("BEGIN")
    try:
        tables = user_tables(conn)
        targets = [directory / f"{t}.{ext}" for t in tables for ext in ("csv", "json")
                   if ext in formats]
        if "csv" in formats:
            targets.append(directory / "groups.native.csv")
        for target in targets:
            check_output_target(target, force=force)
        for table in tables:
            if progress:
                progress(table)
            if "csv" in formats:
                path = directory / f"{table}.csv"
                counts[table] = _write_table_csv(conn, table, path, force)
                files.append(path)
            if "json" in formats:
                path = directory / f"{table}.json"
                counts[table] = _write_table_json(conn, table, path, force)
                files.append(path)
        if "csv" in formats:
            path = directory / "groups.native.csv"
            with atomic_output(path, force=force) as f:
                writer = csv.writer(f, lineterminator="\r\n")
                writer.writerows(native_group_rows(conn))
            files.append(path)
    finally:
        conn.execute("COMMIT")
    return ExportResult(directory, tuple(files), counts)



def _dicts(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def consumer_record(conn: sqlite3.Connection, consumer_id: int) -> dict[str, Any]:
    """Everything stored about one consumer, as JSON-ready data (a subject access request)."""
    from peercli.store.consumers import consent_history, consumer_dict
    from peercli.store.db import loads_list

    record: dict[str, Any] = {"consumer": consumer_dict(conn, consumer_id)}
    record["consent_history"] = consent_history(conn, consumer_id)
    checkins = _dicts(conn.execute(
        "SELECT * FROM checkins WHERE consumer_id = ? ORDER BY at, id", (consumer_id,)))
    amended = {c["amends_id"] for c in checkins if c["amends_id"] is not None}
    for c in checkins:
        c["who5"] = json.loads(c["who5"]) if c["who5"] else None
        c["superseded"] = c["id"] in amended
    record["checkins"] = checkins
    referrals = _dicts(conn.execute(
        "SELECT r.*, g.name AS group_name FROM referrals r JOIN groups g ON g.id = r.group_id "
        "WHERE r.consumer_id = ? ORDER BY r.id", (consumer_id,)))
    events: dict[int, list[dict[str, Any]]] = {}
    for e in _dicts(conn.execute(
        "SELECT e.* FROM referral_events e JOIN referrals r ON r.id = e.referral_id "
        "WHERE r.consumer_id = ? ORDER BY e.id", (consumer_id,))):
        events.setdefault(e["referral_id"], []).append(e)
    for r in referrals:
        r["reasons"] = loads_list(r["reasons"])
        r["events"] = events.get(r["id"], [])
    record["referrals"] = referrals
    record["attendance"] = _dicts(conn.execute(
        "SELECT a.*, g.name AS group_name FROM attendance a JOIN groups g ON g.id = a.group_id "
        "WHERE a.consumer_id = ? ORDER BY a.attended_on, a.id", (consumer_id,)))
    goals = _dicts(conn.execute("SELECT * FROM plan_goals WHERE consumer_id = ? ORDER BY position",
                                (consumer_id,)))
    for g in goals:
        g["steps"] = _dicts(conn.execute("SELECT * FROM goal_steps WHERE goal_id = ? ORDER BY "
                                         "position", (g["id"],)))
        g["history"] = _dicts(conn.execute("SELECT * FROM goal_events WHERE goal_id = ? ORDER BY "
                                           "id", (g["id"],)))
    record["plan"] = {"goals": goals, "reviews": _dicts(conn.execute(
        "SELECT * FROM plan_reviews WHERE consumer_id = ? ORDER BY reviewed_on, id",
        (consumer_id,)))}
    releases = _dicts(conn.execute("SELECT * FROM releases WHERE consumer_id = ? ORDER BY id",
                                   (consumer_id,)))
    for rel in releases:
        rel["history"] = _dicts(conn.execute(
            "SELECT action, at, note FROM release_events WHERE release_id = ? ORDER BY id",
            (rel["id"],)))
    record["releases"] = releases
    record["audit"] = _dicts(conn.execute(
        "SELECT at, os_user, action, entity, entity_id, fields FROM audit "
        "WHERE entity IN ('consumer', 'consent') AND entity_id = ? ORDER BY id",
        (str(consumer_id),)))
    for a in record["audit"]:
        a["fields"] = loads_list(a["fields"])
    return record
