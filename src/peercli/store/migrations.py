"""The schema, as an ordered list of small named migrations (sqlite-utils ``Migrations``).

Each migration runs atomically together with its record in ``_sqlite_migrations``. We also keep
``PRAGMA user_version`` equal to the number of migrations applied, so the common case (schema
already current) costs one pragma read and never imports sqlite_utils; a database whose
user_version is higher than ours was written by a newer ``peer`` and is refused, untouched.

Add a migration by appending a function decorated with ``@MIGRATIONS()``; never edit or reorder
one that has shipped.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "peer"

# Names in order; the functions live in _build() so sqlite_utils is imported only when needed.
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
]
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


# Tables whose ids people see or quote ("#6") or that other rows point at: m004 gives each
# AUTOINCREMENT, so an id once used (then erased by `forget`) is never handed out again.
ID_TABLES = (
    "consumers", "consumer_availability", "consents", "groups", "meetings", "referrals",
    "referral_events", "checkins", "attendance", "audit",
)

_ID_COLUMN = re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b(?!\s+AUTOINCREMENT)", re.IGNORECASE)


def _procedure_m004(conn: sqlite3.Connection) -> None:
    """Rebuild each table of ID_TABLES with ``id INTEGER PRIMARY KEY AUTOINCREMENT``, keeping
    every row and id (SQLite's documented 12-step table rebuild, done generically from the
    stored CREATE statements so columns added by earlier migrations are kept).

    Needs ``PRAGMA foreign_keys = OFF`` (set by :func:`ensure_current` around migrations):
    dropping the old table must not cascade into its children.
    """
    master = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    # Views and triggers may name the rebuilt tables: drop them first, recreate them after.
    dependents = [(r[0], r[1], r[3]) for r in master if r[0] in ("view", "trigger")]
    for kind, name, _ in dependents:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    for table in ID_TABLES:
        row = next((r for r in master if r[0] == "table" and r[1] == table), None)
        if row is None:
            continue
        sql = str(row[3])
        if not _ID_COLUMN.search(sql):
            continue
        new_sql = _ID_COLUMN.sub("id INTEGER PRIMARY KEY AUTOINCREMENT", sql, count=1)
        # Copy out, drop, recreate under the same name, copy back: no RENAME, so no other
        # table's references are rewritten (and the schema text stays what was written).
        # (The copy stays in this file, whose freed pages secure_delete zeroes; not in a temp file.)
        conn.execute(f'CREATE TABLE "m004_{table}" AS SELECT * FROM "{table}"')
        indexes = [r[3] for r in master if r[0] == "index" and r[2] == table]
        conn.execute(f'DROP TABLE "{table}"')
        conn.execute(new_sql)
        conn.execute(f'INSERT INTO "{table}" SELECT * FROM "m004_{table}"')
        conn.execute(f'DROP TABLE "m004_{table}"')
        for index_sql in indexes:
            conn.execute(str(index_sql))
    for _, _, sql in dependents:
        conn.execute(sql)
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise PeerError(
            f"the database has {len(broken)} broken references; it was not upgraded. "
            "Run 'peer db check'."
        )


def _statements_m005() -> list[str]:
    # The consent history is append-only: a change of mind is a new row. Rows go only with their
    # person (`forget` deletes the consumer first; the cascade then finds no consumer row).
    # Neither consents nor audit rows can be replaced by INSERT OR REPLACE (which deletes the old
    # row without firing DELETE triggers).
    return [
        """CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
           BEGIN SELECT RAISE(ABORT, 'the consent history is append-only'); END""",
        """CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
           WHEN EXISTS (SELECT 1 FROM consumers WHERE id = old.consumer_id)
           BEGIN SELECT RAISE(ABORT, 'the consent history is append-only'); END""",
        """CREATE TRIGGER consents_no_replace BEFORE INSERT ON consents
           WHEN EXISTS (SELECT 1 FROM consents WHERE id = new.id)
           BEGIN SELECT RAISE(ABORT, 'the consent history is append-only'); END""",
        """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
           WHEN EXISTS (SELECT 1 FROM audit WHERE id = new.id)
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ]


