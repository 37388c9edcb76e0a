"""Turning encryption on, changing the key, turning it off (``peer db encrypt|rekey|decrypt``),
and what ``peer db check`` says about it.

Every conversion writes a complete new file next to the database and never changes the old one
until the new one is finished and verified:

1. ``.NAME.convert-STAMP``: SQLCipher's ``sqlcipher_export`` copies schema and rows into it
   under the new key (or none), while a write lock keeps other ``peer`` processes out;
2. the copy is checked: it opens with the new key, ``integrity_check`` is ok, every table has
   as many rows as the original, the schema version is the same; then it is flushed to disk;
3. the old file gets a second name, ``.NAME.before-convert-STAMP`` (a hard link);
4. the copy is renamed over NAME (atomic): from here on NAME is the new database;
5. the old file is overwritten with random bytes, flushed, and removed.

A kill at any point leaves NAME either the old database or the new one, never neither; the next
``peer`` command finishes the job (:func:`finish_interrupted`): a staged copy is removed, an old
file that is no longer NAME is overwritten and removed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peercli.core.errors import PeerError
from peercli.store import cipher
from peercli.store.keys import DbKey

STAGED = ".{name}.convert-"
ASIDE = ".{name}.before-convert-"


def _step(name: str) -> None:
    """A named point in a conversion (tests stop the process here to prove kill safety)."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR if path.is_file() else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    try:
        _fsync(directory)
    except OSError:
        pass


def shred(path: Path) -> None:
    """Overwrite a file's bytes with random data, flush, and remove it. (On SSDs and
    copy-on-write file systems old blocks may survive an overwrite; full-disk encryption
    covers those.)"""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return
    try:
        size = os.fstat(fd).st_size
        chunk = 1 << 20
        done = 0
        while done < size:
            n = min(chunk, size - done)
            os.write(fd, os.urandom(n))
            done += n
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)


