"""Opening the database: where it lives, permissions, pragmas, migrations, transactions, audit.

Every command goes through :func:`open_db`. Reads use the plain ``sqlite3`` connection (fast to
import); ``sqlite_utils`` is imported only when the schema has to be created or migrated, or by
write paths that want its helpers.

Writes go through :func:`write`, which begins an IMMEDIATE transaction (so two ``peer`` processes
writing at once queue on the busy timeout instead of failing with SQLITE_BUSY half-way), commits on
success and rolls back on any exception: a command's writes are all or nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from peercli.store.keys import Ask, DbKey

BUSY_TIMEOUT_MS = 15_000
APP_NAME = "peer"


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "peer.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` wins, then ``PEER_DB``, then the platform data directory."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("PEER_DB")
    if env:
        return Path(env).expanduser()
    return default_db_path()


def now_iso() -> str:
    """Local time, to the second, ISO 8601 without offset (what the specialist sees)."""
    from peercli.store.clock import now

    return now().isoformat()


def _secure_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PeerError(
            f"cannot create the data directory {directory}: {exc.strerror}. "
            "Choose another location with --db PATH or PEER_DB."
        ) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PeerError(
            f"the data directory {directory} is not writable. "
            "Choose another location with --db PATH or PEER_DB."
        )


def secure_file(path: Path) -> None:
    """Make a file we own private (0600) whatever the umask was when it was created."""
    try:
        if path.exists() and stat.S_IMODE(path.stat().st_mode) != 0o600:
            path.chmod(0o600)
    except OSError:
        pass


def _secure_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        secure_file(Path(f"{path}{suffix}"))


def _connect(path: Path, key: DbKey | None = None) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (BEGIN IMMEDIATE for writes).
    from peercli.store import cipher

    return cipher.connect(path, key, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def database_key(path: Path, ask: Ask | None = None) -> DbKey | None:
    """The key for the database file at ``path``: None for a plain file (or a new one when no
    key is given or SQLCipher is missing); for an encrypted file the key that opens it (a key
    file, PEER_PASSPHRASE, the keyring, then ``ask``), else one clear PeerError."""
    from peercli.store import cipher

    kind = cipher.file_kind(path)
    if kind == "plain":
        return None  # no key needed: nothing about keys (or the keyring) is even imported
    from peercli.store import keys

    if kind in ("missing", "empty"):
        if not cipher.available():
            return None
        secret = keys.explicit_secret()
        return secret.new_key() if secret is not None else None
    if kind == "damaged":
        return None  # opening it reports "not a readable peer database": restore a backup
    if not cipher.available():
        raise PeerError(
            f"the database at {path} is not a plain SQLite file: it is encrypted (and this "
            f"installation has no SQLCipher: {cipher.INSTALL_HINT}) or damaged (restore a "
            "backup with 'peer db restore FILE').")
    salt = cipher.file_salt(path) or b""

    def opens(key: DbKey) -> bool:
        conn = _connect(path, key)
        try:
            return cipher.verify(conn)
        finally:
            conn.close()

    try:
        return keys.unlock(path, salt, opens, ask)
    except sqlite3.Error as exc:
        raise database_error(exc, path) from None


def _ensure_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL (once per database file; it is persistent).

    Changing the journal mode needs an exclusive lock and SQLite does not wait on the busy
    handler for it, so when two ``peer`` processes create a new database at the same moment
    one of them retries here until the other is done, within the busy timeout.
    """
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() == "wal":
                return
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # WAL lets a reader work while another process writes; FULL makes each commit durable.
    _ensure_wal(conn)
    conn.execute("PRAGMA synchronous = FULL")
    # Deleted records are overwritten on disk, not merely unlinked (erasure must really erase).
    conn.execute("PRAGMA secure_delete = ON")
    # Sorts and temporary tables stay in memory: plaintext never reaches a temp file.
    conn.execute("PRAGMA temp_store = MEMORY")


def restore_leftovers(path: Path) -> list[Path]:
    """Files an interrupted ``peer db restore`` (or an older peer's) may leave next to ``path``:
    the staged copy ``.NAME.restore-*`` and the set-aside database ``NAME.before-restore-*``."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    staged = f".{path.name}.restore-"
    aside = f"{path.name}.before-restore-"
    return sorted(
        path.parent / n for n in names
        if (n.startswith((staged, aside)))
        and not n.endswith(("-journal", "-wal", "-shm"))
    )


def _refuse_missing(path: Path) -> None:
    """Never create an empty database silently where one existed: a write-ahead log without its
    database, or the set-aside file of an interrupted restore, means the data is elsewhere."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PeerError(
            f"no database at {path}, but its write-ahead log {wal.name} is there: the database "
            "file was moved or deleted. Put it back (or restore a backup with 'peer db restore "
            "FILE'); peer did not create a new one."
        )
    aside = [p for p in restore_leftovers(path) if not p.name.startswith(".")]
    if aside:
        raise PeerError(
            f"no database at {path}, but {aside[-1].name} is there (kept by a restore): a restore "
            f"was interrupted. Get that data back with 'peer db restore {aside[-1]} --yes', or "
            "move the file elsewhere to start a new, empty database."
        )


