"""``peer group``: import group directories (native CSV, Meeting Guide, HSDS), browse, search, and
keep hand-entered groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Self

import typer

from peercli.cli.options import ForceOpt, JsonOpt, YesOpt
from peercli.cli.registry import add_group
from peercli.cli.render import echo
from peercli.core.errors import PeerError

app = typer.Typer(no_args_is_help=True)

# Files at least this big show a progress bar (on a terminal only).
PROGRESS_MIN_BYTES = 1_000_000
UPCOMING_SHOWN = 5

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


# -- import ----------------------------------------------------------------------------------


def _parse_map(values: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values or []:
        their, sep, target = item.rpartition("=")
        if not sep or not their.strip() or not target.strip():
            raise PeerError(
                f"--map '{item}': expected \"Their Column=field\", e.g. --map \"Meeting Day=days\"")
        mapping[their.strip()] = target.strip()
    return mapping


def _parse_delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(text.strip().lower(), text)
    if len(value) != 1 or value in ('"', "\n", "\r"):
        raise PeerError(f"--delimiter '{text}': expected one character such as ; or | or tab")
    return value


def _rejects_path(file: Path, explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    stem = file.name if file.is_dir() else file.stem
    return file.parent / f"{stem}.rejects.csv"


def _check_rejects_target(file: Path, path: Path) -> None:
    """The rejects file is never the input (nor inside an input folder), whatever --force says."""
    import os

    same = path.resolve() == file.resolve()
    try:
        same = same or os.path.samefile(path, file)
    except OSError:
        pass
    if same or (file.is_dir() and file.resolve() in path.resolve().parents):
        raise PeerError(f"--rejects {path} is the input file; name another file")


def _write_rejects(path: Path, rejects: list[Any], force: bool) -> None:
    """The rejected rows as CSV: line, reason, then the row's own columns. Private (0600),
    written under its name in one step; an existing file is refused unless ``force``."""
    import csv

    from peercli.store.files import StagedOutput

    columns: dict[str, None] = {}
    for r in rejects:
        columns.update(dict.fromkeys(r.raw or {}))
    names = [c for c in columns if c not in ("line", "reason")]
    staged = StagedOutput(path, force=force, flag="--rejects")
    try:
        writer = csv.writer(staged.file)
        writer.writerow(["line", "reason", *names])
        for r in rejects:
            raw = r.raw or {}
            writer.writerow([r.line, r.message, *(raw.get(c, "") for c in names)])
        staged.publish()
    except OSError as exc:
        raise PeerError(f"cannot write the rejects file {path}: {exc.strerror}; nothing was "
                        "imported") from None
    finally:
        staged.discard()


class _Progress:
    """A rich progress display on stderr for big files at a terminal; otherwise nothing."""

    def __init__(self, file: Path, enabled: bool) -> None:
        self.bar: Any = None
        self.task: Any = None
        if not enabled:
            return
        import sys

        try:
            size = file.stat().st_size if file.is_file() else 0
        except OSError:
            size = 0
        if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from peercli.cli.render import err_console

        self.bar = Progress(
            TextColumn("Importing {task.fields[name]}"), BarColumn(),
            TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
            console=err_console(), transient=True,
        )
        self.task = self.bar.add_task("import", total=None, name=file.name)

    def __enter__(self) -> Self:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=rows)


def _open_stream(file: Path, fmt: str | None, source: str | None, mapping: dict[str, str],
                 delimiter: str, fellowship: str | None = None) -> Any:
    from peercli import importers

    return importers.iter_records(
        file, format=fmt, source=source, mapping=mapping or None, delimiter=delimiter,
        fellowship=fellowship)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(
        help="The listing: a CSV, a Meeting Guide JSON feed, or an HSDS folder or zip.")],
    format_: Annotated[str | None, typer.Option(
        "--format", help="Force the format: native, tsml-csv, meetingguide or hsds "
                         "(default: detected from the content).")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Name of this directory, the re-import key with each group's id "
                         "(default: the file name without extension).")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help='Read a column as a field: "Their Column=field" (repeatable; field "ignore" '
                      "drops a column).")] = None,
    delimiter: Annotated[str, typer.Option(
        "--delimiter", help='Field separator for CSV: "," (default), ";", "|" or tab.')] = ",",
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Report what would be inserted/updated/unchanged/retired; write nothing.")
    ] = False,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Import the good rows and write the bad ones, with a reason, to a "
                               "rejects file (default: refuse the whole file).")] = False,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Where --skip-invalid writes bad rows (default: <file>.rejects.csv "
                          "next to the input).")] = None,
    force: ForceOpt = False,
    retire_missing: Annotated[bool, typer.Option(
        "--retire-missing", help="Mark this source's groups that are not in the file inactive.")
    ] = False,
    fellowship: Annotated[str | None, typer.Option(
        "--fellowship", help="For Meeting Guide feeds: aa, na, ca or al-anon, which sets the "
                             "groups' topic (default: guessed from the file name, else aa).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a group directory. All or nothing: a file with bad rows is refused, with every bad
    row's line number and reason, unless --skip-invalid."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.groups import import_records

    fmt = None
    if format_ is not None:
        from peercli.importers.detect import normalize_format

        fmt = normalize_format(format_)  # also takes aliases: csv, tsml, json, openreferral
    if rejects is not None and not skip_invalid:
        raise PeerError("--rejects only applies with --skip-invalid")
    if source is not None and not source.strip():
        raise PeerError("--source is empty: give a name such as county-2026")
    if source is not None and source.strip().lower() == "manual":
        raise PeerError("--source 'manual' is reserved for groups added with peer group add")
    mapping = _parse_map(map_)
    sep = _parse_delimiter(delimiter)
    if fellowship is not None:
        from peercli.importers.meetingguide import normalize_fellowship

        fellowship = normalize_fellowship(fellowship)
    stream = _open_stream(file, fmt, source.strip() if source else None, mapping, sep, fellowship)
    if stream.source.strip().lower() == "manual":
        raise PeerError(f"{file.name} would be imported as source 'manual', which is reserved "
                        "for groups added with peer group add: give --source NAME")
    bad: list[Any] = []
    conn = runtime.conn()
    keep_rejects = skip_invalid and not dry_run
    rejects_file = _rejects_path(file, rejects) if keep_rejects else None
    if rejects_file is not None:
        _check_rejects_target(file, rejects_file)
    from contextlib import nullcontext

    from peercli.store.db import write

    # With --skip-invalid the rejects file is written before the import commits: if it cannot
    # be written, nothing is imported (the good rows are not kept without their rejects).
    with write(conn) if keep_rejects else nullcontext(), _Progress(file, not as_json) as bar:
        summary = import_records(
            conn, stream, source=stream.source, dry_run=dry_run, retire_missing=retire_missing,
            skip_invalid=skip_invalid, progress=bar.update,
            on_reject=bad.append if keep_rejects else None,
        )
        if rejects_file is not None and bad:
            _write_rejects(rejects_file, bad, force)
    result = summary.to_dict()
    result["format"] = stream.format
    result["warnings"] = [{"line": w.line, "message": w.message} for w in stream.warnings]
    if rejects_file is not None and bad:
        result["rejects_file"] = str(rejects_file)
    else:
        rejects_file = None
    refused = bool(summary.errors) and not skip_invalid
    if as_json:
        print_json(result)
    if refused:
        _report_refusal(summary, dry_run)
        raise typer.Exit(1)
    if not as_json:
        _report_import(file, stream, summary, rejects_file)


def _report_refusal(summary: Any, dry_run: bool) -> None:
    from peercli.cli.render import error

    for e in summary.errors:
        echo(f"  line {e['line']}: {e['message']}", err=True)
    n = len(summary.errors)
    rows = "row" if n == 1 else "rows"
    verb = "would be refused" if dry_run else "was refused; nothing was written"
    error(f"{n} bad {rows} (listed above): the import {verb}. Fix the {rows}, or use "
          "--skip-invalid to import the good rows and get the bad ones in a rejects file.")


def _report_import(file: Path, stream: Any, summary: Any, rejects_file: Path | None) -> None:
    from peercli.cli.render import info, success, warn

    counts = (f"{summary.inserted} inserted, {summary.updated} updated, "
              f"{summary.unchanged} unchanged, {summary.retired} retired")
    where = f"{file.name} ({stream.format}, source '{summary.source}')"
    if summary.dry_run:
        info(f"Dry run of {where}: would be {counts}. Nothing was written.")
    else:
        success(f"Imported {where}: {counts}.")
    if summary.unknown_topics:
        shown = ", ".join(summary.unknown_topics[:5])
        more = f" and {len(summary.unknown_topics) - 5} more" if len(summary.unknown_topics) > 5 \
            else ""
        warn(f"{len(summary.unknown_topics)} topics not in the vocabulary, kept as their own: "
             f"{shown}{more}")
    if summary.errors:
        n = len(summary.errors)
        target = f"; written to {rejects_file}" if rejects_file else ""
        warn(f"{n} bad {'row' if n == 1 else 'rows'} skipped{target}")
    if summary.retire_skipped:
        warn("--retire-missing was not applied: some rows were rejected, and a rejected row may "
             "be a group that is still listed")
    for w in stream.warnings[:5]:
        warn(f"line {w.line}: {w.message}")
    if len(stream.warnings) > 5:
        warn(f"... and {len(stream.warnings) - 5} more notes")
    if getattr(stream, "ignored_columns", ()):
        info(f"Columns not read: {', '.join(stream.ignored_columns)} (use --map to read them)")


# -- browsing --------------------------------------------------------------------------------


def _place(r: dict[str, Any]) -> str:
    place = r["city"] or r["address"] or ""
    if r["format"] == "online":
        return "online"
    if r["format"] == "hybrid":
        return f"{place} + online" if place else "online"
    return place


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    from datetime import datetime

    return datetime.fromisoformat(iso).strftime("%a %d %b %H:%M")


def _group_table(records: list[dict[str, Any]]) -> None:
    from peercli.cli.render import table

    table(
        None,
        ["#", "Name", "Topics", "When", "Format", "Place", "Next meeting"],
        [[r["id"], r["name"] + ("" if r["status"] == "active" else " (inactive)"),
          ", ".join(r["topics"]), "; ".join(r["schedule"]), r["format"].replace("_", " "),
          _place(r), _when(r["next_meeting"])] for r in records],
    )


def _normalize_topic(text: str) -> str:
    from peercli.importers.userfiles import load_vocabulary

    slug, _ = load_vocabulary().normalize_one(text)
    if not slug:
        raise PeerError(f"--topic '{text}': give a topic such as grief or anxiety")
    return slug


@app.command("list")
def list_(
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only groups on this topic.")]
    = None,
    day: Annotated[str | None, typer.Option(
        "--day", "-d", help="Only groups that meet on this weekday (Mon, Tuesday, ...).")] = None,
    format_: Annotated[str | None, typer.Option(
        "--format", "-f", help="in_person, online or hybrid (in_person and online include hybrid).")
    ] = None,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", help="Only groups in this language (name or code; 'en' includes "
                                 "groups whose listing names no language).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only groups from this import.")]
    = None,
    all_: Annotated[bool, typer.Option("--all", help="Include inactive groups.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List groups (active ones; --all adds inactive), with when they next meet."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.core import vocab as fields
    from peercli.store.clock import now
    from peercli.store.groups import group_dicts, list_group_rows

    slug = _normalize_topic(topic) if topic is not None else None
    weekday = None
    if day is not None:
        from peercli.core.schedule import parse_weekday

        try:
            weekday = parse_weekday(day)
        except ValueError:
            raise PeerError(f"--day '{day}': expected a weekday such as Mon or Tuesday") from None
    fmt = None
    if format_ is not None:
        try:
            fmt = fields.parse_format(format_)
        except ValueError as exc:
            raise PeerError(f"--format: {exc}") from None
    lang = None
    if language is not None:
        from peercli.core.languages import normalize_language

        try:
            lang = normalize_language(language)
        except ValueError as exc:
            raise PeerError(f"--language: {exc}") from None
    conn = runtime.conn()
    rows = list_group_rows(conn, topic=slug, day=weekday, format=fmt, language=lang,
                           source=source, include_inactive=all_)
    records = group_dicts(conn, rows, now())
    if as_json:
        print_json(records)
        return
    if not records:
        echo("No groups match. Import a directory with: peer group import FILE", err=True)
        return
    _group_table(records)


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(help='Words to look for: "grief walking", "spanish anx".')],
    all_: Annotated[bool, typer.Option("--all", help="Include inactive groups.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search over group names, descriptions, organizations and topics, best first."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.clock import now
    from peercli.store.groups import group_dicts, search_groups

    conn = runtime.conn()
    records = group_dicts(conn, search_groups(conn, text, include_inactive=all_), now())
    if as_json:
        print_json(records)
        return
    if not records:
        echo(f"No group matches '{text}'.", err=True)
        return
    _group_table(records)


@app.command("show")
def show(
    group: Annotated[str, typer.Argument(help="Group id or name prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one group: details, schedule and the next few meeting dates."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.clock import now
    from peercli.store.groups import group_dict
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "group", group)
    moment = now()
    record = group_dict(conn, row["id"], moment)
    record["upcoming"] = _upcoming(conn, row["id"], moment) if record["status"] == "active" else []
    if as_json:
        print_json(record)
        return
    _render_group(record)


def _upcoming(conn: Any, group_id: int, moment: Any) -> list[str]:
    from peercli.core.schedule import next_occurrences
    from peercli.store.groups import meetings_by_group

    starts = sorted(
        occ for m in meetings_by_group(conn, [group_id])[group_id]
        for occ in next_occurrences(m, moment, UPCOMING_SHOWN)
    )
    return [s.isoformat(timespec="minutes") for s in starts[:UPCOMING_SHOWN]]


def _render_group(r: dict[str, Any]) -> None:
    from rich.markup import escape

    from peercli.cli.render import console, field
    from peercli.core.languages import language_name
    from peercli.importers.userfiles import load_vocabulary

    out = console()
    status = "" if r["status"] == "active" else "  [yellow](inactive)[/]"
    out.print(f"[bold]#{r['id']} {escape(r['name'])}[/]{status}")

    def line(label: str, value: Any) -> None:
        field(out, label, value)

    vocab = load_vocabulary()
    line("organization", r["organization"])
    line("about", r["description"])
    line("topics", ", ".join(vocab.label(t) for t in r["topics"]))
    line("meets", "; ".join(r["schedule"]))
    line("format", r["format"].replace("_", " "))
    line("address", ", ".join(p for p in (r["address"], r["city"], r["postal_code"]) if p))
    line("online", r["online_url"])
    line("languages", ", ".join(language_name(c) for c in r["languages"]))
    line("led", r["facilitation"])
    line("for", ", ".join(r["audience"]))
    line("access", ", ".join(r["accessibility"]))
    if r["open_to_newcomers"] is not None:
        line("newcomers", "welcome" if r["open_to_newcomers"] else "closed meeting")
    line("cost", r["cost"])
    line("phone", r["phone"])
    line("email", r["email"])
    line("website", r["website"])
    line("notes", r["notes"])
    line("source", f"{r['source']} ({r['source_key']})")
    line("verified", r["last_verified"])
    if r["upcoming"]:
        out.print("  [dim]next meetings[/]")
        for iso in r["upcoming"]:
            out.print(f"    {_when(iso)}")


# -- hand-entered groups ---------------------------------------------------------------------


def _group_changes(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validate every flag into GroupRecord field values (PeerError naming the flag)."""
    import dataclasses

    from peercli.core import vocab as fields
    from peercli.core.languages import normalize_languages
    from peercli.core.schedule import parse_schedule
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
        meetings: list[Any] = []
        for text in values["schedule"]:
            try:
                meetings.extend(parse_schedule(text))
            except ValueError as exc:
                raise PeerError(f"--schedule: {exc}") from None
        tz = values.get("timezone")
        if tz:
            try:
                meetings = [dataclasses.replace(m, timezone=tz.strip()) for m in meetings]
            except ValueError as exc:
                raise PeerError(f"--timezone: {exc}") from None
        changes["meetings"] = tuple(dict.fromkeys(meetings))
    elif values.get("timezone"):
        raise PeerError("--timezone applies to --schedule: give both")
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


