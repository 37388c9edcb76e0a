"""Open Referral HSDS 3.0 tabular data packages: a folder or a .zip holding datapackage.json and
one CSV per table (services, organizations, locations, addresses, service_at_location,
schedules, languages, accessibility, attributes + taxonomy_terms, phones).

One ``GroupRecord`` per service, keyed by the service id. Meetings come from the service's
schedules (linked by ``service_id`` or through ``service_at_location_id``; schedules of a bare
location are opening hours, not meetings, and are not used). A schedule row with neither
``freq`` nor ``byday`` falls back to reading its human ``description``. HSDS 3.0 gives
``timezone`` as a UTC offset number: whole hours become ``Etc/GMT±N``; an IANA name is kept.
``opens_at`` "09:00Z" is read as the local wall-clock time (the standard's own examples write
"9am to 12pm" as 09:00:00Z). RRULE parts peer does not model (byweekno, bymonthday, byyearday,
count) are ignored with a warning.

Place: the service's first location (in service_at_location order); its physical address (else
any address) and latitude/longitude; a virtual location, or a location ``url``, makes the group
online (hybrid when there is also a physical location). Status: ``active`` unless the service
says inactive / defunct / temporarily closed. Topics: the names of taxonomy terms linked to the
service through attributes, through the vocabulary. Languages from the languages table (service
or its locations); accessibility words from the accessibility table.

A service with no usable schedule, no name, or an unreadable schedule is a ``RowError`` at its
services.csv line (the message names the other file and line when the problem is there).
Out-of-range coordinates, unknown languages and unreadable time zones are warnings: the value is
dropped and the service imported.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO

from peercli.importers import values as V
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
)
from peercli.importers.textio import MAX_FILE_BYTES, DecodedLines, file_stem, iter_csv_rows

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample

# resource name in datapackage.json -> default file name
TABLES = {
    "service": "services.csv",
    "organization": "organizations.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "service_at_location": "service_at_location.csv",
    "schedule": "schedules.csv",
    "language": "languages.csv",
    "accessibility": "accessibility.csv",
    "attribute": "attributes.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "phone": "phones.csv",
}

Row = dict[str, Any]


class Package:
    """Reads the tables of a data package from a folder or a zip, by resource name."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._zip: zipfile.ZipFile | None = None
        self._root = ""
        if path.is_dir():
            found = _find_descriptor_dir(path)
            if found is None:
                raise ImportFileError(
                    f"{path.name}: no datapackage.json in this folder (expected an HSDS data "
                    "package: datapackage.json plus services.csv, schedules.csv...)"
                )
            self._dir: Path = found
            descriptor = (found / "datapackage.json").read_bytes()
        else:
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFileError(f"{path.name}: not a readable zip file ({exc})") from None
            names = [n for n in self._zip.namelist() if PurePosixPath(n).name == "datapackage.json"]
            if not names:
                raise ImportFileError(
                    f"{path.name}: no datapackage.json in this zip (expected an HSDS data package)"
                )
            total = sum(i.file_size for i in self._zip.infolist())
            if total > max_bytes:
                raise ImportFileError(
                    f"{path.name} unpacks to {total / 1e6:.0f} MB; the limit is "
                    f"{max_bytes / 1e6:.0f} MB"
                )
            best = min(names, key=lambda n: n.count("/"))
            self._root = best[: -len("datapackage.json")]
            descriptor = self._zip.read(best)
        from peercli.importers import safejson

        try:
            meta = safejson.loads(descriptor.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFileError(f"{path.name}: datapackage.json is not valid JSON ({exc})") from None
        except safejson.JsonLimitError as exc:
            raise ImportFileError(f"{path.name}: datapackage.json has {exc}; refused") from None
        self.paths = dict(TABLES)
        resources = meta.get("resources", []) if isinstance(meta, dict) else []
        for resource in resources if isinstance(resources, list) else []:
            if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                name = str(resource.get("name", ""))
                if name in TABLES:
                    self.paths[name] = _inside_package(path.name, resource["path"])

    def _open(self, rel: str) -> tuple[BinaryIO, str] | None:
        if self._zip is not None:
            member = self._root + rel
            try:
                data = self._zip.read(member)
            except KeyError:
                return None
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise ImportFileError(f"{self.path.name}: cannot read {member} ({exc})") from None
            return io.BytesIO(data), rel
        file = self._dir / rel
        if not file.is_file():
            return None
        if not file.resolve().is_relative_to(self._dir.resolve()):  # a symlink out of it
            raise ImportFileError(f"{self.path.name}: the resource '{rel}' is a link that leaves "
                                  "the package; refused")
        if file.stat().st_size > self.max_bytes:
            raise ImportFileError(f"{rel} is larger than {self.max_bytes / 1e6:.0f} MB")
        return open(file, "rb"), rel

    def has(self, table: str) -> bool:
        opened = self._open(self.paths[table])
        if opened is None:
            return False
        opened[0].close()
        return True

    def table(self, table: str) -> tuple[str, list[Row]]:
        """(file name, rows as dicts with lower-case keys and ``_line``); [] when absent."""
        opened = self._open(self.paths[table])
        if opened is None:
            return self.paths[table], []
        f, rel = opened
        rows: list[Row] = []
        with f:
            csv_rows = iter_csv_rows(DecodedLines(f, name=rel))
            header = next(csv_rows, None)
            if header is None:
                return rel, []
            if header.fields is None:
                raise ImportFileError(f"{rel} line {header.line}: {header.error}", line=header.line)
            keys = [h.strip().lstrip("\ufeff").lower() for h in header.fields]
            for r in csv_rows:
                if r.fields is None:
                    raise ImportFileError(f"{rel} line {r.line}: {r.error}", line=r.line)
                row: Row = {k: _null(v) for k, v in zip(keys, r.fields, strict=False)}
                row["_line"] = r.line
                rows.append(row)
        return rel, rows


def _inside_package(package: str, rel: str) -> str:
    """A resource path as a plain relative path inside the package ("a/b.csv"); a path that
    is absolute, has a drive or backslash, or climbs out with ".." is refused (never opened)."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if (rel.startswith("/") or "\\" in rel or re.match(r"^[A-Za-z]:", rel) or ".." in parts
            or not parts or "\x00" in rel):
        raise ImportFileError(
            f"{package}: datapackage.json names the resource path '{rel}', which leaves the "
            "package; refused (resource paths must stay inside the package folder)")
    return "/".join(parts)


def _find_descriptor_dir(folder: Path) -> Path | None:
    if (folder / "datapackage.json").is_file():
        return folder
    for child in sorted(folder.iterdir()):
        if child.is_dir() and (child / "datapackage.json").is_file():
            return child
    return None


def _null(value: str) -> str:
    value = value.strip()
    return "" if value.lower() == "null" else value


def is_hsds(path: Path) -> bool:
    """A folder or zip with a datapackage.json (the HSDS tabular form)."""
    if path.is_dir():
        return _find_descriptor_dir(path) is not None
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as zf:
            return any(PurePosixPath(n).name == "datapackage.json" for n in zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def sniff_hsds(sample: Sample) -> float:
    """A folder or zip with datapackage.json (the 1.1 entry says more for the older layout)."""
    return 0.9 if is_hsds(sample.path) else 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    stream = open_hsds(path, source=options.source, progress=options.progress,
                       max_bytes=options.max_bytes)
    if options.taxonomy is None:
        return stream
    from peercli.importers.hsds_tabular import filter_taxonomy_v3

    return filter_taxonomy_v3(path, stream, options.taxonomy, max_bytes=options.max_bytes)


_OFFSET = re.compile(r"^(\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def _timezone(value: str) -> str | None:
    """HSDS timezone: a UTC offset number (whole hours) or an IANA name; ValueError otherwise."""
    text = value.strip()
    if not text:
        return None
    if "/" in text or text.upper() == "UTC":
        return text
    try:
        hours = float(text)
    except ValueError:
        raise ValueError(f"time zone '{text}' is not a UTC offset or IANA name") from None
    if hours != int(hours) or not -12 <= hours <= 14:
        raise ValueError(f"time zone offset '{text}' is not a whole hour between -12 and 14")
    n = int(hours)
    return "UTC" if n == 0 else f"Etc/GMT{'-' if n > 0 else '+'}{abs(n)}"  # POSIX sign is inverted


def _split_time(text: str) -> tuple[str, str | None]:
    """"09:00-05:00" -> ("09:00", "-05:00"); "09:00:00Z" -> ("09:00:00", None)."""
    m = _OFFSET.match(text.strip())
    if not m:
        return text, None
    offset = m.group(2)
    if offset is None or offset.upper() == "Z":
        return m.group(1), None
    return m.group(1), offset


def _offset_zone(offset: str) -> str | None:
    m = re.match(r"([+-])(\d{2}):?(\d{2})", offset)
    if not m or m.group(3) != "00":
        return None
    hours = int(m.group(2))
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'+' if m.group(1) == '-' else '-'}{hours}"


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10]) if text.strip() else None
    except ValueError:
        return None


def open_hsds(
    path: Path,
    *,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> RecordStream:
    """A ``RecordStream`` over an HSDS 3.0 data package (folder or zip)."""
    from peercli.core import schedule

    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"file not found: {path}")
    pkg = Package(path, max_bytes=max_bytes)
    services_file, services = pkg.table("service")
    if not pkg.has("service"):
        raise ImportFileError(f"{path.name}: the data package has no services table (services.csv)")

    orgs = {r.get("id"): r for r in pkg.table("organization")[1]}
    locations = {r.get("id"): r for r in pkg.table("location")[1]}
    addresses: dict[str, list[Row]] = defaultdict(list)
    for r in pkg.table("address")[1]:
        addresses[r.get("location_id", "")].append(r)
    sal_by_service: dict[str, list[Row]] = defaultdict(list)
    sal_service: dict[str, str] = {}
    for r in pkg.table("service_at_location")[1]:
        sal_by_service[r.get("service_id", "")].append(r)
        sal_service[r.get("id", "")] = r.get("service_id", "")
    schedules_file, schedule_rows = pkg.table("schedule")
    schedules: dict[str, list[Row]] = defaultdict(list)
    for r in schedule_rows:
        sid = r.get("service_id") or sal_service.get(r.get("service_at_location_id", ""), "")
        if sid:
            schedules[sid].append(r)
    languages: dict[str, list[Row]] = defaultdict(list)
    for r in pkg.table("language")[1]:
        for key in ("service_id", "location_id"):
            if r.get(key):
                languages[r[key]].append(r)
    access: dict[str, list[Row]] = defaultdict(list)
    for r in pkg.table("accessibility")[1]:
        access[r.get("location_id", "")].append(r)
    terms = {r.get("id"): r.get("name") or r.get("code") or "" for r in pkg.table("taxonomy_term")[1]}
    term_ids: dict[str, list[str]] = defaultdict(list)
    for r in pkg.table("attribute")[1]:
        if r.get("link_id") and r.get("taxonomy_term_id"):
            term_ids[r["link_id"]].append(r["taxonomy_term_id"])
    phones: dict[str, str] = {}
    for r in pkg.table("phone")[1]:
        number = (r.get("number") or "").strip().strip('"').strip()
        if not number:
            continue
        for key in ("service_id", "service_at_location_id", "location_id", "organization_id"):
            if r.get(key):
                phones.setdefault(f"{key}:{r[key]}", number)

    src = source or f"hsds:{file_stem(path)}"
    topic_reader = V.TopicReader()
    stream: RecordStream

    def warn(line: int, message: str) -> None:
        stream.warn(line, f"{services_file} line {line}: {message}")

    def meetings_for(service_id: str) -> tuple[tuple[Any, ...], str | None]:
        found: list[Any] = []
        for r in schedules.get(service_id, []):
            where = f"{schedules_file} line {r['_line']}"
            ignored = [k for k in ("byweekno", "bymonthday", "byyearday", "count") if r.get(k)]
            if ignored:
                stream.warn(r["_line"], f"{where}: {', '.join(ignored)} not supported; ignored")
            freq, byday = r.get("freq", ""), r.get("byday", "")
            try:
                if not freq and not byday:
                    text = r.get("description", "")
                    if not text:
                        return (), f"{where}: the schedule has no freq, byday or description"
                    found.extend(schedule.parse_schedule(text))
                    continue
                opens, off1 = _split_time(r.get("opens_at", ""))
                closes, _ = _split_time(r.get("closes_at", ""))
                tz = None
                try:
                    tz = _timezone(r.get("timezone", ""))
                except ValueError as exc:
                    stream.warn(r["_line"], f"{where}: {exc}; ignored")
                if tz is None and off1:
                    tz = _offset_zone(off1)
                found.append(schedule.meeting_from_rrule_parts(
                    freq or "WEEKLY", r.get("interval"), byday, opens, closes or None,
                    dtstart=_date(r.get("dtstart", "")), until=_date(r.get("until", "")),
                    timezone=tz,
                ))
            except ValueError as exc:
                return (), f"{where}: {exc}"
        return tuple(dict.fromkeys(found)), None

    def build(svc: Row) -> Item:
        line = svc["_line"]
        sid = svc.get("id", "")
        name = svc.get("name", "")
        if not sid:
            return RowError(line, f"{services_file} line {line}: the service has no id", _raw(svc))
        if not name:
            return RowError(line, f"{services_file} line {line}: missing name", _raw(svc))
        meetings, error = meetings_for(sid)
        if error:
            return RowError(line, f"{services_file} line {line}: {error}", _raw(svc))
        if not meetings:
            return RowError(
                line,
                f"{services_file} line {line}: the service has no schedule (no row in "
                f"{schedules_file} for it)",
                _raw(svc),
            )
        locs = [locations[s["location_id"]] for s in sal_by_service.get(sid, [])
                if s.get("location_id") in locations]
        physical = [loc for loc in locs if (loc.get("location_type") or "physical") != "virtual"]
        virtual = [loc for loc in locs if loc.get("location_type") == "virtual"]
        place = physical[0] if physical else (locs[0] if locs else None)
        address = city = postal = None
        latitude = longitude = None
        if place is not None:
            addrs = addresses.get(place.get("id", ""), [])
            addr = next((a for a in addrs if a.get("address_type") == "physical"),
                        addrs[0] if addrs else None)
            if addr is not None:
                street = ", ".join(p for p in (addr.get("address_1"), addr.get("address_2")) if p)
                address, city = street or None, addr.get("city") or None
                postal = addr.get("postal_code") or None
            if place.get("latitude") and place.get("longitude"):
                try:
                    latitude = V.parse_coordinate(place["latitude"], "latitude")
                    longitude = V.parse_coordinate(place["longitude"], "longitude")
                except ValueError as exc:
                    latitude = longitude = None
                    warn(line, f"location {place.get('id')}: {exc}; coordinates ignored")
        online_url = next((loc.get("url") for loc in virtual if loc.get("url")), None) or next(
            (loc.get("url") for loc in physical if loc.get("url")), None)
        has_physical = bool(physical) and place is not None and (address or latitude is not None)
        if online_url or virtual:
            fmt = "hybrid" if has_physical else "online"
        else:
            fmt = "in_person"

        langs: dict[str, None] = {}
        acc: dict[str, None] = {}
        for r in languages.get(sid, []) + [r for loc in locs
                                           for r in languages.get(loc.get("id", ""), [])]:
            text = r.get("code") or r.get("name") or ""
            if not text:
                continue
            try:
                codes, signed = V.parse_languages(text)
            except ValueError:
                try:
                    codes, signed = V.parse_languages(r.get("name") or "")
                except ValueError as exc:
                    warn(line, f"{exc}; ignored")
                    continue
            langs.update(dict.fromkeys(codes))
            if signed:
                acc["asl"] = None
        for loc in locs:
            for r in access.get(loc.get("id", ""), []):
                text = " ".join(p for p in (r.get("description"), r.get("details")) if p)
                acc.update(dict.fromkeys(V.parse_accessibility(text)[0]))

        topic_names = [terms[t] for t in term_ids.get(sid, []) if terms.get(t)]
        topics, unknown = topic_reader.normalize(topic_names)
        status_text = svc.get("status", "")
        try:
            status = V.parse_status(status_text) or "active"
        except ValueError:
            status = "inactive" if status_text.casefold() == "defunct" else "active"
            if status_text.casefold() != "defunct":
                warn(line, f"unknown status '{status_text}'; read as active")
        org = orgs.get(svc.get("organization_id"), {})
        phone = None
        for key in [f"service_id:{sid}"] + [
            f"service_at_location_id:{s.get('id')}" for s in sal_by_service.get(sid, [])
        ] + [f"location_id:{loc.get('id')}" for loc in locs] + [
            f"organization_id:{svc.get('organization_id')}"
        ]:
            if key in phones:
                phone = phones[key]
                break
        audience = V.parse_audience(svc.get("eligibility_description", ""))[0] if svc.get(
            "eligibility_description") else ()
        return GroupRecord(
            source=src,
            source_key=sid,
            name=name,
            organization=org.get("name") or None,
            description=svc.get("description") or None,
            topics=topics,
            unknown_topics=unknown,
            meetings=meetings,
            format=fmt,
            address=address,
            city=city,
            postal_code=postal,
            latitude=latitude,
            longitude=longitude,
            online_url=online_url,
            languages=tuple(langs),
            facilitation=None,
            audience=audience,
            accessibility=tuple(acc),
            open_to_newcomers=None,
            cost=svc.get("fees_description") or None,
            phone=phone,
            email=svc.get("email") or org.get("email") or None,
            website=svc.get("url") or org.get("website") or None,
            notes=svc.get("alert") or None,
            status=status,
            last_verified=_date(svc.get("assured_date", "")),
        )

    def items() -> Iterator[tuple[int, Item]]:
        for svc in services:
            yield svc["_line"], build(svc)

    stream = RecordStream("hsds", src, items(), progress=progress)
    return stream


def _raw(row: Row) -> dict[str, str]:
    return {k: str(v) for k, v in row.items() if k != "_line"}
