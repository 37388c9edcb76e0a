"""SQLCipher: connections to encrypted database files, and what a file's first bytes say about it.

``sqlcipher3`` (an optional dependency, ``pip install "peercli[encryption]"``) is SQLite with
page-level encryption (AES-256, an HMAC on every page). Its connection class is a sibling of the
standard library's, not a subclass, and raises its own exception classes; the connections made
here translate those into the standard ``sqlite3`` exceptions, so every ``except sqlite3.Error``
in peer (and in sqlite-utils) behaves the same whether the file is encrypted or not.

Keys reach SQLCipher as raw 256-bit keys with the file's salt (see ``store.keys``), never as a
passphrase, so opening a file does not pay SQLCipher's key derivation again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from peercli.store.keys import DbKey

SQLITE_HEADER = b"SQLite format 3\x00"
INSTALL_HINT = "pip install 'peercli[encryption]'"

_T = TypeVar("_T")
_MODULE: ModuleType | None = None
_TRIED = False
_CLASSES: tuple[type[Any], type[Any]] | None = None


def driver() -> ModuleType | None:
    """The ``sqlcipher3.dbapi2`` module, or None where SQLCipher is not installed."""
    global _MODULE, _TRIED
    if not _TRIED:
        _TRIED = True
        try:
            from sqlcipher3 import dbapi2
        except ImportError:
            dbapi2 = None
        _MODULE = dbapi2
    return _MODULE


def available() -> bool:
    return driver() is not None


def version() -> str | None:
    """SQLCipher's version ("4.x.y community"), or None where it is not installed."""
    mod = driver()
    if mod is None:
        return None
    conn = mod.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


def file_kind(path: Path) -> str:
    """``missing``, ``empty``, ``plain`` (an SQLite header), ``damaged`` (neither plain nor
    whole pages) or ``other`` (an encrypted database looks like random bytes from its first
    byte on: so does a damaged file that happens to be whole pages)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"
    if not head:
        return "empty"
    if head == SQLITE_HEADER:
        return "plain"
    try:
        size = path.stat().st_size
    except OSError:
        return "other"
    # an SQLCipher file is whole pages (512..65536 bytes, powers of two): anything else is not
    return "other" if size % 512 == 0 else "damaged"


def file_salt(path: Path) -> bytes | None:
    """The 16-byte salt SQLCipher keeps at the start of an encrypted file."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return None
    return head if len(head) == 16 and head != SQLITE_HEADER else None


def _translate(exc: BaseException) -> BaseException:
    """The standard-library twin of a sqlcipher3 exception, same message and error code."""
    name = type(exc).__name__
    twin: type[BaseException] = getattr(sqlite3, name, sqlite3.Error)
    if not (isinstance(twin, type) and issubclass(twin, sqlite3.Error)):
        twin = sqlite3.Error
    new = twin(*exc.args)
    for attr in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(exc, attr):
            try:
                setattr(new, attr, getattr(exc, attr))
            except AttributeError:
                pass
    return new


