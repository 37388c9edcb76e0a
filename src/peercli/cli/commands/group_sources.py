"""``peer group sources`` and ``peer group refresh``, and the URL side of ``peer group import``:
fetch a feed into the private cache (``store/sources.py``), remember where each source comes
from, and render the per-group change report. Listed in ``commands/group.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from peercli.cli.commands.group_import import _open_stream
from peercli.cli.options import JsonOpt
from peercli.cli.render import echo
from peercli.core.errors import PeerError, UsageError
from peercli.core.wording import plural


def fetch_for_import(target: str, source: str | None, dry_run: bool, skip_invalid: bool,
                     rejects: Path | None) -> tuple[Path, str | None, Any, str | None]:
    """(file to read, url or None, the FeedCopy or None, source name) for an import target."""
    from peercli.cli import runtime
    from peercli.importers.fetch import is_url

    if not is_url(target):
        return Path(target), None, None, source
    url = target.strip()
    if source is None:
        from peercli.store.sources import default_source_name

        source = default_source_name(url)
    if not dry_run and skip_invalid and rejects is None:
        raise UsageError("--skip-invalid with a URL needs --rejects FILE (where the bad rows go)")
    from peercli.store.clock import now
    from peercli.store.sources import fetch_source

    copy = fetch_source(runtime.conn(), source.strip(), url, now=now())
    assert copy.path is not None
    _refuse_web_page(copy.path, url)
    return copy.path, url, copy, source


def _refuse_web_page(path: Path, url: str) -> None:
    """A server that answers with an HTML page (a login wall, an error page, the site's home)
    sent no feed: say so, naming the URL rather than the cached copy."""
    try:
        with open(path, "rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise PeerError(f"{url} answered with a web page (HTML), not a directory feed: check "
                        "the address (a feed URL gives JSON, CSV or iCalendar)")


def bmlt_formats_for(file: Path, fmt: str | None, source: str | None, url: str,
                     fetched: Any) -> Path | None:
    """For a BMLT feed fetched from a URL without its own formats: GetFormats from the same
    server (cached), else None (the importer then reads the stock key strings and says so)."""
    if fmt not in (None, "bmlt"):
        return None
    from peercli.cli import runtime
    from peercli.importers.detect import detect_format
    from peercli.importers.records import ImportFileError

    if fmt != "bmlt":
        try:
            if detect_format(file) != "bmlt":
                return None
        except ImportFileError:
            return None  # not BMLT: the import itself reads it (with --map, --delimiter) or says why
    from peercli.importers.bmlt import carries_formats
    from peercli.store.sources import fetch_bmlt_formats

    if carries_formats(file):
        return None
    fetch_bmlt_formats(runtime.conn(), (source or "").strip(), url, fetched)
    path: Path | None = fetched.formats_path
    return path


def remember(conn: Any, name: str, location: str, kind: str, fmt: str, options: dict[str, Any],
              fetched: Any, file: Path, result: dict[str, Any]) -> None:
    from peercli.store.db import write
    from peercli.store.sources import file_digest, record_import, remember_source

    with write(conn):
        remember_source(conn, name, location=location, kind=kind, format=fmt,
                        options={k: v for k, v in options.items() if v is not None},
                        copy=fetched, file_sha=None if fetched else file_digest(file))
        record_import(conn, name, result)



def render_changes(changes: list[dict[str, Any]], reimport: bool, shown: int = 20) -> None:
    """What changed per group on a re-import, one line each (new ones counted, not listed)."""
    if not reimport:
        return
    new = [c for c in changes if c["what"] == "new"]
    other = [c for c in changes if c["what"] != "new"]
    if not other and not new:
        echo("No group changed.")
        return
    if other:
        echo("What changed:")
        for c in other[:shown]:
            echo(f"  #{c['group_id']} {c['message']}")
        if len(other) > shown:
            echo(f"  ... and {len(other) - shown} more (all of them with --json)")
    if new:
        echo(f"{plural(len(new), 'new group')}: " + ", ".join(c["name"] for c in new[:5])
             + (" ..." if len(new) > 5 else ""))


# -- sources and refresh -------------------------------------------------------------------



def sources(as_json: JsonOpt = False) -> None:
    """List the directories imported so far, and what changed in each last time.

    For each: where it comes from (URL or file), its format, how many groups, when it was last
    fetched and imported."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, table
    from peercli.store.sources import list_sources

    found = list_sources(runtime.conn())
    if as_json:
        print_json(found)
        return
    if not found:
        echo("No sources yet. Import one with: peer group import FILE_OR_URL")
        return
    rows = []
    for s in found:
        last = s["last_import"]
        changed = ", ".join(c["message"] for c in s["last_changes"][:2])
        if s["last_changes_total"] > 2:
            changed += f" (+{s['last_changes_total'] - 2} more)"
        rows.append([
            s["name"], s["location"], s["format"] or "", f"{s['active_groups']}/{s['groups']}",
            (s["fetched_at"] or "")[:16].replace("T", " "),
            (s["imported_at"] or "")[:16].replace("T", " "),
            changed or (f"{last.get('inserted') or 0} new" if last.get("inserted") else "none"),
        ])
    table(None, ["Source", "From", "Format", "Groups (active/all)", "Fetched", "Imported",
                 "Changed last time"], rows)



def refresh(
    names: Annotated[list[str] | None, typer.Argument(
        metavar="[SOURCE]...", help="Sources to refresh (name or prefix; default: all).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Fetch and import even when the server says nothing changed.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Re-fetch and re-import sources, and report what changed per group.

    Conditional: an unchanged feed costs one short request (--force fetches anyway). Groups a
    listing no longer has are retired. A change to a group someone has an open referral to
    is listed in peer due until you act on it."""
    from peercli.cli import runtime
    from peercli.cli.render import error, print_json, success, warn
    from peercli.store.clock import now
    from peercli.store.sources import resolve_sources

    conn = runtime.conn()
    rows = resolve_sources(conn, list(names or []))
    if not rows:
        raise PeerError("no sources yet: import one with peer group import FILE_OR_URL")
    results = []
    failed = 0
    for row in rows:
        try:
            result = _refresh_one(conn, row, now(), force)
        except PeerError as exc:
            failed += 1
            result = {"source": row["name"], "status": "failed", "error": str(exc)}
        results.append(result)
        if as_json:
            continue
        name = row["name"]
        if result["status"] == "failed":
            error(f"{name}: {result['error']}")
        elif result["status"] == "unchanged":
            success(f"{name}: unchanged ({result['why']})")
        else:
            success(f"{name}: {result['inserted']} inserted, {result['updated']} updated, "
                    f"{result['unchanged']} unchanged, {result['retired']} retired")
            for w in result.get("errors", [])[:5]:
                warn(f"line {w['line']}: {w['message']}")
            render_changes(result.get("changes", []), True)
        for note in result.get("notes", []):
            warn(f"{name}: {note}")
    if as_json:
        print_json(results)
    if failed:
        raise typer.Exit(1)


def _refresh_one(conn: Any, row: Any, moment: Any, force: bool) -> dict[str, Any]:
    from peercli.store.groups import import_records
    from peercli.store.sources import (
        fetch_bmlt_formats,
        fetch_source,
        file_digest,
        source_options,
    )

    name = row["name"]
    options = source_options(row)
    notes: list[str] = []
    fetched = None
    if row["kind"] == "url":
        fetched = fetch_source(conn, name, row["location"], now=moment, force=force)
        notes = list(fetched.notes)
        if not fetched.changed and not force:
            why = {"not_modified": "the server said not modified",
                   "cached": "server not reached",
                   "fetched": "same content"}[fetched.status]
            _touch(conn, row, fetched)
            return {"source": name, "status": "unchanged", "why": why, "notes": notes,
                    "changes": []}
        if fetched.path is None:
            raise PeerError(f"source '{name}': nothing was fetched and no copy is cached")
        file = fetched.path
    else:
        file = Path(row["location"])
        if not file.exists():
            raise PeerError(f"the file {file} is gone; import it again from where it is now")
        if not force and file_digest(file) == row["content_sha256"]:
            _touch(conn, row, None)
            return {"source": name, "status": "unchanged", "why": "the file has not changed",
                    "notes": [], "changes": []}
    formats = Path(options["formats"]) if options.get("formats") else None
    fmt = options.get("format")
    if fetched is not None and formats is None and (row["format"] == "bmlt"):
        fetch_bmlt_formats(conn, name, row["location"], fetched)
        formats = fetched.formats_path
        notes = list(fetched.notes)
    # the separator is detected again on each refresh (a feed may change it)
    stream = _open_stream(file, fmt, name, None, options.get("delimiter") or "",
                          options.get("fellowship"), formats, options.get("taxonomy"))
    summary = import_records(conn, stream, source=name, retire_missing=True)
    result: dict[str, Any] = dict(summary.to_dict())
    result["format"] = stream.format
    result["warnings"] = [{"line": w.line, "message": w.message} for w in stream.warnings]
    if not summary.written:
        raise PeerError(f"{plural(len(summary.errors), 'bad row')} in the new listing; nothing was "
                        "changed (import it with peer group import --skip-invalid to see them)")
    if summary.rows_read == 0:
        notes.append("the new listing is empty: nothing was imported and no group was retired "
                     "(an empty feed is more likely a fault than every group gone)")
    result.update({"status": "imported", "notes": notes})
    remember(conn, name, row["location"], row["kind"], stream.format, options, fetched, file,
              result)
    return result


def _touch(conn: Any, row: Any, fetched: Any) -> None:
    from peercli.store.db import write
    from peercli.store.sources import remember_source, source_options

    with write(conn):
        remember_source(conn, row["name"], location=row["location"], kind=row["kind"],
                        format=row["format"], options=source_options(row),
                        copy=fetched if fetched is not None and fetched.status != "cached"
                        else None, file_sha=row["content_sha256"])
