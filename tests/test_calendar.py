"""peer calendar: the .ics opens in an independent parser (icalendar) with the right recurrences."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.calendar import MeetingEvent, build_calendar, vtimezone_lines
from peercli.core.schedule import Meeting, next_occurrences, parse_schedule

GROUPS_CSV = """id,name,description,schedule,format,address,city,postal_code,online_url,timezone
g1,"Grief Circle, Tuesdays; all welcome","Bring a photo.
Tea after.",Tuesdays 18:30-20:00,in person,118 Millrace St,Riverton,97401,,
g2,Anxiety Peer Group,,1st & 3rd Thu 18:00-19:30,in person,4 Oak Ave,Riverton,97401,,
g3,Sunday Family Circle,,last Sunday of the month 2 PM,in person,9 Elm St,Riverton,97401,,
g4,Online Walk & Talk,,every other Saturday 10am,online,,,,https://meet.example.org/walk?id=1&x=2,
g5,East Coast Recovery,,Mon/Wed 19:00-20:00,online,,,,https://meet.example.org/ec,America/New_York
g6,Declined Group,,Fri 12:00-13:00,in person,1 Main St,Riverton,97401,,
"""
NOW = "2026-11-21T10:00"


@pytest.fixture
def sam(peer, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        make_referral) -> int:
    monkeypatch.setenv("PEER_NOW", NOW)
    monkeypatch.setenv("TZ", "America/Chicago")
    listing = tmp_path / "groups.csv"
    listing.write_text(GROUPS_CSV, encoding="utf-8")
    peer("group", "import", str(listing))
    sam = peer.json("consumer", "add", "Sam Rivera", "--consent", "all")["id"]
    conn = sqlite3.connect(db_path)
    statuses = {"g1": "referred", "g2": "attended", "g3": "continuing", "g4": "suggested",
                "g5": "referred", "g6": "declined"}
    groups = conn.execute("SELECT id, source_key FROM groups").fetchall()
    conn.close()
    for gid, key in groups:
        make_referral(sam, gid, statuses[key], NOW)
    return sam


def events_by_summary(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(ev["SUMMARY"]): ev for ev in cal.walk("VEVENT")}


def expand(ev: icalendar.Event, n: int) -> list[datetime]:
    """The first n starts of the event's RRULE, expanded by dateutil (not by peer's code)."""
    rule = rrulestr(ev["RRULE"].to_ical().decode(), dtstart=ev.decoded("DTSTART"))
    return list(islice(rule, n))


def test_calendar_parses_with_right_recurrences(peer, sam, tmp_path):
    out = tmp_path / "sam.ics"
    peer("calendar", "Sam", "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = out.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0"
    events = events_by_summary(cal)
    assert sorted(events) == ["Anxiety Peer Group", "East Coast Recovery",
                              "Grief Circle, Tuesdays; all welcome", "Online Walk & Talk",
                              "Sunday Family Circle"]  # declined referral left out
    chicago, new_york = ZoneInfo("America/Chicago"), ZoneInfo("America/New_York")

    grief = events["Grief Circle, Tuesdays; all welcome"]
    assert [d.replace(tzinfo=None) for d in expand(grief, 3)] == [
        datetime(2026, 11, 24, 18, 30), datetime(2026, 12, 1, 18, 30),
        datetime(2026, 12, 8, 18, 30)]
    assert grief.decoded("DTSTART").utcoffset() == datetime(
        2026, 11, 24, 18, 30, tzinfo=chicago).utcoffset()
    assert grief.decoded("DTEND").replace(tzinfo=None) == datetime(2026, 11, 24, 20, 0)
    assert str(grief["LOCATION"]) == "118 Millrace St, Riverton, 97401"
    assert str(grief["DESCRIPTION"]).startswith("Tue 18:30-20:00\nBring a photo.\nTea after.")

    anxiety = events["Anxiety Peer Group"]
    assert anxiety["RRULE"]["BYDAY"] == ["1TH", "3TH"]
    assert [d.date().isoformat() for d in expand(anxiety, 4)] == [
        "2026-12-03", "2026-12-17", "2027-01-07", "2027-01-21"]

    family = events["Sunday Family Circle"]
    assert family["RRULE"]["BYDAY"] == ["-1SU"]
    assert [d.date().isoformat() for d in expand(family, 3)] == [
        "2026-11-29", "2026-12-27", "2027-01-31"]
    assert family.decoded("DTSTART").hour == 14

    walk = events["Online Walk & Talk"]
    assert walk["RRULE"]["INTERVAL"] == [2]
    assert str(walk["URL"]) == "https://meet.example.org/walk?id=1&x=2"
    meeting = parse_schedule("every other Saturday 10am")[0]
    expected = next_occurrences(meeting, datetime(2026, 11, 21, 10), 4)
    assert [d.replace(tzinfo=None) for d in expand(walk, 4)] == expected

    east = events["East Coast Recovery"]
    start = east.decoded("DTSTART")
    assert start.tzinfo is not None and str(east["DTSTART"].params["TZID"]) == "America/New_York"
    assert start.utcoffset() == datetime(2026, 11, 23, 19, tzinfo=new_york).utcoffset()
    assert start.replace(tzinfo=None) == datetime(2026, 11, 23, 19, 0)

    uids = [str(ev["UID"]) for ev in cal.walk("VEVENT")]
    assert len(set(uids)) == 5 and all(u.endswith("@peer") for u in uids)
    # The same calendar written again keeps the same UIDs (phones update, not duplicate).
    again = tmp_path / "again.ics"
    peer("calendar", str(sam), "-o", str(again))
    assert [str(ev["UID"]) for ev in icalendar.Calendar.from_ical(again.read_bytes())
            .walk("VEVENT")] == uids


def test_vtimezones_match_zoneinfo(peer, sam, tmp_path):
    cal = icalendar.Calendar.from_ical(peer("calendar", "Sam", "-o", "-").stdout)
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    assert set(zones) == {"America/Chicago", "America/New_York"}
    for name, component in zones.items():
        ours, real = component.to_tz(), ZoneInfo(name)
        for probe in (datetime(2027, 1, 15, 12), datetime(2027, 7, 15, 12),
                      datetime(2027, 3, 14, 3, 30), datetime(2027, 11, 7, 0, 30)):
            assert probe.replace(tzinfo=ours).utcoffset() == probe.replace(
                tzinfo=real).utcoffset(), (name, probe)


@pytest.mark.parametrize("zone", ["Europe/London", "Australia/Lord_Howe", "Asia/Tokyo",
                                  "America/Sao_Paulo"])
def test_vtimezone_for_other_zones(zone):
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x",
                        *vtimezone_lines(zone, 2026), "END:VCALENDAR"]) + "\r\n"
    tz = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")[0].to_tz()
    real = ZoneInfo(zone)
    for month in (1, 4, 7, 10, 12):
        probe = datetime(2026, month, 20, 12)
        assert probe.replace(tzinfo=tz).utcoffset() == probe.replace(tzinfo=real).utcoffset()


def test_no_active_referrals_is_an_error(peer, monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)
    peer("consumer", "add", "Jo")
    result = peer("calendar", "Jo", "-o", "-", ok=False)
    assert result.exit_code == 1 and "no active referrals" in result.stderr
    assert result.stdout == ""


def one_event(summary: str, description: str) -> bytes:
    """A calendar with one event carrying this summary and description, as written."""
    event = MeetingEvent(uid="u@peer", summary=summary, description=description,
                         meeting=Meeting("WEEKLY", 1, ("TU",), 1110, 1200),
                         first_start=datetime(2026, 11, 24, 18, 30), tzid="America/Chicago")
    return build_calendar([event], dtstamp=datetime(2026, 1, 1, tzinfo=UTC)).encode("utf-8")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_every_line_is_folded_at_75_octets_without_splitting_a_character(text):
    raw = one_event("Group", "Notes: " + text)
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    assert b"\r\nDESCRIPTION:Notes: " in raw.replace(b"\r\n ", b"")  # continuations start " "
    for line in lines:
        line.decode("utf-8")  # a fold never cuts a multi-byte character
    assert icalendar.Calendar.from_ical(raw).walk("VEVENT")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    [",", ";", "\\", "\n", ":"]), min_size=1, max_size=120))
def test_escaped_text_reads_back_with_icalendar(text):
    event = icalendar.Calendar.from_ical(one_event(text, "x" + text)).walk("VEVENT")[0]
    assert str(event.get("SUMMARY", "")) == text
    assert str(event["DESCRIPTION"]) == "x" + text
