"""One Meeting Guide entry (a dict in the JSON spec's shape, from the feed or from a row of the
plugin's CSV) -> a ``GroupRecord`` or a ``RowError``; its day and time -> meetings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from peercli.importers import values as V
from peercli.importers.meetingguide_types import (
    _HANDLED,
    ACCESS_CODES,
    AUDIENCE_CODES,
    FELLOWSHIPS,
    LANGUAGE_CODES,
    TOPIC_CODES,
    TYPE_NAMES,
)
from peercli.importers.records import GroupRecord, Item, RowError, auto_source_key

_US_TAIL = re.compile(r"^(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_CA_TAIL = re.compile(r"^(?P<state>[A-Z]{2})\s+(?P<zip>[A-Z]\d[A-Z] ?\d[A-Z]\d)$")
_COUNTRIES = {"usa", "us", "united states", "canada", "ca"}


def split_formatted_address(text: str) -> tuple[str, str | None, str | None]:
    """"5881 Old Bascomb Rd, Acworth, GA 30102, USA" -> (street, city, postal code)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and parts[-1].casefold() in _COUNTRIES:
        parts = parts[:-1]
    if len(parts) >= 3:
        tail = _US_TAIL.match(parts[-1]) or _CA_TAIL.match(parts[-1])
        if tail:
            return ", ".join(parts[:-2]), parts[-2], tail.group("zip")
    return text.strip(), None, None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    text = str(value).strip()
    return text or None


class EntryConverter:
    """Meeting Guide entries (dicts in the JSON spec's shape) -> GroupRecord / RowError."""

    def __init__(self, source: str, fellowship: str, stream_warn: Any = None) -> None:
        self.source = source
        self.fellowship = fellowship
        self.topics = V.TopicReader()
        terms, self.fellowship_audience = FELLOWSHIPS[fellowship]
        self.fellowship_terms = terms
        self.warn = stream_warn

    def convert(
        self, label: str, line: int, entry: dict[str, Any], meetings: tuple[Any, ...]
    ) -> Item:
        name = _text(entry.get("name"))
        if not name:
            return RowError(line, f"{label}: missing name", _raw(entry))
        codes = _type_codes(entry.get("types"))
        odd = [c for c in codes if not _CODE.match(c)]
        if odd:
            codes = [c for c in codes if c not in odd]
            if self.warn:
                self.warn(line, f"{label}: types {', '.join(repr(c[:20]) for c in odd[:3])} "
                          "are not type codes; ignored")
        place = _place(entry)
        online_url = _text(entry.get("conference_url"))
        if online_url and not _LINK.match(online_url):
            if self.warn:
                self.warn(line, f"{label}: conference_url '{online_url[:60]}' is not an http(s) "
                          "link; ignored")
            online_url = None
        dial_in = _text(entry.get("conference_phone"))
        fmt, status = _format_and_status(entry, set(codes), place,
                                         bool(online_url) or bool(dial_in))
        latitude, longitude = self._coordinates(entry, line, label)
        terms = list(self.fellowship_terms) + [TOPIC_CODES[c] for c in codes if c in TOPIC_CODES]
        topics, unknown = self.topics.normalize(terms)
        key = _text(entry.get("slug")) or _text(entry.get("id")) or auto_source_key(
            name, meetings, address=place.address, city=place.city, postal_code=place.postal,
            online_url=online_url,
        )
        return GroupRecord(
            source=self.source,
            source_key=key,
            name=name,
            organization=_text(entry.get("group")) or _text(entry.get("entity")),
            description=None,
            topics=topics,
            unknown_topics=unknown,
            meetings=meetings,
            format=fmt,
            address=place.address,
            city=place.city,
            postal_code=place.postal,
            latitude=latitude,
            longitude=longitude,
            online_url=online_url,
            languages=tuple(dict.fromkeys(LANGUAGE_CODES[c] for c in codes
                                          if c in LANGUAGE_CODES)),
            facilitation="mutual-aid",
            audience=tuple(dict.fromkeys([*self.fellowship_audience, *(
                AUDIENCE_CODES[c] for c in codes if c in AUDIENCE_CODES)])),
            accessibility=tuple(dict.fromkeys(ACCESS_CODES[c] for c in codes
                                              if c in ACCESS_CODES)),
            open_to_newcomers=_newcomers(set(codes)),
            cost=None,
            phone=_text(entry.get("phone")),
            email=_text(entry.get("email")),
            website=_text(entry.get("website")) or _text(entry.get("url")),
            notes=_notes(entry, codes),
            status=status,
            online_phone=dial_in,
            regions=_regions(entry),
            # POA is "proof of attendance" in the spec, but Al-Anon's list uses it for "Parents
            # of Alcoholics": there it is an audience word, not a signed attendance sheet.
            proof_of_attendance=True if "POA" in codes and self.fellowship != "al-anon"
            else None,
            feedback_url=_text(entry.get("feedback_url")),
            feedback_emails=_emails(entry.get("feedback_emails")),
        )

    def _coordinates(self, entry: dict[str, Any], line: int,
                     label: str) -> tuple[float | None, float | None]:
        """Latitude and longitude when both are given and readable (else a warning)."""
        if entry.get("latitude") in (None, "") or entry.get("longitude") in (None, ""):
            return None, None
        try:
            return (V.parse_coordinate(str(entry["latitude"]), "latitude"),
                    V.parse_coordinate(str(entry["longitude"]), "longitude"))
        except ValueError as exc:
            if self.warn:
                self.warn(line, f"{label}: {exc}; coordinates ignored")
            return None, None


