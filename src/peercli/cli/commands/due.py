"""``peer due``: who needs a follow-up today (or within --days), with the reasons."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command
from peercli.cli.render import echo, plural


def due(
    days: Annotated[int, typer.Option(
        "--days", help="Also list those due within N days (up to 3660).", min=0, max=3660)] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Who needs a follow-up: overdue and due today, most overdue first.

    Each person once, with every reason: a follow-up date, a referral with no news, a note to
    sign, a plan review, a group they were referred to that changed. --days N looks ahead."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.core.due import due_item_to_dict
    from peercli.store import clock
    from peercli.store.due import due_list

    conn = runtime.conn()
    today = clock.today()
    items = due_list(conn, today, days)
    if as_json:
        print_json([due_item_to_dict(i) for i in items])
        return
    if not items:
        window = "today" if days == 0 else f"in the next {plural(days, 'day')}"
        echo(f"Nobody is due {window}.")
        return
    from peercli.cli.render import print_lines

    callable_ = [i for i in items if i.contact_ok]
    apart = [i for i in items if not i.contact_ok]
    overdue = sum(1 for i in callable_ if i.days_overdue > 0)
    today_n = sum(1 for i in callable_ if i.days_overdue == 0)
    later = len(callable_) - overdue - today_n
    head = f"{overdue} overdue, {today_n} due today" + (f", {later} coming up" if later else "")
    lines: list[tuple[str, str]] = [(head, "bold")]  # (text, style); "join" continues a line
    _item_lines(lines, callable_)
    if apart:
        lines.append(("", ""))
        lines.append((f"No contact consent — do not call ({len(apart)})", "bold"))
        _item_lines(lines, apart)
    # One write for the whole list: a caseload of a thousand stays instant.
    print_lines(lines)


def _item_lines(lines: list[tuple[str, str]], items: list[Any]) -> None:
    for item in items:
        if item.days_overdue > 0:
            when, style = f"{item.days_overdue}d overdue", "red"
        elif item.days_overdue == 0:
            when, style = "today", "yellow"
        else:
            when, style = f"in {-item.days_overdue}d", ""
        lines.append((f"  #{item.consumer_id:<4} {item.name:<24} {item.due_on.isoformat()}  ",
                      ""))
        lines.append((when, style + " join"))
        for reason in item.reasons:
            lines.append((f"         {reason}", "dim"))


def register(root: typer.Typer) -> None:
    """Add ``due`` to the root app."""
    add_command(root, "due", due)
