"""The health checks of ``peer db check``: the file and its folder private, the database
readable (with its key when encrypted), its schema exactly peer's, integrity, foreign keys, the
schema version and the journal mode. A damaged file is a failed check, never an exception."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError
from peercli.store import cipher
from peercli.store.backup import _integrity, is_sqlite_file, open_readonly

if TYPE_CHECKING:
    from peercli.store.keys import Ask, DbKey


@dataclass(frozen=True)
class Check:
    """One line of ``peer db check``. ``ok`` False is a FAIL (exit 1); ``warn`` marks a line
    that is not wrong but could be better (exit 0). Every FAIL and WARN carries ``remedy``:
    the command or step that fixes it."""

    name: str
    ok: bool
    detail: str
    remedy: str | None = None
    warn: bool = False

    @property
    def level(self) -> str:
        return "fail" if not self.ok else "warn" if self.warn else "ok"


RESTORE_REMEDY = ("restore the latest good backup: peer db restore FILE (backups are in the "
                  "backups folder beside the database)")


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _mode_check(path: Path, expected: int, label: str) -> Check:
    st = path.stat()
    mode = stat.S_IMODE(st.st_mode)
    problems, remedies = [], []
    if mode & 0o077:
        problems.append(f"mode {mode:04o} lets other users in (expected {expected:04o})")
        remedies.append(f"chmod {expected:o} {_quoted(path)}")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        problems.append("owned by another user")
        remedies.append(f"sudo chown \"$USER\" {_quoted(path)} (or run peer as its owner)")
    return Check(f"permissions: {label}", not problems,
                 "; ".join(problems) if problems else f"{mode:04o}, yours",
                 "; ".join(remedies) or None)


def _journal_mode(path: Path) -> str:
    """From the file header (bytes 18-19 are 2 in WAL mode), without opening it read-write."""
    try:
        with open(path, "rb") as f:
            header = f.read(20)
    except OSError:
        return "unknown"
    return "wal" if header[18:20] == b"\x02\x02" else "delete"


def _cipher_journal_mode(db_path: Path, key: DbKey) -> str:
    """An encrypted file's header is encrypted too: ask SQLite, on a query-only connection
    (a read-only one cannot see the write-ahead log mode without its index)."""
    conn = cipher.connect(db_path, key, timeout=15)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    finally:
        conn.close()


def health_checks(db_path: Path, *, ask: Ask | None = None) -> list[Check]:
    """What ``peer db check`` reports. Never raises for a damaged file: that is a failed check.
    ``ask`` prompts for the passphrase of an encrypted database (None: nobody to ask)."""
    sqlcipher = cipher.version()
    checks = [Check("sqlite library", True, sqlite3.sqlite_version + (
        f"; SQLCipher {sqlcipher}" if sqlcipher else "; SQLCipher not installed"))]
    if not db_path.exists():
        return checks + [Check("database file", False, f"no database at {db_path}",
                               "any peer command creates it (e.g. peer consumer list); or give "
                               "the right file with --db FILE")]
    checks.append(_mode_check(db_path.parent, 0o700, "data directory"))
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{db_path}{suffix}")
        if p.exists():
            checks.append(_mode_check(p, 0o600, p.name))
    key = None
    if not is_sqlite_file(db_path):
        if not sqlcipher:
            return checks + [Check("database file", False,
                                   "not a plain SQLite database: encrypted (this peer has no "
                                   "SQLCipher) or damaged",
                                   f"if it is encrypted: {cipher.INSTALL_HINT}; if it is "
                                   f"damaged: {RESTORE_REMEDY}")]
        from peercli.store.db import database_key

        try:
            key = database_key(db_path, ask)
        except PeerError as exc:
            return checks + [Check("encryption", False, exc.message,
                                   "give the key: PEER_PASSPHRASE, PEER_KEY_FILE, or run "
                                   "peer db check at a terminal to be asked")]
    os.umask(0o077)
    try:
        conn = open_readonly(db_path, key)
    except sqlite3.Error as exc:
        return checks + [Check("open", False, str(exc), RESTORE_REMEDY)]
    try:
        checks.extend(_database_checks(conn, db_path, key))
    except sqlite3.DatabaseError as exc:
        checks.append(Check("readable", False, str(exc), RESTORE_REMEDY))
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):  # files this check itself created
        p = Path(f"{db_path}{suffix}")
        if p.exists():
            from peercli.store.db import secure_file

            secure_file(p)
    return checks


def _database_checks(conn: sqlite3.Connection, db_path: Path, key: Any) -> list[Check]:
    """Encryption, schema, integrity, foreign keys, schema version and journal mode of an open
    database (a ``sqlite3.DatabaseError`` means it cannot be read)."""
    from peercli.store.encryption import status
    from peercli.store.migrations import schema_problems

    checks = []
    state = status(db_path, conn)
    checks.append(Check("encryption", True, state.detail, state.remedy,
                        warn=state.remedy is not None))
    found = schema_problems(conn)
    if not (found and "newer version" in found[0]):  # "schema version" below says so
        checks.append(Check("schema", not found, "exactly what peer creates" if not found else
                            "; ".join(found[:5]) + (f" (and {len(found) - 5} more)"
                                                    if len(found) > 5 else ""),
                            None if not found else RESTORE_REMEDY))
    integrity = _integrity(conn)
    checks.append(Check("integrity", integrity == ["ok"],
                        "ok" if integrity == ["ok"] else "; ".join(integrity[:5]),
                        None if integrity == ["ok"] else RESTORE_REMEDY))
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    tables = sorted({r[0] for r in fk})
    checks.append(Check("foreign keys", not fk,
                        "ok" if not fk else f"{len(fk)} broken in {', '.join(tables)}",
                        None if not fk else RESTORE_REMEDY))
    checks.append(_version_check(int(conn.execute("PRAGMA user_version").fetchone()[0])))
    mode = _journal_mode(db_path) if key is None else _cipher_journal_mode(db_path, key)
    checks.append(Check("journal mode", mode == "wal",
                        mode if mode == "wal" else f"{mode} (expected wal)",
                        None if mode == "wal" else "any peer command that writes switches "
                        "it to wal; if it stays, " + RESTORE_REMEDY))
    return checks


def _version_check(version: int) -> Check:
    from peercli.store.migrations import SCHEMA_VERSION

    if version == SCHEMA_VERSION:
        return Check("schema version", True, f"{version} (current)")
    if version < SCHEMA_VERSION:
        return Check("schema version", True,
                     f"{version}; this peer upgrades it to {SCHEMA_VERSION} on next use",
                     "any peer command upgrades it (a backup is kept first)", warn=True)
    return Check("schema version", False, f"{version}, newer than this peer's {SCHEMA_VERSION}",
                 "upgrade peer to the version that wrote it (pip install -U "
                 "peercli), or restore a backup made by this version")
