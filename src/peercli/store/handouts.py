"""Reading what ``peer handout`` needs: the groups a person was referred to, with their next
meetings (``core.handout`` turns them into words)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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


@dataclass(frozen=True)
class HandoutMaterial:
    """Everything a handout shows, gathered: the document, its calendar, and what to tell the
    specialist (groups left out, no contact of theirs on it)."""

    consumer_id: int
    lang: str
    lang_reason: str
    doc: Any  # core.handout.Handout
    ics: str | None  # the .ics beside the HTML; None when no meeting has a time
    skipped: tuple[str, ...]
    notes: tuple[str, ...]


def handout_material(conn: sqlite3.Connection, person: sqlite3.Row, lang: str | None,
                     now: datetime, tz: str | None) -> HandoutMaterial:
    """The person's handout in ``lang`` (or the one their languages suggest): each referred
    group with its next dates, your contact from the settings, and the .ics. A person with no
    referred group gets a PeerError (a handout of nothing helps nobody); a --lang peer does not
    know, a PeerError naming --lang."""
    from peercli.core.calendar import build_calendar
    from peercli.core.errors import PeerError
    from peercli.core.handout import build_handout, pick_lang
    from peercli.store.calendar import calendar_plan
    from peercli.store.settings import current_settings

    try:
        language, why = pick_lang(lang, loads_list(person["languages"]))
    except ValueError as exc:
        raise PeerError(f"--lang: {exc}") from None
    groups, skipped = handout_groups(conn, person["id"], now, tz)
    if not groups:
        raise PeerError(f"consumer #{person['id']} has no referred groups yet; refer them first "
                        f"(peer match {person['id']})")
    settings = current_settings(conn)
    name = settings.get("name")
    lines = [", ".join(v for v in (name, settings.get("credential")) if v),
             settings.get("program") or "", settings.get("phone") or "",
             settings.get("email") or ""]
    doc = build_handout(person["name"], groups, language, now.date().isoformat(), name,
                        [line for line in lines if line])
    notes = [f"left out: {s}" for s in skipped]
    if not name:
        notes.append('your contact is not on the handout: peer config set name "…" '
                     "(and phone, email)")
    plan = calendar_plan(conn, person["id"], now, tz, HANDOUT_STATUSES)
    ics = (build_calendar(list(plan.events), dtstamp=now.astimezone(UTC))
           if plan.events else None)
    return HandoutMaterial(person["id"], language, why, doc, ics, tuple(skipped), tuple(notes))
