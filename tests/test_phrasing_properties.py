"""Properties of the phrase rules on generated text in the new vocabulary (shifts, 24/7, -ish,
hours in words, misspelt and foreign day names): everything reads or is refused naming the
part, and a guess never goes without a warning."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peercli.core.availability import AvailabilityError, read_availability
from peercli.core.checkins import read_at
from peercli.core.schedule import ScheduleError, describe_meeting, read_schedule
from peercli.core.timeparse import END_OF_DAY

PIECES = [
    "I", "work", "2nd", "shift", "nights", "graveyard", "busy", "can't", "do", "24/7",
    "open", "24", "hours", "7ish", "noonish", "around", "five", "seven", "after", "before",
    "Wendesday", "thrusday", "Thứ", "Hai", "星期一", "晚上", "周末", "Chủ Nhật", "lundi",
    "M-W-F", "Room", "204", "#3", "every", "second", "Tuesday", "of", "the", "month", "once",
    "a", "monthly", "twice", "10:00-11:00", "PM", "1 1/2", "b4", "noon", "wkends", "+", "aft",
    "Sat:", "10am-2pm", "a.m.", "p.m.", "lunch", "break", "church", "school year", "only",
    "except", "holidays", ",", ";", "(", ")", "-", "–", "y", "de", "las", "después", "del",
    "trabajo", "1st", "&", "3rd", "Thurs", "every other", "7", "8:30", "9", "11", "6", "12",
]
phrases = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(" ".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _names_part(exc: Exception, text: str) -> None:
    fragment = getattr(exc, "fragment", None)
    assert isinstance(fragment, str)
    assert fragment == "" or fragment.casefold() in text.casefold() or fragment[:1].isdigit()
    assert f'"{fragment}"' in str(exc)


@SETTINGS
@given(phrases)
def test_schedules_read_or_are_refused_naming_the_part(text: str) -> None:
    try:
        reading = read_schedule(text)
    except ScheduleError as exc:
        _names_part(exc, text)
        return
    for m in reading.meetings:
        assert 0 <= m.start < m.end <= END_OF_DAY
        assert describe_meeting(m)
    if not reading.known:
        assert reading.notes and reading.warnings


@SETTINGS
@given(phrases)
def test_free_time_reads_or_is_refused_naming_the_part(text: str) -> None:
    try:
        reading = read_availability(text)
    except AvailabilityError as exc:
        _names_part(exc, text)
        return
    assert reading.windows


DAYS = ["Mon", "Tuesday", "Weds", "Thurs.", "Fri", "Saturdays", "domingo", "Thứ Hai", "星期三"]


@SETTINGS
@given(st.sampled_from(DAYS), st.integers(7, 11), st.sampled_from(["", ":00", ":30", ":45"]))
def test_a_bare_seven_to_eleven_is_always_reported(day: str, hour: int, minutes: str) -> None:
    if hour >= 10 and minutes:
        return  # "10:00", "11:30": two digits with minutes are 24-hour times (rule 3)
    reading = read_schedule(f"{day} {hour}{minutes}")
    assert any("was meant" in w for w in reading.warnings), reading
    free = read_availability(f"{day} after {hour}{minutes}")
    assert any("was meant" in w for w in free.warnings), free


@SETTINGS
@given(st.sampled_from(DAYS), st.integers(1, 12), st.sampled_from(["am", "pm", " a.m.", "PM"]))
def test_a_time_with_am_pm_is_never_a_guess(day: str, hour: int, mer: str) -> None:
    reading = read_schedule(f"{day} {hour}{mer}")
    assert not any("was meant" in w for w in reading.warnings), reading


@SETTINGS
@given(st.sampled_from(DAYS), st.integers(1, 6), st.integers(0, 3))
def test_one_to_six_is_afternoon_without_a_word(day: str, hour: int, quarter: int) -> None:
    reading = read_schedule(f"{day} {hour}:{quarter * 15:02d}")
    (meeting,) = reading.meetings
    assert meeting.start == (hour + 12) * 60 + quarter * 15
    assert not reading.warnings


@SETTINGS
@given(st.sampled_from(["today", "yesterday", "monday", "Friday at"]), st.integers(1, 11))
def test_checkin_at_reports_a_guess(day: str, hour: int) -> None:
    now = datetime(2026, 11, 28, 23, 30)
    try:
        when, warnings = read_at(f"{day} {hour}", now)
    except ValueError:
        return
    assert (7 <= hour <= 11) == bool(warnings)
    assert when.hour in (hour, hour + 12)
