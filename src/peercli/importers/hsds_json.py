"""Open Referral HSDS 3.0 JSON: a single service, a ``service_list`` page (``{"contents": [...],
"total_items": ...}``), ``{"services": [...]}``, an organization with nested services, a
``service_at_location`` list, or a plain array of services — full objects with nested
schedules, service_at_locations, locations and addresses.

One ``GroupRecord`` per service, keyed by its ``id`` (the automatic name + schedule + place key
when it has none). Meetings: the service's schedules and those of its service_at_locations
(``hsds_common.meetings_from_row``; a location's own schedules are opening hours and are not
used). A service with no usable schedule is imported with "schedule unknown" (no meetings) and
a warning. Place: the first physical location (its physical address, else any address, and
latitude/longitude); a virtual location or a location url makes it online (hybrid with a
physical place). Topics: taxonomy term names (through ``attributes``) via the vocabulary;
``taxonomy="PN-8100"`` keeps only services with a term whose code starts with it (the others
are counted in one warning). Status: inactive for inactive / defunct / temporarily closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.core.wording import plural
from peercli.importers import values as V
from peercli.importers.hsds_common import (
    Place,
    _s,
    check_taxonomy,
    meetings_from_row,
    taxonomy_match,
)
from peercli.importers.jsondoc import element_lines, read_document, text_of
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
    auto_source_key,
    schedule_unknown,
)
from peercli.importers.textio import file_stem

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample


NAME = "hsds-json"
ALIASES = ("hsds-json", "openreferral-json")

_SERVICE_KEYS = ("service_at_locations", "schedules", "organization", "attributes",
                 "eligibility_description", "fees_description", "assured_date")


def looks_like_hsds_json(head: str) -> bool:
    """A JSON text with HSDS 3.0's own keys (and not a Meeting Guide feed)."""
    if '"service_at_locations"' in head or '"service_list"' in head:
        return True
    if '"total_items"' in head and '"contents"' in head:
        return True
    if '"services"' in head and ('"schedules"' in head or '"organization"' in head):
        return True
    if re.match(r'\s*\{\s*"services"\s*:\s*\[\s*\]\s*\}\s*$', head):
        return True  # {"services": []}: an empty HSDS answer (imports nothing, and says so)
    return '"opens_at"' in head and '"schedules"' in head


def _services(doc: Any) -> list[Any]:
    """The service objects of any accepted shape."""
    if isinstance(doc, list):
        out: list[Any] = []
        for item in doc:
            out.extend(_services(item) if isinstance(item, dict) and "contents" in item
                       else [item])
        return out
    if not isinstance(doc, dict):
        return []
    for key in ("contents", "services", "service_list", "items", "data"):
        if isinstance(doc.get(key), list):
            items = doc[key]
            # a service_at_location list: each item nests its service
            return [_from_sal(i) if isinstance(i, dict) and isinstance(i.get("service"), dict)
                    else i for i in items]
    if isinstance(doc.get("service"), dict):
        return [_from_sal(doc)]
    return [doc]


def _from_sal(sal: dict[str, Any]) -> dict[str, Any]:
    service = dict(sal["service"])
    nested = {k: v for k, v in sal.items() if k != "service"}
    service.setdefault("service_at_locations", [])
    service["service_at_locations"] = list(service["service_at_locations"]) + [nested]
    return service


