"""``peer checkin``: log, amend and show a contact. The rules are ``core/checkins.py``.

``peer checkin NAME ...`` is short for ``peer checkin log NAME ...``: the group sends any first
word that is not one of its sub-commands to ``log``. A consumer whose name is a sub-command word
("amend", "show", "log") is reached by id or with ``peer checkin log NAME``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_group
from peercli.cli.render import echo
from peercli.core.errors import PeerError, UsageError
from peercli.core.vocab import CHECKIN_MODES, MARKED_ATTENDED_BY_CHECKIN, or_list
from peercli.core.wording import plural

CHECKIN_HELP = (
    "Log a contact and when to follow up; amend or show a saved one.\n\n"
    "'peer checkin NAME [flags]' is short for "
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
PlaceOpt = Annotated[str | None, typer.Option(
    "--place", help="Place of service: office, home, community, telehealth, phone, shelter, "
                    "school, hospital, other …", show_default=False)]
ServiceCodeOpt = Annotated[str | None, typer.Option(
    "--service-code", help="Service code (default: the service-code setting, H0038).",
    show_default=False)]
GoalOpt = Annotated[list[str] | None, typer.Option(
    "--goal", help="The plan goal this contact served (1, 2 … as peer plan shows); repeatable.",
    show_default=False)]
InterventionOpt = Annotated[str | None, typer.Option(
    "--intervention", help="What you did (shared experience, accompanied, practised…).",
    show_default=False)]
ResponseOpt = Annotated[str | None, typer.Option(
    "--response", help="How the person responded.", show_default=False)]
NextStepOpt = Annotated[str | None, typer.Option(
    "--next-step", help="The plan / next step, in plain words.", show_default=False)]
Barc10Opt = Annotated[str | None, typer.Option(
    "--barc10", help='BARC-10 answers, ten items 1-6: "6,5,4,5,6,4,5,6,3,5" (total 10-60).',
    show_default=False)]
NextOpt = Annotated[str | None, typer.Option(
    "--next", help='Next follow-up: 7d, 2w, 1m, "in 3 days", tomorrow, "next tuesday" or '
                   "2026-12-01 (default: today + their cadence).", show_default=False)]


def _parse_checkin_id(text: str) -> int:
    from peercli.core.ids import parse_id

    return parse_id(text, "check-in", ", as shown by peer timeline")


def _read_stdin_note() -> str:
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return str(sys.stdin.read()).strip()
    raw = stream.read()
    try:
        return str(raw.decode("utf-8-sig")).strip()
    except UnicodeDecodeError as exc:
        raise PeerError(
            f"--note -: the note on standard input is not UTF-8 text (byte 0x{raw[exc.start]:02x}"
            f" at position {exc.start}); convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None


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
    from peercli.store.files import NOTE_PREFIX, sweep_note_leftovers

    sweep_note_leftovers()
    # created 0700; the pid in the name lets a later peer remove it if this process is killed
    directory = Path(tempfile.mkdtemp(prefix=f"{NOTE_PREFIX}{os.getpid()}-"))
    path = directory / "checkin-note.txt"
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)  # unwinds through the finally below: the note is removed

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                previous[name] = signal.signal(getattr(signal, name), stop)
            except ValueError:  # not the main thread
                pass
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
        try:
            return path.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError:
            raise PeerError("the note is not UTF-8 text; nothing was saved") from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _int_text(parse: Any) -> Any:
    def run(text: str) -> int:
        digits = text.strip().removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            raise ValueError(f"'{text}' is not a whole number")
        return int(parse(int(text.strip())))

    return run


def _ask_contact(conn: Any, person: Any, draft: Any, today: Any) -> Any:
    """The seconds-long flow on a terminal: Enter accepts each default; a number picks from a
    list; what was ticked is echoed."""
    from dataclasses import replace
    from datetime import timedelta

    from peercli.cli import prompts
    from peercli.core import checkins as core
    from peercli.store.checkins import last_mode, open_referrals

    v = draft.values
    mode = v.mode or prompts.select(
        "Mode:", [(m, core.MODE_LABELS[m]) for m in CHECKIN_MODES],
        default=last_mode(conn, person["id"]) or "in_person")
    minutes = v.minutes if v.minutes is not None else int(prompts.text(
        "Minutes:", default="30", required=True, parse=_int_text(core.check_minutes)))
    mood = v.mood
    if mood is None:
        picked = prompts.select("Mood (1-5):", [("skip", "skip", "0"), *(
            (str(n), word, str(n)) for n, word in core.MOOD_WORDS.items())], default="skip")
        mood = None if picked == "skip" else int(picked)
    referrals = draft.attended_referrals
    if not draft.attended:
        refs = open_referrals(conn, person["id"])
        if refs:
            referrals = tuple(int(i) for i in prompts.checkbox(
                "Attended:", [(str(r["id"]), f"{r['group_name']} ({r['status']})")
                              for r in refs]))
    note = draft.note
    if note is None and not draft.edit:
        note = prompts.text("Note (optional):") or None
    next_on = v.next_followup_on
    if next_on is None:
        default = (today + timedelta(days=person["cadence_days"])).isoformat()
        answer = prompts.text("Next follow-up:", default=default,
                              parse=lambda s: core.parse_next(s, today),
                              instruction="(7d, 2w, next tuesday, a date)")
        next_on = core.parse_next(answer or default, today)
    values = replace(v, mode=mode, minutes=minutes, mood=mood, next_followup_on=next_on)
    return replace(draft, values=values, note=note, attended_referrals=referrals)


def _ask_note_parts(conn: Any, person: Any, draft: Any) -> Any:
    """On a terminal, after the quick questions: the note's parts, each skippable with Enter."""
    from dataclasses import replace

    from peercli.cli import prompts
    from peercli.core import notes as note_rules
    from peercli.core.checkins import parse_barc10
    from peercli.store.checkins import active_goals

    parts = dict(draft.note_parts)
    goal_ids = draft.goal_ids
    if "place" not in parts:
        picked = prompts.select("Place of service:", [("skip", "skip", "0"), *(
            (key, label) for key, (label, _) in note_rules.PLACES.items())], default="skip")
        parts["place"] = None if picked == "skip" else picked
    if not goal_ids:
        goals = active_goals(conn, person["id"])
        if goals:
            goal_ids = tuple(int(i) for i in prompts.checkbox(
                "Plan goals this served:", [(str(g["id"]), f"G{g['position']} {g['text']}")
                                            for g in goals]))
    for key, question in (("intervention", "What you did (optional):"),
                          ("response", "How they responded (optional):"),
                          ("next_step", "Plan / next step (optional):")):
        if key not in parts:
            parts[key] = note_rules.parse_note_text(prompts.text(question))
    if "barc10" not in parts:
        answer = prompts.text("BARC-10 (ten answers 1-6, Enter to skip):", parse=parse_barc10)
        parts["barc10"] = parse_barc10(answer) if answer else None
    return replace(draft, note_parts=parts, goal_ids=goal_ids)


