"""``peer report`` (programme numbers), ``peer calendar`` (.ics for a phone), ``peer export``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.cli.registry import add_command
from peercli.core.errors import PeerError


def _period(month: str | None, start: str | None, end: str | None) -> Any:
    from peercli.core.reports import choose_period
    from peercli.store.clock import today

    try:
        return choose_period(month, start, end, today())
    except ValueError as exc:
        raise PeerError(str(exc)) from None


def _render_report(data: Mapping[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from peercli.cli.render import console
    from peercli.core.reports import bar

    out = console()
    title = data["month"] or f"{data['from']} to {data['to']}"
    out.print(f"[bold]Report {title}[/]  [dim]({data['from']} to {data['to']})[/]")
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="dim")
    summary.add_column(justify="right")
    mood = data["average_mood_change"]
    for label, value in (
        ("contacts", data["contacts"]),
        ("minutes", data["minutes"]),
        ("units (15 min)", data["units"]),
        ("people served", data["consumers_served"]),
        ("new people", data["new_consumers"]),
        ("referrals made", data["referrals_made"]),
        ("  turned into attendance", data["referrals_attended"]),
        ("average mood change", "—" if mood is None else f"{mood:+g} "
         f"({data['mood_consumers']} {'person' if data['mood_consumers'] == 1 else 'people'})"),
    ):
        summary.add_row(label, str(value))
    out.print(summary)

    def chart(title: str, counts: dict[str, int]) -> None:
        largest = max(counts.values(), default=0)
        t = Table()
        t.add_column(title)
        t.add_column("n", justify="right")
        t.add_column("")
        for key, n in counts.items():
            t.add_row(escape(key.replace("_", " ")), str(n), bar(n, largest))
        out.print(t)

    notes, reviews, barc = data["notes"], data["plan_reviews"], data["barc10"]
    extra = Table(show_header=False, box=None, pad_edge=False)
    extra.add_column(style="dim")
    extra.add_column(justify="right")
    for kind in ("individual", "group"):
        k = data["by_service_kind"].get(kind, {})
        extra.add_row(f"{kind} services", f"{k.get('contacts', 0)} contact(s), "
                      f"{k.get('units', 0)} unit(s), {k.get('people', 0)} people")
    extra.add_row("notes signed", f"{notes['signed']} of {notes['under_signoff']}"
                  f" ({notes['signed_late']} late, {notes['unsigned']} unsigned)")
    extra.add_row("plan reviews", f"{reviews['done']} done, {reviews['overdue']} overdue "
                  f"({reviews['plans']} plans)")
    extra.add_row("BARC-10", "—" if not barc["assessments"] else (
        f"average {barc['average_total']:g}/60 over {barc['assessments']} assessment(s), "
        f"{barc['people']} people" + ("" if barc["average_change"] is None else
                                      f"; change {barc['average_change']:+g} "
                                      f"({barc['change_people']} people)")))
    out.print(extra)
    if data["units_by_service_code"]:
        chart("Units by service code", data["units_by_service_code"])
    chart("Check-ins by mode", data["checkins_by_mode"])
    chart("Referrals made, by status now", data["referrals"])
    if data["top_groups"]:
        chart("Groups most referred to",
              {f"#{g['group_id']} {g['name']}": g["referrals"] for g in data["top_groups"]})


def report(
    month: Annotated[str | None, typer.Option(
        "--month", help="Month to report, YYYY-MM (default: this month).")] = None,
    start: Annotated[str | None, typer.Option(
        "--from", help="First day, YYYY-MM-DD (instead of --month).")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", help="Last day, YYYY-MM-DD (default: today).")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="table (default), csv or json.")] = "table",
    as_json: JsonOpt = False,
) -> None:
    """The month's numbers: contacts, minutes, units, people, referrals.

    Also new people, mood change, notes signed, plan reviews and BARC-10, with
    tables by service code, mode and referral status. --format csv or json for a
    spreadsheet or a script."""
    from peercli.cli import runtime
    from peercli.core.reports import report_to_dict
    from peercli.store.reports import report_for

    fmt = "json" if as_json else fmt.strip().lower()
    if fmt not in ("table", "csv", "json"):
        raise PeerError(f"--format: '{fmt}' is not a report format; use table, csv or json")
    period = _period(month, start, end)
    result = report_for(runtime.conn(), period)
    data = report_to_dict(result)
    if fmt == "json":
        from peercli.cli.render import print_json

        print_json(data)
    elif fmt == "csv":
        import csv
        import sys

        from peercli.core.csvcells import neutralise_cell
        from peercli.core.reports import report_rows

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["section", "item", "value"])
        writer.writerows([neutralise_cell(c) for c in row] for row in report_rows(result))
    else:
        _render_report(data)


def calendar(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    output: Annotated[str, typer.Option(
        "--output", "-o", help="The .ics file to write, or - for stdout.")],
    force: ForceOpt = False,
) -> None:
    """Write a person's referred groups as an .ics calendar for a phone.

    The meetings of their active referrals, as recurring events with time zone and place or
    link."""
    from datetime import UTC
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.render import success, warn
    from peercli.core.calendar import build_calendar
    from peercli.store.calendar import calendar_plan, local_zone_name
    from peercli.store.clock import now
    from peercli.store.files import atomic_output, check_output_target
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    if output != "-":
        check_output_target(Path(output).expanduser(), force=force)
    current = now()
    plan = calendar_plan(conn, row["id"], current, local_zone_name())
    for why in plan.skipped:
        warn(f"left out: {why}")
    if not plan.events:
        raise PeerError(
            f"consumer #{row['id']} has no active referrals with upcoming meetings; "
            f"refer them first (peer match {row['id']})")
    text = build_calendar(list(plan.events), dtstamp=current.astimezone(UTC))
    if output == "-":
        import sys

        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    path = Path(output).expanduser()
    with atomic_output(path, force=force, binary=True) as f:
        f.write(text.encode("utf-8"))
    success(f"Wrote {len(plan.events)} recurring meeting(s) to {path}")


def export(
    output: Annotated[str, typer.Option(
        "--output", "-o", help="Directory to write into (created private, 0700).")],
    formats: Annotated[str, typer.Option(
        "--format", help="csv, json or csv,json (default both).")] = "csv,json",
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Export every table as CSV and JSON.

    Plus groups.native.csv, which peer group import reads back. Spreadsheet formulas are neutralised; every file is private (0600). Exports are
    plaintext, even from an encrypted database."""
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.render import info, print_json, success, warn
    from peercli.store.export import export_all

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in wanted if f not in ("csv", "json")]
    if bad or not wanted:
        raise PeerError(f"--format: '{formats}' is not understood; use csv, json or csv,json")
    directory = Path(output).expanduser()
    if directory.exists() and not directory.is_dir():
        raise PeerError(f"-o: '{output}' is a file; give a directory")
    import sys

    progress = (lambda table: info(f"  {table}")) if sys.stderr.isatty() else None
    result = export_all(runtime.conn(), directory, wanted, progress, force=force)
    if as_json:
        print_json({"directory": str(result.directory),
                    "files": [str(p) for p in result.files], "rows": result.rows})
    else:
        success(f"Exported {len(result.rows)} tables ({sum(result.rows.values())} rows) "
                f"to {result.directory}")
    warn("exports are plaintext, even from an encrypted database: the files are private "
         "(0600), but anyone with the disk can read them; delete them when done")


def register(root: typer.Typer) -> None:
    """Add report, calendar and export to the root app."""
    add_command(root, "report", report)
    add_command(root, "calendar", calendar)
    add_command(root, "export", export)
