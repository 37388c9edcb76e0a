"""HSDS 1.1 / 2.0 services as ``GroupRecord``s: the package's tables indexed by what links to
them (``V1Index``), then one record per service (``V1ServiceReader``). See ``hsds_tabular`` for
the rules and for how the package's files are found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peercli.importers import values as V
from peercli.importers.hsds_common import (
    Place,
    grouped,
    languages_by_owner,
    meetings_from_row,
    phones_by_owner,
)
from peercli.importers.records import GroupRecord, Item, RecordStream, RowError, schedule_unknown

Row = dict[str, Any]
Table = Callable[[str], tuple[str, list[Row]]]  # table key -> (file name, rows)
Clean = Callable[[Any], str | None]


def _schedules_by_service(rows: list[Row], sal_service: dict[str, str],
                          loc_services: dict[str, list[str]]) -> dict[str, list[Row]]:
    """A schedule row belongs to its service_id, else to the service of its
    service_at_location_id, else to every service at its location_id."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        sids: list[str] = [str(r["service_id"])] if r.get("service_id") else []
        if not sids and r.get("service_at_location_id"):
            sids = [sal_service.get(r["service_at_location_id"], "")]
        if not sids and r.get("location_id"):
            sids = loc_services.get(r["location_id"], [])
        for sid in sids:
            if sid:
                out[sid].append(r)
    return out


def _terms_by_service(links: list[Row], taxonomy: list[Row]) -> dict[str, list[Row]]:
    """The taxonomy rows of each service (a link to an unknown term keeps its id and detail)."""
    tax = {r.get("id"): r for r in taxonomy}
    out: dict[str, list[Row]] = defaultdict(list)
    for r in links:
        tid = r.get("taxonomy_id") or r.get("taxonomy_term_id") or ""
        term = tax.get(tid) or {"id": tid, "name": r.get("taxonomy_detail", "")}
        if r.get("service_id"):
            out[r["service_id"]].append(term)
    return out


@dataclass
class V1Index:
    """Every table a service refers to, keyed by what links to it."""

    services_file: str
    schedules_file: str
    orgs: dict[Any, Row]
    locations: dict[Any, Row]
    addresses: dict[str, list[Row]]
    sal_by_service: dict[str, list[Row]]
    schedules: dict[str, list[Row]]
    languages: dict[str, list[Row]]
    phones: dict[str, str]
    access: dict[str, list[Row]]
    svc_terms: dict[str, list[Row]]

    @classmethod
    def of(cls, table: Table, services_file: str) -> V1Index:
        """Read the tables (in this order, so the first unreadable one is the one reported)."""
        orgs = {r.get("id"): r for r in table("organizations")[1]}
        locations = {r.get("id"): r for r in table("locations")[1]}
        addresses = grouped(table("addresses")[1], "location_id")
        sal_rows = table("sal")[1]
        sal_service = {r.get("id", ""): r.get("service_id", "") for r in sal_rows}
        loc_services: dict[str, list[str]] = defaultdict(list)
        for r in sal_rows:
            loc_services[r.get("location_id", "")].append(r.get("service_id", ""))
        schedules_file, schedule_rows = table("schedules")
        languages = languages_by_owner(table("languages")[1])
        phones = phones_by_owner(table("phones")[1])
        access = grouped(table("access")[1], "location_id")
        taxonomy = table("taxonomy")[1]
        links = table("service_taxonomy")[1]
        return cls(
            services_file=services_file, schedules_file=schedules_file, orgs=orgs,
            locations=locations, addresses=addresses,
            sal_by_service=grouped(sal_rows, "service_id"),
            schedules=_schedules_by_service(schedule_rows, sal_service, loc_services),
            languages=languages, phones=phones, access=access,
            svc_terms=_terms_by_service(links, taxonomy),
        )


