"""Check-ins in the store: insert, amend (never rewrite), attendance, and the queries behind
``peer timeline`` (``peer due`` is ``store/due.py``).

Amendments form a linear chain: each amendment row's ``amends_id`` is the version it supersedes,
and it copies every field it does not change. The newest version of each check-in is what counts:
use the ``effective_checkins`` SQL view (or :func:`effective_checkins` here) for totals and
reports, never the ``checkins`` table directly.

Values arrive validated (see ``checkins``); every write adds audit rows naming fields, not values.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from peercli.core import checkin_flags
from peercli.core import checkins as core
from peercli.core.contract import CheckinDict
from peercli.core.vocab import (
    ATTENDABLE_REFERRAL_STATUSES,
    MARKED_ATTENDED_BY_CHECKIN,
)
from peercli.store.db import audit, now_iso
from peercli.store.due import acknowledge_alerts

if TYPE_CHECKING:
    from peercli.store.notes import NoteParts, Signer

# The service note's parts, carried from version to version (see store.notes).
NOTE_COLUMNS = ("place", "service_code", "service_kind", "goal_ids", "intervention", "response",
                "next_step", "barc10", "barc10_total", "group_session_id")


@dataclass(frozen=True)
class NewCheckin:
    consumer_id: int
    at: datetime
    mode: str
    minutes: int
    mood: int | None = None
    who5: core.Who5 | None = None
    note: str | None = None
    next_followup_on: date | None = None


@dataclass(frozen=True)
class Attended:
    """A group the person went to, and the open referral it settles (if any)."""

    group_id: int
    group_name: str
    referral_id: int | None
    referral_status: str | None


# --- reading -----------------------------------------------------------------------------------

def effective_checkins(
    conn: sqlite3.Connection, where: str = "1", params: tuple[object, ...] = ()
) -> list[sqlite3.Row]:
    """The newest version of every check-in (amended originals left out), oldest contact first.

    ``where`` filters on the view's columns, e.g. ``effective_checkins(conn, "at >= ? AND at < ?",
    ("2026-11-01", "2026-12-01"))``. This is the set to count for contacts, minutes and units.
    """
    return conn.execute(
        f"SELECT * FROM effective_checkins WHERE {where} ORDER BY at, id", params
    ).fetchall()


def checkin_dict(row: sqlite3.Row, attended: list[dict[str, Any]] | None = None) -> CheckinDict:
    """The JSON shape of one check-in version."""
    who5 = json.loads(row["who5"]) if row["who5"] else None
    score = row["who5_score"]
    out: CheckinDict = {
        "id": row["id"],
        "consumer_id": row["consumer_id"],
        "at": row["at"],
        "mode": row["mode"],
        "minutes": row["minutes"],
        "units": row["units"],
        "mood": row["mood"],
        "next_followup_on": row["next_followup_on"],
        "who5": who5,
        "who5_score": score,
        "who5_percent": None if score is None else score * 4,
        "note": row["note"],
        "amends_id": row["amends_id"],
        "amend_reason": row["amend_reason"],
        "created_at": row["created_at"],
        # the service note's parts and signature
        "place": row["place"],
        "service_code": row["service_code"],
        "service_kind": row["service_kind"],
        "goal_ids": json.loads(row["goal_ids"]) if row["goal_ids"] else [],
        "intervention": row["intervention"],
        "response": row["response"],
        "next_step": row["next_step"],
        "barc10": json.loads(row["barc10"]) if row["barc10"] else None,
        "barc10_total": row["barc10_total"],
        "group_session_id": row["group_session_id"],
        "signed_at": row["signed_at"],
        "signed_by": row["signed_by"],
        "signed_credential": row["signed_credential"],
        "late": None if row["signed_late"] is None else bool(row["signed_late"]),
    }
    if attended is not None:
        out["attended"] = attended
    return out


def get_checkin(conn: sqlite3.Connection, checkin_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM checkins WHERE id = ?", (checkin_id,)).fetchone()
    return row


def checkin_versions(conn: sqlite3.Connection, checkin_id: int) -> list[sqlite3.Row]:
    """Every version of the check-in ``checkin_id`` belongs to: the original first, then its
    amendments in order (whichever version's id was given)."""
    root = conn.execute(
        "WITH RECURSIVE up(id, amends_id) AS ("
        " SELECT id, amends_id FROM checkins WHERE id = ?"
        " UNION ALL SELECT c.id, c.amends_id FROM checkins c JOIN up ON c.id = up.amends_id)"
        " SELECT id FROM up WHERE amends_id IS NULL",
        (checkin_id,),
    ).fetchone()
    if root is None:
        return []
    return conn.execute(
        "WITH RECURSIVE down(id, depth) AS ("
        " SELECT id, 0 FROM checkins WHERE id = ?"
        " UNION ALL SELECT c.id, down.depth + 1 FROM checkins c JOIN down ON c.amends_id = down.id)"
        " SELECT checkins.* FROM down JOIN checkins USING (id) ORDER BY down.depth",
        (root["id"],),
    ).fetchall()


def attendance_for_checkin(conn: sqlite3.Connection, checkin_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT a.group_id, g.name, a.referral_id, a.attended_on FROM attendance a "
        "JOIN groups g ON g.id = a.group_id WHERE a.checkin_id = ? ORDER BY a.id",
        (checkin_id,),
    ).fetchall()
    return [{"group_id": r[0], "name": r[1], "referral_id": r[2], "attended_on": r[3]}
            for r in rows]


def last_mode(conn: sqlite3.Connection, consumer_id: int) -> str | None:
    row = conn.execute(
        "SELECT mode FROM effective_checkins WHERE consumer_id = ? ORDER BY at DESC, id DESC LIMIT 1",
        (consumer_id,),
    ).fetchone()
    return row[0] if row else None


def open_referrals(conn: sqlite3.Connection, consumer_id: int) -> list[sqlite3.Row]:
    """Referrals a check-in can mark attended (suggested, referred, continuing), oldest first."""
    marks = ", ".join("?" for _ in ATTENDABLE_REFERRAL_STATUSES)
    return conn.execute(
        "SELECT r.id, r.group_id, r.status, r.created_at, g.name AS group_name FROM referrals r "
        f"JOIN groups g ON g.id = r.group_id WHERE r.consumer_id = ? AND r.status IN ({marks}) "
        "ORDER BY r.created_at, r.id",
        (consumer_id, *ATTENDABLE_REFERRAL_STATUSES),
    ).fetchall()


def plan_attendance(
    conn: sqlite3.Connection, consumer_id: int, groups: list[sqlite3.Row]
) -> list[Attended]:
    """Pair each group the person attended with their open referral to it (if there is one).

    A referral already "attended" is linked too (going again), its status left as it is.
    """
    statuses = (*ATTENDABLE_REFERRAL_STATUSES, "attended")
    marks = ", ".join("?" for _ in statuses)
    referrals = {
        r["group_id"]: r for r in conn.execute(
            f"SELECT id, group_id, status FROM referrals WHERE consumer_id = ? AND status IN "
            f"({marks}) ORDER BY id", (consumer_id, *statuses))
    }  # the newest open referral per group wins
    out: list[Attended] = []
    seen: set[int] = set()
    for g in groups:
        if g["id"] in seen:
            continue
        seen.add(g["id"])
        ref = referrals.get(g["id"])
        out.append(Attended(g["id"], g["name"], ref["id"] if ref else None,
                            ref["status"] if ref else None))
    return out


# --- writing -----------------------------------------------------------------------------------

def insert_checkin(
    conn: sqlite3.Connection, new: NewCheckin, attended: Sequence[Attended] = ()
) -> int:
    """Save a check-in and its attendance (call inside ``store.write``); returns its id."""
    stamp = now_iso()
    cur = conn.execute(
        "INSERT INTO checkins (consumer_id, at, mode, minutes, units, mood, who5, who5_score, note,"
        " next_followup_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.consumer_id, new.at.isoformat(), new.mode, new.minutes,
         core.units_of_service(new.minutes), new.mood,
         json.dumps(list(new.who5.items)) if new.who5 else None,
         new.who5.score if new.who5 else None, new.note,
         new.next_followup_on.isoformat() if new.next_followup_on else None, stamp),
    )
    checkin_id = int(cur.lastrowid or 0)
    fields = ["consumer_id", "at", "mode", "minutes", "units"]
    fields += [name for name, value in (("mood", new.mood), ("who5", new.who5), ("note", new.note),
                                        ("next_followup_on", new.next_followup_on)) if value]
    audit(conn, "create", "checkin", checkin_id, fields)
    for item in attended:
        record_attendance(conn, new.consumer_id, item, new.at.date(), checkin_id)
    # A contact with the person is the chance to pass on group changes: they are acknowledged.
    acknowledge_alerts(conn, consumer_id=new.consumer_id, by=f"checkin:{checkin_id}")
    return checkin_id


