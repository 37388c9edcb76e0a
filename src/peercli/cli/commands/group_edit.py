"""``peer group add``, ``edit`` and ``retire``: hand-entered groups, checked by the same field
rules as imported ones (``importers/records.py``). Listed in ``commands/group.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from peercli.cli.options import JsonOpt, YesOpt
from peercli.cli.render import echo
from peercli.core.errors import PeerError, UsageError

# Flags shared by add and edit.
ScheduleOpt = Annotated[list[str] | None, typer.Option(
    "--schedule", "-s",
    help='When it meets, as people write it: "Tuesdays 6-7:30pm", "1st & 3rd Thu 18:30-20:00", '
         '"last Sunday of the month 2 PM". Repeatable, or separate meetings with ";".')]
TopicsOpt = Annotated[str | None, typer.Option(
    "--topics", "-t", help='Topics, comma-separated: "grief, walking" (see the topic vocabulary).')]
FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="in_person, online or hybrid.")]
OrgOpt = Annotated[str | None, typer.Option("--organization", help="Who runs it.")]
DescOpt = Annotated[str | None, typer.Option("--description", help="What the group is about.")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Street address.")]
CityOpt = Annotated[str | None, typer.Option("--city", help="City or town.")]
PostalOpt = Annotated[str | None, typer.Option("--postal-code", help="Postal code.")]
UrlOpt = Annotated[str | None, typer.Option("--online-url", help="Video-call link.")]
LanguagesOpt = Annotated[str | None, typer.Option(
    "--languages", "-l", help='Languages, as names or ISO 639-1 codes: "en, es".')]
FacilitationOpt = Annotated[str | None, typer.Option(
    "--facilitation", help="peer-led, professional or mutual-aid.")]
AudienceOpt = Annotated[str | None, typer.Option(
    "--audience", help='Who it is for: "women, veterans, lgbtq, young-adults, family-members".')]
AccessOpt = Annotated[str | None, typer.Option(
    "--accessibility", help='What access it offers: "wheelchair, asl, hearing-loop".')]
CostOpt = Annotated[str | None, typer.Option("--cost", help='Cost, e.g. "free" or "$5 suggested".')]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Contact phone.")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="Contact email.")]
WebsiteOpt = Annotated[str | None, typer.Option("--website", help="Web page.")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Notes.")]
NewcomersOpt = Annotated[str | None, typer.Option(
    "--newcomers", help="Open to newcomers: yes or no.")]
TimezoneOpt = Annotated[str | None, typer.Option(
    "--timezone", help="IANA time zone of the meetings, e.g. America/Chicago.")]



# -- hand-entered groups ---------------------------------------------------------------------


def _group_changes(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validate every flag into GroupRecord field values (PeerError naming the flag); readings
    that were a guess by rule and asides kept as notes go in the private keys "_warnings" and
    "_schedule_notes" (see `_split_extras`)."""
    import dataclasses

    from peercli.core import vocab as fields
    from peercli.core.languages import normalize_languages
    from peercli.core.schedule import read_schedule
    from peercli.importers import values as V
    from peercli.importers.records import TEXT_FIELDS, field_problems
    from peercli.importers.userfiles import load_vocabulary

    changes: dict[str, Any] = {}
    unknown: list[str] = []
    name = values.get("name")
    if name is not None:
        _refuse(field_problems({"name": name}))
        changes["name"] = name.strip()
    if values.get("schedule") is not None:
        from peercli.store.clock import today

        meetings: list[Any] = []
        warnings: list[dict[str, str]] = []
        asides: list[str] = []
        for text in values["schedule"]:
            try:
                reading = read_schedule(text, today=today())
            except ValueError as exc:
                raise PeerError(f"--schedule: {exc}") from None
            meetings.extend(reading.meetings)
            asides.extend(reading.notes)
            warnings.extend({"field": "schedule", "message": w} for w in reading.warnings)
        changes["_warnings"] = warnings
        changes["_schedule_notes"] = asides
        tz = values.get("timezone")
        if tz:
            try:
                meetings = [dataclasses.replace(m, timezone=tz.strip()) for m in meetings]
            except ValueError as exc:
                raise PeerError(f"--timezone: {exc}") from None
        changes["meetings"] = tuple(dict.fromkeys(meetings))
    elif values.get("timezone"):
        raise UsageError("--timezone applies to --schedule: give both")
    if values.get("topics") is not None:
        normalized = load_vocabulary().normalize(values["topics"])
        changes["topics"] = tuple(normalized.slugs)
        unknown = list(normalized.unknown)
    parsers: dict[str, tuple[str, Any]] = {
        "format": ("--format", fields.parse_format),
        "languages": ("--languages", lambda s: tuple(normalize_languages(s)) if s.strip() else ()),
        "facilitation": ("--facilitation", lambda s: V.parse_facilitation(s) if s.strip() else None),
        "audience": ("--audience", lambda s: tuple(fields.parse_audience(s))),
        "accessibility": ("--accessibility", lambda s: tuple(fields.parse_access(s))),
    }
    for key, (flag, parse) in parsers.items():
        if values.get(key) is not None:
            try:
                changes[key] = parse(values[key])
            except ValueError as exc:
                raise PeerError(f"{flag}: {exc}") from None
    if values.get("newcomers") is not None:
        answer = values["newcomers"].strip().lower()
        if answer not in ("yes", "no", "y", "n", "true", "false", ""):
            raise PeerError(f"--newcomers '{values['newcomers']}': expected yes or no")
        changes["open_to_newcomers"] = None if not answer else answer in ("yes", "y", "true")
    for key in TEXT_FIELDS:
        if values.get(key) is not None:
            changes[key] = values[key].strip() or None
    _refuse(field_problems(changes))
    return changes, unknown


