"""Backup and restore of the database file (``peer db backup``, ``peer db restore``); the health
checks of ``peer db check`` are ``store/health.py``."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError
from peercli.store import cipher
from peercli.store.files import make_private_dir

if TYPE_CHECKING:
    from peercli.store.keys import Ask, DbKey

SQLITE_HEADER = b"SQLite format 3\x00"


def backup_stamp(now: Any) -> str:
    return str(now.strftime("%Y%m%d-%H%M%S"))


def default_backup_path(db_path: Path, stamp: str) -> Path:
    return db_path.parent / "backups" / f"peer-{stamp}.db"


def _integrity(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]


def _unique_path(path: Path) -> Path:
    """``path`` if free, else ``stem-2.suffix``, ``stem-3.suffix``... (checked, not reserved)."""
    if not os.path.lexists(path):
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise PeerError(f"too many files named like {path.name} in {path.parent}")


def _reserve(path: Path, *, unique: bool) -> Path:
    """Create ``path`` empty, exclusively (never through a symlink), 0600; with ``unique`` the
    next free ``-2``, ``-3``... name when it is taken (two backups in one second)."""
    for _ in range(100):
        target = _unique_path(path) if unique else path
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            if unique:
                continue
            raise PeerError(f"{target} already exists; choose another file name") from None
        except OSError as exc:
            raise PeerError(f"cannot write {target}: {exc.strerror}") from None
        os.close(fd)
        return target
    raise PeerError(f"cannot find a free file name like {path.name} in {path.parent}")


def backup_database(conn: sqlite3.Connection, dest: Path, *, unique: bool = False) -> Path:
    """Copy the live database to ``dest`` through SQLite's backup API (consistent even while
    another process writes); the copy is 0600, self-contained (rollback journal mode, no -wal)
    and checked with integrity_check. A failed copy is removed. An existing ``dest`` is never
    overwritten: refused, or with ``unique`` (the default name) the next free name is used.
    The backup of an encrypted database is encrypted with the same key (same passphrase)."""
    make_private_dir(dest.parent)
    dest = _reserve(dest, unique=unique)
    ok = False
    try:
        target = cipher.connect(dest, cipher.key_of(conn))
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


def open_readonly(path: Path, key: DbKey | None = None) -> sqlite3.Connection:
    """A connection that can neither write nor run schema code: read-only, query_only, untrusted
    schema. A file without a write-ahead log is opened immutable, so no -wal/-shm appear.
    ``key`` opens an encrypted file."""
    uri = path.resolve().as_uri() + "?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    conn = cipher.connect(uri, key, uri=True)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    return conn


def verify_peer_file(conn: sqlite3.Connection, what: str) -> int:
    """Refuse (PeerError) anything but an intact peer database whose schema is exactly what
    this peer creates at its schema version; return that version."""
    from peercli.store.migrations import SCHEMA_VERSION, schema_problems

    problems = _integrity(conn)
    if problems != ["ok"]:
        raise PeerError(f"{what} is damaged (integrity check: {problems[0]})")
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    found = schema_problems(conn)
    if version == 0 or (found and "not a peer database" in found[0]):
        raise PeerError(f"{what} is an SQLite database but not a peer database")
    if found and "newer version" in found[0]:
        detail = found[0].split("(", 1)[1] if "(" in found[0] else ")"
        raise PeerError(f"{what} was written by a newer peer ({detail}. Upgrade peer first.")
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise PeerError(
            f"{what} does not have the schema peer creates ({found[0]}{more}); it may have "
            "been tampered with and was not restored")
    if version > SCHEMA_VERSION:  # pragma: no cover - schema_problems reports it first
        raise PeerError(f"{what} was written by a newer peer. Upgrade peer first.")
    return version


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    schema_version: int
    set_aside: Path | None
    key: DbKey | None = None  # the backup's key (None: a plain backup)
    kept_erased: int = 0  # people forgotten since the backup, erased again from the restore


def check_backup_file(src: Path) -> None:
    """PeerError when ``src`` cannot be a backup at all: missing, a folder, or empty."""
    if src.is_dir():
        raise PeerError(f"'{src}' is a folder, not a backup file: give the .db file inside it "
                        "(peer db backup names them peer-YYYYMMDD-HHMMSS.db)")
    if not src.is_file():
        raise PeerError(f"no file at '{src}'")
    try:
        empty = src.stat().st_size == 0
    except OSError as exc:
        raise PeerError(f"cannot read '{src}': {exc.strerror or exc}") from None
    if empty:
        raise PeerError(f"'{src}' is empty (0 bytes), not a backup")


def backup_key(src: Path, current: DbKey | None, ask: Ask | None) -> DbKey | None:
    """The key of a backup file: None for a plain one; for an encrypted one the current
    database's key if it opens it (a backup made from it), else a key file, PEER_PASSPHRASE,
    the keyring or ``ask`` (a backup made before a rekey keeps its old passphrase)."""
    what = f"'{src}'"
    if is_sqlite_file(src):
        return None
    if not cipher.available():
        raise PeerError(f"{what} is not an SQLite database file (nor can it be an encrypted "
                        f"one: SQLCipher is not installed: {cipher.INSTALL_HINT})")
    from peercli.store import keys

    def opens(key: DbKey) -> bool:
        try:
            conn = open_readonly(src, key)
        except sqlite3.Error:
            return False
        try:
            return cipher.verify(conn)
        except sqlite3.Error:
            return False
        finally:
            conn.close()

    if current is not None and opens(current):
        return current
    salt = cipher.file_salt(src) or b""
    try:
        return keys.unlock(src, salt, opens, ask)
    except PeerError:
        raise PeerError(f"{what} is not an SQLite database file, or an encrypted one that "
                        "does not open with the current key or passphrase: give its "
                        "passphrase with PEER_PASSPHRASE or PEER_KEY_FILE") from None


def _stage_copy(src: Path, staged: Path, key: DbKey | None = None) -> int:
    """Copy ``src`` (opened with ``key``, None for a plain file) into ``staged`` (reading it
    without writing anything next to it: no -wal, no -shm) and check the copy with triggers
    unable to run. An encrypted backup stays encrypted with its own key."""
    what = f"'{src}'"
    if not src.is_file():
        raise PeerError(f"no file at {what}")
    if key is None and not is_sqlite_file(src):
        raise PeerError(f"{what} is not an SQLite database file")
    shm = Path(f"{src}-shm")
    had_shm = shm.exists()
    try:
        try:
            source = open_readonly(src, key)
        except sqlite3.Error as exc:
            raise PeerError(f"{what} is not a readable SQLite database ({exc})") from None
        try:
            target = cipher.connect(staged, key)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        except sqlite3.Error as exc:
            raise PeerError(f"{what} is not a readable SQLite database ({exc})") from None
        finally:
            source.close()
    finally:
        if not had_shm:
            shm.unlink(missing_ok=True)
    try:
        check = open_readonly(staged, key)
        try:
            return verify_peer_file(check, what)
        finally:
            check.close()
    except sqlite3.Error as exc:
        raise PeerError(f"{what} is not a readable SQLite database ({exc})") from None


def _checkpoint_current(db_path: Path, key: DbKey | None = None) -> None:
    """Fold the database's write-ahead log into the file, so the file alone holds everything;
    refuse while another process keeps the log busy (its pages would be lost)."""
    wal = Path(f"{db_path}-wal")
    try:
        conn = cipher.connect(db_path, key, timeout=5)
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        busy = 0  # a damaged file: there is nothing to fold in; it is kept aside as it is
    if busy or (wal.exists() and wal.stat().st_size):
        raise PeerError(
            "another peer process is using the database; close it and run the restore again "
            "(nothing was changed)")


def _set_aside(db_path: Path, stamp: str, key: DbKey | None = None) -> Path | None:
    """Keep the current database as ``<name>.before-restore-<stamp>`` (``-2``, ``-3``... when
    that name is taken): a second name for the same file (a hard link), or a private copy where
    links are not possible. The database itself stays where it is until the atomic swap."""
    if not db_path.exists():
        return None
    _checkpoint_current(db_path, key)
    base = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    for n in range(1, 10_000):
        aside = base if n == 1 else base.with_name(f"{base.name}-{n}")
        try:
            os.link(db_path, aside, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            import shutil

            try:
                fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as out, open(db_path, "rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
        os.chmod(aside, 0o600)
        return aside
    raise PeerError(f"too many earlier restores kept next to {db_path}; move some away")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def restore_database(db_path: Path, src: Path, stamp: str, *, current: DbKey | None = None,
                     ask: Ask | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with a checked copy of ``src``, in one atomic step.

    The source is copied to a private hidden file next to the database (without writing next
    to the source) and checked there: SQLite header, integrity_check, and a schema that is
    exactly peer's (checked read-only, triggers unable to fire). Then the current file gets a
    second name ``<name>.before-restore-<stamp>`` and the checked copy is renamed over the
    database: at every instant a complete database is at ``db_path``. The staged copy is
    locked while it exists; a killed restore's copy is swept by the next peer command.
    Nothing open may hold the database while this runs. ``current`` is the database's key
    (None if plain); an encrypted backup is opened with it, or see :func:`backup_key`.
    """
    if src.exists() and db_path.exists() and os.path.samefile(src, db_path):
        raise PeerError("that file is the database in use; name a backup file")
    if src.resolve() == db_path.resolve():
        raise PeerError("that file is the database in use; name a backup file")
    make_private_dir(db_path.parent)
    import secrets

    staged = db_path.with_name(f".{db_path.name}.restore-{stamp}-{secrets.token_hex(4)}")
    fd = os.open(staged, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)  # the sweep leaves a locked staged copy alone
        except ImportError:  # pragma: no cover - not POSIX
            pass
        check_backup_file(src)
        key = backup_key(src, current, ask)
        version = _stage_copy(src, staged, key)
        kept = _keep_erasures(staged, key, current_erasures(db_path, current))
        with open(staged, "rb+") as f:
            os.fsync(f.fileno())
        aside = _set_aside(db_path, stamp, current)
        os.replace(staged, db_path)
        for suffix in ("-wal", "-shm"):  # the old file's (empty) log and index
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        _fsync_dir(db_path.parent)
    finally:
        os.close(fd)
        staged.unlink(missing_ok=True)
        Path(f"{staged}-journal").unlink(missing_ok=True)
    os.chmod(db_path, 0o600)
    return RestoreResult(src, version, aside, key, kept)


