"""peer report: a scripted month of activity, and the numbers it must produce."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.reports import (
    CheckinRow,
    Period,
    ReferralRow,
    bar,
    build_report,
    choose_period,
    effective_checkins,
    month_period,
)

GROUPS_CSV = """id,name,topics,schedule,format,address,city
g1,Tuesday Grief Circle,grief,Tuesdays 18:30-20:00,in person,118 Millrace St,Riverton
g2,Anxiety Peer Group,anxiety,1st & 3rd Thu 18:00-19:30,in person,4 Oak Ave,Riverton
g3,Walking Group,walking,Sat 10:00-11:00,in person,Riverside Park,Riverton
"""


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("PEER_NOW", when)


def checkin(peer, who: str, when: str, mode: str, minutes: int, mood: int) -> int:
    return peer.json("checkin", "log", who, "--mode", mode, "--minutes", str(minutes),
                     "--mood", str(mood), "--at", when, "--next", "7d", "--note", "ok")["id"]




@pytest.fixture
def november(peer, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             make_referral) -> dict:
    """Four people, three groups, check-ins (one amended) and referrals around November 2026."""
    import sqlite3

    at(monkeypatch, "2026-10-20T09:00")
    alex = peer.json("consumer", "add", "Alex", "--consent", "all")["id"]
    listing = tmp_path / "groups.csv"
    listing.write_text(GROUPS_CSV, encoding="utf-8")
    peer("group", "import", str(listing))
    at(monkeypatch, "2026-11-02T09:00")
    sam = peer.json("consumer", "add", "Sam", "--consent", "all")["id"]
    at(monkeypatch, "2026-11-05T09:00")
    jo = peer.json("consumer", "add", "Jo", "--consent", "all")["id"]
    at(monkeypatch, "2026-12-01T09:00")
    peer.json("consumer", "add", "Late", "--consent", "all")
    at(monkeypatch, "2026-12-05T09:00")
    checkin(peer, "Alex", "2026-10-30 10:00", "phone", 30, 1)      # October: not counted
    checkin(peer, "Sam", "2026-11-03 10:00", "phone", 30, 2)       # 2 units
    checkin(peer, "Sam", "2026-11-10 10:00", "in person", 50, 3)   # 3 units
    checkin(peer, "Sam", "2026-11-24 10:00", "video", 20, 4)       # 1 unit
    first_jo = checkin(peer, "Jo", "2026-11-06 10:00", "text", 10, 3)
    peer.json("checkin", "amend", str(first_jo), "--minutes", "25", "--mood", "4",
              "--reason", "typo")                                  # 25 min: 2 units, mood 4
    checkin(peer, "Jo", "2026-11-28 10:00", "in person", 60, 3)    # 4 units
    checkin(peer, "Alex", "2026-11-15 10:00", "group", 90, 5)      # 6 units
    checkin(peer, "Late", "2026-12-02 10:00", "phone", 30, 3)      # December
    conn = sqlite3.connect(db_path)
    try:
        ids = {name: gid for gid, name in conn.execute("SELECT id, name FROM groups")}
        grief, anxiety, walking = (ids["Tuesday Grief Circle"], ids["Anxiety Peer Group"],
                                   ids["Walking Group"])
        make_referral(alex, grief, "continuing", "2026-10-25T10:00")  # October
        make_referral(sam, grief, "referred", "2026-11-04T10:00")
        make_referral(sam, anxiety, "attended", "2026-11-04T10:05")
        make_referral(jo, grief, "suggested", "2026-11-07T10:00")
        make_referral(jo, walking, "declined", "2026-11-08T10:00")
        alex_anxiety = make_referral(alex, anxiety, "referred", "2026-11-16T10:00")
        conn.execute("INSERT INTO attendance (consumer_id, group_id, referral_id, attended_on) "
                     "VALUES (?, ?, ?, ?)", (alex, anxiety, alex_anxiety, "2026-11-19"))
        conn.commit()
    finally:
        conn.close()
    return {"sam": sam, "jo": jo, "alex": alex, "grief": grief, "anxiety": anxiety}


def test_month_report_numbers(peer, november):
    data = peer.json("report", "--month", "2026-11")
    assert data["month"] == "2026-11"
    assert (data["from"], data["to"]) == ("2026-11-01", "2026-11-30")
    assert data["contacts"] == 6
    assert data["minutes"] == 30 + 50 + 20 + 25 + 60 + 90
    assert data["units"] == 2 + 3 + 1 + 2 + 4 + 6
    assert data["consumers_served"] == 3
    assert data["new_consumers"] == 2
    assert data["checkins_by_mode"] == {"in_person": 2, "phone": 1, "video": 1, "text": 1,
                                        "group": 1}
    assert data["referrals"] == {"suggested": 1, "referred": 2, "attended": 1, "continuing": 0,
                                 "declined": 1, "no_show": 0, "closed": 0}
    assert data["referrals_made"] == 5
    assert data["referrals_attended"] == 2  # one by status, one by an attendance row
    # Sam 2 -> 4 (+2); Jo 4 (amended) -> 3 (-1); Alex has one mood only.
    assert data["average_mood_change"] == 0.5
    assert data["mood_consumers"] == 2
    assert data["top_groups"] == [
        {"group_id": november["anxiety"], "name": "Anxiety Peer Group", "referrals": 2},
        {"group_id": november["grief"], "name": "Tuesday Grief Circle", "referrals": 2},
        {"group_id": data["top_groups"][2]["group_id"], "name": "Walking Group", "referrals": 1},
    ]


def test_default_month_comes_from_the_clock(peer, november, monkeypatch):
    at(monkeypatch, "2026-11-30T23:00")
    assert peer.json("report")["month"] == "2026-11"
    at(monkeypatch, "2026-12-03T08:00")
    december = peer.json("report")
    assert december["month"] == "2026-12"
    assert (december["contacts"], december["new_consumers"]) == (1, 1)


def test_date_range_report(peer, november):
    data = peer.json("report", "--from", "2026-10-25", "--to", "2026-11-05")
    assert data["month"] is None
    assert (data["contacts"], data["minutes"]) == (2, 60)   # Alex 30 Oct, Sam 3 Nov
    assert data["referrals"]["continuing"] == 1
    assert data["referrals_made"] == 3
    assert data["mood_consumers"] == 0 and data["average_mood_change"] is None


def test_csv_and_table_formats(peer, november):
    out = peer("report", "--month", "2026-11", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["section", "item", "value"]
    values = {(s, k): v for s, k, v in rows[1:]}
    assert values[("summary", "contacts")] == "6"
    assert values[("summary", "units")] == "18"
    assert values[("checkins_by_mode", "in_person")] == "2"
    assert values[("referrals_by_status", "referred")] == "2"
    assert values[("top_groups", "Anxiety Peer Group")] == "2"
    table = peer("report", "--month", "2026-11").stdout
    assert table.startswith("Report November 2026\n")  # the period once
    assert "Tuesday Grief Circle" in table and "█" in table


@pytest.mark.parametrize("args, flag, bad", [
    (["--month", "2026-13"], "--month", "2026-13"),
    (["--month", "Nov"], "--month", "Nov"),
    (["--from", "2026-11-31"], "--from", "2026-11-31"),
    (["--from", "2026-11-10", "--to", "2026-11-01"], "--to", "2026-11-01"),
    (["--month", "2026-11", "--from", "2026-11-01"], "--month", ""),
    (["--format", "xml"], "--format", "xml"),
])
def test_bad_period_is_refused(peer, args, flag, bad):
    result = peer("report", *args, ok=False)
    usage = args[0] == "--format" or len(args) == 4 and args[2] == "--from"  # the command line
    assert result.exit_code == (2 if usage else 1)
    assert flag in result.stderr and bad in result.stderr
    assert result.stdout == ""


def test_effective_checkins_keep_newest_version_only():
    rows = [CheckinRow(1, 1, "2026-11-01T10:00", "phone", 10, 1, 2),
            CheckinRow(2, 1, "2026-11-01T10:00", "phone", 20, 1, 3, amends_id=1),
            CheckinRow(3, 1, "2026-11-01T10:00", "phone", 30, 2, 4, amends_id=2),
            CheckinRow(4, 2, "2026-11-02T10:00", "text", 5, 0, None)]
    assert [r.id for r in effective_checkins(rows)] == [3, 4]
    report = build_report(month_period("2026-11"), rows, [], [])
    assert (report.contacts, report.minutes, report.units) == (2, 35, 2)


def test_referral_attendance_counts_status_or_attendance():
    period = month_period("2026-11")
    refs = [ReferralRow(1, 1, 9, "A", "referred", "2026-11-02T09:00", attended=True),
            ReferralRow(2, 1, 9, "A", "continuing", "2026-11-03T09:00"),
            ReferralRow(3, 2, 8, "B", "no_show", "2026-11-03T09:00"),
            ReferralRow(4, 2, 8, "B", "attended", "2026-12-01T00:00")]
    report = build_report(period, [], refs, [])
    assert report.referrals_made == 3 and report.referrals_attended == 2
    assert [(g.name, g.referrals) for g in report.top_groups] == [("A", 2), ("B", 1)]


@given(st.integers(1, 9999), st.integers(1, 12))
def test_month_period_covers_exactly_the_month(year, month):
    p = month_period(f"{year:04d}-{month:02d}")
    assert p.start == date(year, month, 1)
    assert p.end.month == month and p.end.year == year
    after = p.end + timedelta(days=1) if p.end < date.max else None
    assert after is None or after.month != month


@given(st.text(max_size=12))
def test_month_period_rejects_or_parses(text):
    try:
        p = month_period(text)
    except ValueError as exc:
        assert repr(text)[1:-1] in str(exc) or text in str(exc)
    else:
        assert p.month is not None and p.start.day == 1


def test_choose_period_rules():
    today = date(2026, 11, 21)
    assert choose_period(None, None, None, today) == Period(date(2026, 11, 1),
                                                            date(2026, 11, 30), "2026-11")
    assert choose_period(None, "2026-11-10", None, today) == Period(date(2026, 11, 10), today)
    with pytest.raises(ValueError, match="--from"):
        choose_period(None, None, "2026-11-10", today)
    assert bar(0, 10) == "" and bar(1, 100) == "█" and bar(10, 10, width=5) == "█████"