def _refuse(problems: list[Any]) -> None:
    """The first broken group field rule (importers/records.py) as a PeerError naming the flag."""
    if problems:
        first = problems[0]
        raise PeerError(first.text("--" + first.field.replace("_", "-")))


def _split_extras(changes: dict[str, Any], old_notes: str | None) -> list[dict[str, str]]:
    """Take the private keys out of `changes`: asides from --schedule ("closed on holidays")
    join the notes unless --notes was given; the warnings are returned."""
    warnings: list[dict[str, str]] = changes.pop("_warnings", [])
    asides: list[str] = changes.pop("_schedule_notes", [])
    if asides and "notes" not in changes:
        line = "Schedule: " + "; ".join(dict.fromkeys(asides))
        if not old_notes or line not in old_notes:
            changes["notes"] = f"{old_notes}\n{line}" if old_notes else line
    return warnings


def _echo_group(record: Mapping[str, Any], unknown: list[str], verb: str) -> None:
    from peercli.cli.commands.group import meeting_when
    from peercli.cli.render import success, warn

    success(f"{verb} group #{record['id']} {record['name']}")
    for w in record.get("warnings", []):
        warn(f"--{w['field']}: {w['message']}")
    if record["schedule"]:
        echo(f"  meets: {'; '.join(record['schedule'])}")
    if record["next_meeting"]:
        echo(f"  next: {meeting_when(record['next_meeting'])}")
    for slug in unknown:
        warn(f"topic '{slug}' is not in the vocabulary; kept as its own topic")


