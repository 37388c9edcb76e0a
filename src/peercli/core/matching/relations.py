"""Curated topic relations: which topics are close enough to offer as "related: ...".

The relation is data (shipped as `peercli/data/topic_relations.json`, read by
`importers.userfiles.load_topic_relations`): symmetric pairs with a strength 0..1. Only pairs of
at least `RELATED_MIN_STRENGTH` count. Pure: this module parses text, it never opens a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from peercli.core.errors import PeerError
from peercli.core.matching.model import RELATED_MIN_STRENGTH


@dataclass(frozen=True)
class TopicRelations:
    """Symmetric (a, b, strength) pairs; `near(slug)` gives the close ones."""

    pairs: tuple[tuple[str, str, float], ...]
    _near: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        near: dict[str, dict[str, float]] = {}
        for a, b, strength in self.pairs:
            if strength < RELATED_MIN_STRENGTH or a == b:
                continue
            for x, y in ((a, b), (b, a)):
                mine = near.setdefault(x, {})
                mine[y] = max(strength, mine.get(y, 0.0))
        object.__setattr__(self, "_near", near)

    def near(self, slug: str) -> Mapping[str, float]:
        """Topics close to `slug` (strength >= RELATED_MIN_STRENGTH) and their strength."""
        return self._near.get(slug, {})

    def strength(self, a: str, b: str) -> float:
        return self._near.get(a, {}).get(b, 0.0)

    def close_to(self, slugs: Iterable[str]) -> frozenset[str]:
        return frozenset(t for s in slugs for t in self.near(s))


def relations_from_json(text: str, source: str = "(shipped)") -> TopicRelations:
    """`{"relations": [[a, b, strength], ...]}` -> TopicRelations; PeerError naming the entry
    when one is malformed."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PeerError(f"topic relations {source}: not JSON ({exc})") from None
    rows = data.get("relations") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise PeerError(f"topic relations {source}: expected {{\"relations\": [[a, b, strength]]}}")
    pairs: list[tuple[str, str, float]] = []
    for i, row in enumerate(rows, start=1):
        ok = (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
              and isinstance(row[1], str) and isinstance(row[2], (int, float))
              and not isinstance(row[2], bool) and 0 <= row[2] <= 1)
        if not ok:
            raise PeerError(f"topic relations {source}: entry {i} must be [topic, topic, "
                            "strength 0..1]")
        pairs.append((row[0].strip().lower(), row[1].strip().lower(), float(row[2])))
    return TopicRelations(tuple(pairs))