def current_erasures(db_path: Path, key: DbKey | None) -> set[int]:
    """The consumers the database at ``db_path`` records as forgotten (read-only; an
    unreadable or foreign file records none)."""
    from peercli.store.erasure import erased_ids

    if not db_path.is_file():
        return set()
    try:
        conn = open_readonly(db_path, key)
    except sqlite3.Error:
        return set()
    try:
        return erased_ids(conn)
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def _keep_erasures(staged: Path, key: DbKey | None, erased: set[int]) -> int:
    """Bring the staged copy to this peer's schema and erase again everyone forgotten in the
    current database or in the backup's own audit (ids are never reused): a restore never
    brings an erased person back. Returns how many such people the backup still held."""
    from peercli.store import migrations
    from peercli.store.erasure import erased_ids, keep_erased

    try:
        conn = cipher.connect(staged, key, isolation_level=None)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            migrations.ensure_current(conn)
            kept = keep_erased(conn, erased | erased_ids(conn))
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise PeerError(f"the backup could not be prepared for restoring ({exc}); nothing was "
                        "changed") from None
    return kept


def copies_holding(db_path: Path, consumer_id: int) -> list[Path]:
    """Files peer itself made next to the database that may still hold consumer ``consumer_id``:
    backups in ``backups/``, databases kept aside by a restore, staged copies of a killed
    restore. A copy that cannot be read as plain SQLite (encrypted, damaged) is listed too:
    it cannot be shown not to hold them. Read-only and immutable: nothing is written."""
    from peercli.store.db import restore_leftovers

    candidates = list(restore_leftovers(db_path))
    folder = db_path.parent / "backups"
    try:
        candidates += sorted(p for p in folder.iterdir() if p.is_file()
                             and not p.name.endswith(("-journal", "-wal", "-shm")))
    except OSError:
        pass
    found: list[Path] = []
    for path in candidates:
        try:
            conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        except sqlite3.Error:
            found.append(path)
            continue
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            row = conn.execute("SELECT 1 FROM consumers WHERE id = ?", (consumer_id,)).fetchone()
            if row is not None:
                found.append(path)
        except sqlite3.Error:
            found.append(path)
        finally:
            conn.close()
    return found
