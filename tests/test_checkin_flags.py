"""Check-in flags are read and checked in the core (core.checkins), before any database work."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.checkin_flags import (
    CheckinFlags,
    CheckinValues,
    changes_nothing,
    missing_flags_message,
    read_amend_flags,
    read_checkin_flags,
)
from peercli.core.checkins import Who5
from peercli.core.errors import PeerError
from peercli.core.vocab import CHECKIN_MODES

NOW = datetime(2026, 11, 20, 15, 0)


def test_everything_given_is_read():
    values = read_checkin_flags(CheckinFlags(mode="call", minutes=25, mood=4, who5="3,4,2,5,1",
                                             next="2w", at="yesterday 3pm"), NOW)
    assert values == CheckinValues(at=datetime(2026, 11, 19, 15, 0), mode="phone", minutes=25,
                                   mood=4, who5=Who5((3, 4, 2, 5, 1)),
                                   next_followup_on=date(2026, 12, 4))


def test_nothing_given_means_now_and_nothing_else():
    assert read_checkin_flags(CheckinFlags(), NOW) == CheckinValues(at=NOW)


def test_start_and_end_give_the_minutes_and_the_time_of_day():
    values = read_checkin_flags(CheckinFlags(start="9:30", end="10:15", at="yesterday"), NOW)
    assert values.minutes == 45 and values.at == datetime(2026, 11, 19, 9, 30)


@pytest.mark.parametrize(("flags", "message"), [
    (CheckinFlags(mode="carrier pigeon"), "--mode: unknown mode 'carrier pigeon'"),
    (CheckinFlags(minutes=30, start="9:00", end="9:30"), "either --minutes or --start/--end"),
    (CheckinFlags(start="9:00"), "--end is missing"),
    (CheckinFlags(end="9:00"), "--start is missing"),
    (CheckinFlags(minutes=-1), "--minutes: '-1' is negative"),
    (CheckinFlags(minutes=5000), "--minutes: '5000' minutes is more than a day"),
    (CheckinFlags(start="10:00", end="9:00"), "--start/--end: the start '10:00' is not before"),
    (CheckinFlags(mood=6), "--mood: '6' is not a mood"),
    (CheckinFlags(who5="1,2,3"), "--who5: '1,2,3' has 3 items"),
    (CheckinFlags(next="yesterday"), "--next: "),
    (CheckinFlags(at="tomorrow 9am"), "--at: 'tomorrow 9am' is"),
    (CheckinFlags(at=""), "--at: empty"),
    (CheckinFlags(start="16:00", end="17:00"), "--start: 2026-11-20 16:00 is in the future"),
])
def test_each_bad_flag_is_named(flags, message):
    with pytest.raises(PeerError) as caught:
        read_checkin_flags(flags, NOW)
    assert message in caught.value.message


def test_the_first_bad_flag_wins_in_flag_order():
    with pytest.raises(PeerError, match="--mode"):
        read_checkin_flags(CheckinFlags(mode="?", mood=9), NOW)


def test_missing_mode_and_minutes_are_named_with_every_mode():
    message = missing_flags_message(CheckinValues(at=NOW))
    assert message is not None
    assert "--mode " + "|".join(CHECKIN_MODES) in message and "--minutes N" in message
    assert missing_flags_message(CheckinValues(at=NOW, mode="phone", minutes=5)) is None
    only = missing_flags_message(CheckinValues(at=NOW, mode="phone"))
    assert only is not None and "--mode" not in only


@given(st.sampled_from(CHECKIN_MODES), st.integers(0, 1440), st.integers(1, 5))
def test_valid_values_always_pass(mode, minutes, mood):
    values = read_checkin_flags(CheckinFlags(mode=mode, minutes=minutes, mood=mood), NOW)
    assert (values.mode, values.minutes, values.mood, values.at) == (mode, minutes, mood, NOW)


@given(st.integers().filter(lambda m: not 1 <= m <= 5))
def test_mood_outside_the_scale_is_refused(mood):
    with pytest.raises(PeerError, match="--mood"):
        read_checkin_flags(CheckinFlags(mood=mood), NOW)


def test_amend_flags_are_checked_like_new_ones():
    changes = read_amend_flags({"mode": "zoom", "minutes": 40, "next_followup_on": "7d",
                                "mood": None}, date(2026, 11, 20))
    assert changes == {"mode": "video", "minutes": 40, "next_followup_on": date(2026, 11, 27)}
    with pytest.raises(PeerError, match="--who5"):
        read_amend_flags({"who5": "9,9,9,9,9"}, date(2026, 11, 20))


def test_changes_nothing_compares_with_the_stored_shape():
    current = {"mode": "phone", "minutes": 30, "who5": [1, 2, 3, 4, 5],
               "next_followup_on": "2026-11-27", "note": None}
    assert changes_nothing(current, {"mode": "phone", "who5": Who5((1, 2, 3, 4, 5)),
                                     "next_followup_on": date(2026, 11, 27)})
    assert not changes_nothing(current, {"mode": "phone", "minutes": 31})
    assert not changes_nothing(current, {"note": "new"})


def test_clock_times_are_read_by_parse_clock():
    values = read_checkin_flags(CheckinFlags(start="2pm", end="2:30 pm"), NOW)
    assert values.at.time() == time(14, 0) and values.minutes == 30
