"""Which importer reads a file (by content, not extension), and the one entry point.

``detect_format(path)`` asks every importer in ``registry.IMPORTERS`` how sure it is and
returns the most confident one's name (``"native"``, ``"tsml-csv"``, ``"meetingguide"``,
``"hsds"``...). ``iter_records(path, options)`` returns a streaming ``RecordStream``;
``parse_file(...)`` collects it into a ``ParseResult``. Whole-file problems raise
``ImportFileError``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from peercli.importers import registry
from peercli.importers.records import ImportFileError, ParseResult, RecordStream
from peercli.importers.registry import (
    FORMATS,
    ImporterSpec,
    ImportOptions,
    Refusal,
    Sample,
    normalize_format,
    spec_for,
)
from peercli.importers.textio import check_file

__all__ = ["FORMATS", "ImportOptions", "detect_format", "iter_records", "normalize_format",
           "parse_file"]


def _best(sample: Sample) -> ImporterSpec | None:
    """The most confident importer (the earlier one on a tie); a decoding problem of the
    sample is raised only when no importer recognises the file."""
    best: tuple[float, ImporterSpec] | None = None
    problem: ImportFileError | None = None
    for spec in registry.IMPORTERS:
        try:
            confidence = spec.sniff(sample)
        except Refusal:
            raise
        except ImportFileError as exc:
            problem = problem or exc
            continue
        if confidence > 0 and (best is None or confidence > best[0]):
            best = (confidence, spec)
    if best is None and problem is not None:
        raise problem
    return best[1] if best else None


def _unknown(sample: Sample) -> ImportFileError:
    path = sample.path
    if sample.is_dir:
        return ImportFileError(
            f"{path.name} is a folder without datapackage.json; expected a CSV or JSON file, "
            "or an HSDS data package folder"
        )
    if not sample.text:
        return ImportFileError(f"{path.name} is empty")
    headers = sample.first_record
    shown = ", ".join(f"'{h.strip()}'" for h in headers if h.strip()) or "(none)"
    hint = ""
    if len(headers) == 1:
        for d, label in ((";", ";"), ("\t", "tab"), ("|", "|")):
            if d in headers[0]:
                hint = f" It may use {label!r} between fields: try --delimiter"
                break
    return ImportFileError(
        f"cannot tell what {path.name} is: its header row ({shown}) does not name a group and "
        "a schedule. Expected native CSV columns (name, schedule or days + time), a Meeting "
        "Guide JSON feed, or an HSDS data package. Use --map 'Their Column=field' or --format."
        + hint
    )


def detect_format(path: Path, *, delimiter: str = ",") -> str:
    """The format of ``path`` from its content; ``ImportFileError`` when none fits."""
    path = Path(path)
    if not path.is_dir():
        check_file(path, max_bytes=1 << 62)
    sample = Sample(path, delimiter=delimiter)
    spec = _best(sample)
    if spec is None:
        raise _unknown(sample)
    return spec.name


def _with_delimiter(path: Path, options: ImportOptions) -> ImportOptions:
    """The options with the CSV separator detected when none was given (a JSON file, a folder
    or a binary file keeps ",")."""
    if options.delimiter is not None:
        return options
    found = ","
    if path.is_file():
        from peercli.importers.textio import sniff_delimiter

        sample = Sample(path)
        try:
            if not sample.looks_like_json:
                found = sniff_delimiter(sample.text)
        except (ImportFileError, OSError):
            found = ","
    return replace(options, delimiter=found)


def _choose(path: Path, options: ImportOptions, format: str | None) -> ImporterSpec:
    """The importer for ``path``: the one named, else the one the content points to, else the
    only one that takes every format-specific option given (``--map`` alone means native)."""
    if format:
        return spec_for(format)
    try:
        return spec_for(detect_format(path, delimiter=options.delimiter or ","))
    except ImportFileError:
        given = set(options.given())
        takers = [s for s in registry.IMPORTERS if given and given <= s.options]
        if len(takers) != 1:
            raise
        return takers[0]


def _check_options(spec: ImporterSpec, options: ImportOptions) -> None:
    for name, flag in options.given().items():
        if name not in spec.options:
            takers = " or ".join(s.label for s in registry.IMPORTERS if name in s.options)
            raise ImportFileError(
                f"{flag} applies to {takers}, not to {spec.label} (this file is {spec.name})")


def iter_records(
    path: Path, options: ImportOptions | None = None, *, format: str | None = None,
    **overrides: Any,
) -> RecordStream:
    """A streaming ``RecordStream`` (yields ``GroupRecord | RowError``) for any format.

    ``options`` says how to read it (keyword ``overrides`` replace its fields: ``source=``,
    ``mapping=``, ``delimiter=``, ``fellowship=``, ``max_bytes=``, ``progress=``); ``format``
    forces a format (name or alias) instead of detecting it. ``source`` defaults to the file
    stem (``meetingguide:<stem>`` / ``hsds:<stem>`` for those formats).
    """
    path = Path(path)
    opts = replace(options or ImportOptions(), **overrides)
    if not path.exists():
        raise ImportFileError(f"file not found: {path}")
    sniffed = _with_delimiter(path, opts)
    spec = _choose(path, sniffed, format)
    _check_options(spec, opts)
    if "delimiter" in spec.options:
        opts = sniffed
    return spec.open(path, replace(opts, delimiter=opts.delimiter or ","))


def parse_file(
    path: Path, options: ImportOptions | None = None, *, format: str | None = None,
    **overrides: Any,
) -> ParseResult:
    """Read a whole file into a ``ParseResult`` (see ``iter_records`` for the arguments)."""
    return iter_records(path, options, format=format, **overrides).collect()
