"""The matcher: score one consumer against one group, say why in plain sentences, and rank.

Pure module (no SQLite, Typer or Rich). `score_group(consumer, group, now)` applies the hard
filters (status, format, language, access needs, audience, schedule) and combines the score
components with the weights in `WEIGHTS` (documented in docs/matching.md). `rank` orders the
groups that pass for one consumer; `rank_consumers` orders consumers for one group.

Every component is a number from 0 to 1; the score is their weighted mean, so it is 0..1 too.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from peercli.core.availability import PARTS_OF_DAY, Window
from peercli.core.geo import haversine_km
from peercli.core.schedule import Meeting, describe_meeting, next_occurrences, weekdays_of
from peercli.core.timeparse import DAY_ABBRS, END_OF_DAY, format_hhmm

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
#: Words in a goal that mean "connection": peer-led groups are favoured for them.
_SOCIAL_GOAL = re.compile(
    r"\b(connect\w*|friend\w*|lonel\w*|isolat\w*|social\w*|belong\w*|companion\w*|"
    r"meet (?:new )?people|community)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Weights:
    """How much each score component counts. The score is sum(weight * component) / sum(weights)."""

    topics: float = 0.40
    schedule: float = 0.20
    distance: float = 0.15
    peer_led: float = 0.10
    newcomers: float = 0.10
    freshness: float = 0.05

    def items(self) -> tuple[tuple[str, float], ...]:
        return tuple((name, getattr(self, name)) for name in COMPONENTS)

    @property
    def total(self) -> float:
        return sum(w for _, w in self.items())


COMPONENTS: tuple[str, ...] = ("topics", "schedule", "distance", "peer_led", "newcomers", "freshness")
WEIGHTS = Weights()

# Component values for the cases that are not a measurement.
NEUTRAL = 0.5  # not stated (no interests, no free time, unknown newcomer policy...)
ONLINE_DISTANCE = 0.75  # attending online: no travel, but no room to share either
DISTANCE_FULL_KM = 2.0  # this close counts as on the doorstep
DISTANCE_SCALE_KM = 15.0  # then the component decays as exp(-(km - 2) / 15)
PEER_LED_VALUES = {
    # facilitation -> (goal mentions connection, goal does not)
    "peer-led": (1.0, 0.7),
    "mutual-aid": (0.9, 0.7),
    None: (0.4, 0.4),
    "professional": (0.0, 0.4),
}


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


# -- small helpers ---------------------------------------------------------------------------


def goal_is_social(goals: str | None) -> bool:
    """Does the person's goal talk about connection, friends, loneliness or being social?"""
    return bool(goals and _SOCIAL_GOAL.search(goals))


_PART_NAMES: dict[tuple[int, int], str] = {}
for _name, _span in PARTS_OF_DAY.items():
    _PART_NAMES.setdefault(_span, _name)


def window_label(w: Window) -> str:
    """ "Tue evening", "Sat 10:00-14:00", "Sun (all day)"."""
    day = DAY_ABBRS[w.day]
    if (w.start, w.end) == (0, END_OF_DAY):
        return f"{day} (all day)"
    part = _PART_NAMES.get((w.start, w.end))
    return f"{day} {part}" if part else f"{day} {format_hhmm(w.start)}-{format_hhmm(w.end)}"


def _format_label(fmt: str) -> str:
    return {"in_person": "in person", "online": "online", "hybrid": "hybrid"}.get(fmt, fmt)


def _language_label(code: str) -> str:
    from peercli.core.languages import language_name

    return language_name(code)


