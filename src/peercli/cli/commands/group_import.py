"""``peer group import``: read a directory (native CSV, Meeting Guide, HSDS) into the groups,
all or nothing, with a rejects file for --skip-invalid. Listed in ``commands/group.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Self

import typer

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.cli.render import echo
from peercli.core.errors import PeerError, UsageError
from peercli.core.wording import plural

# Files at least this big show a progress bar (on a terminal only).
PROGRESS_MIN_BYTES = 1_000_000


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


def _parse_delimiter(text: str) -> str | None:
    if not text.strip() or text.strip().lower() == "auto":
        return None  # detected from the file
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


def _open_stream(file: Path, fmt: str | None, source: str | None, map_: list[str] | None,
                 delimiter: str, fellowship: str | None, formats: Path | None = None,
                 taxonomy: str | None = None) -> Any:
    """The file's record stream, after checking the reading options (PeerError naming the flag)."""
    from peercli import importers

    if source is not None and not source.strip():
        raise PeerError("--source is empty: give a name such as county-2026")
    if source is not None and source.strip().lower() == "manual":
        raise PeerError("--source 'manual' is reserved for groups added with peer group add")
    mapping = _parse_map(map_)
    sep = _parse_delimiter(delimiter)
    if fellowship is not None:
        from peercli.importers.meetingguide import normalize_fellowship

        fellowship = normalize_fellowship(fellowship)
    options = importers.ImportOptions(source=source.strip() if source else None,
                                      mapping=mapping or None, delimiter=sep,
                                      fellowship=fellowship, formats=formats, taxonomy=taxonomy)
    return importers.iter_records(file, options, format=fmt)


