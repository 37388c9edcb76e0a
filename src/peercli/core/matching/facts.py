"""What the hard filters and the score components share about one consumer and one group.

`Facts` computes each shared fact (how the person would attend, which meetings fit their free
time, the topic overlap, the distance) once, on first use, so a filter that rejects early saves
the rest. The helpers below are the measurements themselves; they are pure and tested directly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar, overload

from peercli.core.availability_windows import Window
from peercli.core.geo import haversine_km
from peercli.core.matching.model import (
    APPROXIMATE_SCHEDULE_VALUE,
    AUDIENCE_TOPICS,
    DISTANCE_FULL_KM,
    DISTANCE_SCALE_KM,
    NEAR_MISS_MINUTES,
    NEUTRAL,
    ONLINE_DISTANCE,
    RELATED_TOPIC_CREDIT,
    TOPIC_FOCUS_WEIGHT,
    UNKNOWN_SCHEDULE_VALUE,
    ConsumerProfile,
    GroupProfile,
    MatchOptions,
)
from peercli.core.schedule import Meeting, weekdays_of
from peercli.core.timeparse import DAY_ABBRS, END_OF_DAY, PARTS_OF_DAY, format_hhmm

if TYPE_CHECKING:
    from peercli.core.matching.eligibility import AudienceFit, ConsumerFacts
    from peercli.core.matching.relations import TopicRelations
    from peercli.core.topics import Vocabulary

#: Words in a goal that mean "connection": peer-led groups are favoured for them.
_SOCIAL_GOAL = re.compile(
    r"\b(connect\w*|friend\w*|lonel\w*|isolat\w*|social\w*|belong\w*|companion\w*|"
    r"meet (?:new )?people|community)\b",
    re.IGNORECASE,
)


def goal_is_social(goals: str | None) -> bool:
    """Does the person's goal talk about connection, friends, loneliness or being social?"""
    return bool(goals and _SOCIAL_GOAL.search(goals))


_PART_NAMES: dict[tuple[int, int], str] = {}
for _name, _span in PARTS_OF_DAY.items():
    _PART_NAMES.setdefault(_span, _name)


def language_label(code: str) -> str:
    """A language code as its name ("es" -> "Spanish")."""
    from peercli.core.languages import language_name

    return language_name(code)


def window_label(w: Window) -> str:
    """ "Tue evening", "Sat 10:00-14:00", "Sun (all day)"."""
    day = DAY_ABBRS[w.day]
    if (w.start, w.end) == (0, END_OF_DAY):
        return f"{day} (all day)"
    part = _PART_NAMES.get((w.start, w.end))
    return f"{day} {part}" if part else f"{day} {format_hhmm(w.start)}-{format_hhmm(w.end)}"


def meeting_is_current(m: Meeting, today: date) -> bool:
    return m.until is None or m.until >= today


# -- attendance --------------------------------------------------------------------------------


def attendance_mode(consumer: ConsumerProfile, group: GroupProfile) -> str | None:
    """How the person would attend ("in_person" or "online"), or None if they cannot.

    A consumer with no formats stated can attend anything; "hybrid" on a consumer means either.
    A hybrid group fits both; in person is preferred when the person can do both.
    """
    formats = set(consumer.formats) or {"in_person", "online"}
    if "hybrid" in formats:
        formats |= {"in_person", "online"}
    if group.format == "online":
        return "online" if "online" in formats else None
    if group.format == "hybrid":
        return "in_person" if "in_person" in formats else "online"
    return "in_person" if "in_person" in formats else None


