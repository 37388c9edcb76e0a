"""Meeting Guide feeds (Code for Recovery JSON spec) and the 12 Step Meeting List plugin's CSV.

One ``GroupRecord`` per meeting entry, keyed by its ``slug`` (else ``id``, else the automatic
name + schedule + place key). Entries of one group on different days are *not* merged: Meeting
Guide names each entry separately (and their types differ), and the slug is the only key that
stays stable across feed exports.

Type codes map to fields, not topics (``TYPE_FIELDS``): W/M/LGBTQ/G/L/BI/T/NB/Y/SEN/POC/N/NDG/P
-> audience; X/XB/ASL/BA/CF/FF -> accessibility; S, EN, FR, POL, RUS... -> languages (an
entry with no language code says nothing about language: ``languages == ()``); O/C (and BE,
newcomer) -> ``open_to_newcomers``; ONL or a ``conference_url`` -> online (hybrid with a usable
street address); TC (location temporarily closed) means the in-person part is not happening: an
online meeting stays online, an in-person-only one is imported as ``inactive``. The TSML
``attendance_option`` field, when present, decides the format. Other codes (Big Book, Speaker...)
are kept as words in ``notes``. DD (dual diagnosis) also adds that topic.

The fellowship gives the topic: ``fellowship="aa"`` -> alcohol-recovery, ``"na"``/``"ca"`` ->
drug-recovery, ``"al-anon"`` -> family-members (topic and audience); by default it is guessed
from the file name ("na-...", "alanon...") and otherwise AA. Facilitation is ``mutual-aid``.

Entries without a day or time ("by appointment") are skipped with a warning, not an error: the
spec allows them, and a refused feed would help nobody. Bad entries (no name, unknown day,
impossible time) are ``RowError``s at "meeting N (line L)", L being the line where the entry
starts in the file.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.importers import values as V
from peercli.importers.native import header_key, iter_table_rows
from peercli.importers.records import (
    GroupRecord,
    ImportFileError,
    Item,
    ProgressCallback,
    RecordStream,
    RowError,
    auto_source_key,
)
from peercli.importers.textio import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    Listing,
    file_stem,
    read_listing,
)

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample

MAX_JSON_BYTES = 50 * 1024 * 1024  # a feed is read whole; real feeds are a few MB

TYPE_NAMES = {
    '11': '11th Step Meditation', '12x12': '12 Steps & 12 Traditions', 'A': 'Secular',
    'ABSI': 'As Bill Sees It', 'AF': 'Afrikaans', 'AL': 'Concurrent with Alateen',
    'AL-AN': 'Concurrent with Al-Anon', 'AM': 'Amharic', 'AR': 'Arabic',
    'ASL': 'American Sign Language', 'B': 'Big Book', 'BA': 'Babysitting Available',
    'BE': 'Newcomer', 'BG': 'Bulgarian', 'BI': 'Bisexual', 'BRK': 'Breakfast', 'C': 'Closed',
    'CAN': 'Candlelight', 'CF': 'Child-Friendly', 'D': 'Discussion', 'DA': 'Danish',
    'DB': 'Digital Basket', 'DD': 'Dual Diagnosis', 'DE': 'German', 'DR': 'Daily Reflections',
    'EL': 'Greek', 'EN': 'English', 'FA': 'Persian', 'FI': 'Finnish', 'FF': 'Fragrance Free',
    'FR': 'French', 'G': 'Gay', 'GR': 'Grapevine', 'H': 'Birthday', 'HE': 'Hebrew', 'HI': 'Hindi',
    'HR': 'Croatian', 'HU': 'Hungarian', 'IS': 'Icelandic', 'ITA': 'Italian', 'JA': 'Japanese',
    'KA': 'Georgian', 'KOR': 'Korean', 'L': 'Lesbian', 'LGBTQ': 'LGBTQ', 'LIT': 'Literature',
    'LS': 'Living Sober', 'LT': 'Lithuanian', 'M': 'Men', 'MED': 'Meditation', 'ML': 'Malayalam',
    'MT': 'Maltese', 'N': 'Native American', 'NB': 'Non-Binary', 'NDG': 'Indigenous',
    'NE': 'Nepali', 'NL': 'Dutch', 'NO': 'Norwegian', 'O': 'Open', 'OUT': 'Outdoor',
    'P': 'Professionals', 'POA': 'Proof of Attendance', 'POC': 'People of Color', 'POL': 'Polish',
    'POR': 'Portuguese', 'PUN': 'Punjabi', 'RUS': 'Russian', 'S': 'Spanish', 'SEN': 'Seniors',
    'SK': 'Slovak', 'SL': 'Slovenian', 'SM': 'Smoking Permitted', 'SP': 'Speaker',
    'ST': 'Step Study', 'SV': 'Swedish', 'T': 'Transgender', 'TC': 'Location Temporarily Closed',
    'TH': 'Thai', 'TL': 'Tagalog', 'TR': 'Tradition Study', 'TUR': 'Turkish', 'UK': 'Ukrainian',
    'W': 'Women', 'X': 'Wheelchair Access', 'XB': 'Wheelchair-Accessible Bathroom',
    'XT': 'Cross Talk Permitted', 'Y': 'Young People',
    'ONL': 'Online Meeting', 'BV-I': 'Blind / Visually Impaired',
    'D-HOH': 'Deaf / Hard of Hearing', 'QSL': 'Quebec Sign Language',
    'RSL': 'Russian Sign Language', 'LO-I': 'Loners / Isolationists',
}
# English names (and the plugin's older spellings) back to codes, for the plugin CSV.
TYPE_CODES_BY_NAME = {name.casefold(): code for code, name in TYPE_NAMES.items()}
TYPE_CODES_BY_NAME.update({
    "online": "ONL", "temporary closure": "TC", "temporarily closed": "TC",
    "lgbtqiaa+": "LGBTQ", "young people": "Y", "wheelchair accessible": "X",
    "open meeting": "O", "closed meeting": "C", "newcomers": "BE", "beginners": "BE",
    "sign language": "ASL", "seniors": "SEN", "non binary": "NB",
})

AUDIENCE_CODES = {
    "W": "women", "M": "men", "LGBTQ": "lgbtq", "G": "lgbtq", "L": "lgbtq", "BI": "lgbtq",
    "T": "lgbtq", "NB": "lgbtq", "Y": "young-adults", "SEN": "older-adults", "POC": "bipoc",
    "N": "indigenous", "NDG": "indigenous", "P": "professionals", "D-HOH": "deaf",
}
ACCESS_CODES = {
    "X": "wheelchair", "XB": "accessible-toilet", "ASL": "asl", "QSL": "asl", "RSL": "asl",
    "BA": "childcare", "CF": "childcare", "FF": "scent-free",
}
LANGUAGE_CODES = {
    "S": "es", "EN": "en", "FR": "fr", "JA": "ja", "POL": "pl", "RUS": "ru", "AF": "af",
    "AM": "am", "AR": "ar", "BG": "bg", "DA": "da", "DE": "de", "EL": "el", "FA": "fa",
    "FI": "fi", "HE": "he", "HI": "hi", "HR": "hr", "HU": "hu", "IS": "is", "ITA": "it",
    "KA": "ka", "KOR": "ko", "LT": "lt", "ML": "ml", "MT": "mt", "NE": "ne", "NL": "nl",
    "NO": "no", "POR": "pt", "PUN": "pa", "SK": "sk", "SL": "sl", "SV": "sv", "TH": "th",
    "TL": "tl", "TUR": "tr", "UK": "uk",
}
TOPIC_CODES = {"DD": "dual diagnosis"}
_HANDLED = {"O", "C", "BE", "ONL", "TC"} | set(AUDIENCE_CODES) | set(ACCESS_CODES) | set(
    LANGUAGE_CODES) | set(TOPIC_CODES)

FELLOWSHIPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # fellowship -> (topic terms, audience tags)
    "aa": (("alcohol-recovery",), ()),
    "na": (("drug-recovery",), ()),
    "ca": (("drug-recovery",), ()),
    "al-anon": (("family-members",), ("family-members",)),
    # The rest of the 12 Step Meeting List plugin's programs (its tsml_programs keys).
    "aca": (("family-members", "trauma"), ()),
    "cma": (("drug-recovery",), ()),
    "coda": (("recovery-general",), ()),
    "cea-how": (("eating-disorders",), ()),
    "da": (("recovery-general",), ()),
    "daa": (("drug-recovery",), ()),
    "ea": (("recovery-general",), ()),
    "eda": (("eating-disorders",), ()),
    "ga": (("gambling",), ()),
    "ha": (("drug-recovery",), ()),
    "ma": (("drug-recovery",), ()),
    "oa": (("eating-disorders",), ()),
    "pal": (("family-members",), ("family-members",)),
    "rca": (("recovery-general",), ()),
    "rd": (("drug-recovery", "mindfulness"), ()),
    "rr": (("drug-recovery", "mindfulness"), ()),
    "sa": (("recovery-general",), ()),
    "saa": (("recovery-general",), ()),
    "sca": (("recovery-general",), ()),
    "slaa": (("recovery-general",), ()),
    "sg": (("peer-support-general",), ()),
    "sia": (("sexual-violence", "trauma"), ()),
    "ua": (("recovery-general",), ()),
    "va": (("recovery-general",), ()),
}
_FELLOWSHIP_ALIASES = {
    "alcoholics anonymous": "aa", "narcotics anonymous": "na", "cocaine anonymous": "ca",
    "alanon": "al-anon", "al anon": "al-anon", "alateen": "al-anon",
    "adult children of alcoholics": "aca", "crystal meth anonymous": "cma",
    "co-dependents anonymous": "coda", "codependents anonymous": "coda",
    "debtors anonymous": "da", "drug addicts anonymous": "daa", "emotions anonymous": "ea",
    "eating disorders anonymous": "eda", "gamblers anonymous": "ga", "heroin anonymous": "ha",
    "marijuana anonymous": "ma", "overeaters anonymous": "oa",
    "parents of addicted loved ones": "pal", "recovering couples anonymous": "rca",
    "recovery dharma": "rd", "refuge recovery": "rr", "sexaholics anonymous": "sa",
    "sex addicts anonymous": "saa", "sexual compulsives anonymous": "sca",
    "sex and love addicts anonymous": "slaa", "support groups": "sg",
    "survivors of incest anonymous": "sia", "underearners anonymous": "ua",
    "violence anonymous": "va",
}


def normalize_fellowship(value: str) -> str:
    key = " ".join(value.casefold().replace("_", " ").split())
    key = _FELLOWSHIP_ALIASES.get(key, key)
    if key not in FELLOWSHIPS:
        raise ImportFileError(
            f"unknown fellowship '{value}' (expected one of: {', '.join(FELLOWSHIPS)})"
        )
    return key


def guess_fellowship(name: str) -> str:
    """From a feed's file name: "al-anon-...", "alateen" -> al-anon; "na-...", "narcotics" ->
    na; "ca-..." -> ca; anything else -> aa."""
    words = " " + re.sub(r"[^a-z0-9]+", " ", name.casefold()) + " "
    if re.search(r" al ?anon | alateen ", words):
        return "al-anon"
    if " na " in words or "narcotics" in words:
        return "na"
    if " ca " in words or "cocaine" in words:
        return "ca"
    return "aa"


# ---- one entry -> one record ---------------------------------------------------------------

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
        codes = [str(c).strip() for c in entry.get("types") or [] if str(c).strip()]
        if isinstance(entry.get("types"), str):
            codes = [c.strip() for c in entry["types"].split(",") if c.strip()]
        codeset = set(codes)
        audience = dict.fromkeys(self.fellowship_audience)
        audience.update(dict.fromkeys(AUDIENCE_CODES[c] for c in codes if c in AUDIENCE_CODES))
        access = tuple(dict.fromkeys(ACCESS_CODES[c] for c in codes if c in ACCESS_CODES))
        languages = tuple(dict.fromkeys(LANGUAGE_CODES[c] for c in codes if c in LANGUAGE_CODES))
        newcomers: bool | None = None
        if "O" in codeset:
            newcomers = True
        elif "C" in codeset:
            newcomers = False
        elif "BE" in codeset:
            newcomers = True
        other = [TYPE_NAMES.get(c, c) for c in codes if c not in _HANDLED]

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

        online_url = _text(entry.get("conference_url"))
        dial_in = _text(entry.get("conference_phone"))
        online = bool(online_url) or bool(dial_in) or "ONL" in codeset
        closed_location = "TC" in codeset
        physical = bool(street) and not closed_location and not approximate
        status = "active"
        attendance = str(entry.get("attendance_option") or "").casefold()
        if attendance in ("in_person", "online", "hybrid"):
            fmt = attendance
        elif attendance == "inactive":
            fmt, status = ("online" if online else "in_person"), "inactive"
        elif online and physical:
            fmt = "hybrid"
        elif online:
            fmt = "online"
        else:
            fmt = "in_person"
            if closed_location:
                status = "inactive"

        latitude = longitude = None
        if entry.get("latitude") not in (None, "") and entry.get("longitude") not in (None, ""):
            try:
                latitude = V.parse_coordinate(str(entry["latitude"]), "latitude")
                longitude = V.parse_coordinate(str(entry["longitude"]), "longitude")
            except ValueError as exc:
                latitude = longitude = None
                if self.warn:
                    self.warn(line, f"{label}: {exc}; coordinates ignored")

        notes_parts = [
            _text(entry.get(k)) for k in ("notes", "location_notes", "group_notes",
                                          "conference_url_notes")
        ]
        if other:
            notes_parts.append("Meeting types: " + ", ".join(other))
        notes = "\n".join(p for p in notes_parts if p) or None

        terms = list(self.fellowship_terms) + [TOPIC_CODES[c] for c in codes if c in TOPIC_CODES]
        topics, unknown = self.topics.normalize(terms)
        key = _text(entry.get("slug")) or _text(entry.get("id")) or auto_source_key(
            name, meetings, address=address, city=city, postal_code=postal,
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
            address=address,
            city=city,
            postal_code=postal,
            latitude=latitude,
            longitude=longitude,
            online_url=online_url,
            languages=languages,
            facilitation="mutual-aid",
            audience=tuple(audience),
            accessibility=access,
            open_to_newcomers=newcomers,
            cost=None,
            phone=_text(entry.get("phone")),
            email=_text(entry.get("email")),
            website=_text(entry.get("website")) or _text(entry.get("url")),
            notes=notes,
            status=status,
            online_phone=dial_in,
            regions=_regions(entry),
            # POA is "proof of attendance" in the spec, but Al-Anon's list uses it for "Parents
            # of Alcoholics": there it is an audience word, not a signed attendance sheet.
            proof_of_attendance=True if "POA" in codeset and self.fellowship != "al-anon"
            else None,
            feedback_url=_text(entry.get("feedback_url")),
            feedback_emails=_emails(entry.get("feedback_emails")),
        )


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


# ---- JSON feed ---------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


def iter_json_array(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """(line, element) for each element of a top-level JSON array, without building the whole
    list first; a syntax error is an ``ImportFileError`` naming line and column."""
    from peercli.importers import safejson

    decoder = safejson.decoder()
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if pos >= len(text) or text[pos] != "[":
        if pos < len(text) and text[pos] == "{":
            raise ImportFileError(
                f"{name}: expected a JSON array of meetings ([{{...}}, ...]), found an object"
            )
        _raise_json(text, pos, name, "expected '[' starting a JSON array of meetings")
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    line, counted = 1, 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            element, end = safejson.raw_decode(decoder, text, pos)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                line=exc.lineno,
            ) from None
        except safejson.JsonLimitError as exc:
            raise ImportFileError(f"{name}: the meeting at line {line}: {exc}; refused",
                                  line=line) from None
        yield line, element
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < len(text) and text[pos] == "]":
                _raise_json(text, pos, name, "trailing comma before ']'")
            continue
        if pos < len(text) and text[pos] == "]":
            rest = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if rest != len(text):
                _raise_json(text, rest, name, "extra data after the closing ']'")
            return
        _raise_json(text, pos, name, "expected ',' or ']' after a meeting")


def _raise_json(text: str, pos: int, name: str, what: str) -> None:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    raise ImportFileError(f"{name}: invalid JSON at line {line}, column {col}: {what}", line=line)


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


def open_meetingguide(
    path: Path,
    *,
    source: str | None = None,
    fellowship: str | None = None,
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_JSON_BYTES,
) -> RecordStream:
    """A ``RecordStream`` over a Meeting Guide JSON feed (a flat array of meetings)."""
    from peercli.core import schedule

    path = Path(path)
    text = read_listing(path, max_bytes=max_bytes)
    stem = file_stem(path)
    fellow = normalize_fellowship(fellowship) if fellowship else guess_fellowship(stem)
    elements = iter_json_array(text, path.name)
    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        for index, (line, entry) in enumerate(elements, 1):
            label = f"meeting {index} (line {line})"
            if not isinstance(entry, dict):
                yield line, RowError(line, f"{label}: expected a JSON object, found "
                                     f"{type(entry).__name__}")
                continue
            try:
                meetings = _meeting_from_entry(schedule, entry)
            except ValueError as exc:
                yield line, RowError(line, f"{label}: {exc}", _raw(entry))
                continue
            if meetings is None:
                stream.warn(line, f"{label}: no day and time (by appointment?); skipped")
                continue
            yield line, converter.convert(label, line, entry, meetings)

    stream = RecordStream("meetingguide", source or f"meetingguide:{stem}", items(),
                          progress=progress)
    converter = EntryConverter(stream.source, fellow, stream.warn)
    return stream


# ---- 12 Step Meeting List plugin CSV ------------------------------------------------------

TSML_COLUMNS = {
    "time": "time", "endtime": "end_time", "day": "day", "name": "name", "location": "location",
    "address": "address", "city": "city", "state": "state", "postalcode": "postal_code",
    "zip": "postal_code", "country": "country", "types": "types", "notes": "notes",
    "locationnotes": "location_notes", "timezone": "timezone", "group": "group",
    "groupnotes": "group_notes", "website": "website", "email": "email", "phone": "phone",
    "conferenceurl": "conference_url", "conferenceurlnotes": "conference_url_notes",
    "slug": "slug", "id": "id", "latitude": "latitude", "longitude": "longitude",
    "attendanceoption": "attendance_option",
    "conferencephone": "conference_phone", "region": "region", "subregion": "sub_region",
}
_TSML_MARKERS = {"types", "location", "slug", "region", "subregion", "locationnotes",
                 "groupnotes", "conferenceurl", "district", "group", "conferencephone"}


def looks_like_tsml(headers: list[str]) -> bool:
    """The plugin's export: Day, Time and Name plus at least two of its own columns."""
    keys = {header_key(h) for h in headers}
    return {"day", "time", "name"} <= keys and len(keys & _TSML_MARKERS) >= 2


