"""Service notes, the pure rules: place of service, individual or group, what an audit expects a
note to hold, business days, late documentation, and unsigned notes that are due.

A peer service note (as state Medicaid manuals describe it) holds: date, start and end time (or
length), place of service, the service and its code, individual or group, face to face / phone /
video, the plan goal it addressed, what the specialist did (intervention), how the person
responded, the plan or next step, and the specialist's name, credential and signature, written
within a couple of business days of the contact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peercli.core.wording import plural

# Place of service: our word, a label, and the CMS place-of-service code where one fits.
PLACES: dict[str, tuple[str, str | None]] = {
    "office": ("office", "11"),
    "home": ("the person's home", "12"),
    "community": ("community setting", "99"),
    "telehealth": ("telehealth (video)", "02"),
    "telehealth-home": ("telehealth, person at home", "10"),
    "phone": ("telephone (audio only)", "02"),
    "school": ("school", "03"),
    "shelter": ("homeless shelter", "04"),
    "correctional": ("jail or prison", "09"),
    "hospital": ("hospital (inpatient)", "21"),
    "emergency": ("emergency department", "23"),
    "cmhc": ("community mental health center", "53"),
    "residential": ("residential treatment", "55"),
    "other": ("other place", "99"),
}
_PLACE_WORDS: dict[str, str] = {
    "clinic": "office", "agency": "office", "centre": "office", "center": "office",
    "drop in": "office", "drop-in": "office",
    "house": "home", "home visit": "home", "apartment": "home", "residence": "home",
    "field": "community", "street": "community", "outreach": "community", "park": "community",
    "library": "community", "cafe": "community", "coffee shop": "community",
    "video": "telehealth", "zoom": "telehealth", "online": "telehealth", "virtual": "telehealth",
    "tele": "telehealth", "telemedicine": "telehealth",
    "telephone": "phone", "call": "phone", "audio": "phone",
    "jail": "correctional", "prison": "correctional", "detention": "correctional",
    "ed": "emergency", "er": "emergency", "emergency room": "emergency",
    "inpatient": "hospital", "mental health center": "cmhc", "rehab": "residential",
    "treatment center": "residential",
}
# The parts of a note an audit reads, in the order a note is printed.
NOTE_PARTS: dict[str, str] = {
    "place": "place of service",
    "service_code": "service code",
    "goal_ids": "plan goal addressed",
    "intervention": "what the specialist did",
    "response": "how the person responded",
    "next_step": "plan / next step",
}


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace("_", "-"))


def parse_place(text: str) -> str:
    """office, home, community, telehealth, phone, ... from what people type ("clinic", "zoom")."""
    key = _key(text)
    if key in PLACES:
        return key
    spaced = key.replace("-", " ")
    if spaced in _PLACE_WORDS:
        return _PLACE_WORDS[spaced]
    if key in _PLACE_WORDS:
        return _PLACE_WORDS[key]
    raise ValueError(f"unknown place of service '{text}' (use {', '.join(PLACES)})")


def place_label(place: str | None) -> str:
    if not place:
        return ""
    label, code = PLACES.get(place, (place, None))
    return f"{label} (POS {code})" if code else label


def service_kind_for(mode: str) -> str:
    """A check-in in mode "group" is a group service; every other mode is individual."""
    return "group" if mode == "group" else "individual"


def parse_note_text(text: str | None, limit: int = 4000) -> str | None:
    """A note part as typed: trimmed; empty is None; very long text refused."""
    if text is None:
        return None
    clean = text.strip()
    if len(clean) > limit:
        raise ValueError(f"is {len(clean)} characters; keep a note part under {limit}")
    return clean or None


def missing_parts(note: Mapping[str, object]) -> list[str]:
    """Labels of the audit parts this note leaves empty (a narrative alone is not enough)."""
    return [label for key, label in NOTE_PARTS.items() if note.get(key) in (None, "", [], "[]")]


def read_note_flags(given: Mapping[str, str | None]) -> dict[str, object]:
    """The note's parts from their flags (place, service_code, intervention, response,
    next_step, barc10; None = not given), each checked (PeerError naming the flag)."""
    from peercli.core.checkins import parse_barc10
    from peercli.core.errors import PeerError
    from peercli.core.settings import parse_service_code

    parsers: dict[str, Callable[[str], object]] = {
               "place": parse_place, "service_code": parse_service_code,
               "intervention": parse_note_text, "response": parse_note_text,
               "next_step": parse_note_text, "barc10": parse_barc10}
    parts: dict[str, object] = {}
    for key, parse in parsers.items():
        value = given.get(key)
        if value is not None:
            try:
                parts[key] = parse(value)
            except ValueError as exc:
                raise PeerError(f"--{key.replace('_', '-')}: {exc}") from None
    return parts


# --- a group session's flags -------------------------------------------------------------------

@dataclass(frozen=True)
class GroupSessionFlags:
    """What ``peer notes group`` was given, as typed (None = not given); ``narrative`` is the
    --note text (already read from stdin for '-')."""

    attendees: tuple[str, ...]
    minutes: int | None = None
    start: str | None = None
    end: str | None = None
    at: str | None = None
    group: str | None = None
    topic: str | None = None
    narrative: str | None = None
    place: str | None = None
    intervention: str | None = None
    response: str | None = None
    next_step: str | None = None
    service_code: str | None = None


@dataclass(frozen=True)
class GroupSessionRequest:
    """A group session's flags read and checked: everything but the database lookups."""

    attendees: tuple[str, ...]  # ids or names, as typed, one per person
    at: datetime
    minutes: int
    group: str | None
    topic: str | None
    narrative: str | None
    parts: Mapping[str, object]  # place, service_code, intervention, response, next_step
    warnings: tuple[str, ...] = ()


