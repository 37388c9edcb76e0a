"""Open Referral HSDS 1.1 / 2.0 tabular packages (a folder or .zip of CSVs, usually with a
datapackage.json): ``services``, ``organizations``, ``locations``, ``physical_addresses``,
``services_at_location``, ``regular_schedules``, ``languages``, ``phones``,
``accessibility_for_disabilities``, ``services_taxonomy`` + ``taxonomy``.

Real exports deviate from their own descriptor, so tables are found by file name anywhere in the
package (a descriptor saying ``organizations.csv`` while the file sits in ``data/`` is fine), and
columns by name, whatever their order. One ``GroupRecord`` per service, keyed by its id.

Rules (also in docs/groups.md): ``regular_schedules`` rows link to the service by
``service_id``, ``service_at_location_id`` or ``location_id`` (through services_at_location);
weekday 1 = Monday ... 7 = Sunday, or a day name; times like "6:30pm" (``hsds_common``). A
service with no usable schedule row is imported with the schedule unknown (warning); the
schedules' ``original_text`` (the human text some exports keep) goes into the notes. Literal
"\\n" in text becomes a line break; values are trimmed; the common mojibake of dashes and quotes
("GÇô" for "–") is repaired (one warning per package). ``taxonomy="PN-8100"`` keeps services with
a taxonomy id/code/name starting with it.

``filter_taxonomy_v3`` applies the same taxonomy filter to an HSDS 3.0 tabular stream.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO

from peercli.core.wording import plural
from peercli.importers.hsds_common import _s, check_taxonomy, taxonomy_match
from peercli.importers.hsds_v1_services import V1Index, V1ServiceReader
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
)
from peercli.importers.textio import MAX_FILE_BYTES, file_stem, read_csv_table

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample


NAME = "hsds-1.1"
ALIASES = ("hsds-1.1", "hsds-2.0", "hsds-1")

TABLES = {
    "services": ("services.csv", "service.csv"),
    "organizations": ("organizations.csv", "organization.csv"),
    "locations": ("locations.csv", "location.csv"),
    "addresses": ("physical_addresses.csv", "physical_address.csv", "addresses.csv"),
    "sal": ("services_at_location.csv", "service_at_location.csv",
            "services_at_locations.csv"),
    "schedules": ("regular_schedules.csv", "regular_schedule.csv", "schedules.csv"),
    "languages": ("languages.csv", "language.csv"),
    "phones": ("phones.csv", "phone.csv"),
    "access": ("accessibility_for_disabilities.csv", "accessibility.csv"),
    "service_taxonomy": ("services_taxonomy.csv", "service_taxonomy.csv",
                         "services_taxonomies.csv"),
    "taxonomy": ("taxonomy.csv", "taxonomies.csv", "taxonomy_terms.csv", "taxonomy_term.csv"),
}
_V1_MARKERS = ("regular_schedules.csv", "regular_schedule.csv", "services_at_location.csv",
               "physical_addresses.csv", "services_taxonomy.csv")
MOJIBAKE = {"GÇô": "–", "GÇö": "—", "GÇÖ": "’", "GÇÿ": "‘", "GÇ£": "“", "GÇ¥": "”",
            "GÇª": "…", "â€“": "–", "â€”": "—", "â€™": "’", "â€œ": "“", "â€\x9d": "”"}

Row = dict[str, Any]


class _Files:
    """CSV files of a package folder or zip, by lower-case base name (shallowest wins)."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.zip: zipfile.ZipFile | None = None
        self.names: dict[str, str] = {}
        if path.is_dir():
            found = sorted(path.rglob("*.csv"), key=lambda p: (len(p.parts), str(p)))
            for p in found:
                self.names.setdefault(p.name.lower(), str(p))
        else:
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFileError(f"{path.name}: not a readable zip file ({exc})") from None
            total = sum(i.file_size for i in self.zip.infolist())
            if total > max_bytes:
                raise ImportFileError(f"{path.name} unpacks to {total / 1e6:.0f} MB; the limit "
                                      f"is {max_bytes / 1e6:.0f} MB")
            for n in sorted(self.zip.namelist(), key=lambda n: (n.count("/"), n)):
                if n.lower().endswith(".csv"):
                    self.names.setdefault(PurePosixPath(n).name.lower(), n)

    def has_any(self, names: tuple[str, ...]) -> bool:
        return any(n in self.names for n in names)

    def _open(self, name: str) -> BinaryIO:
        where = self.names[name]
        if self.zip is not None:
            try:
                return io.BytesIO(self.zip.read(where))
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise ImportFileError(f"{self.path.name}: cannot read {where} ({exc})") from None
        p = Path(where)
        if p.stat().st_size > self.max_bytes:
            raise ImportFileError(f"{p.name} is larger than {self.max_bytes / 1e6:.0f} MB")
        return open(p, "rb")

    def table(self, key: str) -> tuple[str, list[Row]]:
        for name in TABLES[key]:
            if name in self.names:
                return name, self._rows(name)
        return TABLES[key][0], []

    def table_named(self, name: str) -> list[Row]:
        return self._rows(name) if name in self.names else []

    def _rows(self, name: str) -> list[Row]:
        with self._open(name) as f:
            return read_csv_table(f, name)


