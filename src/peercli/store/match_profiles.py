"""From the database to the matcher's values: the person's and the groups' profiles, and the
person's current plan. Groups load in batches (ids through json_each, three queries a batch),
never one query per group; `store/matching.py` narrows which ids to load.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from peercli.core.availability_windows import Window
from peercli.core.errors import PeerError
from peercli.core.geo import normalize_postal_code
from peercli.core.matching import ConsumerProfile, GroupProfile
from peercli.core.schedule import Meeting
from peercli.store.db import loads_list
from peercli.store.meetings import MEETING_COLUMNS, meeting_from_row
from peercli.store.places import centroids

# -- consumers -------------------------------------------------------------------------------


def _consumer_profiles(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]
) -> list[ConsumerProfile]:
    if not rows:
        return []
    from peercli.store.consumers import consumer_interests, consumer_windows

    ids = [r["id"] for r in rows]
    interests = consumer_interests(conn, ids)
    windows = {cid: [Window(*span) for span in spans]
               for cid, spans in consumer_windows(conn, ids).items()}
    places = centroids(conn, (r["postal_code"] for r in rows))
    out = []
    for r in rows:
        lat, lon = places.get(normalize_postal_code(r["postal_code"]), (None, None))
        out.append(ConsumerProfile(
            id=r["id"], name=r["name"], interests=tuple(interests[r["id"]]),
            windows=tuple(windows[r["id"]]), formats=tuple(loads_list(r["formats"])),
            languages=tuple(loads_list(r["languages"])),
            access_needs=tuple(loads_list(r["access_needs"])),
            eligible=tuple(loads_list(r["eligible"])), goals=r["goals"],
            pronouns=r["pronouns"], postal_code=r["postal_code"], latitude=lat, longitude=lon,
        ))
    return out


def load_consumer(conn: sqlite3.Connection, consumer_id: int) -> ConsumerProfile:
    row = conn.execute("SELECT * FROM consumers WHERE id = ?", (consumer_id,)).fetchone()
    if row is None:
        raise PeerError(f"no consumer with id {consumer_id}")
    return _consumer_profiles(conn, [row])[0]


def load_active_consumers(conn: sqlite3.Connection) -> list[ConsumerProfile]:
    rows = conn.execute(
        "SELECT * FROM consumers WHERE status = 'active' ORDER BY name COLLATE NOCASE, id"
    ).fetchall()
    return _consumer_profiles(conn, rows)


# -- groups ----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _listed(value: str | None) -> tuple[str, ...]:
    """A JSON list column as a tuple; directories repeat the same few values ('[]', '["en"]'),
    so each distinct text is parsed once."""
    return tuple(loads_list(value))


class MeetingCache:
    """Many groups share a schedule: build each distinct Meeting once."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], Meeting] = {}

    def get(self, values: tuple[Any, ...]) -> Meeting:
        m = self._cache.get(values)
        if m is None:
            m = self._cache[values] = meeting_from_row(values)
        return m


_GROUP_COLUMNS = (
    "id, name, organization, format, languages, accessibility, audience, facilitation, open_to_newcomers, "
    "status, last_verified, updated_at, latitude, longitude, postal_code, address, city, "
    "online_url, proof_of_attendance, source"
)


def load_groups(
    conn: sqlite3.Connection, ids: Sequence[int], *, cache: MeetingCache | None = None
) -> list[GroupProfile]:
    """Profiles for `ids` (in that order), in three queries whatever their number."""
    if not ids:
        return []
    cache = cache or MeetingCache()
    arg = json.dumps(list(ids))
    rows = {
        r["id"]: r for r in conn.execute(
            f"SELECT {_GROUP_COLUMNS} FROM groups WHERE id IN (SELECT value FROM json_each(?))",
            (arg,),
        )
    }
    topics: dict[int, list[str]] = {i: [] for i in ids}
    meetings: dict[int, list[Meeting]] = {i: [] for i in ids}
    for gid, topic in conn.execute(
        "SELECT group_id, topic FROM group_topics WHERE group_id IN "
        "(SELECT value FROM json_each(?))", (arg,)
    ):
        topics[gid].append(topic)
    for r in conn.execute(
        f"SELECT group_id, {MEETING_COLUMNS} FROM meetings "
        "WHERE group_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (arg,),
    ):
        meetings[r[0]].append(cache.get(tuple(r)[1:]))
    also: dict[int, list[str]] = {}  # the other sources listing the same group (group_links)
    for gid, source in conn.execute(
        "SELECT group_id, source FROM group_links WHERE group_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY linked_at, source", (arg,)
    ):
        also.setdefault(gid, []).append(source)
    missing_place = [
        r["postal_code"] for r in rows.values()
        if r["latitude"] is None and r["postal_code"] and r["format"] != "online"
    ]
    places = centroids(conn, missing_place) if missing_place else {}
    out = []
    for gid in ids:
        r = rows.get(gid)
        if r is None:
            continue
        lat, lon = r["latitude"], r["longitude"]
        if lat is None or lon is None:
            lat, lon = places.get(normalize_postal_code(r["postal_code"]), (None, None))
        newcomers = r["open_to_newcomers"]
        out.append(GroupProfile(
            id=gid, name=r["name"], topics=tuple(topics[gid]), meetings=tuple(meetings[gid]),
            organization=r["organization"],
            format=r["format"], languages=_listed(r["languages"]),
            accessibility=_listed(r["accessibility"]),
            audience=_listed(r["audience"]), facilitation=r["facilitation"],
            open_to_newcomers=None if newcomers is None else bool(newcomers),
            status=r["status"], last_verified=_date(r["last_verified"]),
            updated=_date(r["updated_at"]), latitude=lat, longitude=lon,
            postal_code=r["postal_code"], address=r["address"], city=r["city"],
            online_url=r["online_url"],
            proof_of_attendance=None if r["proof_of_attendance"] is None
            else bool(r["proof_of_attendance"]),
            sources=(r["source"], *also.get(gid, ())),
        ))
    return out


def load_group(conn: sqlite3.Connection, group_id: int) -> GroupProfile:
    found = load_groups(conn, [group_id])
    if not found:
        raise PeerError(f"no group with id {group_id}")
    return found[0]


#: Referral statuses that put a group in the person's plan, and how each is marked.
_PLAN_STATUSES = ("suggested", "referred", "attended", "continuing")


def current_plan(conn: sqlite3.Connection, consumer_id: int) -> tuple[tuple[int, str], ...]:
    """(group id, mark) for every group the person has an open referral to: "suggested 12 Nov",
    "referred 12 Nov" (the day of the last change), or "attending" (attended or continuing)."""
    out: dict[int, str] = {}
    rows = conn.execute(
        "SELECT group_id, status, updated_at FROM referrals WHERE consumer_id = ? AND status IN "
        f"({', '.join('?' for _ in _PLAN_STATUSES)}) ORDER BY updated_at, id",
        (consumer_id, *_PLAN_STATUSES),
    )
    for gid, status, updated in rows:
        if status in ("attended", "continuing"):
            out[gid] = "attending"
            continue
        day = _date(updated)
        out[gid] = f"{status} {day.day} {day.strftime('%b')}" if day else status
    return tuple(out.items())