def _leftovers(db_path: Path, pattern: str) -> list[Path]:
    prefix = pattern.format(name=db_path.name)
    try:
        names = os.listdir(db_path.parent)
    except OSError:
        return []
    return sorted(db_path.parent / n for n in names
                  if n.startswith(prefix) and not n.endswith(("-journal", "-wal", "-shm")))


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("-journal", "-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            shred(side)
    shred(path)


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive advisory lock on a staged copy: held while a conversion runs."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _in_progress(staged: Path) -> bool:
    try:
        fd = os.open(staged, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        return not _lock(fd, wait=False)
    finally:
        os.close(fd)


def finish_interrupted(db_path: Path) -> list[Path]:
    """Complete a conversion a kill interrupted: remove staged copies; an old file still
    named NAME is simply unlinked from its second name, an old file that is no longer NAME is
    overwritten and removed. A conversion still running (its staged copy locked) is left
    alone. Returns the files dealt with."""
    done: list[Path] = []
    staged_files = _leftovers(db_path, STAGED)
    if any(_in_progress(staged) for staged in staged_files):
        return done
    for staged in staged_files:
        _remove_with_sidecars(staged)
        done.append(staged)
    for aside in _leftovers(db_path, ASIDE):
        try:
            same = db_path.exists() and os.path.samefile(aside, db_path)
        except OSError:
            same = False
        if same:
            aside.unlink(missing_ok=True)
        elif db_path.exists():
            _remove_with_sidecars(aside)
        else:  # the database itself is gone: this is the only copy left, keep it
            continue
        done.append(aside)
    return done


def _tables(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    return [str(r[0]) for r in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND rootpage > 0 "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _counts(conn: sqlite3.Connection, schema: str = "main") -> dict[str, int]:
    return {t: int(conn.execute(f'SELECT count(*) FROM {schema}."{t}"').fetchone()[0])
            for t in _tables(conn, schema)}


@dataclass(frozen=True)
class Converted:
    path: Path
    encrypted: bool
    tables: int
    rows: int


def convert(db_path: Path, current: DbKey | None, new: DbKey | None, stamp: str,
            *, step: Callable[[str], None] | None = None) -> Converted:
    """Rewrite the database at ``db_path`` (opened with ``current``) under ``new`` (None: plain),
    as described in the module docstring. Nothing else may have the database open."""
    mark = step or _step
    if not cipher.available():
        raise PeerError("encryption needs SQLCipher, which is not installed: "
                        f"{cipher.INSTALL_HINT}")
    finish_interrupted(db_path)
    staged = db_path.with_name(STAGED.format(name=db_path.name) + stamp)
    aside = db_path.with_name(ASIDE.format(name=db_path.name) + stamp)
    os.umask(0o077)
    lock_fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    _lock(lock_fd, wait=True)  # other peer commands leave a locked staged copy alone
    try:
        src = cipher.connect(db_path, current, timeout=15, sqlcipher=True)
        try:
            if not cipher.verify(src):
                raise PeerError(f"the database at {db_path} does not open with its key")
            src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            src.execute(cipher.attach_sql("converted", new), (str(staged),))
            src.execute("BEGIN IMMEDIATE")  # other writers wait until the copy is complete
            try:
                version = int(src.execute("PRAGMA main.user_version").fetchone()[0])
                counts = _counts(src)
                mark("exporting")
                src.execute("SELECT sqlcipher_export('converted')")
                src.execute(f"PRAGMA converted.user_version = {version}")
                src.execute("COMMIT")
            except BaseException:
                if src.in_transaction:
                    src.execute("ROLLBACK")
                raise
            src.execute("DETACH DATABASE converted")
            mark("exported")
            _verify_copy(staged, new, counts, version)
            _fsync(staged)
        finally:
            src.close()  # the last connection: SQLite folds and removes the WAL
        mark("verified")
        if Path(f"{db_path}-wal").exists():  # closing the last connection removes it
            raise PeerError(f"another program holds the database at {db_path} open; close "
                            "other peer windows and try again (nothing was changed)")
        Path(f"{db_path}-shm").unlink(missing_ok=True)
        os.link(db_path, aside)
        _fsync_dir(db_path.parent)
        mark("linked")
        os.replace(staged, db_path)
        _fsync_dir(db_path.parent)
        mark("replaced")
    except BaseException:
        _remove_with_sidecars(staged)
        if aside.exists() and db_path.exists() and os.path.samefile(aside, db_path):
            aside.unlink()
        raise
    finally:
        os.close(lock_fd)
    Path(f"{staged}-journal").unlink(missing_ok=True)
    check = cipher.connect(db_path, new, sqlcipher=new is not None)
    try:
        if not cipher.verify(check):
            raise PeerError(f"the converted database at {db_path} does not open; the previous "
                            f"file is kept at {aside}")
    finally:
        check.close()
    _remove_with_sidecars(aside)
    mark("removed")
    os.chmod(db_path, 0o600)
    return Converted(db_path, new is not None, len(counts), sum(counts.values()))


def _verify_copy(staged: Path, key: DbKey | None, counts: dict[str, int], version: int) -> None:
    conn = cipher.connect(staged, key, sqlcipher=True)
    try:
        if not cipher.verify(conn):
            raise PeerError("the converted copy does not open with the new key; nothing changed")
        problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise PeerError(f"the converted copy failed its integrity check ({problems[0]}); "
                            "nothing changed")
        if _counts(conn) != counts:
            raise PeerError("the converted copy does not hold every row; nothing changed")
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) != version:
            raise PeerError("the converted copy lost the schema version; nothing changed")
    finally:
        conn.close()


@dataclass(frozen=True)
class Status:
    """What ``peer db check`` reports about encryption."""

    encrypted: bool
    available: bool
    detail: str
    remedy: str | None = None  # how to turn it on, when it is off


def status(db_path: Path, conn: sqlite3.Connection | None) -> Status:
    kind = cipher.file_kind(db_path)
    version = cipher.version()
    if kind == "plain":
        if version is None:
            return Status(False, False, "off: SQLCipher is not installed, so this database is a "
                          "plain SQLite file", f"{cipher.INSTALL_HINT}, then peer db encrypt")
        return Status(False, True, "off: a plain SQLite file", "peer db encrypt")
    key = cipher.key_of(conn) if conn is not None else None
    if key is None:
        return Status(True, version is not None, "on (SQLCipher), but not opened: no key",
                      "give the key: PEER_PASSPHRASE or PEER_KEY_FILE")
    return Status(True, True, f"on: SQLCipher {version}, AES-256, key from {key.source}")
