"""Writing groups' rows: a ``GroupRecord`` -> its ``groups`` row, topics, meetings and search
row, buffered and written with executemany a batch at a time (``_RowWriter``). Used by imports
and hand edits alike (``store/groups.py``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from peercli.store.db import dumps_list
from peercli.store.meetings import meeting_columns

if TYPE_CHECKING:
    from peercli.core.schedule import Meeting
    from peercli.importers.records import GroupRecord


# Columns of ``groups`` filled from a GroupRecord, in INSERT order (after id, source, source_key).
_RECORD_COLUMNS = (
    "name", "organization", "description", "facilitation", "format", "audience", "languages",
    "accessibility", "cost", "address", "city", "postal_code", "latitude", "longitude",
    "online_url", "phone", "email", "website", "notes", "open_to_newcomers", "status",
    "last_verified", "online_phone", "regions", "proof_of_attendance", "feedback_url",
    "feedback_emails",
)
_INSERT_GROUP = (
    "INSERT INTO groups (id, source, source_key, " + ", ".join(_RECORD_COLUMNS)
    + ", content_hash, created_at, updated_at) VALUES ("
    + ", ".join("?" for _ in range(3 + len(_RECORD_COLUMNS) + 3)) + ")"
)
_UPDATE_GROUP = (
    "UPDATE groups SET " + ", ".join(f"{c} = ?" for c in _RECORD_COLUMNS)
    + ", content_hash = ?, updated_at = ? WHERE id = ?"
)
_INSERT_TOPIC = "INSERT OR IGNORE INTO group_topics (group_id, topic) VALUES (?, ?)"
_INSERT_MEETING = (
    "INSERT INTO meetings (group_id, freq, interval, byday, day_mask, start_minute, end_minute, "
    "timezone, dtstart, until, exdates, approximate, part_of_day, bymonth) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FTS = (
    "INSERT INTO groups_fts (rowid, name, description, organization, topics) VALUES (?, ?, ?, ?, ?)"
)


def _bool_int(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _iso_date(value: date | str | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


_LIST_TEXT: dict[tuple[str, ...], str] = {(): "[]"}


def _list_text(values: tuple[str, ...]) -> str:
    """dumps_list, memoized: a directory repeats the same few lists on every row."""
    text = _LIST_TEXT.get(values)
    if text is None:
        text = dumps_list(values)
        if len(_LIST_TEXT) < 10_000:
            _LIST_TEXT[values] = text
    return text


def _record_values(record: GroupRecord) -> tuple[Any, ...]:
    return (
        record.name, record.organization, record.description, record.facilitation, record.format,
        _list_text(record.audience), _list_text(record.languages),
        _list_text(record.accessibility), record.cost, record.address, record.city,
        record.postal_code, record.latitude, record.longitude, record.online_url, record.phone,
        record.email, record.website, record.notes, _bool_int(record.open_to_newcomers),
        record.status, _iso_date(record.last_verified), record.online_phone,
        _list_text(record.regions), _bool_int(record.proof_of_attendance), record.feedback_url,
        _list_text(record.feedback_emails),
    )


class _RowWriter:
    """Buffers the rows of many groups and writes them with executemany, a batch at a time."""

    def __init__(self, conn: sqlite3.Connection, batch_size: int) -> None:
        from peercli.importers.userfiles import load_vocabulary

        self.conn = conn
        self.batch_size = batch_size
        self._vocabulary = load_vocabulary()
        self._labels: dict[str, str] = {}
        self._meeting_rows: dict[Any, tuple[Any, ...]] = {}
        self.inserts: list[tuple[Any, ...]] = []
        self.updates: list[tuple[Any, ...]] = []
        self.replaced: list[tuple[int]] = []
        self.topics: list[tuple[int, str]] = []
        self.meetings: list[tuple[Any, ...]] = []
        self.fts: list[tuple[Any, ...]] = []
        self.pending = 0

    def _topic_text(self, topics: Sequence[str]) -> str:
        parts = []
        for slug in topics:
            label = self._labels.get(slug)
            if label is None:
                label = self._labels[slug] = self._vocabulary.label(slug)
            parts.append(label)
            parts.append(slug.replace("-", " "))
        return " ".join(parts)

    def _meeting_row(self, meeting: Meeting) -> tuple[Any, ...]:
        row = self._meeting_rows.get(meeting)
        if row is None:
            row = meeting_columns(meeting)
            if len(self._meeting_rows) < 20_000:
                self._meeting_rows[meeting] = row
        return row

    def _children(self, group_id: int, record: GroupRecord) -> None:
        self.topics.extend((group_id, t) for t in record.topics)
        self.meetings.extend((group_id, *self._meeting_row(m)) for m in record.meetings)
        self.fts.append((group_id, record.name, record.description, record.organization,
                         self._topic_text(record.topics)))

    def insert(self, group_id: int, source: str, record: GroupRecord, content_hash: str | None,
               stamp: str) -> None:
        self.inserts.append((group_id, source, record.source_key, *_record_values(record),
                             content_hash, stamp, stamp))
        self._children(group_id, record)
        self.pending += 1
        if self.pending >= self.batch_size:
            self.flush()

    def update(self, group_id: int, record: GroupRecord, content_hash: str | None,
               stamp: str) -> None:
        self.updates.append((*_record_values(record), content_hash, stamp, group_id))
        self.replaced.append((group_id,))
        self._children(group_id, record)
        self.pending += 1
        if self.pending >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        c = self.conn
        if self.replaced:
            c.executemany("DELETE FROM group_topics WHERE group_id = ?", self.replaced)
            c.executemany("DELETE FROM meetings WHERE group_id = ?", self.replaced)
            c.executemany("DELETE FROM groups_fts WHERE rowid = ?", self.replaced)
        if self.inserts:
            c.executemany(_INSERT_GROUP, self.inserts)
        if self.updates:
            c.executemany(_UPDATE_GROUP, self.updates)
        if self.topics:
            c.executemany(_INSERT_TOPIC, self.topics)
        if self.meetings:
            c.executemany(_INSERT_MEETING, self.meetings)
        if self.fts:
            c.executemany(_INSERT_FTS, self.fts)
        for buffer in (self.inserts, self.updates, self.replaced, self.topics, self.meetings,
                       self.fts):
            buffer.clear()
        self.pending = 0
