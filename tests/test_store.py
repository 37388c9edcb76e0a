"""The store: pragmas on every open, atomic migrations, all-or-nothing writes, clear lock errors."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from peercli.core.errors import PeerError
from peercli.store import db as store
from peercli.store import migrations


def test_every_open_sets_the_pragmas(tmp_path: Path):
    conn = store.open_db(tmp_path / "p.db")
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_migrations_are_recorded_and_versioned(tmp_path: Path):
    conn = store.open_db(tmp_path / "p.db")
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == migrations.MIGRATION_NAMES
    assert migrations.schema_version(conn) == migrations.SCHEMA_VERSION
    conn.close()
    # Opening again applies nothing and changes nothing.
    before = (tmp_path / "p.db").read_bytes()
    store.open_db(tmp_path / "p.db").close()
    assert (tmp_path / "p.db").read_bytes() == before


def test_a_failing_migration_leaves_no_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "p.db"
    monkeypatch.setattr(migrations, "MIGRATION_NAMES", [*migrations.MIGRATION_NAMES, "m999_broken"])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATION_NAMES))
    monkeypatch.setitem(migrations._STATEMENTS, "m999_broken",
                        lambda: ["CREATE TABLE half (x)", "THIS IS NOT SQL"])
    with pytest.raises(PeerError):
        store.open_db(path)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half" not in tables and "consumers" not in tables  # the whole upgrade rolled back
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0


def test_unknown_applied_migration_means_newer_peer(tmp_path: Path):
    path = tmp_path / "p.db"
    store.open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('peer', 'm900_future', 'x')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with pytest.raises(PeerError, match="newer version of peer"):
        store.open_db(path)


def test_write_is_all_or_nothing(tmp_path: Path):
    conn = store.open_db(tmp_path / "p.db")
    with pytest.raises(RuntimeError), store.write(conn):
        conn.execute("INSERT INTO consumers (name, created_at, updated_at) VALUES ('A', 'x', 'x')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == 0
    with store.write(conn):
        conn.execute("INSERT INTO consumers (name, created_at, updated_at) VALUES ('B', 'x', 'x')")
    assert conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == 1


def test_a_locked_database_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "p.db"
    store.open_db(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another peer process is mid-write
    try:
        monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)
        conn = store.open_db(path)
        with pytest.raises(PeerError, match="busy"), store.write(conn):
            pass
    finally:
        holder.execute("ROLLBACK")


def test_database_error_messages_never_carry_values():
    err = store.database_error(sqlite3.OperationalError("database is locked"))
    assert "busy" in err.message
    err = store.database_error(sqlite3.DatabaseError("file is not a database"))
    assert "peer db restore" in err.message


def test_two_processes_creating_a_new_database_both_succeed(tmp_path: Path):
    """The first open of a new file switches it to WAL; doing that twice at once must not fail."""
    import subprocess
    import sys

    code = (
        "import sys, pathlib\n"
        "from peercli.store.db import open_db, write\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"  # the gate: all four are released together
        "conn = open_db(pathlib.Path(sys.argv[1]))\n"
        "with write(conn):\n"
        "    conn.execute(\"INSERT INTO consumers (name, created_at, updated_at) "
        "VALUES ('x', 'x', 'x')\")\n"
    )
    # Three races of four processes each. All twelve start (and import) at once; each race
    # waits until its four are ready, then opens the gate for all four at the same instant.
    races = [[subprocess.Popen([sys.executable, "-c", code, str(tmp_path / f"new{race}.db")],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(4)]
             for race in range(3)]
    try:
        for race, procs in enumerate(races):
            for proc in procs:
                assert proc.stdout is not None and proc.stdout.readline() == "ready\n", \
                    proc.communicate(timeout=60)[1]
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            for proc in procs:
                _, err = proc.communicate(timeout=60)
                assert proc.returncode == 0, err
            conn = sqlite3.connect(tmp_path / f"new{race}.db")
            assert conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == 4
            conn.close()
    finally:
        for proc in (p for procs in races for p in procs):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _everything(path: Path) -> dict[str, object]:
    """A database's schema, settings and rows (the migration records without their times)."""
    conn = sqlite3.connect(path)
    try:
        dump: dict[str, object] = {
            pragma: conn.execute(f"PRAGMA {pragma}").fetchone()[0]
            for pragma in ("user_version", "journal_mode", "page_size", "auto_vacuum",
                           "encoding", "application_id")}
        dump["schema"] = sorted((tuple(r) for r in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master")), key=repr)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
            "'CREATE VIRTUAL TABLE%'")]
        for table in tables:
            rows = [tuple(r) for r in conn.execute(f'SELECT * FROM "{table}"')]
            if table == "_sqlite_migrations":
                rows = [r[:-1] for r in rows]  # (id, migration_set, name, applied_at)
            dump[table] = sorted(rows, key=repr)
        dump["mode"] = oct(path.stat().st_mode & 0o777)
        return dump
    finally:
        conn.close()


def test_the_test_suites_template_database_is_what_migrating_makes(tmp_path: Path, db_templates):
    """Most tests get their new database as a copy of a template that the real migrations made
    once per session (tests/conftest.py); that copy must be exactly a newly migrated database."""
    from peercli.store import cipher

    real = tmp_path / "real" / "peer.db"
    store.open_db(real).close()  # this module always migrates for real
    kind = "plain" if cipher.file_kind(real) == "plain" else "encrypted"
    copied = tmp_path / "copy" / "peer.db"
    copied.parent.mkdir()
    shutil.copyfile(db_templates.files[kind], copied)
    store.open_db(copied).close()
    assert cipher.file_kind(copied) == cipher.file_kind(real)
    assert _everything(copied) == _everything(real)