def is_hsds_v1(path: Path) -> bool:
    """A package with the 1.1/2.0 table names (regular_schedules, services_at_location...)."""
    try:
        files = _Files(Path(path), MAX_FILE_BYTES)
    except ImportFileError:
        return False
    return files.has_any(_V1_MARKERS) and "schedules.csv" not in files.names


class _Text:
    """Cleans text values: literal \\n, padding, mojibake (counted)."""

    def __init__(self) -> None:
        self.repaired = 0

    def __call__(self, value: Any) -> str | None:
        text = _s(value)
        if not text:
            return None
        if "\\n" in text:
            text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
        for bad, good in MOJIBAKE.items():
            if bad in text:
                self.repaired += text.count(bad)
                text = text.replace(bad, good)
        text = "\n".join(line.rstrip() for line in text.splitlines()).strip()
        return text or None


def open_hsds_v1(
    path: Path,
    *,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    taxonomy: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> RecordStream:
    """A ``RecordStream`` over an HSDS 1.1/2.0 tabular package (see the module docstring)."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"file not found: {path}")
    prefix = check_taxonomy(taxonomy)
    files = _Files(path, max_bytes)
    services_file, services = files.table("services")
    if "services.csv" not in files.names and "service.csv" not in files.names:
        raise ImportFileError(f"{path.name}: the package has no services.csv")
    clean = _Text()
    index = V1Index.of(files.table, services_file)
    src = source or f"hsds:{file_stem(path)}"
    reader = V1ServiceReader(index, src, clean)
    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        filtered = 0
        for svc in services:
            if prefix is not None:
                terms = index.svc_terms.get(svc.get("id", ""), [])
                codes = [str(t.get(k) or "") for t in terms for k in ("id", "code", "name")]
                if not taxonomy_match(codes, prefix):
                    filtered += 1
                    continue
            yield svc["_line"], reader.build(svc)
        if filtered:
            stream.warn(1, f"{plural(filtered, 'service')} not under taxonomy {prefix}; skipped")
        if clean.repaired:
            stream.warn(1, f"{plural(clean.repaired, 'garbled dash or quote character')} (e.g. 'GÇô') "
                        "repaired")

    stream = RecordStream(NAME, src, items(), progress=progress)
    reader.stream = stream
    return stream


def filter_taxonomy_v3(path: Path, stream: RecordStream, taxonomy: str, *,
                       max_bytes: int = MAX_FILE_BYTES) -> RecordStream:
    """Keep the services of an HSDS 3.0 tabular stream that have a taxonomy term (through
    ``attributes``) whose code starts with ``taxonomy``."""
    prefix = check_taxonomy(taxonomy) or ""
    files = _Files(Path(path), max_bytes)
    # 3.0 terms are taxonomy_terms.csv (taxonomies.csv lists the taxonomies themselves)
    term_rows = (files.table_named("taxonomy_terms.csv") or files.table_named("taxonomy_term.csv")
                 or files.table("taxonomy")[1])
    terms = {r.get("id"): r for r in term_rows}
    codes: dict[str, list[str]] = defaultdict(list)
    for r in files.table_named("attributes.csv"):
        term = terms.get(r.get("taxonomy_term_id"), {})
        codes[r.get("link_id", "")].extend(
            [str(term.get("code") or ""), str(term.get("id") or ""), str(term.get("name") or ""),
             str(r.get("value") or "")])
    wrapped: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        filtered = 0
        line = 0
        for item in stream:
            line = getattr(item, "line", line)
            if isinstance(item, GroupRecord) and not taxonomy_match(
                    codes.get(item.source_key, []), prefix):
                filtered += 1
                continue
            yield line, item
        wrapped.warnings.extend(stream.warnings)
        if filtered:
            wrapped.warn(1, f"{plural(filtered, 'service')} not under taxonomy {prefix}; skipped")

    wrapped = RecordStream(stream.format, stream.source, items())
    return wrapped


# -- registry entry (importers/registry.py) ----------------------------------------------------


def sniff_hsds_v1(sample: Sample) -> float:
    """An HSDS data package in the 1.1/2.0 layout (more specific than the 3.0 entry)."""
    from peercli.importers.hsds import is_hsds

    return 1.0 if is_hsds(sample.path) and is_hsds_v1(sample.path) else 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_hsds_v1(path, source=options.source, progress=options.progress,
                        taxonomy=options.taxonomy, max_bytes=options.max_bytes)
