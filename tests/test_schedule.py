"""Group meeting schedules: parsing every listing form, describing, and real calendar dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.errors import PeerError
from peercli.core.schedule import (
    DEFAULT_DURATION_MINUTES,
    EPOCH,
    Meeting,
    ScheduleError,
    describe_meeting,
    meeting_from_dict,
    meeting_from_meeting_guide,
    meeting_from_rrule_parts,
    meeting_to_dict,
    meetings_from_days_time,
    next_meeting,
    next_occurrences,
    parse_schedule,
    parse_time,
    parse_weekday,
    weekdays_of,
)
from peercli.core.timeparse import DAY_CODES

ALL = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def weekly(byday: tuple[str, ...], start: str, end: str, interval: int = 1) -> Meeting:
    return Meeting("WEEKLY", interval, byday, hm(start), hm(end))


def monthly(byday: tuple[str, ...], start: str, end: str, interval: int = 1) -> Meeting:
    return Meeting("MONTHLY", interval, byday, hm(start), hm(end))


SCHEDULES = [
    ("Tuesdays 6-7:30pm", [weekly(("TU",), "18:00", "19:30")]),
    ("Mon/Wed/Fri noon-1pm", [weekly(("MO", "WE", "FR"), "12:00", "13:00")]),
    ("1st & 3rd Thu 18:30-20:00", [monthly(("1TH", "3TH"), "18:30", "20:00")]),
    ("every other Saturday 10am", [weekly(("SA",), "10:00", "11:00", interval=2)]),
    ("last Sunday of the month 2 PM", [monthly(("-1SU",), "14:00", "15:00")]),
    ("2nd Monday noon-1:30pm", [monthly(("2MO",), "12:00", "13:30")]),
    ("daily 7am", [Meeting("DAILY", 1, (), hm("07:00"), hm("08:00"))]),
    ("Tue 18:30-20:00", [weekly(("TU",), "18:30", "20:00")]),
    ("Wednesdays 7pm", [weekly(("WE",), "19:00", "20:00")]),
    ("first Saturday of the month 9:00-17:00", [monthly(("1SA",), "09:00", "17:00")]),
    ("Every 2nd and 4th Tuesday 6:30pm-8pm", [monthly(("2TU", "4TU"), "18:30", "20:00")]),
    ("biweekly Thu 6pm", [weekly(("TH",), "18:00", "19:00", interval=2)]),
    ("bi-weekly Thu 6pm", [weekly(("TH",), "18:00", "19:00", interval=2)]),
    ("fortnightly Thu 6pm", [weekly(("TH",), "18:00", "19:00", interval=2)]),
    (
        "Mon 10:00-11:30; Thu 18:00-19:30",
        [weekly(("MO",), "10:00", "11:30"), weekly(("TH",), "18:00", "19:30")],
    ),
    ("weekdays 12:00-13:00", [weekly(("MO", "TU", "WE", "TH", "FR"), "12:00", "13:00")]),
    ("Sat 10am-12pm", [weekly(("SA",), "10:00", "12:00")]),
    ("weekends 9-10", [weekly(("SA", "SU"), "09:00", "10:00")]),
    ("Mon-Wed 9-10", [weekly(("MO", "TU", "WE"), "09:00", "10:00")]),
    ("Monday through Friday 8:00 AM - 9:00 AM", [weekly(ALL[:5], "08:00", "09:00")]),
    ("Tue & Thu 6:00 p.m.", [weekly(("TU", "TH"), "18:00", "19:00")]),
    ("Tue and Thu 18:00 to 19:30", [weekly(("TU", "TH"), "18:00", "19:30")]),
    ("Tue, Thu 18:00–19:30", [weekly(("TU", "TH"), "18:00", "19:30")]),
    ("TUESDAYS   6-7:30PM", [weekly(("TU",), "18:00", "19:30")]),
    ("Thurs. 1830", [weekly(("TH",), "18:30", "19:30")]),
    ("7pm Wednesdays", [weekly(("WE",), "19:00", "20:00")]),
    ("every Wednesday at 7pm", [weekly(("WE",), "19:00", "20:00")]),
    ("Sat 11pm", [weekly(("SA",), "23:00", "24:00")]),  # default duration clipped at midnight
    ("Fri 10pm-midnight", [weekly(("FR",), "22:00", "24:00")]),
    ("every day 7am", [Meeting("DAILY", 1, (), hm("07:00"), hm("08:00"))]),
    ("Mon-Sun 9-10", [Meeting("DAILY", 1, (), hm("09:00"), hm("10:00"))]),
    ("every other day 7am", [Meeting("DAILY", 2, (), hm("07:00"), hm("08:00"))]),
    ("every 3 weeks on Mon 9am", [weekly(("MO",), "09:00", "10:00", interval=3)]),
    ("every two weeks on Fri 5pm", [weekly(("FR",), "17:00", "18:00", interval=2)]),
    ("alternate Tuesdays 6pm", [weekly(("TU",), "18:00", "19:00", interval=2)]),
    ("second to last Fri 7pm", [monthly(("-2FR",), "19:00", "20:00")]),
    ("1st Mon and 3rd Thu 6pm", [monthly(("1MO", "3TH"), "18:00", "19:00")]),
    ("1st & 3rd Mon & Wed 6pm", [monthly(("1MO", "3MO", "1WE", "3WE"), "18:00", "19:00")]),
    ("1st Sat every other month 10am", [monthly(("1SA",), "10:00", "11:00", interval=2)]),
    ("4th Thursday of each month 6-8pm", [monthly(("4TH",), "18:00", "20:00")]),
    ("Mon 10-11 and Thu 18-19", [weekly(("MO",), "10:00", "11:00"), weekly(("TH",), "18:00", "19:00")]),
    ("Mon 10-11 & 14-15", [weekly(("MO",), "10:00", "11:00"), weekly(("MO",), "14:00", "15:00")]),
    ("Mon and 1st Thu 6pm", [weekly(("MO",), "18:00", "19:00"), monthly(("1TH",), "18:00", "19:00")]),
]


@pytest.mark.parametrize(("text", "expected"), SCHEDULES)
def test_parse_schedule(text: str, expected: list[Meeting]) -> None:
    assert parse_schedule(text) == expected


def test_parse_schedule_exact_fields() -> None:
    (m,) = parse_schedule("1st & 3rd Thu 18:30-20:00")
    assert (m.freq, m.interval, m.byday, m.start, m.end) == ("MONTHLY", 1, ("1TH", "3TH"), 1110, 1200)
    assert (m.timezone, m.dtstart, m.until) == (None, None, None)


def test_default_duration_is_documented_and_overridable() -> None:
    assert DEFAULT_DURATION_MINUTES == 60
    (m,) = parse_schedule("Wednesdays 7pm", default_duration=90)
    assert (m.start, m.end) == (19 * 60, 20 * 60 + 30)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Funday 7pm", "Funday"),
        ("Tue 25:00", "25:00"),
        ("Tue 7:75pm", "7:75pm"),
        ("Tue 8pm-6pm", "8pm-6pm"),
        ("Tue 22:00-01:00", "22:00-01:00"),
        ("7pm", "7pm"),
        ("1st 7pm", "1st"),
        ("6th Tue 7pm", "6th"),
        ("monthly Tue 7pm", "monthly Tue 7pm"),
        ("Tue blah 7pm", "blah"),
        ("Tue 7pm; Funday 8pm", "Funday"),
        ("Tue 7pm;", None),
        ("Tue 24:00", "24:00"),
    ],
)
def test_schedule_errors_quote_the_fragment(text: str, fragment: str | None) -> None:
    if fragment is None:  # a trailing ";" is harmless
        assert parse_schedule(text) == [weekly(("TU",), "19:00", "20:00")]
        return
    with pytest.raises(ScheduleError) as info:
        parse_schedule(text)
    assert info.value.fragment == fragment
    assert f'"{fragment}"' in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", ";", ", &"])
def test_empty_schedule_is_an_error(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(text)


def test_schedule_error_is_user_facing() -> None:
    with pytest.raises(PeerError) as info:
        parse_schedule("Funday 9pm")
    assert isinstance(info.value, ValueError)
    assert "expected" in str(info.value)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("18:30", 1110), ("18:30:00", 1110), ("09:00:00Z", 540), ("6pm", 1080), ("6:00 PM", 1080),
        ("6:00PM", 1080), ("6 p.m.", 1080), ("noon", 720), ("midnight", 0), ("7am", 420),
        ("12am", 0), ("12pm", 720), ("12:30 AM", 30), ("1830", 1110), ("930", 570), ("7", 1140), ("07", 420), ("3", 900),
        ("0:00", 0), ("24:00", 1440), (" 7:05 pm ", 1145),
    ],
)
def test_parse_time(text: str, minutes: int) -> None:
    assert parse_time(text) == minutes


@pytest.mark.parametrize("text", ["25:00", "7:75pm", "13pm", "0am", "", "soon", "7:5", "24:30", "9-5"])
def test_parse_time_errors(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [("Monday", 0), ("Mon", 0), ("Tuesdays", 1), ("tue", 1), ("Tues", 1), ("Thurs", 3),
     ("thu", 3), ("WEDNESDAY", 2), ("Sat.", 5), ("sundays", 6), ("FR", 4)],
)
def test_parse_weekday(text: str, day: int) -> None:
    assert parse_weekday(text) == day


@pytest.mark.parametrize("text", ["Funday", "", "M", "week"])
def test_parse_weekday_errors(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_weekday(text)


# --- split CSV form, Meeting Guide, HSDS ----------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "start", "end", "expected"),
    [
        ("Monday", "6:00 PM", None, [weekly(("MO",), "18:00", "19:00")]),
        ("Mon/Wed", "18:30", "20:00", [weekly(("MO", "WE"), "18:30", "20:00")]),
        ("Tuesdays", "6:00 PM", "7:30 PM", [weekly(("TU",), "18:00", "19:30")]),
        ("Tuesdays", "6-7:30pm", None, [weekly(("TU",), "18:00", "19:30")]),
        ("Tuesdays", "6", "7:30pm", [weekly(("TU",), "18:00", "19:30")]),
        ("1st & 3rd Thu", "18:30", "20:00", [monthly(("1TH", "3TH"), "18:30", "20:00")]),
        ("last Sunday", "2 PM", "", [monthly(("-1SU",), "14:00", "15:00")]),
        ("Daily", "07:00", "08:00", [Meeting("DAILY", 1, (), 420, 480)]),
        ("every other Sat", "10am", "noon", [weekly(("SA",), "10:00", "12:00", interval=2)]),
    ],
)
def test_meetings_from_days_time(
    days: str, start: str, end: str | None, expected: list[Meeting]
) -> None:
    assert meetings_from_days_time(days, start, end) == expected


@pytest.mark.parametrize(
    ("days", "start", "end", "fragment"),
    [
        ("Funday", "6pm", None, "Funday"),
        ("Mon 6pm", "6pm", None, "6pm"),
        ("", "6pm", None, ""),
        ("Mon", "", None, ""),
        ("Mon", "25:00", None, "25:00"),
        ("Mon", "8pm", "6pm", "8pm - 6pm"),
        ("Mon", "6pm", "7pm online", "online"),
    ],
)
def test_meetings_from_days_time_errors(
    days: str, start: str, end: str | None, fragment: str
) -> None:
    with pytest.raises(ScheduleError) as info:
        meetings_from_days_time(days, start, end)
    assert fragment in info.value.fragment


def test_meeting_guide_days_count_from_sunday() -> None:
    m = meeting_from_meeting_guide(0, "09:00", "10:00", timezone="America/New_York")
    assert m == Meeting("WEEKLY", 1, ("SU",), 540, 600, "America/New_York")
    assert meeting_from_meeting_guide(1, "18:00").byday == ("MO",)
    assert meeting_from_meeting_guide(6, "18:00").byday == ("SA",)
    assert meeting_from_meeting_guide("4", "20:00").byday == ("TH",)
    both = meeting_from_meeting_guide([1, 3], "19:15", "20:15")
    assert both == Meeting("WEEKLY", 1, ("MO", "WE"), 1155, 1215)
    assert meeting_from_meeting_guide(2, "18:00").end == 18 * 60 + DEFAULT_DURATION_MINUTES
    assert meeting_from_meeting_guide(2, "23:00", "00:00").end == 1440


@pytest.mark.parametrize(
    ("day", "start", "end", "tz"),
    [
        (7, "18:00", None, None),
        ("7", "18:00", None, None),
        (-1, "18:00", None, None),
        ([], "18:00", None, None),
        (True, "18:00", None, None),
        (1, "", None, None),
        (1, "25:00", None, None),
        (1, "23:00", "01:00", None),
        (1, "18:00", None, "Mars/Olympus_Mons"),
    ],
)
def test_meeting_guide_errors(day: object, start: str, end: str | None, tz: str | None) -> None:
    with pytest.raises(ScheduleError):
        meeting_from_meeting_guide(day, start, end, timezone=tz)  # type: ignore[arg-type]


def test_hsds_rows_from_the_field_guidance() -> None:
    weekly_row = meeting_from_rrule_parts(
        "WEEKLY", None, "MO,TU,WE,TH", "09:00:00Z", "12:00:00Z", dtstart="2020-04-01", until="null"
    )
    assert weekly_row == Meeting(
        "WEEKLY", 1, ("MO", "TU", "WE", "TH"), 540, 720, None, date(2020, 4, 1), None
    )
    first_sat = meeting_from_rrule_parts(
        "MONTHLY", "1", "1SA", "09:00:00", "17:00:00", dtstart="2020-07-04", until="2020-11-07",
        timezone="Europe/London",
    )
    assert first_sat == Meeting(
        "MONTHLY", 1, ("1SA",), 540, 1020, "Europe/London", date(2020, 7, 4), date(2020, 11, 7)
    )
    assert next_occurrences(first_sat, datetime(2020, 1, 1), 10) == [
        datetime(2020, 7, 4, 9), datetime(2020, 8, 1, 9), datetime(2020, 9, 5, 9),
        datetime(2020, 10, 3, 9), datetime(2020, 11, 7, 9),
    ]


def test_hsds_variants() -> None:
    assert meeting_from_rrule_parts("weekly", 2, ["TU"], "18:30", None).interval == 2
    assert meeting_from_rrule_parts("MONTHLY", 1, "-1SU", "14:00", "15:00").byday == ("-1SU",)
    assert meeting_from_rrule_parts("MONTHLY", 1, "+1SA", "14:00", "15:00").byday == ("1SA",)
    # DAILY limited to weekdays, and MONTHLY on plain weekdays, are simply weekly meetings.
    assert meeting_from_rrule_parts("DAILY", 1, "MO,FR", "09:00", "10:00") == weekly(
        ("MO", "FR"), "09:00", "10:00"
    )
    assert meeting_from_rrule_parts("MONTHLY", None, "TU", "09:00", "10:00") == weekly(
        ("TU",), "09:00", "10:00"
    )
    assert meeting_from_rrule_parts("DAILY", None, "", "07:00", "08:00") == Meeting(
        "DAILY", 1, (), 420, 480
    )


@pytest.mark.parametrize(
    ("freq", "interval", "byday", "opens", "closes", "fragment"),
    [
        ("YEARLY", 1, "TU", "09:00", "10:00", "YEARLY"),
        ("WEEKLY", "x", "TU", "09:00", "10:00", "x"),
        ("WEEKLY", 0, "TU", "09:00", "10:00", "0"),
        ("WEEKLY", 1, "XX", "09:00", "10:00", "XX"),
        ("WEEKLY", 1, "1TU", "09:00", "10:00", "1TU"),
        ("MONTHLY", 1, "6TU", "09:00", "10:00", "6TU"),
        ("MONTHLY", 1, "", "09:00", "10:00", "MONTHLY"),
        ("WEEKLY", 1, "TU", "", "10:00", ""),
        ("WEEKLY", 1, "TU", "10:00", "09:00", "10:00-09:00"),
    ],
)
def test_hsds_errors(
    freq: str, interval: object, byday: str, opens: str, closes: str, fragment: str
) -> None:
    with pytest.raises(ScheduleError) as info:
        meeting_from_rrule_parts(freq, interval, byday, opens, closes)  # type: ignore[arg-type]
    assert info.value.fragment == fragment


def test_meeting_dicts() -> None:
    m = monthly(("1SA",), "09:00", "17:00")
    assert meeting_to_dict(m) == {
        "freq": "MONTHLY", "interval": 1, "byday": ["1SA"], "start": "09:00", "end": "17:00"
    }
    full = Meeting("WEEKLY", 2, ("TU",), 1110, 1440, "America/Chicago", date(2026, 1, 6),
                   date(2026, 12, 29))
    d = meeting_to_dict(full)
    assert d["end"] == "24:00"
    assert (d["timezone"], d["dtstart"], d["until"]) == ("America/Chicago", "2026-01-06", "2026-12-29")
    assert meeting_from_dict(d) == full
    assert meeting_from_dict(meeting_to_dict(m)) == m


def test_meeting_canonicalizes_byday_order() -> None:
    assert Meeting("WEEKLY", 1, ("fr", "MO", "we"), 0, 60).byday == ("MO", "WE", "FR")
    assert Meeting("MONTHLY", 1, ("-1SU", "3TH", "1TH", "-2SU"), 0, 60).byday == (
        "1TH", "3TH", "-2SU", "-1SU"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"freq": "HOURLY", "byday": ("TU",)},
        {"freq": "WEEKLY", "byday": ()},
        {"freq": "DAILY", "byday": ("TU",)},
        {"freq": "WEEKLY", "byday": ("1TU",)},
        {"freq": "WEEKLY", "byday": ("TU",), "interval": 0},
        {"freq": "WEEKLY", "byday": ("TU",), "start": 600, "end": 600},
        {"freq": "WEEKLY", "byday": ("TU",), "start": 600, "end": 1441},
        {"freq": "WEEKLY", "byday": ("TU",), "timezone": "Nowhere/Land"},
        {"freq": "WEEKLY", "byday": ("TU",), "dtstart": date(2026, 2, 1), "until": date(2026, 1, 1)},
    ],
)
def test_meeting_rejects_impossible_values(kwargs: dict[str, object]) -> None:
    kwargs = {"start": 600, "end": 660, **kwargs}
    with pytest.raises(ScheduleError):
        Meeting(**kwargs)  # type: ignore[arg-type]


# --- describing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("Tue 18:30-20:00", "Tue 18:30-20:00"),
        ("1st & 3rd Thu 18:30-20:00", "1st & 3rd Thu 18:30-20:00"),
        ("every other Saturday 10am", "Every other Sat 10:00-11:00"),
        ("last Sunday of the month 2 PM", "Last Sun of the month 14:00-15:00"),
        ("daily 7am", "Daily 07:00-08:00"),
        ("Mon/Wed/Fri noon-1pm", "Mon/Wed/Fri 12:00-13:00"),
        ("weekdays 12-1pm", "Weekdays 12:00-13:00"),
        ("2nd Monday noon-1:30pm", "2nd Mon of the month 12:00-13:30"),
        ("every 3 weeks on Mon 9am", "Every 3 weeks on Mon 09:00-10:00"),
        ("every other day 7am", "Every other day 07:00-08:00"),
        ("1st Sat every other month 10am", "1st Sat every other month 10:00-11:00"),
        ("second to last Fri 7pm", "2nd to last Fri of the month 19:00-20:00"),
    ],
)
def test_describe_meeting(text: str, described: str) -> None:
    (m,) = parse_schedule(text)
    assert describe_meeting(m) == described


def test_weekdays_of() -> None:
    assert weekdays_of(parse_schedule("Mon/Wed 9am")[0]) == {0, 2}
    assert weekdays_of(parse_schedule("1st & 3rd Thu 6pm")[0]) == {3}
    assert weekdays_of(parse_schedule("daily 7am")[0]) == set(range(7))


# --- occurrences on the real calendar --------------------------------------------------------------

SAT_21_NOV_2026 = datetime(2026, 11, 21, 12, 0)  # a Saturday


def starts(text: str, after: datetime = SAT_21_NOV_2026, count: int = 3) -> list[datetime]:
    (m,) = parse_schedule(text)
    return next_occurrences(m, after, count)


def test_first_and_third_thursday_of_december_2026() -> None:
    assert SAT_21_NOV_2026.weekday() == 5
    assert starts("1st & 3rd Thu 18:30-20:00") == [
        datetime(2026, 12, 3, 18, 30), datetime(2026, 12, 17, 18, 30), datetime(2027, 1, 7, 18, 30)
    ]


def test_last_sunday_of_november_2026() -> None:
    assert starts("last Sunday of the month 2 PM") == [
        datetime(2026, 11, 29, 14), datetime(2026, 12, 27, 14), datetime(2027, 1, 31, 14)
    ]


def test_weekly_daily_and_nth() -> None:
    assert starts("Tue 18:30-20:00") == [
        datetime(2026, 11, 24, 18, 30), datetime(2026, 12, 1, 18, 30), datetime(2026, 12, 8, 18, 30)
    ]
    assert starts("daily 7am") == [datetime(2026, 11, d, 7) for d in (22, 23, 24)]
    assert starts("2nd Monday noon-1:30pm") == [
        datetime(2026, 12, 14, 12), datetime(2027, 1, 11, 12), datetime(2027, 2, 8, 12)
    ]
    # A meeting later the same day counts; one that already started does not.
    assert starts("Sat 6pm", count=1) == [datetime(2026, 11, 21, 18)]
    assert starts("Sat 10am", count=1) == [datetime(2026, 11, 28, 10)]
    # Strictly after: a meeting starting exactly at `after` is not "next".
    assert starts("Sat noon", count=1) == [datetime(2026, 11, 28, 12)]


def test_fifth_weekday_skips_months_without_one() -> None:
    assert starts("5th Thu 7pm", after=datetime(2026, 11, 1)) == [
        datetime(2026, 12, 31, 19), datetime(2027, 4, 29, 19), datetime(2027, 7, 29, 19)
    ]


def test_every_other_is_anchored_at_the_epoch() -> None:
    assert EPOCH == date(2024, 1, 1) and EPOCH.weekday() == 0
    assert starts("every other Saturday 10am", after=datetime(2024, 1, 1)) == [
        datetime(2024, 1, 6, 10), datetime(2024, 1, 20, 10), datetime(2024, 2, 3, 10)
    ]
    got = starts("every other Saturday 10am")
    assert got == [datetime(2026, 12, 5, 10), datetime(2026, 12, 19, 10), datetime(2027, 1, 2, 10)]
    # The same answer whatever `after` we come from: parity is fixed, not relative to today.
    assert starts("every other Saturday 10am", after=datetime(2026, 11, 30))[0] == got[0]
    assert all((d.date() - date(2024, 1, 6)).days % 14 == 0 for d in got)


def test_every_other_with_its_own_dtstart() -> None:
    m = Meeting("WEEKLY", 2, ("SA",), 600, 660, dtstart=date(2026, 11, 28))
    assert next_occurrences(m, SAT_21_NOV_2026) == [
        datetime(2026, 11, 28, 10), datetime(2026, 12, 12, 10), datetime(2026, 12, 26, 10)
    ]


def test_until_ends_the_series() -> None:
    m = Meeting("WEEKLY", 1, ("TU",), 600, 660, until=date(2026, 12, 1))
    assert next_occurrences(m, SAT_21_NOV_2026, 5) == [
        datetime(2026, 11, 24, 10), datetime(2026, 12, 1, 10)
    ]


def test_count_zero_and_local_time_zone() -> None:
    m = Meeting("WEEKLY", 1, ("TU",), 18 * 60, 19 * 60, timezone="America/New_York")
    assert next_occurrences(m, SAT_21_NOV_2026, 0) == []
    assert next_occurrences(m, SAT_21_NOV_2026, 1) == [datetime(2026, 11, 24, 18)]
    assert next_occurrences(m, SAT_21_NOV_2026, 1, local_tz="America/Los_Angeles") == [
        datetime(2026, 11, 24, 15)
    ]
    assert next_occurrences(m, SAT_21_NOV_2026, 1, local_tz="America/New_York") == [
        datetime(2026, 11, 24, 18)
    ]


def test_next_meeting() -> None:
    meetings = parse_schedule("Mon 10:00-11:30; Thu 18:00-19:30")
    assert next_meeting(meetings, SAT_21_NOV_2026) == datetime(2026, 11, 23, 10)
    assert next_meeting(meetings, datetime(2026, 11, 23, 10)) == datetime(2026, 11, 26, 18)
    assert next_meeting([], SAT_21_NOV_2026) is None
    ended = Meeting("WEEKLY", 1, ("TU",), 600, 660, until=date(2025, 1, 1))
    assert next_meeting([ended], SAT_21_NOV_2026) is None


# --- properties ---------------------------------------------------------------------------------

times = st.integers(0, 1439).flatmap(lambda s: st.tuples(st.just(s), st.integers(s + 1, 1440)))
ordinals = st.sampled_from([1, 2, 3, 4, 5, -1, -2])


@st.composite
def meetings(draw: st.DrawFn) -> Meeting:
    start, end = draw(times)
    kind = draw(st.sampled_from(["WEEKLY", "MONTHLY", "DAILY"]))
    interval = draw(st.integers(1, 4))
    if kind == "DAILY":
        return Meeting("DAILY", interval, (), start, end)
    if kind == "WEEKLY":
        days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=6))
        return Meeting("WEEKLY", interval, tuple(DAY_CODES[d] for d in days), start, end)
    pairs = draw(st.sets(st.tuples(ordinals, st.integers(0, 6)), min_size=1, max_size=4))
    return Meeting("MONTHLY", interval, tuple(f"{n}{DAY_CODES[d]}" for n, d in pairs), start, end)


@settings(max_examples=300)
@given(meetings())
def test_describe_parses_back_to_the_same_meeting(m: Meeting) -> None:
    assert parse_schedule(describe_meeting(m)) == [m]


@settings(max_examples=200)
@given(meetings())
def test_meeting_dict_round_trip(m: Meeting) -> None:
    assert meeting_from_dict(meeting_to_dict(m)) == m


@given(st.integers(0, 1440))
def test_parse_time_of_formatted_hhmm(minutes: int) -> None:
    assert parse_time(f"{minutes // 60:02d}:{minutes % 60:02d}") == minutes


@given(st.integers(0, 1439))
def test_parse_time_of_twelve_hour_clock(minutes: int) -> None:
    hour, minute = divmod(minutes, 60)
    text = f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    assert parse_time(text) == minutes


afters = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(meetings(), afters, st.integers(1, 6))
def test_next_occurrences_are_increasing_after_and_on_the_right_days(
    m: Meeting, after: datetime, count: int
) -> None:
    got = next_occurrences(m, after, count)
    assert len(got) == count  # no `until`: the series never ends
    assert all(a < b for a, b in pairwise(got))
    assert got[0] > after
    for occ in got:
        assert occ.weekday() in weekdays_of(m)
        assert occ.time() == time(m.start // 60, m.start % 60)


@settings(max_examples=60, deadline=None)
@given(meetings(), afters, st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_next_occurrences_match_an_unshortcut_rrule(m: Meeting, after: datetime, anchor: date) -> None:
    """The period-skipping shortcut gives exactly what a plain rrule from the anchor gives."""
    from dateutil import rrule
    from dateutil.relativedelta import relativedelta

    anchored = Meeting(m.freq, m.interval, m.byday, m.start, m.end, dtstart=anchor)
    # Without a dtstart the series runs forever both ways with EPOCH's parity: start the plain
    # rule whole periods before the earliest `after` we generate.
    if m.freq == "MONTHLY":
        far_back = EPOCH - relativedelta(months=m.interval * 12 * 30)
    else:
        period = m.interval * (7 if m.freq == "WEEKLY" else 1)
        far_back = EPOCH - timedelta(days=period * (9000 // period + 1))
    assert far_back < date(2000, 1, 1)
    for meeting, start in ((m, far_back), (anchored, anchor)):
        wd = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
        byweekday = None
        if meeting.byday:
            byweekday = []
            for code in meeting.byday:
                nth, day = (int(code[:-2]) if code[:-2] else None), DAY_CODES.index(code[-2:])
                byweekday.append(wd[day](nth) if nth else wd[day])
        plain = rrule.rrule(
            getattr(rrule, meeting.freq), interval=meeting.interval, byweekday=byweekday,
            dtstart=datetime.combine(start, time(meeting.start // 60, meeting.start % 60)),
            wkst=rrule.MO,
        )
        expected = list(plain.xafter(after, count=3, inc=False))
        assert next_occurrences(meeting, after, 3) == expected


def test_interval_one_needs_no_anchor() -> None:
    # Weekly meetings are every week whatever the anchor: check two far-apart `after`s.
    (m,) = parse_schedule("Tue 9am")
    for after in (datetime(2001, 5, 5), datetime(2090, 5, 5)):
        first = next_occurrences(m, after, 1)[0]
        assert first.weekday() == 1 and timedelta(0) < first - after <= timedelta(days=7)


VOCAB = [
    "Mon", "Tuesdays", "Thurs", "sat", "weekdays", "daily", "every", "other", "every other",
    "biweekly", "1st", "3rd", "last", "second to last", "6th", "of", "the", "month", "monthly",
    "&", "and", ",", "/", ";", "-", "–", "to", "noon", "midnight", "6", "7:30pm", "18:30",
    "24:00", "25:00", "7:75pm", "2 PM", "1830", "0", "12am", "Funday", "every 3 weeks", "on",
    "at", "day", "every other month", "@", ".",
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(VOCAB), max_size=8).map(" ".join) | st.text(max_size=30))
def test_arbitrary_text_gives_meetings_or_schedule_error(text: str) -> None:
    try:
        result = parse_schedule(text)
    except ScheduleError as exc:
        assert isinstance(exc.fragment, str)
        return
    assert result
    for m in result:
        assert 0 <= m.start < m.end <= 1440
        assert parse_schedule(describe_meeting(m)) == [m]


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(VOCAB), max_size=5).map(" ".join) | st.text(max_size=15),
    st.sampled_from(["6pm", "18:30", "6:00 PM", "7", "25:00", "", "noon-1pm", "x"]),
    st.sampled_from([None, "", "7:30 PM", "19:00", "5pm", "24:00", "bad"]),
)
def test_split_form_gives_meetings_or_schedule_error(
    days: str, start: str, end: str | None
) -> None:
    try:
        result = meetings_from_days_time(days, start, end)
    except ScheduleError:
        return
    for m in result:
        assert 0 <= m.start < m.end <= 1440
