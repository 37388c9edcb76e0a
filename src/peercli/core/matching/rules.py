"""The rules: hard filters (a group failing one is not shown) and score components.

A hard filter is a function from `Facts` to the sentence that removes the group, or None; the
first one that speaks is the group's `filtered_by`. A component is a function from `Facts` to a
`Part`: its value (0..1) and the reasons it gives. The score is the weighted mean of the
components (weights in `MatchOptions.weights`, one per component name). Both lists are data: a
new filter or component is one function and one entry below (plus, for a component, a weight).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from peercli.core.matching.facts import (
    Facts,
    distance_component,
    goal_is_social,
    group_languages,
    nearest_miss,
    window_label,
)
from peercli.core.matching.model import (
    NEAR_MISS_MINUTES,
    NEUTRAL,
    PEER_LED_VALUES,
    PLACE_NEEDS,
    ROLE_AUDIENCES,
    STALE_AFTER_DAYS,
    GroupProfile,
)
from peercli.core.schedule import describe_meeting
from peercli.core.timeparse import DAY_ABBRS, format_hhmm


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


# -- hard filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HardFilter:
    name: str
    check: Callable[[Facts], str | None]  # the reason the group is removed, or None


def _status(f: Facts) -> str | None:
    return None if f.group.status == "active" else "the listing is marked inactive"


def _format(f: Facts) -> str | None:
    if f.attends is not None:
        return None
    return (
        f"the group meets {_format_label(f.group.format)} only, and this person attends "
        f"{_join(_format_label(x) for x in f.consumer.formats)} only"
    )


def _language(f: Facts) -> str | None:
    wanted = f.consumer.languages
    spoken = group_languages(f.group)
    if not wanted or set(spoken) & set(wanted):
        return None
    return (
        f"the group meets in {_join(_language_label(c) for c in spoken)}, and this person "
        f"speaks {_join(_language_label(c) for c in wanted)}"
    )


def _access(f: Facts) -> str | None:
    offered = set(f.group.accessibility)
    if f.attends == "online":
        offered |= PLACE_NEEDS
    unmet = [need for need in f.consumer.access_needs if need not in offered]
    if not unmet:
        return None
    return f"the listing does not offer {', '.join(unmet)}, which this person needs"


def _audience(f: Facts) -> str | None:
    eligible = set(f.consumer.eligible)
    identity = [a for a in f.group.audience if a not in ROLE_AUDIENCES]
    roles = [a for a in f.group.audience if a in ROLE_AUDIENCES]
    missing = [a for a in identity if a not in eligible]
    if roles and not eligible.intersection(roles):
        missing.append(" or ".join(roles))
    return f"the group is for {' and '.join(missing)} only" if missing else None


def _schedule(f: Facts) -> str | None:
    if not f.current:
        return "the group has no current meetings"
    fit = f.schedule
    if not f.consumer.windows or fit.exact or (fit.fits and f.options.near_misses):
        return None
    if fit.fits:
        return (
            "no meeting falls inside this person's free time (near miss: "
            f"{nearest_miss(f.consumer, f.current)}; shown with --near-misses)"
        )
    nearest = nearest_miss(f.consumer, f.current)
    where = f" (nearest: {nearest})" if nearest else ""
    return f"no meeting falls inside this person's free time{where}"


def _topics(f: Facts) -> str | None:
    # A grief group is not offered to someone who came about walking, nor a recovery group to
    # someone grieving: a group must touch what the person cares about, unless asked.
    overlap = f.topics
    if not f.consumer.interests or overlap.shared or overlap.related or f.options.any_topic:
        return None
    return "it shares none of this person's interests (shown with --any-topic)"


def _only_topic(f: Facts) -> str | None:
    wanted = f.options.topic
    if wanted is None or wanted in f.group.topics:
        return None
    return f"the group is not about {wanted} (--topic)"


def _only_formats(f: Facts) -> str | None:
    allowed = f.options.group_formats
    if allowed is None or f.group.format in allowed:
        return None
    return (f"the group meets {_format_label(f.group.format)}, and --format asks for "
            f"{_join(_format_label(x) for x in allowed)}")


#: In order: the first filter that removes a group names why.
FILTERS: tuple[HardFilter, ...] = (
    HardFilter("status", _status),
    HardFilter("format", _format),
    HardFilter("language", _language),
    HardFilter("access", _access),
    HardFilter("audience", _audience),
    HardFilter("schedule", _schedule),
    HardFilter("topics", _topics),
    HardFilter("only_topic", _only_topic),
    HardFilter("only_formats", _only_formats),
)


def first_rejection(f: Facts) -> str | None:
    """Why the first filter that removes the group does so; None when every filter passes."""
    for hard in FILTERS:
        why = hard.check(f)
        if why is not None:
            return why
    return None


# -- score components --------------------------------------------------------------------------


class Part(NamedTuple):
    """One component's value (0..1) and the reasons it gives."""

    value: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Component:
    name: str  # also the name of its weight
    score: Callable[[Facts], Part]