def compatible_group_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The group formats a person with these formats can attend (for SQL narrowing)."""
    probe = ConsumerProfile(0, "", formats=tuple(formats))
    return tuple(
        f for f in ("in_person", "online", "hybrid")
        if attendance_mode(probe, GroupProfile(0, "", format=f)) is not None
    )


def group_languages(group: GroupProfile) -> tuple[str, ...]:
    """A listing that does not say which language it meets in is taken to meet in English."""
    return group.languages or ("en",)


# -- free time ---------------------------------------------------------------------------------


class Fit(NamedTuple):
    """A meeting inside (or, for a near miss, close to) one free window."""

    meeting: Meeting
    window: Window
    inside: float  # fraction of the meeting's minutes inside the window
    near: bool
    day: int


def fits_of(consumer: ConsumerProfile, meetings: Sequence[Meeting], *, slack: int) -> list[Fit]:
    """Meetings that sit inside a free window (or within `slack` minutes of one)."""
    by_day: dict[int, list[Window]] = {}
    for w in consumer.windows:
        by_day.setdefault(w.day, []).append(w)
    fits: list[Fit] = []
    for m in meetings:
        length = m.end - m.start
        for day in sorted(weekdays_of(m)):
            for w in by_day.get(day, ()):
                if m.start >= w.start and m.end <= w.end:
                    fits.append(Fit(m, w, 1.0, False, day))
                elif slack and m.start >= w.start - slack and m.end <= w.end + slack:
                    inside = max(0, min(m.end, w.end) - max(m.start, w.start)) / length
                    fits.append(Fit(m, w, inside, True, day))
    return fits


def nearest_miss(consumer: ConsumerProfile, meetings: Sequence[Meeting]) -> str | None:
    """A short description of the meeting closest to the person's free time."""
    best: tuple[int, str] | None = None
    for m in meetings:
        for day in weekdays_of(m):
            for w in consumer.windows:
                if w.day != day:
                    continue
                gap = max(w.start - m.start, m.end - w.end, 0)
                text = f"{DAY_ABBRS[day]} {format_hhmm(m.start)}-{format_hhmm(m.end)}"
                if best is None or gap < best[0]:
                    best = (gap, f"{text} is {gap} minutes outside your {window_label(w)}")
    return best[1] if best else None


class ScheduleFit(NamedTuple):
    """How a group's current meetings sit against the person's free time."""

    value: float  # the schedule component
    fits: tuple[Fit, ...]  # exact fits when there are any, else the near ones
    exact: bool  # some meeting with a listed time lies fully inside a free window
    approximate: Meeting | None = None  # fits only by this meeting, whose time is not listed
    unknown: bool = False  # the listing gives no schedule at all

    @property
    def time_listed(self) -> bool:
        return self.approximate is None and not self.unknown


def _overlaps(consumer: ConsumerProfile, m: Meeting) -> bool:
    days = weekdays_of(m)
    return any(w.day in days and m.start < w.end and w.start < m.end for w in consumer.windows)


def schedule_fit(consumer: ConsumerProfile, current: Sequence[Meeting],
                 *, listed_any: bool = True) -> ScheduleFit:
    """1 when a current meeting with a listed time fits a free window; for a near miss the
    fraction of its minutes inside; no current meetings 0; free time not recorded NEUTRAL
    (neither filtered nor favoured). A meeting whose time is not listed but whose day (and part
    of the day) overlaps the free time gives APPROXIMATE_SCHEDULE_VALUE, and a listing with no
    schedule at all (`listed_any` False) UNKNOWN_SCHEDULE_VALUE: both are offered with "time not
    listed — call to confirm", below every confirmed time."""
    if not listed_any:
        return ScheduleFit(UNKNOWN_SCHEDULE_VALUE, (), False, unknown=True)
    if not current:
        return ScheduleFit(0.0, (), False)
    confirmed = [m for m in current if not m.approximate]
    approx = [m for m in current if m.approximate]
    if not consumer.windows:
        if confirmed:
            return ScheduleFit(NEUTRAL, (), False)
        return ScheduleFit(APPROXIMATE_SCHEDULE_VALUE, (), False, approximate=approx[0])
    fits = fits_of(consumer, confirmed, slack=NEAR_MISS_MINUTES)
    exact = [f for f in fits if not f.near]
    if exact:
        return ScheduleFit(1.0, tuple(exact), True)
    for m in approx:
        if _overlaps(consumer, m):
            return ScheduleFit(APPROXIMATE_SCHEDULE_VALUE, (), False, approximate=m)
    if fits:
        return ScheduleFit(max(f.inside for f in fits), tuple(fits), False)
    return ScheduleFit(0.0, (), False)


