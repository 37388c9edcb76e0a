"""Groups in the store: streaming import of ``GroupRecord``s and hand-entered groups (reading,
listing and searching them is ``store/group_queries.py``; meetings ``store/meetings.py``).

Values arrive here already parsed and normalized (``importers``, ``schedule``, ``topics``); this
module only reads and writes rows. An import is one transaction (all or nothing), keyed by
``(source, source_key)``: a record whose ``content_hash()`` matches the stored one is *unchanged*,
otherwise the row is *updated in place* (same id, so referrals keep pointing at it) and its topics,
meetings and search row are replaced. Imports add ONE audit row per run (action ``import``,
entity ``group``, id = the source, fields = the count names), not one per group, to stay fast;
hand edits (add / edit / retire) audit each record.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from peercli.core.contract import ImportResultDict
from peercli.core.errors import PeerError
from peercli.store.db import audit, loads_list, now_iso
from peercli.store.group_rows import (
    _RECORD_COLUMNS,
    _RowWriter,
)
from peercli.store.meetings import group_meetings

if TYPE_CHECKING:
    from peercli.importers.records import GroupRecord, RowError

MANUAL_SOURCE = "manual"
BATCH_SIZE = 2_000  # groups written per executemany batch

# Record fields a hand edit may change, as the user names them (audit field names).
EDITABLE_FIELDS = _RECORD_COLUMNS + ("topics", "meetings")

# -- import ----------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run or a refused file, would have done)."""

    source: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    unknown_topics: list[str] = field(default_factory=list)
    rows_read: int = 0
    dry_run: bool = False
    written: bool = False
    retire_skipped: bool = False
    #: Per-group changes found on a re-import (``core.changes``): dicts with group_id, name,
    #: what, before, after, message. Empty on a source's first import.
    changes: list[dict[str, Any]] = field(default_factory=list)
    reimport: bool = False
    #: Listings recognised as a group another source already lists (linked to it, not
    #: inserted): dicts with group_id, name (as this source has it), listed_by, source_key,
    #: reason. See store/group_links.py.
    same_groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unknown_topics_count(self) -> int:
        return len(self.unknown_topics)

    def to_dict(self) -> ImportResultDict:
        """The JSON contract (inserted, updated, unchanged, retired, errors) plus extras."""
        result: ImportResultDict = {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
            "errors": list(self.errors),
            "source": self.source,
            "rows_read": self.rows_read,
            "unknown_topics": list(self.unknown_topics),
            "unknown_topics_count": self.unknown_topics_count,
            "dry_run": self.dry_run,
            "written": self.written,
            "retire_skipped": self.retire_skipped,
            "same_group": len(self.same_groups),
            "same_groups": list(self.same_groups),
        }
        if self.reimport:
            result["changes"] = list(self.changes)
        return result


class _Refused(Exception):
    """Raised inside the write transaction to roll it back when rows were bad."""


def _existing(conn: sqlite3.Connection, source: str) -> dict[str, tuple[int, str | None, str]]:
    """source_key -> (id, content_hash, status) for every group of ``source``."""
    return {
        key: (gid, digest, status)
        for key, gid, digest, status in conn.execute(
            "SELECT source_key, id, content_hash, status FROM groups WHERE source = ?", (source,)
        )
    }


def import_records(
    conn: sqlite3.Connection,
    stream: Iterable[GroupRecord | RowError],
    *,
    source: str,
    dry_run: bool = False,
    retire_missing: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    on_reject: Callable[[RowError], None] | None = None,
) -> ImportSummary:
    """Stream records into the store in ONE transaction, keyed by (source, source_key).

    By default any ``RowError`` in the stream means nothing is written (the transaction is rolled
    back; the summary still has every error and the counts the good rows would have given, with
    ``written`` False). ``skip_invalid`` writes the good rows anyway; ``on_reject`` sees each bad
    row (for a rejects file). ``dry_run`` never opens a write transaction: the counts come from
    one SELECT of the source's keys and hashes. ``retire_missing`` marks the source's active
    groups that are absent from the stream inactive; it is skipped (``retire_skipped``) when rows
    were rejected, since a rejected row may be a group that is still listed.
    """
    run = _ImportRun(conn, source, dry_run, progress, on_reject)
    if dry_run:
        next_new = _next_group_id(conn)
        for record, digest in run.items(stream):
            kind, gid = run.route(record, digest)
            if kind == "inserted":
                gid, next_new = next_new, next_new + 1
            if gid is not None:
                run.note_changes(conn, kind, gid, record)
        run.finish_counts(retire_missing, conn)
        run.changes_out(conn)
        return run.summary
    try:
        _write_import(conn, run, stream, retire_missing, skip_invalid)
    except _Refused:
        return run.summary
    run.summary.written = True
    return run.summary


