"""Reading the rows a monthly report needs; the counting itself is ``core/reports.py``."""

from __future__ import annotations

import sqlite3
from typing import Any


def report_for(conn: sqlite3.Connection, period: Any) -> Any:
    """The :class:`reporting.Report` for ``period`` (a ``reporting.Period``)."""
    from peercli.core.reports import CheckinRow, ReferralRow, build_report
    from peercli.store.checkins import effective_checkins

    first, last = period.start.isoformat(), period.end.isoformat()
    in_range = "substr(at, 1, 10) BETWEEN ? AND ?"
    checkins = [
        CheckinRow(r["id"], r["consumer_id"], r["at"], r["mode"], r["minutes"], r["units"],
                   r["mood"], r["amends_id"], r["service_code"], r["service_kind"],
                   bool(r["signature_required"]), bool(r["signed_at"]), bool(r["signed_late"]),
                   r["barc10_total"])
        for r in effective_checkins(conn, in_range, (first, last))
    ]
    referrals = [
        ReferralRow(r["id"], r["consumer_id"], r["group_id"], r["group_name"], r["status"],
                    r["created_at"], bool(r["attended"]))
        for r in conn.execute(
            "SELECT r.id, r.consumer_id, r.group_id, g.name AS group_name, r.status, "
            "r.created_at, (EXISTS (SELECT 1 FROM attendance a WHERE a.referral_id = r.id "
            "  OR (a.referral_id IS NULL AND a.consumer_id = r.consumer_id "
            "      AND a.group_id = r.group_id AND a.attended_on >= substr(r.created_at, 1, 10)))"
            " OR EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id "
            "  AND e.status IN ('attended', 'continuing'))) AS attended "
            "FROM referrals r JOIN groups g ON g.id = r.group_id "
            "WHERE substr(r.created_at, 1, 10) BETWEEN ? AND ? ORDER BY r.id",
            (first, last))
    ]
    created = [r[0] for r in conn.execute(
        "SELECT created_at FROM consumers WHERE substr(created_at, 1, 10) BETWEEN ? AND ?",
        (first, last))]
    return build_report(period, checkins, referrals, created, already_effective=True,
                        plan_reviews=plan_review_counts(conn, period))


def plan_review_counts(conn: sqlite3.Connection, period: Any) -> dict[str, int]:
    """Reviews recorded in the period; plans (of active consumers) whose review was overdue at
    the period's end, or today if that is earlier; and the plans in place then."""
    from datetime import date

    from peercli.core.plans import PlanState, review_due_on
    from peercli.core.settings import as_int
    from peercli.store.clock import today
    from peercli.store.settings import current_settings

    first, last = period.start.isoformat(), period.end.isoformat()
    as_of = min(period.end, today())
    every = as_int(current_settings(conn), "plan-review-days")
    done = conn.execute("SELECT count(*) FROM plan_reviews WHERE reviewed_on BETWEEN ? AND ?",
                        (first, last)).fetchone()[0]
    plans = overdue = 0
    for consumer_id, started, reviewed in conn.execute(
        "SELECT g.consumer_id, min(g.created_at), (SELECT max(reviewed_on) FROM plan_reviews p "
        " WHERE p.consumer_id = g.consumer_id AND p.reviewed_on <= ?) "
        "FROM plan_goals g JOIN consumers c ON c.id = g.consumer_id AND c.status = 'active' "
        "WHERE substr(g.created_at, 1, 10) <= ? GROUP BY g.consumer_id",
        (as_of.isoformat(), as_of.isoformat())):
        plans += 1
        state = PlanState(consumer_id, date.fromisoformat(started[:10]),
                          date.fromisoformat(reviewed) if reviewed else None)
        if review_due_on(state, every) < as_of:
            overdue += 1
    return {"done": done, "overdue": overdue, "plans": plans}