def _objs(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def open_hsds_json(
    path: Path,
    *,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    taxonomy: str | None = None,
    max_bytes: int | None = None,
) -> RecordStream:
    """A ``RecordStream`` over an HSDS 3.0 JSON document (see the module docstring)."""
    from peercli.importers.jsondoc import MAX_JSON_BYTES

    path = Path(path)
    prefix = check_taxonomy(taxonomy)
    doc, text = read_document(path, max_bytes=max_bytes or MAX_JSON_BYTES)
    services = _services(doc)
    if not services:
        raise ImportFileError(f"{path.name}: no HSDS services found (expected a service, a "
                              "service_list page or a list of services)")
    lines = element_lines(text, len(services), "id") if len(services) > 1 else [1]
    stream: RecordStream
    topic_reader = V.TopicReader()

    def items() -> Iterator[tuple[int, Item]]:
        filtered = 0
        for index, (line, svc) in enumerate(zip(lines, services, strict=True), 1):
            label = f"service {index} (line {line})"
            if not isinstance(svc, dict):
                yield line, RowError(line, f"{label}: expected a JSON object")
                continue
            terms = [t for a in _objs(svc.get("attributes"))
                     for t in _objs(a.get("taxonomy_term"))]
            terms += [t for t in _objs(svc.get("taxonomy_terms"))]
            if prefix is not None and not taxonomy_match(
                    [_s(t.get("code")) or _s(t.get("id")) for t in terms]
                    + [_s(a.get("value")) for a in _objs(svc.get("attributes"))], prefix):
                filtered += 1
                continue
            yield line, _build(svc, line, label, stream, topic_reader, terms)
        if filtered:
            stream.warn(1, f"{plural(filtered, 'service')} not under taxonomy {prefix}; skipped")

    stream = RecordStream(NAME, source or f"hsds:{file_stem(path)}", items(), progress=progress)
    return stream


Warn = Callable[[str], None]


def _build(svc: dict[str, Any], line: int, label: str, stream: RecordStream,
           topic_reader: V.TopicReader, terms: list[dict[str, Any]]) -> Item:
    """One service object -> a GroupRecord, or a RowError (no name, an unreadable schedule)."""
    raw = {str(k): str(v)[:200] for k, v in svc.items() if not isinstance(v, list | dict)}
    name = text_of(svc.get("name"))
    if not name:
        return RowError(line, f"{label}: missing name", raw)

    def warn(message: str) -> None:
        stream.warn(line, f"{label}: {message}")

    sals = _objs(svc.get("service_at_locations"))
    found = _meetings(svc, sals, warn)
    if isinstance(found, str):
        return RowError(line, f"{label}: {found}", raw)
    locs = [loc for s in sals for loc in _objs(s.get("location"))]
    locs += _objs(svc.get("locations"))
    place = _place(locs, warn)
    languages, access = _languages_and_access(svc, locs, warn)
    topics, unknown = topic_reader.normalize([_s(t.get("name")) for t in terms
                                              if _s(t.get("name"))])
    status = _status(_s(svc.get("status")), warn)
    org: dict[str, Any] = svc["organization"] if isinstance(svc.get("organization"), dict) \
        else {}
    phone = next((_s(p.get("number")).strip('"') for p in _objs(svc.get("phones"))
                  if _s(p.get("number"))), None)
    audience = V.parse_audience(_s(svc.get("eligibility_description")))[0] \
        if _s(svc.get("eligibility_description")) else ()
    key = _s(svc.get("id")) or auto_source_key(
        name, found, address=place.address, city=place.city, postal_code=place.postal_code,
        online_url=place.online_url)
    return GroupRecord(
        source=stream.source, source_key=key, name=name,
        organization=_s(org.get("name")) or None, description=_s(svc.get("description")) or None,
        topics=topics, unknown_topics=unknown, meetings=found, format=place.format,
        address=place.address, city=place.city, postal_code=place.postal_code,
        latitude=place.latitude, longitude=place.longitude, online_url=place.online_url,
        languages=languages, accessibility=access, audience=audience,
        cost=_s(svc.get("fees_description")) or None, phone=phone,
        email=_s(svc.get("email")) or _s(org.get("email")) or None,
        website=_s(svc.get("url")) or _s(org.get("website")) or None,
        notes=_s(svc.get("alert")) or None, status=status,
        last_verified=_assured(_s(svc.get("assured_date")), warn),
    )


def _meetings(svc: dict[str, Any], sals: list[dict[str, Any]],
              warn: Warn) -> tuple[Any, ...] | str:
    """The meetings of the service's schedules and its service_at_locations' (a schedule nested
    in both counts once), "schedule unknown" (warned) when none is usable, or why a schedule
    cannot be read."""
    rows = _objs(svc.get("schedules")) + [r for s in sals for r in _objs(s.get("schedules"))]
    rows += _objs(svc.get("regular_schedules"))
    seen_ids: set[str] = set()
    meetings: list[Any] = []
    for r in rows:
        rid = _s(r.get("id"))
        if rid and rid in seen_ids:
            continue
        seen_ids.add(rid)
        try:
            meetings.extend(meetings_from_row(r, warn))
        except ValueError as exc:
            return str(exc)
    found = tuple(dict.fromkeys(meetings))
    if not found:
        warn("no usable schedule; imported with the schedule unknown")
        found = schedule_unknown()
    return found


def _place(locs: list[dict[str, Any]], warn: Warn) -> Place:
    """The first physical location's address (its physical one, else any) and coordinates;
    a virtual location makes the service online, hybrid with a physical place."""
    physical = [loc for loc in locs if (_s(loc.get("location_type")) or "physical") != "virtual"]
    virtual = [loc for loc in locs if _s(loc.get("location_type")) == "virtual"]
    where = physical[0] if physical else None
    out = Place()
    if where is not None:
        addrs = _objs(where.get("addresses")) + _objs(where.get("physical_addresses"))
        addr = next((a for a in addrs if _s(a.get("address_type")) == "physical"),
                    addrs[0] if addrs else None)
        if addr is not None:
            street = ", ".join(p for p in (_s(addr.get("address_1")), _s(addr.get("address_2")))
                               if p)
            out.address, out.city = street or None, _s(addr.get("city")) or None
            out.postal_code = _s(addr.get("postal_code")) or None
        if _s(where.get("latitude")) and _s(where.get("longitude")):
            try:
                out.latitude = V.parse_coordinate(_s(where["latitude"]), "latitude")
                out.longitude = V.parse_coordinate(_s(where["longitude"]), "longitude")
            except ValueError as exc:
                out.latitude = out.longitude = None
                warn(f"{exc}; coordinates ignored")
    out.online_url = next((_s(loc.get("url")) for loc in virtual if _s(loc.get("url"))), None)
    has_physical = where is not None and bool(out.address or out.latitude is not None)
    if out.online_url or virtual:
        out.format = "hybrid" if has_physical else "online"
    return out


def _languages_and_access(svc: dict[str, Any], locs: list[dict[str, Any]],
                          warn: Warn) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Languages of the service and its locations (by code, else name; a sign language is also
    access), and the locations' accessibility."""
    langs: dict[str, None] = {}
    access: dict[str, None] = {}
    for lang in _objs(svc.get("languages")) + [x for loc in locs
                                               for x in _objs(loc.get("languages"))]:
        for text in (_s(lang.get("code")), _s(lang.get("name"))):
            if not text:
                continue
            try:
                codes, signed = V.parse_languages(text)
            except ValueError:
                continue
            langs.update(dict.fromkeys(codes))
            if signed:
                access["asl"] = None
            break
        else:
            warn(f"language '{_s(lang.get('name')) or _s(lang.get('code'))}' not recognised; "
                 "ignored")
    for loc in locs:
        for a in _objs(loc.get("accessibility")):
            text = " ".join(p for p in (_s(a.get("description")), _s(a.get("details"))) if p)
            access.update(dict.fromkeys(V.parse_accessibility(text)[0]))
    return tuple(langs), tuple(access)


def _status(status_text: str, warn: Warn) -> str:
    if not status_text:
        return "active"
    try:
        return V.parse_status(status_text) or "active"
    except ValueError:
        if status_text.casefold() in ("defunct", "temporarily closed", "closed"):
            return "inactive"
        warn(f"unknown status '{status_text}'; read as active")
        return "active"


def _assured(text: str, warn: Warn) -> date | None:
    """``assured_date`` (when the listing was last checked), or None (an unreadable one warned)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        warn(f"assured_date '{text}' is not a date; ignored")
        return None


# -- registry entry (importers/registry.py) ----------------------------------------------------


def sniff_hsds_json(sample: Sample) -> float:
    """An HSDS 3.0 JSON document (a service, or a list or page of them): more specific than
    the Meeting Guide fallback for JSON, less than BMLT's own keys."""
    if sample.is_dir or not sample.looks_like_json:
        return 0.0
    return 0.8 if looks_like_hsds_json(sample.text) else 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    from peercli.importers.jsondoc import MAX_JSON_BYTES

    return open_hsds_json(path, source=options.source, progress=options.progress,
                          taxonomy=options.taxonomy,
                          max_bytes=min(options.max_bytes, MAX_JSON_BYTES))
