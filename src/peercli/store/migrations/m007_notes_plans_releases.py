"""Migration m007_notes_plans_releases: service notes that pass an audit, the person's recovery
plan, BARC-10, releases of information per recipient and purpose, and the programme's settings.
See docs/notes-and-plans.md.
"""

from __future__ import annotations

BEFORE_CARRY_OVER: tuple[str, ...] = (
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
)

AFTER_CARRY_OVER: tuple[str, ...] = (
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
)


def _carry_over(stamp: str) -> list[str]:
    return [
        # The single free-text goal becomes the first goal of the plan (kept on the consumer
        # too). Its plan starts now, so its first review falls due one review period from now.
        f"""INSERT INTO plan_goals (consumer_id, position, text, status, created_at, updated_at)
            SELECT id, 1, trim(goals), 'active', '{stamp}', '{stamp}' FROM consumers
            WHERE goals IS NOT NULL AND trim(goals) <> ''""",
        f"""INSERT INTO goal_events (goal_id, at, what, status, text, note)
            SELECT id, '{stamp}', 'created', status, text,
                   'carried over from the consumer''s goals field' FROM plan_goals""",
    ]


def statements() -> list[str]:
    from peercli.store.db import now_iso

    stamp = now_iso()  # validated ISO text: safe to embed
    return [*BEFORE_CARRY_OVER, *_carry_over(stamp), *AFTER_CARRY_OVER]
