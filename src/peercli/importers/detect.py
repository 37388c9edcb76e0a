"""Which importer reads a file (by content, not extension), and the one entry point.

``detect_format(path)`` returns ``"native"`` (a CSV whose headers name a group and a schedule,
natively or through synonyms), ``"tsml-csv"`` (the 12 Step Meeting List plugin's export),
``"meetingguide"`` (a JSON array) or ``"hsds"`` (a folder or zip with datapackage.json).
``iter_records(...)`` returns a streaming ``RecordStream``; ``parse_file(...)`` collects it into
a ``ParseResult``. Whole-file problems raise ``ImportFileError``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

from peercli.importers.records import ImportFileError, ParseResult, ProgressCallback, RecordStream
from peercli.importers.textio import MAX_FILE_BYTES, SAMPLE_BYTES, check_file, sniff_encoding

FORMATS = ("native", "tsml-csv", "meetingguide", "hsds", "bmlt", "ics", "hsds-json",
           "hsds-1.1")
_FORMAT_ALIASES = {
    "csv": "native", "native": "native", "tsml-csv": "tsml-csv", "tsml": "tsml-csv",
    "meetingguide": "meetingguide", "meeting-guide": "meetingguide", "json": "meetingguide",
    "mg": "meetingguide", "hsds": "hsds", "openreferral": "hsds", "hsds-3": "hsds",
    "hsds-3.0": "hsds", "bmlt": "bmlt", "getsearchresults": "bmlt", "ics": "ics",
    "ical": "ics", "icalendar": "ics", "ical-ics": "ics", "calendar": "ics",
    "hsds-json": "hsds-json", "hsds-3-json": "hsds-json", "openreferral-json": "hsds-json",
    "hsds-1.1": "hsds-1.1", "hsds-1": "hsds-1.1", "hsds-2": "hsds-1.1", "hsds-2.0": "hsds-1.1",
    "hsds-11": "hsds-1.1", "hsds-tabular-1.1": "hsds-1.1",
}


def normalize_format(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key not in _FORMAT_ALIASES:
        raise ImportFileError(f"unknown format '{name}' (expected one of: {', '.join(FORMATS)})")
    return _FORMAT_ALIASES[key]


def _header_sample(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES)
    encoding, bom = sniff_encoding(head)
    body = head[bom:]
    if encoding == "utf-8":
        text = body.decode("utf-8", errors="ignore")
        if "\ufffd" in text or not _valid_utf8_prefix(body):
            text = body.decode("cp1252", errors="replace")
    else:
        text = body.decode(encoding, errors="replace")
    return text


def _valid_utf8_prefix(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3  # a character cut at the sample's end
    return True


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(text.splitlines(), delimiter=delimiter), [])
    except csv.Error:
        return []


def detect_format(path: Path, *, delimiter: str = ",") -> str:
    """The format of ``path`` from its content; ``ImportFileError`` when none fits."""
    from peercli.importers import bmlt, hsds, hsds_json, hsds_tabular, ics, meetingguide, native

    path = Path(path)
    if path.is_dir():
        if hsds.is_hsds(path):
            return "hsds-1.1" if hsds_tabular.is_hsds_v1(path) else "hsds"
        raise ImportFileError(
            f"{path.name} is a folder without datapackage.json; expected a CSV or JSON file, "
            "or an HSDS data package folder"
        )
    check_file(path, max_bytes=1 << 62)
    if hsds.is_hsds(path):
        return "hsds-1.1" if hsds_tabular.is_hsds_v1(path) else "hsds"
    text = _header_sample(path).lstrip().lstrip("\ufeff").lstrip()
    if not text:
        raise ImportFileError(f"{path.name} is empty")
    if ics.looks_like_ics(text):
        return "ics"
    if text[0] in "[{" or re.match(r"^[A-Za-z_$][\w$.]*\s*\(\s*[\[{]", text):
        if bmlt.looks_like_bmlt(text):
            return "bmlt"
        if bmlt.looks_like_formats_only(text):
            raise ImportFileError(
                f"{path.name} is a BMLT GetFormats answer (format codes, no meetings): give it "
                "with --formats next to the GetSearchResults file")
        if hsds_json.looks_like_hsds_json(text):
            return "hsds-json"
        return "meetingguide"
    headers = _first_record(text, delimiter)
    if meetingguide.looks_like_tsml(headers):
        return "tsml-csv"
    plan = native.plan_columns(headers)
    if "name" in plan.columns and ("schedule" in plan.columns or "days" in plan.columns):
        return "native"
    shown = ", ".join(f"'{h.strip()}'" for h in headers if h.strip()) or "(none)"
    hint = ""
    if len(headers) == 1:
        for d, label in ((";", ";"), ("\t", "tab"), ("|", "|")):
            if d in headers[0]:
                hint = f" It may use {label!r} between fields: try --delimiter"
                break
    raise ImportFileError(
        f"cannot tell what {path.name} is: its header row ({shown}) does not name a group and "
        "a schedule. Expected native CSV columns (name, schedule or days + time), a Meeting "
        "Guide JSON feed, or an HSDS data package. Use --map 'Their Column=field' or --format."
        + hint
    )


def iter_records(
    path: Path,
    *,
    format: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    delimiter: str = ",",
    progress: ProgressCallback | None = None,
    fellowship: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    formats: Path | None = None,
    taxonomy: str | None = None,
) -> RecordStream:
    """A streaming ``RecordStream`` (yields ``GroupRecord | RowError``) for any format.

    ``source`` defaults to the file stem (``meetingguide:<stem>`` / ``hsds:<stem>`` for those
    formats); ``mapping`` ("Their Column" -> field) and ``delimiter`` apply to CSV files;
    ``fellowship`` (aa, na, ca, al-anon...) to Meeting Guide files; ``formats`` (a GetFormats
    file) to BMLT; ``taxonomy`` (a code prefix such as PN-8100) to the HSDS formats.
    """
    from peercli.importers import hsds, meetingguide, native

    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"file not found: {path}")
    if format:
        fmt = normalize_format(format)
    else:
        try:
            fmt = detect_format(path, delimiter=delimiter)
        except ImportFileError:
            if not mapping:
                raise
            fmt = "native"  # --map may supply what the headers do not say
    if mapping and fmt != "native":
        raise ImportFileError(f"--map applies to CSV files in the native format, not {fmt}")
    if formats is not None and fmt != "bmlt":
        raise ImportFileError(f"--formats applies to BMLT files, not {fmt}")
    if taxonomy is not None and not fmt.startswith("hsds"):
        raise ImportFileError(f"--taxonomy applies to HSDS directories, not {fmt}")
    if fmt == "bmlt":
        from peercli.importers import bmlt

        return bmlt.open_bmlt(path, source=source, progress=progress, formats=formats)
    if fmt == "ics":
        from peercli.importers import ics

        return ics.open_ics(path, source=source, progress=progress)
    if fmt == "hsds-json":
        from peercli.importers import hsds_json

        return hsds_json.open_hsds_json(path, source=source, progress=progress,
                                        taxonomy=taxonomy)
    if fmt == "hsds-1.1":
        from peercli.importers import hsds_tabular

        return hsds_tabular.open_hsds_v1(path, source=source, progress=progress,
                                         taxonomy=taxonomy, max_bytes=max_bytes)
    if fmt == "native":
        return native.open_native(path, source=source, mapping=mapping, delimiter=delimiter,
                                  progress=progress, max_bytes=max_bytes)
    if fmt == "tsml-csv":
        return meetingguide.open_tsml_csv(path, source=source, fellowship=fellowship,
                                          delimiter=delimiter, progress=progress,
                                          max_bytes=max_bytes)
    if fmt == "meetingguide":
        return meetingguide.open_meetingguide(
            path, source=source, fellowship=fellowship, progress=progress,
            max_bytes=min(max_bytes, meetingguide.MAX_JSON_BYTES),
        )
    stream = hsds.open_hsds(path, source=source, progress=progress, max_bytes=max_bytes)
    if taxonomy is not None:
        from peercli.importers import hsds_tabular

        return hsds_tabular.filter_taxonomy_v3(path, stream, taxonomy, max_bytes=max_bytes)
    return stream


def parse_file(
    path: Path,
    *,
    format: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    delimiter: str = ",",
    progress: ProgressCallback | None = None,
    fellowship: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    formats: Path | None = None,
    taxonomy: str | None = None,
) -> ParseResult:
    """Read a whole file into a ``ParseResult`` (see ``iter_records`` for the arguments)."""
    return iter_records(
        path, format=format, source=source, mapping=mapping, delimiter=delimiter,
        progress=progress, fellowship=fellowship, max_bytes=max_bytes, formats=formats,
        taxonomy=taxonomy,
    ).collect()
