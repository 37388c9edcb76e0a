"""The score components: each a function from `Facts` to a `Part`, its value (0..1) and the
reasons it gives (the list and its order are `rules.COMPONENT_RULES`)."""

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
    language_label,
    window_label,
)
from peercli.core.matching.model import (
    AUDIENCE_VALUES,
    LANGUAGE_VALUES,
    NEAR_MISS_MINUTES,
    NEUTRAL,
    PEER_LED_VALUES,
    REGULARITY_VALUES,
    STALE_AFTER_DAYS,
    TIME_NOT_LISTED,
    GroupProfile,
)
from peercli.core.schedule import Meeting, describe_meeting
from peercli.core.timeparse import DAY_ABBRS, format_hhmm


class Part(NamedTuple):
    """One component's value (0..1) and the reasons it gives."""

    value: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Component:
    name: str  # also the name of its weight
    score: Callable[[Facts], Part]


def topics_part(f: Facts) -> Part:
    overlap = f.topics
    reasons: list[str] = []
    if overlap.shared:
        reasons.append(f"shares interests: {', '.join(overlap.shared)}")
    if overlap.related:
        reasons.append(f"related: {', '.join(overlap.related)}")
    if f.consumer.interests and not reasons and f.options.any_topic:
        reasons.append("no shared interests")
    return Part(overlap.value, tuple(reasons))


def schedule_part(f: Facts) -> Part:
    fit = f.schedule
    if fit.unknown:
        return Part(fit.value, (f"schedule unknown: {TIME_NOT_LISTED}",))
    if fit.approximate is not None:
        label = describe_meeting(fit.approximate).replace(" (time not listed)", "")
        return Part(fit.value, (f"meets {label}: {TIME_NOT_LISTED}",))
    if not fit.fits:
        return Part(fit.value)
    best = max(fit.fits, key=lambda x: (x.inside, -x.day, -x.meeting.start))
    m = best.meeting
    if m.freq == "WEEKLY" and m.interval == 1 and not m.bymonth:
        when = f"{DAY_ABBRS[best.day]} {format_hhmm(m.start)}-{format_hhmm(m.end)}"
    else:
        when = describe_meeting(m)
    if best.near:
        reason = f"meets {when}, within {NEAR_MISS_MINUTES} minutes of your free time (near miss)"
    else:
        reason = f"meets {when}, inside your {window_label(best.window)}"
    season = _season_note(m, f.today)
    return Part(fit.value, (reason, season) if season else (reason,))


def _season_note(m: Meeting, today: date) -> str | None:
    """"resumes in April" when a seasonal meeting is not running this month."""
    import calendar

    if m.dtstart is not None and m.dtstart > today:
        return f"resumes in {calendar.month_name[m.dtstart.month]}"
    if m.bymonth and today.month not in m.bymonth:
        later = [mo for mo in m.bymonth if mo > today.month] or list(m.bymonth)
        return f"resumes in {calendar.month_name[later[0]]}"
    return None


def distance_part(f: Facts) -> Part:
    km, fmt = f.km, f.group.format
    reasons: list[str] = []
    if f.attends == "online":
        reasons.append("online" if fmt == "online" else "hybrid: you can join online")
    elif km is not None:
        reasons.append("under 1 km away" if km < 1 else f"{round(km)} km away")
    if fmt == "hybrid" and f.attends == "in_person":
        reasons.append("hybrid: in person or online")
    return Part(distance_component(km, f.attends, f.can_go_online), tuple(reasons))


def audience_part(f: Facts) -> Part:
    fit = f.audience
    value = AUDIENCE_VALUES.get(fit.kind, 0.0)
    return Part(value, (fit.why,) if fit.why and fit.kind != "excluded" else ())


def language_part(f: Facts) -> Part:
    mine = f.consumer.languages
    if not mine:
        return Part(LANGUAGE_VALUES["unknown"])
    spoken = group_languages(f.group)
    if mine[0] in spoken:
        if mine[0] != "en" or len(mine) > 1:
            return Part(LANGUAGE_VALUES["preferred"],
                        (f"in {language_label(mine[0])}, their first language",))
        return Part(LANGUAGE_VALUES["preferred"])
    held = next((c for c in mine if c in spoken), spoken[0])
    return Part(LANGUAGE_VALUES["other"],
                (f"in {language_label(held)} (not their first language)",))


def peer_led_component(facilitation: str | None, social_goal: bool) -> float:
    values = PEER_LED_VALUES.get(facilitation, PEER_LED_VALUES[None])
    return values[0] if social_goal else values[1]


def peer_led_part(f: Facts) -> Part:
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


def newcomers_part(f: Facts) -> Part:
    open_ = f.group.open_to_newcomers
    if open_:
        return Part(newcomers_component(open_), ("open to newcomers",))
    if open_ is False:
        return Part(newcomers_component(open_), ("closed to newcomers (ask before going)",))
    return Part(newcomers_component(open_))


def regularity(meetings: Iterable[Meeting]) -> str:
    """How often the group meets at best: weekly (or daily), fortnightly (every other week, or
    twice a month), monthly, or unknown (no meetings)."""
    best = "unknown"
    order = ("unknown", "monthly", "fortnightly", "weekly")
    for m in meetings:
        if m.freq == "DAILY" or (m.freq == "WEEKLY" and m.interval == 1):
            kind = "weekly"
        elif (m.freq == "WEEKLY" and m.interval == 2) or (m.freq == "MONTHLY" and m.interval == 1
                                                           and len(m.byday) >= 2):
            kind = "fortnightly"
        else:
            kind = "monthly"
        if order.index(kind) > order.index(best):
            best = kind
    return best


def regularity_part(f: Facts) -> Part:
    social = goal_is_social(f.consumer.goals)
    kind = regularity(f.current)
    value = REGULARITY_VALUES[kind][0 if social else 1]
    if social and kind == "weekly":
        return Part(value, ("meets every week: the same faces each time",))
    if social and kind == "monthly":
        return Part(value, ("meets only once a month",))
    return Part(value)


def freshness_component(group: GroupProfile, today: date,
                        stale_after_days: int = STALE_AFTER_DAYS) -> tuple[float, date | None]:
    """1 when verified (or updated) within `stale_after_days` (a year by default), then falling
    to 0 at three times that."""
    seen = group.last_verified or group.updated
    if seen is None:
        return NEUTRAL, None
    age = (today - seen).days
    if age <= stale_after_days:
        return 1.0, seen
    return max(0.0, 1.0 - (age - stale_after_days) / (2 * stale_after_days)), seen


def freshness_part(f: Facts) -> Part:
    value, seen = freshness_component(f.group, f.today, f.options.stale_after_days)
    if seen is not None and value < 1.0:
        return Part(value, ((f"listing not checked since {seen.isoformat()} "
                            "(confirm it still meets)"),))
    return Part(value)


def is_stale(f: Facts) -> bool:
    seen = f.group.last_verified or f.group.updated
    return seen is not None and (f.today - seen).days > f.options.stale_after_days
