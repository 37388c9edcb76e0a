"""Rules shared by the HSDS readers written for issue 11 (3.0 JSON, 1.1/2.0 tabular): one schedule
row -> meetings, whatever version wrote it, and the taxonomy filter.

A schedule row is read as HSDS 3.0 when it has ``freq`` or ``byday`` (RRULE parts) and as HSDS
1.1/2.0 when it has ``weekday`` (``regular_schedules``): 1 = Monday ... 7 = Sunday (ISO 8601,
as settled for HSDS 1.1.1), or a day name ("Monday", "Tue"); "0" is read as Sunday (warning).
Times may be "18:30", "18:30:00", "18:30Z", "6:30pm", "10:30 am". A row whose closing time is not
after its opening time keeps the opening time and lasts one hour (warning); a row without an
opening time is not a meeting (warning). A row with neither is read from its ``description``
(``original_text`` in some 1.1 exports) as human text when that parses, else skipped (warning).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

Warn = Callable[[str], None]

_ISO_DAYS = {"1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU",
             "0": "SU"}
_OFFSET = re.compile(r"^(\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return "" if text.lower() in ("null", "none") else text


def _time_text(text: str) -> tuple[str, str | None]:
    """"09:00-05:00" -> ("09:00", "-05:00"); "09:00:00Z" -> ("09:00:00", None)."""
    m = _OFFSET.match(text.strip())
    if not m:
        return text.replace("\u2013", "-").strip(), None
    off = m.group(2)
    return m.group(1), None if off is None or off.upper() == "Z" else off


def zone_from(value: Any) -> str | None:
    """HSDS ``timezone``: a UTC offset number (whole hours) or an IANA name; ValueError else."""
    text = _s(value)
    if not text:
        return None
    if "/" in text or text.upper() == "UTC":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"time zone '{text}' is not an IANA zone") from None
        return text
    try:
        hours = float(text)
    except ValueError:
        raise ValueError(f"time zone '{text}' is not a UTC offset or IANA name") from None
    if hours != int(hours) or not -12 <= hours <= 14:
        raise ValueError(f"time zone offset '{text}' is not a whole hour between -12 and 14")
    n = int(hours)
    return "UTC" if n == 0 else f"Etc/GMT{'-' if n > 0 else '+'}{abs(n)}"


def _offset_zone(offset: str) -> str | None:
    m = re.match(r"([+-])(\d{2}):?(\d{2})", offset)
    if not m or m.group(3) != "00":
        return None
    hours = int(m.group(2))
    return "UTC" if hours == 0 else f"Etc/GMT{'+' if m.group(1) == '-' else '-'}{hours}"


def _date(value: Any) -> date | None:
    text = _s(value)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def weekday_code(value: Any, warn: Warn) -> str:
    """A 1.1 ``weekday`` (1-7 from Monday, or a name) as a byday code; ValueError when unreadable."""
    text = _s(value)
    if re.fullmatch(r"\d+(\.0)?", text):
        key = text.split(".")[0]
        if key not in _ISO_DAYS:
            raise ValueError(f"weekday '{text}' is not 1-7 (1 = Monday)")
        if key == "0":
            warn("weekday 0 read as Sunday (HSDS counts 1 = Monday ... 7 = Sunday)")
        return _ISO_DAYS[key]
    from peercli.core.schedule import parse_weekday
    from peercli.core.timeparse import DAY_CODES

    return DAY_CODES[parse_weekday(text)]


def meetings_from_row(row: Mapping[str, Any], warn: Warn) -> list[Any]:
    """The meetings of one schedule row (3.0 or 1.1); [] when the row is not a meeting (warned).
    ``ValueError`` for a row that is wrong rather than empty (an impossible rule)."""
    from peercli.core import schedule

    ignored = [k for k in ("byweekno", "bymonthday", "byyearday", "count") if _s(row.get(k))]
    if ignored:
        warn(f"{', '.join(ignored)} not supported; ignored")
    freq, byday = _s(row.get("freq")), _s(row.get("byday"))
    weekday = _s(row.get("weekday"))
    opens_raw, closes_raw = _s(row.get("opens_at")), _s(row.get("closes_at"))
    if not freq and not byday and not weekday:
        text = _s(row.get("description")) or _s(row.get("original_text"))
        if not text:
            warn("the schedule has no freq, byday, weekday or description; not a meeting")
            return []
        try:
            return list(schedule.parse_schedule(text.replace("\\n", " ")))
        except ValueError:
            warn(f"cannot read the schedule text '{_short(text)}'; not a meeting")
            return []
    tz = None
    try:
        tz = zone_from(row.get("timezone"))
    except ValueError as exc:
        warn(f"{exc}; ignored")
    if weekday and not byday:
        byday = weekday_code(weekday, warn)
        freq = freq or "WEEKLY"
    if not opens_raw:
        text = _s(row.get("description")) or _s(row.get("original_text"))
        warn("no opening time (opens_at)" + (f"; its text '{_short(text)}' is kept in the notes"
                                             if text else "") + "; not a meeting")
        return []
    opens, off = _time_text(opens_raw)
    closes, _ = _time_text(closes_raw) if closes_raw else ("", None)
    if tz is None and off:
        tz = _offset_zone(off)
    try:
        start = schedule.parse_time(opens)
        end = schedule.parse_time(closes) if closes else None
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if end is not None and end != 0 and end <= start:
        warn(f"closes_at {closes_raw} is not after opens_at {opens_raw}; read as one hour")
        closes = ""
    return [schedule.meeting_from_rrule_parts(
        freq or "WEEKLY", _s(row.get("interval")) or None, byday, opens, closes or None,
        dtstart=_date(row.get("dtstart")), until=_date(row.get("until")), timezone=tz,
    )]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.replace("\\n", " ").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def taxonomy_match(codes: Iterable[str], prefix: str) -> bool:
    """Whether any code starts with the prefix (case-insensitive; "PN-8100" keeps
    "PN-8100.0500" and "PN-8100")."""
    p = prefix.strip().casefold()
    return any(c and c.strip().casefold().startswith(p) for c in codes)


def check_taxonomy(prefix: str | None) -> str | None:
    if prefix is None:
        return None
    if not prefix.strip():
        from peercli.importers.records import ImportFileError

        raise ImportFileError("--taxonomy is empty: give a code prefix such as PN-8100")
    return prefix.strip()


# -- the tables of a package, indexed (shared by the 3.0 and 1.1/2.0 readers) ---------------------

Row = dict[str, Any]


def grouped(rows: list[Row], key: str) -> dict[str, list[Row]]:
    """Rows by the value of their ``key`` column ("" when it has none)."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r.get(key, "")].append(r)
    return out


def languages_by_owner(rows: list[Row]) -> dict[str, list[Row]]:
    """Language rows by the service or location they belong to."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        for key in ("service_id", "location_id"):
            if r.get(key):
                out[r[key]].append(r)
    return out


def phones_by_owner(rows: list[Row]) -> dict[str, str]:
    """The first phone number of each owner, keyed "service_id:<id>", "location_id:<id>",
    "service_at_location_id:<id>" or "organization_id:<id>"."""
    out: dict[str, str] = {}
    for r in rows:
        number = (r.get("number") or "").strip().strip('"').strip()
        if not number:
            continue
        for key in ("service_id", "service_at_location_id", "location_id", "organization_id"):
            if r.get(key):
                out.setdefault(f"{key}:{r[key]}", number)
    return out


@dataclass
class Place:
    """Where a service meets, as the readers find it."""

    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online_url: str | None = None
    format: str = "in_person"
