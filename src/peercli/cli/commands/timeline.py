"""``peer timeline``: one person's story so far, with the mood, WHO-5 and BARC-10 trends and
progress per goal of their recovery plan."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command
from peercli.core.wording import plural


def timeline(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """One person's story so far, with the mood trend.

    Intake, consent, check-ins, referrals, attendance and plan goals; the mood, WHO-5 and
    BARC-10 trends and progress per goal."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.core.timeline import trend_to_dict
    from peercli.store.lookup import resolve
    from peercli.store.plans import goals_with_progress
    from peercli.store.timeline import timeline_events, trends

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    events = timeline_events(conn, person["id"])
    series = trends(conn, person["id"])
    goals = goals_with_progress(conn, person["id"])
    if as_json:
        print_json({
            "consumer_id": person["id"],
            "name": person["name"],
            "events": [{"at": e.at, "kind": e.kind, "summary": e.summary, "id": e.ref_id, **e.data}
                       for e in events],
            "trend": {key: trend_to_dict(value) for key, value in series.items()},
            "goals": goals,
        })
        return
    _render_timeline(person, events, series, goals)


def _render_timeline(person: Any, events: list[Any], series: dict[str, Any],
                     goals: list[dict[str, Any]]) -> None:
    from rich.markup import escape

    from peercli.cli.render import console, sparkline

    out = console()
    status = "" if person["status"] == "active" else " [yellow](archived)[/]"
    out.print(f"[bold]#{person['id']} {escape(person['name'])}[/]{status}")
    for e in events:
        when = e.at.replace("T", " ")[:16]
        out.print(f"  {when:<16}  [dim]{e.kind:<10}[/] {escape(e.summary)}")

    def signed(value: float) -> str:
        number = int(value) if float(value).is_integer() else round(value, 1)
        return f"+{number}" if value > 0 else str(number)

    labels = {"mood": ("Mood", "/5"), "who5": ("WHO-5", "%"), "barc10": ("BARC-10", "/60")}
    for key, (label, unit) in labels.items():
        trend = series.get(key)
        if trend is None:
            continue
        latest = int(trend.latest) if float(trend.latest).is_integer() else trend.latest
        parts = [f"latest {latest}{unit}"]
        if trend.change_from_previous is not None:
            parts.append(f"{signed(trend.change_from_previous)} vs previous")
            parts.append(f"{signed(trend.change_from_first)} vs first")
        out.print(f"  {label:<7} {sparkline(trend.values, trend.lo, trend.hi)}  "
                  f"{', '.join(parts)} ({plural(len(trend.points), 'check-in')})")
    if not any(series.values()):
        out.print("  [dim]No mood, WHO-5 or BARC-10 recorded yet.[/]")
    for g in goals:  # progress per goal of the recovery plan
        last = f", last {str(g['last_at'])[:10]}" if g["last_at"] else ""
        out.print(f"  [bold]G{g['number']}[/] “{escape(g['text'])}” [dim]{g['status']}: "
                  f"{plural(g['checkins'], 'check-in')}, {plural(g['referrals'], 'referral')}{last}[/]")


def register(root: typer.Typer) -> None:
    """Add ``timeline`` to the root app."""
    add_command(root, "timeline", timeline)
