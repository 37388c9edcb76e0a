"""Migration m006_directory_sources: Directory feeds (issue 11): where each source comes from and
how it was last fetched, the changes a re-import found per group, and the alerts those changes
raise for people with an open referral to the group (until the specialist acknowledges them).
New group fields kept from richer formats: dial-in number, regions, proof of attendance,
feedback address.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
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
)


def statements() -> list[str]:
    return list(STATEMENTS)
