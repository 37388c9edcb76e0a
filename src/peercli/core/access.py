"""Access needs and what a listing offers, in one vocabulary.

A person's need ("step-free", "no stairs", "lift") and a listing's accessibility ("Wheelchair
accessible", "X" in a Meeting Guide feed) are read through the same synonyms
(`core.vocab.ACCESS_SYNONYMS`), then compared with `SATISFIED_BY`: a need is met when the listing
offers the need itself or something that implies it ("wheelchair" access is step-free). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from peercli.core.vocab import parse_access

#: need -> the offers that meet it besides the need itself. A wheelchair-accessible place has a
#: step-free way in; an elevator or a ramp is a step-free way in (their synonyms already say so).
SATISFIED_BY: Mapping[str, frozenset[str]] = {
    "step-free": frozenset({"wheelchair"}),
    "hearing-loop": frozenset(),
    "captions": frozenset(),
}
#: Needs about the place itself: attending online meets them.
PLACE_NEEDS = frozenset({"wheelchair", "step-free", "parking", "transit", "service-animals",
                         "scent-free"})
#: Plain labels for a need, as a specialist would say it.
LABELS: Mapping[str, str] = {
    "wheelchair": "wheelchair access", "step-free": "step-free access", "asl": "ASL",
    "hearing-loop": "a hearing loop", "captions": "captions", "large-print": "large print",
    "childcare": "childcare", "scent-free": "a scent-free room", "transit": "transit nearby",
    "parking": "parking", "service-animals": "service animals welcome",
}


@lru_cache(maxsize=4096)
def canonical(items: tuple[str, ...]) -> tuple[str, ...]:
    """The canonical slugs for needs or offers as stored or typed ("Wheelchair Access" ->
    wheelchair), in order, without duplicates."""
    return tuple(parse_access(list(items)))


def need_met(need: str, offered: Iterable[str]) -> bool:
    offers = offered if isinstance(offered, frozenset) else frozenset(offered)
    return need in offers or bool(SATISFIED_BY.get(need, frozenset()) & offers)


def unmet_needs(needs: Iterable[str], offered: Iterable[str], *, online: bool = False
                ) -> list[str]:
    """The person's needs (canonical) the listing does not meet; attending online meets the
    place needs."""
    offers = frozenset(canonical(tuple(offered)))
    if online:
        offers = offers | PLACE_NEEDS
    return [n for n in canonical(tuple(needs)) if not need_met(n, offers)]


def label(need: str) -> str:
    return LABELS.get(need, need.replace("-", " "))