def read_group_session_flags(flags: GroupSessionFlags, now: datetime) -> GroupSessionRequest:
    """Check every flag of a group session before the database is touched: the length
    (--minutes, or --start/--end, not both; UsageError when neither), when (--at, never in the
    future), the note's parts, and at least one --attendee (repeatable or comma-separated)."""
    from peercli.core.checkin_flags import CheckinFlags, read_checkin_flags
    from peercli.core.errors import UsageError

    values = read_checkin_flags(CheckinFlags(minutes=flags.minutes, start=flags.start,
                                             end=flags.end, at=flags.at), now)
    if values.minutes is None:
        raise UsageError("missing --minutes N (or --start HH:MM --end HH:MM)")
    names = tuple(part.strip() for ref in flags.attendees for part in ref.split(",")
                  if part.strip())
    if not names:
        raise UsageError("name at least one --attendee")
    parts = read_note_flags({"place": flags.place, "service_code": flags.service_code,
                             "intervention": flags.intervention, "response": flags.response,
                             "next_step": flags.next_step})
    return GroupSessionRequest(
        attendees=names, at=values.at, minutes=values.minutes, group=flags.group,
        topic=(flags.topic or "").strip() or None,
        narrative=(flags.narrative or "").strip() or None, parts=parts,
        warnings=values.warnings)


# --- business days and lateness ----------------------------------------------------------------

def business_days_between(start: date, end: date) -> int:
    """Weekdays (Monday-Friday) after ``start`` up to and including ``end``; 0 if end <= start.

    Public holidays are not known to peer and count as business days.
    """
    if end <= start:
        return 0
    days = (end - start).days
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def add_business_days(start: date, n: int) -> date:
    """The date ``n`` business days after ``start`` (start itself when n is 0)."""
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def is_late(contact_on: date, signed_on: date, late_after: int) -> bool:
    """Signed more than ``late_after`` business days after the contact."""
    return business_days_between(contact_on, signed_on) > late_after


def signing_deadline(contact_on: date, late_after: int) -> date:
    """The last day a note can be signed without being late."""
    return add_business_days(contact_on, late_after)


@dataclass(frozen=True)
class UnsignedNote:
    consumer_id: int
    checkin_id: int
    contact_on: date


def unsigned_due(
    notes: Iterable[UnsignedNote], today: date, late_after: int, within_days: int = 0
) -> dict[int, list[tuple[date, str]]]:
    """Per consumer, (due date, reason) for each unsigned note past its signing deadline.

    A note is listed once the day (``today + within_days``) is past the deadline (more than
    ``late_after`` business days after the contact); its due date is the day after the deadline.
    """
    horizon = today + timedelta(days=max(0, within_days))
    out: dict[int, list[tuple[date, str]]] = {}
    for note in notes:
        deadline = signing_deadline(note.contact_on, late_after)
        if horizon <= deadline:
            continue
        waited = business_days_between(note.contact_on, today)
        if today <= deadline:  # looking ahead (--days): not late yet
            reason = (f"note for check-in #{note.checkin_id} ({note.contact_on.isoformat()}) "
                      f"unsigned: sign by {deadline.isoformat()}")
        else:
            reason = (f"note for check-in #{note.checkin_id} ({note.contact_on.isoformat()}) "
                      f"unsigned, {plural(waited, 'business day')} after the "
                      "contact")
        out.setdefault(note.consumer_id, []).append((deadline + timedelta(days=1), reason))
    return out