def record_attendance(
    conn: sqlite3.Connection, consumer_id: int, item: Attended, on: date, checkin_id: int | None
) -> None:
    """An attendance row; a referral still suggested/referred becomes attended, with an event row.

    A "continuing" referral stays continuing (going again is what continuing means).
    """
    stamp = now_iso()
    cur = conn.execute(
        "INSERT INTO attendance (consumer_id, group_id, referral_id, checkin_id, attended_on) "
        "VALUES (?, ?, ?, ?, ?)",
        (consumer_id, item.group_id, item.referral_id, checkin_id, on.isoformat()),
    )
    audit(conn, "create", "attendance", cur.lastrowid,
          ["consumer_id", "group_id", "attended_on"] + (["referral_id"] if item.referral_id else []))
    if item.referral_id is not None and item.referral_status in MARKED_ATTENDED_BY_CHECKIN:
        conn.execute("UPDATE referrals SET status = 'attended', updated_at = ? WHERE id = ?",
                     (stamp, item.referral_id))
        conn.execute(
            "INSERT INTO referral_events (referral_id, status, at, note) VALUES (?, ?, ?, ?)",
            (item.referral_id, "attended", stamp,
             f"attendance recorded with check-in #{checkin_id}" if checkin_id else None),
        )
        audit(conn, "update", "referral", item.referral_id, ["status"])