class V1ServiceReader:
    """Builds the record of each service from the indexed tables; problems found in other
    tables are reported at the service's line, naming the other file and line."""

    def __init__(self, index: V1Index, source: str, clean: Clean) -> None:
        self.ix = index
        self.source = source
        self.clean = clean
        self.topics = V.TopicReader()
        self.stream: RecordStream | None = None  # set once the stream exists (for warnings)

    def _warn(self, line: int, where: str, message: str) -> None:
        assert self.stream is not None
        self.stream.warn(line, f"{where}: {message}")

    def build(self, svc: Row) -> Item:
        line = svc["_line"]
        label = f"{self.ix.services_file} line {line}"
        raw = {k: str(v) for k, v in svc.items() if k != "_line"}
        sid = svc.get("id", "")
        name = self.clean(svc.get("name"))
        if not sid:
            return RowError(line, f"{label}: the service has no id", raw)
        if not name:
            return RowError(line, f"{label}: missing name", raw)
        schedule = self._meetings(sid, line, label)
        if isinstance(schedule, str):
            return RowError(line, f"{label}: {schedule}", raw)
        meetings, texts = schedule
        locs = [self.ix.locations[s["location_id"]] for s in self.ix.sal_by_service.get(sid, [])
                if s.get("location_id") in self.ix.locations]
        place = self._place(locs[0] if locs else None, line, label)
        languages, access = self._languages_and_access(sid, locs, line, label)
        topics, unknown = self.topics.normalize(
            [t.get("name", "") for t in self.ix.svc_terms.get(sid, []) if t.get("name")])
        org = self.ix.orgs.get(svc.get("organization_id"), {})
        clean = self.clean
        notes = [clean(svc.get("application_process"))]
        if texts:
            notes.append("Schedule as listed: " + "; ".join(texts))
        website = clean(svc.get("url")) or clean(org.get("url")) or clean(org.get("website"))
        return GroupRecord(
            source=self.source, source_key=sid, name=name, organization=clean(org.get("name")),
            description=clean(svc.get("description")), topics=topics, unknown_topics=unknown,
            meetings=meetings, format="in_person", address=place.address, city=place.city,
            postal_code=place.postal_code, latitude=place.latitude, longitude=place.longitude,
            languages=languages, accessibility=access, cost=clean(svc.get("fees")),
            phone=self._phone(svc, sid, locs),
            email=clean(svc.get("email")) or clean(org.get("email")), website=website,
            notes="\n".join(n for n in notes if n) or None,
            status=self._status(svc.get("status", ""), line, label),
        )

    def _meetings(self, sid: str, line: int,
                  label: str) -> tuple[tuple[Any, ...], list[str]] | str:
        """(meetings, the schedules' own texts), or why a schedule row cannot be read. No
        usable row: the schedule is unknown (warned)."""
        meetings: list[Any] = []
        texts: list[str] = []
        rows = self.ix.schedules.get(sid, [])
        for r in rows:
            where = f"{self.ix.schedules_file} line {r['_line']} (service {sid})"
            original = self.clean(r.get("original_text")) or self.clean(r.get("description"))
            if original and original not in texts:
                texts.append(original)
            at: int = r["_line"]

            def row_warn(message: str, at: int = at, where: str = where) -> None:
                self._warn(at, where, message)

            try:
                meetings.extend(meetings_from_row(r, row_warn))
            except ValueError as exc:
                return f"{where}: {exc}"
        found = tuple(dict.fromkeys(meetings))
        if not found:
            why = ("no row in " if not rows else "no usable row in ") + self.ix.schedules_file
            self._warn(line, label, f"{why}; imported with the schedule unknown")
            found = schedule_unknown()
        return found, texts

    def _place(self, place: Row | None, line: int, label: str) -> Place:
        """The first location's first address and its coordinates (unreadable ones warned)."""
        out = Place()
        if place is None:
            return out
        clean = self.clean
        addrs = self.ix.addresses.get(place.get("id", ""), [])
        if addrs:
            a = addrs[0]
            street = ", ".join(p for p in (clean(a.get("address_1")),
                                           clean(a.get("address_2"))) if p)
            out.address, out.city = street or None, clean(a.get("city"))
            out.postal_code = clean(a.get("postal_code"))
        if place.get("latitude") and place.get("longitude"):
            try:
                out.latitude = V.parse_coordinate(place["latitude"], "latitude")
                out.longitude = V.parse_coordinate(place["longitude"], "longitude")
            except ValueError as exc:
                out.latitude = out.longitude = None
                self._warn(line, label, f"location {place.get('id')}: {exc}; coordinates "
                           "ignored")
        return out

    def _languages_and_access(self, sid: str, locs: list[Row], line: int,
                              label: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Languages of the service and its locations (a sign language is also access), and
        the locations' accessibility."""
        langs: dict[str, None] = {}
        acc: dict[str, None] = {}
        for r in self.ix.languages.get(sid, []) + [
                r for loc in locs for r in self.ix.languages.get(loc.get("id", ""), [])]:
            text = r.get("language") or r.get("code") or r.get("name") or ""
            if not text:
                continue
            try:
                codes, signed = V.parse_languages(text)
            except ValueError as exc:
                self._warn(line, label, f"{exc}; ignored")
                continue
            langs.update(dict.fromkeys(codes))
            if signed:
                acc["asl"] = None
        for loc in locs:
            for r in self.ix.access.get(loc.get("id", ""), []):
                text = " ".join(p for p in (r.get("accessibility"), r.get("description"),
                                            r.get("details")) if p)
                acc.update(dict.fromkeys(V.parse_accessibility(text)[0]))
        return tuple(langs), tuple(acc)

    def _status(self, status_text: str, line: int, label: str) -> str:
        if not status_text:
            return "active"
        try:
            return V.parse_status(status_text) or "active"
        except ValueError:
            if status_text.casefold() in ("defunct", "temporarily closed"):
                return "inactive"
            self._warn(line, label, f"unknown status '{status_text}'; read as active")
            return "active"

    def _phone(self, svc: Row, sid: str, locs: list[Row]) -> str | None:
        """The service's number, else a location's, else the organization's."""
        keys = ([f"service_id:{sid}"] + [f"location_id:{loc.get('id')}" for loc in locs]
                + [f"organization_id:{svc.get('organization_id')}"])
        return next((self.ix.phones[k] for k in keys if k in self.ix.phones), None)
