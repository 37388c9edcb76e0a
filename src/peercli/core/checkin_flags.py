"""The flags of a check-in, the pure core: ``peer checkin log`` and ``amend`` read and checked
before the database is touched, each problem a PeerError naming the flag. The values they parse
(mode, minutes, mood, WHO-5, BARC-10, the dates people type) are `core.checkins`'."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, TypeVar

from peercli.core.checkins import (
    Barc10,
    Who5,
    check_minutes,
    check_mood,
    parse_mode,
    parse_next,
    parse_who5,
    read_at,
    read_between,
)
from peercli.core.vocab import CHECKIN_MODES

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class CheckinFlags:
    """What ``peer checkin log`` was given, as typed (None = not given)."""

    mode: str | None = None
    minutes: int | None = None
    start: str | None = None
    end: str | None = None
    mood: int | None = None
    who5: str | None = None
    next: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class CheckinValues:
    """The flags read and checked. ``mode``/``minutes``/``mood``/``next_followup_on`` stay None
    when not given (a terminal asks for them; otherwise the caller refuses)."""

    at: datetime
    mode: str | None = None
    minutes: int | None = None
    mood: int | None = None
    who5: Who5 | None = None
    next_followup_on: date | None = None
    #: Readings that were a guess by rule (a bare "9" in --start), to show the user.
    warnings: tuple[str, ...] = ()


def _flag_value(flag: str, parse: Callable[[T], R], value: T) -> R:
    from peercli.core.errors import PeerError

    try:
        return parse(value)
    except ValueError as exc:
        raise PeerError(f"{flag}: {exc}") from None
    except OverflowError:  # "99999999d", "99999999999 hours ago": past the calendar's end
        raise PeerError(f"{flag}: '{value}' is too far from today") from None


def _length(flags: CheckinFlags) -> tuple[time | None, int | None, list[str]]:
    """The start time (with --start/--end) and the minutes, or a PeerError naming the flags."""
    from peercli.core.errors import UsageError

    if flags.minutes is not None and (flags.start is not None or flags.end is not None):
        raise UsageError("give either --minutes or --start/--end, not both")
    if (flags.start is None) != (flags.end is None):
        missing = "--end" if flags.end is None else "--start"
        raise UsageError(f"{missing} is missing: give both --start and --end (HH:MM), or "
                         "--minutes")
    if flags.minutes is not None:
        return None, _flag_value("--minutes", check_minutes, flags.minutes), []
    if flags.start is not None and flags.end is not None:
        start, end = flags.start, flags.end
        begin, length, warnings = _flag_value("--start/--end",
                                              lambda _: read_between(start, end), None)
        return begin, length, [f"--start/--end: {w}" for w in warnings]
    return None, None, []


def read_checkin_flags(flags: CheckinFlags, now: datetime, zone: tzinfo | None = None
                       ) -> CheckinValues:
    """Check every flag of a new check-in (PeerError naming the flag): mode, length as
    --minutes or --start/--end (not both), mood 1-5, WHO-5, next follow-up, and when (--at,
    never in the future; --start sets the time of day on --at's date). With the local `zone`,
    a --start/--end pair across a daylight-saving change is its real length (`core.dst`)."""
    from peercli.core.errors import PeerError

    mode = _flag_value("--mode", parse_mode, flags.mode) if flags.mode is not None else None
    start_time, minutes, warnings = _length(flags)
    mood = _flag_value("--mood", check_mood, flags.mood) if flags.mood is not None else None
    who5 = _flag_value("--who5", parse_who5, flags.who5) if flags.who5 is not None else None
    next_on = (_flag_value("--next", lambda s: parse_next(s, now.date()), flags.next)
               if flags.next is not None else None)
    when, at_warnings = (_flag_value("--at", lambda s: read_at(s, now), flags.at)
                         if flags.at is not None else (now, []))
    warnings += [f"--at: {w}" for w in at_warnings]
    if start_time is not None:
        when = datetime.combine(when.date(), start_time)
        if minutes is not None and zone is not None:
            when, minutes, dst_warnings = _real_length(when, minutes, zone)
            warnings += dst_warnings
        if when > now:
            raise PeerError(f"--start: {when.isoformat(sep=' ', timespec='minutes')} is in the "
                            "future: log a contact after it happens (use --at for another day)")
    return CheckinValues(at=when, mode=mode, minutes=minutes, mood=mood, who5=who5,
                         next_followup_on=next_on, warnings=tuple(warnings))


def _real_length(start: datetime, wall_minutes: int, zone: tzinfo
                 ) -> tuple[datetime, int, list[str]]:
    from peercli.core.dst import elapsed

    real = _flag_value("--start/--end",
                       lambda _: elapsed(start.date(), start.time(), wall_minutes, zone), None)
    return real.start, real.minutes, [f"--start/--end: {w}" for w in real.warnings]


def missing_flags_message(values: CheckinValues) -> str | None:
    """What a check-in still lacks (mode, minutes), as the refusal when nobody can be asked."""
    hints = []
    if values.mode is None:
        hints.append(f"--mode {'|'.join(CHECKIN_MODES)}")
    if values.minutes is None:
        hints.append("--minutes N (or --start HH:MM --end HH:MM)")
    if not hints:
        return None
    return f"missing {' and '.join(hints)} (not prompting: no terminal or --no-input)"


# --- a check-in being put together: the flags read, then what a terminal adds -----------------

@dataclass(frozen=True)
class LogFlags:
    """Everything ``peer checkin log`` was given, as typed (None / empty = not given)."""

    length: CheckinFlags
    note: str | None = None
    attended: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    #: the service note's parts: place, service_code, intervention, response, next_step, barc10
    note_parts: Mapping[str, str | None] = field(default_factory=dict)
    sign: bool = False
    edit: bool = False
    #: the local time zone, when --start/--end are measured in real elapsed time
    zone: tzinfo | None = None


@dataclass(frozen=True)
class CheckinDraft:
    """A check-in before it is saved: the flags read and checked, then completed at a terminal
    (``dataclasses.replace``). ``attended`` are groups as typed; ``attended_referrals`` the open
    referrals ticked at the prompt; ``goal_refs`` goals as typed, ``goal_ids`` as ticked."""

    values: CheckinValues
    note: str | None = None
    attended: tuple[str, ...] = ()
    attended_referrals: tuple[int, ...] = ()
    goal_refs: tuple[str, ...] = ()
    goal_ids: tuple[int, ...] = ()
    note_parts: Mapping[str, object] = field(default_factory=dict)
    sign: bool = False
    edit: bool = False

    @property
    def missing(self) -> str | None:
        """What still has to be asked (mode, minutes), as the refusal off a terminal."""
        return missing_flags_message(self.values)

    def next_on(self, cadence_days: int) -> date:
        """The next follow-up: as given, else the contact's own date plus the person's cadence
        (a back-dated check-in may already be overdue), not today's."""
        given = self.values.next_followup_on
        return given if given is not None else self.values.at.date() + timedelta(days=cadence_days)


def read_log_flags(flags: LogFlags, now: datetime) -> CheckinDraft:
    """Check every flag of ``peer checkin log`` before the database is touched (PeerError naming
    the flag): the contact's length, mood, WHO-5, when, next follow-up, and the note's parts."""
    from peercli.core.notes import read_note_flags

    values = read_checkin_flags(flags.length, now, flags.zone)
    parts = read_note_flags(flags.note_parts)
    return CheckinDraft(values=values, note=flags.note or None, attended=flags.attended,
                        goal_refs=flags.goals, note_parts=parts, sign=flags.sign,
                        edit=flags.edit)


#: What ``peer checkin amend`` can change: field -> (flag, parser of the typed value).
AMENDABLE: dict[str, str] = {
    "mode": "--mode", "minutes": "--minutes", "mood": "--mood", "who5": "--who5",
    "next_followup_on": "--next",
}


def read_amend_flags(given: dict[str, object], today: date) -> dict[str, object]:
    """The changes of an amendment from its flags (field -> typed value; None = not given),
    each checked like a new check-in's (PeerError naming the flag)."""
    parsers: dict[str, Callable[[Any], object]] = {
        "mode": parse_mode, "minutes": check_minutes, "mood": check_mood, "who5": parse_who5,
        "next_followup_on": lambda s: parse_next(s, today),
    }
    changes: dict[str, object] = {}
    for key, flag in AMENDABLE.items():
        value = given.get(key)
        if value is not None:
            changes[key] = _flag_value(flag, parsers[key], value)
    return changes


def changes_nothing(current: Mapping[str, Any], changes: Mapping[str, object]) -> bool:
    """True when every change already holds in ``current`` (a check-in's JSON shape)."""
    def same(key: str, value: object) -> bool:
        if isinstance(value, Who5):
            return bool(current["who5"] == list(value.items))
        if isinstance(value, Barc10):
            return bool(current["barc10"] == list(value.items))
        if isinstance(value, tuple):  # goal ids
            return bool(current[key] == list(value))
        if isinstance(value, date):
            return bool(current[key] == value.isoformat())
        return bool(current[key] == value)

    return all(same(key, value) for key, value in changes.items())
