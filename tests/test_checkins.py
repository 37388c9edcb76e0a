"""The pure check-in core: units of service, WHO-5, modes, and the dates people type."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core import checkins as core
from peercli.core import timeline

TODAY = date(2026, 11, 21)  # a Saturday
NOW = datetime(2026, 11, 21, 10, 0)


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (15, 1), (22, 1), (23, 2), (30, 2), (37, 2), (38, 3), (60, 4),
     (67, 4), (68, 5)],
)
def test_units_rule_table(minutes, units):
    assert core.units_of_service(minutes) == units


@given(st.integers(min_value=0, max_value=24 * 60))
def test_units_are_nearest_quarter_hour_rounding_half_up_at_8(minutes):
    units = core.units_of_service(minutes)
    # within half a unit: the minutes are at most 7 over and at most 7 short of units * 15
    assert units * 15 - 7 <= minutes <= units * 15 + 7
    assert core.units_of_service(minutes + 15) == units + 1


def test_units_refuse_negative():
    with pytest.raises(ValueError, match="negative"):
        core.units_of_service(-1)


@pytest.mark.parametrize(
    ("text", "mode"),
    [("in_person", "in_person"), ("in person", "in_person"), ("In-Person", "in_person"),
     ("call", "phone"), ("phone", "phone"), ("zoom", "video"), ("Video", "video"),
     ("sms", "text"), ("text", "text"), ("group", "group")],
)
def test_modes_from_what_people_say(text, mode):
    assert core.parse_mode(text) == mode


def test_unknown_mode_quotes_it():
    with pytest.raises(ValueError, match="unknown mode 'carrier pigeon'.*in_person, phone"):
        core.parse_mode("carrier pigeon")


def test_mood_scale():
    assert core.check_mood(1) == 1 and core.check_mood(5) == 5
    for bad in (0, 6, 9, -1):
        with pytest.raises(ValueError, match=f"'{bad}' is not a mood on the 1-5 scale"):
            core.check_mood(bad)


def test_who5_scoring_and_poor_flag():
    who5 = core.parse_who5("3,4,2,5,1")
    assert who5.items == (3, 4, 2, 5, 1)
    assert (who5.score, who5.percent, who5.poor) == (15, 60, False)
    low = core.parse_who5("2 2 2 3 3")
    assert (low.score, low.percent, low.poor) == (12, 48, True)
    assert core.parse_who5("3,2,2,3,3").poor is False  # 13 is the cut-off: not flagged


@pytest.mark.parametrize(
    ("text", "message"),
    [("3,4,2,5", "has 4 items; the WHO-5 has five"), ("3,4,2,5,6", "item '6'"),
     ("3,4,x,5,1", "item 'x'"), ("1,2,3,4,5,0", "has 6 items"), ("", "has 0 items")],
)
def test_who5_refuses_bad_answers(text, message):
    with pytest.raises(ValueError) as info:
        core.parse_who5(text)
    assert message in str(info.value)


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=5))
def test_who5_percent_is_raw_times_four(items):
    who5 = core.parse_who5(",".join(map(str, items)))
    assert who5.score == sum(items)
    assert who5.percent == 4 * sum(items)
    assert who5.poor == (sum(items) < 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7d", date(2026, 11, 28)), ("7", date(2026, 11, 28)), ("2w", date(2026, 12, 5)),
     ("1m", date(2026, 12, 21)), ("in 3 days", date(2026, 11, 24)),
     ("in 2 weeks", date(2026, 12, 5)), ("tomorrow", date(2026, 11, 22)), ("today", TODAY),
     ("next tuesday", date(2026, 11, 24)), ("Tuesday", date(2026, 11, 24)),
     ("saturday", date(2026, 11, 28)), ("2026-12-01", date(2026, 12, 1)),
     ("Dec 3 2026", date(2026, 12, 3)), ("December 3", date(2026, 12, 3))],
)
def test_next_followup_forms(text, expected):
    assert core.parse_next(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("2026-11-20", "in the past"), ("yesterday-ish", "cannot read the date"),
     ("March 1", "in the past"), ("2028-01-01", "more than a year ahead"), ("", "empty")],
)
def test_next_followup_refusals(text, message):
    with pytest.raises(ValueError, match=message):
        core.parse_next(text, TODAY)


@given(st.integers(min_value=0, max_value=366))
def test_next_in_days_is_today_plus_days(days):
    assert core.parse_next(f"{days}d", TODAY) == TODAY + timedelta(days=days)
    assert core.parse_next(f"in {days} days", TODAY) == TODAY + timedelta(days=days)


@given(st.sampled_from(list(core._WEEKDAYS)), st.dates(date(2026, 1, 1), date(2030, 1, 1)))
def test_weekday_means_the_first_one_after_today(word, today):
    day = core.parse_next(word, today)
    assert 1 <= (day - today).days <= 7
    assert day.weekday() == core._WEEKDAYS[word]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-20 14:30", datetime(2026, 11, 20, 14, 30)),
     ("yesterday 3pm", datetime(2026, 11, 20, 15, 0)),
     ("today 9:15", datetime(2026, 11, 21, 9, 15)),
     ("9am", datetime(2026, 11, 21, 9, 0)),
     ("2 hours ago", datetime(2026, 11, 21, 8, 0)),
     ("3 days ago", datetime(2026, 11, 18, 10, 0)),
     ("thursday 2:30pm", datetime(2026, 11, 19, 14, 30)),
     ("Nov 19 2026 4pm", datetime(2026, 11, 19, 16, 0)),
     ("now", NOW)],
)
def test_at_forms(text, expected):
    assert core.parse_at(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("tomorrow 3pm", "in the future"), ("today 11:00", "in the future"),
     ("2026-11-22 09:00", "in the future"), ("yesterday 25:00", "not a time of day"),
     ("whenever", "cannot read the time 'whenever'")],
)
def test_at_refusals(text, message):
    with pytest.raises(ValueError, match=message):
        core.parse_at(text, NOW)


def test_start_end_minutes():
    assert core.minutes_between("14:00", "14:50") == (time(14, 0), 50)
    assert core.minutes_between("2pm", "3:15pm") == (time(14, 0), 75)
    with pytest.raises(ValueError, match="the start '15:00' is not before the end '14:00'"):
        core.minutes_between("15:00", "14:00")
    with pytest.raises(ValueError, match="cannot read the time 'lunchtime'"):
        core.minutes_between("lunchtime", "14:00")


def test_minutes_bounds():
    assert core.check_minutes(0) == 0
    with pytest.raises(ValueError, match="'-5' is negative"):
        core.check_minutes(-5)
    with pytest.raises(ValueError, match="more than a day"):
        core.check_minutes(2000)


def test_trend_latest_and_changes():
    trend = timeline.build_trend([("2026-11-03", 2), ("2026-11-01", None), ("2026-11-10", 4),
                              ("2026-11-01", 3)], 1, 5)
    assert trend is not None
    assert trend.values == [3, 2, 4]
    assert (trend.latest, trend.first, trend.previous) == (4, 3, 2)
    assert (trend.change_from_first, trend.change_from_previous) == (1, 2)
    data = timeline.trend_to_dict(trend)
    assert data["latest"] == 4 and data["change_from_previous"] == 2
    assert [p["at"] for p in data["points"]] == ["2026-11-01", "2026-11-03", "2026-11-10"]
    assert timeline.build_trend([("x", None)], 1, 5) is None
    single = timeline.build_trend([("2026-11-01", 3)], 1, 5)
    assert single is not None and single.change_from_previous is None


def test_describe_checkin_uses_first_line_of_note():
    line = timeline.describe_checkin("phone", 25, 4, 15, "Talked about the group.\nSecond line")
    assert line == "phone, 25 min, mood 4/5, WHO-5 60% — Talked about the group."
    assert timeline.describe_checkin("in_person", 30, None, None, None) == "in person, 30 min"
