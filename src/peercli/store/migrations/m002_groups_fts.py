"""Migration m002_groups_fts: Full-text search over groups; maintained by the group store (topics
live in a child table).
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE VIRTUAL TABLE groups_fts USING fts5(
        name, description, organization, topics, tokenize = 'unicode61 remove_diacritics 2'
    )""",
)


def statements() -> list[str]:
    return list(STATEMENTS)
