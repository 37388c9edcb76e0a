"""Group meetings as an iCalendar (RFC 5545) file, written with the ``icalendar`` library.

One VEVENT per recurring meeting: DTSTART at the next occurrence (so the rule and its first
instance agree), an RRULE (FREQ, INTERVAL, BYDAY such as ``1TH`` or ``-1SU``, UNTIL, WKST), and a
TZID with a matching VTIMEZONE built from the system's zoneinfo for the years the calendar is
used in — phone calendars (iOS, Android/Google, Outlook) all read that form. With no known zone
the times are *floating* (local wherever the phone is), which RFC 5545 also allows. Escaping,
line folding at 75 octets and CRLF line ends are the library's.

``icalendar`` is imported only when a calendar is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icalendar import Calendar, Event, Timezone

    from peercli.core.schedule import Meeting

PRODID = "-//peer//peer support groups//EN"
#: A VTIMEZONE covers the year before the first event to this many years after it.
ZONE_YEARS = 11


@dataclass(frozen=True)
class MeetingEvent:
    """One recurring meeting to write as a VEVENT.

    ``first_start`` is the first occurrence to show, as a naive wall-clock time in ``tzid``
    (or floating when ``tzid`` is None).
    """

    uid: str
    summary: str
    meeting: Meeting
    first_start: datetime
    tzid: str | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None


def _in_zone(dt: datetime, tzid: str | None) -> datetime:
    """A naive wall-clock time as the library needs it: aware in ``tzid``, or floating."""
    if not tzid:
        return dt
    from zoneinfo import ZoneInfo

    return dt.replace(tzinfo=ZoneInfo(tzid))


def rrule_parts(meeting: Meeting, tzid: str | None) -> dict[str, Any]:
    """The RRULE of a meeting, e.g. ``FREQ=MONTHLY;INTERVAL=1;BYDAY=1TH,3TH;WKST=MO``.

    UNTIL is the end of the meeting's last day: in UTC when the event has a TZID (RFC 5545
    requires that), floating otherwise.
    """
    parts: dict[str, Any] = {"FREQ": meeting.freq, "INTERVAL": meeting.interval}
    if meeting.byday:
        parts["BYDAY"] = list(meeting.byday)
    if meeting.until is not None:
        last = datetime.combine(meeting.until, datetime.min.time()).replace(hour=23, minute=59,
                                                                             second=59)
        parts["UNTIL"] = _in_zone(last, tzid).astimezone(UTC) if tzid else last
    parts["WKST"] = "MO"
    return parts


def vtimezone(tzid: str, year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` with its offset changes from the year before ``year`` to
    ``ZONE_YEARS`` years after it (a zone without changes: one fixed observance)."""
    from zoneinfo import ZoneInfo

    from icalendar import Timezone

    return Timezone.from_tzinfo(ZoneInfo(tzid), tzid=tzid, first_date=date(year - 1, 1, 1),
                                last_date=date(year + ZONE_YEARS, 1, 1))


def vtimezone_lines(tzid: str, year: int) -> list[str]:
    """``vtimezone`` as content lines (folded, without line ends)."""
    data: bytes = vtimezone(tzid, year).to_ical()
    return data.decode("utf-8").split("\r\n")[:-1]


def _event(event: MeetingEvent, dtstamp: datetime) -> Event:
    from icalendar import Event, vRecur, vUri

    m = event.meeting
    start = event.first_start
    end = start.replace(hour=0, minute=0, second=0) + timedelta(minutes=m.end)
    ev = Event()
    ev.add("UID", event.uid)
    ev.add("DTSTAMP", dtstamp.astimezone(UTC))
    ev.add("DTSTART", _in_zone(start, event.tzid))
    ev.add("DTEND", _in_zone(end, event.tzid))
    ev.add("RRULE", vRecur(rrule_parts(m, event.tzid)))
    ev.add("SUMMARY", event.summary)
    if event.location:
        ev.add("LOCATION", event.location)
    if event.url:
        # URL is a URI value, not TEXT: no escaping, but it must not carry line breaks.
        ev.add("URL", vUri("".join(event.url.split())))
    if event.description:
        ev.add("DESCRIPTION", event.description)
    ev.add("TRANSP", "OPAQUE")
    return ev


def calendar_of(
    events: Sequence[MeetingEvent],
    *,
    dtstamp: datetime,
    name: str = "Peer support groups",
) -> Calendar:
    """The VCALENDAR: one VTIMEZONE per zone used (sorted), then the events in order."""
    from icalendar import Calendar

    zones = sorted({e.tzid for e in events if e.tzid})
    year = min((e.first_start.year for e in events), default=dtstamp.year)
    cal = Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", name)
    for tzid in zones:
        cal.add_component(vtimezone(tzid, year))
    for event in events:
        cal.add_component(_event(event, dtstamp))
    return cal


def build_calendar(
    events: Sequence[MeetingEvent],
    *,
    dtstamp: datetime,
    name: str = "Peer support groups",
) -> str:
    """The whole VCALENDAR as text with CRLF line ends, every line folded at 75 octets.

    ``dtstamp`` must be timezone-aware (it is written in UTC).
    """
    data: bytes = calendar_of(events, dtstamp=dtstamp, name=name).to_ical()
    return data.decode("utf-8")


def event_to_dict(event: MeetingEvent) -> dict[str, object]:
    """A calendar event as ``peer calendar --json`` prints it (the meeting as in the contract)."""
    from peercli.core.schedule import meeting_to_dict

    return {"uid": event.uid, "group": event.summary, "meeting": meeting_to_dict(event.meeting),
            "first_start": event.first_start.isoformat(timespec="minutes"),
            "timezone": event.tzid, "location": event.location, "url": event.url}