class _ImportRun:
    """The state of one import: its summary, the source's stored keys, the keys seen."""

    def __init__(self, conn: sqlite3.Connection, source: str, dry_run: bool,
                 progress: Callable[[int], None] | None,
                 on_reject: Callable[[RowError], None] | None) -> None:
        self.source = source
        self.summary = ImportSummary(source=source, dry_run=dry_run)
        self.existing = _existing(conn, source)
        from peercli.store.group_links import SameGroupIndex, links_of

        self.links = links_of(conn, source)
        self.index = SameGroupIndex(conn, source, {gid for gid, _ in self.links.values()})
        #: (kind, source_key, group id, name, digest, reason) of link rows to write
        self.link_ops: list[tuple[str, str, int, str, str | None, str]] = []
        self.seen: set[str] = set()
        self.unknown: dict[str, None] = {}
        self.progress = progress
        self.on_reject = on_reject
        self.summary.reimport = bool(self.existing or self.links)
        self.found_changes: list[tuple[int, Any]] = []
        self.names: dict[int, str] = {}
        self.dropped_links: list[str] = []
        self.handed_over: list[int] = []

    def route(self, record: GroupRecord, digest: str) -> tuple[str, int | None]:
        """Where a record goes, counted: ("inserted", None), ("updated"/"unchanged", its group),
        or, for the same group as another source's, ("linked", that group) — a link made,
        updated or left as it was."""
        found = self.existing.get(record.source_key)
        if found is not None:
            return _classify(self.summary, found, record, digest), found[0]
        summary = self.summary
        link = self.links.get(record.source_key)
        if link is not None:
            gid, old = link
            if old == digest:
                summary.unchanged += 1
                return "linked", gid
            if self.index.still_same(record, gid):
                summary.updated += 1
                self.link_ops.append(("update", record.source_key, gid, record.name, digest, ""))
                return "linked", gid
            summary.inserted += 1  # no longer the same group: its own group from now on
            self.link_ops.append(("delete", record.source_key, gid, record.name, None, ""))
            return "inserted", None
        hit = self.index.find(record)
        if hit is None:
            summary.inserted += 1
            return "inserted", None
        known, reason = hit
        self.index.taken.add(known.group_id)
        summary.same_groups.append({"group_id": known.group_id, "name": record.name,
                                    "listed_by": known.source, "source_key": record.source_key,
                                    "reason": reason})
        self.link_ops.append(("insert", record.source_key, known.group_id, record.name, digest,
                              reason))
        return "linked", known.group_id

    def note_changes(self, conn: sqlite3.Connection, kind: str, group_id: int,
                     record: GroupRecord) -> None:
        """Compare the stored group with the incoming record (re-imports only)."""
        if not self.summary.reimport:
            return
        from peercli.core.changes import diff_groups, new_group

        self.names[group_id] = record.name
        if kind == "inserted":
            self.found_changes.append((group_id, new_group(_record_state(record), self.source)))
        elif kind == "updated":
            for change in diff_groups(_stored_state(conn, group_id), _record_state(record)):
                self.found_changes.append((group_id, change))

    def changes_out(self, conn: sqlite3.Connection) -> None:
        missing = [gid for gid, _ in self.found_changes if gid not in self.names]
        self.names.update(_names(conn, missing))
        self.summary.changes = [
            {"group_id": gid, "name": self.names.get(gid, ""), "what": c.what,
             "before": c.before, "after": c.after, "message": c.message}
            for gid, c in self.found_changes
        ]

    def items(self, stream: Iterable[GroupRecord | RowError]) -> Iterator[tuple[GroupRecord, str]]:
        """Good records with their hashes; errors are recorded on the way past."""
        from peercli.importers.records import GroupRecord

        count = 0
        for item in stream:
            count += 1
            if self.progress is not None and count % 1000 == 0:
                self.progress(count)
            if not isinstance(item, GroupRecord):
                self.summary.errors.append({"line": item.line, "message": item.message})
                if self.on_reject is not None:
                    self.on_reject(item)
                continue
            if item.unknown_topics:
                self.unknown.update(dict.fromkeys(item.unknown_topics))
            self.seen.add(item.source_key)
            yield item, item.content_hash()
        self.summary.rows_read = count
        if self.progress is not None:
            self.progress(count)

    def finish_counts(self, retire_missing: bool,
                      conn: sqlite3.Connection | None = None) -> list[int]:
        """Sort the unknown topics; the ids of the groups to retire (none when rows failed)."""
        summary = self.summary
        summary.unknown_topics = sorted(self.unknown)
        if not retire_missing:
            return []
        if summary.errors:
            summary.retire_skipped = True
            return []
        if summary.rows_read == 0 and self.existing:
            # a feed that is empty by mistake (a server glitch, a broken export) would retire
            # every group of the source: an empty listing retires nothing
            summary.retire_skipped = True
            return []
        gone = [gid for key, (gid, _, status) in self.existing.items()
                if key not in self.seen and status == "active"]
        self.dropped_links = [key for key in self.links if key not in self.seen]
        if gone and conn is not None:
            # a group another source still lists is handed over to it, not retired
            listed = {gid for (gid,) in conn.execute(
                "SELECT DISTINCT group_id FROM group_links WHERE group_id IN "
                "(SELECT value FROM json_each(?)) AND source != ?",
                (json.dumps(gone), self.source))}
            self.handed_over = [gid for gid in gone if gid in listed]
            gone = [gid for gid in gone if gid not in listed]
        summary.retired = len(gone)
        if conn is not None and summary.reimport:
            from peercli.core.changes import gone_group

            for gid in gone:
                self.found_changes.append((gid, gone_group(_stored_state(conn, gid),
                                                           self.source)))
        return gone


