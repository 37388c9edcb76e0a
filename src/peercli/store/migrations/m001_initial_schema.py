"""Migration m001_initial_schema: The initial schema: consumers, consents, groups and meetings,
referrals, check-ins, attendance, the audit log.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
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
)


def statements() -> list[str]:
    return list(STATEMENTS)
