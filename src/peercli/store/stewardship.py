"""Data stewardship in the store: export, one person's record, erasure, backup, restore, health.

Everything here works on a ``sqlite3`` connection or a database path and returns plain data;
the commands in ``commands/report.py``, ``commands/consumer_data.py`` and ``commands/db.py``
render it. Every file written is private (0600) and every directory created 0700.

Spreadsheet safety: a CSV cell that starts with ``= + - @``, a tab or a carriage return would
be run as a formula by Excel / LibreOffice / Sheets, so :func:`neutralise_cell` prefixes it
with a single quote. :func:`restore_cell` undoes exactly that (one quote before such a
character), so a value that itself began with quotes survives the round trip too.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from peercli.core.csvcells import neutralise_cell
from peercli.core.errors import PeerError

SQLITE_HEADER = b"SQLite format 3\x00"

# The native group CSV (issue 3), plus the optional columns the native importer also reads.
NATIVE_COLUMNS = (
    "id", "name", "organization", "description", "topics", "schedule", "days", "time",
    "end_time", "format", "address", "city", "postal_code", "latitude", "longitude",
    "online_url", "languages", "facilitation", "audience", "accessibility", "cost", "phone",
    "email", "website", "notes", "status", "timezone", "open_to_newcomers", "last_verified",
)


# ---------------------------------------------------------------------------------------------
# Files


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return neutralise_cell(str(value))


def make_private_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) 0700; an existing one is left as it is."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PeerError(f"cannot create the directory {directory}: {exc.strerror}") from None
    if not directory.is_dir():
        raise PeerError(f"{directory} exists and is not a directory")


def open_private(path: Path, *, binary: bool = False, exclusive: bool = False) -> IO[Any]:
    """Open ``path`` for writing, created 0600 (and made 0600 if it already existed)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise PeerError(f"{path} already exists; choose another name") from None
    except OSError as exc:
        raise PeerError(f"cannot write {path}: {exc.strerror}") from None
    os.fchmod(fd, 0o600)
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


# ---------------------------------------------------------------------------------------------
# Export


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


def _write_table_csv(conn: sqlite3.Connection, table: str, path: Path) -> int:
    cur = _select_all(conn, table)
    n = 0
    with open_private(path) as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([d[0] for d in cur.description])
        for row in cur:
            writer.writerow([_csv_text(v) for v in row])
            n += 1
    return n


def _write_table_json(conn: sqlite3.Connection, table: str, path: Path) -> int:
    cur = _select_all(conn, table)
    names = [d[0] for d in cur.description]
    n = 0
    with open_private(path) as f:
        f.write("[")
        for row in cur:
            f.write(",\n  " if n else "\n  ")
            f.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
            n += 1
        f.write("\n]\n" if n else "]\n")
    return n


def _meeting_of(row: sqlite3.Row) -> Any:
    from datetime import date

    from peercli.core.schedule import Meeting
    from peercli.store.db import loads_list

    return Meeting(
        row["freq"], int(row["interval"]), tuple(loads_list(row["byday"])),
        int(row["start_minute"]), int(row["end_minute"]), row["timezone"] or None,
        date.fromisoformat(row["dtstart"][:10]) if row["dtstart"] else None,
        date.fromisoformat(row["until"][:10]) if row["until"] else None,
    )


def group_meetings(conn: sqlite3.Connection, group_id: int) -> list[Any]:
    """A group's meetings as ``schedule.Meeting``s, in the order they were stored."""
    rows = conn.execute(
        "SELECT * FROM meetings WHERE group_id = ? ORDER BY id", (group_id,)
    ).fetchall()
    return [_meeting_of(r) for r in rows]