def _write_import(conn: sqlite3.Connection, run: _ImportRun,
                  stream: Iterable[GroupRecord | RowError], retire_missing: bool,
                  skip_invalid: bool) -> None:
    """The write transaction of an import; raises _Refused (rolled back) for a refused file."""
    from peercli.store.db import write

    summary = run.summary
    with write(conn):
        writer = _RowWriter(conn, BATCH_SIZE)
        stamp = now_iso()
        next_id = _next_group_id(conn)
        for record, digest in run.items(stream):
            kind, gid = run.route(record, digest)
            if summary.errors and not skip_invalid:
                continue  # refused anyway: keep reading only to report every bad row
            if kind == "inserted":
                run.note_changes(conn, kind, next_id, record)
                writer.insert(next_id, run.source, record, digest, stamp)
                next_id += 1
            elif kind == "updated" and gid is not None:
                run.note_changes(conn, kind, gid, record)
                writer.update(gid, record, digest, stamp)
        gone = run.finish_counts(retire_missing, conn)
        if summary.errors and not skip_invalid:
            raise _Refused
        writer.flush()
        _write_links(conn, run, stamp)
        if gone:
            conn.executemany(
                "UPDATE groups SET status = 'inactive', content_hash = NULL, updated_at = ? "
                "WHERE id = ?",
                [(stamp, gid) for gid in gone],
            )
        if run.found_changes:
            run.changes_out(conn)
            _save_changes(conn, run.source, summary.changes, stamp)
        audit(conn, "import", "group", run.source,
              [name for name in ("inserted", "updated", "unchanged", "retired")
               if getattr(summary, name)])