def _classes() -> tuple[type[Any], type[Any]]:
    """A connection and cursor class over sqlcipher3 that raise ``sqlite3`` exceptions."""
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    mod = driver()
    assert mod is not None
    error: type[BaseException] = mod.Error

    def guard(call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        try:
            return call(*args, **kwargs)
        except error as exc:
            raise _translate(exc) from None

    cursor = _cursor_class(mod, guard)
    _CLASSES = (_connection_class(mod, guard, cursor), cursor)
    return _CLASSES


def _cursor_class(mod: Any, guard: Any) -> type[Any]:
    class Cursor(mod.Cursor):  # type: ignore[misc]
        def execute(self, *args: Any) -> Any:
            return guard(super().execute, *args)

        def executemany(self, *args: Any) -> Any:
            return guard(super().executemany, *args)

        def executescript(self, *args: Any) -> Any:
            return guard(super().executescript, *args)

        def fetchone(self) -> Any:
            return guard(super().fetchone)

        def fetchmany(self, *args: Any, **kwargs: Any) -> Any:
            return guard(super().fetchmany, *args, **kwargs)

        def fetchall(self) -> Any:
            return guard(super().fetchall)

        def __next__(self) -> Any:
            return guard(super().__next__)

    return Cursor


def _connection_class(mod: Any, guard: Any, cursor_class: type[Any]) -> type[Any]:
    base_row_factory = mod.Connection.row_factory
    driver_row = mod.Row

    class Connection(mod.Connection):  # type: ignore[misc]
        @property
        def row_factory(self) -> Any:
            return base_row_factory.__get__(self)

        @row_factory.setter
        def row_factory(self, value: Any) -> None:
            # the standard library's Row only accepts its own cursors: use the driver's twin
            base_row_factory.__set__(self, driver_row if value is sqlite3.Row else value)

        def cursor(self, factory: Any = cursor_class) -> Any:
            return guard(super().cursor, factory)

        def execute(self, *args: Any) -> Any:
            return self.cursor().execute(*args)

        def executemany(self, *args: Any) -> Any:
            return self.cursor().executemany(*args)

        def executescript(self, *args: Any) -> Any:
            return self.cursor().executescript(*args)

        def commit(self) -> None:
            guard(super().commit)

        def rollback(self) -> None:
            guard(super().rollback)

        def backup(self, target: Any, **kwargs: Any) -> None:
            guard(super().backup, target, **kwargs)

        def __exit__(self, *args: object) -> Any:
            return guard(super().__exit__, *args)

    return Connection


def connect(path: Path | str, key: DbKey | None, *, timeout: float = 5.0, uri: bool = False,
            isolation_level: str | None = None, sqlcipher: bool = False) -> sqlite3.Connection:
    """A connection to ``path``: the standard library's when ``key`` is None, SQLCipher's keyed
    with ``key`` otherwise (or unkeyed, a plain file, with ``sqlcipher=True``: what converting
    needs). Rows are the driver's Row class (name and index access); ``key_of(conn)`` is the key.

    The key is applied but not checked; :func:`verify` reads the first page."""
    if key is None and not sqlcipher:
        plain = sqlite3.connect(str(path), timeout=timeout,
                                isolation_level=isolation_level,  # type: ignore[arg-type]
                                uri=uri)
        plain.row_factory = sqlite3.Row
        return plain
    mod = driver()
    if mod is None:
        raise PeerError(
            "this database is encrypted, and this installation of peer has no SQLCipher "
            f"to open it: {INSTALL_HINT}")
    connection_class, _ = _classes()
    raw = mod.connect(str(path), timeout=timeout, isolation_level=isolation_level, uri=uri,
                      factory=connection_class)
    raw.row_factory = mod.Row
    raw.peer_key = key
    try:
        raw.execute("PRAGMA cipher_log_level = NONE")  # no page errors on stderr
        if key is not None:
            raw.execute(f"PRAGMA key = \"{key.pragma_value()}\"")
    except sqlite3.Error:
        raw.close()
        raise
    conn: sqlite3.Connection = raw
    return conn


def key_of(conn: sqlite3.Connection) -> DbKey | None:
    """The key a connection was opened with (None for a plain file)."""
    key: DbKey | None = getattr(conn, "peer_key", None)
    return key


def verify(conn: sqlite3.Connection) -> bool:
    """Whether the key opens the file: reading the schema decrypts (and authenticates) page 1.
    False for a wrong key (or a file that is not a database at all)."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower() or "encrypted" in str(exc).lower():
            return False
        raise
    return True


def is_cipher_connection(conn: Any) -> bool:
    mod = driver()
    return mod is not None and isinstance(conn, mod.Connection)


def attach_sql(alias: str, key: DbKey | None) -> str:
    """``ATTACH ... AS alias KEY ...`` text (the path is bound as the first parameter): with
    ``key`` None the attached file is plain (``KEY ''``)."""
    value = key.pragma_value() if key is not None else ""
    return f"ATTACH DATABASE ? AS {alias} KEY \"{value}\""