def import_(
    target: Annotated[str, typer.Argument(
        metavar="FILE_OR_URL",
        help="The listing: a CSV, a Meeting Guide or BMLT JSON feed, an iCalendar (.ics) file, "
             "an HSDS folder, zip or JSON file — or an http(s) URL to fetch it from.")],
    format_: Annotated[str | None, typer.Option(
        "--format", help="Force the format: native, tsml-csv, meetingguide, bmlt, ics, hsds, "
                         "hsds-json or hsds-1.1 (default: detected from the content).")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Name of this directory, the re-import key with each group's id "
                         "(default: the file name without extension).")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help='Read a column as a field: "Their Column=field" (repeatable; field "ignore" '
                      "drops a column).")] = None,
    delimiter: Annotated[str, typer.Option(
        "--delimiter", help='Field separator for CSV: ",", ";", "|" or tab (default: detected '
                            "from the file).")] = "auto",
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
        "--fellowship", help="For Meeting Guide feeds: aa, na, al-anon, ga, oa... (any 12 Step "
                             "Meeting List program), which sets the "
                             "groups' topic (default: guessed from the file name, else aa).")
    ] = None,
    formats: Annotated[Path | None, typer.Option(
        "--formats", help="For BMLT: the server's GetFormats answer (a file), to read format "
                          "codes by their meaning (default: from the feed itself, fetched from "
                          "the same server for a URL, else the stock English codes).")] = None,
    taxonomy: Annotated[str | None, typer.Option(
        "--taxonomy", help="For HSDS: keep only services with a taxonomy code starting with "
                           "this, e.g. PN-8100 (AIRS support groups).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a group directory from a file or a URL.

    All or nothing: a file with bad rows is refused, with every bad row's line number and
    reason, unless --skip-invalid. A re-import reports what changed per group; every import
    is remembered as a source for peer group refresh."""
    from peercli.cli import runtime
    from peercli.cli.commands.group_sources import bmlt_formats_for, fetch_for_import, remember

    fmt = None
    if format_ is not None:
        from peercli.importers.detect import normalize_format

        fmt = normalize_format(format_)  # also takes aliases: csv, tsml, json, openreferral
    if rejects is not None and not skip_invalid:
        raise UsageError("--rejects only applies with --skip-invalid")
    file, url, fetched, source = fetch_for_import(target, source, dry_run, skip_invalid, rejects)
    if url is not None and formats is None:
        formats = bmlt_formats_for(file, fmt, source, url, fetched)
    stream = _open_listing(file, url, lambda: _open_stream(
        file, fmt, source, map_, delimiter, fellowship, formats, taxonomy))
    conn = runtime.conn()
    summary, rejects_file = _import(conn, file, stream, dry_run=dry_run,
                                    retire_missing=retire_missing, skip_invalid=skip_invalid,
                                    rejects=rejects, force=force, show_progress=not as_json)
    feed = {"url": url, "status": fetched.status, "notes": list(fetched.notes)} \
        if fetched is not None else None
    if summary.written:
        remember(conn, stream.source, url or str(file.resolve()), "url" if url else "file",
                 stream.format, {"fellowship": fellowship, "taxonomy": taxonomy, "format": fmt,
                                 "formats": str(formats) if formats else None,
                                 "retire_missing": retire_missing or None},
                 fetched, file, {**summary.to_dict(), "format": stream.format})
    _finish(file, stream, summary, rejects_file, skip_invalid, as_json, feed)


def _open_listing(file: Path, url: str | None, open_stream: Callable[[], Any]) -> Any:
    """The record stream; errors name the URL the user typed, not the private cached copy of
    it, and the reserved source 'manual' is refused."""
    try:
        stream = open_stream()
    except PeerError as e:
        if url is None or file.name not in e.message:
            raise
        raise PeerError(e.message.replace(file.name, url)) from None
    if stream.source.strip().lower() == "manual":
        raise PeerError(f"{file.name} would be imported as source 'manual', which is reserved "
                        "for groups added with peer group add: give --source NAME")
    return stream


def _import(conn: Any, file: Path, stream: Any, *, dry_run: bool, retire_missing: bool,
            skip_invalid: bool, rejects: Path | None, force: bool, show_progress: bool
            ) -> tuple[Any, Path | None]:
    """(the import's summary, the rejects file when bad rows were written to it)."""
    from contextlib import nullcontext

    from peercli.store.db import write
    from peercli.store.groups import import_records

    bad: list[Any] = []
    keep_rejects = skip_invalid and not dry_run
    rejects_file = _rejects_path(file, rejects) if keep_rejects else None
    if rejects_file is not None:
        _check_rejects_target(file, rejects_file)
    # With --skip-invalid the rejects file is written before the import commits: if it cannot
    # be written, nothing is imported (the good rows are not kept without their rejects).
    with write(conn) if keep_rejects else nullcontext(), _Progress(file, show_progress) as bar:
        summary = import_records(
            conn, stream, source=stream.source, dry_run=dry_run, retire_missing=retire_missing,
            skip_invalid=skip_invalid, progress=bar.update,
            on_reject=bad.append if keep_rejects else None,
        )
        if rejects_file is not None and bad:
            _write_rejects(rejects_file, bad, force)
    return summary, rejects_file if bad else None


def _finish(file: Path, stream: Any, summary: Any, rejects_file: Path | None,
            skip_invalid: bool, as_json: bool, feed: dict[str, Any] | None = None) -> None:
    """Print the result (JSON or lines); exit 1 when bad rows refused the file."""
    from peercli.cli.commands.group_sources import render_changes
    from peercli.cli.render import print_json, warn

    result: dict[str, Any] = {**summary.to_dict()}
    result["format"] = stream.format
    notes_kept = _kept_row_notes(stream.warnings, summary.errors)
    result["warnings"] = [{"line": w.line, "field": w.field or "file", "message": w.message}
                          for w in notes_kept]
    columns = getattr(stream, "columns", None)
    if columns:
        result["columns"] = dict(columns)
    notes = feed["notes"] if feed else []
    result["warnings"] += [{"field": "url", "message": n} for n in notes]
    if summary.rows_read == 0:
        result["warnings"].append({"line": 1, "field": "file", "message": EMPTY_LISTING})
    if feed is not None:
        result["fetch"] = {"url": feed["url"], "status": feed["status"]}
    if rejects_file is not None:
        result["rejects_file"] = str(rejects_file)
    refused = bool(summary.errors) and not skip_invalid
    if as_json:
        print_json(result)
    if refused:
        _report_refusal(summary, summary.dry_run)
        raise typer.Exit(1)
    if not as_json:
        for note in notes:
            warn(note)
        _report_import(file, stream, summary, rejects_file, notes_kept,
                       label=feed["url"] if feed else None)
        render_changes(summary.changes, summary.reimport)


#: Said when a file or feed holds no listing at all (an empty array, a calendar without events).
EMPTY_LISTING = "the file lists no groups; nothing was imported"


def _report_refusal(summary: Any, dry_run: bool) -> None:
    from peercli.cli.render import error

    for e in summary.errors:
        echo(f"  line {e['line']}: {e['message']}", err=True)
    n = len(summary.errors)
    rows = "row" if n == 1 else "rows"
    verb = "would be refused" if dry_run else "was refused; nothing was written"
    error(f"{n} bad {rows} (listed above): the import {verb}. Fix the {rows}, or use "
          "--skip-invalid to import the good rows and get the bad ones in a rejects file.")


def _report_same_groups(same: list[dict[str, Any]], dry_run: bool) -> None:
    from peercli.cli.render import info

    n = len(same)
    verb = "would be linked" if dry_run else "linked"
    info(f"{n} {'listing is a group' if n == 1 else 'listings are groups'} another source "
         f"already lists ({verb} to it, not added twice):")
    for item in same[:10]:
        info(f"  {item['name']} = #{item['group_id']} of {item['listed_by']} ({item['reason']})")
    if n > 10:
        info(f"  ... and {n - 10} more (all of them with --json)")


def _kept_row_notes(warnings: list[Any], errors: list[dict[str, Any]]) -> list[Any]:
    """The reading notes, without those of rejected rows: a rejected row is reported once, by
    its reject (a note on how a value was read means nothing for a row that was not kept)."""
    rejected = {e.get("line") for e in errors if e.get("line") is not None}
    return [w for w in warnings if w.line is None or w.line not in rejected]


def _report_import(file: Path, stream: Any, summary: Any, rejects_file: Path | None,
                   notes: list[Any], label: str | None = None) -> None:
    from peercli.cli.render import info, success, warn

    counts = (f"{summary.inserted} inserted, {summary.updated} updated, "
              f"{summary.unchanged} unchanged, {summary.retired} retired")
    where = f"{label or file.name} ({stream.format}, source '{summary.source}')"
    if summary.dry_run:
        info(f"Dry run of {where}: would be {counts}. Nothing was written.")
    else:
        success(f"Imported {where}: {counts}.")
    if summary.same_groups:
        _report_same_groups(summary.same_groups, summary.dry_run)
    if summary.unknown_topics:
        shown = ", ".join(summary.unknown_topics[:5])
        more = f" and {len(summary.unknown_topics) - 5} more" if len(summary.unknown_topics) > 5 \
            else ""
        warn(f"{plural(len(summary.unknown_topics), 'topic')} not in the vocabulary, kept as "
             f"written: {shown}{more}")
    if summary.errors:
        n = len(summary.errors)
        target = f"; written to {rejects_file}" if rejects_file else ""
        warn(f"{plural(n, 'bad row')} skipped{target}")
    if summary.rows_read == 0:
        warn(EMPTY_LISTING + (": --retire-missing was not applied (an empty listing retires "
                              "nothing)" if summary.retire_skipped else ""))
    elif summary.retire_skipped:
        warn("--retire-missing was not applied: some rows were rejected, and a rejected row may "
             "be a group that is still listed")
    if summary.dry_run and getattr(stream, "columns", None):
        info("Columns read: " + ", ".join(f"'{h}' -> {f}" for h, f in stream.columns.items()))
    for w in notes[:10]:
        field = f" ({w.field})" if w.field else ""
        warn(f"line {w.line}{field}: {w.message}")
    if len(notes) > 10:
        warn(f"... and {plural(len(notes) - 10, 'more warning')} (all of them with --json)")
    if getattr(stream, "ignored_columns", ()):
        info(f"Columns not read: {', '.join(stream.ignored_columns)} (use --map to read them)")