def sweep_leftovers(path: Path) -> list[Path]:
    """Remove hidden staged copies left by a killed restore (full copies of a backup, which
    ``forget`` could not reach). A restore still running holds a lock on its staged file and
    is left alone. Returns the files removed."""
    removed: list[Path] = []
    for leftover in restore_leftovers(path):
        if not leftover.name.startswith("."):
            continue
        try:
            fd = os.open(leftover, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            try:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except ImportError:  # pragma: no cover - not POSIX: only old leftovers
                import time

                if time.time() - os.fstat(fd).st_mtime < 3600:
                    continue
            except OSError:
                continue  # a restore in progress holds it
            for suffix in ("", "-journal"):
                try:
                    os.unlink(f"{leftover}{suffix}")
                except FileNotFoundError:
                    pass
                except OSError:
                    break
            else:
                removed.append(leftover)
        finally:
            os.close(fd)
    return removed


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse, before anything is written, a database that is not exactly a peer database:
    another application's SQLite file, a tampered schema, one from a newer peer."""
    from peercli.store import migrations

    if migrations.is_empty(conn):
        return
    problems = migrations.schema_problems(conn)
    if not problems:
        return
    conn.close()
    first = problems[0]
    if "not a peer database" in first:
        raise PeerError(
            f"{path} is an SQLite database but not a peer database; peer did not change it. "
            "Point --db (or PEER_DB) at a peer database."
        )
    if "newer version" in first:
        raise PeerError(f"the database at {path}: {first}. Upgrade peer; the database was not "
                        "modified.")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise PeerError(
        f"the database at {path} does not have the schema peer creates ({first}{more}); it may "
        "have been tampered with, and peer did not open it. Run 'peer db check', or restore a "
        "backup with 'peer db restore FILE'."
    )


def open_db(path: Path, *, create: bool = True, ask: Ask | None = None) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path``, private, migrated, with our pragmas.

    An encrypted file is opened with its key (see :func:`database_key`; ``ask`` prompts for
    the passphrase, None where nobody can be asked); a new file is created encrypted when a key
    is given (PEER_KEY_FILE or PEER_PASSPHRASE) and SQLCipher is installed.

    Raises PeerError for every foreseeable problem: unwritable directory, not a database, not
    a peer database (another application's file, a schema that is not exactly peer's), a
    database written by a newer ``peer``, a database locked for too long, a missing database
    whose data evidently still exists elsewhere (an interrupted restore).
    """
    from peercli.store import migrations
    from peercli.store.encryption import finish_interrupted

    # Files SQLite creates (db, -wal, -shm) inherit this process's umask: make them private.
    os.umask(0o077)
    existed = path.exists()
    if not existed:
        if not create:
            raise PeerError(f"no database at {path}")
        _refuse_missing(path)
        _secure_dir(path.parent)
    elif path.is_dir():
        raise PeerError(f"{path} is a directory, not a database file. Use --db to name a file.")
    sweep_leftovers(path)
    from peercli.store.files import sweep_note_leftovers

    sweep_note_leftovers()
    finish_interrupted(path)
    key = database_key(path, ask)
    try:
        conn = _connect(path, key)
        conn.execute("PRAGMA trusted_schema = OFF")
        _check_identity(conn, path)
        _apply_pragmas(conn)
        migrations.ensure_current(conn)
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, path) from None
    _secure_db_files(path)
    return conn


def database_error(exc: sqlite3.Error, path: Path | None = None) -> PeerError:
    """Turn an sqlite3 error into a message a person can act on (never with record contents)."""
    text = str(exc).lower()
    where = f" at {path}" if path else ""
    if "locked" in text or "busy" in text:
        return PeerError(
            f"the database{where} is busy (another peer process is writing). Try again in a moment."
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return PeerError(
            f"the file{where} is not a readable peer database (damaged or not SQLite). "
            "Restore a backup with 'peer db restore FILE', or point --db elsewhere."
        )
    if "readonly" in text or "read-only" in text:
        return PeerError(f"the database{where} is read-only. Check its permissions.")
    if "unable to open" in text:
        return PeerError(f"cannot open the database{where}. Check the path and its permissions.")
    if "disk" in text and ("full" in text or "i/o" in text):
        return PeerError(f"the disk holding the database{where} is full or failing: {exc}")
    return PeerError(f"database error{where}: {exc}")


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing write transaction, begun IMMEDIATE (takes the write lock up front)."""
    if conn.in_transaction:  # nested: use a savepoint
        conn.execute("SAVEPOINT peer_nested")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO SAVEPOINT peer_nested")
            conn.execute("RELEASE SAVEPOINT peer_nested")
            raise
        else:
            conn.execute("RELEASE SAVEPOINT peer_nested")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise database_error(exc) from None
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise database_error(exc) from None


def os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (containers): record the uid
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def audit(
    conn: sqlite3.Connection,
    action: str,
    entity: str,
    entity_id: int | str | None,
    fields: Iterable[str] = (),
) -> None:
    """Append an audit row: who did what to which record, naming fields but never their values."""
    conn.execute(
        "INSERT INTO audit (at, os_user, action, entity, entity_id, fields) VALUES (?, ?, ?, ?, ?, ?)",
        (now_iso(), os_user(), action, entity, None if entity_id is None else str(entity_id),
         json.dumps(sorted(set(fields)))),
    )


def loads_list(value: str | None) -> list[str]:
    """Columns holding small lists are stored as JSON arrays."""
    if not value:
        return []
    try:
        data = json.loads(value)
    except ValueError:
        return []
    return [str(x) for x in data] if isinstance(data, list) else []


def dumps_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)