def amend_checkin(
    conn: sqlite3.Connection, checkin_id: int, changes: dict[str, Any], reason: str
) -> int:
    """Insert a new version of the check-in with ``changes`` applied (call inside ``store.write``).

    ``changes`` keys: mode, minutes, mood, note, next_followup_on (date), who5 (Who5), and the
    note's parts (place, service_code, service_kind, goal_ids (ids), intervention, response,
    next_step, barc10 (Barc10)); the parts not changed are carried over. The new
    row amends the newest version, whichever version's id was given, so the chain stays linear.
    Returns the new row's id.
    """
    versions = checkin_versions(conn, checkin_id)
    head = versions[-1]
    values = {key: head[key] for key in ("consumer_id", "at", "mode", "minutes", "mood", "who5",
                                         "who5_score", "note", "next_followup_on", *NOTE_COLUMNS)}
    for key, value in changes.items():
        if key == "who5":
            values["who5"] = json.dumps(list(value.items))
            values["who5_score"] = value.score
        elif key == "barc10":
            values["barc10"] = json.dumps(list(value.items))
            values["barc10_total"] = value.total
        elif key == "goal_ids":
            values["goal_ids"] = json.dumps(list(value)) if value else None
        elif key == "next_followup_on":
            values[key] = value.isoformat()
        else:
            values[key] = value
    values["units"] = core.units_of_service(int(values["minutes"]))
    # An amendment of a note under sign-off is itself a note to sign (the signed version stays).
    values["signature_required"] = int(bool(head["signature_required"] or head["signed_at"]))
    values.update(amends_id=head["id"], amend_reason=reason, created_at=now_iso())
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cur = conn.execute(f"INSERT INTO checkins ({names}) VALUES ({marks})", tuple(values.values()))
    new_id = int(cur.lastrowid or 0)
    audit(conn, "amend", "checkin", new_id, [*changes, "amend_reason"])
    return new_id


# --- what the commands call --------------------------------------------------------------------

def groups_of_referrals(conn: sqlite3.Connection, referral_ids: Sequence[str | int]
                        ) -> list[sqlite3.Row]:
    """The groups of these referrals (as picked on a terminal), oldest referral first."""
    return conn.execute(
        "SELECT g.* FROM groups g JOIN referrals r ON r.group_id = g.id "
        "WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.created_at, r.id",
        (json.dumps([int(i) for i in referral_ids]),),
    ).fetchall()


def log_checkin(
    conn: sqlite3.Connection, new: NewCheckin, attended_groups: list[sqlite3.Row],
    parts: NoteParts | None = None, sign_as: Signer | None = None,
) -> tuple[CheckinDict, list[Attended]]:
    """Save a check-in, its service note's parts (from now on it waits for a signature) and the
    attendance it records, in one transaction, signed when ``sign_as`` is given; returns its
    JSON shape (with ``attended``) and the attendance plan (which referrals it settled)."""
    from peercli.store.db import write
    from peercli.store.notes import NoteParts, sign_note, write_note_parts

    with write(conn):
        plan = plan_attendance(conn, new.consumer_id, attended_groups)
        checkin_id = insert_checkin(conn, new, plan)
        write_note_parts(conn, checkin_id, parts or NoteParts())
        if sign_as is not None:
            sign_note(conn, checkin_id, sign_as)
    row = get_checkin(conn, checkin_id)
    assert row is not None
    return checkin_dict(row, attendance_for_checkin(conn, checkin_id)), plan


