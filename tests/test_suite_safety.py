"""The test suite's own safety net and speed-up (tests/conftest.py): no test may touch the
user's real peer folders, and new databases are copies of a really migrated template."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import platformdirs

CONFTEST = Path(__file__).with_name("conftest.py")


def test_no_test_sees_the_real_home(tmp_path: Path):
    assert Path(os.environ["HOME"]).is_relative_to(tmp_path)
    for where in (platformdirs.user_data_path("peer"), platformdirs.user_config_path("peer")):
        assert where.is_relative_to(tmp_path)


def test_the_guard_fails_a_test_that_writes_into_the_real_data_folder(tmp_path: Path):
    """Run a small suite under this conftest with a stand-in for the user's real home: the test
    that points HOME back at it and runs peer is refused the folder and fails, naming it; the
    others pass; nothing is created there."""
    real_home = tmp_path / "real-home"
    real_home.mkdir()
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"), encoding="utf-8")
    (suite / "test_inner.py").write_text(f'''
import os

HOME_WHILE_COLLECTING = os.environ["HOME"]


def test_leaks_into_the_real_data_folder(peer, monkeypatch):
    monkeypatch.delenv("PEER_DB")
    monkeypatch.setenv("HOME", {str(real_home)!r})
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    peer("consumer", "list")


def test_stays_in_tmp_path(peer):
    peer("consumer", "list")


def test_collection_did_not_see_the_real_home():
    assert HOME_WHILE_COLLECTING != {str(real_home)!r}
''', encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PEER_", "XDG_", "PYTEST_"))}
    env["HOME"] = str(real_home)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", str(suite), "-p", "no:cacheprovider",
         "-p", "no:hypothesispytest", "-p", "no:timeout"],  # plugins the inner run needs not
        check=False, cwd=suite, env=env, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    data_dir = real_home / ".local" / "share" / "peer"
    assert proc.returncode == 1, out  # the run failed ...
    assert "ERROR at teardown of test_leaks_into_the_real_data_folder" in out, out
    assert "a test tried to use the user's real peer folders (" in out, out
    assert f"os.mkdir {data_dir}" in out, out
    assert "cannot create the data directory" in out, out  # peer was refused the folder
    assert not data_dir.exists()  # ... and the folder was never made
    assert list(real_home.iterdir()) in ([], [real_home / ".local"]), out
    assert "PASSED test_inner.py::test_stays_in_tmp_path" in out, out
    assert "PASSED test_inner.py::test_collection_did_not_see_the_real_home" in out, out
    assert "1 error" in out, out


def test_a_new_database_is_a_copy_of_the_migrated_template(peer, db_path: Path, db_templates):
    peer("consumer", "list")
    def applied(path: Path) -> list[tuple[str, str]]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute("SELECT name, applied_at FROM _sqlite_migrations").fetchall()
        finally:
            conn.close()

    assert applied(db_path) == applied(db_templates.files["plain"])
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"


def test_a_folder_changed_by_another_process_is_reported(tmp_path: Path):
    from conftest import RealDirGuard

    data = tmp_path / "share" / "peer"
    guard = RealDirGuard([data], refuse=False)  # no audit hook: it would outlive this test
    assert guard.change() is None
    subprocess.run([sys.executable, "-c", f"import os; os.makedirs({str(data)!r})"], check=True)
    message = guard.change()
    assert message is not None and f"{data} was created" in message
    assert guard.change() is None  # once
    (data / "peer.db").write_bytes(b"x")
    assert f"{data} was changed" in (guard.change() or "")
    assert guard.refusal() is None


def test_a_test_that_changes_a_migration_gets_real_migrations(db_templates, monkeypatch):
    import importlib

    from peercli.store import migrations

    assert db_templates.source(None) is not None
    last = importlib.import_module(f"{migrations.__name__}.{migrations.MIGRATION_NAMES[-1]}")
    attribute = "statements" if hasattr(last, "statements") else "procedure"
    with monkeypatch.context() as patch:
        patch.setattr(last, attribute, lambda *args: [])
        assert db_templates.source(None) is None
    assert db_templates.source(None) is not None
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "SCHEMA_VERSION", migrations.SCHEMA_VERSION - 1)
        assert db_templates.source(None) is None
