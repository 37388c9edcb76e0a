"""Migration m009_group_links: The same group listed by two sources (docs/groups.md "The same group
from two sources"): the second source's listing is linked to the group row the first one made,
keyed by its own (source, source_key), with its own content hash for re-imports; one group row.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
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
)


def statements() -> list[str]:
    return list(STATEMENTS)
