"""Migration m010_groups_postal_code_index: placing a person at their postal code's centroid
(store/places.py) reads the groups listed there. A covering index, case-insensitive so that the
LIKE prefix search can use it, instead of a scan of every group.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    "CREATE INDEX groups_postal_code ON groups(postal_code COLLATE NOCASE, latitude, longitude)",
)


def statements() -> list[str]:
    return list(STATEMENTS)
