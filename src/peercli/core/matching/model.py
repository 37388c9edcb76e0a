"""The matcher's values: who, what, the options a search runs with, and the result.

Every number a rule uses is a named constant here, and the weights are a value (`Weights`), so
a different weighting (a persona, an experiment) is data, not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from peercli.core.availability_windows import Window
from peercli.core.schedule import Meeting

if TYPE_CHECKING:
    from peercli.core.matching.relations import TopicRelations
    from peercli.core.topics import Vocabulary

#: How far outside a free window a meeting may sit and still be shown with --near-misses.
NEAR_MISS_MINUTES = 30
#: A listing not verified (or updated) for longer than this is stale (MatchOptions can change it).
STALE_AFTER_DAYS = 365
#: Related topics: a curated relation (package data `topic_relations.json`) gives each pair a
#: strength 0..1; only pairs at least this close count, and a related topic is worth
#: strength x RELATED_TOPIC_CREDIT of a shared one.
RELATED_MIN_STRENGTH = 0.5
RELATED_TOPIC_CREDIT = 0.6
#: How much a group's other subjects take away: a group all about the person's interests keeps
#: its topic value, one whose other subjects are unrelated keeps 1 - this much of it.
TOPIC_FOCUS_WEIGHT = 0.2
#: Topic slugs that name who a group is for rather than what it is about.
AUDIENCE_TOPICS = frozenset({"veterans", "women", "men", "lgbtq", "transgender", "young-adults",
                             "older-adults", "people-of-color", "immigrants", "indigenous"})
#: Kept for readers of the old rule (any topic of the same category was related): unused.
RELATED_CATEGORIES: frozenset[str] = frozenset()
#: Access needs that stop mattering when the person attends online (see core.access).
PLACE_NEEDS = frozenset({"wheelchair", "step-free", "parking", "transit", "service-animals",
                         "scent-free"})
#: Audience tags that describe a role (any one of them is enough); every other tag is an
#: identity restriction, and a group naming several of those needs all of them.
ROLE_AUDIENCES = frozenset({"family-members", "caregivers", "parents"})
#: In-person groups farther than this are not offered (they are near misses: "24 km away");
#: `--within KM` changes it. Hybrid groups the person can join online are never too far.
DEFAULT_MAX_KM = 20.0

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
#: audience fit -> component value. A group for the person's own community (recorded, or
#: likely from what they said) is a better offer than a general one; a restricted group whose
#: eligibility nobody recorded is still offered, lower, with "check ... qualifies".
AUDIENCE_VALUES: Mapping[str, float] = {
    "met": 1.0, "likely": 0.85, "general": 0.6, "unknown": 0.3,
}
#: language fit -> value: the person's first (preferred) language, another language they
#: speak, or languages not recorded (every passing group is then in English).
LANGUAGE_VALUES: Mapping[str, float] = {"preferred": 1.0, "other": 0.4, "unknown": NEUTRAL}
#: How often a group meets -> (goal mentions connection, goal does not). Friendship needs
#: the same faces every week.
REGULARITY_VALUES: Mapping[str, tuple[float, float]] = {
    "weekly": (1.0, 1.0), "fortnightly": (0.6, 0.85), "monthly": (0.25, 0.7),
    "unknown": (0.5, 0.7),
}
#: Schedule values for groups offered without a confirmed time (below every confirmed one).
APPROXIMATE_SCHEDULE_VALUE = 0.5
UNKNOWN_SCHEDULE_VALUE = 0.25
TIME_NOT_LISTED = "time not listed — call to confirm"

# Diversity of the top N (see ranking.diversify): a group loses a little for each group already
# picked above it from the same organization or fellowship, at the same weekday and start, or
# on the same weekday, never more than DIVERSITY_MAX_PENALTY in all.
DIVERSITY_SAME_ORG = 0.04
DIVERSITY_SAME_SLOT = 0.05
DIVERSITY_SAME_DAY = 0.015
DIVERSITY_MAX_PENALTY = 0.12


@dataclass(frozen=True)
class Weights:
    """How much each score component counts. The score is sum(weight * component) / sum(weights).

    One field per component in `rules.COMPONENTS`, same name.
    """

    topics: float = 0.34
    schedule: float = 0.20
    distance: float = 0.11
    audience: float = 0.08
    language: float = 0.05
    peer_led: float = 0.08
    newcomers: float = 0.06
    regularity: float = 0.03
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
    relations: TopicRelations | None = field(default=None, compare=False)
    weights: Weights = WEIGHTS
    #: Groups the person is already referred to or attending: (group id, label such as
    #: "referred 12 Nov" or "attending"). They are marked, and listed after the new options
    #: unless `include_current`.
    current: tuple[tuple[int, str], ...] = ()
    include_current: bool = False
    stale_after_days: int = STALE_AFTER_DAYS
    max_km: float | None = DEFAULT_MAX_KM
    diversify: bool = True
    #: --proof-of-attendance: only groups whose listing says they sign attendance slips (court
    #: or programme requirements); a listing that does not say is not offered.
    proof_of_attendance: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "_current", dict(self.current))

    def current_label(self, group_id: int) -> str | None:
        labels: dict[int, str] = self.__dict__["_current"]
        return labels.get(group_id)


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
    pronouns: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class GroupProfile:
    """What the matcher needs to know about a group."""

    id: int
    name: str
    topics: tuple[str, ...] = ()
    organization: str | None = None
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
    #: the listing says the meeting signs attendance slips (True), says it does not (False), or
    #: does not say (None)
    proof_of_attendance: bool | None = None
    #: the sources that list the group: its own first, then those linked to it as the same
    #: group (docs/groups.md "The same group from two sources")
    sources: tuple[str, ...] = ()


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
    #: False when the group fits only by a meeting whose time is not listed (or lists no
    #: schedule at all): it ranks below every group with a confirmed time.
    time_listed: bool = True
    #: 0 shares an interest (or the person has none), 1 only a related topic, 2 neither
    #: (--any-topic): exact interests always rank first.
    tier: int = 0
    related_topics: tuple[str, ...] = ()
    current: str | None = None  # "referred 12 Nov", "attending": already in the person's plan
    stale: bool = False  # listing not verified for longer than stale_after_days
    slot: tuple[int, int] | None = None  # (weekday, start minute) of the meeting that fits
    ruled_out_by: str | None = None  # near misses: the one thing that rules the group out
    change: str | None = None  # near misses: the change to the record that would open it
