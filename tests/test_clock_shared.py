"""Check-in times use the same lexer and rules as schedules and free time."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from peercli.core import checkins
from peercli.core.timeparse import read_clock, resolve_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [("noon", time(12)), ("14", time(14)), ("1830", time(18, 30)), ("2pm", time(14)),
     ("2:30 pm", time(14, 30)), ("14:30", time(14, 30)), ("09:05", time(9, 5)),
     ("midnight", time(0)), ("3", time(15)), ("12pm", time(12)), ("12am", time(0))],
)
def test_parse_clock_reads_what_schedules_read(text: str, expected: time) -> None:
    assert checkins.parse_clock(text) == expected
    minutes = resolve_time(read_clock(text))
    assert (minutes // 60, minutes % 60) == (expected.hour, expected.minute)


def test_ambiguous_contact_times_are_read_by_rule_and_reported() -> None:
    begin, length, warnings = checkins.read_between("10", "11")
    assert (begin, length) == (time(10), 60)
    assert warnings and "10:00" in warnings[0] and "10pm" in warnings[0]
    # a literal end leaves one reading of the start: no guess
    assert checkins.read_between("10", "11:30") == (time(10), 90, [])
    assert checkins.read_between("2", "3pm") == (time(14), 60, [])
    assert checkins.read_between("noon", "1") == (time(12), 60, [])


@pytest.mark.parametrize("bad", [("10:00", "10:00"), ("3pm", "2pm")])
def test_contact_of_no_length_is_refused(bad: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="not before the end"):
        checkins.read_between(*bad)


def test_at_accepts_noon_and_24_hour_forms() -> None:
    now = datetime(2026, 11, 28, 20, 0)
    assert checkins.parse_at("noon", now) == datetime(2026, 11, 28, 12, 0)
    assert checkins.parse_at("yesterday 1830", now) == datetime(2026, 11, 27, 18, 30)
    assert checkins.parse_at("14", now) == datetime(2026, 11, 28, 14, 0)


def test_checkin_cli_takes_noon_and_reports_a_guess(peer) -> None:  # type: ignore[no-untyped-def]
    peer.json("consumer", "add", "Sam Rivera", "--consent", "all")
    record = peer.json("checkin", "Sam", "--mode", "phone", "--start", "noon", "--end", "12:30",
                       "--at", "yesterday")
    assert record["minutes"] == 30 and record["at"].endswith("12:00:00")
    result = peer("checkin", "Sam", "--mode", "phone", "--start", "9", "--end", "10", "--at",
                  "yesterday")
    assert "09:00" in result.stderr and "9pm" in result.stderr
