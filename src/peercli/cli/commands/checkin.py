"""``peer checkin`` (log, amend, show a contact), ``peer due`` (who needs a call) and ``peer timeline``.

``peer checkin NAME ...`` is short for ``peer checkin log NAME ...``: the group sends any first
word that is not one of its sub-commands to ``log``. A consumer whose name is a sub-command word
("amend", "show", "log") is reached by id or with ``peer checkin log NAME``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command, add_group
from peercli.core.errors import PeerError
from peercli.core.vocab import CHECKIN_MODES, or_list

CHECKIN_HELP = (
    "Log a contact and when to follow up. 'peer checkin NAME [flags]' is short for "
    "'peer checkin log NAME [flags]'. Fix a saved check-in with 'peer checkin amend ID --reason ...' "
    "(the original is kept); see one with 'peer checkin show ID'. A consumer named like a "
    "sub-command (amend, show, log) is reached by id, or with 'peer checkin log NAME'."
)


class CheckinGroup(TyperGroup):
    """A group whose default sub-command is ``log``: ``peer checkin Sam`` = ``peer checkin log Sam``."""

    default_command = "log"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        help_names = set(ctx.help_option_names or ("--help",))
        if args and args[0] not in self.commands and args[0] not in help_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=CheckinGroup, no_args_is_help=True, help=CHECKIN_HELP)

ModeOpt = Annotated[str | None, typer.Option(
    "--mode", "-m",
    help=f'How you met: {or_list(CHECKIN_MODES)} ("in person", "call", "zoom", "sms" work too).',
    show_default=False)]
MinutesOpt = Annotated[int | None, typer.Option(
    "--minutes", help="Length of the contact in minutes (15-minute units are worked out).",
    show_default=False)]
MoodOpt = Annotated[int | None, typer.Option(
    "--mood", help="How they are doing, 1 (very low) to 5 (very good).", show_default=False)]
Who5Opt = Annotated[str | None, typer.Option(
    "--who5", help='WHO-5 answers, five items 0-5: "3,4,2,5,1" (scored 0-25 and as a percent).',
    show_default=False)]
NextOpt = Annotated[str | None, typer.Option(
    "--next", help='Next follow-up: 7d, 2w, 1m, "in 3 days", tomorrow, "next tuesday" or '
                   "2026-12-01 (default: today + their cadence).", show_default=False)]


def _flag(flag: str, exc: ValueError) -> PeerError:
    return PeerError(f"{flag}: {exc}")


def _parse_checkin_id(text: str) -> int:
    raw = text.strip().lstrip("#")
    if not raw.isdigit():
        raise PeerError(f"'{text}' is not a check-in id (a number, as shown by peer timeline)")
    return int(raw)


def _read_stdin_note() -> str:
    import sys

    data = sys.stdin.read()
    return data.strip()


def _edit_note(initial: str) -> str:
    """Open $VISUAL/$EDITOR on a private (0600) file in a private temp dir; remove both after."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or (
        "notepad" if os.name == "nt" else "vi")
    directory = Path(tempfile.mkdtemp(prefix="peer-note-"))  # created 0700
    path = directory / "checkin-note.txt"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(initial)
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise PeerError(f"cannot start the editor '{editor}': {exc.strerror}. Set $EDITOR, or "
                            "use --note TEXT; nothing was saved") from None
        if code != 0:
            raise PeerError(f"the editor exited with status {code}; nothing was saved")
        return path.read_text(encoding="utf-8").strip()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _int_text(parse: Any) -> Any:
    def run(text: str) -> int:
        if not text.strip().lstrip("-").isdigit():
            raise ValueError(f"'{text}' is not a whole number")
        return int(parse(int(text.strip())))

    return run


