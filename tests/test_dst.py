"""Check-in lengths across a daylight-saving change (core.dst and `peer checkin --start/--end`),
in a fixed zone: America/New_York (clocks forward 2027-03-14 02:00, back 2027-11-07 02:00)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.dst import elapsed

NY = ZoneInfo("America/New_York")
SPRING = date(2027, 3, 14)
FALL = date(2027, 11, 7)


@pytest.mark.parametrize(("day", "start", "wall", "real", "warned"), [
    (SPRING, time(1, 30), 120, 60, True),   # 01:30-03:30: one hour of real time
    (SPRING, time(1, 0), 60, 60, True),     # 01:00-02:00: 02:00 itself was skipped (= 03:00)
    (FALL, time(0, 30), 180, 240, True),    # 00:30-03:30: 01:00-02:00 happened twice
    (FALL, time(3, 0), 60, 60, False),      # after the change
    (date(2027, 6, 1), time(10, 0), 45, 45, False),
])
def test_real_elapsed_time_across_a_change(day, start, wall, real, warned):
    got = elapsed(day, start, wall, NY)
    assert got.minutes == real
    assert got.start == datetime.combine(day, start)
    assert bool(got.warnings) == warned


def test_a_skipped_start_is_read_as_the_unchanged_clock_and_warned():
    got = elapsed(SPRING, time(2, 30), 90, NY)  # 02:30 never happened: read as 03:30
    assert got.start == datetime(2027, 3, 14, 3, 30)
    assert got.minutes == 30
    assert any("did not happen" in w and "03:30" in w for w in got.warnings)


def test_a_contact_left_without_length_is_refused():
    with pytest.raises(ValueError, match="--minutes"):
        elapsed(SPRING, time(2, 30), 60, NY)  # 02:30 (= 03:30) to 03:30


def test_a_repeated_time_is_read_as_the_first_and_warned():
    got = elapsed(FALL, time(1, 15), 30, NY)
    assert got.minutes == 30
    assert sum("happened twice" in w for w in got.warnings) == 2
    only_end = elapsed(FALL, time(0, 30), 60, NY)  # ends at the first 01:30
    assert only_end.minutes == 60
    twice = next(w for w in only_end.warnings if "happened twice" in w)
    assert twice.startswith("the end 01:30")


def test_without_a_zone_the_wall_clock_difference_is_the_length():
    assert elapsed(SPRING, time(1, 30), 120, None).minutes == 120


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=date(1970, 1, 2), max_value=date(2100, 12, 30)),
       minute=st.integers(0, 24 * 60 - 1), wall=st.integers(1, 16 * 60),
       zone=st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe",
                             "UTC", "Asia/Kolkata"]))
def test_any_contact_has_a_positive_length_or_a_clear_refusal(day, minute, wall, zone):
    tz = ZoneInfo(zone)
    start = time(minute // 60, minute % 60)
    try:
        got = elapsed(day, start, wall, tz)
    except ValueError as exc:
        assert "--minutes" in str(exc)
        return
    assert got.minutes > 0
    # a change moves the length by at most the change itself (never more than two hours)
    assert abs(got.minutes - wall) <= 120
    begin, end = datetime.combine(day, start), datetime.combine(day, start) + timedelta(
        minutes=wall)
    steady = (begin.replace(tzinfo=tz).utcoffset() == end.replace(tzinfo=tz).utcoffset()
              == begin.replace(tzinfo=tz, fold=1).utcoffset()
              == end.replace(tzinfo=tz, fold=1).utcoffset())
    if steady:
        assert got.minutes == wall and got.warnings == ()


# -- through the command -------------------------------------------------------------------------

@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("PEER_NOW", "2027-11-20T10:00")


def test_checkin_across_spring_forward_counts_real_minutes_and_warns(peer, new_york):
    peer("consumer", "add", "Sam")
    data = peer.json("checkin", "Sam", "--mode", "phone", "--at", "2027-03-14",
                     "--start", "01:30", "--end", "03:30")
    assert data["minutes"] == 60
    assert data["at"] == "2027-03-14T01:30:00"
    assert any(w["field"] == "--start/--end" and "60 minutes of real time" in w["message"]
               for w in data["warnings"])
    human = peer("checkin", "Sam", "--mode", "phone", "--at", "2027-03-14",
                 "--start", "01:30", "--end", "03:30")
    assert "60 minutes of real time" in human.stderr


def test_checkin_in_the_skipped_hour_is_read_by_the_rule(peer, new_york):
    peer("consumer", "add", "Sam")
    data = peer.json("checkin", "Sam", "--mode", "phone", "--at", "2027-03-14",
                     "--start", "02:30", "--end", "04:00")
    assert data["at"] == "2027-03-14T03:30:00" and data["minutes"] == 30
    assert any("did not happen" in w["message"] for w in data["warnings"])


def test_checkin_across_fall_back_counts_the_repeated_hour(peer, new_york):
    peer("consumer", "add", "Sam")
    data = peer.json("checkin", "Sam", "--mode", "phone", "--at", "2027-11-07",
                     "--start", "00:30", "--end", "03:30")
    assert data["minutes"] == 240


def test_checkin_with_no_length_left_is_refused_and_changes_nothing(peer, new_york, db_path):
    peer("consumer", "add", "Sam")
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    result = peer("checkin", "Sam", "--mode", "phone", "--at", "2027-03-14", "--start", "02:30",
                  "--end", "03:30", "--json", ok=False)
    assert result.exit_code == 1 and "--minutes" in result.stderr
    assert result.stdout == ""
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_a_plain_day_has_no_warnings(peer, new_york):
    peer("consumer", "add", "Sam")
    data = peer.json("checkin", "Sam", "--mode", "phone", "--at", "2027-06-01",
                     "--start", "10:00", "--end", "10:45")
    assert data["minutes"] == 45 and data["warnings"] == []


@pytest.mark.parametrize("value", ["99999999", "99999999d", "9999999999 weeks"])
def test_a_refused_next_overflow_leaves_the_database_byte_identical(peer, db_path, value,
                                                                    monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    peer("consumer", "add", "Sam")
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "10")
    files = sorted(p.name for p in db_path.parent.iterdir())
    before = {name: hashlib.sha256((db_path.parent / name).read_bytes()).hexdigest()
              for name in files}
    result = peer("checkin", "Sam", "--mode", "phone", "--minutes", "10", "--next", value,
                  ok=False)
    assert result.exit_code in (1, 2) and "--next" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    after = {name: hashlib.sha256((db_path.parent / name).read_bytes()).hexdigest()
             for name in sorted(p.name for p in db_path.parent.iterdir())}
    assert after == before
