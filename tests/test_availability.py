"""Consumer availability phrases -> weekly windows, and the canonical echo."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.availability import (
    PARTS_OF_DAY,
    AvailabilityError,
    Window,
    format_windows,
    parse_availability,
    parse_availability_many,
    window_from_dict,
    window_to_dict,
)
from peercli.core.errors import PeerError

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
H = 60


def w(day: int, start: str, end: str) -> Window:
    sh, sm = map(int, start.split(":"))
    eh, em = map(int, end.split(":"))
    return Window(day, sh * H + sm, eh * H + em)


def every(days: range | list[int], start: str, end: str) -> list[Window]:
    return [w(d, start, end) for d in days]


CASES = [
    ("Tue evening", [w(TUE, "17:00", "21:00")]),
    ("weekdays 17:00-21:00", every(range(5), "17:00", "21:00")),
    ("Mon/Wed 9am-noon", [w(MON, "09:00", "12:00"), w(WED, "09:00", "12:00")]),
    ("Sat 10-14", [w(SAT, "10:00", "14:00")]),
    ("weekends", [w(SAT, "00:00", "24:00"), w(SUN, "00:00", "24:00")]),
    ("anytime", every(range(7), "00:00", "24:00")),
    ("any time", every(range(7), "00:00", "24:00")),
    ("whenever", every(range(7), "00:00", "24:00")),
    ("Mon-Fri mornings", every(range(5), "08:00", "12:00")),
    ("Tue, Thu 6pm-9pm", [w(TUE, "18:00", "21:00"), w(THU, "18:00", "21:00")]),
    ("Sunday afternoon", [w(SUN, "12:00", "17:00")]),
    ("weekday evenings", every(range(5), "17:00", "21:00")),
    ("Fri 9:30am-1pm", [w(FRI, "09:30", "13:00")]),
    ("Mon 17-21", [w(MON, "17:00", "21:00")]),
    ("every day 10:00-12:00", every(range(7), "10:00", "12:00")),
    ("Tue 7-9pm", [w(TUE, "19:00", "21:00")]),
    ("Wed 9-5", [w(WED, "09:00", "17:00")]),
    ("9-5", every(range(7), "09:00", "17:00")),
    ("Thu 11-1pm", [w(THU, "11:00", "13:00")]),
    ("Tuesdays", [w(TUE, "00:00", "24:00")]),
    ("Tues", [w(TUE, "00:00", "24:00")]),
    ("Thurs morning", [w(THU, "08:00", "12:00")]),
    ("  TUESDAY    EVENING  ", [w(TUE, "17:00", "21:00")]),
    ("Fri-Mon 10-12", [w(d, "10:00", "12:00") for d in (MON, FRI, SAT, SUN)]),
    ("Monday to Wednesday afternoons", every(range(3), "12:00", "17:00")),
    ("Tue evening, Thu morning", [w(TUE, "17:00", "21:00"), w(THU, "08:00", "12:00")]),
    ("Tue evening and Thu morning", [w(TUE, "17:00", "21:00"), w(THU, "08:00", "12:00")]),
    ("Mon morning and evening", [w(MON, "08:00", "12:00"), w(MON, "17:00", "21:00")]),
    ("evenings on weekdays", every(range(5), "17:00", "21:00")),
    ("9am-5pm Mon-Fri", every(range(5), "09:00", "17:00")),
    # "and" between a time and days starts a new part: weekday evenings plus whole weekends.
    ("evenings and weekends", every(range(5), "17:00", "21:00") + every([5, 6], "00:00", "24:00")),
    ("Tue after 6pm", [w(TUE, "18:00", "24:00")]),
    ("Sat before noon", [w(SAT, "00:00", "12:00")]),
    # before/after right after a part of the day narrows it.
    ("weekday mornings before 11", every(range(5), "08:00", "11:00")),
    ("Fri evening after 7pm", [w(FRI, "19:00", "21:00")]),
    ("Sat from 10am to 2pm", [w(SAT, "10:00", "14:00")]),
    ("Sun all day", [w(SUN, "00:00", "24:00")]),
    ("Wed noon", [w(WED, "12:00", "13:00")]),
    ("Fri 10pm-midnight", [w(FRI, "22:00", "24:00")]),
    ("Fri 22:00-24:00", [w(FRI, "22:00", "24:00")]),
    ("Mon 6 p.m. - 9 p.m.", [w(MON, "18:00", "21:00")]),
    ("Mon 18:00–20:00", [w(MON, "18:00", "20:00")]),  # en dash
    # Overlapping and touching windows of one day are merged.
    ("Mon morning, Mon afternoon", [w(MON, "08:00", "17:00")]),
    ("Tue 9-12, Tue 11-14", [w(TUE, "09:00", "14:00")]),
]


@pytest.mark.parametrize(("phrase", "expected"), CASES)
def test_parse_availability(phrase: str, expected: list[Window]) -> None:
    assert parse_availability(phrase) == sorted(expected)


def test_parts_of_day_have_documented_hours() -> None:
    assert PARTS_OF_DAY["morning"] == (8 * H, 12 * H)
    assert PARTS_OF_DAY["afternoon"] == (12 * H, 17 * H)
    assert PARTS_OF_DAY["evening"] == (17 * H, 21 * H)
    for start, end in PARTS_OF_DAY.values():
        assert 0 <= start < end <= 1440


@pytest.mark.parametrize(
    ("phrase", "fragment"),
    [
        ("Funday 9-5", "Funday"),
        ("Tue 25:00-26:00", "25:00"),
        ("Tue 20:00-18:00", "20:00-18:00"),
        ("Tue 10pm-1am", "10pm-1am"),
        ("Tue 7:75pm-9pm", "7:75pm"),
        ("Mon 13pm-14pm", "13pm"),
        ("Tuesday evening blah", "blah"),
        ("mornings after 1pm", "after 1pm"),
    ],
)
def test_errors_quote_the_unreadable_part(phrase: str, fragment: str) -> None:
    with pytest.raises(AvailabilityError) as info:
        parse_availability(phrase)
    assert info.value.fragment == fragment
    assert f'"{fragment}"' in str(info.value)
    assert str(info.value).endswith(".")


def test_unknown_day_message_says_what_is_expected() -> None:
    with pytest.raises(AvailabilityError) as info:
        parse_availability("Funday 9-5")
    message = str(info.value)
    assert message.startswith('Could not read availability "Funday" in "Funday 9-5"')
    assert "Mon" in message and "weekends" in message


@pytest.mark.parametrize("phrase", ["", "   ", ",", "on the"])
def test_empty_phrases_are_errors(phrase: str) -> None:
    with pytest.raises(AvailabilityError):
        parse_availability(phrase)


def test_error_is_the_user_facing_error_and_a_value_error() -> None:
    with pytest.raises(PeerError):
        parse_availability("Funday")
    with pytest.raises(ValueError):
        parse_availability("Funday")


def test_parse_many_splits_on_semicolons_merges_and_sorts() -> None:
    got = parse_availability_many(["Wed 9-12; Mon 17-21", "Mon 20-22", "Wed morning"])
    assert got == [w(MON, "17:00", "22:00"), w(WED, "08:00", "12:00")]


def test_parse_many_dedupes_identical_windows() -> None:
    assert parse_availability_many(["Tue evening", "Tuesday 17:00-21:00"]) == [
        w(TUE, "17:00", "21:00")
    ]


def test_parse_many_of_nothing_is_an_error() -> None:
    with pytest.raises(AvailabilityError):
        parse_availability_many([])
    with pytest.raises(AvailabilityError):
        parse_availability_many([" ; "])


def test_parse_many_error_names_the_bad_phrase_part() -> None:
    with pytest.raises(AvailabilityError) as info:
        parse_availability_many(["Tue evening; Funday 9-5"])
    assert info.value.fragment == "Funday"


@pytest.mark.parametrize(
    ("phrase", "echo"),
    [
        ("Mon 9-12, Wed 9-12, Tue 17-21", "Mon/Wed 09:00-12:00; Tue 17:00-21:00"),
        ("weekdays 17:00-21:00", "Weekdays 17:00-21:00"),
        ("weekends", "Weekends all day"),
        ("anytime", "Any time"),
        ("every day 10-12", "Every day 10:00-12:00"),
        ("Tue after 6pm", "Tue 18:00-24:00"),
        ("Mon morning and evening", "Mon 08:00-12:00; Mon 17:00-21:00"),
    ],
)
def test_format_windows(phrase: str, echo: str) -> None:
    assert format_windows(parse_availability(phrase)) == echo


def test_format_windows_of_nothing() -> None:
    assert format_windows([]) == "(none)"


def test_window_dicts() -> None:
    assert window_to_dict(w(TUE, "17:00", "21:00")) == {"day": "TU", "start": "17:00", "end": "21:00"}
    assert window_to_dict(w(SUN, "00:00", "24:00")) == {"day": "SU", "start": "00:00", "end": "24:00"}
    assert window_from_dict({"day": "SU", "start": "00:00", "end": "24:00"}) == Window(SUN, 0, 1440)
    assert window_from_dict({"day": "Tuesday", "start": "17:00", "end": "21:00"}) == Window(
        TUE, 1020, 1260
    )


@pytest.mark.parametrize(
    "d",
    [
        {"day": "XX", "start": "17:00", "end": "21:00"},
        {"day": "TU", "start": "5pm", "end": "21:00"},
        {"day": "TU", "start": "21:00", "end": "17:00"},
        {"day": "TU", "start": "24:00", "end": "24:00"},
        {"day": 7, "start": "17:00", "end": "21:00"},
        {},
    ],
)
def test_window_from_bad_dict(d: dict[str, object]) -> None:
    with pytest.raises(AvailabilityError):
        window_from_dict(d)


@pytest.mark.parametrize(("day", "start", "end"), [(7, 0, 60), (0, 60, 60), (0, 0, 1441), (-1, 0, 1)])
def test_window_rejects_impossible_values(day: int, start: int, end: int) -> None:
    with pytest.raises(AvailabilityError):
        Window(day, start, end)


# --- properties ---------------------------------------------------------------------------------


@st.composite
def separate_windows(draw: st.DrawFn) -> list[Window]:
    """Windows that neither overlap nor touch, so merging leaves them as they are."""
    out = []
    for day in range(7):
        points = draw(st.lists(st.integers(0, 1440), unique=True, max_size=6).map(sorted))
        if len(points) % 2:
            points = points[:-1]
        out += [Window(day, a, b) for a, b in zip(points[::2], points[1::2], strict=True)]
    return out


@settings(max_examples=200)
@given(separate_windows())
def test_format_windows_parses_back(windows: list[Window]) -> None:
    if windows:
        assert parse_availability(format_windows(windows)) == windows


@settings(max_examples=200)
@given(separate_windows())
def test_window_dicts_round_trip(windows: list[Window]) -> None:
    assert [window_from_dict(window_to_dict(x)) for x in windows] == windows


VOCAB = [
    "Mon", "Tuesday", "weds", "Thurs", "Fri", "sat", "Sundays", "weekdays", "weekend", "every day",
    "morning", "afternoons", "evening", "night", "noon", "midnight", "anytime", "all", "day",
    "after", "before", "from", "to", "until", "-", "–", ",", "/", "&", "and", "or", ";",
    "9", "5", "12", "17:00", "21:00", "24:00", "9am", "6pm", "7:30", "12am", "0", "00:00",
    "1st", "last", "every other", "Funday", "25:00", "7:75pm", ".", "@",
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(VOCAB), max_size=8).map(" ".join) | st.text(max_size=30))
def test_arbitrary_text_gives_windows_or_availability_error(phrase: str) -> None:
    try:
        windows = parse_availability(phrase)
    except AvailabilityError as exc:
        assert isinstance(exc.fragment, str)
        return
    assert windows
    assert windows == sorted(windows)
    for x in windows:
        assert 0 <= x.day <= 6
        assert 0 <= x.start < x.end <= 1440
    assert parse_availability(format_windows(windows)) == windows