def _prompt_missing(conn: Any, consumer: Any, values: dict[str, Any], today: Any) -> None:
    """The seconds-long flow on a terminal: Enter accepts each default."""
    from datetime import timedelta

    from peercli.cli import prompts
    from peercli.core import checkins as core
    from peercli.store.checkins import last_mode, open_referrals

    if values["mode"] is None:
        default = last_mode(conn, consumer["id"]) or "in_person"
        values["mode"] = prompts.select(
            "Mode:", [(m, core.MODE_LABELS[m]) for m in CHECKIN_MODES], default=default)
    if values["minutes"] is None:
        answer = prompts.text("Minutes:", default="30", required=True,
                              parse=_int_text(core.check_minutes))
        values["minutes"] = int(answer)
    if values["mood"] is None:
        picked = prompts.select(
            "Mood (1-5):", [("skip", "skip"), *((str(n), f"{n} {w}")
                                               for n, w in core.MOOD_WORDS.items())],
            default="skip")
        values["mood"] = None if picked == "skip" else int(picked)
    if not values["attended_refs"]:
        refs = open_referrals(conn, consumer["id"])
        if refs:
            picked_ids = prompts.checkbox(
                "Attended (Space to tick, Enter to go on):",
                [(str(r["id"]), f"{r['group_name']} ({r['status']})") for r in refs])
            values["attended_groups"] = [
                r for r in conn.execute(
                    "SELECT g.* FROM groups g JOIN referrals r ON r.group_id = g.id "
                    "WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.created_at, r.id",
                    ("[" + ",".join(picked_ids) + "]",),
                )
            ]
    if values["note"] is None and not values["edit"]:
        values["note"] = prompts.text("Note (optional):") or None
    if values["next"] is None:
        default = (today + timedelta(days=consumer["cadence_days"])).isoformat()
        answer = prompts.text("Next follow-up:", default=default,
                              parse=lambda s: core.parse_next(s, today),
                              instruction="(7d, 2w, next tuesday, a date)")
        values["next"] = core.parse_next(answer or default, today)


