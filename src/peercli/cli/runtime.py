"""Per-invocation settings from the global options (--db, --no-input) and the lazily opened store."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peercli.store.lookup import Candidate


@dataclass
class Runtime:
    db: str | None = None
    no_input: bool = False
    _conn: sqlite3.Connection | None = None

    @property
    def db_path(self) -> Path:
        from peercli.store.db import resolve_db_path

        return resolve_db_path(self.db)

    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            from peercli.store.db import open_db

            self._conn = open_db(self.db_path, ask=passphrase_asker())
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


RUNTIME = Runtime()


def reset(db: str | None, no_input: bool) -> Runtime:
    RUNTIME.close()
    RUNTIME.db = db
    RUNTIME.no_input = no_input
    return RUNTIME


def conn() -> sqlite3.Connection:
    return RUNTIME.conn()


def passphrase_asker() -> Callable[[str], str] | None:
    """How to ask for the passphrase of an encrypted database: a prompt at a terminal, or None."""
    if not can_prompt():
        return None
    from peercli.cli.prompts import passphrase

    return passphrase


def choose_record(noun: str, text: str, candidates: Sequence[Candidate]) -> int | None:
    """store.lookup's chooser: at a terminal, a pick list for an ambiguous name; else None (the
    one-line error listing the ids)."""
    if not can_prompt():
        return None
    from peercli.cli.prompts import pick_record

    return pick_record(noun, text, candidates)


def can_prompt() -> bool:
    """Prompts only for a person at a terminal, and never with --no-input / PEER_NO_INPUT=1."""
    if RUNTIME.no_input or os.environ.get("PEER_NO_INPUT", "").strip().lower() in (
        "1", "true", "yes", "on",
    ):
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
