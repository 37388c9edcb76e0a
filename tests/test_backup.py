"""peer db backup / restore / check, including a damaged database at the database path."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest

NOW = "2026-11-21T10:00"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM consumers ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def sam(peer, monkeypatch) -> None:
    monkeypatch.setenv("PEER_NOW", NOW)
    peer("consumer", "add", "Sam", "--phone", "555-0100")


def test_backup_default_location_private_and_verified(peer, sam, db_path):
    result = peer.json("db", "backup")
    backup = db_path.parent / "backups" / "peer-20261121-100000.db"
    assert result["path"] == str(backup) and result["integrity"] == "ok"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert names_in(backup) == ["Sam"]
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    assert not Path(f"{backup}-wal").exists()
    again = peer("db", "backup", str(backup), ok=False)  # never overwrites
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_backup_then_restore_round_trip(peer, sam, db_path, tmp_path, monkeypatch):
    backup = tmp_path / "b" / "copy.db"
    peer("db", "backup", str(backup))
    peer("consumer", "add", "Jo")
    monkeypatch.setenv("PEER_NOW", "2026-11-22T08:30")
    result = peer.json("db", "restore", str(backup), "--yes")
    aside = db_path.with_name("peer.db.before-restore-20261122-083000")
    assert result["previous"] == str(aside) and result["schema_version"] >= 1
    assert [c["name"] for c in peer.json("consumer", "list")] == ["Sam"]
    assert names_in(aside) == ["Sam", "Jo"]  # nothing is lost: the old file is kept
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert not db_path.with_name(".peer.db.restore-20261122-083000").exists()
    assert peer.json("db", "check")["ok"] is True


def test_restore_needs_yes_off_a_terminal(peer, sam, db_path, tmp_path):
    backup = tmp_path / "copy.db"
    peer("db", "backup", str(backup))
    before = digest(db_path)
    result = peer("db", "restore", str(backup), ok=False)
    assert result.exit_code == 1 and "--yes" in result.stderr
    assert digest(db_path) == before


def make_foreign(path: Path, user_version: int = 0, peer_tables: bool = False) -> None:
    conn = sqlite3.connect(path)
    if peer_tables:
        for table in ("consumers", "groups", "audit"):
            conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    else:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind, message", [
    ("text", "not an SQLite database"),
    ("missing", "no file"),
    ("other-app", "not a peer database"),
    ("newer", "newer peer"),
    ("damaged", "damaged"),
])
def test_restore_refuses_bad_files_and_changes_nothing(peer, sam, db_path, tmp_path, kind,
                                                       message):
    bad = tmp_path / f"{kind}.db"
    if kind == "text":
        bad.write_text("name,phone\nSam,555\n", encoding="utf-8")
    elif kind == "other-app":
        make_foreign(bad)
    elif kind == "newer":
        make_foreign(bad, user_version=99, peer_tables=True)
    elif kind == "damaged":
        peer("db", "backup", str(bad))
        data = bytearray(bad.read_bytes())
        page = 4096
        for offset in range(2 * page, len(data) - page, page):  # scribble on every b-tree page
            data[offset:offset + 64] = b"\xff" * 64
        bad.write_bytes(bytes(data))
    before = digest(db_path)
    result = peer("db", "restore", str(bad), "--yes", ok=False)
    assert result.exit_code == 1
    assert message in result.stderr or (kind == "damaged" and "readable" in result.stderr), \
        result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir() if "restore" in p.name) == []


def test_damaged_database_points_to_restore_and_restore_still_works(peer, sam, db_path,
                                                                    tmp_path):
    backup = tmp_path / "good.db"
    peer("db", "backup", str(backup))
    db_path.write_bytes(b"this is not a database at all" * 200)
    broken = peer("consumer", "list", ok=False)
    assert broken.exit_code == 1 and "peer db restore" in broken.stderr
    assert peer("db", "path").stdout.strip() == str(db_path)
    check = peer("db", "check", ok=False)
    assert check.exit_code == 1 and "peer db restore" in check.stdout
    assert "Traceback" not in check.output + check.stderr
    peer("db", "restore", str(backup), "--yes")
    assert [c["name"] for c in peer.json("consumer", "list")] == ["Sam"]


def test_check_reports_each_problem(peer, sam, db_path):
    data = peer.json("db", "check")
    assert data["ok"] is True
    checks = {c["name"]: c for c in data["checks"]}
    assert {"integrity", "foreign keys", "schema version", "journal mode", "sqlite library",
            "permissions: data directory", "permissions: peer.db"} <= set(checks)
    assert checks["journal mode"]["detail"] == "wal"
    db_path.chmod(0o644)
    loose = peer("db", "check", "--json", ok=False)
    assert loose.exit_code == 1
    import json

    failed = [c["name"] for c in json.loads(loose.stdout)["checks"] if not c["ok"]]
    assert failed == ["permissions: peer.db"]
    assert failed == ["permissions: peer.db"]
    db_path.chmod(0o600)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO consumer_interests (consumer_id, topic) VALUES (999, 'grief')")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    result = peer("db", "check", "--json", ok=False)
    failed = {c["name"]: c["detail"] for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert set(failed) == {"foreign keys", "schema version"}
    assert "consumer_interests" in failed["foreign keys"] and "99" in failed["schema version"]


def test_check_without_a_database(peer, db_path):
    result = peer("db", "check", ok=False)
    assert result.exit_code == 1 and "no database" in result.stdout
    assert not db_path.exists()
