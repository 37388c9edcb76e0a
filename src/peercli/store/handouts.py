"""Reading what ``peer handout`` needs: the groups a person was referred to, with their next
meetings (``core.handout`` turns them into words)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from peercli.core.handout import GroupFacts
from peercli.store.db import loads_list

HANDOUT_STATUSES = ("referred", "attended", "continuing")


def handout_groups(conn: sqlite3.Connection, consumer_id: int, now: datetime,
                   local_tz: str | None) -> tuple[list[GroupFacts], list[str]]:
    """Active groups the person was referred to (oldest referral first) with their next two
    meeting starts; and the names of groups left out (inactive)."""
    from peercli.core.schedule import next_occurrences
    from peercli.store.meetings import group_meetings

    marks = ", ".join("?" for _ in HANDOUT_STATUSES)
    rows = conn.execute(
        f"SELECT g.* FROM referrals r JOIN groups g ON g.id = r.group_id "
        f"WHERE r.consumer_id = ? AND r.status IN ({marks}) GROUP BY g.id ORDER BY min(r.id)",
        (consumer_id, *HANDOUT_STATUSES)).fetchall()
    out: list[GroupFacts] = []
    skipped: list[str] = []
    for g in rows:
        if g["status"] != "active":
            skipped.append(f"{g['name']} (the group is inactive)")
            continue
        starts: list[datetime] = []
        for m in group_meetings(conn, g["id"]):
            starts.extend(next_occurrences(m, now, 2, local_tz=local_tz))
        starts = sorted(starts)[:2]
        address = ", ".join(p for p in (g["address"], g["city"], g["postal_code"]) if p) or None
        out.append(GroupFacts(
            name=g["name"], organization=g["organization"], format=g["format"],
            facilitation=g["facilitation"],
            open_to_newcomers=None if g["open_to_newcomers"] is None
            else bool(g["open_to_newcomers"]),
            audience=tuple(loads_list(g["audience"])), languages=tuple(loads_list(g["languages"])),
            accessibility=tuple(loads_list(g["accessibility"])), cost=g["cost"], address=address,
            latitude=g["latitude"], longitude=g["longitude"], online_url=g["online_url"],
            phone=g["phone"], email=g["email"], website=g["website"], next_starts=tuple(starts)))
    return out, skipped