def native_group_rows(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Every group as a row of the native import CSV (header first), ready to re-import.

    ``id`` is the group's source key (prefixed with its source when two sources share a key),
    ``schedule`` the human form of each meeting joined with "; " (which parses back to the same
    meetings). A meeting's own dtstart/until have no native column and are not written.
    """
    from peercli.core.schedule import describe_meeting
    from peercli.store.db import loads_list

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
) -> ExportResult:
    """Write every table as ``<table>.csv`` / ``<table>.json`` and ``groups.native.csv``.

    Reads happen inside one read transaction, so the files agree with each other even if
    another ``peer`` writes meanwhile.
    """
    formats = tuple(formats)
    make_private_dir(directory)
    files: list[Path] = []
    counts: dict[str, int] = {}
    conn.execute("BEGIN")
    try:
        for table in user_tables(conn):
            if progress:
                progress(table)
            if "csv" in formats:
                path = directory / f"{table}.csv"
                counts[table] = _write_table_csv(conn, table, path)
                files.append(path)
            if "json" in formats:
                path = directory / f"{table}.json"
                counts[table] = _write_table_json(conn, table, path)
                files.append(path)
        if "csv" in formats:
            path = directory / "groups.native.csv"
            with open_private(path) as f:
                writer = csv.writer(f, lineterminator="\r\n")
                writer.writerows(native_group_rows(conn))
            files.append(path)
    finally:
        conn.execute("COMMIT")
    return ExportResult(directory, tuple(files), counts)


# ---------------------------------------------------------------------------------------------
# One person's record


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
    record["audit"] = _dicts(conn.execute(
        "SELECT at, os_user, action, entity, entity_id, fields FROM audit "
        "WHERE entity IN ('consumer', 'consent') AND entity_id = ? ORDER BY id",
        (str(consumer_id),)))
    for a in record["audit"]:
        a["fields"] = loads_list(a["fields"])
    return record


# ---------------------------------------------------------------------------------------------
# Erasure


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
    from peercli.store.db import audit, write

    child_tables = {
        "consumer_interests": "consumer_id = ?",
        "consumer_availability": "consumer_id = ?",
        "consents": "consumer_id = ?",
        "referral_events": "referral_id IN (SELECT id FROM referrals WHERE consumer_id = ?)",
        "referrals": "consumer_id = ?",
        "checkins": "consumer_id = ?",
        "attendance": "consumer_id = ?",
    }
    deleted: dict[str, int] = {}
    with write(conn):
        if conn.execute("SELECT 1 FROM consumers WHERE id = ?", (consumer_id,)).fetchone() is None:
            raise PeerError(f"no consumer with id {consumer_id}")
        for table, where in child_tables.items():
            deleted[table] = conn.execute(
                f"SELECT count(*) FROM {table} WHERE {where}", (consumer_id,)).fetchone()[0]
        # Children first, explicitly, so erasure does not depend on foreign_keys being on.
        conn.execute("DELETE FROM attendance WHERE consumer_id = ?", (consumer_id,))
        for table in ("referral_events", "referrals", "consumer_interests",
                      "consumer_availability", "consents"):
            conn.execute(f"DELETE FROM {table} WHERE {child_tables[table]}", (consumer_id,))
        conn.execute("DELETE FROM checkins WHERE consumer_id = ?", (consumer_id,))
        deleted["consumers"] = conn.execute(
            "DELETE FROM consumers WHERE id = ?", (consumer_id,)).rowcount
        audit(conn, "forget", "consumer", consumer_id, [])
    fts = _fts_tables(conn)
    if fts:
        with write(conn):
            for table in fts:
                conn.execute(f'INSERT INTO "{table}"("{table}") VALUES (\'optimize\')')
    cleared = _checkpoint(conn)
    conn.execute("VACUUM")
    cleared = _checkpoint(conn) and cleared
    return ForgetResult(consumer_id, deleted, cleared)


# ---------------------------------------------------------------------------------------------
# Backup, restore, health


def backup_stamp(now: Any) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def default_backup_path(db_path: Path, stamp: str) -> Path:
    return db_path.parent / "backups" / f"peer-{stamp}.db"


def _integrity(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]


def backup_database(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the live database to ``dest`` through SQLite's backup API (consistent even while
    another process writes); the copy is 0600, self-contained (rollback journal mode, no -wal)
    and checked with integrity_check. A failed copy is removed."""
    if dest.exists():
        raise PeerError(f"{dest} already exists; choose another file name")
    make_private_dir(dest.parent)
    open_private(dest, binary=True, exclusive=True).close()
    ok = False
    try:
        target = sqlite3.connect(str(dest), isolation_level=None)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problems = _integrity(target)
            if problems != ["ok"]:
                raise PeerError(
                    f"the backup at {dest} failed its integrity check ({problems[0]}); "
                    "it was removed. Run 'peer db check'.")
        finally:
            target.close()
        ok = True
    except sqlite3.Error as exc:
        raise PeerError(f"the backup to {dest} failed: {exc}") from None
    finally:
        if not ok:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{dest}{suffix}").unlink(missing_ok=True)
    os.chmod(dest, 0o600)
    return dest


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _check_peer_schema(conn: sqlite3.Connection, what: str) -> int:
    from peercli.store.migrations import SCHEMA_VERSION

    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if not {"consumers", "groups", "audit"} <= names or version < 1:
        raise PeerError(f"{what} is an SQLite database but not a peer database")
    if version > SCHEMA_VERSION:
        raise PeerError(
            f"{what} was written by a newer peer (schema {version}; this peer knows "
            f"{SCHEMA_VERSION}). Upgrade peer first.")
    return version


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    schema_version: int
    set_aside: Path | None


def _stage_copy(src: Path, staged: Path) -> int:
    """Copy ``src`` (read-only, with its WAL if any) to ``staged`` and check the copy."""
    what = f"'{src}'"
    if not src.is_file():
        raise PeerError(f"no file at {what}")
    if not is_sqlite_file(src):
        raise PeerError(f"{what} is not an SQLite database file")
    open_private(staged, binary=True, exclusive=True).close()
    try:
        source = sqlite3.connect(src.resolve().as_uri() + "?mode=ro", uri=True)
        target = sqlite3.connect(str(staged), isolation_level=None)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problems = _integrity(target)
            if problems != ["ok"]:
                raise PeerError(f"{what} is damaged (integrity check: {problems[0]})")
            return _check_peer_schema(target, what)
        finally:
            source.close()
            target.close()
    except sqlite3.Error as exc:
        raise PeerError(f"{what} is not a readable SQLite database ({exc})") from None


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    """Move the current database (and a WAL holding unsaved pages) to
    ``<name>.before-restore-<stamp>``; drop the -shm index, which SQLite rebuilds."""
    if not db_path.exists():
        return None
    try:  # fold the WAL into the file first; a damaged file may refuse, that is fine
        conn = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    os.replace(db_path, aside)
    os.chmod(aside, 0o600)
    for suffix in ("-wal", "-journal"):
        extra = Path(f"{db_path}{suffix}")
        if extra.exists():
            if extra.stat().st_size:
                moved = Path(f"{aside}{suffix}")
                os.replace(extra, moved)
                os.chmod(moved, 0o600)
            else:
                extra.unlink()
    Path(f"{db_path}-shm").unlink(missing_ok=True)
    return aside


def restore_database(db_path: Path, src: Path, stamp: str) -> RestoreResult:
    """Replace the database at ``db_path`` with a checked copy of ``src``.

    The source is checked first on a private staged copy (SQLite header, integrity_check, peer
    tables, a schema version this peer knows); only then is the current file (which may be
    damaged) moved aside and the staged copy moved into place. Nothing open may hold the
    database while this runs.
    """
    if src.resolve() == db_path.resolve():
        raise PeerError("that file is the database in use; name a backup file")
    make_private_dir(db_path.parent)
    staged = db_path.with_name(f".{db_path.name}.restore-{stamp}")
    try:
        version = _stage_copy(src, staged)
        aside = _set_aside(db_path, stamp)
        os.replace(staged, db_path)
    finally:
        staged.unlink(missing_ok=True)
        Path(f"{staged}-journal").unlink(missing_ok=True)
    os.chmod(db_path, 0o600)
    return RestoreResult(src, version, aside)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _mode_check(path: Path, expected: int, label: str) -> Check:
    st = path.stat()
    mode = stat.S_IMODE(st.st_mode)
    problems = []
    if mode & 0o077:
        problems.append(f"mode {mode:04o} lets other users in (expected {expected:04o})")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        problems.append("owned by another user")
    return Check(f"permissions: {label}", not problems,
                 "; ".join(problems) if problems else f"{mode:04o}, yours")


def health_checks(db_path: Path) -> list[Check]:
    """What ``peer db check`` reports. Never raises for a damaged file: that is a failed check."""
    from peercli.store.migrations import SCHEMA_VERSION

    checks = [Check("sqlite library", True, sqlite3.sqlite_version)]
    if not db_path.exists():
        return checks + [Check("database file", False,
                               f"no database at {db_path} (any peer command creates one)")]
    checks.append(_mode_check(db_path.parent, 0o700, "data directory"))
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{db_path}{suffix}")
        if p.exists():
            checks.append(_mode_check(p, 0o600, p.name))
    if not is_sqlite_file(db_path):
        return checks + [Check("database file", False,
                               "not an SQLite database: restore a backup with "
                               "'peer db restore FILE'")]
    os.umask(0o077)
    try:
        conn = sqlite3.connect(str(db_path), timeout=15, isolation_level=None)
    except sqlite3.Error as exc:
        return checks + [Check("open", False, str(exc))]
    try:
        integrity = _integrity(conn)
        checks.append(Check("integrity", integrity == ["ok"],
                            "ok" if integrity == ["ok"] else "; ".join(integrity[:5])))
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        tables = sorted({r[0] for r in fk})
        checks.append(Check("foreign keys", not fk,
                            "ok" if not fk else f"{len(fk)} broken in {', '.join(tables)}"))
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == SCHEMA_VERSION:
            checks.append(Check("schema version", True, f"{version} (current)"))
        elif version < SCHEMA_VERSION:
            checks.append(Check("schema version", True,
                                f"{version}; this peer upgrades it to {SCHEMA_VERSION} on next use"))
        else:
            checks.append(Check("schema version", False,
                                f"{version}, newer than this peer's {SCHEMA_VERSION}: upgrade peer"))
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        checks.append(Check("journal mode", mode == "wal",
                            mode if mode == "wal" else f"{mode} (expected wal)"))
    except sqlite3.DatabaseError as exc:
        checks.append(Check("readable", False,
                            f"{exc}: restore a backup with 'peer db restore FILE'"))
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):  # files this check itself created
        p = Path(f"{db_path}{suffix}")
        if p.exists():
            from peercli.store.db import secure_file

            secure_file(p)
    return checks


