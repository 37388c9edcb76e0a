"""The schema, as an ordered list of small named migrations (sqlite-utils ``Migrations``).

Each migration runs atomically together with its record in ``_sqlite_migrations``. We also keep
``PRAGMA user_version`` equal to the number of migrations applied, so the common case (schema
already current) costs one pragma read and never imports sqlite_utils; a database whose
user_version is higher than ours was written by a newer ``peer`` and is refused, untouched.

One module per migration in this package, named after it (``m007_notes_plans_releases.py``):
``statements()`` returns its SQL, or ``procedure(conn)`` does what a list of statements cannot.
This module is the runner; ``check`` compares a database's schema with the one peer creates.
A migration's module is imported only when the migration runs.

Add a migration: a new module ``mNNN_what_it_does.py`` and its name appended to
``MIGRATION_NAMES`` (and to ``_PROCEDURE_NAMES`` when it is a procedure); never edit or reorder
one that has shipped.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "peer"

# Names in order (each one a module of this package); sqlite_utils is imported only when needed.
MIGRATION_NAMES: list[str] = [
    "m001_initial_schema",
    "m002_groups_fts",
    "m003_checkin_amendments",
    "m004_ids_never_reused",
    "m005_append_only_consents_audit",
    "m006_directory_sources",
    "m007_notes_plans_releases",
    "m008_meeting_time_not_listed",
    "m009_group_links",
    "m010_groups_postal_code_index",
]
SCHEMA_VERSION = len(MIGRATION_NAMES)


_PROCEDURE_NAMES = frozenset({"m004_ids_never_reused"})


def _module(name: str) -> Any:
    return importlib.import_module(f"{__name__}.{name}")


def _statements_of(name: str) -> Callable[[], list[str]]:
    def statements() -> list[str]:
        result: list[str] = _module(name).statements()
        return result

    return statements


def _procedure_of(name: str) -> Callable[[sqlite3.Connection], None]:
    def procedure(conn: sqlite3.Connection) -> None:
        _module(name).procedure(conn)

    return procedure


_STATEMENTS: dict[str, Callable[[], list[str]]] = {
    name: _statements_of(name) for name in MIGRATION_NAMES if name not in _PROCEDURE_NAMES
}
# Migrations that need more than a list of statements: a function of the connection.
_PROCEDURES: dict[str, Callable[[sqlite3.Connection], None]] = {
    name: _procedure_of(name) for name in MIGRATION_NAMES if name in _PROCEDURE_NAMES
}


def run_migration(conn: sqlite3.Connection, name: str) -> None:
    """Apply one migration's changes on ``conn`` (no bookkeeping, no transaction)."""
    if name in _PROCEDURES:
        _PROCEDURES[name](conn)
        return
    for sql in _STATEMENTS[name]():
        conn.execute(sql)


def _build() -> Any:
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name in MIGRATION_NAMES:

        def fn(db: Database, name: str = name) -> None:
            run_migration(db.conn, name)

        migrations(name=name)(fn)
    return migrations


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def ensure_current(conn: sqlite3.Connection) -> None:
    """Apply pending migrations (atomically, under the write lock) or refuse a newer database."""
    version = schema_version(conn)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise PeerError(
            f"this database was written by a newer version of peer (schema {version}, this peer "
            f"knows {SCHEMA_VERSION}). Upgrade peer; the database was not modified."
        )
    from sqlite_utils import Database

    db = Database(conn)
    migrations = _build()
    # A table rebuild (m004) must not cascade: foreign keys are off while migrating (the pragma
    # is a no-op inside a transaction, so it is set here) and checked by the migration itself.
    foreign_keys = int(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        _migrate(conn, db, migrations)
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


def _migrate(conn: sqlite3.Connection, db: Database, migrations: Any) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-check under the lock: another process may have migrated meanwhile.
        version = schema_version(conn)
        if version < SCHEMA_VERSION:
            known = set(MIGRATION_NAMES)
            unknown = [m.name for m in migrations.applied(db) if m.name not in known]
            if unknown:
                raise PeerError(
                    "this database was written by a newer version of peer "
                    f"(unknown migrations: {', '.join(unknown)}). Upgrade peer; "
                    "the database was not modified."
                )
            migrations.apply(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


from peercli.store.migrations.check import (
    SCHEMA_DIGEST,
    is_empty,
    reference_schema,
    schema_digest,
    schema_problems,
)

__all__ = [
    "MIGRATION_NAMES", "MIGRATION_SET", "SCHEMA_DIGEST", "SCHEMA_VERSION", "ensure_current",
    "is_empty", "reference_schema", "run_migration", "schema_digest", "schema_problems",
    "schema_version",
]