def add(
    name: Annotated[str, typer.Argument(help="The group's name.")],
    schedule: ScheduleOpt = None,
    topics: TopicsOpt = None,
    format_: FormatOpt = None,
    organization: OrgOpt = None,
    description: DescOpt = None,
    address: AddressOpt = None,
    city: CityOpt = None,
    postal_code: PostalOpt = None,
    online_url: UrlOpt = None,
    languages: LanguagesOpt = None,
    facilitation: FacilitationOpt = None,
    audience: AudienceOpt = None,
    accessibility: AccessOpt = None,
    cost: CostOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    newcomers: NewcomersOpt = None,
    timezone: TimezoneOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a group by hand (source "manual"). Needs a name and --schedule."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.importers.records import GroupRecord
    from peercli.importers.values import infer_format
    from peercli.store.clock import now
    from peercli.store.db import write
    from peercli.store.group_queries import group_dict
    from peercli.store.groups import add_group

    if not schedule:
        raise UsageError('missing --schedule: when does it meet? e.g. --schedule "Tuesdays 6-7:30pm"')
    values = {
        "name": name, "schedule": schedule, "topics": topics, "format": format_,
        "organization": organization, "description": description, "address": address,
        "city": city, "postal_code": postal_code, "online_url": online_url,
        "languages": languages, "facilitation": facilitation, "audience": audience,
        "accessibility": accessibility, "cost": cost, "phone": phone, "email": email,
        "website": website, "notes": notes, "newcomers": newcomers, "timezone": timezone,
    }
    changes, unknown = _group_changes(values)
    warnings = _split_extras(changes, None)
    changes.setdefault("format", infer_format(changes.get("address"), changes.get("online_url")))
    record = GroupRecord(source="manual", source_key="manual:new", **changes)
    conn = runtime.conn()
    with write(conn):
        group_id = add_group(conn, record)
    saved = {**group_dict(conn, group_id, now()), "warnings": warnings}
    if as_json:
        print_json(saved)
    else:
        _echo_group(saved, unknown, "Added")


def edit(
    group: Annotated[str, typer.Argument(help="Group id or name prefix.")],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    schedule: ScheduleOpt = None,
    topics: TopicsOpt = None,
    format_: FormatOpt = None,
    organization: OrgOpt = None,
    description: DescOpt = None,
    address: AddressOpt = None,
    city: CityOpt = None,
    postal_code: PostalOpt = None,
    online_url: UrlOpt = None,
    languages: LanguagesOpt = None,
    facilitation: FacilitationOpt = None,
    audience: AudienceOpt = None,
    accessibility: AccessOpt = None,
    cost: CostOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    newcomers: NewcomersOpt = None,
    timezone: TimezoneOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a group's details; only the flags given change.

    A list flag (--topics, --languages ...) replaces the whole list. An edit to an imported
    group lasts until its listing changes in a later import."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.clock import now
    from peercli.store.db import write
    from peercli.store.group_queries import group_dict
    from peercli.store.groups import edit_group
    from peercli.store.lookup import resolve

    values = {
        "name": name, "schedule": schedule, "topics": topics, "format": format_,
        "organization": organization, "description": description, "address": address,
        "city": city, "postal_code": postal_code, "online_url": online_url,
        "languages": languages, "facilitation": facilitation, "audience": audience,
        "accessibility": accessibility, "cost": cost, "phone": phone, "email": email,
        "website": website, "notes": notes, "newcomers": newcomers, "timezone": timezone,
    }
    changes, unknown = _group_changes(values)
    if not changes:
        raise UsageError("nothing to change: give at least one flag, e.g. --schedule or --topics")
    conn = runtime.conn()
    row = resolve(conn, "group", group)
    warnings = _split_extras(changes, row["notes"])
    before = group_dict(conn, row["id"], now())
    with write(conn):
        changed = edit_group(conn, row["id"], changes)
    saved = {**group_dict(conn, row["id"], now()), "warnings": warnings}
    if as_json:
        print_json({**saved, "changed": changed})
        return
    _echo_group_changes(before, saved, unknown)


# The fields `group edit` can change, as group show names them, in the order its echo lists them.
EDITABLE = ("name", "schedule", "topics", "format", "organization", "description", "address",
            "city", "postal_code", "online_url", "languages", "facilitation", "audience",
            "accessibility", "cost", "phone", "email", "website", "notes", "open_to_newcomers")


def _echo_group_changes(before: Mapping[str, Any], after: Mapping[str, Any],
                        unknown: list[str]) -> None:
    """Only what changed, old → new; "Nothing changed." when the values were already so."""
    from peercli.cli.render import info, success, warn
    from peercli.core.fieldchanges import field_changes

    for w in after.get("warnings", []):
        warn(f"--{w['field']}: {w['message']}")
    changed = field_changes(before, after, EDITABLE,
                            {"schedule": lambda v: "; ".join(v or []) or "—"},
                            {"open_to_newcomers": "newcomers", "online_url": "online link"})
    if not changed:
        info(f"Nothing changed: group #{after['id']} {after['name']} already has those values.")
    else:
        success(f"Updated group #{after['id']} {after['name']}")
        for change in changed:
            echo(f"  {change.line}")
    if after["next_meeting"] and any(c.field == "schedule" for c in changed):
        from peercli.cli.commands.group import meeting_when

        echo(f"  next: {meeting_when(after['next_meeting'])}")
    for slug in unknown:
        warn(f"topic '{slug}' is not in the vocabulary; kept as its own topic")


def retire(
    group: Annotated[str, typer.Argument(help="Group id or name prefix.")],
    yes: YesOpt = False,
    undo: Annotated[bool, typer.Option("--undo", help="Make an inactive group active again.")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """Mark a group inactive: hidden from lists and matching, kept for history.

    Asks first, or --yes; --undo makes it active again."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.store.clock import now
    from peercli.store.db import write
    from peercli.store.group_queries import group_dict
    from peercli.store.groups import set_group_status
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "group", group)
    target = "active" if undo else "inactive"
    if row["status"] == target:
        raise PeerError(f"group #{row['id']} is already {target}")
    if not undo:
        from peercli.cli.confirm import proceed_or_stop

        proceed_or_stop(f"Retire group #{row['id']} {row['name']}?", yes=yes, as_json=as_json,
                        refusal="retiring a group needs confirmation: add --yes (not prompting)")
    with write(conn):
        set_group_status(conn, row["id"], target)
    if as_json:
        print_json(group_dict(conn, row["id"], now()))
    else:
        success(f"{'Reactivated' if undo else 'Retired'} group #{row['id']} {row['name']}")
