"""Reading groups: the JSON shape of a group, filtered lists, and full-text search.

Writing (imports, hand-entered groups) is ``store/groups.py``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from peercli.core.contract import GroupDict
from peercli.core.errors import PeerError
from peercli.store.db import loads_list
from peercli.store.meetings import meetings_by_group


def group_dicts(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], now: datetime
) -> list[GroupDict]:
    """The JSON contract shape for many groups, in two extra queries whatever their number."""
    from peercli.core.schedule import describe_meeting, meeting_to_dict, next_meeting

    if not rows:
        return []
    ids = [r["id"] for r in rows]
    topics: dict[int, list[str]] = {i: [] for i in ids}
    for gid, topic in conn.execute(
        "SELECT group_id, topic FROM group_topics WHERE group_id IN "
        "(SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ):
        topics[gid].append(topic)
    meetings = meetings_by_group(conn, ids)
    out: list[GroupDict] = []
    for r in rows:
        gid = r["id"]
        ms = meetings[gid]
        upcoming = next_meeting(ms, now) if ms and r["status"] == "active" else None
        out.append({
            "id": gid,
            "name": r["name"],
            "topics": sorted(topics[gid]),
            "format": r["format"],
            "meetings": [meeting_to_dict(m) for m in ms],
            "schedule": [describe_meeting(m) for m in ms] or ["schedule unknown"],
            "next_meeting": upcoming.isoformat(timespec="minutes") if upcoming else None,
            "status": r["status"],
            "organization": r["organization"],
            "description": r["description"],
            "facilitation": r["facilitation"],
            "audience": loads_list(r["audience"]),
            "languages": loads_list(r["languages"]),
            "accessibility": loads_list(r["accessibility"]),
            "open_to_newcomers": None if r["open_to_newcomers"] is None
            else bool(r["open_to_newcomers"]),
            "cost": r["cost"],
            "address": r["address"],
            "city": r["city"],
            "postal_code": r["postal_code"],
            "latitude": r["latitude"],
            "longitude": r["longitude"],
            "online_url": r["online_url"],
            "phone": r["phone"],
            "email": r["email"],
            "website": r["website"],
            "notes": r["notes"],
            "online_phone": r["online_phone"],
            "regions": loads_list(r["regions"]),
            "proof_of_attendance": None if r["proof_of_attendance"] is None
            else bool(r["proof_of_attendance"]),
            "feedback_url": r["feedback_url"],
            "feedback_emails": loads_list(r["feedback_emails"]),
            "schedule_known": bool(ms),
            "source": r["source"],
            "source_key": r["source_key"],
            "last_verified": r["last_verified"],
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        })
    return out


def group_dict(conn: sqlite3.Connection, group_id: int, now: datetime) -> GroupDict:
    row = conn.execute("SELECT * FROM groups WHERE id = ?", (group_id,)).fetchone()
    if row is None:
        raise PeerError(f"no group with id {group_id}")
    return group_dicts(conn, [row], now)[0]


_FORMAT_FILTER = {
    # Someone who can attend online can attend a hybrid group, and likewise in person.
    "in_person": ("in_person", "hybrid"),
    "online": ("online", "hybrid"),
    "hybrid": ("hybrid",),
}


def list_group_rows(
    conn: sqlite3.Connection,
    *,
    topic: str | None = None,
    day: int | None = None,
    format: str | None = None,
    language: str | None = None,
    source: str | None = None,
    include_inactive: bool = False,
) -> list[sqlite3.Row]:
    """Groups by name, filtered in SQL. ``topic`` is a slug (normalize it first), ``day`` a
    weekday 0 = Monday, ``format`` one of in_person / online / hybrid (in_person and online also
    match hybrid groups), ``language`` an ISO 639-1 code ("en" also matches groups whose listing
    names no language)."""
    where = ["1"]
    params: list[Any] = []
    if not include_inactive:
        where.append("g.status = 'active'")
    if topic is not None:
        where.append("g.id IN (SELECT group_id FROM group_topics WHERE topic = ?)")
        params.append(topic)
    if day is not None:
        where.append(
            "EXISTS (SELECT 1 FROM meetings m WHERE m.group_id = g.id AND (m.day_mask & ?) != 0)")
        params.append(1 << day)
    if format is not None:
        allowed = _FORMAT_FILTER[format]
        where.append(f"g.format IN ({', '.join('?' for _ in allowed)})")
        params.extend(allowed)
    if language is not None:
        clause = "EXISTS (SELECT 1 FROM json_each(g.languages) WHERE value = ?)"
        if language == "en":
            clause = f"({clause} OR g.languages = '[]')"
        where.append(clause)
        params.append(language)
    if source is not None:  # its own groups and the ones it lists too (group_links)
        where.append("(g.source = ? OR g.id IN (SELECT group_id FROM group_links "
                     "WHERE source = ?))")
        params.extend((source, source))
    return conn.execute(
        f"SELECT g.* FROM groups g WHERE {' AND '.join(where)} ORDER BY g.name COLLATE NOCASE, g.id",
        params,
    ).fetchall()


_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str, *, any_word: bool = False) -> str | None:
    """User text as a safe FTS5 query: every word quoted (so AND, NEAR, quotes, colons and
    parentheses are just text), the last one as a prefix. None when there is no word at all."""
    words = _FTS_TOKEN.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words[:32]]
    quoted[-1] += "*"
    return (" OR " if any_word else " ").join(quoted)


def _topic_phrase(text: str) -> str | None:
    """When the whole text names a known topic by a synonym ("bereavement"), an FTS phrase for
    that topic's slug, so the search finds groups tagged with it."""
    from peercli.importers.userfiles import load_vocabulary

    if len(text) > 100:
        return None
    slug, known = load_vocabulary().normalize_one(text)
    words = _FTS_TOKEN.findall(slug.replace("-", " ")) if known else []
    return '"' + " ".join(words) + '"' if words else None


def search_groups(
    conn: sqlite3.Connection, text: str, *, include_inactive: bool = False, limit: int = 50
) -> list[sqlite3.Row]:
    """Full-text search over name, description, organization and topics, best first (bm25, name
    and topics weigh most). All words must match; if no group has them all, any word may. Text
    that names a vocabulary topic (by label or synonym) also finds groups with that topic."""
    status = "" if include_inactive else "AND g.status = 'active'"
    sql = (
        "SELECT g.* FROM groups_fts JOIN groups g ON g.id = groups_fts.rowid "
        f"WHERE groups_fts MATCH ? {status} "
        "ORDER BY bm25(groups_fts, 10.0, 1.0, 2.0, 5.0), g.id LIMIT ?"
    )
    topic = _topic_phrase(text)
    for any_word in (False, True):
        query = fts_query(text, any_word=any_word)
        if query is None:
            return []
        if topic:
            query = f"({query}) OR topics : {topic}"
        rows = conn.execute(sql, (query, limit)).fetchall()
        if rows:
            return rows
    return []