def _statements_m006() -> list[str]:
    # Directory feeds (issue 11): where each source comes from and how it was last fetched, the
    # changes a re-import found per group, and the alerts those changes raise for people with an
    # open referral to the group (until the specialist acknowledges them). New group fields kept
    # from richer formats: dial-in number, regions, proof of attendance, feedback address.
    return [
        "ALTER TABLE groups ADD COLUMN online_phone TEXT",
        "ALTER TABLE groups ADD COLUMN regions TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE groups ADD COLUMN proof_of_attendance INTEGER",
        "ALTER TABLE groups ADD COLUMN feedback_url TEXT",
        "ALTER TABLE groups ADD COLUMN feedback_emails TEXT NOT NULL DEFAULT '[]'",
        # Dates (JSON list of YYYY-MM-DD) on which a recurring meeting does not take place.
        "ALTER TABLE meetings ADD COLUMN exdates TEXT",
        """CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            location TEXT NOT NULL,
            kind TEXT NOT NULL,
            format TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            etag TEXT,
            last_modified TEXT,
            cache_file TEXT,
            content_sha256 TEXT,
            fetched_at TEXT,
            checked_at TEXT,
            imported_at TEXT,
            last_result TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE group_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            group_id INTEGER NOT NULL REFERENCES groups(id),
            source TEXT NOT NULL,
            at TEXT NOT NULL,
            what TEXT NOT NULL,
            before TEXT,
            after TEXT,
            message TEXT NOT NULL
        )""",
        "CREATE INDEX group_changes_group ON group_changes(group_id, id)",
        """CREATE TABLE change_alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id INTEGER NOT NULL REFERENCES group_changes(id),
            referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            acknowledged_at TEXT,
            acknowledged_by TEXT
        )""",
        "CREATE INDEX change_alerts_open ON change_alerts(consumer_id, acknowledged_at)",
    ]