@app.command("log")
def log(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    mode: ModeOpt = None,
    minutes: MinutesOpt = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="Start time (HH:MM), with --end, instead of --minutes.", show_default=False
    )] = None,
    end: Annotated[str | None, typer.Option("--end", help="End time (HH:MM).", show_default=False)]
    = None,
    mood: MoodOpt = None,
    who5: Who5Opt = None,
    note: Annotated[str | None, typer.Option(
        "--note", help="What happened, in plain words ('-' reads it from stdin).", show_default=False
    )] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Write the note in $EDITOR.")] = False,
    attended: Annotated[list[str] | None, typer.Option(
        "--attended", help="A group they went to (id or name); repeatable. Marks their referral "
                           "to it attended, or records attendance without one.",
        show_default=False)] = None,
    next_: NextOpt = None,
    at: Annotated[str | None, typer.Option(
        "--at", help='When the contact happened: "2026-11-20 14:30", "yesterday 3pm", '
                     '"2 hours ago" (default now).', show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a contact: mode, minutes, mood, attendance, a note, and the next follow-up.

    On a terminal, asks for what the flags leave out (Enter accepts each default).
    """
    from datetime import datetime, timedelta

    from peercli.cli import runtime
    from peercli.core import checkins as core
    from peercli.store import clock
    from peercli.store.checkins import (
        NewCheckin,
        attendance_for_checkin,
        checkin_dict,
        get_checkin,
        insert_checkin,
        plan_attendance,
    )
    from peercli.store.db import write
    from peercli.store.lookup import resolve

    now = clock.now()
    today = now.date()
    values: dict[str, Any] = {"mode": None, "minutes": None, "mood": None, "note": note,
                              "edit": edit, "next": None, "attended_refs": list(attended or []),
                              "attended_groups": []}
    # Everything typed is checked before the database is touched.
    try:
        values["mode"] = core.parse_mode(mode) if mode is not None else None
    except ValueError as exc:
        raise _flag("--mode", exc) from None
    if minutes is not None and (start is not None or end is not None):
        raise PeerError("give either --minutes or --start/--end, not both")
    if (start is None) != (end is None):
        raise PeerError(f"{'--end' if end is None else '--start'} is missing: give both --start "
                        "and --end (HH:MM), or --minutes")
    start_time = None
    if minutes is not None:
        try:
            values["minutes"] = core.check_minutes(minutes)
        except ValueError as exc:
            raise _flag("--minutes", exc) from None
    elif start is not None and end is not None:
        try:
            start_time, values["minutes"] = core.minutes_between(start, end)
        except ValueError as exc:
            raise _flag("--start/--end", exc) from None
    if mood is not None:
        try:
            values["mood"] = core.check_mood(mood)
        except ValueError as exc:
            raise _flag("--mood", exc) from None
    who5_value = None
    if who5 is not None:
        try:
            who5_value = core.parse_who5(who5)
        except ValueError as exc:
            raise _flag("--who5", exc) from None
    if next_ is not None:
        try:
            values["next"] = core.parse_next(next_, today)
        except ValueError as exc:
            raise _flag("--next", exc) from None
    try:
        when = core.parse_at(at, now) if at is not None else now
    except ValueError as exc:
        raise _flag("--at", exc) from None
    if start_time is not None:
        when = datetime.combine(when.date(), start_time)
        if when > now:
            raise PeerError(f"--start: {when.isoformat(sep=' ', timespec='minutes')} is in the "
                            "future: log a contact after it happens (use --at for another day)")
    if note == "-":
        values["note"] = _read_stdin_note() or None

    missing = [flag for flag, key in (("--mode", "mode"), ("--minutes", "minutes"))
               if values[key] is None]
    prompting = bool(missing) and runtime.can_prompt()
    if missing and not prompting:
        hint = {"--mode": "--mode in_person|phone|video|text|group",
                "--minutes": "--minutes N (or --start HH:MM --end HH:MM)"}
        raise PeerError(f"missing {' and '.join(hint[m] for m in missing)} (not prompting: no "
                        "terminal or --no-input)")

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    if person["status"] != "active":
        raise PeerError(f"consumer #{person['id']} is archived; reactivate first with "
                        f"peer consumer archive {person['id']} --undo")
    values["attended_groups"] = [resolve(conn, "group", ref) for ref in values["attended_refs"]]
    if prompting:
        _prompt_missing(conn, person, values, today)
    if edit:
        values["note"] = _edit_note(values["note"] or "") or None
    next_on = values["next"] or today + timedelta(days=person["cadence_days"])
    new = NewCheckin(consumer_id=person["id"], at=when, mode=values["mode"],
                     minutes=values["minutes"], mood=values["mood"], who5=who5_value,
                     note=values["note"] or None, next_followup_on=next_on)
    with write(conn):
        plan = plan_attendance(conn, person["id"], values["attended_groups"])
        checkin_id = insert_checkin(conn, new, plan)
    row = get_checkin(conn, checkin_id)
    record = checkin_dict(row, attendance_for_checkin(conn, checkin_id))
    if as_json:
        from peercli.cli.render import print_json

        print_json(record)
        return
    _echo_checkin(record, person, plan, verb="Saved")


def _echo_checkin(record: dict[str, Any], person: Any, plan: list[Any], verb: str) -> None:
    from datetime import date

    from peercli.cli.render import success, warn
    from peercli.core import checkins as core

    mood = f", mood {record['mood']}/5" if record["mood"] is not None else ""
    success(f"{verb} check-in #{record['id']} with #{person['id']} {person['name']}: "
            f"{core.MODE_LABELS[record['mode']]}, {record['minutes']} min "
            f"({record['units']} unit{'' if record['units'] == 1 else 's'}){mood}")
    if record["who5_score"] is not None:
        line = f"  WHO-5 {record['who5_score']}/25 ({record['who5_percent']}%)"
        typer.echo(line, err=True)
        if record["who5_score"] < core.WHO5_POOR_BELOW:
            warn(f"a WHO-5 score of {record['who5_score']} (below 13) suggests poor wellbeing")
    for item in plan:
        if item.referral_id is None:
            extra = " (no referral; attendance recorded)"
        elif item.referral_status in ("suggested", "referred"):
            extra = f" (referral #{item.referral_id} marked attended)"
        else:
            extra = f" (referral #{item.referral_id} stays {item.referral_status})"
        typer.echo(f"  attended {item.group_name}{extra}", err=True)
    if record["next_followup_on"]:
        day = date.fromisoformat(record["next_followup_on"])
        typer.echo(f"  next follow-up {day.strftime('%a')} {day.isoformat()}", err=True)


@app.command("amend")
def amend(
    checkin_id: Annotated[str, typer.Argument(metavar="ID", help="The check-in's id.")],
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why it changes (kept with the amendment).", show_default=False)] = None,
    mode: ModeOpt = None,
    minutes: MinutesOpt = None,
    mood: MoodOpt = None,
    who5: Who5Opt = None,
    note: Annotated[str | None, typer.Option(
        "--note", help="The corrected note ('-' reads stdin).", show_default=False)] = None,
    next_: NextOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a saved check-in: adds an amendment and keeps the original (both are shown)."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.core import checkins as core
    from peercli.store import clock
    from peercli.store.checkins import amend_checkin, checkin_dict, checkin_versions, get_checkin
    from peercli.store.db import write

    target = _parse_checkin_id(checkin_id)
    changes: dict[str, Any] = {}
    parsers: list[tuple[str, str, Any, Any]] = [
        ("mode", "--mode", mode, core.parse_mode),
        ("minutes", "--minutes", minutes, core.check_minutes),
        ("mood", "--mood", mood, core.check_mood),
        ("who5", "--who5", who5, core.parse_who5),
        ("next_followup_on", "--next", next_, lambda s: core.parse_next(s, clock.today())),
    ]
    for key, flag, value, parse in parsers:
        if value is not None:
            try:
                changes[key] = parse(value)
            except ValueError as exc:
                raise _flag(flag, exc) from None
    if note is not None:
        changes["note"] = (_read_stdin_note() if note == "-" else note.strip()) or None
    if not changes:
        raise PeerError("nothing to amend: give what changes, e.g. --minutes 45 or --mood 3")
    if reason is None or not reason.strip():
        raise PeerError('missing --reason: say why the check-in changes, e.g. --reason "typo"')
    conn = runtime.conn()
    versions = checkin_versions(conn, target)
    if not versions:
        raise PeerError(f"no check-in with id {target}")
    head = versions[-1]
    current = checkin_dict(head)
    same = {
        key for key, value in changes.items()
        if (key == "who5" and current["who5"] == list(value.items))
        or (key == "next_followup_on" and current[key] == value.isoformat())
        or (key not in ("who5", "next_followup_on") and current[key] == value)
    }
    if same == set(changes):
        raise PeerError(f"nothing to amend: check-in #{versions[0]['id']} already has those values")
    with write(conn):
        new_id = amend_checkin(conn, head["id"], changes, reason.strip())
    record = checkin_dict(get_checkin(conn, new_id))
    if as_json:
        print_json(record)
        return
    success(f"Amended check-in #{versions[0]['id']} (amendment #{new_id}; the original is kept)")


@app.command("show")
def show(
    checkin_id: Annotated[str, typer.Argument(metavar="ID", help="The check-in's id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show a check-in: the original, every amendment with its reason, and what counts now."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.checkins import attendance_for_checkin, checkin_dict, checkin_versions

    target = _parse_checkin_id(checkin_id)
    conn = runtime.conn()
    versions = checkin_versions(conn, target)
    if not versions:
        raise PeerError(f"no check-in with id {target}")
    original = checkin_dict(versions[0], attendance_for_checkin(conn, versions[0]["id"]))
    amendments = [checkin_dict(v) for v in versions[1:]]
    effective = amendments[-1] if amendments else original
    if as_json:
        print_json({"id": original["id"], "consumer_id": original["consumer_id"],
                    "original": original, "amendments": amendments, "effective": effective})
        return
    _render_versions(conn, original, amendments)


def _render_versions(conn: Any, original: dict[str, Any], amendments: list[dict[str, Any]]) -> None:
    from rich.markup import escape

    from peercli.cli.render import console
    from peercli.core import checkins as core

    out = console()
    name = conn.execute("SELECT name FROM consumers WHERE id = ?",
                        (original["consumer_id"],)).fetchone()[0]
    out.print(f"[bold]Check-in #{original['id']}[/] with #{original['consumer_id']} "
              f"{escape(name)}, {original['at'].replace('T', ' ')[:16]}")

    def block(title: str, r: dict[str, Any]) -> None:
        out.print(title)
        out.print(f"  {core.MODE_LABELS[r['mode']]}, {r['minutes']} min ({r['units']} units)"
                  + (f", mood {r['mood']}/5" if r["mood"] is not None else "")
                  + (f", WHO-5 {r['who5_score']}/25 ({r['who5_percent']}%)"
                     if r["who5_score"] is not None else ""))
        if r["next_followup_on"]:
            out.print(f"  next follow-up {r['next_followup_on']}")
        if r["note"]:
            for line in r["note"].splitlines():
                out.print(f"  [dim]│[/] {escape(line)}")

    block("[bold]original[/]" + ("" if amendments else " (counts)"), original)
    for item in original.get("attended", []):
        out.print(f"  attended {escape(item['name'])}")
    for i, r in enumerate(amendments, 1):
        counts = " (counts)" if i == len(amendments) else " (superseded)"
        block(f"[bold]amendment #{r['id']}[/] {r['created_at'].replace('T', ' ')[:16]}{counts} — "
              f"reason: {escape(r['amend_reason'] or '')}", r)


def due(
    days: Annotated[int, typer.Option(
        "--days", help="Also list those due within N days.", min=0)] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Who needs a follow-up: overdue and due today (most overdue first), with the reasons."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.core.checkins import due_item_to_dict
    from peercli.store import clock
    from peercli.store.checkins import due_list

    conn = runtime.conn()
    today = clock.today()
    items = due_list(conn, today, days)
    if as_json:
        print_json([due_item_to_dict(i) for i in items])
        return
    if not items:
        window = "today" if days == 0 else f"in the next {days} day{'s' if days != 1 else ''}"
        typer.echo(f"Nobody is due {window}.", err=True)
        return
    from rich.markup import escape

    from peercli.cli.render import console

    out = console()
    overdue = sum(1 for i in items if i.days_overdue > 0)
    today_n = sum(1 for i in items if i.days_overdue == 0)
    later = len(items) - overdue - today_n
    head = f"{overdue} overdue, {today_n} due today" + (f", {later} coming up" if later else "")
    out.print(f"[bold]{head}[/]")
    for item in items:
        if item.days_overdue > 0:
            when = f"[red]{item.days_overdue}d overdue[/]"
        elif item.days_overdue == 0:
            when = "[yellow]today[/]"
        else:
            when = f"in {-item.days_overdue}d"
        out.print(f"  #{item.consumer_id:<4} {escape(item.name):<24} {item.due_on.isoformat()}  "
                  f"{when}")
        for reason in item.reasons:
            out.print(f"         [dim]{escape(reason)}[/]")


def timeline(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """The story so far: intake, consent, check-ins, referrals, attendance, and the mood trend."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.core.checkins import trend_to_dict
    from peercli.store.checkins import timeline_events, trends
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    events = timeline_events(conn, person["id"])
    series = trends(conn, person["id"])
    if as_json:
        print_json({
            "consumer_id": person["id"],
            "name": person["name"],
            "events": [{"at": e.at, "kind": e.kind, "summary": e.summary, "id": e.ref_id, **e.data}
                       for e in events],
            "trend": {key: trend_to_dict(value) for key, value in series.items()},
        })
        return
    _render_timeline(person, events, series)


def _render_timeline(person: Any, events: list[Any], series: dict[str, Any]) -> None:
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

    labels = {"mood": ("Mood", "/5"), "who5": ("WHO-5", "%")}
    for key, (label, unit) in labels.items():
        trend = series.get(key)
        if trend is None:
            continue
        latest = int(trend.latest) if float(trend.latest).is_integer() else trend.latest
        parts = [f"latest {latest}{unit}"]
        if trend.change_from_previous is not None:
            parts.append(f"{signed(trend.change_from_previous)} vs previous")
            parts.append(f"{signed(trend.change_from_first)} vs first")
        out.print(f"  {label:<6} {sparkline(trend.values, trend.lo, trend.hi)}  "
                  f"{', '.join(parts)} ({len(trend.points)} check-in"
                  f"{'' if len(trend.points) == 1 else 's'})")
    if not any(series.values()):
        out.print("  [dim]No mood or WHO-5 recorded yet.[/]")


def register(root: typer.Typer) -> None:
    """Add ``checkin`` (log/amend/show), ``due`` and ``timeline`` to the root app."""
    add_group(root, "checkin", app, help=CHECKIN_HELP)
    add_command(root, "due", due)
    add_command(root, "timeline", timeline)
