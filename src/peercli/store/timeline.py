"""One consumer's timeline and trends, read from the store (``peer timeline``).

The ordering, descriptions and trend arithmetic are ``core/timeline.py``.
"""

from __future__ import annotations

import json
import sqlite3

from peercli.core.timeline import (
    TimelineEvent,
    Trend,
    build_trend,
    describe_checkin,
    first_line,
    order_events,
)
from peercli.store.checkins import effective_checkins

# --- timeline ----------------------------------------------------------------------------------

def _changes_between(old: sqlite3.Row, new: sqlite3.Row) -> list[str]:
    out = []
    for key, label in (("mode", "mode"), ("minutes", "minutes"), ("mood", "mood"),
                       ("who5_score", "WHO-5"), ("next_followup_on", "next follow-up")):
        if old[key] != new[key]:
            out.append(f"{label} {old[key] if old[key] is not None else '—'} → "
                       f"{new[key] if new[key] is not None else '—'}")
    if old["note"] != new["note"]:
        out.append("note changed")
    return out


def timeline_events(conn: sqlite3.Connection, consumer_id: int) -> list[TimelineEvent]:
    """The consumer's story, in order: intake, consent, the plan, check-ins (their newest
    version), amendments, referrals and their status changes, attendance."""
    person = conn.execute("SELECT created_at FROM consumers WHERE id = ?", (consumer_id,)).fetchone()
    events = [TimelineEvent(person["created_at"], "intake", "intake: added as a consumer")]
    events.extend(_consent_events(conn, consumer_id))
    events.extend(_plan_events(conn, consumer_id))
    events.extend(_checkin_events(conn, consumer_id))
    events.extend(_referral_events(conn, consumer_id))
    events.extend(_attendance_events(conn, consumer_id))
    return order_events(events)


def _consent_events(conn: sqlite3.Connection, consumer_id: int) -> list[TimelineEvent]:
    events = []
    for r in conn.execute(
        "SELECT id, kind, granted, at, expires_on, note FROM consents WHERE consumer_id = ?",
        (consumer_id,),
    ):
        verb = "granted" if r["granted"] else "revoked"
        extra = f" (expires {r['expires_on']})" if r["expires_on"] else ""
        events.append(TimelineEvent(r["at"], "consent", f"consent to {r['kind']} {verb}{extra}",
                                    r["id"], {"consent_kind": r["kind"],
                                              "granted": bool(r["granted"])}))
    return events


def _plan_events(conn: sqlite3.Connection, consumer_id: int) -> list[TimelineEvent]:
    """Goals added and changed ("G2 goal met: …"), and plan reviews."""
    events = []
    for ev in conn.execute(
        "SELECT e.id, e.at, e.what, e.status, e.text, e.note, g.id AS goal_id, g.position "
        "FROM goal_events e JOIN plan_goals g ON g.id = e.goal_id WHERE g.consumer_id = ?",
        (consumer_id,),
    ):
        what = {"created": "goal added", "status": f"goal {ev['status']}"}.get(
            ev["what"], ev["what"].replace("+", ", ").replace("_on", "") + " changed")
        detail = f" — {ev['note']}" if ev["note"] and ev["what"] != "created" else ""
        words = first_line(ev["text"])
        events.append(TimelineEvent(
            ev["at"], "plan", f"G{ev['position']} {what}: “{words}”{detail}", ev["id"],
            {"goal_id": ev["goal_id"], "what": ev["what"], "status": ev["status"]}))
    for rv in conn.execute("SELECT id, reviewed_on, note FROM plan_reviews WHERE consumer_id = ?",
                           (consumer_id,)):
        note = f" — {first_line(rv['note'])}" if rv["note"] else ""
        events.append(TimelineEvent(rv["reviewed_on"], "plan", f"plan reviewed{note}", rv["id"],
                                    {"review_id": rv["id"]}))
    return events