#: A type code as the spec writes them ("O", "BE", "LGBTQ", "ASL", "X", "12x12", "POA"...);
#: anything else (a null, a number, an object, a sentence) is not one.
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,11}$")
_LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _type_codes(types: Any) -> list[str]:
    """The entry's type codes: a list, or (the plugin's older exports) a comma-separated text;
    any other value is one code as written (kept in the notes as an unknown type)."""
    if isinstance(types, str):
        return [c.strip() for c in types.split(",") if c.strip()]
    if types is None or isinstance(types, list | dict):
        return [c.strip() if isinstance(c, str) else repr(c) for c in types or []
                if c is not None and (not isinstance(c, str) or c.strip())]
    return [str(types)]


def _newcomers(codes: set[str]) -> bool | None:
    """Open (O) or newcomer (BE) meetings welcome newcomers; closed (C) ones do not."""
    if "O" in codes:
        return True
    if "C" in codes:
        return False
    return True if "BE" in codes else None


@dataclass(frozen=True)
class _Place:
    address: str | None  # the location's name and the street
    street: str | None
    city: str | None
    postal: str | None
    approximate: bool


def _place(entry: dict[str, Any]) -> _Place:
    """The address (location name and street; the street, city and postal code split out of
    ``formatted_address`` when there is no ``address``)."""
    location = _text(entry.get("location"))
    formatted = _text(entry.get("formatted_address"))
    street = _text(entry.get("address"))
    city = _text(entry.get("city"))
    postal = _text(entry.get("postal_code"))
    if street is None and formatted:
        street, city2, postal2 = split_formatted_address(formatted)
        city, postal = city or city2, postal or postal2
    address = street
    if location and (not street or location.casefold() not in street.casefold()):
        address = f"{location}, {street}" if street else location
    approximate = str(entry.get("approximate", "")).casefold() in ("yes", "true", "1")
    return _Place(address, street, city, postal, approximate)


def _format_and_status(entry: dict[str, Any], codes: set[str], place: _Place,
                       has_link: bool) -> tuple[str, str]:
    """(format, status): ``attendance_option`` when given; else online (a link, a dial-in or
    ONL), hybrid with a usable street address; an in-person meeting whose location is
    temporarily closed (TC) is inactive."""
    online = has_link or "ONL" in codes
    closed_location = "TC" in codes
    physical = bool(place.street) and not closed_location and not place.approximate
    attendance = str(entry.get("attendance_option") or "").casefold()
    if attendance in ("in_person", "online", "hybrid"):
        return attendance, "active"
    if attendance == "inactive":
        return ("online" if online else "in_person"), "inactive"
    if online:
        return ("hybrid" if physical else "online"), "active"
    return "in_person", "inactive" if closed_location else "active"


def _notes(entry: dict[str, Any], codes: list[str]) -> str | None:
    """The entry's notes, and the type codes that have no field of their own, as words."""
    parts = [_text(entry.get(k))
             for k in ("notes", "location_notes", "group_notes", "conference_url_notes")]
    other = [TYPE_NAMES.get(c, c) for c in codes if c not in _HANDLED]
    if other:
        parts.append("Meeting types: " + ", ".join(other))
    return "\n".join(p for p in parts if p) or None


def _regions(entry: dict[str, Any]) -> tuple[str, ...]:
    """The entry's regions, broadest first: ``regions`` (a list) or ``region`` + ``sub_region``."""
    value = entry.get("regions")
    items = value if isinstance(value, list) else [entry.get("region"), entry.get("sub_region")]
    return tuple(dict.fromkeys(t for t in (_text(i) for i in items) if t))


def _emails(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value or "").replace(";", ",").split(",")
    return tuple(dict.fromkeys(t for t in (_text(i) for i in items) if t and "@" in t))


def _raw(entry: dict[str, Any]) -> dict[str, str]:
    return {str(k): ("" if v is None else json.dumps(v) if isinstance(v, list | dict) else str(v))
            for k, v in entry.items()}


def _meeting_from_entry(schedule: Any, entry: dict[str, Any]) -> tuple[Any, ...] | None:
    """The entry's meeting, None when it has no day/time (by appointment); ValueError if bad."""
    day = entry.get("day")
    time = entry.get("time")
    if day in (None, "", []) or not time:
        return None
    if isinstance(day, str):
        day = _day_number(day)
    elif isinstance(day, list):
        day = [_day_number(d) if isinstance(d, str) else d for d in day]
    days = day if isinstance(day, list) else [day]
    for d in days:
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6:
            raise ValueError(f"day '{d}' is not 0-6 (0 = Sunday)")
    end = entry.get("end_time") or None
    tz = _text(entry.get("timezone"))
    return (schedule.meeting_from_meeting_guide(day, str(time), str(end) if end else None,
                                                timezone=tz),)


def _day_number(text: str) -> int:
    value = text.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    from peercli.core.schedule import parse_weekday

    return (parse_weekday(value) + 1) % 7  # parse_weekday: 0 = Monday; Meeting Guide: 0 = Sunday
