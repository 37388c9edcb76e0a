"""``peer report`` (programme numbers), ``peer calendar`` (.ics for a phone), ``peer export``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.cli.registry import add_command
from peercli.core.errors import PeerError, UsageError
from peercli.core.wording import plural


def _period(month: str | None, start: str | None, end: str | None) -> Any:
    from peercli.core.reports import choose_period
    from peercli.store.clock import today

    try:
        return choose_period(month, start, end, today())
    except ValueError as exc:
        raise PeerError(str(exc)) from None


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def report_title(data: Mapping[str, Any]) -> str:
    """The period, said once: "November 2026" for a month, "2026-11-03 to 2026-11-16" for a
    range."""
    if data["month"]:
        year, month = data["month"].split("-")
        return f"{MONTHS[int(month) - 1]} {year}"
    return f"{data['from']} to {data['to']}"


def _render_report(data: Mapping[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from peercli.cli.render import console
    from peercli.core.reports import bar

    out = console()
    out.print(f"[bold]Report {report_title(data)}[/]")
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
         f"({plural(data['mood_consumers'], 'person')})"),
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
        extra.add_row(f"{kind} services", f"{plural(k.get('contacts', 0), 'contact')}, "
                      f"{plural(k.get('units', 0), 'unit')}, {plural(k.get('people', 0), 'person')}")
    extra.add_row("notes signed", f"{notes['signed']} of {notes['under_signoff']}"
                  f" ({notes['signed_late']} late, {notes['unsigned']} unsigned)")
    extra.add_row("plan reviews", f"{reviews['done']} done, {reviews['overdue']} overdue "
                  f"({plural(reviews['plans'], 'plan')})")
    extra.add_row("BARC-10", "—" if not barc["assessments"] else (
        f"average {barc['average_total']:g}/60 over {plural(barc['assessments'], 'assessment')}, "
        f"{plural(barc['people'], 'person')}" + ("" if barc["average_change"] is None else
                                      f"; change {barc['average_change']:+g} "
                                      f"({plural(barc['change_people'], 'person')})")))
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
    fmt: Annotated[str | None, typer.Option(
        "--format", help="table (default), csv or json.", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """The month's numbers: contacts, minutes, units, people, referrals.

    Also new people, mood change, notes signed, plan reviews and BARC-10, with
    tables by service code, mode and referral status. --format csv or json for a
    spreadsheet or a script."""
    from peercli.cli import runtime
    from peercli.cli.options import refuse_together
    from peercli.core.reports import report_to_dict
    from peercli.store.reports import report_for

    chosen = (fmt or "table").strip().lower()
    if chosen not in ("table", "csv", "json"):
        raise UsageError(f"--format: '{fmt}' is not a report format; use table, csv or json")
    refuse_together((f"--format {chosen}", fmt is not None and chosen != "json"),
                    ("--json", as_json))
    refuse_together(("--month", month is not None), ("--from", start is not None))
    refuse_together(("--month", month is not None), ("--to", end is not None))
    fmt = "json" if as_json else chosen
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
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="The .ics file to write, or - for stdout (default: stdout when "
        "it is a pipe or file; at a terminal, a summary and where to put it).",
        show_default=False)] = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a person's referred groups as an .ics calendar for a phone.

    The meetings of their active referrals, as recurring events with time zone and place or
    link. Without -o: the .ics on stdout when it is a file or a pipe; at a terminal, what it
    holds and how to save it."""
    import sys
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.options import refuse_together
    from peercli.store.calendar import calendar_ics
    from peercli.store.files import check_output_target
    from peercli.store.lookup import resolve

    refuse_together(("-o -", output == "-"), ("--json", as_json))
    path = None if output in (None, "-") else Path(output).expanduser()
    if path is not None:
        check_output_target(path, force=force)
    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    result = calendar_ics(conn, row["id"])
    _warn_left_out(result.skipped)
    if not result.events:
        raise PeerError(
            f"consumer #{row['id']} has no active referrals with upcoming meetings; "
            f"refer them first (peer match {row['id']})")
    if path is not None:
        from peercli.store.files import atomic_output

        with atomic_output(path, force=force, binary=True) as f:
            f.write(result.text.encode("utf-8"))
    if as_json:
        _calendar_json(row, result, path)
    elif path is None and (output == "-" or not stdout_is_terminal()):
        sys.stdout.buffer.write(result.text.encode("utf-8"))
        sys.stdout.flush()
    else:
        _calendar_summary(row, result, path)


def stdout_is_terminal() -> bool:
    """Whether a person reads stdout (then an .ics would be noise) or a file or pipe does."""
    import sys

    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _warn_left_out(skipped: Any) -> None:
    from peercli.cli.render import warn

    for why in skipped:
        warn(f"left out: {why}")


def _calendar_json(row: Any, result: Any, path: Any) -> None:
    from peercli.cli.render import print_json
    from peercli.core.calendar import event_to_dict

    print_json({"consumer_id": row["id"], "path": str(path) if path else None,
                "events": [event_to_dict(e) for e in result.events],
                "warnings": [{"field": "groups", "message": f"left out: {why}"}
                             for why in result.skipped]})


def _calendar_summary(row: Any, result: Any, path: Any) -> None:
    """At a terminal: what the calendar holds, and where it went (or how to put it somewhere)."""
    from peercli.cli.render import echo, success
    from peercli.core.schedule import describe_meeting

    meetings = plural(len(result.events), "recurring meeting")
    if path is not None:
        success(f"Wrote {meetings} to {path}")
    else:
        echo(f"{meetings} for #{row['id']} {row['name']}:")
    for event in result.events:
        echo(f"  {event.summary} — {describe_meeting(event.meeting)}")
    if path is None:
        echo(f"Save them with: peer calendar {row['id']} -o calendar-{row['id']}.ics "
             f"(or peer calendar {row['id']} > calendar-{row['id']}.ics)")


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
    from peercli.cli.render import print_json, progress, success, warn
    from peercli.store.export import export_all

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in wanted if f not in ("csv", "json")]
    if bad or not wanted:
        raise PeerError(f"--format: '{formats}' is not understood; use csv, json or csv,json")
    directory = Path(output).expanduser()
    if directory.exists() and not directory.is_dir():
        raise PeerError(f"-o: '{output}' is a file; give a directory")
    import sys

    step = (lambda table: progress(f"  {table}")) if sys.stderr.isatty() else None
    result = export_all(runtime.conn(), directory, wanted, step, force=force)
    if as_json:
        print_json({"directory": str(result.directory),
                    "files": [str(p) for p in result.files], "rows": result.rows})
    else:
        success(f"Exported {plural(len(result.rows), 'table')} "
                f"({plural(sum(result.rows.values()), 'row')}) "
                f"to {result.directory}")
    warn("exports are plaintext, even from an encrypted database: the files are private "
         "(0600), but anyone with the disk can read them; delete them when done")


def register(root: typer.Typer) -> None:
    """Add report, calendar and export to the root app."""
    add_command(root, "report", report)
    add_command(root, "calendar", calendar)
    add_command(root, "export", export)
