"""Issue 12, backup and restore: unique names, an atomic swap, nothing written next to the
source, crash leftovers."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

NOW = "2026-11-21T10:00"


def names_in(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM consumers"))
    finally:
        conn.close()


@pytest.fixture
def two(peer, db_path, monkeypatch, tmp_path) -> Path:
    """A database with Sam and Jo, and a backup holding only Sam."""
    monkeypatch.setenv("PEER_NOW", NOW)
    peer("consumer", "add", "Sam")
    backup = tmp_path / "only-sam.db"
    peer("db", "backup", str(backup))
    peer("consumer", "add", "Jo")
    return backup


def test_two_restores_in_one_second_keep_both_previous_databases(peer, two, db_path):
    first = peer.json("db", "restore", str(two), "--yes")
    peer("consumer", "add", "Kim")
    second = peer.json("db", "restore", str(two), "--yes")
    assert first["previous"] != second["previous"]
    assert names_in(Path(first["previous"])) == ["Jo", "Sam"]
    assert names_in(Path(second["previous"])) == ["Kim", "Sam"]
    assert names_in(db_path) == ["Sam"]


def test_a_restore_killed_before_the_swap_leaves_the_database_in_place(
        peer, two, db_path, monkeypatch):
    from peercli.store import backup

    real_replace = os.replace

    def killed(src, dst, *a, **k):
        if Path(dst) == db_path:
            raise KeyboardInterrupt  # the process dies between the steps
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(backup.os, "replace", killed)
    result = peer("db", "restore", str(two), "--yes", ok=False)
    assert result.exit_code != 0
    monkeypatch.setattr(backup.os, "replace", real_replace)
    assert db_path.exists()
    assert sorted(c["name"] for c in peer.json("consumer", "list")) == ["Jo", "Sam"]
    hidden = [n for n in os.listdir(db_path.parent) if n.startswith(".")]
    assert hidden == []  # no full hidden copy left behind


def test_restore_writes_nothing_next_to_the_source(peer, two, db_path, tmp_path):
    # A copy of a live (WAL mode) database file, as a user might pass it.
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    live_copy = src_dir / "copy.db"
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    live_copy.write_bytes(db_path.read_bytes())
    before = sorted(os.listdir(src_dir))
    peer("db", "restore", str(live_copy), "--yes")
    assert sorted(os.listdir(src_dir)) == before
    peer("db", "restore", str(two), "--yes")
    assert sorted(os.listdir(two.parent)) == sorted(os.listdir(two.parent))
    assert not Path(f"{two}-wal").exists() and not Path(f"{two}-shm").exists()


def test_restore_leaves_no_wal_or_shm_of_the_old_database(peer, two, db_path):
    peer("db", "restore", str(two), "--yes")
    peer("consumer", "list")
    assert names_in(db_path) == ["Sam"]
    assert peer.json("db", "check")["ok"] is True


def test_two_backups_in_one_second_get_two_names(peer, two, db_path):
    a = peer.json("db", "backup")["path"]
    b = peer.json("db", "backup")["path"]
    assert a != b and Path(a).exists() and Path(b).exists()
    assert names_in(Path(a)) == names_in(Path(b)) == ["Jo", "Sam"]


def test_backup_to_a_symlink_is_refused(peer, two, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    link = tmp_path / "link.db"
    link.symlink_to(target)
    result = peer("db", "backup", str(link), ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert target.read_text() == "keep me"


def test_restore_of_the_database_itself_through_a_link_is_refused(peer, two, db_path, tmp_path):
    link = tmp_path / "same.db"
    os.link(db_path, link)
    result = peer("db", "restore", str(link), "--yes", ok=False)
    assert result.exit_code == 1 and "in use" in result.stderr


def test_forget_reports_the_copies_peer_made_that_still_hold_the_person(peer, two, db_path):
    made = Path(peer.json("db", "backup")["path"])  # holds Sam and Jo
    peer("db", "restore", str(made), "--yes")  # keeps a before-restore copy (Sam and Jo)
    aside = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    jo = next(c["id"] for c in peer.json("consumer", "list") if c["name"] == "Jo")
    data = peer.json("consumer", "forget", str(jo), "--yes")
    assert sorted(data["copies_still_holding"]) == sorted(str(p) for p in [made, *aside])
    human = peer("consumer", "forget", "Sam", "--yes")
    assert str(made) in human.stderr