# ---------------------------------------------------------------------------------------------
# Reports and calendars (reading rows for the pure modules)


def report_for(conn: sqlite3.Connection, period: Any) -> Any:
    """The :class:`reporting.Report` for ``period`` (a ``reporting.Period``)."""
    from peercli.core.reports import CheckinRow, ReferralRow, build_report
    from peercli.store.checkins import effective_checkins

    first, last = period.start.isoformat(), period.end.isoformat()
    in_range = "substr(at, 1, 10) BETWEEN ? AND ?"
    checkins = [
        CheckinRow(r["id"], r["consumer_id"], r["at"], r["mode"], r["minutes"], r["units"],
                   r["mood"], r["amends_id"])
        for r in effective_checkins(conn, in_range, (first, last))
    ]
    referrals = [
        ReferralRow(r["id"], r["consumer_id"], r["group_id"], r["group_name"], r["status"],
                    r["created_at"], bool(r["attended"]))
        for r in conn.execute(
            "SELECT r.id, r.consumer_id, r.group_id, g.name AS group_name, r.status, "
            "r.created_at, (EXISTS (SELECT 1 FROM attendance a WHERE a.referral_id = r.id "
            "  OR (a.referral_id IS NULL AND a.consumer_id = r.consumer_id "
            "      AND a.group_id = r.group_id AND a.attended_on >= substr(r.created_at, 1, 10)))"
            " OR EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id "
            "  AND e.status IN ('attended', 'continuing'))) AS attended "
            "FROM referrals r JOIN groups g ON g.id = r.group_id "
            "WHERE substr(r.created_at, 1, 10) BETWEEN ? AND ? ORDER BY r.id",
            (first, last))
    ]
    created = [r[0] for r in conn.execute(
        "SELECT created_at FROM consumers WHERE substr(created_at, 1, 10) BETWEEN ? AND ?",
        (first, last))]
    return build_report(period, checkins, referrals, created, already_effective=True)


