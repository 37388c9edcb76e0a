"""Service notes: business days and lateness (pure), sign and lock, amendments showing both
versions, group sessions, unsigned notes, the printable month, and the settings they read."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core import notes as core
from peercli.core.settings import parse_service_code, parse_setting

NOW = "2026-11-20T15:00:00"  # a Friday


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)


# --- pure rules --------------------------------------------------------------------------------

def test_business_days_skip_weekends():
    friday = date(2026, 11, 20)
    assert core.business_days_between(friday, friday) == 0
    assert core.business_days_between(friday, date(2026, 11, 22)) == 0  # Sat, Sun
    assert core.business_days_between(friday, date(2026, 11, 23)) == 1  # Monday
    assert core.business_days_between(friday, date(2026, 11, 25)) == 3
    assert core.add_business_days(friday, 2) == date(2026, 11, 24)
    assert core.add_business_days(date(2026, 11, 18), 2) == date(2026, 11, 20)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(min_value=0, max_value=40))
def test_business_days_agree_with_counting_each_day(start, span):
    end = start + timedelta(days=span)
    slow = sum(1 for i in range(1, span + 1) if (start + timedelta(days=i)).weekday() < 5)
    assert core.business_days_between(start, end) == slow


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(min_value=0, max_value=15))
def test_the_signing_deadline_is_the_last_day_not_late(start, n):
    deadline = core.signing_deadline(start, n)
    assert not core.is_late(start, deadline, n)
    nxt = deadline + timedelta(days=1)
    while nxt.weekday() >= 5:  # a weekend after the deadline adds no business day
        assert not core.is_late(start, nxt, n)
        nxt += timedelta(days=1)
    assert core.is_late(start, nxt, n)


def test_unsigned_due_from_the_day_after_the_deadline():
    contact = date(2026, 11, 16)  # Monday; deadline Wednesday 18th with 2 business days
    notes = [core.UnsignedNote(7, 3, contact)]
    assert core.unsigned_due(notes, date(2026, 11, 18), 2) == {}
    due = core.unsigned_due(notes, date(2026, 11, 19), 2)
    assert due[7][0][0] == date(2026, 11, 19)
    assert "check-in #3" in due[7][0][1] and "3 business days" in due[7][0][1]


@pytest.mark.parametrize("text,expected", [
    ("office", "office"), ("Clinic", "office"), ("home visit", "home"), ("zoom", "telehealth"),
    ("telehealth_home", "telehealth-home"), ("ER", "emergency"), ("street", "community"),
])
def test_place_words(text, expected):
    assert core.parse_place(text) == expected


def test_unknown_place_names_the_choices():
    with pytest.raises(ValueError, match="office, home"):
        core.parse_place("moon base")


def test_service_codes_and_settings():
    assert parse_service_code("h0038") == "H0038"
    assert parse_service_code("H0038-HQ") == "H0038 HQ"
    with pytest.raises(ValueError):
        parse_service_code("peer support!")
    assert parse_setting("Late_After", "3") == ("late-after", "3")
    with pytest.raises(ValueError, match="unknown setting"):
        parse_setting("colour", "red")
    with pytest.raises(ValueError, match="0-30"):
        parse_setting("late-after", "-1")


def test_missing_parts_lists_what_an_audit_reads():
    full = {"place": "office", "service_code": "H0038", "goal_ids": [1], "intervention": "x",
            "response": "y", "next_step": "z"}
    assert core.missing_parts(full) == []
    assert core.missing_parts({**full, "goal_ids": [], "response": ""}) == [
        "plan goal addressed", "how the person responded"]


# --- commands ----------------------------------------------------------------------------------

@pytest.fixture
def people(peer) -> list[int]:
    return [peer.json("consumer", "add", name, "--consent", "all")["id"]
            for name in ("Sam Rivera", "Alex Kim", "Jo Park")]


def add_group(db_path: Path, name: str, organization: str | None = None) -> int:
    conn = sqlite3.connect(db_path)
    with conn:
        cur = conn.execute(
            "INSERT INTO groups (source, source_key, name, organization, created_at, updated_at) "
            "VALUES ('test', ?, ?, ?, '2026-11-01T09:00:00', '2026-11-01T09:00:00')",
            (name, name, organization))
    conn.close()
    return int(cur.lastrowid)


def test_config_set_show_unset(peer):
    peer("config", "set", "name", "  Ana   Ruiz ")
    peer("config", "set", "credential", "CPRS")
    shown = peer.json("config")
    assert shown["name"]["value"] == "Ana Ruiz" and shown["name"]["set"]
    assert shown["service-code"] == {"value": "H0038", "set": False, "default": "H0038"}
    bad = peer("config", "set", "late-after", "many", ok=False)
    assert bad.exit_code == 1 and "late-after" in bad.stderr
    peer("config", "unset", "credential")
    assert peer.json("config", "show")["credential"]["value"] is None


def test_group_session_makes_one_checkin_per_attendee(peer, query, db_path, people):
    gid = add_group(db_path, "Tuesday Circle")
    out = peer.json("notes", "group", "-a", "Sam", "-a", "Alex,Jo", "--minutes", "50",
                    "--group", str(gid), "--note", "We talked about the holidays.",
                    "--place", "office", "--topic", "holidays")
    assert out["units_each"] == 3 and len(out["checkins"]) == 3
    assert {c["consumer_id"] for c in out["checkins"]} == set(people)
    rows = query("SELECT consumer_id, mode, units, service_kind, service_code, group_session_id, "
                 "note, signature_required FROM checkins ORDER BY id")
    assert [r["units"] for r in rows] == [3, 3, 3]
    assert {r["mode"] for r in rows} == {"group"}
    assert {r["service_kind"] for r in rows} == {"group"}
    assert {r["service_code"] for r in rows} == {"H0038 HQ"}
    assert {r["group_session_id"] for r in rows} == {out["group_session_id"]}
    assert {r["note"] for r in rows} == {"We talked about the holidays."}
    attendance = query("SELECT consumer_id, group_id, checkin_id FROM attendance ORDER BY id")
    assert [(a["consumer_id"], a["group_id"]) for a in attendance] == [(p, gid) for p in people]


def test_group_session_refusals_leave_the_database_alone(peer, query, people):
    for args, message in [
        (["-a", "Sam", "-a", "Sam", "--minutes", "30"], "named twice"),
        (["-a", "Nobody", "--minutes", "30"], "no consumer"),
        (["-a", "Sam"], "--minutes"),
        (["-a", "Sam", "--minutes", "30", "--place", "moon"], "--place"),
    ]:
        result = peer("notes", "group", *args, ok=False)
        usage = args == ["-a", "Sam"]  # no length given: a usage error
        assert result.exit_code == (2 if usage else 1), (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    assert query("SELECT count(*) FROM checkins")[0][0] == 0
    assert query("SELECT count(*) FROM group_sessions")[0][0] == 0


def test_signing_needs_a_name_then_locks_the_note(peer, query, db_path, people, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-16T11:00:00")
    cid = peer.json("notes", "group", "-a", "Sam", "--minutes", "30")["checkins"][0]["id"]
    refused = peer("notes", "sign", str(cid), ok=False)
    assert refused.exit_code == 1 and "peer config set name" in refused.stderr
    peer("config", "set", "name", "Ana Ruiz")
    peer("config", "set", "credential", "CPRS")
    monkeypatch.setenv("PEER_NOW", "2026-11-18T09:00:00")  # 2 business days: on time
    signed = peer.json("notes", "sign", str(cid))[0]
    assert signed["late"] is False and signed["signed_by"] == "Ana Ruiz"
    row = query("SELECT signed_by, signed_credential, signed_late FROM checkins WHERE id = ?",
                cid)[0]
    assert tuple(row) == ("Ana Ruiz", "CPRS", 0)
    again = peer("notes", "sign", str(cid), ok=False)
    assert again.exit_code == 1 and "already signed" in again.stderr
    # The lock holds below the CLI too: no UPDATE reaches a signed version.
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="signed note cannot change"):
        conn.execute("UPDATE checkins SET note = 'rewritten' WHERE id = ?", (cid,))
    conn.close()


def test_a_late_signature_is_flagged(peer, query, people, monkeypatch):
    peer("config", "set", "name", "Ana Ruiz")
    monkeypatch.setenv("PEER_NOW", "2026-11-13T11:00:00")  # Friday
    cid = peer.json("notes", "group", "-a", "Sam", "--minutes", "30")["checkins"][0]["id"]
    monkeypatch.setenv("PEER_NOW", "2026-11-18T09:00:00")  # Wednesday: 3 business days later
    signed = peer("notes", "sign", str(cid))
    assert "late: signed 3 business days" in signed.stderr
    assert query("SELECT signed_late FROM checkins WHERE id = ?", cid)[0][0] == 1


def test_amending_a_signed_note_keeps_both_versions(peer, query, people, tmp_path):
    peer("config", "set", "name", "Ana Ruiz")
    cid = peer.json("notes", "group", "-a", "Sam", "--minutes", "30", "--note", "first words",
                    "--intervention", "listened")["checkins"][0]["id"]
    peer("notes", "sign", str(cid))
    peer("checkin", "amend", str(cid), "--minutes", "45", "--reason", "wrong length")
    doc = peer.json("notes", "Sam", "--month", "2026-11")
    (note,) = doc["notes"]
    original, amendment = note["versions"]
    assert original["minutes"] == 30 and original["signed_by"] == "Ana Ruiz"
    assert amendment["minutes"] == 45 and amendment["amend_reason"] == "wrong length"
    assert amendment["signed_at"] is None
    assert doc["summary"] == {"notes": 1, "signed": 0, "late": 0, "unsigned": 1, "amended": 1,
                              "incomplete": 1}
    out = tmp_path / "review.html"
    peer("notes", "Sam", "--month", "2026-11", "--out", str(out))
    html = out.read_text()
    assert "Amendment #" in html and "wrong length" in html and "superseded" in html
    assert "NOT SIGNED" in html and "Ana Ruiz" in html
    assert (out.stat().st_mode & 0o777) == 0o600


def test_unsigned_notes_are_listed_after_the_deadline(peer, people, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-16T11:00:00")
    peer.json("notes", "group", "-a", "Sam", "--minutes", "30")
    waiting = peer.json("notes", "unsigned")
    assert [(w["consumer_id"], w["late"]) for w in waiting] == [(people[0], False)]
    monkeypatch.setenv("PEER_NOW", "2026-11-19T11:00:00")
    assert peer.json("notes", "unsigned")[0]["late"] is True


def test_the_document_escapes_what_people_typed(peer, people, tmp_path):
    peer("notes", "group", "-a", "Sam", "--minutes", "30",
         "--note", "<script>alert(1)</script> & <b>bold</b>")
    out = tmp_path / "n.html"
    peer("notes", "--month", "2026-11", "--out", str(out))
    html = out.read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", "")


def test_notes_month_is_checked(peer, people):
    bad = peer("notes", "--month", "2026-13", ok=False)
    assert bad.exit_code == 1 and "--month" in bad.stderr


def test_checkin_carries_the_note_parts_and_signs(peer, query, people):
    peer("config", "set", "name", "Ana Ruiz")
    peer("config", "set", "credential", "CPRS")
    peer("plan", "add", "Sam", "get my license back")
    record = peer.json("checkin", "Sam", "--mode", "phone", "--minutes", "20", "--place",
                       "telephone", "--goal", "1", "--intervention", "Helped plan the DMV visit",
                       "--response", "Felt ready", "--next-step", "Call after the visit",
                       "--barc10", "6,5,4,5,6,4,5,6,3,5", "--sign")
    assert (record["place"], record["service_code"], record["service_kind"]) == (
        "phone", "H0038", "individual")
    assert record["barc10_total"] == 49 and len(record["goal_ids"]) == 1
    assert record["signed_by"] == "Ana Ruiz" and record["late"] is False
    note = peer.json("notes", "Sam")["notes"][0]["versions"][0]
    assert note["missing"] == [] and note["goals"] == ["G1 get my license back"]


def test_quick_checkin_stays_quick_and_waits_for_a_signature(peer, query, people):
    peer.json("checkin", "Sam", "--minutes", "20", "--mode", "phone")
    row = query("SELECT service_code, service_kind, signature_required, signed_at FROM checkins")[0]
    assert tuple(row) == ("H0038", "individual", 1, None)
    assert peer.json("notes", "unsigned")[0]["consumer_id"] == people[0]


def test_checkin_note_flags_are_checked_before_writing(peer, query, people):
    for args, message in [
        (["--barc10", "6,5,4"], "--barc10: '6,5,4' has 3 items"),
        (["--place", "moon"], "--place"),
        (["--service-code", "$$"], "--service-code"),
        (["--goal", "3"], "no goal 3"),
        (["--sign"], "peer config set name"),
    ]:
        result = peer("checkin", "Sam", "--mode", "phone", "--minutes", "20", *args, ok=False)
        assert result.exit_code == 1 and message in result.stderr, (args, result.stderr)
    assert query("SELECT count(*) FROM checkins")[0][0] == 0


def test_amending_carries_the_parts_and_can_change_them(peer, query, people):
    peer("plan", "add", "Sam", "find work")
    cid = peer.json("checkin", "Sam", "--mode", "in_person", "--minutes", "30", "--place",
                    "office", "--intervention", "practised an interview")["id"]
    amended = peer.json("checkin", "amend", str(cid), "--goal", "1", "--barc10", "3" * 10,
                        "--reason", "forgot the goal")
    assert amended["place"] == "office" and amended["intervention"] == "practised an interview"
    assert len(amended["goal_ids"]) == 1 and amended["barc10_total"] == 30
    same = peer("checkin", "amend", str(cid), "--place", "office", "--reason", "x", ok=False)
    assert "already has those values" in same.stderr


def test_the_month_document_renders_in_a_browser_when_one_is_installed(peer, people, tmp_path):
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no headless Chromium installed (chromium / chromium-browser not on PATH)")
    peer("notes", "group", "-a", "Sam", "-a", "Alex", "--minutes", "45", "--note", "Talked.")
    out = tmp_path / "notes.html"
    peer("notes", "--month", "2026-11", "--out", str(out))
    pdf = tmp_path / "notes.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
                    "--host-resolver-rules=MAP * ~NOTFOUND", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", out.as_uri()],
                   capture_output=True, timeout=90, check=False)
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_due_lists_unsigned_notes_past_the_deadline(peer, people, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-16T11:00:00")  # Monday
    cid = peer.json("checkin", "Sam", "--mode", "phone", "--minutes", "20", "--next", "1m")["id"]
    monkeypatch.setenv("PEER_NOW", "2026-11-18T11:00:00")  # the last day to sign on time
    assert not [i for i in peer.json("due") if i["consumer_id"] == people[0]]
    upcoming = [i for i in peer.json("due", "--days", "1") if i["consumer_id"] == people[0]]
    assert upcoming and upcoming[0]["due_on"] == "2026-11-19"
    monkeypatch.setenv("PEER_NOW", "2026-11-19T11:00:00")
    (sam,) = [i for i in peer.json("due") if i["consumer_id"] == people[0]]
    assert sam["reason"] == (f"note for check-in #{cid} (2026-11-16) unsigned, 3 business days "
                             "after the contact")
    peer("config", "set", "name", "Ana Ruiz")
    peer("notes", "sign", str(cid))
    assert not [i for i in peer.json("due") if i["consumer_id"] == people[0]]


def test_monthly_report_gains_notes_codes_reviews_and_barc10(peer, people, monkeypatch):
    peer("config", "set", "name", "Ana Ruiz")
    peer("config", "set", "plan-review-days", "30")
    monkeypatch.setenv("PEER_NOW", "2026-10-01T09:00:00")
    peer("plan", "add", "Sam", "a goal")
    peer("plan", "add", "Alex", "another goal")
    monkeypatch.setenv("PEER_NOW", "2026-11-02T10:00:00")  # Monday
    a = peer.json("checkin", "Sam", "--mode", "phone", "--minutes", "30",
                  "--barc10", "3" * 10)["id"]
    peer.json("checkin", "Sam", "--mode", "phone", "--minutes", "20", "--barc10", "4" * 10,
              "--service-code", "H2015", "--sign")
    peer.json("notes", "group", "-a", "Alex", "-a", "Jo", "--minutes", "60")
    peer("plan", "review", "Sam")
    monkeypatch.setenv("PEER_NOW", "2026-11-09T10:00:00")
    peer("notes", "sign", str(a))  # 5 business days later: late
    data = peer.json("report", "--month", "2026-11")
    assert data["units_by_service_code"] == {"H0038": 2, "H0038 HQ": 8, "H2015": 1}
    assert data["by_service_kind"] == {
        "individual": {"contacts": 2, "units": 3, "people": 1},
        "group": {"contacts": 2, "units": 8, "people": 2}}
    assert data["notes"] == {"under_signoff": 4, "signed": 2, "signed_late": 1, "unsigned": 2}
    assert data["plan_reviews"] == {"done": 1, "overdue": 1, "plans": 2}
    assert data["barc10"] == {"assessments": 2, "people": 1, "average_total": 35.0,
                              "average_change": 10.0, "change_people": 1}
    table = peer("report", "--month", "2026-11").stdout
    assert "Units by service code" in table and "2 of 4 (1 late, 2 unsigned)" in table
    csv_text = peer("report", "--month", "2026-11", "--format", "csv").stdout
    assert "units_by_service_code,H0038 HQ,8" in csv_text
