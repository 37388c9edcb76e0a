"""The matcher's values: who, what, the options a search runs with, and the result.

Every number a rule uses is a named constant here, and the weights are a value (`Weights`), so
a different weighting (a persona, an experiment) is data, not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from peercli.core.availability import Window
from peercli.core.schedule import Meeting

if TYPE_CHECKING:
    from peercli.core.topics import Vocabulary

#: How far outside a free window a meeting may sit and still be shown with --near-misses.
NEAR_MISS_MINUTES = 30
#: A listing not verified (or updated) for longer than this is stale.
STALE_AFTER_DAYS = 365
#: Credit for a group topic in the same category as an interest ("depression" vs "anxiety").
RELATED_TOPIC_CREDIT = 0.3
#: Categories where a neighbouring topic is still a useful suggestion.
RELATED_CATEGORIES = frozenset(
    {"mental-health", "substance-use", "grief-trauma", "family-caregivers", "health-conditions"}
)
#: Access needs that stop mattering when the person attends online.
PLACE_NEEDS = frozenset({"wheelchair", "step-free", "parking", "transit"})
#: Audience tags that describe a role (any one of them is enough); every other tag is an
#: identity restriction, and a group naming several of those needs all of them.
ROLE_AUDIENCES = frozenset({"family-members", "caregivers", "parents"})

# Component values for the cases that are not a measurement.
NEUTRAL = 0.5  # not stated (no interests, no free time, unknown newcomer policy...)
ONLINE_DISTANCE = 0.75  # attending online: no travel, but no room to share either
DISTANCE_FULL_KM = 2.0  # this close counts as on the doorstep
DISTANCE_SCALE_KM = 15.0  # then the component decays as exp(-(km - 2) / 15)
PEER_LED_VALUES: Mapping[str | None, tuple[float, float]] = {
    # facilitation -> (goal mentions connection, goal does not)
    "peer-led": (1.0, 0.7),
    "mutual-aid": (0.9, 0.7),
    None: (0.4, 0.4),
    "professional": (0.0, 0.4),
}


@dataclass(frozen=True)
class Weights:
    """How much each score component counts. The score is sum(weight * component) / sum(weights).

    One field per component in `rules.COMPONENTS`, same name.
    """

    topics: float = 0.40
    schedule: float = 0.20
    distance: float = 0.15
    peer_led: float = 0.10
    newcomers: float = 0.10
    freshness: float = 0.05

    def __post_init__(self) -> None:
        items = tuple((name, getattr(self, name)) for name in COMPONENTS)
        object.__setattr__(self, "_items", items)  # read for every pair scored: built once
        object.__setattr__(self, "_total", sum(w for _, w in items))

    def items(self) -> tuple[tuple[str, float], ...]:
        items: tuple[tuple[str, float], ...] = self.__dict__["_items"]
        return items

    @property
    def total(self) -> float:
        total: float = self.__dict__["_total"]
        return total


#: The component names (the fields of `Weights`), in the order their reasons are listed.
COMPONENTS: tuple[str, ...] = tuple(f.name for f in fields(Weights))
WEIGHTS = Weights()


@dataclass(frozen=True)
class MatchOptions:
    """How one search runs: what `peer match` was asked for, beyond the person's own profile.

    Hard filters and components read what they need from here; the SQL candidate search
    (`store.matching`) narrows with the same value. A new option is a new field.
    """

    near_misses: bool = False  # --near-misses: meetings within NEAR_MISS_MINUTES of free time
    any_topic: bool = False  # --any-topic: groups sharing no interest pass too
    topic: str | None = None  # --topic: only groups carrying this topic slug
    group_formats: tuple[str, ...] | None = None  # --format: only these group formats
    limit: int | None = None  # how many to rank (None: all)
    vocabulary: Vocabulary | None = field(default=None, compare=False)
    weights: Weights = WEIGHTS


@dataclass(frozen=True)
class ConsumerProfile:
    """What the matcher needs to know about a person (all lists already normalized)."""

    id: int
    name: str
    interests: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    access_needs: tuple[str, ...] = ()
    eligible: tuple[str, ...] = ()
    goals: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class GroupProfile:
    """What the matcher needs to know about a group."""

    id: int
    name: str
    topics: tuple[str, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    format: str = "in_person"
    languages: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    facilitation: str | None = None
    open_to_newcomers: bool | None = None
    status: str = "active"
    last_verified: date | None = None
    updated: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    postal_code: str | None = None
    address: str | None = None
    city: str | None = None
    online_url: str | None = None


@dataclass(frozen=True)
class Match:
    """One consumer scored against one group: whether it passed, the score, and why."""

    consumer: ConsumerProfile
    group: GroupProfile
    passed: bool
    filtered_by: str | None
    score: float
    reasons: tuple[str, ...]
    breakdown: Mapping[str, float] = field(hash=False)
    next_meeting: datetime | None = None
    near_miss: bool = False
    distance_km: float | None = None
    attends: str | None = None  # "in_person" | "online": how this person would take part
    fitting: tuple[Meeting, ...] = ()  # meetings inside (or near) the free time
