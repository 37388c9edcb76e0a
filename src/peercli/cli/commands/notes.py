"""``peer notes``: service notes for an audit: the month's notes as a printable document
(``peer notes [NAME] --month 2026-11``), signing (sign and lock), unsigned notes, and group
session notes (one narrative, one check-in per attendee).

``peer notes NAME ...`` (or ``peer notes --month ...``) is short for ``peer notes print ...``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.cli.render import echo
from peercli.core.errors import PeerError
from peercli.core.wording import plural

NOTES_HELP = ("Service notes: print a month for review, sign, list unsigned ones.\n\n"
              "'peer notes [NAME] --month YYYY-MM' is short for 'peer notes print'. "
              "'peer notes group' records a group session.")


class NotesGroup(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        help_names = set(ctx.help_option_names or ("--help",))
        if not args or (args[0] not in self.commands and args[0] not in help_names):
            args = ["print", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=NotesGroup, no_args_is_help=False, help=NOTES_HELP)


def _late_after(conn: Any) -> int:
    from peercli.core.settings import as_int
    from peercli.store.settings import current_settings

    return as_int(current_settings(conn), "late-after")


@app.command("print")
def print_(
    consumer: Annotated[str | None, typer.Argument(
        help="Consumer id or name prefix (default: everyone).", show_default=False)] = None,
    month: Annotated[str | None, typer.Option(
        "--month", help="YYYY-MM (default: this month).", show_default=False)] = None,
    out: Annotated[str | None, typer.Option(
        "--out", help="HTML file to write (default notes-YYYY-MM[-ID].html; '-' for stdout).",
        show_default=False)] = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a month's notes as a printable page for supervisor review.

    Every part, signature, late flag, and both versions of amended notes."""
    from peercli.cli import runtime
    from peercli.cli.documents import notes_html
    from peercli.cli.options import refuse_together
    from peercli.cli.output import document_path, write_document
    from peercli.core.reports import month_period
    from peercli.store import clock
    from peercli.store.lookup import resolve
    from peercli.store.notes import month_notes
    from peercli.store.settings import current_settings

    refuse_together(("--out", out is not None), ("--json", as_json))
    now = clock.now()
    try:
        period = month_period(month or now.strftime("%Y-%m"))
    except ValueError as exc:
        raise PeerError(f"--month: {exc}") from None
    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer) if consumer else None
    notes = month_notes(conn, period.start, period.end, person["id"] if person else None)
    heads = [n["versions"][-1] for n in notes]
    summary = {"notes": len(notes), "signed": sum(1 for v in heads if v["signed_at"]),
               "late": sum(1 for v in heads if v["late"]),
               "unsigned": sum(1 for v in heads if not v["signed_at"]),
               "amended": sum(1 for n in notes if len(n["versions"]) > 1),
               "incomplete": sum(1 for v in heads if v["missing"])}
    if as_json:
        from peercli.cli.render import print_json

        print_json({"month": period.month, "consumer_id": person["id"] if person else None,
                    "summary": summary, "notes": notes})
        return
    who = f"#{person['id']} {person['name']}" if person else "all consumers"
    title = f"Service notes — {period.month} — {who}"
    program = current_settings(conn).get("program")
    html = notes_html(notes, title, program, now.isoformat(sep=" ", timespec="minutes"), summary)
    suffix = f"-{person['id']}" if person else ""
    write_document(html, document_path(out, f"notes-{period.month}{suffix}.html"), force=force)
    if out != "-":
        from peercli.cli.render import info

        info(f"{plural(summary['notes'], 'note')}: {summary['signed']} signed ({summary['late']} late), "
             f"{summary['unsigned']} unsigned, {summary['amended']} amended, "
             f"{summary['incomplete']} missing parts")


