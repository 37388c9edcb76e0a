"""The same group from two sources, in the store: one group row, and a link for every other
source that lists it (table ``group_links``: source, source_key, group_id, the listing's own
name and content hash, why it was recognised). The rule itself is ``core.samegroup``;
docs/groups.md "The same group from two sources" says what an import, a re-import, a refresh
and ``--retire-missing`` do with links.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peercli.store.db import loads_list

if TYPE_CHECKING:
    from peercli.core.samegroup import Identity
    from peercli.importers.records import GroupRecord


@dataclass(frozen=True)
class Known:
    """A group another source listed first, as the rule sees it."""

    group_id: int
    source: str
    name: str
    identity: Identity


def record_identity(record: GroupRecord) -> Identity | None:
    from peercli.core.samegroup import identity

    return identity(
        name=record.name, meetings=record.meetings, topics=record.topics,
        audience=record.audience, address=record.address, city=record.city,
        postal_code=record.postal_code, latitude=record.latitude, longitude=record.longitude,
        online_url=record.online_url, online_phone=record.online_phone, format=record.format)


class SameGroupIndex:
    """The active groups of every other source, by schedule, loaded on the first question (an
    import whose keys are all known never loads it)."""

    def __init__(self, conn: sqlite3.Connection, source: str, taken: set[int]) -> None:
        self.conn = conn
        self.source = source
        #: groups this source already links to (one listing per source and group)
        self.taken = taken
        self._by_slots: dict[Any, list[Known]] | None = None
        self._by_id: dict[int, Known] = {}

    def _load(self) -> dict[Any, list[Known]]:
        from peercli.core.samegroup import identity
        from peercli.store.meetings import MEETING_COLUMNS, meeting_from_row

        conn, source = self.conn, self.source
        rows = conn.execute(
            "SELECT id, source, name, format, address, city, postal_code, latitude, longitude, "
            "online_url, online_phone, audience FROM groups "
            "WHERE source != ? AND status = 'active'", (source,)).fetchall()
        by_slots: dict[Any, list[Known]] = defaultdict(list)
        if not rows:
            return by_slots
        meetings: dict[int, list[Any]] = defaultdict(list)
        for r in conn.execute(
                f"SELECT m.group_id, {', '.join('m.' + c.strip() for c in MEETING_COLUMNS.split(','))} "
                "FROM meetings m JOIN groups g ON g.id = m.group_id "
                "WHERE g.source != ? AND g.status = 'active' ORDER BY m.id", (source,)):
            meetings[r[0]].append(meeting_from_row(tuple(r)[1:]))
        topics: dict[int, list[str]] = defaultdict(list)
        for gid, topic in conn.execute(
                "SELECT t.group_id, t.topic FROM group_topics t JOIN groups g ON g.id = t.group_id "
                "WHERE g.source != ? AND g.status = 'active'", (source,)):
            topics[gid].append(topic)
        for r in rows:
            gid = r[0]
            ident = identity(
                name=r[2], meetings=meetings.get(gid, ()), topics=topics.get(gid, ()),
                audience=loads_list(r[11]), address=r[4], city=r[5], postal_code=r[6],
                latitude=r[7], longitude=r[8], online_url=r[9], online_phone=r[10],
                format=r[3])
            if ident is None:
                continue
            known = Known(gid, r[1], r[2], ident)
            by_slots[ident.slot_key].append(known)
            self._by_id[gid] = known
        return by_slots

    def find(self, record: GroupRecord) -> tuple[Known, str] | None:
        """The one group of another source this record is (and why), or None: none, or more
        than one (then it is not linked: which one would be a guess)."""
        from peercli.core.samegroup import same_group, schedule_slots

        if self._by_slots is None:
            self._by_slots = self._load()
        if not self._by_slots:
            return None  # no other source: nothing to compare (the cost of a first import)
        candidates = self._by_slots.get(schedule_slots(record.meetings), ())
        if not candidates:
            return None
        ident = record_identity(record)
        if ident is None:
            return None
        hits = []
        for known in candidates:
            if known.group_id in self.taken:
                continue
            reason = same_group(ident, known.identity)
            if reason is not None:
                hits.append((known, reason))
        return hits[0] if len(hits) == 1 else None

    def still_same(self, record: GroupRecord, group_id: int) -> bool:
        """Whether a changed listing is still the group it was linked to."""
        from peercli.core.samegroup import same_group

        ident = record_identity(record)
        if ident is None:
            return False
        if self._by_slots is None:
            self._by_slots = self._load()
        known = self._by_id.get(group_id)
        return known is not None and same_group(ident, known.identity) is not None


def links_of(conn: sqlite3.Connection, source: str) -> dict[str, tuple[int, str | None]]:
    """source_key -> (group id, content hash) of the listings of ``source`` linked to another
    source's group."""
    return {key: (gid, digest) for key, gid, digest in conn.execute(
        "SELECT source_key, group_id, content_hash FROM group_links WHERE source = ?",
        (source,))}


def also_listed_by(conn: sqlite3.Connection, group_id: int) -> list[dict[str, Any]]:
    """The other sources that list a group: [{"source", "source_key", "name", "reason"}]."""
    return [{"source": r[0], "source_key": r[1], "name": r[2], "reason": r[3]}
            for r in conn.execute(
                "SELECT source, source_key, name, reason FROM group_links WHERE group_id = ? "
                "ORDER BY linked_at, source", (group_id,))]


def hand_over(conn: sqlite3.Connection, group_ids: list[int], stamp: str) -> list[int]:
    """Of the groups a source no longer lists, the ones another source still lists become that
    source's (its first link: its key and hash; the link is removed); they stay active. Returns
    the ids handed over."""
    moved = []
    for gid in group_ids:
        link = conn.execute(
            "SELECT source, source_key, content_hash FROM group_links WHERE group_id = ? "
            "ORDER BY linked_at, rowid LIMIT 1", (gid,)).fetchone()
        if link is None:
            continue
        conn.execute("DELETE FROM group_links WHERE source = ? AND source_key = ?",
                     (link[0], link[1]))
        conn.execute("UPDATE groups SET source = ?, source_key = ?, content_hash = ?, "
                     "updated_at = ? WHERE id = ?", (link[0], link[1], link[2], stamp, gid))
        moved.append(gid)
    return moved
