"""``peer consumer``: add, list, show, edit, archive, and record consent for the people you support."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peercli.cli.commands import consumer_data
from peercli.cli.options import JsonOpt, YesOpt
from peercli.cli.registry import add_command, add_group
from peercli.cli.render import echo
from peercli.core.errors import PeerError, UsageError
from peercli.core.vocab import CONSENT_KINDS
from peercli.core.wording import plural

if TYPE_CHECKING:
    from peercli.core.contract import WarningDict

app = typer.Typer(no_args_is_help=True)

# Flags shared by add and edit.
InterestsOpt = Annotated[str | None, typer.Option(
    "--interests", "-i", help='Interests, comma-separated: "grief, walking, art" (see peer topics).')]
AvailableOpt = Annotated[list[str] | None, typer.Option(
    "--available", "-a",
    help='When they are free, as they say it: "Tue evening", "weekdays 17:00-21:00", '
         '"Mon/Wed 9am-noon". Repeatable, or separate phrases with ";".')]
FormatsOpt = Annotated[str | None, typer.Option(
    "--formats", "-f", help="Formats they can attend: in_person, online, hybrid (comma-separated).")]
LanguagesOpt = Annotated[str | None, typer.Option(
    "--languages", "-l", help='Languages, as names or ISO 639-1 codes: "en, es" or "English, Spanish".')]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="Email address.")]
PostalOpt = Annotated[str | None, typer.Option(
    "--postal-code", help="Postal code (used for distance to groups).")]
AccessOpt = Annotated[str | None, typer.Option(
    "--access", help='Access needs, comma-separated: "wheelchair, asl, step-free".')]
EligibleOpt = Annotated[str | None, typer.Option(
    "--eligible",
    help='Audience tags the person says fit them: "woman, veteran, lgbtq, young-adult, family-member".')]
GoalOpt = Annotated[str | None, typer.Option("--goal", help="Their goal, in their words.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="A note.")]
EveryOpt = Annotated[str | None, typer.Option(
    "--every", help="Follow-up cadence: 7, 7d, 2w, 1m (default 7 days).")]
PronounsOpt = Annotated[str | None, typer.Option("--pronouns", help="Pronouns, e.g. she/her.")]
ContactPrefOpt = Annotated[str | None, typer.Option(
    "--contact-preference", help="How they like to be reached: phone, text, email, in person.")]

def _read(fields: Any) -> tuple[Any, list[str]]:
    """The changes to store from the flags (PeerError naming the flag), loading the topic
    vocabulary only when interests were given."""
    from peercli.core.consumers import read_consumer_fields

    vocabulary = None
    if fields.interests is not None:
        from peercli.importers.userfiles import load_vocabulary

        vocabulary = load_vocabulary()
    return read_consumer_fields(fields, vocabulary)


def _warnings(changes: Any, unknown: tuple[str, ...] | list[str] = ()) -> list[WarningDict]:
    """Every reading that was a guess or a note, for human output and --json alike."""
    out: list[WarningDict] = [{"field": "available", "message": w} for w in changes.warnings]
    out += [{"field": "access", "message": n.removeprefix("--access: ")} for n in changes.notes]
    out += [{"field": "interests", "message": n} for n in changes.interest_notes]
    out += [{"field": "interests", "message": f"'{slug}' is not in the vocabulary; kept as its "
             "own topic (see peer topics)"} for slug in unknown]
    return out


def _postal_warnings(conn: Any, given: str | None) -> list[WarningDict]:
    """A postal code given now that distance cannot place (kept, never refused)."""
    if not given:
        return []
    from peercli.store.places import unplaced_postal_code

    why = unplaced_postal_code(conn, given)
    return [] if why is None else [{"field": "postal_code", "message": why}]


def _echo_saved(record: Mapping[str, Any], verb: str) -> None:
    from peercli.cli.render import success, warn
    from peercli.core.availability_windows import format_windows, window_from_dict

    success(f"{verb} consumer #{record['id']} {record['name']}")
    for w in record.get("warnings", []):
        # the name is an argument, not a flag: its warning reads "the name: ..."
        flag = "--" + w["field"].replace("_", "-")
        warn(f"{'the name' if w['field'] == 'name' else flag}: {w['message']}")
    if record["availability"]:
        windows = [window_from_dict(d) for d in record["availability"]]
        echo(f"  free: {format_windows(windows)}")
    if record["interests"]:
        echo(f"  interests: {', '.join(record['interests'])}")


@app.command("add")
def add(
    name: Annotated[str | None, typer.Argument(help="Name or alias.", show_default=False)] = None,
    interests: InterestsOpt = None,
    available: AvailableOpt = None,
    formats: FormatsOpt = None,
    languages: LanguagesOpt = None,
    consent: Annotated[str | None, typer.Option(
        "--consent", help="Consent given at intake: store, contact, share (comma-separated) or all."
    )] = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    postal_code: PostalOpt = None,
    access: AccessOpt = None,
    eligible: EligibleOpt = None,
    goal: GoalOpt = None,
    note: NoteOpt = None,
    every: EveryOpt = None,
    pronouns: PronounsOpt = None,
    contact_preference: ContactPrefOpt = None,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Add them even if someone already has this name (without asking)."
    )] = False,
    as_json: JsonOpt = False,
) -> None:
    """Record a person you support.

    On a terminal, asks for what the flags leave out (phone, postal code, goal and follow-up
    cadence too, each skippable with Enter), and asks before adding a second person with a
    name already in use."""
    from peercli.cli import runtime
    from peercli.cli.commands.consumer_intake import (
        INTAKE_FIELDS,
        check_name_answer,
        check_namesakes,
        prompt_intake,
    )
    from peercli.cli.render import print_json, warn
    from peercli.core.consumers import ConsumerFields, read_consent_kinds
    from peercli.store.consumers import add_consumer, consumer_dict

    values = ConsumerFields(
        name=name, interests=interests, available=available, formats=formats,
        languages=languages, consent=consent, phone=phone, email=email, postal_code=postal_code,
        access=access, eligible=eligible, goal=goal, note=note, every=every, pronouns=pronouns,
        contact_preference=contact_preference)
    missing = [key for key in INTAKE_FIELDS if getattr(values, key) is None]
    prompting = bool(missing) and runtime.can_prompt()
    if values.name is None and not prompting:
        raise UsageError(
            "missing NAME: give the person's name or alias, e.g. peer consumer add \"Sam R.\" "
            "(not prompting: no terminal or --no-input)"
        )
    conn = runtime.conn()
    if values.name is None:
        from peercli.cli import prompts

        values.name = prompts.text("Name or alias:", required=True, parse=check_name_answer)
    namesakes = check_namesakes(conn, values.name, yes=yes, as_json=as_json)
    if prompting:
        prompt_intake(conn, values, missing)
    changes, unknown = _read(values)
    kinds = read_consent_kinds(values.consent)
    consumer_id = add_consumer(conn, changes, kinds)
    record = consumer_dict(conn, consumer_id)
    record["warnings"] = (_warnings(changes, unknown) + namesakes
                          + _postal_warnings(conn, values.postal_code))
    if as_json:
        print_json(record)
    else:
        _echo_saved(record, "Added")
    if not kinds and not as_json:
        warn("no consent recorded yet: peer consumer consent "
             f"{consumer_id} grant store,contact,share")


@app.command("edit")
def edit(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    name: Annotated[str | None, typer.Option("--name", help="New name or alias.")] = None,
    interests: InterestsOpt = None,
    available: AvailableOpt = None,
    formats: FormatsOpt = None,
    languages: LanguagesOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    postal_code: PostalOpt = None,
    access: AccessOpt = None,
    eligible: EligibleOpt = None,
    goal: GoalOpt = None,
    note: NoteOpt = None,
    every: EveryOpt = None,
    pronouns: PronounsOpt = None,
    contact_preference: ContactPrefOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a consumer's details.

    Only the flags given change; a list flag (--interests, --available ...) replaces the
    whole list."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, warn
    from peercli.core.consumers import ConsumerFields
    from peercli.store.consumers import consumer_dict, edit_consumer
    from peercli.store.lookup import resolve

    changes, unknown = _read(ConsumerFields(
        name=name, interests=interests, available=available, formats=formats,
        languages=languages, phone=phone, email=email, postal_code=postal_code, access=access,
        eligible=eligible, goal=goal, note=note, every=every, pronouns=pronouns,
        contact_preference=contact_preference))
    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    if not changes.field_names():
        raise UsageError("nothing to change: give at least one flag, e.g. --interests or --every")
    before = consumer_dict(conn, row["id"])
    record = edit_consumer(conn, row["id"], changes)
    record["warnings"] = _warnings(changes, unknown) + _postal_warnings(conn, postal_code)
    changed = _changed_fields(before, record)
    if as_json:
        print_json({**record, "changed": [c.field for c in changed]})
        return
    _echo_changes(record, changed)
    if record["status"] == "archived":
        warn("this consumer is archived")


# The fields `consumer edit` can change, in the order its echo lists them.
EDITABLE = ("name", "pronouns", "interests", "availability", "formats", "languages",
            "access_needs", "eligible", "phone", "email", "contact_preference", "postal_code",
            "goals", "notes", "cadence_days")


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Any]:
    from peercli.core.availability_windows import format_windows, window_from_dict
    from peercli.core.fieldchanges import field_changes

    def windows(value: Any) -> str:
        return format_windows([window_from_dict(d) for d in value or []]) or "—"

    def days(value: Any) -> str:
        return "—" if value is None else f"every {plural(value, 'day')}"

    return field_changes(before, after, EDITABLE, {"availability": windows, "cadence_days": days},
                         {"cadence_days": "follow-up", "availability": "free",
                          "access_needs": "access needs", "goals": "goal"})


def _echo_changes(record: Mapping[str, Any], changed: list[Any]) -> None:
    """Only what changed, old → new; "Nothing changed." when the values were already so."""
    from peercli.cli.render import info, success, warn

    for w in record.get("warnings", []):
        warn(f"--{w['field'].replace('_', '-')}: {w['message']}")
    if not changed:
        info(f"Nothing changed: #{record['id']} {record['name']} already has those values.")
    else:
        success(f"Updated consumer #{record['id']} {record['name']}")
        for change in changed:
            echo(f"  {change.line}")


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include archived consumers.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List the people you support (active ones; --all adds archived)."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.consumers import consumer_dicts, list_consumer_rows

    conn = runtime.conn()
    rows = list_consumer_rows(conn, include_archived=all_)
    records = consumer_dicts(conn, rows, with_consent=as_json)
    if as_json:
        print_json(records)
        return
    if not records:
        echo("No consumers yet. Add one with: peer consumer add NAME")
        return
    from peercli.cli.render import table
    from peercli.core.availability_windows import format_windows, window_from_dict

    table(
        None,
        ["#", "Name", "Interests", "Free", "Formats", "Lang", "Status"],
        [[r["id"], r["name"], ", ".join(r["interests"]),
          format_windows([window_from_dict(d) for d in r["availability"]]),
          ", ".join(f.replace("_", " ") for f in r["formats"]), ", ".join(r["languages"]),
          r["status"]] for r in records],
    )


@app.command("show")
def show(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one consumer: details, free time, and consent with when it was given."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.consumers import consent_history, consumer_dict
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    record: dict[str, Any] = {**consumer_dict(conn, row["id"]),
                              "consent_history": consent_history(conn, row["id"])}
    if as_json:
        print_json(record)
        return
    _render_consumer(record)


def _render_consumer(r: Mapping[str, Any]) -> None:
    from rich.markup import escape

    from peercli.cli.render import console, field
    from peercli.core.availability_windows import format_windows, window_from_dict
    from peercli.core.languages import language_name

    out = console()
    status = "" if r["status"] == "active" else f"  [yellow]({r['status']})[/]"
    pronouns = f" ({escape(r['pronouns'])})" if r["pronouns"] else ""
    out.print(f"[bold]#{r['id']} {escape(r['name'])}[/]{pronouns}{status}")

    def line(label: str, value: Any) -> None:
        field(out, label, value)

    line("interests", ", ".join(r["interests"]))
    line("free", format_windows([window_from_dict(d) for d in r["availability"]]))
    line("formats", ", ".join(f.replace("_", " ") for f in r["formats"]))
    line("languages", ", ".join(language_name(c) for c in r["languages"]))
    line("access needs", ", ".join(r["access_needs"]))
    line("eligible for", ", ".join(r["eligible"]))
    line("phone", r["phone"])
    line("email", r["email"])
    line("prefers", r["contact_preference"])
    line("postal code", r["postal_code"])
    line("goal", r["goals"])
    line("note", r["notes"])
    line("follow up", f"every {plural(r['cadence_days'], 'day')}")
    out.print("  [dim]consent[/]")
    for kind in CONSENT_KINDS:
        state = r["consent"].get(kind)
        if state is None:
            text = "[yellow]not recorded[/]"
        elif state["granted"]:
            text = f"[green]granted[/] {state['at'].replace('T', ' ')}"
        else:
            text = f"[red]revoked[/] {state['at'].replace('T', ' ')}"
        if state and state.get("expires_on"):
            text += f" (expires {state['expires_on']})"
        out.print(f"    {kind:<9}{text}")
    line("added", r["created_at"].replace("T", " "))


@app.command("archive")
def archive(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    yes: YesOpt = False,
    undo: Annotated[bool, typer.Option("--undo", help="Make an archived consumer active again.")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """Archive a consumer: kept, but hidden from lists, matching and due.

    Asks first, or --yes; --undo makes them active again."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.store.consumers import consumer_dict, set_status
    from peercli.store.db import write
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    target = "active" if undo else "archived"
    if row["status"] == target:
        raise PeerError(f"consumer #{row['id']} is already {target}")
    if not undo:
        from peercli.cli.confirm import proceed_or_stop

        proceed_or_stop(f"Archive #{row['id']} {row['name']}?", yes=yes, as_json=as_json,
                        refusal="archiving needs confirmation: add --yes (not prompting)")
    with write(conn):
        set_status(conn, row["id"], target)
    if as_json:
        print_json(consumer_dict(conn, row["id"]))
    else:
        success(f"{'Reactivated' if undo else 'Archived'} consumer #{row['id']} {row['name']}")


