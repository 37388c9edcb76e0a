"""A restore never brings back a person erased with 'peer consumer forget': the erasures of the
current database (and of the backup's own audit) are applied again inside the restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

NAME, PHONE, NOTE = "Zebedee Quartermain", "555-0199-7731", "xylophone marmalade secret"
CHECKIN_NOTE = "purple heron confession"
TABLES = {"consumers": "id", "consumer_interests": "consumer_id",
          "consumer_availability": "consumer_id", "consents": "consumer_id",
          "checkins": "consumer_id", "referrals": "consumer_id", "attendance": "consumer_id"}


@pytest.fixture
def backed_up(peer, db_path, tmp_path, monkeypatch) -> dict:
    """Two people, a backup holding both, then Zebedee forgotten."""
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    zeb = peer.json("consumer", "add", NAME, "--phone", PHONE, "--note", NOTE,
                    "--interests", "grief, walking", "--available", "Tue evening",
                    "--consent", "store,contact")
    peer.json("checkin", "log", str(zeb["id"]), "--mode", "phone", "--minutes", "20",
              "--note", CHECKIN_NOTE)
    ana = peer.json("consumer", "add", "Ana Other", "--consent", "all")
    backup = tmp_path / "before.db"
    peer("db", "backup", str(backup))
    peer("consumer", "forget", str(zeb["id"]), "--yes")
    return {"zeb": zeb["id"], "ana": ana["id"], "backup": backup}


def _no_trace(db_path: Path, zeb: int) -> None:
    conn = sqlite3.connect(db_path)
    try:
        for table, column in TABLES.items():
            n = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (zeb,))
            assert n.fetchone()[0] == 0, table
        names = [r[0] for r in conn.execute("SELECT name FROM consumers")]
        assert names == ["Ana Other"]
        tomb = conn.execute("SELECT entity_id, fields FROM audit WHERE action = 'forget' "
                            "AND entity = 'consumer'").fetchall()
        assert tomb == [(str(zeb), "[]")]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    for path in db_path.parent.iterdir():
        if path.name.startswith(db_path.name) and "before-restore" not in path.name:
            data = path.read_bytes()
            for secret in (NAME, "Zebedee", PHONE, NOTE, CHECKIN_NOTE):
                assert secret.encode() not in data, (secret, path.name)


def test_restoring_an_older_backup_keeps_the_forgotten_person_erased(peer, backed_up,
                                                                     db_path):
    assert NAME.encode() in backed_up["backup"].read_bytes()  # the test can fail
    result = peer.json("db", "restore", str(backed_up["backup"]), "--yes")
    assert result["kept_erased"] == 1
    _no_trace(db_path, backed_up["zeb"])
    assert [c["name"] for c in peer.json("consumer", "list")] == ["Ana Other"]
    # restoring again (the erasure is now in the restored file's own audit) keeps it erased
    again = peer.json("db", "restore", str(backed_up["backup"]), "--yes")
    assert again["kept_erased"] == 1
    _no_trace(db_path, backed_up["zeb"])


def test_restore_says_how_many_were_kept_erased_never_who(peer, backed_up):
    out = peer("db", "restore", str(backed_up["backup"]), "--yes").output
    assert "1 person forgotten" in out and "erased again" in out
    assert "Zebedee" not in out


def test_a_backup_newer_than_nothing_reports_none_kept(peer, db_path, tmp_path):
    peer.json("consumer", "add", "Ana Other", "--consent", "all")
    backup = tmp_path / "b.db"
    peer("db", "backup", str(backup))
    assert peer.json("db", "restore", str(backup), "--yes")["kept_erased"] == 0
    assert [c["name"] for c in peer.json("consumer", "list")] == ["Ana Other"]


def test_the_restore_question_counts_people_without_the_erased(backed_up, db_path):
    from peercli.store.erasure import erased_ids
    from peercli.store.snapshot import summarize_backup

    conn = sqlite3.connect(db_path)
    try:
        erased = erased_ids(conn)
    finally:
        conn.close()
    assert erased == {backed_up["zeb"]}
    holds, _ = summarize_backup(backed_up["backup"], None, None, erased)
    assert holds.people.count == 1 and holds.checkins.count == 0
    holds, _ = summarize_backup(backed_up["backup"], None, None)
    assert holds.people.count == 2
