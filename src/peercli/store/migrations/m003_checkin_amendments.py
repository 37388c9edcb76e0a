"""Migration m003_checkin_amendments: A check-in is never rewritten: an amendment is a new row
whose amends_id is the version it supersedes (a linear chain), with the reason for the change.
effective_checkins holds the newest version of every check-in: the rows that count in totals and
reports.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE checkins ADD COLUMN amend_reason TEXT",
    "CREATE INDEX checkins_amends ON checkins(amends_id)",
    """CREATE VIEW effective_checkins AS
       SELECT c.* FROM checkins c
       WHERE NOT EXISTS (SELECT 1 FROM checkins x WHERE x.amends_id = c.id)""",
)


def statements() -> list[str]:
    return list(STATEMENTS)
