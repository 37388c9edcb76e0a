"""Migration m008_meeting_time_not_listed: Listings without a fixed time: an approximate meeting
knows its days (and maybe a part of the day) but not its time; start/end_minute then hold that
part of the day's documented hours (or the whole day) so matching can still narrow by them.
bymonth: the months a seasonal meeting runs in (JSON list, [] = all year). A group with no
meetings at all has its schedule unknown.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    ("ALTER TABLE meetings ADD COLUMN approximate INTEGER NOT NULL DEFAULT 0 "
     "CHECK (approximate IN (0, 1))"),
    "ALTER TABLE meetings ADD COLUMN part_of_day TEXT",
    "ALTER TABLE meetings ADD COLUMN bymonth TEXT NOT NULL DEFAULT '[]'",
)


def statements() -> list[str]:
    return list(STATEMENTS)