def _echo_group(record: dict[str, Any], unknown: list[str], verb: str) -> None:
    from peercli.cli.render import success, warn

    success(f"{verb} group #{record['id']} {record['name']}")
    if record["schedule"]:
        echo(f"  meets: {'; '.join(record['schedule'])}", err=True)
    if record["next_meeting"]:
        echo(f"  next: {_when(record['next_meeting'])}", err=True)
    for slug in unknown:
        warn(f"topic '{slug}' is not in the vocabulary; kept as its own topic")


@app.command("add")
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
    from peercli.store.groups import add_group, group_dict

    if not schedule:
        raise PeerError('missing --schedule: when does it meet? e.g. --schedule "Tuesdays 6-7:30pm"')
    values = {
        "name": name, "schedule": schedule, "topics": topics, "format": format_,
        "organization": organization, "description": description, "address": address,
        "city": city, "postal_code": postal_code, "online_url": online_url,
        "languages": languages, "facilitation": facilitation, "audience": audience,
        "accessibility": accessibility, "cost": cost, "phone": phone, "email": email,
        "website": website, "notes": notes, "newcomers": newcomers, "timezone": timezone,
    }
    changes, unknown = _group_changes(values)
    changes.setdefault("format", infer_format(changes.get("address"), changes.get("online_url")))
    record = GroupRecord(source="manual", source_key="manual:new", **changes)
    conn = runtime.conn()
    with write(conn):
        group_id = add_group(conn, record)
    saved = group_dict(conn, group_id, now())
    if as_json:
        print_json(saved)
    else:
        _echo_group(saved, unknown, "Added")


