"""Backup, restore and health checks of the database file (``peer db ...``)."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peercli.core.errors import PeerError
from peercli.store.files import make_private_dir, open_private

SQLITE_HEADER = b"SQLite format 3\x00"


def backup_stamp(now: Any) -> str:
    return str(now.strftime("%Y%m%d-%H%M%S"))


def default_backup_path(db_path: Path, stamp: str) -> Path:
    return db_path.parent / "backups" / f"peer-{stamp}.db"


def _integrity(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]


def backup_database(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the live database to ``dest`` through SQLite's backup API (consistent even while
    another process writes); the copy is 0600, self-contained (rollback journal mode, no -wal)
    and checked with integrity_check. A failed copy is removed."""
    if dest.exists():
        raise PeerError(f"{dest} already exists; choose another file name")
    make_private_dir(dest.parent)
    open_private(dest, binary=True, exclusive=True).close()
    ok = False
    try:
        target = sqlite3.connect(str(dest), isolation_level=None)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problems = _integrity(target)
            if problems != ["ok"]:
                raise PeerError(
                    f"the backup at {dest} failed its integrity check ({problems[0]}); "
                    "it was removed. Run 'peer db check'.")
        finally:
            target.close()
        ok = True
    except sqlite3.Error as exc:
        raise PeerError(f"the backup to {dest} failed: {exc}") from None
    finally:
        if not ok:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{dest}{suffix}").unlink(missing_ok=True)
    os.chmod(dest, 0o600)
    return dest


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _check_peer_schema(conn: sqlite3.Connection, what: str) -> int:
    from peercli.store.migrations import SCHEMA_VERSION

    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if not {"consumers", "groups", "audit"} <= names or version < 1:
        raise PeerError(f"{what} is an SQLite database but not a peer database")
    if version > SCHEMA_VERSION:
        raise PeerError(
            f"{what} was written by a newer peer (schema {version}; this peer knows "
            f"{SCHEMA_VERSION}). Upgrade peer first.")
    return version


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    schema_version: int
    set_aside: Path | None


def _stage_copy(src: Path, staged: Path) -> int:
    """Copy ``src`` (read-only, with its WAL if any) to ``staged`` and check the copy."""
    what = f"'{src}'"
    if not src.is_file():
        raise PeerError(f"no file at {what}")
    if not is_sqlite_file(src):
        raise PeerError(f"{what} is not an SQLite database file")
    open_private(staged, binary=True, exclusive=True).close()
    try:
        source = sqlite3.connect(src.resolve().as_uri() + "?mode=ro", uri=True)
        target = sqlite3.connect(str(staged), isolation_level=None)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problems = _integrity(target)
            if problems != ["ok"]:
                raise PeerError(f"{what} is damaged (integrity check: {problems[0]})")
            return _check_peer_schema(target, what)
        finally:
            source.close()
            target.close()
    except sqlite3.Error as exc:
        raise PeerError(f"{what} is not a readable SQLite database ({exc})") from None


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    """Move the current database (and a WAL holding unsaved pages) to
    ``<name>.before-restore-<stamp>``; drop the -shm index, which SQLite rebuilds."""
    if not db_path.exists():
        return None
    try:  # fold the WAL into the file first; a damaged file may refuse, that is fine
        conn = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    os.replace(db_path, aside)
    os.chmod(aside, 0o600)
    for suffix in ("-wal", "-journal"):
        extra = Path(f"{db_path}{suffix}")
        if extra.exists():
            if extra.stat().st_size:
                moved = Path(f"{aside}{suffix}")
                os.replace(extra, moved)
                os.chmod(moved, 0o600)
            else:
                extra.unlink()
    Path(f"{db_path}-shm").unlink(missing_ok=True)
    return aside


def restore_database(db_path: Path, src: Path, stamp: str) -> RestoreResult:
    """Replace the database at ``db_path`` with a checked copy of ``src``.

    The source is checked first on a private staged copy (SQLite header, integrity_check, peer
    tables, a schema version this peer knows); only then is the current file (which may be
    damaged) moved aside and the staged copy moved into place. Nothing open may hold the
    database while this runs.
    """
    if src.resolve() == db_path.resolve():
        raise PeerError("that file is the database in use; name a backup file")
    make_private_dir(db_path.parent)
    staged = db_path.with_name(f".{db_path.name}.restore-{stamp}")
    try:
        version = _stage_copy(src, staged)
        aside = _set_aside(db_path, stamp)
        os.replace(staged, db_path)
    finally:
        staged.unlink(missing_ok=True)
        Path(f"{staged}-journal").unlink(missing_ok=True)
    os.chmod(db_path, 0o600)
    return RestoreResult(src, version, aside)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _mode_check(path: Path, expected: int, label: str) -> Check:
    st = path.stat()
    mode = stat.S_IMODE(st.st_mode)
    problems = []
    if mode & 0o077:
        problems.append(f"mode {mode:04o} lets other users in (expected {expected:04o})")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        problems.append("owned by another user")
    return Check(f"permissions: {label}", not problems,
                 "; ".join(problems) if problems else f"{mode:04o}, yours")


def health_checks(db_path: Path) -> list[Check]:
    """What ``peer db check`` reports. Never raises for a damaged file: that is a failed check."""
    from peercli.store.migrations import SCHEMA_VERSION

    checks = [Check("sqlite library", True, sqlite3.sqlite_version)]
    if not db_path.exists():
        return checks + [Check("database file", False,
                               f"no database at {db_path} (any peer command creates one)")]
    checks.append(_mode_check(db_path.parent, 0o700, "data directory"))
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{db_path}{suffix}")
        if p.exists():
            checks.append(_mode_check(p, 0o600, p.name))
    if not is_sqlite_file(db_path):
        return checks + [Check("database file", False,
                               "not an SQLite database: restore a backup with "
                               "'peer db restore FILE'")]
    os.umask(0o077)
    try:
        conn = sqlite3.connect(str(db_path), timeout=15, isolation_level=None)
    except sqlite3.Error as exc:
        return checks + [Check("open", False, str(exc))]
    try:
        integrity = _integrity(conn)
        checks.append(Check("integrity", integrity == ["ok"],
                            "ok" if integrity == ["ok"] else "; ".join(integrity[:5])))
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        tables = sorted({r[0] for r in fk})
        checks.append(Check("foreign keys", not fk,
                            "ok" if not fk else f"{len(fk)} broken in {', '.join(tables)}"))
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == SCHEMA_VERSION:
            checks.append(Check("schema version", True, f"{version} (current)"))
        elif version < SCHEMA_VERSION:
            checks.append(Check("schema version", True,
                                f"{version}; this peer upgrades it to {SCHEMA_VERSION} on next use"))
        else:
            checks.append(Check("schema version", False,
                                f"{version}, newer than this peer's {SCHEMA_VERSION}: upgrade peer"))
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        checks.append(Check("journal mode", mode == "wal",
                            mode if mode == "wal" else f"{mode} (expected wal)"))
    except sqlite3.DatabaseError as exc:
        checks.append(Check("readable", False,
                            f"{exc}: restore a backup with 'peer db restore FILE'"))
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):  # files this check itself created
        p = Path(f"{db_path}{suffix}")
        if p.exists():
            from peercli.store.db import secure_file

            secure_file(p)
    return checks