@app.command("consent")
def consent(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    action: Annotated[str | None, typer.Argument(
        help="grant or revoke (leave out to see the history).", show_default=False)] = None,
    kinds: Annotated[str | None, typer.Argument(
        help="store, contact, share (comma-separated) or all.", show_default=False)] = None,
    note: Annotated[str | None, typer.Option("--note", help="How or why (e.g. 'signed form').")]
    = None,
    expires: Annotated[str | None, typer.Option(
        "--expires", help="Date the consent lapses, YYYY-MM-DD.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Grant or revoke consent (store, contact, share), or show its history.

    Every change is kept in the history, with its note and expiry."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.core.consumers import read_consent_kinds, read_expires
    from peercli.store.consumers import change_consent
    from peercli.store.lookup import resolve

    if action is not None and action.lower() not in ("grant", "revoke"):
        raise PeerError(f"unknown action '{action}': use grant or revoke")
    if action is not None and kinds is None:
        raise UsageError("missing KIND: store, contact, share or all")
    parsed = read_consent_kinds(kinds)
    from peercli.store import clock

    expires_on = read_expires(expires, clock.today())
    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    granted = None if action is None else action.lower() == "grant"
    state = change_consent(conn, row["id"], parsed, granted=granted, note=note,
                           expires_on=expires_on)
    if as_json:
        print_json(state)
        return
    if action is not None:
        success(f"{'Granted' if action.lower() == 'grant' else 'Revoked'} {', '.join(parsed)} "
                f"consent for #{row['id']} {row['name']}")
    for event in state["history"]:
        verb = "granted" if event["granted"] else "revoked"
        extra = f" — {event['note']}" if event["note"] else ""
        echo(f"  {event['at'].replace('T', ' ')}  {event['kind']:<8} {verb}{extra}")


# One person's whole record (export) and erasure (forget) live in consumer_data.py.
add_command(app, "export", consumer_data.export)
add_command(app, "forget", consumer_data.forget)


def register(root: typer.Typer) -> None:
    add_group(root, "consumer", app, help="Record the people you support.")
