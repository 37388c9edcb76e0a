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
                   r["mood"], r["amends_id"])
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
    return build_report(period, checkins, referrals, created, already_effective=True)
