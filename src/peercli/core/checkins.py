"""Check-ins and follow-up, the pure core: units of service, WHO-5, the dates people type, who is due.

Nothing here knows about Typer, SQLite or Rich. Every parser raises ``ValueError`` with a message
that quotes the part it could not read and says what it expects; the CLI adds the flag name.
"Who is due" is a pure function of plain records and a fixed ``today``, so it is tested with a
fixed clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peercli.core.vocab import CHECKIN_MODES, or_list

MODE_LABELS: dict[str, str] = {
    "in_person": "in person", "phone": "phone", "video": "video", "text": "text", "group": "group",
}
_MODE_WORDS: dict[str, str] = {
    "in person": "in_person", "in-person": "in_person", "inperson": "in_person",
    "person": "in_person", "face to face": "in_person", "f2f": "in_person", "visit": "in_person",
    "phone": "phone", "call": "phone", "phone call": "phone", "telephone": "phone", "tel": "phone",
    "video": "video", "zoom": "video", "video call": "video", "teams": "video", "facetime": "video",
    "text": "text", "sms": "text", "message": "text", "chat": "text", "texting": "text",
    "group": "group", "group session": "group",
}

REFERRAL_GRACE_DAYS = 7

MAX_MINUTES = 24 * 60
MAX_NEXT_DAYS = 366
MOOD_WORDS: dict[int, str] = {1: "very low", 2: "low", 3: "okay", 4: "good", 5: "very good"}
WHO5_POOR_BELOW = 13


# --- units of service --------------------------------------------------------------------------

def units_of_service(minutes: int) -> int:
    """15-minute units of service (HCPCS style, e.g. H0038 peer services) for a contact's minutes.

    Rule: one unit per full 15 minutes, plus one more unit when the minutes left over are 8 or
    more (more than half a unit). So 7 min = 0 units, 8 = 1, 22 = 1, 23 = 2, 30 = 2, 38 = 3.
    """
    if minutes < 0:
        raise ValueError(f"minutes cannot be negative ('{minutes}')")
    full, remainder = divmod(minutes, 15)
    return full + (1 if remainder >= 8 else 0)


def check_minutes(minutes: int) -> int:
    if minutes < 0:
        raise ValueError(f"'{minutes}' is negative: give the length of the contact in minutes, e.g. 25")
    if minutes > MAX_MINUTES:
        raise ValueError(f"'{minutes}' minutes is more than a day: give the contact's length, e.g. 25")
    return minutes


def parse_clock(text: str) -> time:
    """A time of day: "14:30", "9:05", "2pm", "2:30 pm"."""
    raw = text.strip().lower().replace(".", "")
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a|p)?", raw)
    if not match:
        raise ValueError(f"cannot read the time '{text}' (use HH:MM like 14:30, or 2pm)")
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix is None and match.group(2) is None:
        raise ValueError(f"cannot read the time '{text}' (use HH:MM like 14:30, or 2pm)")
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(f"'{text}' is not a time: with am/pm the hour is 1-12")
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is not a time of day (00:00-23:59)")
    return time(hour, minute)


def minutes_between(start: str, end: str) -> tuple[time, int]:
    """The start time and length in minutes of a contact given as --start/--end."""
    begin, finish = parse_clock(start), parse_clock(end)
    length = (finish.hour * 60 + finish.minute) - (begin.hour * 60 + begin.minute)
    if length <= 0:
        raise ValueError(f"the start '{start}' is not before the end '{end}'")
    return begin, length


# --- mode, mood, WHO-5 -------------------------------------------------------------------------

def parse_mode(text: str) -> str:
    """in_person, phone, video, text or group, from what people say ("call", "zoom", "sms")."""
    key = re.sub(r"\s+", " ", text.strip().lower().replace("_", " "))
    if key in _MODE_WORDS:
        return _MODE_WORDS[key]
    raise ValueError(f"unknown mode '{text}' (use {or_list(CHECKIN_MODES)})")


def check_mood(mood: int) -> int:
    if not 1 <= mood <= 5:
        raise ValueError(f"'{mood}' is not a mood on the 1-5 scale (1 very low .. 5 very good)")
    return mood


@dataclass(frozen=True)
class Who5:
    """WHO-5 Well-Being Index: five items scored 0-5; raw score 0-25; percent = raw x 4."""

    items: tuple[int, ...]

    @property
    def score(self) -> int:
        return sum(self.items)

    @property
    def percent(self) -> int:
        return self.score * 4

    @property
    def poor(self) -> bool:
        """A raw score below 13 suggests poor wellbeing (the instrument's screening cut-off)."""
        return self.score < WHO5_POOR_BELOW


def parse_who5(text: str) -> Who5:
    """Five WHO-5 item scores, 0-5 each, separated by commas or spaces: "3,4,2,5,1"."""
    parts = [p for p in re.split(r"[\s,;/]+", text.strip()) if p]
    if len(parts) != 5:
        raise ValueError(
            f"'{text}' has {len(parts)} item(s); the WHO-5 has five, each 0-5, e.g. 3,4,2,5,1")
    items = []
    for part in parts:
        if not part.isdigit() or int(part) > 5:
            raise ValueError(f"WHO-5 item '{part}' in '{text}' is not a score from 0 to 5")
        items.append(int(part))
    return Who5(tuple(items))


# --- dates people type -------------------------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
_SPAN = re.compile(
    r"^(?:in\s+)?(\d+)\s*(d|day|days|w|wk|wks|week|weeks|m|mo|month|months)?$")


def _span(number: int, unit: str | None, start: date) -> date:
    from dateutil.relativedelta import relativedelta

    unit = (unit or "d")
    if unit.startswith("w"):
        return start + timedelta(weeks=number)
    if unit.startswith("m"):
        result: date = start + relativedelta(months=number)
        return result
    return start + timedelta(days=number)


def parse_next(text: str, today: date) -> date:
    """The next follow-up date: 7d, 2w, 1m, "in 3 days", tomorrow, today, tuesday, "next tuesday",
    or a date (2026-12-01, "Dec 1 2026"). A weekday means the first one after today.

    A date in the past, or more than a year ahead, is refused.
    """
    raw = re.sub(r"\s+", " ", text.strip().lower())
    result: date | None = None
    if not raw:
        raise ValueError("empty: give 7d, 2w, a date like 2026-12-01, tomorrow or 'next tuesday'")
    if raw == "today":
        result = today
    elif raw == "tomorrow":
        result = today + timedelta(days=1)
    elif match := _SPAN.match(raw):
        result = _span(int(match.group(1)), match.group(2), today)
    else:
        words = raw.removeprefix("next ").removeprefix("on ").rstrip(".")
        if words in _WEEKDAYS:
            ahead = (_WEEKDAYS[words] - today.weekday() - 1) % 7 + 1
            result = today + timedelta(days=ahead)
    if result is None:
        result = _parse_date(text, today)
    if result < today:
        raise ValueError(f"'{text}' is {result.isoformat()}, in the past: the next follow-up must be "
                         "today or later (include the year for next year's dates)")
    if (result - today).days > MAX_NEXT_DAYS:
        raise ValueError(f"'{text}' is {result.isoformat()}, more than a year ahead")
    return result


def _parse_date(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    from dateutil import parser

    try:
        parsed = parser.parse(text, default=datetime.combine(today, time()), dayfirst=False)
    except (ValueError, OverflowError):
        raise ValueError(
            f"cannot read the date '{text}' (use 7d, 2w, 1m, 'in 3 days', tomorrow, 'next tuesday' "
            "or a date like 2026-12-01)") from None
    if parsed.time() != time():
        raise ValueError(f"'{text}' has a time of day; give a date like 2026-12-01, or 7d")
    return parsed.date()


_AGO = re.compile(r"^(\d+)\s*(m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days)\s+ago$")


def parse_at(text: str, now: datetime) -> datetime:
    """When a contact happened: "2026-11-20 14:30", "yesterday 3pm", "today 9:15", "3pm",
    "2 hours ago", "monday 10am" (the most recent one). Never in the future.
    """
    raw = re.sub(r"\s+", " ", text.strip().lower())
    if not raw:
        raise ValueError("empty: give a date and time like '2026-11-20 14:30' or 'yesterday 3pm'")
    result: datetime | None = None
    if raw == "now":
        result = now
    elif match := _AGO.match(raw):
        number, unit = int(match.group(1)), match.group(2)
        delta = (timedelta(days=number) if unit.startswith("d") else
                 timedelta(hours=number) if unit.startswith("h") else timedelta(minutes=number))
        result = now - delta
    else:
        head, _, rest = raw.partition(" ")
        day: date | None = None
        if head == "today":
            day = now.date()
        elif head == "yesterday":
            day = now.date() - timedelta(days=1)
        elif head == "tomorrow":  # read, so the refusal says "in the future"
            day = now.date() + timedelta(days=1)
        elif head.rstrip(",") in _WEEKDAYS:
            back = (now.weekday() - _WEEKDAYS[head.rstrip(",")]) % 7
            day = now.date() - timedelta(days=back)
        if day is not None:
            clock = parse_clock(rest) if rest else (now.time() if day == now.date() else time(12))
            result = datetime.combine(day, clock)
        elif re.fullmatch(r"\d{1,2}(:\d{2})?\s*(am|pm|a|p)|\d{1,2}:\d{2}", raw):
            result = datetime.combine(now.date(), parse_clock(raw))
        else:
            result = _parse_datetime(text, now)
    result = result.replace(microsecond=0)
    if result > now:
        raise ValueError(f"'{text}' is {result.isoformat(sep=' ', timespec='minutes')}, in the "
                         "future: log a contact after it happens")
    return result


def _parse_datetime(text: str, now: datetime) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    from dateutil import parser

    try:
        parsed = parser.parse(text, default=now.replace(hour=12, minute=0, second=0))
    except (ValueError, OverflowError):
        raise ValueError(
            f"cannot read the time '{text}' (use '2026-11-20 14:30', 'yesterday 3pm', "
            "'today 9:15' or '2 hours ago')") from None
    return parsed.replace(tzinfo=None)


# --- who is due --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FollowupState:
    """What `due` needs to know about one active consumer."""

    consumer_id: int
    name: str
    intake_on: date
    cadence_days: int
    last_contact_on: date | None = None
    next_followup_on: date | None = None


@dataclass(frozen=True)
class AwaitingReferral:
    """A referral still at "referred", with no attendance recorded."""

    referral_id: int
    consumer_id: int
    group_name: str
    referred_on: date


@dataclass(frozen=True)
class DueItem:
    consumer_id: int
    name: str
    due_on: date
    days_overdue: int
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _ago(n: int) -> str:
    return "today" if n == 0 else f"{_days(n)} ago"


def followup_due_on(state: FollowupState) -> tuple[date, str]:
    """The consumer's next follow-up date and why, before comparing with today.

    The latest check-in's next follow-up date wins; else last contact + cadence; a person never
    contacted is due from their intake date.
    """
    if state.next_followup_on is not None:
        return state.next_followup_on, "next"
    if state.last_contact_on is not None:
        return state.last_contact_on + timedelta(days=state.cadence_days), "cadence"
    return state.intake_on, "intake"


def _followup_reason(state: FollowupState, due_on: date, why: str, today: date) -> str:
    if why == "intake":
        days = (today - state.intake_on).days
        return "no contact since intake" + ("" if days <= 0 else f" {_ago(days)}")
    if why == "cadence":
        assert state.last_contact_on is not None
        return f"last contact {_ago((today - state.last_contact_on).days)}"
    offset = (due_on - today).days
    if offset == 0:
        return "follow-up set for today"
    if offset < 0:
        last = state.last_contact_on
        if last is None:
            return f"follow-up set for {due_on.isoformat()}, {_ago(-offset)}"
        since = f"last contact {_ago((today - last).days)}"
        if due_on == last + timedelta(days=state.cadence_days):  # the usual cadence
            return since
        return f"follow-up set for {due_on.isoformat()}, {_ago(-offset)} ({since})"
    return f"follow-up set for {due_on.isoformat()} (in {_days(offset)})"


def compute_due(
    consumers: Iterable[FollowupState],
    referrals: Iterable[AwaitingReferral],
    today: date,
    within_days: int = 0,
) -> list[DueItem]:
    """Who needs a follow-up by ``today + within_days``, most overdue first (then by name).

    Each consumer appears once, due on the earliest of their due dates, with one reason per thing
    that is due (follow-up date, referral awaiting an outcome), earliest first.
    A referral still "referred" with no attendance is due ``REFERRAL_GRACE_DAYS`` after it was made.
    """
    horizon = today + timedelta(days=max(0, within_days))
    pending: dict[int, list[tuple[date, str]]] = {}
    for ref in referrals:
        due_on = ref.referred_on + timedelta(days=REFERRAL_GRACE_DAYS)
        if due_on <= horizon:
            reason = (f"referred to {ref.group_name} {_ago((today - ref.referred_on).days)}, "
                      "attendance not recorded")
            pending.setdefault(ref.consumer_id, []).append((due_on, reason))
    items: list[DueItem] = []
    for state in consumers:
        found: list[tuple[date, str]] = []
        due_on, why = followup_due_on(state)
        if due_on <= horizon:
            found.append((due_on, _followup_reason(state, due_on, why, today)))
        found.extend(pending.get(state.consumer_id, []))
        if not found:
            continue
        found.sort(key=lambda pair: pair[0])
        first = found[0][0]
        items.append(DueItem(state.consumer_id, state.name, first, (today - first).days,
                             tuple(reason for _, reason in found)))
    items.sort(key=lambda item: (item.due_on, item.name.lower(), item.consumer_id))
    return items


def due_item_to_dict(item: DueItem) -> dict[str, object]:
    return {
        "consumer_id": item.consumer_id,
        "name": item.name,
        "due_on": item.due_on.isoformat(),
        "days_overdue": item.days_overdue,
        "reason": item.reason,
        "reasons": list(item.reasons),
    }


# --- trend -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Trend:
    """A series of (when, value) with its latest value and the change vs the first and previous."""

    points: tuple[tuple[str, float], ...]
    lo: float
    hi: float

    @property
    def values(self) -> list[float]:
        return [v for _, v in self.points]

    @property
    def latest(self) -> float:
        return self.points[-1][1]

    @property
    def first(self) -> float:
        return self.points[0][1]

    @property
    def previous(self) -> float | None:
        return self.points[-2][1] if len(self.points) > 1 else None

    @property
    def change_from_first(self) -> float:
        return self.latest - self.first

    @property
    def change_from_previous(self) -> float | None:
        return None if self.previous is None else self.latest - self.previous


def build_trend(points: Iterable[tuple[str, float | None]], lo: float, hi: float) -> Trend | None:
    """Points in time order, skipping missing values; None when there is nothing to draw."""
    kept = tuple(sorted(((at, float(v)) for at, v in points if v is not None), key=lambda p: p[0]))
    return Trend(kept, lo, hi) if kept else None


def _num(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def trend_to_dict(trend: Trend | None) -> dict[str, object] | None:
    if trend is None:
        return None
    return {
        "points": [{"at": at, "value": _num(v)} for at, v in trend.points],
        "latest": _num(trend.latest),
        "first": _num(trend.first),
        "previous": _num(trend.previous),
        "change_from_first": _num(trend.change_from_first),
        "change_from_previous": _num(trend.change_from_previous),
        "scale": [_num(trend.lo), _num(trend.hi)],
    }


# --- timeline ----------------------------------------------------------------------------------

# When two events share a timestamp, the story reads in this order.
_KIND_ORDER = {"intake": 0, "consent": 1, "checkin": 2, "attendance": 3, "referral": 4,
               "amendment": 5}


@dataclass(frozen=True)
class TimelineEvent:
    at: str
    kind: str
    summary: str
    ref_id: int | None = None
    data: dict[str, object] = field(default_factory=dict, compare=False)


def order_events(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Chronological, with a stable order for events at the same moment."""
    return sorted(events, key=lambda e: (e.at[:16], _KIND_ORDER.get(e.kind, 9), e.ref_id or 0))


def first_line(text: str | None, limit: int = 80) -> str:
    if not text:
        return ""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_checkin(mode: str, minutes: int, mood: int | None, who5_score: int | None,
                     note: str | None, *, amended: bool = False) -> str:
    """One line for a check-in: "phone, 25 min, mood 4/5, WHO-5 60% — went to the group"."""
    parts = [MODE_LABELS.get(mode, mode), f"{minutes} min"]
    if mood is not None:
        parts.append(f"mood {mood}/5")
    if who5_score is not None:
        parts.append(f"WHO-5 {who5_score * 4}%")
    line = first_line(note)
    return (", ".join(parts) + (" (amended)" if amended else "")
            + (f" — {line}" if line else ""))
