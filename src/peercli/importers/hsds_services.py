"""HSDS 3.0 services as ``GroupRecord``s: the tables of a data package indexed by what links
to them (``TableIndex``), then one record per service (``ServiceReader``). See ``hsds`` for the
rules (schedules, place, status, topics, languages, accessibility, phones)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from peercli.importers import values as V
from peercli.importers.hsds_common import Place, grouped, languages_by_owner, phones_by_owner
from peercli.importers.records import GroupRecord, Item, RecordStream, RowError, schedule_unknown

if TYPE_CHECKING:
    from peercli.importers.hsds import Package

Row = dict[str, Any]


# -- time fields -----------------------------------------------------------------------------------


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


# -- the package's tables, indexed for one pass over the services --------------------------------


def _schedules_by_service(rows: list[Row], sal_service: dict[str, str]) -> dict[str, list[Row]]:
    """Schedules linked to a service directly or through its service_at_location rows (a bare
    location's schedule is opening hours, not a meeting: left out)."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        sid = r.get("service_id") or sal_service.get(r.get("service_at_location_id", ""), "")
        if sid:
            out[sid].append(r)
    return out


def _term_ids_by_link(rows: list[Row]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.get("link_id") and r.get("taxonomy_term_id"):
            out[r["link_id"]].append(r["taxonomy_term_id"])
    return out


@dataclass
class TableIndex:
    """Every table a service refers to, keyed by what links to it."""

    services_file: str
    schedules_file: str
    orgs: dict[Any, Row]
    locations: dict[Any, Row]
    addresses: dict[str, list[Row]]
    sal_by_service: dict[str, list[Row]]
    schedules: dict[str, list[Row]]
    languages: dict[str, list[Row]]
    access: dict[str, list[Row]]
    terms: dict[Any, str]
    term_ids: dict[str, list[str]]
    phones: dict[str, str]

    @classmethod
    def of(cls, pkg: Package, services_file: str) -> TableIndex:
        sal_rows = pkg.table("service_at_location")[1]
        sal_service = {r.get("id", ""): r.get("service_id", "") for r in sal_rows}
        schedules_file, schedule_rows = pkg.table("schedule")
        return cls(
            services_file=services_file, schedules_file=schedules_file,
            orgs={r.get("id"): r for r in pkg.table("organization")[1]},
            locations={r.get("id"): r for r in pkg.table("location")[1]},
            addresses=grouped(pkg.table("address")[1], "location_id"),
            sal_by_service=grouped(sal_rows, "service_id"),
            schedules=_schedules_by_service(schedule_rows, sal_service),
            languages=languages_by_owner(pkg.table("language")[1]),
            access=grouped(pkg.table("accessibility")[1], "location_id"),
            terms={r.get("id"): r.get("name") or r.get("code") or ""
                   for r in pkg.table("taxonomy_term")[1]},
            term_ids=_term_ids_by_link(pkg.table("attribute")[1]),
            phones=phones_by_owner(pkg.table("phone")[1]),
        )


# -- one service -> one GroupRecord ---------------------------------------------------------------


class ServiceReader:
    """Builds the record of each service from the indexed tables; problems found in other
    tables are reported at the service's services.csv line, naming the other file."""

    def __init__(self, index: TableIndex, source: str) -> None:
        self.ix = index
        self.source = source
        self.topics = V.TopicReader()
        self.stream: RecordStream | None = None  # set once the stream exists (for warnings)

    def _note(self, line: int, message: str) -> None:
        assert self.stream is not None
        self.stream.warn(line, message)

    def warn(self, line: int, message: str) -> None:
        self._note(line, f"{self.ix.services_file} line {line}: {message}")

    # -- meetings --

    def _meeting(self, r: Row, where: str) -> list[Any]:
        """The meetings of one schedule row (ValueError when unreadable)."""
        from peercli.core import schedule

        freq, byday = r.get("freq", ""), r.get("byday", "")
        if not freq and not byday:
            text = r.get("description", "")
            if not text:
                raise ValueError("the schedule has no freq, byday or description")
            return list(schedule.parse_schedule(text))
        opens, offset = _split_time(r.get("opens_at", ""))
        closes, _ = _split_time(r.get("closes_at", ""))
        tz = None
        try:
            tz = _timezone(r.get("timezone", ""))
        except ValueError as exc:
            self._note(r["_line"], f"{where}: {exc}; ignored")
        if tz is None and offset:
            tz = _offset_zone(offset)
        return [schedule.meeting_from_rrule_parts(
            freq or "WEEKLY", r.get("interval"), byday, opens, closes or None,
            dtstart=_date(r.get("dtstart", "")), until=_date(r.get("until", "")), timezone=tz,
        )]

    def meetings_for(self, service_id: str) -> tuple[tuple[Any, ...], str | None]:
        """(the service's meetings, None) or ((), why its schedule cannot be read)."""
        found: list[Any] = []
        for r in self.ix.schedules.get(service_id, []):
            where = f"{self.ix.schedules_file} line {r['_line']}"
            ignored = [k for k in ("byweekno", "bymonthday", "byyearday", "count") if r.get(k)]
            if ignored:
                self._note(r["_line"], f"{where}: {', '.join(ignored)} not supported; ignored")
            try:
                found.extend(self._meeting(r, where))
            except ValueError as exc:
                return (), f"{where}: {exc}"
        return tuple(dict.fromkeys(found)), None

    # -- place, languages, access, status, phone --

    def _locations(self, sid: str) -> list[Row]:
        return [self.ix.locations[s["location_id"]] for s in self.ix.sal_by_service.get(sid, [])
                if s.get("location_id") in self.ix.locations]

    def _address(self, place: Row, out: Place) -> None:
        addrs = self.ix.addresses.get(place.get("id", ""), [])
        addr = next((a for a in addrs if a.get("address_type") == "physical"),
                    addrs[0] if addrs else None)
        if addr is not None:
            street = ", ".join(p for p in (addr.get("address_1"), addr.get("address_2")) if p)
            out.address, out.city = street or None, addr.get("city") or None
            out.postal_code = addr.get("postal_code") or None

    def _coordinates(self, place: Row, out: Place, line: int) -> None:
        if not (place.get("latitude") and place.get("longitude")):
            return
        try:
            out.latitude = V.parse_coordinate(place["latitude"], "latitude")
            out.longitude = V.parse_coordinate(place["longitude"], "longitude")
        except ValueError as exc:
            out.latitude = out.longitude = None
            self.warn(line, f"location {place.get('id')}: {exc}; coordinates ignored")

    def place(self, locs: list[Row], line: int) -> Place:
        """The first physical location's address and coordinates; a virtual location or a
        location url makes the group online (hybrid with a physical place)."""
        physical = [loc for loc in locs if (loc.get("location_type") or "physical") != "virtual"]
        virtual = [loc for loc in locs if loc.get("location_type") == "virtual"]
        place = physical[0] if physical else (locs[0] if locs else None)
        out = Place()
        if place is not None:
            self._address(place, out)
            self._coordinates(place, out, line)
        out.online_url = next((loc.get("url") for loc in virtual if loc.get("url")), None) or next(
            (loc.get("url") for loc in physical if loc.get("url")), None)
        has_physical = bool(physical) and place is not None and (
            out.address or out.latitude is not None)
        if out.online_url or virtual:
            out.format = "hybrid" if has_physical else "online"
        return out

    def languages_and_access(self, sid: str, locs: list[Row],
                             line: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        langs: dict[str, None] = {}
        acc: dict[str, None] = {}
        rows = self.ix.languages.get(sid, []) + [
            r for loc in locs for r in self.ix.languages.get(loc.get("id", ""), [])]
        for r in rows:
            text = r.get("code") or r.get("name") or ""
            if not text:
                continue
            try:
                codes, signed = V.parse_languages(text)
            except ValueError:
                try:
                    codes, signed = V.parse_languages(r.get("name") or "")
                except ValueError as exc:
                    self.warn(line, f"{exc}; ignored")
                    continue
            langs.update(dict.fromkeys(codes))
            if signed:
                acc["asl"] = None
        for loc in locs:
            for r in self.ix.access.get(loc.get("id", ""), []):
                text = " ".join(p for p in (r.get("description"), r.get("details")) if p)
                acc.update(dict.fromkeys(V.parse_accessibility(text)[0]))
        return tuple(langs), tuple(acc)

    def status(self, svc: Row, line: int) -> str:
        text = svc.get("status", "")
        try:
            return V.parse_status(text) or "active"
        except ValueError:
            if text.casefold() == "defunct":
                return "inactive"
            self.warn(line, f"unknown status '{text}'; read as active")
            return "active"

    def phone(self, svc: Row, sid: str, locs: list[Row]) -> str | None:
        """The service's own phone, else its service_at_location's, its location's, its
        organization's."""
        keys = [f"service_id:{sid}"]
        keys += [f"service_at_location_id:{s.get('id')}"
                 for s in self.ix.sal_by_service.get(sid, [])]
        keys += [f"location_id:{loc.get('id')}" for loc in locs]
        keys.append(f"organization_id:{svc.get('organization_id')}")
        return next((self.ix.phones[k] for k in keys if k in self.ix.phones), None)

    # -- the record --

    def _refusal(self, svc: Row) -> RowError | tuple[Any, ...]:
        """The service's meetings, or the RowError that keeps it out."""
        line, files = svc["_line"], self.ix.services_file
        sid = svc.get("id", "")
        if not sid:
            return RowError(line, f"{files} line {line}: the service has no id", _raw(svc))
        if not svc.get("name", ""):
            return RowError(line, f"{files} line {line}: missing name", _raw(svc))
        meetings, error = self.meetings_for(sid)
        if error:
            return RowError(line, f"{files} line {line}: {error}", _raw(svc))
        if not meetings:
            # as in HSDS 1.1 and HSDS JSON: most 211 listings give no time (docs/groups.md)
            self.warn(line, f"no row in {self.ix.schedules_file} for the service; imported "
                      "with the schedule unknown")
            return schedule_unknown()
        return meetings

    def build(self, svc: Row) -> Item:
        meetings = self._refusal(svc)
        if isinstance(meetings, RowError):
            return meetings
        line, sid = svc["_line"], svc["id"]
        locs = self._locations(sid)
        place = self.place(locs, line)
        languages, accessibility = self.languages_and_access(sid, locs, line)
        names = [self.ix.terms[t] for t in self.ix.term_ids.get(sid, []) if self.ix.terms.get(t)]
        topics, unknown = self.topics.normalize(names)
        status = self.status(svc, line)
        org = self.ix.orgs.get(svc.get("organization_id"), {})
        eligibility = svc.get("eligibility_description")
        return GroupRecord(
            source=self.source, source_key=sid, name=svc["name"],
            organization=org.get("name") or None, description=svc.get("description") or None,
            topics=topics, unknown_topics=unknown, meetings=meetings, format=place.format,
            address=place.address, city=place.city, postal_code=place.postal_code,
            latitude=place.latitude, longitude=place.longitude, online_url=place.online_url,
            languages=languages, facilitation=None,
            audience=V.parse_audience(eligibility or "")[0] if eligibility else (),
            accessibility=accessibility, open_to_newcomers=None,
            cost=svc.get("fees_description") or None, phone=self.phone(svc, sid, locs),
            email=svc.get("email") or org.get("email") or None,
            website=svc.get("url") or org.get("website") or None,
            notes=svc.get("alert") or None, status=status,
            last_verified=_date(svc.get("assured_date", "")),
        )


def _raw(row: Row) -> dict[str, str]:
    return {k: str(v) for k, v in row.items() if k != "_line"}
