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
from peercli.core.errors import PeerError

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
    from peercli.cli.output import document_path, write_document
    from peercli.core.reports import month_period
    from peercli.store import clock
    from peercli.store.lookup import resolve
    from peercli.store.notes import month_notes
    from peercli.store.settings import current_settings

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

        info(f"{summary['notes']} note(s): {summary['signed']} signed ({summary['late']} late), "
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
            warn(f"late: signed {r.business_days} business days after the contact (more than "
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
        typer.echo("No unsigned notes.", err=True)
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
    from datetime import datetime, timedelta

    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.core import checkins as core
    from peercli.core import notes as note_rules
    from peercli.core.settings import parse_service_code
    from peercli.store import clock
    from peercli.store.checkins import get_checkin
    from peercli.store.db import write
    from peercli.store.lookup import resolve
    from peercli.store.notes import GroupSession, NoteParts, insert_group_session
    from peercli.store.settings import current_settings

    now = clock.now()
    if minutes is not None and (start or end):
        raise PeerError("give either --minutes or --start/--end, not both")
    start_time = None
    if minutes is not None:
        try:
            length = core.check_minutes(minutes)
        except ValueError as exc:
            raise PeerError(f"--minutes: {exc}") from None
    elif start and end:
        try:
            start_time, length = core.minutes_between(start, end)
        except ValueError as exc:
            raise PeerError(f"--start/--end: {exc}") from None
    else:
        raise PeerError("missing --minutes N (or --start HH:MM --end HH:MM)")
    try:
        when = core.parse_at(at, now) if at else now
    except ValueError as exc:
        raise PeerError(f"--at: {exc}") from None
    if start_time is not None:
        when = datetime.combine(when.date(), start_time)
        if when > now:
            raise PeerError("--start: the session is in the future")
    parsed: dict[str, Any] = {}
    for flag, key, value in (("--intervention", "intervention", intervention),
                             ("--response", "response", response),
                             ("--next-step", "next_step", next_step)):
        try:
            parsed[key] = note_rules.parse_note_text(value)
        except ValueError as exc:
            raise PeerError(f"{flag}: {exc}") from None
    try:
        place_key = note_rules.parse_place(place) if place else None
    except ValueError as exc:
        raise PeerError(f"--place: {exc}") from None
    narrative = note
    if note == "-":
        import sys

        narrative = sys.stdin.read().strip()
    narrative = (narrative or "").strip() or None
    conn = runtime.conn()
    settings = current_settings(conn)
    try:
        code = parse_service_code(service_code) if service_code else (
            settings.get("group-service-code"))
    except ValueError as exc:
        raise PeerError(f"--service-code: {exc}") from None
    names = [part.strip() for ref in attendees for part in ref.split(",") if part.strip()]
    if not names:
        raise PeerError("name at least one --attendee")
    people: list[Any] = []
    for ref in names:
        row = resolve(conn, "consumer", ref)
        if row["status"] != "active":
            raise PeerError(f"consumer #{row['id']} is archived")
        if any(p["id"] == row["id"] for p in people):
            raise PeerError(f"--attendee: #{row['id']} is named twice")
        people.append(row)
    group_row = resolve(conn, "group", group) if group else None
    next_on = {p["id"]: now.date() + timedelta(days=p["cadence_days"]) for p in people}
    session = GroupSession(when, length, group_row["id"] if group_row else None,
                           topic.strip() if topic else None, place_key, code, narrative)
    parts = NoteParts(place=place_key, service_code=code, **parsed)
    with write(conn):
        session_id, ids = insert_group_session(conn, session, people, parts, next_on, group_row)
    units = core.units_of_service(length)
    if as_json:
        from peercli.store.checkins import checkin_dict

        rows = [get_checkin(conn, i) for i in ids]
        print_json({"group_session_id": session_id, "at": when.isoformat(), "minutes": length,
                    "units_each": units, "group_id": session.group_id,
                    "checkins": [checkin_dict(r) for r in rows if r is not None]})
        return
    success(f"Group session #{session_id}: {len(ids)} attendee(s), {length} min, {units} unit"
            f"{'' if units == 1 else 's'} each")
    for person, checkin_id in zip(people, ids, strict=True):
        typer.echo(f"  check-in #{checkin_id} for #{person['id']} {person['name']}", err=True)


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_group

    add_group(root, "notes", app, help=NOTES_HELP)