# -- topics ------------------------------------------------------------------------------------


def _canonical(slugs: Iterable[str], vocabulary: Vocabulary | None) -> list[str]:
    out: list[str] = []
    for slug in slugs:
        if vocabulary is not None:
            slug = vocabulary.normalize_one(slug)[0] or slug
        if slug not in out:
            out.append(slug)
    return out


def topics_that_pass(interests: Sequence[str], vocabulary: Vocabulary | None,
                     relations: TopicRelations | None = None) -> frozenset[str]:
    """Every group topic that would keep a group past the topic filter for these interests:
    the interests themselves and the topics close to them in the curated relation (see
    `topic_component`). Lets the candidate search narrow in SQL, exactly."""
    mine = _canonical(interests, vocabulary)
    out = set(mine)
    if relations is not None:
        out |= relations.close_to(mine)
    return frozenset(out)


def topic_component(
    interests: Sequence[str], topics: Sequence[str], vocabulary: Vocabulary | None = None,
    relations: TopicRelations | None = None,
) -> tuple[float, list[str], list[str]]:
    """(value, shared topics, related topics).

    Each interest counts 1 when the group carries it, else strength x RELATED_TOPIC_CREDIT for
    the closest group topic in the curated relation (strength >= RELATED_MIN_STRENGTH), else 0;
    value = the best two of those / min(interests, 2) (two shared interests, or the only one,
    give full marks), times the group's focus on them (see `_focus`). No interests: NEUTRAL.
    """
    mine = _canonical(interests, vocabulary)
    theirs = _canonical(topics, vocabulary)
    if not mine:
        return NEUTRAL, [], []
    theirs_set = set(theirs)
    shared = [t for t in mine if t in theirs_set]
    related: list[str] = []
    credits: list[float] = []
    for slug in mine:
        if slug in theirs_set:
            credits.append(1.0)
            continue
        best, best_topic = 0.0, None
        if relations is not None:
            near = relations.near(slug)
            for t in theirs:
                strength = near.get(t, 0.0)
                if strength > best and t not in shared:
                    best, best_topic = strength, t
        if best_topic is not None:
            credits.append(best * RELATED_TOPIC_CREDIT)
            if best_topic not in related:
                related.append(best_topic)
    credits.sort(reverse=True)
    value = sum(credits[:2]) / min(len(mine), 2)
    return min(1.0, value) * _focus(mine, theirs, relations), shared, related


def _focus(mine: Sequence[str], theirs: Sequence[str], relations: TopicRelations | None
           ) -> float:
    """1 when every subject of the group is one of the person's interests (or close to one),
    down to 1 - TOPIC_FOCUS_WEIGHT when none is: a walking group before a grief walking group for
    someone who only came about walking. Audience tags among the topics (veterans, women...) are
    who the group is for, not what it is about, and are left out."""
    subjects = [t for t in theirs if t not in AUDIENCE_TOPICS]
    if not subjects:
        return 1.0
    mine_set = set(mine)
    total = 0.0
    for t in subjects:
        if t in mine_set:
            total += 1.0
        elif relations is not None:
            near = relations.near(t)
            total += max((near.get(s, 0.0) for s in mine), default=0.0)
    return 1.0 - TOPIC_FOCUS_WEIGHT * (1.0 - total / len(subjects))


class TopicOverlap(NamedTuple):
    value: float
    shared: tuple[str, ...]
    related: tuple[str, ...]

    @property
    def tier(self) -> int:
        """0 an interest is shared, 1 only a related topic, 2 neither."""
        return 0 if self.shared else 1 if self.related else 2


# -- distance ----------------------------------------------------------------------------------


