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


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point peer, platformdirs and HOME into tmp_path and pin the terminal for stable output."""
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