def _join(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _meeting_is_current(m: Meeting, today: date) -> bool:
    return m.until is None or m.until >= today


# -- the hard filters ------------------------------------------------------------------------


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


def _audience_ok(consumer: ConsumerProfile, group: GroupProfile) -> tuple[bool, list[str]]:
    eligible = set(consumer.eligible)
    identity = [a for a in group.audience if a not in ROLE_AUDIENCES]
    roles = [a for a in group.audience if a in ROLE_AUDIENCES]
    missing = [a for a in identity if a not in eligible]
    if roles and not eligible.intersection(roles):
        missing.append(" or ".join(roles))
    return not missing, missing


@dataclass(frozen=True)
class _Fit:
    meeting: Meeting
    window: Window
    inside: float  # fraction of the meeting's minutes inside the window
    near: bool
    day: int


def _fits(
    consumer: ConsumerProfile, meetings: Sequence[Meeting], *, slack: int
) -> list[_Fit]:
    """Meetings that sit inside a free window (or within `slack` minutes of one)."""
    by_day: dict[int, list[Window]] = {}
    for w in consumer.windows:
        by_day.setdefault(w.day, []).append(w)
    fits: list[_Fit] = []
    for m in meetings:
        length = m.end - m.start
        for day in sorted(weekdays_of(m)):
            for w in by_day.get(day, ()):
                if m.start >= w.start and m.end <= w.end:
                    fits.append(_Fit(m, w, 1.0, False, day))
                elif slack and m.start >= w.start - slack and m.end <= w.end + slack:
                    inside = max(0, min(m.end, w.end) - max(m.start, w.start)) / length
                    fits.append(_Fit(m, w, inside, True, day))
    return fits


def _nearest_miss(consumer: ConsumerProfile, meetings: Sequence[Meeting]) -> str | None:
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


# -- the score components --------------------------------------------------------------------


def _canonical(slugs: Iterable[str], vocabulary: Vocabulary | None) -> list[str]:
    out: list[str] = []
    for slug in slugs:
        if vocabulary is not None:
            slug = vocabulary.normalize_one(slug)[0] or slug
        if slug not in out:
            out.append(slug)
    return out


def topics_that_pass(interests: Sequence[str], vocabulary: Vocabulary | None) -> frozenset[str]:
    """Every group topic that would keep a group past the topic filter for these interests:
    the interests themselves and, through the vocabulary, the topics related to them (same
    category, see `topic_component`). Lets the candidate search narrow in SQL, exactly."""
    mine = _canonical(interests, vocabulary)
    out = set(mine)
    if vocabulary is not None:
        cats = {t.category for s in mine if (t := vocabulary.get(s)) is not None}
        cats &= RELATED_CATEGORIES
        out |= {t.slug for t in vocabulary.topics if t.category in cats}
    return frozenset(out)


def topic_component(
    interests: Sequence[str], topics: Sequence[str], vocabulary: Vocabulary | None = None
) -> tuple[float, list[str], list[str]]:
    """(value, shared topics, related topics).

    value = min(1, (min(shared, 2) + 0.3 if any related) / min(interests, 2)): two shared
    interests (or the only one) give full marks; a group topic in the same category as an
    interest that is not shared adds a little. No interests stated: NEUTRAL.
    """
    mine = _canonical(interests, vocabulary)
    theirs = _canonical(topics, vocabulary)
    if not mine:
        return NEUTRAL, [], []
    theirs_set = set(theirs)
    shared = [t for t in mine if t in theirs_set]
    related: list[str] = []
    if vocabulary is not None:
        cats = {
            t.category for s in mine if s not in theirs_set and (t := vocabulary.get(s)) is not None
        }
        for s in theirs:
            topic = vocabulary.get(s)
            if (
                topic is not None and s not in shared and topic.category in cats
                and topic.category in RELATED_CATEGORIES
            ):
                related.append(s)
    value = (min(len(shared), 2) + (RELATED_TOPIC_CREDIT if related else 0.0)) / min(len(mine), 2)
    return min(1.0, value), shared, related


def distance_component(km: float | None, attends: str | None, can_go_online: bool) -> float:
    """1 on the doorstep, decaying with distance; online attendance ONLINE_DISTANCE; unknown NEUTRAL."""
    if attends == "online":
        return ONLINE_DISTANCE
    if km is None:
        return NEUTRAL
    value = 1.0 if km <= DISTANCE_FULL_KM else math.exp(-(km - DISTANCE_FULL_KM) / DISTANCE_SCALE_KM)
    return max(value, ONLINE_DISTANCE) if can_go_online else value


def freshness_component(group: GroupProfile, today: date) -> tuple[float, date | None]:
    """1 when verified (or updated) within a year, then falling to 0 at three years."""
    seen = group.last_verified or group.updated
    if seen is None:
        return NEUTRAL, None
    age = (today - seen).days
    if age <= STALE_AFTER_DAYS:
        return 1.0, seen
    return max(0.0, 1.0 - (age - STALE_AFTER_DAYS) / (2 * STALE_AFTER_DAYS)), seen


def peer_led_component(facilitation: str | None, social_goal: bool) -> float:
    values = PEER_LED_VALUES.get(facilitation, PEER_LED_VALUES[None])
    return values[0] if social_goal else values[1]


def newcomers_component(open_to_newcomers: bool | None) -> float:
    return NEUTRAL if open_to_newcomers is None else (1.0 if open_to_newcomers else 0.0)


def weighted_score(breakdown: Mapping[str, float], weights: Weights = WEIGHTS) -> float:
    total = sum(w * breakdown[name] for name, w in weights.items())
    return max(0.0, min(1.0, total / weights.total))


# -- scoring ---------------------------------------------------------------------------------


def score_group(
    consumer: ConsumerProfile,
    group: GroupProfile,
    now: datetime,
    *,
    near_misses: bool = False,
    any_topic: bool = False,
    vocabulary: Vocabulary | None = None,
    weights: Weights = WEIGHTS,
    with_next: bool = True,
) -> Match:
    """Score `group` for `consumer` at `now`. Always computes the score and the breakdown (for
    --explain); `passed` is False and `filtered_by` says why when a hard filter removes it."""
    today = now.date()
    reasons: list[str] = []
    filtered: str | None = None

    def reject(text: str) -> None:
        nonlocal filtered
        if filtered is None:
            filtered = text

    if group.status != "active":
        reject("the listing is marked inactive")
    attends = attendance_mode(consumer, group)
    if attends is None:
        reject(
            f"the group meets {_format_label(group.format)} only, and this person attends "
            f"{_join(_format_label(f) for f in consumer.formats)} only"
        )
    if consumer.languages:
        spoken = group_languages(group)
        if not set(spoken) & set(consumer.languages):
            reject(
                f"the group meets in {_join(_language_label(c) for c in spoken)}, and this person "
                f"speaks {_join(_language_label(c) for c in consumer.languages)}"
            )
    offered = set(group.accessibility)
    if attends == "online":
        offered |= PLACE_NEEDS
    unmet = [need for need in consumer.access_needs if need not in offered]
    if unmet:
        reject(f"the listing does not offer {', '.join(unmet)}, which this person needs")
    audience_ok, missing = _audience_ok(consumer, group)
    if not audience_ok:
        reject(f"the group is for {' and '.join(missing)} only")

    current = [m for m in group.meetings if _meeting_is_current(m, today)]
    near_miss = False
    fits: list[_Fit] = []
    if not current:
        reject("the group has no current meetings")
        schedule_value = 0.0
    elif not consumer.windows:
        schedule_value = NEUTRAL  # free time not recorded: do not filter, do not favour
    else:
        fits = _fits(consumer, current, slack=NEAR_MISS_MINUTES)
        exact = [f for f in fits if not f.near]
        if exact:
            fits = exact
            schedule_value = 1.0
        elif fits:
            schedule_value = max(f.inside for f in fits)
            if near_misses:
                near_miss = True
            else:
                reject(
                    "no meeting falls inside this person's free time (near miss: "
                    f"{_nearest_miss(consumer, current)}; shown with --near-misses)"
                )
        else:
            schedule_value = 0.0
            nearest = _nearest_miss(consumer, current)
            where = f" (nearest: {nearest})" if nearest else ""
            reject(f"no meeting falls inside this person's free time{where}")

    topic_value, shared, related = topic_component(consumer.interests, group.topics, vocabulary)
    if shared:
        reasons.append(f"shares interests: {', '.join(shared)}")
    if related:
        reasons.append(f"related topic: {', '.join(related)}")
    if consumer.interests and not shared and not related:
        # A grief group is not offered to someone who came about walking, nor a recovery group
        # to someone grieving: a group must touch what the person cares about, unless asked.
        if any_topic:
            reasons.append("no shared interests")
        else:
            reject("it shares none of this person's interests (shown with --any-topic)")

    if fits:
        best = max(fits, key=lambda f: (f.inside, -f.day, -f.meeting.start))
        m = best.meeting
        if m.freq == "WEEKLY" and m.interval == 1:
            when = f"{DAY_ABBRS[best.day]} {format_hhmm(m.start)}-{format_hhmm(m.end)}"
        else:
            when = describe_meeting(m)
        if best.near:
            reasons.append(
                f"meets {when}, within {NEAR_MISS_MINUTES} minutes of your free time (near miss)"
            )
        else:
            reasons.append(f"meets {when}, inside your {window_label(best.window)}")

    km: float | None = None
    if (
        attends == "in_person" and None not in (consumer.latitude, consumer.longitude)
        and None not in (group.latitude, group.longitude)
    ):
        km = haversine_km(consumer.latitude, consumer.longitude,  # type: ignore[arg-type]
                          group.latitude, group.longitude)  # type: ignore[arg-type]
    can_go_online = group.format == "hybrid" and (
        not consumer.formats or bool({"online", "hybrid"} & set(consumer.formats)))
    distance_value = distance_component(km, attends, can_go_online)
    if attends == "online":
        reasons.append("online" if group.format == "online" else "hybrid: you can join online")
    elif km is not None:
        reasons.append("under 1 km away" if km < 1 else f"{round(km)} km away")
    if group.format == "hybrid" and attends == "in_person":
        reasons.append("hybrid: in person or online")

    social = goal_is_social(consumer.goals)
    peer_value = peer_led_component(group.facilitation, social)
    if group.facilitation in ("peer-led", "mutual-aid"):
        label = "peer-led" if group.facilitation == "peer-led" else "mutual aid (peer-run)"
        reasons.append(f"{label}, good for connection" if social else label)
    elif group.facilitation == "professional":
        reasons.append("professionally led")

    newcomer_value = newcomers_component(group.open_to_newcomers)
    if group.open_to_newcomers:
        reasons.append("open to newcomers")
    elif group.open_to_newcomers is False:
        reasons.append("closed to newcomers (ask before going)")

    fresh_value, seen = freshness_component(group, today)
    if seen is not None and fresh_value < 1.0:
        reasons.append(f"listing not checked since {seen.isoformat()} (confirm it still meets)")

    breakdown = {
        "topics": round(topic_value, 4),
        "schedule": round(schedule_value, 4),
        "distance": round(distance_value, 4),
        "peer_led": round(peer_value, 4),
        "newcomers": round(newcomer_value, 4),
        "freshness": round(fresh_value, 4),
    }
    score = weighted_score(breakdown, weights)
    fitting = tuple(dict.fromkeys(f.meeting for f in fits))
    match = Match(
        consumer=consumer, group=group, passed=filtered is None, filtered_by=filtered,
        score=score, reasons=tuple(reasons), breakdown=breakdown, near_miss=near_miss,
        distance_km=km, attends=attends, fitting=fitting,
    )
    return with_next_meeting(match, now) if with_next else match


def next_fitting_meeting(
    consumer: ConsumerProfile, meetings: Sequence[Meeting], now: datetime, *, slack: int = 0
) -> datetime | None:
    """The soonest meeting start after `now` that falls on a day (and time) the person is free;
    any meeting when their free time is not recorded."""
    best: datetime | None = None
    for m in meetings:
        if not _meeting_is_current(m, now.date()):
            continue
        count = 7 if m.freq == "DAILY" else max(1, len(m.byday)) + 1
        for when in next_occurrences(m, now, count):
            if consumer.windows and not any(
                w.day == when.weekday() and m.start >= w.start - slack and m.end <= w.end + slack
                for w in consumer.windows
            ):
                continue
            if best is None or when < best:
                best = when
            break
    return best


def with_next_meeting(match: Match, now: datetime) -> Match:
    """The match with `next_meeting` filled in: the next meeting the person can attend."""
    meetings = match.fitting or match.group.meetings
    slack = NEAR_MISS_MINUTES if match.near_miss else 0
    consumer = match.consumer if match.fitting else replace(match.consumer, windows=())
    return replace(match, next_meeting=next_fitting_meeting(consumer, meetings, now, slack=slack))


def _sort_key(m: Match) -> tuple[float, datetime, str, int]:
    return (-m.score, m.next_meeting or datetime.max, m.group.name.casefold(), m.group.id)


def rank(
    consumer: ConsumerProfile,
    groups: Iterable[GroupProfile],
    now: datetime,
    *,
    limit: int | None = None,
    near_misses: bool = False,
    any_topic: bool = False,
    vocabulary: Vocabulary | None = None,
    weights: Weights = WEIGHTS,
) -> list[Match]:
    """Groups that pass every hard filter, best first: score descending, then the sooner next
    meeting, then name (then id, so the order is total and stable).

    Next meetings are only computed for the top `limit` and any group tied with the last of
    them, since that is all the order can depend on.
    """
    passed = [
        m for g in groups
        if (m := score_group(consumer, g, now, near_misses=near_misses, any_topic=any_topic,
                             vocabulary=vocabulary, weights=weights, with_next=False)).passed
    ]
    return finish_ranking(passed, now, limit)


def finish_ranking(passed: list[Match], now: datetime, limit: int | None) -> list[Match]:
    """Sort scored matches (see `rank`), computing next meetings only where the order needs them."""
    if limit is not None and len(passed) > limit:
        top = heapq.nlargest(limit, passed, key=lambda m: m.score)
        cutoff = top[-1].score
        passed = [m for m in passed if m.score >= cutoff]
    out = sorted((with_next_meeting(m, now) for m in passed), key=_sort_key)
    return out[:limit] if limit is not None else out


def rank_consumers(
    group: GroupProfile,
    consumers: Iterable[ConsumerProfile],
    now: datetime,
    *,
    limit: int | None = None,
    near_misses: bool = False,
    any_topic: bool = False,
    vocabulary: Vocabulary | None = None,
    weights: Weights = WEIGHTS,
) -> list[Match]:
    """The consumers a group would suit, best first (score, then name, then id)."""
    passed = [
        m for c in consumers
        if (m := score_group(c, group, now, near_misses=near_misses, any_topic=any_topic,
                             vocabulary=vocabulary, weights=weights, with_next=False)).passed
    ]
    passed.sort(key=lambda m: (-m.score, m.consumer.name.casefold(), m.consumer.id))
    return passed[:limit] if limit is not None else passed


def upper_bound_without_topic(weights: Weights = WEIGHTS, *, has_interests: bool = True) -> float:
    """The highest score a group sharing none of the person's interests can reach (used by the
    candidate search to stop early without ever dropping a group that would rank)."""
    topic = RELATED_TOPIC_CREDIT if has_interests else NEUTRAL
    rest = weights.total - weights.topics
    return (weights.topics * topic + rest) / weights.total