def _at_terminal(ask: bool, today: Any) -> Any:
    """The check-in's questions (when ``ask``) and the editor (--edit), for log_contact."""
    def complete(person: Any, draft: Any) -> Any:
        from dataclasses import replace

        from peercli.cli import runtime
        from peercli.cli.render import progress

        conn = runtime.conn()
        if ask:  # whom it is for, first; with the questions (stderr), not the result
            progress(f"Check-in with #{person['id']} {person['name']}")
            draft = _ask_note_parts(conn, person, _ask_contact(conn, person, draft, today))
        if draft.edit:
            draft = replace(draft, note=_edit_note(draft.note or "") or None)
        return draft

    return complete


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
    place: PlaceOpt = None,
    service_code: ServiceCodeOpt = None,
    goal: GoalOpt = None,
    intervention: InterventionOpt = None,
    response: ResponseOpt = None,
    next_step: NextStepOpt = None,
    barc10: Barc10Opt = None,
    sign: Annotated[bool, typer.Option(
        "--sign", help="Sign the note now (your name and credential from peer config).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Log a contact and when to follow up next.

    The contact: mode, minutes, mood, attendance and a note; and the service note's parts
    (place, service code, plan goal, intervention, response, next step).

    On a terminal, asks for what the flags leave out (Enter accepts each default).
    """
    from peercli.cli import runtime
    from peercli.core import checkin_flags as core
    from peercli.store import clock
    from peercli.store.checkins import log_contact

    if edit and not runtime.can_prompt():
        raise PeerError("--edit opens an editor, which needs a terminal (and no --no-input): "
                        "give the note with --note TEXT, or --note - to read it from stdin")
    now = clock.now()
    draft = core.read_log_flags(core.LogFlags(
        length=core.CheckinFlags(mode=mode, minutes=minutes, start=start, end=end, mood=mood,
                                 who5=who5, next=next_, at=at),
        note=_read_stdin_note() if note == "-" else note, attended=tuple(attended or ()),
        goals=tuple(goal or ()), sign=sign, edit=edit, note_parts={
            "place": place, "service_code": service_code, "intervention": intervention,
            "response": response, "next_step": next_step, "barc10": barc10},
        zone=clock.local_zone() if start is not None and end is not None else None), now)
    _warn_all(draft.values.warnings)
    ask = draft.missing is not None and runtime.can_prompt()
    if draft.missing is not None and not ask:
        raise UsageError(draft.missing)
    saved = log_contact(runtime.conn(), consumer, draft, now=now,
                        complete=_at_terminal(ask, now.date()) if ask or edit else None)
    _render_logged(saved, draft.values.warnings, as_json)


def _warn_all(messages: Any) -> None:
    from peercli.cli.render import warn

    for message in messages:
        warn(message)


def _render_logged(saved: Any, warnings: tuple[str, ...], as_json: bool) -> None:
    from peercli.cli.render import print_json, warn

    record = saved.record
    if as_json:
        print_json({**record, "warnings": _json_warnings(warnings)})
        return
    _echo_checkin(record, {"id": saved.consumer_id, "name": saved.consumer_name}, saved.plan,
                  verb="Saved")
    if record["signed_by"]:
        echo(f"  signed by {record['signed_by']}")
        if record["late"]:
            warn("late: signed more than the late-after business days after the contact")


def _echo_checkin(record: Mapping[str, Any], person: Any, plan: list[Any], verb: str) -> None:
    from datetime import date

    from peercli.cli.render import success, warn
    from peercli.core import checkins as core

    mood = f", mood {record['mood']}/5" if record["mood"] is not None else ""
    success(f"{verb} check-in #{record['id']} with #{person['id']} {person['name']}: "
            f"{core.MODE_LABELS[record['mode']]}, {record['minutes']} min "
            f"({plural(record['units'], 'unit')}){mood}")
    if record["who5_score"] is not None:
        line = f"  WHO-5 {record['who5_score']}/25 ({record['who5_percent']}%)"
        echo(line)
        if record["who5_score"] < core.WHO5_POOR_BELOW:
            warn(f"a WHO-5 score of {record['who5_score']} (below 13) suggests poor wellbeing")
    for item in plan:
        if item.referral_id is None:
            extra = " (no referral; attendance recorded)"
        elif item.referral_status in MARKED_ATTENDED_BY_CHECKIN:
            extra = f" (referral #{item.referral_id} marked attended)"
        else:
            extra = f" (referral #{item.referral_id} stays {item.referral_status})"
        echo(f"  attended {item.group_name}{extra}")
    if record["next_followup_on"]:
        day = date.fromisoformat(record["next_followup_on"])
        echo(f"  next follow-up {day.strftime('%a')} {day.isoformat()}")


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
    place: PlaceOpt = None,
    service_code: ServiceCodeOpt = None,
    goal: GoalOpt = None,
    intervention: InterventionOpt = None,
    response: ResponseOpt = None,
    next_step: NextStepOpt = None,
    barc10: Barc10Opt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a saved check-in; the original is kept and both are shown.

    A signed note is locked: the amendment is a new version that needs its own signature."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.core import checkin_flags as core
    from peercli.store import clock
    from peercli.store.checkins import amend as amend_checkin

    target = _parse_checkin_id(checkin_id)
    changes = core.read_amend_flags(
        {"mode": mode, "minutes": minutes, "mood": mood, "who5": who5, "next_followup_on": next_},
        clock.today())
    if note is not None:
        changes["note"] = (_read_stdin_note() if note == "-" else note.strip()) or None
    from peercli.core.notes import read_note_flags

    changes.update(read_note_flags({
        "place": place, "service_code": service_code, "intervention": intervention,
        "response": response, "next_step": next_step, "barc10": barc10}))
    if not changes and not goal:
        raise PeerError("nothing to amend: give what changes, e.g. --minutes 45 or --mood 3")
    if reason is None or not reason.strip():
        raise UsageError('missing --reason: say why the check-in changes, e.g. --reason "typo"')
    conn = runtime.conn()
    if goal:
        from peercli.store.checkins import get_checkin
        from peercli.store.notes import check_goals

        row = get_checkin(conn, target)
        if row is None:
            raise PeerError(f"no check-in with id {target}")
        changes["goal_ids"] = check_goals(conn, row["consumer_id"], goal)
    original_id, record = amend_checkin(conn, target, changes, reason.strip())
    if as_json:
        print_json(record)
        return
    success(f"Amended check-in #{original_id} (amendment #{record['id']}; the original is kept)")


def _json_warnings(messages: tuple[str, ...]) -> list[dict[str, str]]:
    """"--start/--end: read as ..." -> {"field": "--start/--end", "message": "read as ..."}."""
    out = []
    for text in messages:
        field, sep, message = text.partition(": ")
        out.append({"field": field, "message": message} if sep else
                   {"field": "", "message": text})
    return out


@app.command("show")
def show(
    checkin_id: Annotated[str, typer.Argument(metavar="ID", help="The check-in's id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show a check-in: the original, each amendment and why, and what counts now."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.checkins import checkin_history

    history = checkin_history(runtime.conn(), _parse_checkin_id(checkin_id))
    if as_json:
        print_json({key: history[key]
                    for key in ("id", "consumer_id", "original", "amendments", "effective")})
        return
    _render_versions(history)


def _render_versions(history: dict[str, Any]) -> None:
    from rich.markup import escape

    from peercli.cli.render import console
    from peercli.core import checkins as core

    original, amendments = history["original"], history["amendments"]
    out = console()
    out.print(f"[bold]Check-in #{original['id']}[/] with #{original['consumer_id']} "
              f"{escape(history['consumer_name'])}, {original['at'].replace('T', ' ')[:16]}")

    def block(title: str, r: dict[str, Any]) -> None:
        out.print(title)
        out.print(f"  {core.MODE_LABELS[r['mode']]}, {r['minutes']} min ({plural(r['units'], 'unit')})"
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


def register(root: typer.Typer) -> None:
    """Add ``checkin`` (log/amend/show) to the root app."""
    add_group(root, "checkin", app, help=CHECKIN_HELP)