def type_codes_from_names(text: str) -> list[str]:
    """"Open, Wheelchair Access" -> ["O", "X"]; unknown names are kept as they are."""
    out = []
    for item in text.split(","):
        item = item.strip()
        if item:
            out.append(TYPE_CODES_BY_NAME.get(item.casefold(), item))
    return out


def open_tsml_csv(
    path: Path,
    *,
    source: str | None = None,
    fellowship: str | None = None,
    delimiter: str = ",",
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_field: int = MAX_FIELD_CHARS,
) -> RecordStream:
    """A ``RecordStream`` over the 12 Step Meeting List plugin's CSV ("6:00 PM", "Monday")."""
    from peercli.core import schedule

    path = Path(path)
    listing = Listing(path, max_bytes=max_bytes)
    fields, rows = listing.csv(delimiter=delimiter, max_field=max_field)
    headers = tuple(h.strip().lstrip("\ufeff") for h in fields)
    index = {}
    for i, h in enumerate(headers):
        key = TSML_COLUMNS.get(header_key(h))
        if key and key not in index:
            index[key] = i
    ignored = tuple(h for i, h in enumerate(headers) if i not in index.values() and h)
    stem = file_stem(path)
    fellow = normalize_fellowship(fellowship) if fellowship else guess_fellowship(stem)
    cache: dict[tuple[str, str, str, str], tuple[Any, ...] | str] = {}

    def meetings_for(day: str, time: str, end: str, tz: str) -> tuple[Any, ...] | str:
        key = (day, time, end, tz)
        if key not in cache:
            try:
                found = tuple(schedule.meetings_from_days_time(day, time, end or None))
                if tz:
                    found = tuple(dataclasses.replace(m, timezone=tz) for m in found)
                cache[key] = found
            except ValueError as exc:
                cache[key] = str(exc)
        return cache[key]

    stream: RecordStream

    def items() -> Iterator[tuple[int, Item]]:
        try:
            for line, row in iter_table_rows(rows, len(headers), headers):
                if isinstance(row, RowError):
                    yield line, row
                    continue
                entry: dict[str, Any] = {k: row[i] for k, i in index.items()}
                label = f"line {line}"
                day, time = entry.get("day", "").strip(), entry.get("time", "").strip()
                if not day or not time:
                    stream.warn(line, f"{label}: no day and time (by appointment?); skipped")
                    continue
                meetings = meetings_for(day, time, entry.get("end_time", "").strip(),
                                        entry.get("timezone", "").strip())
                if isinstance(meetings, str):
                    yield line, RowError(line, meetings, dict(zip(headers, row, strict=False)))
                    continue
                entry["types"] = type_codes_from_names(entry.get("types", ""))
                if "city" not in entry and entry.get("address"):
                    entry["formatted_address"] = entry.pop("address")
                item = converter.convert(label, line, entry, meetings)
                if isinstance(item, RowError):
                    item = RowError(line, item.message.removeprefix(f"{label}: "),
                                    dict(zip(headers, row, strict=False)))
                yield line, item
        finally:
            listing.close()

    stream = RecordStream("tsml-csv", source or f"meetingguide:{stem}", items(),
                          progress=progress, ignored_columns=ignored)
    converter = EntryConverter(stream.source, fellow, stream.warn)
    return stream


# -- registry entries (importers/registry.py) ----------------------------------------------------


def sniff_meetingguide(sample: Sample) -> float:
    """Any JSON text: a Meeting Guide feed is a JSON array (the fallback for JSON files)."""
    return 0.5 if not sample.is_dir and sample.looks_like_json else 0.0


def open_meetingguide_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_meetingguide(path, source=options.source, fellowship=options.fellowship,
                             progress=options.progress,
                             max_bytes=min(options.max_bytes, MAX_JSON_BYTES))


def sniff_tsml(sample: Sample) -> float:
    """The plugin's CSV export: Day, Time and Name plus at least two of its own columns."""
    if sample.is_dir or not sample.text or sample.looks_like_json:
        return 0.0
    return 0.9 if looks_like_tsml(sample.first_record) else 0.0


def open_tsml_records(path: Path, options: ImportOptions) -> RecordStream:
    return open_tsml_csv(path, source=options.source, fellowship=options.fellowship,
                         delimiter=options.delimiter or ",", progress=options.progress,
                         max_bytes=options.max_bytes)