@app.command("sign")
def sign(
    checkin_ids: Annotated[list[str], typer.Argument(
        metavar="ID...", help="Check-in ids (the newest version of each is signed).")],
    as_json: JsonOpt = False,
) -> None:
    """Sign notes with your name and credential (from peer config).

    A signed note is locked: later changes are amendments, which need their own signature."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success, warn
    from peercli.core.ids import parse_id
    from peercli.store import clock
    from peercli.store.db import write
    from peercli.store.notes import Signer, sign_note
    from peercli.store.settings import current_settings

    ids = [parse_id(text, "check-in", ", as peer timeline shows") for text in checkin_ids]
    conn = runtime.conn()
    settings = current_settings(conn)
    name = settings.get("name")
    if not name:
        raise PeerError('set your name before signing: peer config set name "Your Name" '
                        "(and peer config set credential CPRS)")
    late_after = _late_after(conn)
    now = clock.now()
    with write(conn):
        signer = Signer(name, settings.get("credential"), now, late_after)
        results = [sign_note(conn, i, signer) for i in ids]
    if as_json:
        print_json([{"checkin_id": r.checkin_id, "version_id": r.version_id, "late": r.late,
                     "business_days": r.business_days, "missing": list(r.missing),
                     "signed_by": name, "signed_credential": settings.get("credential"),
                     "signed_at": now.isoformat()} for r in results])
        return
    for r in results:
        version = "" if r.version_id == r.checkin_id else f" (amendment #{r.version_id})"
        success(f"Signed check-in #{r.checkin_id}{version}")
        if r.late:
            warn(f"late: signed {plural(r.business_days, 'business day')} after the contact (more than "
                 f"{late_after})")
        if r.missing:
            warn(f"#{r.checkin_id} has no {', '.join(r.missing)}")


@app.command("unsigned")
def unsigned(
    consumer: Annotated[str | None, typer.Argument(help="Consumer id or name prefix.",
                                                   show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List notes waiting for your signature, oldest first, and when each is late."""
    from peercli.cli import runtime
    from peercli.cli.render import console, print_json
    from peercli.core.notes import business_days_between, signing_deadline
    from peercli.store import clock
    from peercli.store.lookup import resolve
    from peercli.store.notes import unsigned_notes

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer) if consumer else None
    late_after = _late_after(conn)
    today = clock.today()
    rows = [{"checkin_id": n.checkin_id, "consumer_id": n.consumer_id,
             "contact_on": n.contact_on.isoformat(),
             "late_after": signing_deadline(n.contact_on, late_after).isoformat(),
             "business_days": business_days_between(n.contact_on, today),
             "late": today > signing_deadline(n.contact_on, late_after)}
            for n in unsigned_notes(conn, person["id"] if person else None)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        echo("No unsigned notes.")
        return
    out = console()
    for r in rows:
        flag = "[red]late[/]" if r["late"] else f"sign by {r['late_after']}"
        out.print(f"  check-in #{r['checkin_id']:<6} consumer #{r['consumer_id']:<5} "
                  f"{r['contact_on']}  {flag}")
    out.print(f"[dim]Sign with: peer notes sign {' '.join(str(r['checkin_id']) for r in rows[:5])}"
              "[/]")


@app.command("group")
def group_session(
    attendees: Annotated[list[str], typer.Option(
        "--attendee", "-a", help="A person who attended (id or name); repeatable, or "
                                 "comma-separated.", show_default=False)],
    minutes: Annotated[int | None, typer.Option(
        "--minutes", help="Length of the session.", show_default=False)] = None,
    start: Annotated[str | None, typer.Option("--start", help="Start (HH:MM), with --end.",
                                              show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--end", help="End (HH:MM).", show_default=False)]
    = None,
    at: Annotated[str | None, typer.Option(
        "--at", help='When: "2026-11-20 14:30", "yesterday 3pm" (default now).',
        show_default=False)] = None,
    group: Annotated[str | None, typer.Option(
        "--group", help="The directory group it was (records attendance for each).",
        show_default=False)] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="The session's topic.",
                                              show_default=False)] = None,
    note: Annotated[str | None, typer.Option(
        "--note", help="The one narrative for every attendee ('-' reads stdin).",
        show_default=False)] = None,
    place: Annotated[str | None, typer.Option("--place", help="Place of service (office, "
                                              "community, telehealth …).", show_default=False)]
    = None,
    intervention: Annotated[str | None, typer.Option("--intervention", show_default=False,
                                                     help="What you did.")] = None,
    response: Annotated[str | None, typer.Option("--response", show_default=False,
                                                 help="How the group responded.")] = None,
    next_step: Annotated[str | None, typer.Option("--next-step", show_default=False,
                                                  help="Plan / next step.")] = None,
    service_code: Annotated[str | None, typer.Option(
        "--service-code", help="Default: the group-service-code setting (H0038 HQ).",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a group session: one narrative, one check-in per attendee.

    Each attendee's check-in carries the units and, with --group, attendance."""
    from peercli.cli import runtime
    from peercli.core.notes import GroupSessionFlags, read_group_session_flags
    from peercli.store import clock
    from peercli.store.notes import record_group_session

    if note == "-":
        import sys

        note = sys.stdin.read()
    now = clock.now()
    request = read_group_session_flags(GroupSessionFlags(
        tuple(attendees), minutes, start, end, at, group, topic, note, place, intervention,
        response, next_step, service_code), now)
    conn = runtime.conn()
    result = record_group_session(conn, request, now)
    if as_json:
        _group_session_json(conn, result)
    else:
        _echo_group_session(result, request.warnings)


def _group_session_json(conn: Any, result: Any) -> None:
    from peercli.cli.render import print_json
    from peercli.store.checkins import checkin_dict, get_checkin

    rows = [get_checkin(conn, checkin_id) for _, _, checkin_id in result.attendees]
    print_json({"group_session_id": result.session_id,
                "at": result.session.at.isoformat(), "minutes": result.session.minutes,
                "units_each": result.units_each, "group_id": result.session.group_id,
                "checkins": [checkin_dict(r) for r in rows if r is not None]})


def _echo_group_session(result: Any, warnings: tuple[str, ...]) -> None:
    from peercli.cli.render import success, warn

    for message in warnings:
        warn(message)
    success(f"Group session #{result.session_id}: {plural(len(result.attendees), 'attendee')}, "
            f"{result.session.minutes} min, {plural(result.units_each, 'unit')} each")
    for consumer_id, name, checkin_id in result.attendees:
        echo(f"  check-in #{checkin_id} for #{consumer_id} {name}")


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_group

    add_group(root, "notes", app, help=NOTES_HELP)