def _topics_part(f: Facts) -> Part:
    overlap = f.topics
    reasons: list[str] = []
    if overlap.shared:
        reasons.append(f"shares interests: {', '.join(overlap.shared)}")
    if overlap.related:
        reasons.append(f"related topic: {', '.join(overlap.related)}")
    if f.consumer.interests and not reasons and f.options.any_topic:
        reasons.append("no shared interests")
    return Part(overlap.value, tuple(reasons))


def _schedule_part(f: Facts) -> Part:
    fit = f.schedule
    if not fit.fits:
        return Part(fit.value)
    best = max(fit.fits, key=lambda x: (x.inside, -x.day, -x.meeting.start))
    m = best.meeting
    if m.freq == "WEEKLY" and m.interval == 1:
        when = f"{DAY_ABBRS[best.day]} {format_hhmm(m.start)}-{format_hhmm(m.end)}"
    else:
        when = describe_meeting(m)
    if best.near:
        reason = f"meets {when}, within {NEAR_MISS_MINUTES} minutes of your free time (near miss)"
    else:
        reason = f"meets {when}, inside your {window_label(best.window)}"
    return Part(fit.value, (reason,))


def _distance_part(f: Facts) -> Part:
    km, fmt = f.km, f.group.format
    reasons: list[str] = []
    if f.attends == "online":
        reasons.append("online" if fmt == "online" else "hybrid: you can join online")
    elif km is not None:
        reasons.append("under 1 km away" if km < 1 else f"{round(km)} km away")
    if fmt == "hybrid" and f.attends == "in_person":
        reasons.append("hybrid: in person or online")
    return Part(distance_component(km, f.attends, f.can_go_online), tuple(reasons))


def peer_led_component(facilitation: str | None, social_goal: bool) -> float:
    values = PEER_LED_VALUES.get(facilitation, PEER_LED_VALUES[None])
    return values[0] if social_goal else values[1]


def _peer_led_part(f: Facts) -> Part:
    social = goal_is_social(f.consumer.goals)
    facilitation = f.group.facilitation
    value = peer_led_component(facilitation, social)
    if facilitation in ("peer-led", "mutual-aid"):
        label = "peer-led" if facilitation == "peer-led" else "mutual aid (peer-run)"
        return Part(value, (f"{label}, good for connection" if social else label,))
    if facilitation == "professional":
        return Part(value, ("professionally led",))
    return Part(value)


def newcomers_component(open_to_newcomers: bool | None) -> float:
    return NEUTRAL if open_to_newcomers is None else (1.0 if open_to_newcomers else 0.0)


def _newcomers_part(f: Facts) -> Part:
    open_ = f.group.open_to_newcomers
    if open_:
        return Part(newcomers_component(open_), ("open to newcomers",))
    if open_ is False:
        return Part(newcomers_component(open_), ("closed to newcomers (ask before going)",))
    return Part(newcomers_component(open_))


def freshness_component(group: GroupProfile, today: date) -> tuple[float, date | None]:
    """1 when verified (or updated) within a year, then falling to 0 at three years."""
    seen = group.last_verified or group.updated
    if seen is None:
        return NEUTRAL, None
    age = (today - seen).days
    if age <= STALE_AFTER_DAYS:
        return 1.0, seen
    return max(0.0, 1.0 - (age - STALE_AFTER_DAYS) / (2 * STALE_AFTER_DAYS)), seen


def _freshness_part(f: Facts) -> Part:
    value, seen = freshness_component(f.group, f.today)
    if seen is not None and value < 1.0:
        return Part(value, ((f"listing not checked since {seen.isoformat()} "
                            "(confirm it still meets)"),))
    return Part(value)


#: In order: their reasons are listed in this order. Names match the fields of `Weights`.
COMPONENT_RULES: tuple[Component, ...] = (
    Component("topics", _topics_part),
    Component("schedule", _schedule_part),
    Component("distance", _distance_part),
    Component("peer_led", _peer_led_part),
    Component("newcomers", _newcomers_part),
    Component("freshness", _freshness_part),
)
