"""Shared fixtures: every test gets its own database in tmp_path; none touches real user data."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

# The store suite runs twice where SQLCipher is installed: on plain and on encrypted databases.
# `pytest --encrypted` (or PEER_TEST_ENCRYPTED=1) runs every test on encrypted databases.
ENCRYPTED_TOO = {"test_store", "test_backup", "test_export_forget", "test_hardening_db",
                 "test_hardening_backup", "test_consumers"}
# a random raw key (no passphrase derivation: fast); passphrases are tested in test_encryption
TEST_KEY_TEXT = "x'" + "5e" * 16 + "c1" * 16 + "'"


def sqlcipher_installed() -> bool:
    from peercli.store import cipher

    return cipher.available()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--encrypted", action="store_true",
                     help="run every test on encrypted databases (needs SQLCipher)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_mode" not in metafunc.fixturenames:
        return
    everything = (metafunc.config.getoption("--encrypted")
                  or os.environ.get("PEER_TEST_ENCRYPTED", "") == "1")
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if everything:
        if not sqlcipher_installed():
            raise pytest.UsageError("--encrypted needs SQLCipher: pip install -e '.[test]'")
        metafunc.parametrize("db_mode", ["encrypted"])
    elif module in ENCRYPTED_TOO and sqlcipher_installed():
        metafunc.parametrize("db_mode", ["plain", "encrypted"])


@pytest.fixture
def db_mode(request: pytest.FixtureRequest) -> str:
    """"plain" or "encrypted": how this test's databases are created."""
    return str(getattr(request, "param", "plain"))


def _route_to_sqlcipher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that look inside the database with sqlite3.connect (or sqlite-utils) get an
    SQLCipher connection with the test key when the file is encrypted."""
    from urllib.parse import unquote, urlparse

    from peercli.store import cipher
    from peercli.store.keys import Secret

    key = Secret(TEST_KEY_TEXT, "test key").raw_key()
    real = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        name = os.fspath(database) if not isinstance(database, str) else database
        path = Path(unquote(urlparse(name).path)) if name.startswith("file:") else Path(name)
        if cipher.file_kind(path) == "other":
            allowed = {k: v for k, v in kwargs.items() if k in ("timeout", "isolation_level")}
            uri = bool(kwargs.get("uri")) or name.startswith("file:")
            return cipher.connect(name, key, uri=uri, **allowed)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_mode: str) -> None:
    """Point peer, platformdirs and HOME into tmp_path and pin the terminal for stable output.
    No test reaches the user's keyring: the keyring backend is one that holds nothing."""
    from peercli.store import keys

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for name in ("PEER_PASSPHRASE", "PEER_NEW_PASSPHRASE", "PEER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(keys, "_SESSION", {})
    if db_mode == "encrypted":
        key_file = tmp_path / "test.key"
        key_file.write_text(TEST_KEY_TEXT + "\n")
        key_file.chmod(0o600)
        monkeypatch.setenv("PEER_KEY_FILE", str(key_file))
        _route_to_sqlcipher(monkeypatch)
    monkeypatch.setenv("PEER_DB", str(tmp_path / "data" / "peer.db"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PEER_NO_INPUT", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return Path(os.environ["PEER_DB"])


class Peer:
    """Runs `peer ...` in-process against the test database."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, ok: bool = True) -> Any:
        from peercli.cli.app import app
        from peercli.store import keys

        keys._SESSION.clear()  # each command starts like a new process: no key in memory
        result = self.runner.invoke(app, list(args), input=input)
        if ok:
            assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        return json.loads(result.stdout)


@pytest.fixture
def peer() -> Peer:
    return Peer()


@pytest.fixture
def query(db_path: Path) -> Callable[..., list[sqlite3.Row]]:
    def run(sql: str, *params: Any) -> list[sqlite3.Row]:
        conn = sqlite3.connect(db_path)
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    return run


@pytest.fixture
def make_group(db_path: Path) -> Callable[..., int]:
    """Add a group through the store, as `peer group add` does; returns its id.

    `make_group("Tuesday Grief Circle", city="Riverton")`: any GroupRecord field may be given."""

    def make(name: str, **fields: Any) -> int:
        from peercli.importers.records import GroupRecord
        from peercli.store.db import open_db, write
        from peercli.store.groups import add_group

        conn = open_db(db_path)
        try:
            with write(conn):
                return add_group(conn, GroupRecord(source="manual", source_key="", name=name,
                                                   **fields))
        finally:
            conn.close()

    return make


@pytest.fixture
def make_referral(db_path: Path) -> Callable[..., int]:
    """Refer a consumer to a group through the store, stamped `at` (local ISO time); returns
    the referral id. `status` is the referral's status from the start (its first event)."""

    def make(consumer_id: int, group_id: int, status: str = "referred",
             at: str = "2026-11-10T09:00:00", *, note: str | None = None,
             reasons: tuple[str, ...] = ()) -> int:
        from peercli.store.db import open_db, write
        from peercli.store.referrals import NewReferral, insert_referral

        saved = os.environ.get("PEER_NOW")
        os.environ["PEER_NOW"] = at
        conn = open_db(db_path)
        try:
            with write(conn):
                return insert_referral(conn, NewReferral(consumer_id, group_id, None, reasons,
                                                         status, note))
        finally:
            conn.close()
            if saved is None:
                os.environ.pop("PEER_NOW", None)
            else:
                os.environ["PEER_NOW"] = saved

    return make
