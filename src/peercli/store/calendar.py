"""Reading what ``peer calendar`` writes: the meetings of a consumer's active referrals.

The iCalendar text itself is written by ``core/calendar.py``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CalendarPlan:
    events: tuple[Any, ...]  # ical.MeetingEvent
    skipped: tuple[str, ...]  # why a group or meeting was left out (group names only)


def calendar_plan(
    conn: sqlite3.Connection, consumer_id: int, now: Any, local_tz: str | None,
    statuses: tuple[str, ...] | None = None,
) -> CalendarPlan:
    """One event per meeting of each group the consumer has an active referral to.

    Each event starts at the meeting's next occurrence after ``now`` (local time), written in
    the meeting's own time zone, else ``local_tz``, else floating.
    """
    from zoneinfo import ZoneInfo

    from peercli.core.calendar import MeetingEvent
    from peercli.core.schedule import describe_meeting, next_occurrences
    from peercli.core.vocab import OPEN_REFERRAL_STATUSES
    from peercli.store.meetings import group_meetings

    statuses = statuses or OPEN_REFERRAL_STATUSES
    marks = ", ".join("?" for _ in statuses)
    groups = conn.execute(
        f"SELECT g.*, min(r.id) AS referral_id FROM referrals r JOIN groups g ON g.id = r.group_id "
        f"WHERE r.consumer_id = ? AND r.status IN ({marks}) GROUP BY g.id ORDER BY min(r.id)",
        (consumer_id, *statuses),
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
    """The IANA name of this computer's time zone, as ``tzlocal`` finds it (the TZ variable,
    then the system's settings); None when it cannot be told or names no known zone."""
    import warnings
    from zoneinfo import ZoneInfo

    import tzlocal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tzlocal warns when TZ and the system clock differ
        try:
            tzlocal.reload_localzone()  # TZ may have changed since this process last asked
        except (LookupError, ValueError, OSError):
            pass  # an unusable TZ: the system's own setting still counts
        try:
            name: str | None = tzlocal.get_localzone_name()
            if name:
                ZoneInfo(name)
        except (LookupError, ValueError, OSError):
            return None
    return name or None


@dataclass(frozen=True)
class CalendarFile:
    text: str  # the .ics; empty when there are no events
    events: tuple[Any, ...]
    skipped: tuple[str, ...]


def calendar_ics(conn: sqlite3.Connection, consumer_id: int) -> CalendarFile:
    """The .ics of a person's active referrals as of now, in the local time zone."""
    from datetime import UTC

    from peercli.core.calendar import build_calendar
    from peercli.store.clock import now

    current = now()
    plan = calendar_plan(conn, consumer_id, current, local_zone_name())
    text = build_calendar(list(plan.events), dtstamp=current.astimezone(UTC)) if plan.events \
        else ""
    return CalendarFile(text, plan.events, plan.skipped)