def _checkin_events(conn: sqlite3.Connection, consumer_id: int) -> list[TimelineEvent]:
    """Each amendment (what changed, why), then each check-in as its newest version says,
    under the id of its first version."""
    goal_numbers: dict[int, str] = {
        g["id"]: f"G{g['position']}" for g in conn.execute(
            "SELECT id, position FROM plan_goals WHERE consumer_id = ?", (consumer_id,))}
    rows = conn.execute(
        "SELECT * FROM checkins WHERE consumer_id = ? ORDER BY id", (consumer_id,)
    ).fetchall()
    by_id = {r["id"]: r for r in rows}

    def root_of(r: sqlite3.Row) -> sqlite3.Row:
        while r["amends_id"] is not None:
            r = by_id[r["amends_id"]]
        return r

    events = []
    for r in rows:
        if r["amends_id"] is not None:
            old = by_id[r["amends_id"]]
            root = root_of(old)
            what = "; ".join(_changes_between(old, r)) or "no field changed"
            reason = f" — reason: {r['amend_reason']}" if r["amend_reason"] else ""
            events.append(TimelineEvent(r["created_at"], "amendment",
                                        f"check-in #{root['id']} amended: {what}{reason}",
                                        r["id"], {"checkin_id": root["id"],
                                                  "amendment_id": r["id"]}))
    superseded = {r["amends_id"] for r in rows if r["amends_id"] is not None}
    for r in rows:
        if r["id"] in superseded:
            continue
        root = root_of(r)
        goal_ids = json.loads(r["goal_ids"]) if r["goal_ids"] else []
        summary = describe_checkin(
            r["mode"], r["minutes"], r["mood"], r["who5_score"], r["note"],
            amended=root["id"] != r["id"], barc10_total=r["barc10_total"],
            goals=[goal_numbers.get(g, f"goal #{g}") for g in goal_ids])
        events.append(TimelineEvent(r["at"], "checkin", summary, root["id"], {
            "checkin_id": root["id"], "version_id": r["id"], "mode": r["mode"],
            "minutes": r["minutes"], "units": r["units"], "mood": r["mood"],
            "who5_score": r["who5_score"], "barc10_total": r["barc10_total"],
            "goal_ids": goal_ids, "signed": bool(r["signed_at"]),
            "next_followup_on": r["next_followup_on"],
        }))
    return events


def _attendance_events(conn: sqlite3.Connection, consumer_id: int) -> list[TimelineEvent]:
    events = []
    for r in conn.execute(
        "SELECT a.id, a.attended_on, a.referral_id, a.checkin_id, g.name, c.at AS checkin_at "
        "FROM attendance a JOIN groups g ON g.id = a.group_id "
        "LEFT JOIN checkins c ON c.id = a.checkin_id WHERE a.consumer_id = ?",
        (consumer_id,),
    ):
        at = r["checkin_at"] or r["attended_on"]
        events.append(TimelineEvent(at, "attendance", f"attended {r['name']}", r["id"],
                                    {"group": r["name"], "referral_id": r["referral_id"],
                                     "checkin_id": r["checkin_id"],
                                     "attended_on": r["attended_on"]}))
    return events


def _referral_events(conn: sqlite3.Connection, consumer_id: int) -> list[TimelineEvent]:
    """Each referral's creation and status changes, with their notes' first lines."""
    E = TimelineEvent
    events: list[TimelineEvent] = []
    referrals = conn.execute(
        "SELECT r.id, r.status, r.created_at, g.name AS group_name, r.group_id FROM referrals r "
        "JOIN groups g ON g.id = r.group_id WHERE r.consumer_id = ?",
        (consumer_id,),
    ).fetchall()
    for ref in referrals:
        history = conn.execute(
            "SELECT id, status, at, note FROM referral_events WHERE referral_id = ? ORDER BY id",
            (ref["id"],),
        ).fetchall()
        info = {"referral_id": ref["id"], "group_id": ref["group_id"]}
        if not history:
            events.append(E(ref["created_at"], "referral",
                            f"{_status_words(ref['status'])} {ref['group_name']}", ref["id"],
                            {**info, "status": ref["status"]}))
        elif history[0]["at"][:16] > ref["created_at"][:16]:
            events.append(E(ref["created_at"], "referral",
                            f"referral to {ref['group_name']} created", ref["id"],
                            {**info, "status": None}))
        for ev in history:
            note = f" — {first_line(ev['note'])}" if ev["note"] else ""
            events.append(E(ev["at"], "referral",
                            f"{_status_words(ev['status'])} {ref['group_name']}{note}", ref["id"],
                            {**info, "status": ev["status"]}))
    return events


_STATUS_WORDS = {
    "suggested": "suggested", "referred": "referred to", "attended": "attended (referral):",
    "continuing": "continuing at", "declined": "declined", "no_show": "did not attend",
    "closed": "referral closed:",
}


def _status_words(status: str) -> str:
    return _STATUS_WORDS.get(status, f"{status}:")


def trends(conn: sqlite3.Connection, consumer_id: int) -> dict[str, Trend | None]:
    """Mood (1-5), WHO-5 (percent 0-100) and BARC-10 (total 10-60) over the newest version of
    each check-in, each on its instrument's fixed scale."""
    from peercli.core.checkins import BARC10_MAX, BARC10_MIN

    rows = effective_checkins(conn, "consumer_id = ?", (consumer_id,))
    return {
        "mood": build_trend(((r["at"], r["mood"]) for r in rows), 1, 5),
        "who5": build_trend(
            ((r["at"], None if r["who5_score"] is None else r["who5_score"] * 4) for r in rows),
            0, 100),
        "barc10": build_trend(((r["at"], r["barc10_total"]) for r in rows),
                              BARC10_MIN, BARC10_MAX),
    }