def _statements_m007() -> list[str]:
    # Service notes that pass an audit, the person's recovery plan, BARC-10, releases of
    # information per recipient and purpose, and the programme's settings. See
    # docs/notes-and-plans.md.
    from peercli.store.db import now_iso

    stamp = now_iso()  # validated ISO text: safe to embed
    return [
        # Programme settings (the specialist's name and credential, service code, policies).
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        # The recovery plan: goals in the person's words, steps, and a snapshot per change.
        """CREATE TABLE plan_goals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            target_on TEXT,
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'met', 'changed', 'dropped')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX plan_goals_consumer ON plan_goals(consumer_id, position)",
        """CREATE TABLE goal_steps (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            goal_id INTEGER NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            target_on TEXT,
            done_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX goal_steps_goal ON goal_steps(goal_id, position)",
        """CREATE TABLE goal_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            goal_id INTEGER NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            what TEXT NOT NULL,
            status TEXT NOT NULL,
            text TEXT NOT NULL,
            target_on TEXT,
            note TEXT
        )""",
        "CREATE INDEX goal_events_goal ON goal_events(goal_id, id)",
        """CREATE TRIGGER goal_events_no_update BEFORE UPDATE ON goal_events
           BEGIN SELECT RAISE(ABORT, 'goal history is append-only'); END""",
        """CREATE TABLE plan_reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            reviewed_on TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX plan_reviews_consumer ON plan_reviews(consumer_id, reviewed_on)",
        # The single free-text goal becomes the first goal of the plan (kept on the consumer
        # too). Its plan starts now, so its first review falls due one review period from now.
        f"""INSERT INTO plan_goals (consumer_id, position, text, status, created_at, updated_at)
            SELECT id, 1, trim(goals), 'active', '{stamp}', '{stamp}' FROM consumers
            WHERE goals IS NOT NULL AND trim(goals) <> ''""",
        f"""INSERT INTO goal_events (goal_id, at, what, status, text, note)
            SELECT id, '{stamp}', 'created', status, text,
                   'carried over from the consumer''s goals field' FROM plan_goals""",
        # Releases of information (42 CFR Part 2 style): recipient, purpose, what, expiry.
        # A release never changes; revoking is an event (append-only).
        """CREATE TABLE releases (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            recipient TEXT NOT NULL CHECK (length(trim(recipient)) > 0),
            group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
            purpose TEXT NOT NULL,
            purpose_detail TEXT,
            information TEXT NOT NULL CHECK (length(trim(information)) > 0),
            discloser TEXT,
            signed_on TEXT NOT NULL,
            expires_on TEXT,
            expires_event TEXT,
            created_at TEXT NOT NULL,
            CHECK (expires_on IS NOT NULL OR expires_event IS NOT NULL)
        )""",
        "CREATE INDEX releases_consumer ON releases(consumer_id)",
        """CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
           BEGIN SELECT RAISE(ABORT, 'a release never changes: revoke it and record a new one');
           END""",
        """CREATE TABLE release_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
            action TEXT NOT NULL CHECK (action IN ('granted', 'revoked')),
            at TEXT NOT NULL,
            note TEXT
        )""",
        "CREATE INDEX release_events_release ON release_events(release_id, id)",
        """CREATE TRIGGER release_events_no_update BEFORE UPDATE ON release_events
           BEGIN SELECT RAISE(ABORT, 'release history is append-only'); END""",
        # A group session: one narrative, one check-in per attendee.
        """CREATE TABLE group_sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes >= 0),
            group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
            topic TEXT,
            place TEXT,
            service_code TEXT,
            narrative TEXT,
            created_at TEXT NOT NULL
        )""",
        # The service note's parts on each check-in version, BARC-10, and the signature.
        "ALTER TABLE checkins ADD COLUMN place TEXT",
        "ALTER TABLE checkins ADD COLUMN service_code TEXT",
        ("ALTER TABLE checkins ADD COLUMN service_kind TEXT"
        " CHECK (service_kind IN ('individual', 'group'))"),
        "ALTER TABLE checkins ADD COLUMN goal_ids TEXT",
        "ALTER TABLE checkins ADD COLUMN intervention TEXT",
        "ALTER TABLE checkins ADD COLUMN response TEXT",
        "ALTER TABLE checkins ADD COLUMN next_step TEXT",
        "ALTER TABLE checkins ADD COLUMN barc10 TEXT",
        ("ALTER TABLE checkins ADD COLUMN barc10_total INTEGER"
        " CHECK (barc10_total BETWEEN 10 AND 60)"),
        ("ALTER TABLE checkins ADD COLUMN group_session_id INTEGER"
        " REFERENCES group_sessions(id) ON DELETE SET NULL"),
        # Check-ins written before this version were never under sign-off: only new ones
        # (signature_required = 1) are chased when unsigned.
        "ALTER TABLE checkins ADD COLUMN signature_required INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE checkins ADD COLUMN signed_at TEXT",
        "ALTER TABLE checkins ADD COLUMN signed_by TEXT",
        "ALTER TABLE checkins ADD COLUMN signed_credential TEXT",
        "ALTER TABLE checkins ADD COLUMN signed_late INTEGER",
        "CREATE INDEX checkins_group_session ON checkins(group_session_id)",
        # peer due asks, per referral awaiting an outcome, whether attendance was recorded.
        "CREATE INDEX attendance_referral ON attendance(referral_id)",
        """CREATE INDEX checkins_awaiting_signature ON checkins(consumer_id, at)
           WHERE signed_at IS NULL AND signature_required = 1""",
        # Sign and lock: a signed version never changes (changes are amendments).
        """CREATE TRIGGER checkins_signed_locked BEFORE UPDATE ON checkins
           WHEN OLD.signed_at IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'a signed note cannot change: add an amendment'); END""",
        # Which goal a referral served, and which consent it relied on.
        ("ALTER TABLE referrals ADD COLUMN goal_id INTEGER"
        " REFERENCES plan_goals(id) ON DELETE SET NULL"),
        ("ALTER TABLE referrals ADD COLUMN release_id INTEGER"
        " REFERENCES releases(id) ON DELETE SET NULL"),
        "ALTER TABLE referrals ADD COLUMN consent_basis TEXT",
    ]


def _statements_m008() -> list[str]:
    # Listings without a fixed time: an approximate meeting knows its days (and maybe a part of
    # the day) but not its time; start/end_minute then hold that part of the day's documented
    # hours (or the whole day) so matching can still narrow by them. bymonth: the months a
    # seasonal meeting runs in (JSON list, [] = all year). A group with no meetings at all has
    # its schedule unknown.
    return [
        ("ALTER TABLE meetings ADD COLUMN approximate INTEGER NOT NULL DEFAULT 0 "
         "CHECK (approximate IN (0, 1))"),
        "ALTER TABLE meetings ADD COLUMN part_of_day TEXT",
        "ALTER TABLE meetings ADD COLUMN bymonth TEXT NOT NULL DEFAULT '[]'",
    ]


def _statements_m009() -> list[str]:
    # The same group listed by two sources (docs/groups.md "The same group from two sources"):
    # the second source's listing is linked to the group row the first one made, keyed by its
    # own (source, source_key), with its own content hash for re-imports; one group row.
    return [
        """CREATE TABLE group_links (
            source TEXT NOT NULL,
            source_key TEXT NOT NULL,
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            content_hash TEXT,
            reason TEXT NOT NULL,
            linked_at TEXT NOT NULL,
            PRIMARY KEY (source, source_key)
        )""",
        "CREATE INDEX group_links_group ON group_links(group_id)",
    ]


_STATEMENTS: dict[str, Callable[[], list[str]]] = {
    "m001_initial_schema": _statements_m001,
    "m002_groups_fts": _statements_m002,
    "m003_checkin_amendments": _statements_m003,
    "m005_append_only_consents_audit": _statements_m005,
    "m006_directory_sources": _statements_m006,
    "m007_notes_plans_releases": _statements_m007,
    "m008_meeting_time_not_listed": _statements_m008,
    "m009_group_links": _statements_m009,
}
# Migrations that need more than a list of statements: a function of the connection.
_PROCEDURES: dict[str, Callable[[sqlite3.Connection], None]] = {
    "m004_ids_never_reused": _procedure_m004,
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


# ---------------------------------------------------------------------------------------------
# Schema verification: a database is a peer database only if its schema is exactly what this
# version of peer creates at that schema version. Reading sqlite_master and the migration records
# fires no trigger and evaluates no view, so the check is safe on a hostile file.

_MIGRATIONS_TABLE = "_sqlite_migrations"
_MIGRATIONS_COLUMNS = {"migration_set", "name"}


@functools.lru_cache(maxsize=1024)
def _normalize_sql(sql: str) -> str:
    """``sql`` with runs of whitespace collapsed and none around parentheses and commas.
    Cached: every open compares the same few dozen definitions."""
    text = re.sub(r"\s+", " ", sql.strip())
    return re.sub(r"\s*([(),])\s*", r"\1", text)


_REFERENCE: dict[int, dict[tuple[str, str], tuple[str, str | None]]] = {}


def reference_schema(version: int) -> dict[tuple[str, str], tuple[str, str | None]]:
    """``{(type, name): (tbl_name, normalized sql)}`` of a database at ``version``, built by
    running this peer's migrations on an in-memory database (cached per process)."""
    if version not in _REFERENCE:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            for name in MIGRATION_NAMES[:version]:
                run_migration(conn, name)
            _REFERENCE[version] = {
                (str(t), str(n)): (str(tbl), None if sql is None else _normalize_sql(str(sql)))
                for t, n, tbl, sql in conn.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master")
            }
        finally:
            conn.close()
    return _REFERENCE[version]


