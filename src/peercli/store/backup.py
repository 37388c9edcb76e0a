"""Backup, restore and health checks of the database file (``peer db ...``)."""

from __future__ import annotations

import os
import sqlite3
import stat
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
        if not src.is_file():
            raise PeerError(f"no file at '{src}'")
        key = backup_key(src, current, ask)
        version = _stage_copy(src, staged, key)
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
    return RestoreResult(src, version, aside, key)


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