def _write_links(conn: sqlite3.Connection, run: _ImportRun, stamp: str) -> None:
    """The link rows of an import: made, updated, removed (a listing no longer the same group,
    or no longer in the source with --retire-missing), and groups handed over."""
    from peercli.store.group_links import hand_over

    source = run.source
    for op, key, gid, name, digest, reason in run.link_ops:
        if op == "insert":
            conn.execute(
                "INSERT INTO group_links (source, source_key, group_id, name, content_hash, "
                "reason, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (source, key, gid, name, digest, reason, stamp))
        elif op == "update":
            conn.execute("UPDATE group_links SET content_hash = ?, name = ? "
                         "WHERE source = ? AND source_key = ?", (digest, name, source, key))
        else:
            conn.execute("DELETE FROM group_links WHERE source = ? AND source_key = ?",
                         (source, key))
    if run.dropped_links:
        conn.executemany("DELETE FROM group_links WHERE source = ? AND source_key = ?",
                         [(source, key) for key in run.dropped_links])
    if run.handed_over:
        hand_over(conn, run.handed_over, stamp)


def _classify(summary: ImportSummary, found: tuple[int, str | None, str] | None,
              record: GroupRecord, digest: str) -> str:
    if found is None:
        summary.inserted += 1
        return "inserted"
    if found[1] == digest:
        summary.unchanged += 1
        return "unchanged"
    summary.updated += 1
    return "updated"


def _record_state(record: GroupRecord) -> Any:
    from peercli.core.changes import GroupState

    return GroupState(record.name, record.format, record.status, record.address, record.city,
                      record.postal_code, record.latitude, record.longitude, record.meetings,
                      record.notes)


def _stored_state(conn: sqlite3.Connection, group_id: int) -> Any:
    from peercli.core.changes import GroupState

    r = conn.execute(
        "SELECT name, format, status, address, city, postal_code, latitude, longitude, notes "
        "FROM groups WHERE id = ?", (group_id,)).fetchone()
    return GroupState(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                      tuple(group_meetings(conn, group_id)), r[8])


def _names(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {gid: name for gid, name in conn.execute(
        "SELECT id, name FROM groups WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(ids))),))}


def _save_changes(conn: sqlite3.Connection, source: str, changes: list[dict[str, Any]],
                  stamp: str) -> None:
    """Record the changes, and raise an alert for each change (other than a new group) to a
    group someone has an open referral to (suggested, referred, attended, continuing)."""
    from peercli.core.changes import ALERT_KINDS

    for c in changes:
        cur = conn.execute(
            "INSERT INTO group_changes (group_id, source, at, what, before, after, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (c["group_id"], source, stamp, c["what"], c["before"], c["after"], c["message"]))
        if c["what"] not in ALERT_KINDS:
            continue
        conn.execute(
            "INSERT INTO change_alerts (change_id, referral_id, consumer_id, created_at) "
            "SELECT ?, r.id, r.consumer_id, ? FROM referrals r "
            "JOIN consumers p ON p.id = r.consumer_id AND p.status = 'active' "
            "WHERE r.group_id = ? AND r.status IN ('suggested', 'referred', 'attended', "
            "'continuing')",
            (cur.lastrowid, stamp, c["group_id"]))


def _next_group_id(conn: sqlite3.Connection) -> int:
    # Safe under the write lock: nobody else can insert until we commit.
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM groups").fetchone()[0])


# -- hand-entered groups ---------------------------------------------------------------------


def record_from_row(conn: sqlite3.Connection, group_id: int) -> GroupRecord:
    """The stored group as a GroupRecord (for an edit that changes a few fields)."""
    from peercli.importers.records import GroupRecord

    r = conn.execute("SELECT * FROM groups WHERE id = ?", (group_id,)).fetchone()
    if r is None:
        raise PeerError(f"no group with id {group_id}")
    topics = tuple(t for (t,) in conn.execute(
        "SELECT topic FROM group_topics WHERE group_id = ? ORDER BY topic", (group_id,)))
    meetings = tuple(group_meetings(conn, group_id))
    return GroupRecord(
        source=r["source"], source_key=r["source_key"], name=r["name"],
        organization=r["organization"], description=r["description"], topics=topics,
        meetings=meetings, format=r["format"], address=r["address"], city=r["city"],
        postal_code=r["postal_code"], latitude=r["latitude"], longitude=r["longitude"],
        online_url=r["online_url"], languages=tuple(loads_list(r["languages"])),
        facilitation=r["facilitation"], audience=tuple(loads_list(r["audience"])),
        accessibility=tuple(loads_list(r["accessibility"])),
        open_to_newcomers=None if r["open_to_newcomers"] is None
        else bool(r["open_to_newcomers"]),
        cost=r["cost"], phone=r["phone"], email=r["email"], website=r["website"],
        notes=r["notes"], status=r["status"],
        last_verified=date.fromisoformat(r["last_verified"]) if r["last_verified"] else None,
        online_phone=r["online_phone"], regions=tuple(loads_list(r["regions"])),
        proof_of_attendance=None if r["proof_of_attendance"] is None
        else bool(r["proof_of_attendance"]),
        feedback_url=r["feedback_url"], feedback_emails=tuple(loads_list(r["feedback_emails"])),
    )


def add_group(conn: sqlite3.Connection, record: GroupRecord) -> int:
    """Insert a hand-entered group (source "manual", key "manual:<id>"); call inside write()."""
    group_id = _next_group_id(conn)
    record = dataclasses.replace(record, source=MANUAL_SOURCE, source_key=f"manual:{group_id}")
    writer = _RowWriter(conn, BATCH_SIZE)
    writer.insert(group_id, MANUAL_SOURCE, record, None, now_iso())
    writer.flush()
    audit(conn, "create", "group", group_id,
          [f for f in EDITABLE_FIELDS if _has_value(getattr(record, f, None))])
    return group_id


def edit_group(conn: sqlite3.Connection, group_id: int, changes: dict[str, Any]) -> list[str]:
    """Apply ``changes`` (GroupRecord field -> new value) to a group; call inside write().

    The stored import hash is kept, so re-importing the same file leaves a hand edit alone,
    while a changed listing for this group replaces it. Returns the names of fields that changed.
    """
    before = record_from_row(conn, group_id)
    after = dataclasses.replace(before, **changes)
    changed = [name for name in changes if getattr(before, name) != getattr(after, name)]
    if not changed:
        return []
    digest = conn.execute("SELECT content_hash FROM groups WHERE id = ?", (group_id,)).fetchone()[0]
    writer = _RowWriter(conn, BATCH_SIZE)
    writer.update(group_id, after, digest, now_iso())
    writer.flush()
    audit(conn, "update", "group", group_id, changed)
    return changed


def set_group_status(conn: sqlite3.Connection, group_id: int, status: str) -> None:
    conn.execute("UPDATE groups SET status = ?, updated_at = ? WHERE id = ?",
                 (status, now_iso(), group_id))
    audit(conn, "retire" if status == "inactive" else "reactivate", "group", group_id, ["status"])


def _has_value(value: Any) -> bool:
    return value not in (None, (), "", [])