def distance_component(km: float | None, attends: str | None, can_go_online: bool) -> float:
    """1 on the doorstep, decaying with distance; online attendance ONLINE_DISTANCE; unknown
    NEUTRAL."""
    if attends == "online":
        return ONLINE_DISTANCE
    if km is None:
        return NEUTRAL
    value = 1.0 if km <= DISTANCE_FULL_KM else math.exp(-(km - DISTANCE_FULL_KM) / DISTANCE_SCALE_KM)
    return max(value, ONLINE_DISTANCE) if can_go_online else value


# -- the facts of one pair ---------------------------------------------------------------------

_T = TypeVar("_T")


class _once(Generic[_T]):
    """`functools.cached_property` without its lock (3.11 takes one on every first access, which
    costs more than most facts): computed on first access, then read from the instance."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _once[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _once[_T]:
        if obj is None:
            return self
        value = self.compute(obj)
        obj.__dict__[self.name] = value
        return value



_LAST_WHO: list[tuple[ConsumerProfile, Any, Any, ConsumerFacts]] = []


def consumer_facts_of(consumer: ConsumerProfile, options: MatchOptions) -> ConsumerFacts:
    """`eligibility.consumer_facts`, computed once per person while one search runs (the last
    person's facts are kept, by identity)."""
    from peercli.core.matching.eligibility import consumer_facts

    if _LAST_WHO:
        c, v, r, facts = _LAST_WHO[0]
        if c is consumer and v is options.vocabulary and r is options.relations:
            return facts
    facts = consumer_facts(consumer, options.vocabulary)
    _LAST_WHO[:] = [(consumer, options.vocabulary, options.relations, facts)]
    return facts


class Facts:
    """One consumer, one group, the time and the options; shared facts computed on first use."""

    def __init__(self, consumer: ConsumerProfile, group: GroupProfile, now: datetime,
                 options: MatchOptions) -> None:
        self.consumer = consumer
        self.group = group
        self.now = now
        self.today = now.date()
        self.options = options

    @_once
    def attends(self) -> str | None:
        return attendance_mode(self.consumer, self.group)

    @_once
    def current(self) -> tuple[Meeting, ...]:
        """The group's meetings that have not ended (no `until` in the past)."""
        return tuple(m for m in self.group.meetings if meeting_is_current(m, self.today))

    @_once
    def schedule(self) -> ScheduleFit:
        return schedule_fit(self.consumer, self.current, listed_any=bool(self.group.meetings))

    @_once
    def who(self) -> ConsumerFacts:
        return consumer_facts_of(self.consumer, self.options)

    @_once
    def topics(self) -> TopicOverlap:
        if not self.consumer.interests:
            return TopicOverlap(NEUTRAL, (), ())
        value, shared, related = topic_component(
            self.who.interests, self.group.topics, self.options.vocabulary,
            self.options.relations)
        return TopicOverlap(value, tuple(shared), tuple(related))

    @_once
    def audience(self) -> AudienceFit:
        from peercli.core.matching.eligibility import AudienceFit, audience_fit

        if not self.group.audience:
            return AudienceFit("general")
        return audience_fit(self.who, self.group.audience)

    @_once
    def too_far(self) -> bool:
        """In person only, farther than options.max_km (a hybrid group joined online never is)."""
        limit = self.options.max_km
        km = self.km
        return limit is not None and km is not None and km > limit and not self.can_go_online

    @_once
    def km(self) -> float | None:
        """Distance in km when the person attends in person and both places are known."""
        c, g = self.consumer, self.group
        if (
            self.attends != "in_person" or c.latitude is None or c.longitude is None
            or g.latitude is None or g.longitude is None
        ):
            return None
        return haversine_km(c.latitude, c.longitude, g.latitude, g.longitude)

    @property
    def can_go_online(self) -> bool:
        """A hybrid group the person could also join online."""
        formats = self.consumer.formats
        return self.group.format == "hybrid" and (
            not formats or bool({"online", "hybrid"} & set(formats)))