@app.command("edit")
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
    """Change a group's details; only the flags given change (list flags replace the list).
    An edit to an imported group lasts until its listing changes in a later import."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, warn
    from peercli.store.clock import now
    from peercli.store.db import write
    from peercli.store.groups import edit_group, group_dict
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
        raise PeerError("nothing to change: give at least one flag, e.g. --schedule or --topics")
    conn = runtime.conn()
    row = resolve(conn, "group", group)
    with write(conn):
        changed = edit_group(conn, row["id"], changes)
    saved = group_dict(conn, row["id"], now())
    if as_json:
        saved["changed"] = changed
        print_json(saved)
        return
    if not changed:
        warn("nothing changed: the group already had those values")
    _echo_group(saved, unknown, "Updated")


@app.command("retire")
def retire(
    group: Annotated[str, typer.Argument(help="Group id or name prefix.")],
    yes: YesOpt = False,
    undo: Annotated[bool, typer.Option("--undo", help="Make an inactive group active again.")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """Mark a group inactive (kept for referral history; hidden from lists and matching)."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.store.clock import now
    from peercli.store.db import write
    from peercli.store.groups import group_dict, set_group_status
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "group", group)
    target = "active" if undo else "inactive"
    if row["status"] == target:
        raise PeerError(f"group #{row['id']} is already {target}")
    if not undo and not yes:
        if not runtime.can_prompt():
            raise PeerError("retiring a group needs confirmation: add --yes (not prompting)")
        from peercli.cli.prompts import confirm

        if not confirm(f"Retire group #{row['id']} {row['name']}?"):
            raise PeerError("not retired")
    with write(conn):
        set_group_status(conn, row["id"], target)
    if as_json:
        print_json(group_dict(conn, row["id"], now()))
    else:
        success(f"{'Reactivated' if undo else 'Retired'} group #{row['id']} {row['name']}")


def register(root: typer.Typer) -> None:
    add_group(root, "group", app, help="Import, browse and edit the directory of groups.")
