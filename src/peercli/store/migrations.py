"""The schema, as an ordered list of small named migrations (sqlite-utils ``Migrations``).

Each migration runs atomically together with its record in ``_sqlite_migrations``. We also keep
``PRAGMA user_version`` equal to the number of migrations applied, so the common case (schema
already current) costs one pragma read and never imports sqlite_utils; a database whose
user_version is higher than ours was written by a newer ``peer`` and is refused, untouched.

Add a migration by appending a function decorated with ``@MIGRATIONS()``; never edit or reorder
one that has shipped.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "peer"

# Names in order; the functions live in _build() so sqlite_utils is imported only when needed.
MIGRATION_NAMES: list[str] = ["m001_initial_schema", "m002_groups_fts", "m003_checkin_amendments"]
SCHEMA_VERSION = len(MIGRATION_NAMES)


def _statements_m001() -> list[str]:
    return [
        """CREATE TABLE consumers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            pronouns TEXT,
            phone TEXT,
            email TEXT,
            contact_preference TEXT,
            postal_code TEXT,
            languages TEXT NOT NULL DEFAULT '[]',
            formats TEXT NOT NULL DEFAULT '[]',
            access_needs TEXT NOT NULL DEFAULT '[]',
            eligible TEXT NOT NULL DEFAULT '[]',
            goals TEXT,
            notes TEXT,
            cadence_days INTEGER NOT NULL DEFAULT 7 CHECK (cadence_days > 0),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX consumers_status ON consumers(status)",
        """CREATE TABLE consumer_interests (
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            PRIMARY KEY (consumer_id, topic)
        )""",
        "CREATE INDEX consumer_interests_topic ON consumer_interests(topic)",
        """CREATE TABLE consumer_availability (
            id INTEGER PRIMARY KEY,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            day INTEGER NOT NULL CHECK (day BETWEEN 0 AND 6),
            start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
            end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
            CHECK (end_minute > start_minute)
        )""",
        "CREATE INDEX consumer_availability_consumer ON consumer_availability(consumer_id)",
        """CREATE TABLE consents (
            id INTEGER PRIMARY KEY,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('store', 'contact', 'share')),
            granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
            at TEXT NOT NULL,
            expires_on TEXT,
            note TEXT
        )""",
        "CREATE INDEX consents_consumer ON consents(consumer_id, kind, id)",
        """CREATE TABLE groups (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            source_key TEXT NOT NULL,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            organization TEXT,
            description TEXT,
            facilitation TEXT,
            format TEXT NOT NULL DEFAULT 'in_person'
                CHECK (format IN ('in_person', 'online', 'hybrid')),
            audience TEXT NOT NULL DEFAULT '[]',
            languages TEXT NOT NULL DEFAULT '[]',
            accessibility TEXT NOT NULL DEFAULT '[]',
            cost TEXT,
            address TEXT,
            city TEXT,
            postal_code TEXT,
            latitude REAL,
            longitude REAL,
            online_url TEXT,
            phone TEXT,
            email TEXT,
            website TEXT,
            notes TEXT,
            open_to_newcomers INTEGER,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
            last_verified TEXT,
            content_hash TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (source, source_key)
        )""",
        "CREATE INDEX groups_status_format ON groups(status, format)",
        """CREATE TABLE group_topics (
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            PRIMARY KEY (group_id, topic)
        ) WITHOUT ROWID""",
        "CREATE INDEX group_topics_topic ON group_topics(topic, group_id)",
        # One row per recurring meeting, in RRULE terms (as HSDS 3.0 schedules). day_mask has bit
        # d set (d = 0 Monday .. 6 Sunday) for each weekday the meeting can fall on, so matching
        # can narrow candidates by day in SQL.
        """CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            freq TEXT NOT NULL CHECK (freq IN ('DAILY', 'WEEKLY', 'MONTHLY')),
            interval INTEGER NOT NULL DEFAULT 1 CHECK (interval >= 1),
            byday TEXT NOT NULL DEFAULT '[]',
            day_mask INTEGER NOT NULL DEFAULT 127,
            start_minute INTEGER NOT NULL,
            end_minute INTEGER NOT NULL,
            timezone TEXT,
            dtstart TEXT,
            until TEXT
        )""",
        "CREATE INDEX meetings_group ON meetings(group_id)",
        """CREATE TABLE referrals (
            id INTEGER PRIMARY KEY,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            group_id INTEGER NOT NULL REFERENCES groups(id),
            status TEXT NOT NULL CHECK (status IN ('suggested', 'referred', 'attended',
                'continuing', 'declined', 'no_show', 'closed')),
            score REAL,
            reasons TEXT NOT NULL DEFAULT '[]',
            consent_override_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX referrals_consumer ON referrals(consumer_id, status)",
        "CREATE INDEX referrals_group ON referrals(group_id)",
        """CREATE TABLE referral_events (
            id INTEGER PRIMARY KEY,
            referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT
        )""",
        "CREATE INDEX referral_events_referral ON referral_events(referral_id, id)",
        """CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('in_person', 'phone', 'video', 'text', 'group')),
            minutes INTEGER NOT NULL CHECK (minutes >= 0),
            units INTEGER NOT NULL CHECK (units >= 0),
            mood INTEGER CHECK (mood BETWEEN 1 AND 5),
            who5 TEXT,
            who5_score INTEGER CHECK (who5_score BETWEEN 0 AND 25),
            note TEXT,
            next_followup_on TEXT,
            amends_id INTEGER REFERENCES checkins(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX checkins_consumer ON checkins(consumer_id, at)",
        """CREATE TABLE attendance (
            id INTEGER PRIMARY KEY,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            group_id INTEGER NOT NULL REFERENCES groups(id),
            referral_id INTEGER REFERENCES referrals(id) ON DELETE CASCADE,
            checkin_id INTEGER REFERENCES checkins(id) ON DELETE CASCADE,
            attended_on TEXT NOT NULL
        )""",
        "CREATE INDEX attendance_consumer ON attendance(consumer_id)",
        # Append-only: who did what to which record; field names, never values.
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            os_user TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT,
            fields TEXT NOT NULL DEFAULT '[]'
        )""",
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ]


def _statements_m002() -> list[str]:
    # Full-text search over groups; maintained by the group store (topics live in a child table).
    return [
        """CREATE VIRTUAL TABLE groups_fts USING fts5(
            name, description, organization, topics, tokenize = 'unicode61 remove_diacritics 2'
        )""",
    ]


def _statements_m003() -> list[str]:
    # A check-in is never rewritten: an amendment is a new row whose amends_id is the version it
    # supersedes (a linear chain), with the reason for the change. effective_checkins holds the
    # newest version of every check-in: the rows that count in totals and reports.
    return [
        "ALTER TABLE checkins ADD COLUMN amend_reason TEXT",
        "CREATE INDEX checkins_amends ON checkins(amends_id)",
        """CREATE VIEW effective_checkins AS
           SELECT c.* FROM checkins c
           WHERE NOT EXISTS (SELECT 1 FROM checkins x WHERE x.amends_id = c.id)""",
    ]


_STATEMENTS = {
    "m001_initial_schema": _statements_m001,
    "m002_groups_fts": _statements_m002,
    "m003_checkin_amendments": _statements_m003,
}


def _build() -> Any:
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name in MIGRATION_NAMES:
        statements = _STATEMENTS[name]

        def fn(db: Database, statements: Any = statements) -> None:
            for sql in statements():
                db.execute(sql)

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
