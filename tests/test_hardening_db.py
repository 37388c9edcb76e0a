"""Issue 12, database integrity: foreign and tampered databases refused everywhere, the consent
history and audit log append-only in the schema, ids never reused, no empty database created
silently where one existed, restore leftovers swept."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from peercli.store import migrations


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_next_to(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


@pytest.fixture
def populated(peer, db_path, monkeypatch) -> Path:
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    peer("consumer", "add", "Sam", "--phone", "555-0100")
    peer("consumer", "consent", "1", "grant", "store,contact,share")
    peer("consumer", "add", "Jo")
    return db_path


# ---------------------------------------------------------------------------------------------
# Item 4: another application's SQLite file is never touched, even by read-only commands


def make_foreign(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('beach.jpg')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("args", [
    ("consumer", "list"), ("group", "list"), ("due",), ("report",), ("consumer", "add", "Ann"),
    ("db", "check"), ("timeline", "1"), (),
])
def test_foreign_sqlite_file_is_refused_untouched(peer, tmp_path, args):
    other = tmp_path / "photos.db"
    make_foreign(other)
    before, listing = digest(other), files_next_to(other)
    result = peer("--db", str(other), *args, ok=False)
    assert result.exit_code == 1, result.stdout
    assert "not a peer database" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert digest(other) == before
    assert files_next_to(other) == listing  # no -wal, no -shm left behind
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_empty_file_at_db_path_becomes_a_database(peer, tmp_path):
    empty = tmp_path / "new.db"
    empty.touch()
    peer("--db", str(empty), "consumer", "add", "Ann")
    assert peer.json("--db", str(empty), "consumer", "list")[0]["name"] == "Ann"


# ---------------------------------------------------------------------------------------------
# Item 8: tampered databases (as a restore source, as the database in use, under db check)

TAMPERS = {
    "copy-trigger": [
        "CREATE TABLE shadow (name TEXT)",
        ("CREATE TRIGGER grab AFTER INSERT ON consumers BEGIN "
        "INSERT INTO shadow VALUES (new.name); END"),
    ],
    "extra-view": ["CREATE VIEW everyone AS SELECT name, phone FROM consumers"],
    "extra-table": ["CREATE TABLE notes_copy (t TEXT)"],
    "extra-index": ["CREATE INDEX consumers_name ON consumers(name)"],
    "dropped-audit-trigger": ["DROP TRIGGER audit_no_delete"],
    "dropped-consent-trigger": ["DROP TRIGGER consents_no_update"],
    "replaced-view": [
        "DROP VIEW effective_checkins",
        "CREATE VIEW effective_checkins AS SELECT * FROM checkins WHERE 0",
    ],
    "migrations-trigger": [
        ("CREATE TRIGGER wipe AFTER INSERT ON _sqlite_migrations BEGIN "
        "DELETE FROM consumers; END"),
    ],
    "consumers-delete-trigger": [
        "CREATE TRIGGER wipe2 AFTER UPDATE ON consumers BEGIN DELETE FROM checkins; END",
    ],
    "altered-table": ["ALTER TABLE consumers ADD COLUMN ssn TEXT"],
    "dropped-index": ["DROP INDEX checkins_consumer"],
}


def tamper(path: Path, statements: list[str]) -> None:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def make_fake(path: Path) -> None:
    """The right tables' names, migration records and user_version; nothing else right."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
                 "name TEXT, applied_at TEXT)")
    for name in migrations.MIGRATION_NAMES:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('peer', ?, 'x')", (name,))
    for table in ("consumers", "groups", "audit"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", [*TAMPERS, "fake"])
def test_tampered_backup_is_not_restored(peer, populated, tmp_path, kind):
    backup = tmp_path / "b.db"
    if kind == "fake":
        make_fake(backup)
    else:
        peer("db", "backup", str(backup))
        tamper(backup, TAMPERS[kind])
    before, src_before = digest(populated), digest(backup)
    listing = files_next_to(populated)
    result = peer("db", "restore", str(backup), "--yes", ok=False)
    assert result.exit_code == 1
    assert "schema" in result.stderr or "not a peer database" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(populated) == before and files_next_to(populated) == listing
    assert digest(backup) == src_before
    assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}-shm").exists()
    assert sorted(c["name"] for c in peer.json("consumer", "list")) == ["Jo", "Sam"]


@pytest.mark.parametrize("kind", [*TAMPERS, "fake"])
def test_tampered_database_in_use_is_refused_and_fails_check(peer, populated, kind):
    if kind == "fake":
        populated.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{populated}{suffix}").unlink(missing_ok=True)
        make_fake(populated)
    else:
        tamper(populated, TAMPERS[kind])
    before = digest(populated)
    added = peer("consumer", "add", "Kim", ok=False)
    assert added.exit_code == 1 and "Traceback" not in added.stderr
    assert "schema" in added.stderr
    listed = peer("consumer", "list", ok=False)
    assert listed.exit_code == 1
    assert digest(populated) == before
    check = peer("db", "check", "--json", ok=False)
    assert check.exit_code == 1
    import json

    data = json.loads(check.stdout)
    assert data["ok"] is False
    schema = [c for c in data["checks"] if c["name"] == "schema"]
    assert schema and schema[0]["ok"] is False
    assert digest(populated) == before


def test_check_reports_schema_ok_on_a_healthy_database(peer, populated):
    data = peer.json("db", "check")
    assert data["ok"] is True
    assert next(c for c in data["checks"] if c["name"] == "schema")["ok"] is True