ACTIVE_REFERRAL_STATUSES = ("suggested", "referred", "attended", "continuing")


@dataclass(frozen=True)
class CalendarPlan:
    events: tuple[Any, ...]  # ical.MeetingEvent
    skipped: tuple[str, ...]  # why a group or meeting was left out (group names only)


def calendar_plan(
    conn: sqlite3.Connection, consumer_id: int, now: Any, local_tz: str | None
) -> CalendarPlan:
    """One event per meeting of each group the consumer has an active referral to.

    Each event starts at the meeting's next occurrence after ``now`` (local time), written in
    the meeting's own time zone, else ``local_tz``, else floating.
    """
    from zoneinfo import ZoneInfo

    from peercli.core.calendar import MeetingEvent
    from peercli.core.schedule import describe_meeting, next_occurrences

    marks = ", ".join("?" for _ in ACTIVE_REFERRAL_STATUSES)
    groups = conn.execute(
        f"SELECT g.*, min(r.id) AS referral_id FROM referrals r JOIN groups g ON g.id = r.group_id "
        f"WHERE r.consumer_id = ? AND r.status IN ({marks}) GROUP BY g.id ORDER BY min(r.id)",
        (consumer_id, *ACTIVE_REFERRAL_STATUSES),
    ).fetchall()
    events: list[Any] = []
    skipped: list[str] = []
    for g in groups:
        if g["status"] != "active":
            skipped.append(f"{g['name']} (the group is inactive)")
            continue
        meetings = group_meetings(conn, g["id"])
        if not meetings:
            skipped.append(f"{g['name']} (no meeting times listed)")
        place = ", ".join(p for p in (g["address"], g["city"], g["postal_code"]) if p)
        for index, m in enumerate(meetings):
            tzid = m.timezone or local_tz
            after = now
            if m.timezone and local_tz and m.timezone != local_tz:
                after = (now.replace(tzinfo=ZoneInfo(local_tz))
                         .astimezone(ZoneInfo(m.timezone)).replace(tzinfo=None))
            first = next_occurrences(m, after, 1)
            if not first:
                skipped.append(f"{g['name']} {describe_meeting(m)} (no more meetings)")
                continue
            lines = [describe_meeting(m) + (f" ({m.timezone})" if m.timezone else "")]
            if g["description"]:
                lines.append(g["description"])
            if g["format"] in ("online", "hybrid") and g["online_url"]:
                lines.append(f"Join online: {g['online_url']}")
            if g["organization"]:
                lines.append(f"Hosted by {g['organization']}")
            contact = ", ".join(p for p in (g["phone"], g["email"], g["website"]) if p)
            if contact:
                lines.append(f"Contact: {contact}")
            events.append(MeetingEvent(
                uid=f"group-{g['id']}-meeting-{index}@peer",
                summary=g["name"],
                meeting=m,
                first_start=first[0],
                tzid=tzid,
                description="\n".join(lines),
                location=place or (None if not g["online_url"] else "Online"),
                url=g["online_url"] or g["website"] or None,
            ))
    return CalendarPlan(tuple(events), tuple(skipped))


def local_zone_name() -> str | None:
    """The IANA name of this computer's time zone (TZ, /etc/localtime, /etc/timezone), if known."""
    from zoneinfo import ZoneInfo

    def valid(name: str | None) -> str | None:
        if not name:
            return None
        name = name.strip().lstrip(":")
        try:
            ZoneInfo(name)
        except (ValueError, KeyError, OSError):  # unknown or unreadable zone name
            return None
        return name

    env = valid(os.environ.get("TZ"))
    if env:
        return env
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            found = valid(target.split("zoneinfo/", 1)[1])
            if found:
                return found
    except OSError:
        pass
    try:
        return valid(Path("/etc/timezone").read_text(encoding="utf-8").splitlines()[0])
    except (OSError, IndexError):
        return None
