"""Showing matches and referrals on the terminal (shared by match, refer and demo).

The default layout is compact, for a specialist reading mid-conversation on an 80x24 screen:
one heading line, then three lines per group (name and marks; when, next and where; the reasons
on one line, cut to the width), the groups already in the person's plan one line each, and the
near misses one line each with the one thing that rules each out. `--wide` prints the full
table instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from peercli.core.scores import score_text
from peercli.core.wording import plural

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from peercli.core.matching import Match


def next_text(when: datetime | None) -> str:
    return when.strftime("%a %d %b %H:%M") if when else "no upcoming date"


def _short_next(when: datetime | None) -> str:
    return f"next {when.strftime('%a %d %b %H:%M')}" if when else "call for the next date"


def render_matches(matches: list[Match], title: str | None) -> None:
    """The full table (`--wide`)."""
    from peercli.cli.render import table
    from peercli.core.contract import when_text, where_text

    rows = []
    for rank_no, m in enumerate(matches, start=1):
        when = f"{when_text(m)}\nnext: {next_text(m.next_meeting)}"
        if m.near_miss:
            when += "\n(near miss)"
        name = f"{m.group.name}\n#{m.group.id} · {score_text(m.score)}"
        marks = _marks(m)
        if marks:
            name += "\n" + " · ".join(marks)
        rows.append([rank_no, name, when, where_text(m), "\n".join(m.reasons)])
    table(title, ["#", "Group", "When", "Where", "Why"], rows, show_lines=True)


_PLACE_REASONS = ("online", "hybrid: you can join online", "hybrid: in person or online",
                  "under 1 km away")


def _marks(m: Match) -> list[str]:
    marks = []
    if m.current:
        marks.append(m.current)
    if not m.time_listed:
        marks.append("time not listed")
    if m.near_miss and m.ruled_out_by is None:
        marks.append("near miss")
    if m.stale:
        marks.append("listing stale")
    return marks


def _line(out: Console, text: str, style: str | None = None) -> None:
    from rich.text import Text

    from peercli.core.safetext import terminal_safe

    out.print(Text(terminal_safe(text), style=style or ""), no_wrap=True, overflow="ellipsis",
              crop=True)


_SHORTER = (
    (re.compile(r"^shares interests: "), "interests: "),
    (re.compile(r"^meets .*, inside your "), "in your "),
    (re.compile(r"^meets .*, within (\d+) minutes of your free time \(near miss\)$"),
     r"within \1 min of your free time"),
    (re.compile(r"^(peer-led|mutual aid \(peer-run\)), good for connection$"), r"\1"),
    (re.compile(r"^open to newcomers$"), "newcomers welcome"),
    (re.compile(r"^meets every week: .*$"), "weekly"),
    (re.compile(r"^listing not checked since (\d{4}-\d\d)-\d\d .*$"), r"not verified since \1"),
    (re.compile(r"^(for .* qualifies) \(.*\)$"), r"\1"),
    (re.compile(r"^closed to newcomers .*$"), "closed to newcomers"),
    (re.compile(r"^in (.*) \(not their first language\)$"), r"in \1 (2nd language)"),
)


def short_reason(reason: str) -> str:
    """A reason as the compact list shows it ("in your Tue evening")."""
    for pattern, repl in _SHORTER:
        reason = pattern.sub(repl, reason)
    return reason


def _reasons_line(m: Match) -> str:
    keep = [short_reason(r) for r in m.reasons
            if r not in _PLACE_REASONS and not r.endswith(" km away")]
    return " · ".join(keep)


def _where(m: Match) -> str:
    g = m.group
    if m.attends == "online" or (m.attends is None and g.format == "online"):
        return "online" if g.format == "online" else "hybrid, joining online"
    place = ", ".join(p for p in (g.address, g.city) if p) or "in person"
    if m.distance_km is not None:
        km = "<1" if m.distance_km < 1 else f"{round(m.distance_km)}"
        place = f"{km} km · {place}"
    return place + (" (or online)" if g.format == "hybrid" else "")


def render_compact(matches: Sequence[Match], heading: str, *, start: int = 1) -> None:
    from peercli.cli.render import console
    from peercli.core.contract import when_text

    out = console()
    _line(out, heading, "bold")
    for rank_no, m in enumerate(matches, start=start):
        marks = _marks(m)
        score = score_text(m.score)
        head = f"{rank_no:>2}. {m.group.name} (#{m.group.id})"
        tail = (" [" + ", ".join(marks) + "]" if marks else "") + f"  {score}"
        room = out.width - len(tail)
        if len(head) > room:
            head = head[:max(10, room - 1)] + "…"
        _line(out, head.ljust(room) + tail, "bold" if rank_no == start else None)
        _line(out, f"    {when_text(m)} · {_short_next(m.next_meeting)} · {_where(m)}")
        _line(out, f"    {_reasons_line(m)}", "dim")


def render_current(matches: Sequence[Match]) -> None:
    from peercli.cli.render import console
    from peercli.core.contract import when_text

    if not matches:
        return
    out = console()
    _line(out, "Already in their plan:", "bold")
    for m in matches:
        _line(out, f"  {m.current}: {m.group.name} (#{m.group.id}) — {when_text(m)}")


def render_near_misses(misses: Sequence[Match], changes: Sequence[tuple[str, int]],
                       total: int, heading: str) -> None:
    from peercli.cli.render import console

    out = console()
    if misses:
        _line(out, heading, "bold")
        for m in misses:
            _line(out, f"  {m.group.name} (#{m.group.id}) — {m.ruled_out_by}")
        if total > len(misses):
            _line(out, f"  ... and {total - len(misses)} more")
    if changes:
        best, count = changes[0]
        _line(out, f"Would open most: {best} ({plural(count, 'group')})",
              "bold")
        others = "; ".join(f"{text} ({n})" for text, n in changes[1:3])
        if others:
            _line(out, f"  then: {others}")


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
