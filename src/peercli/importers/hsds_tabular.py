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

from peercli.importers import values as V
from peercli.importers.hsds_common import _s, check_taxonomy, meetings_from_row, taxonomy_match
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
    schedule_unknown,
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
    orgs = {r.get("id"): r for r in files.table("organizations")[1]}
    locations = {r.get("id"): r for r in files.table("locations")[1]}
    addresses: dict[str, list[Row]] = defaultdict(list)
    for r in files.table("addresses")[1]:
        addresses[r.get("location_id", "")].append(r)
    sal_by_service: dict[str, list[Row]] = defaultdict(list)
    sal_service: dict[str, str] = {}
    loc_services: dict[str, list[str]] = defaultdict(list)
    for r in files.table("sal")[1]:
        sal_by_service[r.get("service_id", "")].append(r)
        sal_service[r.get("id", "")] = r.get("service_id", "")
        loc_services[r.get("location_id", "")].append(r.get("service_id", ""))
    schedules_file, schedule_rows = files.table("schedules")
    schedules: dict[str, list[Row]] = defaultdict(list)
    for r in schedule_rows:
        sids: list[str] = [str(r["service_id"])] if r.get("service_id") else []
        if not sids and r.get("service_at_location_id"):
            sids = [sal_service.get(r["service_at_location_id"], "")]
        if not sids and r.get("location_id"):
            sids = loc_services.get(r["location_id"], [])
        for sid in sids:
            if sid:
                schedules[sid].append(r)
    languages: dict[str, list[Row]] = defaultdict(list)
    for r in files.table("languages")[1]:
        for key in ("service_id", "location_id"):
            if r.get(key):
                languages[r[key]].append(r)
    phones: dict[str, str] = {}
    for r in files.table("phones")[1]:
        number = (r.get("number") or "").strip().strip('"').strip()
        for key in ("service_id", "service_at_location_id", "location_id", "organization_id"):
            if number and r.get(key):
                phones.setdefault(f"{key}:{r[key]}", number)
    access: dict[str, list[Row]] = defaultdict(list)
    for r in files.table("access")[1]:
        access[r.get("location_id", "")].append(r)
    tax = {r.get("id"): r for r in files.table("taxonomy")[1]}
    svc_terms: dict[str, list[Row]] = defaultdict(list)
    for r in files.table("service_taxonomy")[1]:
        tid = r.get("taxonomy_id") or r.get("taxonomy_term_id") or ""
        term = tax.get(tid) or {"id": tid, "name": r.get("taxonomy_detail", "")}
        if r.get("service_id"):
            svc_terms[r["service_id"]].append(term)
    src = source or f"hsds:{file_stem(path)}"
    topic_reader = V.TopicReader()
    stream: RecordStream

    def build(svc: Row) -> Item:
        line = svc["_line"]
        label = f"{services_file} line {line}"
        raw = {k: str(v) for k, v in svc.items() if k != "_line"}

        def warn(message: str, at: int = line, where: str = label) -> None:
            stream.warn(at, f"{where}: {message}")

        sid = svc.get("id", "")
        name = clean(svc.get("name"))
        if not sid:
            return RowError(line, f"{label}: the service has no id", raw)
        if not name:
            return RowError(line, f"{label}: missing name", raw)
        meetings: list[Any] = []
        texts: list[str] = []
        for r in schedules.get(sid, []):
            where = f"{schedules_file} line {r['_line']} (service {sid})"
            original = clean(r.get("original_text")) or clean(r.get("description"))
            if original and original not in texts:
                texts.append(original)
            at: int = r["_line"]

            def row_warn(message: str, at: int = at, where: str = where) -> None:
                warn(message, at, where)

            try:
                meetings.extend(meetings_from_row(r, row_warn))
            except ValueError as exc:
                return RowError(line, f"{label}: {where}: {exc}", raw)
        found = tuple(dict.fromkeys(meetings))
        if not found:
            why = "no row in " + schedules_file if not schedules.get(sid) else \
                "no usable row in " + schedules_file
            warn(f"{why}; imported with the schedule unknown")
            found = schedule_unknown()
        locs = [locations[s["location_id"]] for s in sal_by_service.get(sid, [])
                if s.get("location_id") in locations]
        place = locs[0] if locs else None
        address = city = postal = None
        lat = lon = None
        if place is not None:
            addrs = addresses.get(place.get("id", ""), [])
            if addrs:
                a = addrs[0]
                street = ", ".join(p for p in (clean(a.get("address_1")),
                                               clean(a.get("address_2"))) if p)
                address, city = street or None, clean(a.get("city"))
                postal = clean(a.get("postal_code"))
            if place.get("latitude") and place.get("longitude"):
                try:
                    lat = V.parse_coordinate(place["latitude"], "latitude")
                    lon = V.parse_coordinate(place["longitude"], "longitude")
                except ValueError as exc:
                    lat = lon = None
                    warn(f"location {place.get('id')}: {exc}; coordinates ignored")
        langs: dict[str, None] = {}
        acc: dict[str, None] = {}
        for r in languages.get(sid, []) + [r for loc in locs
                                           for r in languages.get(loc.get("id", ""), [])]:
            text = r.get("language") or r.get("code") or r.get("name") or ""
            if not text:
                continue
            try:
                codes, signed = V.parse_languages(text)
            except ValueError as exc:
                warn(f"{exc}; ignored")
                continue
            langs.update(dict.fromkeys(codes))
            if signed:
                acc["asl"] = None
        for loc in locs:
            for r in access.get(loc.get("id", ""), []):
                text = " ".join(p for p in (r.get("accessibility"), r.get("description"),
                                            r.get("details")) if p)
                acc.update(dict.fromkeys(V.parse_accessibility(text)[0]))
        terms = svc_terms.get(sid, [])
        topics, unknown = topic_reader.normalize([t.get("name", "") for t in terms
                                                  if t.get("name")])
        status_text = svc.get("status", "")
        status = "active"
        if status_text:
            try:
                status = V.parse_status(status_text) or "active"
            except ValueError:
                if status_text.casefold() in ("defunct", "temporarily closed"):
                    status = "inactive"
                else:
                    warn(f"unknown status '{status_text}'; read as active")
        org = orgs.get(svc.get("organization_id"), {})
        phone = None
        for key in [f"service_id:{sid}"] + [f"location_id:{loc.get('id')}" for loc in locs] + [
                f"organization_id:{svc.get('organization_id')}"]:
            if key in phones:
                phone = phones[key]
                break
        notes = [clean(svc.get("application_process"))]
        if texts:
            notes.append("Schedule as listed: " + "; ".join(texts))
        website = clean(svc.get("url")) or clean(org.get("url")) or clean(org.get("website"))
        return GroupRecord(
            source=src, source_key=sid, name=name, organization=clean(org.get("name")),
            description=clean(svc.get("description")), topics=topics, unknown_topics=unknown,
            meetings=found, format="in_person", address=address, city=city, postal_code=postal,
            latitude=lat, longitude=lon, languages=tuple(langs), accessibility=tuple(acc),
            cost=clean(svc.get("fees")), phone=phone,
            email=clean(svc.get("email")) or clean(org.get("email")), website=website,
            notes="\n".join(n for n in notes if n) or None, status=status,
        )

    def items() -> Iterator[tuple[int, Item]]:
        filtered = 0
        for svc in services:
            if prefix is not None:
                terms = svc_terms.get(svc.get("id", ""), [])
                codes = [str(t.get(k) or "") for t in terms for k in ("id", "code", "name")]
                if not taxonomy_match(codes, prefix):
                    filtered += 1
                    continue
            yield svc["_line"], build(svc)
        if filtered:
            stream.warn(1, f"{filtered} service(s) not under taxonomy {prefix}; skipped")
        if clean.repaired:
            stream.warn(1, f"{clean.repaired} garbled dash or quote character(s) (e.g. 'GÇô') "
                        "repaired")

    stream = RecordStream(NAME, src, items(), progress=progress)
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
            wrapped.warn(1, f"{filtered} service(s) not under taxonomy {prefix}; skipped")

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
