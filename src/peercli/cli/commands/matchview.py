"""Showing matches and referrals on the terminal (shared by match, refer and demo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from peercli.core.matching import Match


def next_text(when: datetime | None) -> str:
    return when.strftime("%a %d %b %H:%M") if when else "no upcoming date"


def render_matches(matches: list[Match], title: str | None) -> None:
    from peercli.cli.render import table
    from peercli.core.contract import when_text, where_text

    rows = []
    for rank_no, m in enumerate(matches, start=1):
        when = f"{when_text(m)}\nnext: {next_text(m.next_meeting)}"
        if m.near_miss:
            when += "\n(near miss)"
        rows.append([rank_no, f"{m.group.name}\n#{m.group.id} · {m.score:.2f}", when,
                     where_text(m), "\n".join(m.reasons)])
    table(title, ["#", "Group", "When", "Where", "Why"], rows, show_lines=True)


def echo_referrals(records: list[dict[str, Any]]) -> None:
    from peercli.cli.render import info, success

    for r in records:
        if r["created"]:
            success(f"Referral #{r['id']}: {r['consumer_name']} → {r['group_name']} (referred)")
            if r.get("consent_used"):
                info(f"  consent used: {r['consent_used']}")
        else:
            info(f"Already open: referral #{r['id']} to {r['group_name']} is {r['status']} "
                 f"(see peer referral show {r['id']})")
