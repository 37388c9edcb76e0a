"""``peer group``: import group directories (native CSV, Meeting Guide, HSDS; group_import.py),
browse and search (here), and keep hand-entered groups (group_edit.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer

from peercli.cli.commands import group_edit, group_import, group_sources
from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command, add_group
from peercli.cli.render import echo
from peercli.core.errors import PeerError

app = typer.Typer(no_args_is_help=True)

UPCOMING_SHOWN = 5


# -- browsing --------------------------------------------------------------------------------


def _place(r: Mapping[str, Any]) -> str:
    place = r["city"] or r["address"] or ""
    if r["format"] == "online":
        return "online"
    if r["format"] == "hybrid":
        return f"{place} + online" if place else "online"
    return place


def meeting_when(iso: str | None) -> str:
    if not iso:
        return ""
    from datetime import datetime

    return datetime.fromisoformat(iso).strftime("%a %d %b %H:%M")


def _group_table(records: Sequence[Mapping[str, Any]]) -> None:
    from peercli.cli.render import table

    table(
        None,
        ["#", "Name", "Topics", "When", "Format", "Place", "Next meeting"],
        [[r["id"], r["name"] + ("" if r["status"] == "active" else " (inactive)"),
          ", ".join(r["topics"]), "; ".join(r["schedule"]), r["format"].replace("_", " "),
          _place(r), meeting_when(r["next_meeting"])] for r in records],
    )


def _normalize_topic(text: str) -> str:
    from peercli.importers.userfiles import load_vocabulary

    slug, _ = load_vocabulary().normalize_one(text)
    if not slug:
        raise PeerError(f"--topic '{text}': give a topic such as grief or anxiety")
    return slug


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
    from peercli.store.group_queries import group_dicts, list_group_rows

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
        echo("No groups match. Import a directory with: peer group import FILE")
        return
    _group_table(records)


def search(
    text: Annotated[str, typer.Argument(help='Words to look for: "grief walking", "spanish anx".')],
    all_: Annotated[bool, typer.Option("--all", help="Include inactive groups.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Search groups by words in their name, description, organization or topics.

    Best matches first; --all includes inactive groups."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.clock import now
    from peercli.store.group_queries import group_dicts, search_groups

    conn = runtime.conn()
    records = group_dicts(conn, search_groups(conn, text, include_inactive=all_), now())
    if as_json:
        print_json(records)
        return
    if not records:
        echo(f"No group matches '{text}'.")
        return
    _group_table(records)


def show(
    group: Annotated[str, typer.Argument(help="Group id or name prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one group: details, schedule and the next few meeting dates."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.clock import now
    from peercli.store.group_queries import group_dict
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "group", group)
    moment = now()
    saved = group_dict(conn, row["id"], moment)
    upcoming = _upcoming(conn, row["id"], moment) if saved["status"] == "active" else []
    from peercli.store.group_links import also_listed_by

    record: dict[str, Any] = {**saved, "upcoming": upcoming,
                              "also_listed_by": also_listed_by(conn, row["id"])}
    if as_json:
        print_json(record)
        return
    _render_group(record)


def _upcoming(conn: Any, group_id: int, moment: Any) -> list[str]:
    from peercli.core.schedule import next_occurrences
    from peercli.store.meetings import meetings_by_group

    starts = sorted(
        occ for m in meetings_by_group(conn, [group_id])[group_id]
        for occ in next_occurrences(m, moment, UPCOMING_SHOWN)
    )
    return [s.isoformat(timespec="minutes") for s in starts[:UPCOMING_SHOWN]]


def _place_label(r: Mapping[str, Any]) -> str:
    """What the place line holds: a street address, a city (and postal code), or only a postal
    code — labelled as what it is, so a postal code alone is not passed off as an address."""
    if r["address"]:
        return "address"
    return "city" if r["city"] else "postal code"


def _render_group(r: Mapping[str, Any]) -> None:
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
    line(_place_label(r), ", ".join(p for p in (r["address"], r["city"], r["postal_code"]) if p))
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
    for other in r.get("also_listed_by", ()):
        line("also listed", f"{other['source']} ({other['source_key']}), as \"{other['name']}\"")
    line("verified", r["last_verified"])
    if r["upcoming"]:
        out.print("  [dim]next meetings[/]")
        for iso in r["upcoming"]:
            out.print(f"    {meeting_when(iso)}")


# The sub-commands, in --help order: import (group_import.py), browsing (here), hand entry
# (group_edit.py).
add_command(app, "import", group_import.import_)
add_command(app, "list", list_)
add_command(app, "search", search)
add_command(app, "show", show)
add_command(app, "add", group_edit.add)
add_command(app, "edit", group_edit.edit)
add_command(app, "retire", group_edit.retire)
add_command(app, "sources", group_sources.sources)
add_command(app, "refresh", group_sources.refresh)


def register(root: typer.Typer) -> None:
    add_group(root, "group", app, help="Import, browse and edit the directory of groups.")
