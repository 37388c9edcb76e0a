"""Property tests: any text either reads to valid meetings/windows or is refused with the
parser's own error, whose message quotes a part of the text; nothing else escapes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peercli.core.availability import AvailabilityError, Window, read_availability
from peercli.core.checkins import read_between
from peercli.core.schedule import Meeting, ScheduleError, describe_meeting, read_schedule
from peercli.core.timeparse import END_OF_DAY

WORDS = [
    "Mon", "Tue", "Tues.", "Weds", "Thurs", "Fri", "Sat", "Sun", "M/W/F", "T/Th", "MWF", "TTh",
    "lunes", "martes", "miércoles", "Miércoles", "jueves", "viernes", "sábado", "domingo", "mié",
    "weekdays", "weekends", "nightly", "daily", "every", "other", "biweekly", "1st", "2nd", "&",
    "3rd", "last", "of", "the", "month", "and", "y", "de", "a", "las", "to", "-", "–", "—", ",",
    ";", "(", ")", "7", "7pm", "7 p.m.", "19:00", "1830", "noon", "midnight", "12", "10-1",
    "6:30-8", "9am", "for", "90", "minutes", "(1.5 hrs)", "morning", "evening", "evenings",
    "por", "la", "tarde", "noche", "mañana", "después", "antes", "after", "before", "not",
    "except", "but", "anytime", "summer", "only", "May–September", "resumes", "in", "January",
    "call", "for", "times", "varies", "closed", "holidays", "no", "meeting", "August", "Zoom",
    "2027-01-05", "until", "Funday", "xyz", "25:00", "13pm", "0", "00:00", "24:00", "@", "½",
]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(" ".join)
anything = st.text(max_size=40)


def _check_meetings(meetings: tuple[Meeting, ...]) -> None:
    for m in meetings:
        assert 0 <= m.start < m.end <= END_OF_DAY
        assert describe_meeting(m)
        if m.approximate:
            assert m.part_of_day is None or m.part_of_day in describe_meeting(m)


def _quotes_part(exc: Exception, text: str) -> None:
    fragment = getattr(exc, "fragment", None)
    assert isinstance(fragment, str)
    assert fragment == "" or fragment.casefold() in text.casefold() or fragment[:1].isdigit()
    assert f'"{fragment}"' in str(exc)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(phrases, anything))
def test_any_schedule_text_reads_or_is_refused_naming_the_part(text: str) -> None:
    try:
        reading = read_schedule(text)
    except ScheduleError as exc:
        _quotes_part(exc, text)
        return
    _check_meetings(reading.meetings)
    assert reading.known == bool(reading.meetings)
    if not reading.known:
        assert reading.warnings


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(phrases, anything))
def test_any_free_time_text_reads_or_is_refused_naming_the_part(text: str) -> None:
    try:
        reading = read_availability(text)
    except AvailabilityError as exc:
        _quotes_part(exc, text)
        return
    assert reading.windows
    for w in reading.windows:
        assert isinstance(w, Window) and 0 <= w.start < w.end <= END_OF_DAY


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(WORDS + ["10:00", "2pm", "9", "11:30", "3"]),
       st.sampled_from(WORDS + ["10:00", "2pm", "9", "11:30", "3"]))
def test_contact_times_read_or_refused_with_a_value_error(a: str, b: str) -> None:
    try:
        begin, minutes, _ = read_between(a, b)
    except ValueError:
        return
    assert 0 < minutes <= END_OF_DAY and begin.hour < 24
