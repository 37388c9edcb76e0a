"""Meetings in the store: a ``schedule.Meeting`` as the columns of the ``meetings`` table and
back (the one mapping, used by groups, matching, calendars and export)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from peercli.store.db import dumps_list, loads_list

if TYPE_CHECKING:
    from peercli.core.schedule import Meeting


def _iso_date(value: date | str | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def meeting_columns(meeting: Meeting) -> tuple[Any, ...]:
    """(freq, interval, byday JSON, day_mask, start_minute, end_minute, timezone, dtstart, until,
    exdates JSON or None, approximate, part_of_day, bymonth JSON)."""
    from peercli.core.schedule import weekdays_of

    mask = 0
    for day in weekdays_of(meeting):
        mask |= 1 << day
    return (
        meeting.freq, meeting.interval, dumps_list(meeting.byday), mask or 127,
        meeting.start, meeting.end, meeting.timezone, _iso_date(meeting.dtstart),
        _iso_date(meeting.until),
        dumps_list([d.isoformat() for d in meeting.exdates]) if meeting.exdates else None,
        int(meeting.approximate), meeting.part_of_day, json.dumps(list(meeting.bymonth)),
    )


#: The ``meetings`` columns `meeting_from_row` reads, in its order.
MEETING_COLUMNS = (
    "freq, interval, byday, start_minute, end_minute, timezone, dtstart, until, exdates, "
    "approximate, part_of_day, bymonth"
)


def meeting_from_row(row: Sequence[Any]) -> Meeting:
    """The one row -> Meeting mapping: the values of MEETING_COLUMNS, as stored in the
    ``meetings`` table."""
    from peercli.core.schedule import Meeting

    freq, interval, byday, start, end, timezone, dtstart, until, exdates = row[:9]
    approximate, part, bymonth = (*row[9:12], 0, None, "[]")[:3] if len(row) < 12 else row[9:12]
    return Meeting(
        freq=freq, interval=int(interval), byday=tuple(loads_list(byday)), start=int(start),
        end=int(end), timezone=timezone or None,
        dtstart=date.fromisoformat(dtstart[:10]) if dtstart else None,
        until=date.fromisoformat(until[:10]) if until else None,
        exdates=tuple(date.fromisoformat(d) for d in loads_list(exdates)) if exdates else (),
        approximate=bool(approximate), part_of_day=part or None,
        bymonth=tuple(int(m) for m in json.loads(bymonth or "[]")),
    )


def meetings_by_group(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[Meeting]]:
    out: dict[int, list[Meeting]] = {i: [] for i in ids}
    if not ids:
        return out
    for r in conn.execute(
        f"SELECT group_id, {MEETING_COLUMNS} FROM meetings "
        "WHERE group_id IN (SELECT value FROM json_each(?)) ORDER BY group_id, id",
        (json.dumps(list(ids)),),
    ):
        out[r[0]].append(meeting_from_row(tuple(r)[1:]))
    return out


def group_meetings(conn: sqlite3.Connection, group_id: int) -> list[Meeting]:
    """A group's meetings, in the order they were stored."""
    return meetings_by_group(conn, [group_id])[group_id]