@dataclass(frozen=True)
class LoggedCheckin:
    """What ``log_contact`` saved: the check-in's JSON shape, the attendance it settled, and
    whom it is for."""

    record: CheckinDict
    plan: list[Attended]
    consumer_id: int
    consumer_name: str


#: Completes a draft at a terminal (the person's row, the draft) -> the completed draft.
Complete = Callable[[sqlite3.Row, checkin_flags.CheckinDraft], checkin_flags.CheckinDraft]


def active_goals(conn: sqlite3.Connection, consumer_id: int) -> list[sqlite3.Row]:
    """The person's active plan goals, in plan order (what a check-in may say it served)."""
    return conn.execute("SELECT id, position, text FROM plan_goals WHERE consumer_id = ? "
                        "AND status = 'active' ORDER BY position", (consumer_id,)).fetchall()


def log_contact(conn: sqlite3.Connection, consumer_ref: str, draft: checkin_flags.CheckinDraft, *,
                now: datetime, complete: Complete | None = None) -> LoggedCheckin:
    """``peer checkin log`` after its flags are read: find the (active) person, the groups and
    goals named, the signer if --sign; let ``complete`` (a terminal's questions) fill in the
    rest; then save it all in one transaction. Nothing is written before ``complete`` returns."""
    from dataclasses import replace

    from peercli.core.errors import PeerError
    from peercli.store.lookup import resolve
    from peercli.store.notes import check_goals, note_parts_for, signer_for

    person = resolve(conn, "consumer", consumer_ref)
    if person["status"] != "active":
        raise PeerError(f"consumer #{person['id']} is archived; reactivate first with "
                        f"peer consumer archive {person['id']} --undo")
    groups = [resolve(conn, "group", ref) for ref in draft.attended]
    draft = replace(draft, goal_ids=check_goals(conn, person["id"], draft.goal_refs))
    signer = signer_for(conn, now) if draft.sign else None
    if complete is not None:
        draft = complete(person, draft)
    values = draft.values
    if draft.missing is not None or values.mode is None or values.minutes is None:
        raise PeerError(draft.missing or "missing --mode or --minutes")
    if draft.attended_referrals:
        groups = groups_of_referrals(conn, draft.attended_referrals)
    new = NewCheckin(consumer_id=person["id"], at=values.at, mode=values.mode,
                     minutes=values.minutes, mood=values.mood, who5=values.who5,
                     note=draft.note or None, next_followup_on=draft.next_on(
                         person["cadence_days"]))
    parts = note_parts_for(conn, person["id"], values.mode,
                           {**draft.note_parts, "goal_ids": draft.goal_ids})
    record, plan = log_checkin(conn, new, groups, parts, signer)
    return LoggedCheckin(record, plan, int(person["id"]), str(person["name"]))


def amend(
    conn: sqlite3.Connection, checkin_id: int, changes: dict[str, Any], reason: str
) -> tuple[int, CheckinDict]:
    """Amend a check-in (any version's id): (the original's id, the amendment's JSON shape).

    Refused (PeerError) when there is no such check-in, or every change already holds."""
    from peercli.core.errors import PeerError
    from peercli.store.db import write

    versions = checkin_versions(conn, checkin_id)
    if not versions:
        raise PeerError(f"no check-in with id {checkin_id}")
    if checkin_flags.changes_nothing(checkin_dict(versions[-1]), changes):
        raise PeerError(f"nothing to amend: check-in #{versions[0]['id']} already has those values")
    with write(conn):
        new_id = amend_checkin(conn, versions[-1]["id"], changes, reason)
    row = get_checkin(conn, new_id)
    assert row is not None
    return int(versions[0]["id"]), checkin_dict(row)


def checkin_history(conn: sqlite3.Connection, checkin_id: int) -> dict[str, Any]:
    """A check-in with every version: {"id", "consumer_id", "consumer_name", "original",
    "amendments", "effective"} (PeerError when there is no such check-in)."""
    from peercli.core.errors import PeerError

    versions = checkin_versions(conn, checkin_id)
    if not versions:
        raise PeerError(f"no check-in with id {checkin_id}")
    original = checkin_dict(versions[0], attendance_for_checkin(conn, versions[0]["id"]))
    amendments = [checkin_dict(v) for v in versions[1:]]
    name = conn.execute("SELECT name FROM consumers WHERE id = ?",
                        (original["consumer_id"],)).fetchone()[0]
    return {"id": original["id"], "consumer_id": original["consumer_id"], "consumer_name": name,
            "original": original, "amendments": amendments,
            "effective": amendments[-1] if amendments else original}
