"""The queries behind ``peer due``: each person's follow-up state, referrals awaiting an
outcome, the group changes that concern someone, unsigned notes and plan reviews; the rules
that turn them into the due list are ``core/due.py``.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from peercli.core.due import (
    AwaitingReferral,
    DueItem,
    FollowupState,
    GroupChangeAlert,
    compute_due,
)
from peercli.core.vocab import AWAITING_OUTCOME_STATUS
from peercli.store.db import now_iso


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def due_inputs(
    conn: sqlite3.Connection,
) -> tuple[list[FollowupState], list[AwaitingReferral]]:
    """Plain records for ``checkins.compute_due``: active consumers with their latest contact, and
    referrals still "referred" with no attendance recorded.

    The latest contact is one index seek per active consumer (``checkins_consumer`` walked
    backwards to the first version nobody amended), so the cost follows the caseload, not the
    years of history.
    """
    contact = {
        r["consumer_id"]: (bool(r["granted"]), r["expires_on"]) for r in conn.execute(
            "SELECT consumer_id, granted, expires_on FROM consents WHERE id IN ("
            " SELECT max(id) FROM consents WHERE kind = 'contact' GROUP BY consumer_id)")
    }
    states = []
    for r in conn.execute(
        "SELECT c.id, c.name, c.created_at, c.cadence_days, ("
        " SELECT x.at || '|' || coalesce(x.next_followup_on, '') FROM checkins x"
        " WHERE x.consumer_id = c.id AND NOT EXISTS ("
        "  SELECT 1 FROM checkins y WHERE y.amends_id = x.id)"
        " ORDER BY x.at DESC, x.id DESC LIMIT 1) AS latest "
        "FROM consumers c WHERE c.status = 'active'"
    ):
        at, _, next_on = (r["latest"] or "").partition("|")
        states.append(FollowupState(
            consumer_id=r["id"], name=r["name"], intake_on=date.fromisoformat(r["created_at"][:10]),
            cadence_days=r["cadence_days"],
            last_contact_on=_day(at or None),
            next_followup_on=_day(next_on or None),
            contact_consent=contact.get(r["id"]),
        ))
    awaiting = [
        AwaitingReferral(r["id"], r["consumer_id"], r["group_name"],
                         date.fromisoformat(r["referred_at"][:10]))
        for r in conn.execute(
            "SELECT r.id, r.consumer_id, g.name AS group_name, coalesce("
            " (SELECT max(e.at) FROM referral_events e WHERE e.referral_id = r.id"
            "  AND e.status = 'referred'), r.created_at) AS referred_at "
            "FROM referrals r JOIN groups g ON g.id = r.group_id "
            "JOIN consumers c ON c.id = r.consumer_id AND c.status = 'active' "
            "WHERE r.status = ? AND NOT EXISTS ("
            " SELECT 1 FROM attendance a WHERE a.referral_id = r.id)",
            (AWAITING_OUTCOME_STATUS,),
        )
    ]
    return states, awaiting


def change_alerts(conn: sqlite3.Connection) -> list[GroupChangeAlert]:
    """Unacknowledged alerts: a group someone was referred to changed or disappeared."""
    return [
        GroupChangeAlert(r[0], r[1], date.fromisoformat(r[2][:10]))
        for r in conn.execute(
            "SELECT a.consumer_id, c.message, a.created_at FROM change_alerts a "
            "JOIN group_changes c ON c.id = a.change_id "
            "WHERE a.acknowledged_at IS NULL ORDER BY a.id")
    ]


def acknowledge_alerts(conn: sqlite3.Connection, *, consumer_id: int | None = None,
                       referral_id: int | None = None, by: str) -> int:
    """Mark open change alerts seen (a check-in with the person, or a referral update);
    call inside write(). Returns how many."""

    if consumer_id is not None:
        where, param = "consumer_id = ?", consumer_id
    elif referral_id is not None:
        where, param = "referral_id = ?", referral_id
    else:
        return 0
    return conn.execute(
        f"UPDATE change_alerts SET acknowledged_at = ?, acknowledged_by = ? "
        f"WHERE {where} AND acknowledged_at IS NULL", (now_iso(), by, param)).rowcount


def due_list(conn: sqlite3.Connection, today: date, within_days: int = 0) -> list[DueItem]:
    """Everyone due by ``today + within_days``: follow-ups, referrals awaiting an outcome,
    unsigned notes past their signing deadline, and recovery plan reviews."""
    from peercli.core.notes import unsigned_due
    from peercli.core.plans import reviews_due
    from peercli.core.settings import as_int
    from peercli.store.notes import unsigned_notes
    from peercli.store.plans import plan_states
    from peercli.store.settings import current_settings

    states, awaiting = due_inputs(conn)
    settings = current_settings(conn)
    extra: dict[int, list[tuple[date, str]]] = {}
    for found in (
        unsigned_due(unsigned_notes(conn), today, as_int(settings, "late-after"), within_days),
        reviews_due(plan_states(conn), today, as_int(settings, "plan-review-days"), within_days),
    ):
        for consumer_id, reasons in found.items():
            extra.setdefault(consumer_id, []).extend(reasons)
    return compute_due(states, awaiting, today, within_days, extra, change_alerts(conn))