def test_reference_schema_is_what_peer_creates(tmp_path):
    from peercli.store.db import open_db

    conn = open_db(tmp_path / "x.db")
    assert migrations.schema_problems(conn) == []
    conn.close()


# ---------------------------------------------------------------------------------------------
# Item 9: consents append-only, audit rows never replaced


def test_consent_history_is_append_only_in_the_schema(populated):
    conn = sqlite3.connect(populated)
    for sql in ("UPDATE consents SET granted = 0",
                "DELETE FROM consents",
                ("INSERT OR REPLACE INTO consents (id, consumer_id, kind, granted, at) "
                "VALUES (1, 1, 'store', 0, 'x')"),
                ("REPLACE INTO consents (id, consumer_id, kind, granted, at) "
                "VALUES (1, 1, 'store', 0, 'x')")):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    assert conn.execute("SELECT count(*) FROM consents WHERE granted = 1").fetchone()[0] == 3
    conn.close()


def test_audit_rows_cannot_be_replaced(populated):
    conn = sqlite3.connect(populated)
    first = conn.execute("SELECT * FROM audit WHERE id = 1").fetchone()
    for sql in (("INSERT OR REPLACE INTO audit (id, at, os_user, action, entity) "
                "VALUES (1, 'x', 'x', 'x', 'x')"),
                ("REPLACE INTO audit (id, at, os_user, action, entity) "
                "VALUES (1, 'x', 'x', 'x', 'x')"),
                "UPDATE audit SET action = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    assert conn.execute("SELECT * FROM audit WHERE id = 1").fetchone() == first
    conn.close()


def test_forget_still_erases_the_consent_history(peer, populated, query):
    peer("consumer", "forget", "1", "--yes")
    assert query("SELECT count(*) FROM consents")[0][0] == 0


# ---------------------------------------------------------------------------------------------
# Item 11: ids are never reused


def test_ids_are_not_reused_after_forget(peer, populated):
    peer("consumer", "forget", "2", "--yes")
    peer("consumer", "add", "Lee")
    assert sorted((c["id"], c["name"]) for c in peer.json("consumer", "list")) == [(1, "Sam"),
                                                                            (3, "Lee")]


def make_v3(path: Path) -> None:
    """A database as peer schema 3 wrote it, with ids 1, 2 and 5 (3 and 4 erased earlier)."""
    from sqlite_utils import Database, Migrations

    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    m = Migrations("peer")
    for name in migrations.MIGRATION_NAMES[:3]:
        m(name=name)(lambda db, n=name: migrations.run_migration(db.conn, n))
    m.apply(Database(conn))
    conn.execute("PRAGMA user_version = 3")
    for cid, name in ((1, "Ann"), (2, "Bo"), (5, "Cy")):
        conn.execute("INSERT INTO consumers (id, name, created_at, updated_at) "
                     "VALUES (?, ?, 'x', 'x')", (cid, name))
        conn.execute("INSERT INTO consents (consumer_id, kind, granted, at) "
                     "VALUES (?, 'store', 1, 'x')", (cid,))
        conn.execute("INSERT INTO checkins (consumer_id, at, mode, minutes, units, created_at) "
                     "VALUES (?, '2026-01-01T10:00', 'phone', 15, 1, 'x')", (cid,))
    conn.execute("INSERT INTO audit (at, os_user, action, entity) VALUES ('x', 'u', 'a', 'e')")
    conn.close()


def test_upgrade_keeps_every_id_and_row_and_stops_reuse(peer, db_path):
    make_v3(db_path)
    assert [c["id"] for c in peer.json("consumer", "list")] == [1, 2, 5]
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    assert conn.execute("SELECT consumer_id FROM consents ORDER BY id").fetchall() == [
        (1,), (2,), (5,)]
    assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 3
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert migrations.schema_problems(conn) == []
    conn.close()
    peer("consumer", "forget", "5", "--yes")
    peer("consumer", "add", "Dee")
    assert [c["id"] for c in peer.json("consumer", "list")][-1] == 6


# ---------------------------------------------------------------------------------------------
# Item 2 (the open side): no empty database where one existed; leftovers swept


def test_missing_database_with_restore_leftover_is_not_replaced_silently(peer, populated):
    aside = populated.with_name("peer.db.before-restore-20261121-100000")
    os.replace(populated, aside)
    for suffix in ("-wal", "-shm"):
        Path(f"{populated}{suffix}").unlink(missing_ok=True)
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1 and "interrupted" in result.stderr
    assert str(aside) in result.stderr
    assert not populated.exists()


def test_missing_database_with_its_wal_is_not_replaced_silently(peer, populated):
    conn = sqlite3.connect(populated)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO groups (source, source_key, name, created_at, updated_at) "
                 "VALUES ('s', 'k', 'G', 'x', 'x')")
    conn.commit()
    wal = Path(f"{populated}-wal")
    assert wal.stat().st_size > 0
    os.replace(populated, populated.with_name("moved.db"))
    result = peer("due", ok=False)
    conn.close()
    assert result.exit_code == 1 and "write-ahead log" in result.stderr
    assert not populated.exists()


def test_stale_staged_restore_copy_is_swept(peer, populated):
    staged = populated.with_name(".peer.db.restore-20261121-090000")
    staged.write_bytes(populated.read_bytes())
    peer("consumer", "list")
    assert not staged.exists()


def test_staged_copy_of_a_running_restore_is_left_alone(peer, populated):
    import fcntl

    staged = populated.with_name(".peer.db.restore-20261121-090000")
    staged.write_bytes(b"x")
    fd = os.open(staged, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        peer("consumer", "list")
        assert staged.exists()
    finally:
        os.close(fd)
