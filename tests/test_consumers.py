"""Consumer commands driven as a specialist would, asserting on the stored data and the JSON."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest


def add_sam(peer) -> dict:
    return peer.json(
        "consumer", "add", "Sam Rivera", "--interests", "bereavement, walking, falconry",
        "--available", "Tue evening", "--available", "Sat 10-14; Sun morning",
        "--formats", "in_person,online", "--languages", "English, Spanish",
        "--consent", "store,contact", "--phone", "555-0100", "--postal-code", "97401",
        "--access", "wheelchair", "--eligible", "woman, veteran", "--goal", "make friends",
        "--every", "2w",
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_add_with_flags_stores_normalized_record(peer, query):
    record = add_sam(peer)
    assert record["name"] == "Sam Rivera"
    assert record["interests"] == ["grief", "walking", "falconry"]
    assert record["availability"] == [
        {"day": "TU", "start": "17:00", "end": "21:00"},
        {"day": "SA", "start": "10:00", "end": "14:00"},
        {"day": "SU", "start": "08:00", "end": "12:00"},
    ]
    assert record["formats"] == ["in_person", "online"]
    assert record["languages"] == ["en", "es"]
    assert record["status"] == "active"
    assert record["cadence_days"] == 14
    assert record["access_needs"] == ["wheelchair"]
    assert record["eligible"] == ["women", "veterans"]
    assert record["consent"]["store"]["granted"] is True
    assert "share" not in record["consent"]
    rows = query("SELECT topic FROM consumer_interests WHERE consumer_id = ?", record["id"])
    assert sorted(r["topic"] for r in rows) == ["falconry", "grief", "walking"]
    assert query("SELECT count(*) AS n FROM consumer_availability")[0]["n"] == 3


def test_unknown_interest_is_kept_and_reported(peer):
    result = peer("consumer", "add", "Ana", "--interests", "grief, falconry")
    assert "falconry" in result.stderr
    assert "not in the vocabulary" in result.stderr


def test_add_human_output_echoes_canonical_availability(peer):
    result = peer("consumer", "add", "Jo", "--available", "weekdays 17:00-21:00")
    assert "Added consumer #1 Jo" in result.stdout  # what was done: stdout
    assert "free: Weekdays 17:00-21:00" in result.stdout
    assert "Note: no consent recorded yet" in result.stderr and "Note" not in result.stdout


def test_list_show_edit_archive_roundtrip(peer, query):
    sam = add_sam(peer)
    peer("consumer", "add", "Alex Chen", "--interests", "anxiety", "--consent", "all")
    listed = peer.json("consumer", "list")
    assert [r["name"] for r in listed] == ["Alex Chen", "Sam Rivera"]
    for key in ("id", "name", "interests", "availability", "formats", "languages", "status"):
        assert key in listed[0]

    shown = peer.json("consumer", "show", "sam")
    assert shown["id"] == sam["id"]
    assert [e["kind"] for e in shown["consent_history"]] == ["store", "contact"]

    edited = peer.json("consumer", "edit", "Sam", "--interests", "AA", "--every", "3",
                       "--available", "anytime")
    assert edited["interests"] == ["alcohol-recovery"]
    assert edited["cadence_days"] == 3
    assert len(edited["availability"]) == 7
    assert edited["languages"] == ["en", "es"]  # untouched

    peer("consumer", "archive", "Sam", "--yes")
    assert [r["name"] for r in peer.json("consumer", "list")] == ["Alex Chen"]
    assert len(peer.json("consumer", "list", "--all")) == 2
    assert query("SELECT status FROM consumers WHERE id = ?", sam["id"])[0]["status"] == "archived"
    peer("consumer", "archive", "Sam", "--undo")
    assert len(peer.json("consumer", "list")) == 2


def test_show_human_states_consent_and_when(peer):
    add_sam(peer)
    out = peer("consumer", "show", "1").stdout
    assert "Sam Rivera" in out
    assert "granted" in out and "not recorded" in out  # store/contact granted, share not
    assert "Tue 17:00-21:00" in out


def test_consent_grant_and_revoke_is_append_only_history(peer, query):
    add_sam(peer)
    peer("consumer", "consent", "Sam", "grant", "share", "--note", "signed form")
    state = peer.json("consumer", "consent", "Sam", "revoke", "contact")
    assert state["consent"]["share"]["granted"] is True
    assert state["consent"]["contact"]["granted"] is False
    kinds = [(r["kind"], r["granted"]) for r in query("SELECT kind, granted FROM consents ORDER BY id")]
    assert kinds == [("store", 1), ("contact", 1), ("share", 1), ("contact", 0)]


def test_audit_rows_name_fields_never_values(peer, query):
    add_sam(peer)
    peer("consumer", "edit", "Sam", "--phone", "555-0199")
    rows = query("SELECT action, entity, fields FROM audit ORDER BY id")
    assert ("create", "consumer") == (rows[0]["action"], rows[0]["entity"])
    assert "phone" in json.loads(rows[0]["fields"])
    assert any(r["action"] == "update" and json.loads(r["fields"]) == ["phone"] for r in rows)
    dump = json.dumps([dict(r) for r in rows])
    assert "Sam" not in dump and "555-0199" not in dump


def test_audit_is_append_only(peer, db_path):
    import sqlite3

    add_sam(peer)
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["consumer", "add", "Ana", "--available", "Funday 9-5"], "Funday"),
        (["consumer", "add", "Ana", "--available", "Tue 25:00-26:00"], "25:00"),
        (["consumer", "add", ""], "name is empty"),
        (["consumer", "add", "   "], "name is empty"),
        (["consumer", "add", "Ana", "--formats", "carrier pigeon"], "--formats"),
        (["consumer", "add", "Ana", "--languages", "Klingon"], "Klingon"),
        (["consumer", "add", "Ana", "--consent", "everything"], "--consent"),
        (["consumer", "add", "Ana", "--every", "often"], "--every"),
        (["consumer", "add", "Ana", "--email", "nope"], "--email"),
        (["consumer", "show", "Nobody"], "no consumer matches 'Nobody'"),
        (["consumer", "show", "99"], "no consumer with id 99"),
        (["consumer", "show", "Sam"], "matches several consumers"),
        (["consumer", "edit", "Sam R", "--interests", "art"], "matches several consumers"),
        (["consumer", "edit", "Sam Rivera"], "nothing to change"),
        (["consumer", "edit", "Sam Rivera", "--available", "Tue 9-8am"], "--available"),
        (["consumer", "archive", "Sam Rivera"], "--yes"),
        (["consumer", "consent", "Sam Rivera", "grant"], "missing KIND"),
        (["consumer", "consent", "Sam Rivera", "allow", "share"], "grant or revoke"),
        (["consumer", "consent", "Sam Rivera", "grant", "share", "--expires", "soon"], "--expires"),
    ],
)
def test_bad_input_is_refused_and_database_untouched(peer, db_path, args, message):
    peer("consumer", "add", "Sam Rivera", "--consent", "store")
    peer("consumer", "add", "Sam Rae")
    before = digest(db_path)
    result = peer(*args, ok=False)
    usage = message in ("nothing to change", "missing KIND")  # the command line lacks a part
    assert result.exit_code == (2 if usage else 1), result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert digest(db_path) == before


def test_ambiguity_lists_candidates_and_exact_name_wins(peer):
    peer("consumer", "add", "Sam")
    peer("consumer", "add", "Samira")
    assert peer.json("consumer", "show", "sam")["name"] == "Sam"
    result = peer("consumer", "show", "sa", ok=False)
    assert "#1 Sam" in result.stderr and "#2 Samira" in result.stderr


def test_off_terminal_add_without_name_names_the_missing_field(peer, db_path):
    result = peer("consumer", "add", "--interests", "grief", ok=False)
    assert result.exit_code == 2  # a missing argument is a usage error
    assert "missing NAME" in result.stderr
    assert not db_path.exists() or peer.json("consumer", "list") == []


def test_no_input_env_never_prompts(peer, monkeypatch):
    from peercli.cli import runtime

    monkeypatch.setattr(runtime.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("PEER_NO_INPUT", "1")
    result = peer("consumer", "add", ok=False)
    assert "missing NAME" in result.stderr


def test_files_are_private_whatever_the_umask(peer, db_path):
    import os

    old = os.umask(0o022)
    try:
        add_sam(peer)
    finally:
        os.umask(old)
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db_path}{suffix}")
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix


def test_db_path_honours_flag_env_and_default(peer, tmp_path, monkeypatch):
    assert peer("db", "path").stdout.strip() == str(tmp_path / "data" / "peer.db")
    other = tmp_path / "elsewhere.db"
    assert peer("--db", str(other), "db", "path").stdout.strip() == str(other)
    monkeypatch.delenv("PEER_DB")
    assert peer("db", "path").stdout.strip() == str(tmp_path / "xdg-data" / "peer" / "peer.db")


def test_newer_database_is_refused_and_not_modified(peer, db_path):
    import sqlite3

    add_sam(peer)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = digest(db_path)
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1
    assert "newer version of peer" in result.stderr
    assert digest(db_path) == before


def test_not_a_database_gives_a_clear_message(peer, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(b"this is not sqlite" * 100)
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1
    assert "not a readable peer database" in result.stderr
    assert "peer db restore" in result.stderr


def test_unusable_directory_is_a_clear_error(peer, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = peer("--db", str(blocker / "sub" / "peer.db"), "consumer", "list", ok=False)
    assert result.exit_code == 1
    assert "cannot create the data directory" in result.stderr
    assert "Traceback" not in result.output


def test_usage_error_exits_2(peer):
    result = peer("consumer", "add", "Ana", "--no-such-flag", ok=False)
    assert result.exit_code == 2


def test_python_dash_m_runs(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "peercli", "db", "path"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip().endswith("peer.db")


def test_topics_prints_one_topic_per_line(peer):
    lines = peer("topics").stdout.strip().splitlines()
    assert len(lines) >= 40
    assert any(line.startswith("grief\t") and "bereavement" in line for line in lines)


def test_stored_windows_render_like_the_availability_module(peer):
    from peercli.core.availability import parse_availability_many, window_to_dict

    phrases = ["weekends", "Mon/Wed 9am-noon", "Fri 17:30-21:45", "anytime"]
    for i, phrase in enumerate(phrases):
        record = peer.json("consumer", "add", f"P{i}", "--available", phrase)
        assert record["availability"] == [window_to_dict(w)
                                          for w in parse_availability_many([phrase])]
