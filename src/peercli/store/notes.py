"""Service notes in the store: the note's parts on a check-in version, signing (sign and lock),
group sessions (one narrative, one check-in per attendee), unsigned notes for ``peer due``, and
the month's notes for the printable document.

A signed version never changes (a trigger refuses any UPDATE of it): a later change is an
amendment, a new version that needs its own signature, and the document shows both.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peercli.core import checkins as checkin_core
from peercli.core import notes as core
from peercli.core.errors import PeerError
from peercli.store.db import audit, now_iso


@dataclass(frozen=True)
class NoteParts:
    """The audit parts of a service note, written with a check-in version."""

    place: str | None = None
    service_code: str | None = None
    service_kind: str | None = None
    goal_ids: tuple[int, ...] = ()
    intervention: str | None = None
    response: str | None = None
    next_step: str | None = None
    barc10: checkin_core.Barc10 | None = None
    group_session_id: int | None = None


def write_note_parts(conn: sqlite3.Connection, checkin_id: int, parts: NoteParts) -> None:
    """Store the parts on a version just inserted (same transaction, before any signature);
    from now on the version is chased for a signature."""
    conn.execute(
        "UPDATE checkins SET place = ?, service_code = ?, service_kind = ?, goal_ids = ?,"
        " intervention = ?, response = ?, next_step = ?, barc10 = ?, barc10_total = ?,"
        " group_session_id = ?, signature_required = 1 WHERE id = ?",
        (parts.place, parts.service_code, parts.service_kind,
         json.dumps(list(parts.goal_ids)) if parts.goal_ids else None,
         parts.intervention, parts.response, parts.next_step,
         json.dumps(list(parts.barc10.items)) if parts.barc10 else None,
         parts.barc10.total if parts.barc10 else None, parts.group_session_id, checkin_id))
    audit(conn, "update", "checkin", checkin_id,
          [k for k, v in vars(parts).items() if v not in (None, ())])


def note_parts_for(conn: sqlite3.Connection, consumer_id: int, mode: str,
                   given: dict[str, Any], goal_refs: Sequence[str] = ()) -> NoteParts:
    """The parts of a new note: what was given, the goals named (each one of this person's), and
    the documented defaults: individual or group from the mode, and the programme's service
    code for it (peer config service-code / group-service-code)."""
    from peercli.store.settings import current_settings

    kind = core.service_kind_for(mode)
    code = given.get("service_code") or current_settings(conn).get(
        "group-service-code" if kind == "group" else "service-code")
    goals = tuple(given.get("goal_ids") or ()) or check_goals(conn, consumer_id, goal_refs)
    return NoteParts(place=given.get("place"), service_code=code, service_kind=kind,
                     goal_ids=goals, intervention=given.get("intervention"),
                     response=given.get("response"), next_step=given.get("next_step"),
                     barc10=given.get("barc10"))


def signer_for(conn: sqlite3.Connection, now: datetime) -> Signer:
    """The signer from the settings (PeerError when your name is not set)."""
    from peercli.core.settings import as_int
    from peercli.store.settings import current_settings

    settings = current_settings(conn)
    name = settings.get("name")
    if not name:
        raise PeerError('set your name before signing: peer config set name "Your Name" '
                        "(and peer config set credential CPRS)")
    return Signer(name, settings.get("credential"), now, as_int(settings, "late-after"))


def goal_ids_of(row: sqlite3.Row) -> list[int]:
    try:
        value = json.loads(row["goal_ids"]) if row["goal_ids"] else []
    except ValueError:
        return []
    return [int(x) for x in value if isinstance(x, int)]


def check_goals(conn: sqlite3.Connection, consumer_id: int, refs: Sequence[str]) -> tuple[int, ...]:
    """Goal ids from what was typed (1, G2, #12), each a goal of this person's plan."""
    from peercli.store.plans import get_goal

    ids: list[int] = []
    for ref in refs:
        for part in ref.replace(";", ",").split(","):
            if part.strip():
                goal = get_goal(conn, consumer_id, part)
                if goal["id"] not in ids:
                    ids.append(goal["id"])
    return tuple(ids)


# --- signing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Signer:
    """Who signs, when, and the programme's late-documentation rule."""

    name: str
    credential: str | None
    now: datetime
    late_after: int


@dataclass(frozen=True)
class Signed:
    checkin_id: int  # the chain's original id (what people quote)
    version_id: int
    late: bool
    business_days: int
    missing: tuple[str, ...]


def sign_note(conn: sqlite3.Connection, checkin_id: int, signer: Signer) -> Signed:
    """Sign the newest version of the note ``checkin_id`` belongs to (inside ``store.write``)."""
    name, credential, now, late_after = (signer.name, signer.credential, signer.now,
                                         signer.late_after)
    from peercli.store.checkins import checkin_versions

    versions = checkin_versions(conn, checkin_id)
    if not versions:
        raise PeerError(f"no check-in with id {checkin_id}")
    head = versions[-1]
    if head["signed_at"]:
        raise PeerError(f"check-in #{versions[0]['id']} is already signed (version #{head['id']}, "
                        f"{head['signed_at'][:16].replace('T', ' ')}); change it with "
                        "peer checkin amend, then sign the amendment")
    contact = date.fromisoformat(head["at"][:10])
    days = core.business_days_between(contact, now.date())
    late = core.is_late(contact, now.date(), late_after)
    conn.execute(
        "UPDATE checkins SET signed_at = ?, signed_by = ?, signed_credential = ?, signed_late = ?,"
        " signature_required = 1 WHERE id = ?",
        (now.isoformat(), name, credential, int(late), head["id"]))
    audit(conn, "sign", "checkin", head["id"], ["signed_at", "signed_by", "signed_credential"])
    note = dict(head)
    return Signed(versions[0]["id"], head["id"], late, days, tuple(core.missing_parts(note)))


def unsigned_notes(conn: sqlite3.Connection, consumer_id: int | None = None
                   ) -> list[core.UnsignedNote]:
    """The newest version of each note still waiting for a signature (active consumers).

    Reads the partial index of unsigned rows, never the whole history.
    """
    where, params = ("AND c.consumer_id = ?", (consumer_id,)) if consumer_id else ("", ())
    rows = conn.execute(
        "SELECT c.id, c.consumer_id, c.at, c.amends_id FROM checkins c "
        "INDEXED BY checkins_awaiting_signature "
        "JOIN consumers p ON p.id = c.consumer_id AND p.status = 'active' "
        "WHERE c.signed_at IS NULL AND c.signature_required = 1 "
        f"AND NOT EXISTS (SELECT 1 FROM checkins x WHERE x.amends_id = c.id) {where} "
        "ORDER BY c.at", params).fetchall()
    out = []
    for r in rows:
        root = r["id"]
        parent = r["amends_id"]
        while parent is not None:
            root = parent
            parent = conn.execute("SELECT amends_id FROM checkins WHERE id = ?",
                                  (parent,)).fetchone()[0]
        out.append(core.UnsignedNote(r["consumer_id"], root, date.fromisoformat(r["at"][:10])))
    return out


# --- group sessions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupSession:
    at: datetime
    minutes: int
    group_id: int | None
    topic: str | None
    place: str | None
    service_code: str | None
    narrative: str | None


def insert_group_session(
    conn: sqlite3.Connection, session: GroupSession, attendees: Sequence[sqlite3.Row],
    parts: NoteParts, next_followup: dict[int, date], group_row: sqlite3.Row | None,
) -> tuple[int, list[int]]:
    """The session row and one check-in per attendee, each with its own units and attendance
    (inside ``store.write``). Returns the session id and the check-in ids, in attendee order."""
    from peercli.store.checkins import NewCheckin, insert_checkin, plan_attendance

    cur = conn.execute(
        "INSERT INTO group_sessions (at, minutes, group_id, topic, place, service_code,"
        " narrative, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (session.at.isoformat(), session.minutes, session.group_id, session.topic, session.place,
         session.service_code, session.narrative, now_iso()))
    session_id = int(cur.lastrowid or 0)
    audit(conn, "create", "group_session", session_id,
          [k for k, v in vars(session).items() if v is not None])
    ids = []
    for person in attendees:
        plan = plan_attendance(conn, person["id"], [group_row]) if group_row is not None else []
        new = NewCheckin(consumer_id=person["id"], at=session.at, mode="group",
                         minutes=session.minutes, note=session.narrative,
                         next_followup_on=next_followup.get(person["id"]))
        checkin_id = insert_checkin(conn, new, plan)
        write_note_parts(conn, checkin_id, NoteParts(
            place=parts.place, service_code=parts.service_code, service_kind="group",
            intervention=parts.intervention, response=parts.response, next_step=parts.next_step,
            group_session_id=session_id))
        ids.append(checkin_id)
    return session_id, ids


@dataclass(frozen=True)
class GroupSessionResult:
    session_id: int
    session: GroupSession
    units_each: int
    attendees: tuple[tuple[int, str, int], ...]  # (consumer id, name, check-in id), in order


def record_group_session(conn: sqlite3.Connection, request: core.GroupSessionRequest,
                         now: datetime) -> GroupSessionResult:
    """Record a checked group session: find each attendee (active, named once) and the group,
    default the service code to the group-service-code setting, schedule each person's next
    follow-up by their cadence, and write it all in one transaction."""
    from datetime import timedelta

    from peercli.store.db import write
    from peercli.store.lookup import resolve
    from peercli.store.settings import current_settings

    people: list[sqlite3.Row] = []
    for ref in request.attendees:
        row = resolve(conn, "consumer", ref)
        if row["status"] != "active":
            raise PeerError(f"consumer #{row['id']} is archived")
        if any(p["id"] == row["id"] for p in people):
            raise PeerError(f"--attendee: #{row['id']} is named twice")
        people.append(row)
    group_row = resolve(conn, "group", request.group) if request.group else None
    given = request.parts
    code = given.get("service_code") or current_settings(conn).get("group-service-code")
    session = GroupSession(request.at, request.minutes, group_row["id"] if group_row else None,
                           request.topic, _text(given.get("place")), _text(code),
                           request.narrative)
    parts = NoteParts(place=session.place, service_code=session.service_code,
                      intervention=_text(given.get("intervention")),
                      response=_text(given.get("response")),
                      next_step=_text(given.get("next_step")))
    next_on = {p["id"]: now.date() + timedelta(days=p["cadence_days"]) for p in people}
    with write(conn):
        session_id, ids = insert_group_session(conn, session, people, parts, next_on, group_row)
    return GroupSessionResult(
        session_id, session, checkin_core.units_of_service(request.minutes),
        tuple((p["id"], p["name"], i) for p, i in zip(people, ids, strict=True)))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# --- the month's notes -------------------------------------------------------------------------

def note_version_dict(row: sqlite3.Row, goal_names: dict[int, str]) -> dict[str, Any]:
    barc = json.loads(row["barc10"]) if row["barc10"] else None
    goals = goal_ids_of(row)
    return {
        "version_id": row["id"], "at": row["at"], "mode": row["mode"], "minutes": row["minutes"],
        "units": row["units"], "mood": row["mood"], "who5_score": row["who5_score"],
        "barc10": barc, "barc10_total": row["barc10_total"], "note": row["note"],
        "place": row["place"], "service_code": row["service_code"],
        "service_kind": row["service_kind"] or checkin_core_kind(row["mode"]),
        "goal_ids": goals, "goals": [goal_names.get(g, f"goal #{g}") for g in goals],
        "intervention": row["intervention"], "response": row["response"],
        "next_step": row["next_step"], "next_followup_on": row["next_followup_on"],
        "group_session_id": row["group_session_id"],
        "amends_id": row["amends_id"], "amend_reason": row["amend_reason"],
        "created_at": row["created_at"],
        "signed_at": row["signed_at"], "signed_by": row["signed_by"],
        "signed_credential": row["signed_credential"],
        "late": None if row["signed_late"] is None else bool(row["signed_late"]),
        "missing": core.missing_parts({**dict(row), "goal_ids": goals}),
    }


def checkin_core_kind(mode: str) -> str:
    return core.service_kind_for(mode)


def month_notes(conn: sqlite3.Connection, start: date, end: date,
                consumer_id: int | None = None) -> list[dict[str, Any]]:
    """Every note whose contact falls in [start, end], each with all its versions, in order."""
    from peercli.store.plans import goal_labels

    where = "c.amends_id IS NULL AND c.at >= ? AND c.at < ?"
    params: list[Any] = [start.isoformat(), date.fromordinal(end.toordinal() + 1).isoformat()]
    if consumer_id is not None:
        where += " AND c.consumer_id = ?"
        params.append(consumer_id)
    roots = conn.execute(
        f"SELECT c.id, c.consumer_id, p.name FROM checkins c JOIN consumers p ON p.id = "
        f"c.consumer_id WHERE {where} ORDER BY p.name COLLATE NOCASE, c.consumer_id, c.at, c.id",
        tuple(params)).fetchall()
    from peercli.store.checkins import checkin_versions

    notes = []
    for root in roots:
        versions = checkin_versions(conn, root["id"])
        ids = sorted({g for v in versions for g in goal_ids_of(v)})
        names = goal_labels(conn, ids)
        notes.append({
            "checkin_id": root["id"], "consumer_id": root["consumer_id"], "name": root["name"],
            "versions": [note_version_dict(v, names) for v in versions],
        })
    return notes