#: ``schema_digest`` of the schema this peer creates (``reference_schema(SCHEMA_VERSION)``), so
#: that opening a current database needs no in-memory rebuild of the schema to compare with.
#: A test recomputes it: after adding a migration, paste the value it reports.
SCHEMA_DIGEST = "9e0ad5ffc86d09378512072cfb382fbe6577d35ea6ec7bae97cdc28f942925c5"


def schema_digest(rows: Iterable[Sequence[Any]]) -> str:
    """A digest of the (type, name, tbl_name, sql) rows of sqlite_master that
    `schema_problems` compares, normalized and skipped exactly as it does: sqlite-utils'
    migration bookkeeping and ANALYZE statistics left out, the SQL of a virtual table's shadow
    tables (its module's own) left out. Equal digests: no problem that comparison would find."""
    import hashlib
    import json

    rows = [(str(t), str(n), str(tbl), None if sql is None else _normalize_sql(str(sql)))
            for t, n, tbl, sql in rows]
    virtual = [n for t, n, _, sql in rows
               if t == "table" and sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    kept = []
    for kind, name, tbl, sql in rows:
        if tbl == _MIGRATIONS_TABLE and kind in ("table", "index"):
            continue
        if kind == "table" and name.startswith("sqlite_stat"):
            continue
        shadow = kind == "table" and any(name.startswith(v + "_") for v in virtual)
        kept.append([kind, name, tbl, None if shadow else sql])
    return hashlib.sha256(json.dumps(sorted(kept, key=str)).encode()).hexdigest()


def is_empty(conn: sqlite3.Connection) -> bool:
    """No schema at all and user_version 0: a database peer may create its schema in."""
    return schema_version(conn) == 0 and conn.execute(
        "SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """What differs between this database's schema and the one peer creates ([] = identical).

    Every table, index, trigger and view must be exactly peer's (whitespace aside); the
    migration records must name exactly the migrations its user_version says were applied.
    A database newer than this peer is reported as such (one problem).
    """
    version = schema_version(conn)
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    if version == 0:
        return [] if not rows else ["it is an SQLite database but not a peer database"]
    if version > SCHEMA_VERSION or version < 0:
        return [(f"it was written by a newer version of peer (schema {version}; this peer "
                f"knows {SCHEMA_VERSION})")]
    names = {str(r[1]) for r in rows}
    if _MIGRATIONS_TABLE in names and _MIGRATIONS_COLUMNS <= _columns(conn, _MIGRATIONS_TABLE):
        unknown = [n for n in _applied(conn) if n not in MIGRATION_NAMES]
        if unknown:
            return [(f"it was written by a newer version of peer (unknown migrations: "
                    f"{', '.join(unknown)})")]
    if version == SCHEMA_VERSION and schema_digest(rows) == SCHEMA_DIGEST:
        # exactly the schema the comparison below accepts, known without building it
        return _migration_record_problems(conn, version, names)
    expected = reference_schema(version)
    virtual = [n for (t, n), (_, sql) in expected.items()
               if t == "table" and sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for kind, name, tbl, sql in rows:
        key = (str(kind), str(name))
        seen.add(key)
        if str(tbl) == _MIGRATIONS_TABLE and kind in ("table", "index"):
            continue  # sqlite-utils' bookkeeping (its layout is checked below); no code there
        if kind == "table" and str(name).startswith("sqlite_stat"):
            continue  # ANALYZE statistics: SQLite's own, no code
        want = expected.get(key)
        where = f" on {tbl}" if kind in ("index", "trigger") and tbl != name else ""
        if want is None:
            problems.append(f"unexpected {kind} '{name}'{where}")
            continue
        if str(tbl) != want[0]:
            problems.append(f"{kind} '{name}' belongs to {tbl}, not {want[0]}")
            continue
        shadow = kind == "table" and any(str(name).startswith(v + "_") for v in virtual)
        if shadow:
            continue  # created by the virtual table module itself, which owns its layout
        have = None if sql is None else _normalize_sql(str(sql))
        if have != want[1]:
            problems.append(f"{kind} '{name}' is not defined the way peer defines it")
    for kind, name in expected:
        if (kind, name) not in seen:
            problems.append(f"missing {kind} '{name}'")
    problems.extend(_migration_record_problems(conn, version, {n for _, n in seen}))
    return problems


def _migration_record_problems(
    conn: sqlite3.Connection, version: int, names: set[str]
) -> list[str]:
    if _MIGRATIONS_TABLE not in names:
        return [f"missing table '{_MIGRATIONS_TABLE}' (the record of applied migrations)"]
    if not _MIGRATIONS_COLUMNS <= _columns(conn, _MIGRATIONS_TABLE):
        return [f"table '{_MIGRATIONS_TABLE}' is not defined the way peer defines it"]
    if _applied(conn) != MIGRATION_NAMES[:version]:
        return [f"its migration records do not match its schema version {version}"]
    return []


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')}


def _applied(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        f"SELECT name FROM {_MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,))]
