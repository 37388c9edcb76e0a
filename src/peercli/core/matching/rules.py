"""The rules: hard filters (a group failing one is not shown) and score components.

A hard filter is a function from `Facts` to the sentence that removes the group, or None; the
first one that speaks is the group's `filtered_by`. Each filter also says, in a few words, the
one thing that rules a group out (`short`: "women only", "Thursdays only — you're free Tue/Wed")
and which change to the person's record would open it (`change`), for near misses. A component is
a function from `Facts` to a `Part`: its value (0..1) and the reasons it gives; the component
functions live in `components.py`. The score is the weighted mean of the components (weights in
`MatchOptions.weights`, one per component name). Both lists are data: a new filter or component
is one function and one entry below (plus, for a component, a weight).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from peercli.core.matching.components import (
    Component,
    Part,
    audience_part,
    distance_part,
    freshness_part,
    language_part,
    newcomers_part,
    peer_led_part,
    regularity_part,
    schedule_part,
    topics_part,
)
from peercli.core.matching.facts import (
    Facts,
    group_languages,
    language_label,
    nearest_miss,
    window_label,
)
from peercli.core.schedule import Meeting, describe_meeting, weekdays_of
from peercli.core.timeparse import DAY_ABBRS, DAY_NAMES

# `Facts`, `Part` and `Component` are here too: a new rule is written against this module alone.
__all__ = [
    "COMPONENT_RULES", "FILTERS", "PROOF_OF_ATTENDANCE_REASON", "Component", "Facts",
    "HardFilter", "Part", "first_rejection", "rejections",
]


def _format_label(fmt: str) -> str:
    return {"in_person": "in person", "online": "online", "hybrid": "hybrid"}.get(fmt, fmt)


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
    #: the one thing that rules the group out, in a few words (near misses)
    short: Callable[[Facts], str] = lambda f: ""
    #: the change to the person's record that would open the group, or None
    change: Callable[[Facts], str | None] = lambda f: None
    #: a group failing only this filter is worth showing as a near miss
    near: bool = True


def _status(f: Facts) -> str | None:
    return None if f.group.status == "active" else "the listing is marked inactive"


def _format(f: Facts) -> str | None:
    if f.attends is not None:
        return None
    return (
        f"the group meets {_format_label(f.group.format)} only, and this person attends "
        f"{_join(_format_label(x) for x in f.consumer.formats)} only"
    )


def _format_short(f: Facts) -> str:
    mine = _join(_format_label(x) for x in f.consumer.formats)
    return f"{_format_label(f.group.format)} only — attends {mine}"


def _format_change(f: Facts) -> str | None:
    wanted = "online" if f.group.format == "online" else "in person"
    return f"add {wanted} to their formats"


def _spoken(f: Facts) -> tuple[str, ...]:
    """The person's languages; not recorded, English is assumed (groups held only in another
    language are near misses until their languages are recorded)."""
    return f.consumer.languages or ("en",)


def _language(f: Facts) -> str | None:
    wanted = _spoken(f)
    spoken = group_languages(f.group)
    if set(spoken) & set(wanted):
        return None
    if not f.consumer.languages:
        return (f"the group meets in {_join(language_label(c) for c in spoken)} only, and "
                "this person's languages are not recorded")
    return (
        f"the group meets in {_join(language_label(c) for c in spoken)}, and this person "
        f"speaks {_join(language_label(c) for c in wanted)}"
    )


def _language_short(f: Facts) -> str:
    text = f"{_join(language_label(c) for c in group_languages(f.group))} only"
    return text + (" — languages not recorded" if not f.consumer.languages else "")


def _language_change(f: Facts) -> str | None:
    lang = language_label(group_languages(f.group)[0])
    if not f.consumer.languages:
        return f"record their languages (if they speak {lang})"
    return f"add {lang} to their languages (if they speak it)"


def _access(f: Facts) -> str | None:
    from peercli.core.access import label, unmet_needs

    unmet = unmet_needs(f.consumer.access_needs, f.group.accessibility,
                        online=f.attends == "online")
    if not unmet:
        return None
    return (f"the listing does not offer {', '.join(label(n) for n in unmet)}, which this "
            "person needs")


def _access_short(f: Facts) -> str:
    from peercli.core.access import label, unmet_needs

    unmet = unmet_needs(f.consumer.access_needs, f.group.accessibility,
                        online=f.attends == "online")
    return f"no {', '.join(label(n) for n in unmet)} listed (call to ask)"


def _audience(f: Facts) -> str | None:
    fit = f.audience
    if fit.kind != "excluded":
        return None
    why = f.who.excluded.get(fit.check[0], "")
    return f"the group is {fit.why}" + (f" ({why})" if why else "")


def _audience_short(f: Facts) -> str:
    return f.audience.why or "restricted audience"


def _distance(f: Facts) -> str | None:
    if not f.too_far:
        return None
    return (f"the group meets in person {round(f.km or 0)} km away (farther than "
            f"{f.options.max_km:g} km; --within changes it)")


def _distance_short(f: Facts) -> str:
    return f"{round(f.km or 0)} km away"


def _distance_change(f: Facts) -> str | None:
    km = f.km or 0.0
    return f"travel up to {int(-(-km // 5) * 5)} km (--within)"


def _plural_days(days: Iterable[int]) -> str:
    return "/".join(f"{DAY_NAMES[d]}s" for d in sorted(days))


def _free_days(f: Facts) -> str:
    days = sorted({w.day for w in f.consumer.windows})
    if len(days) == 7:
        return "every day at other times"
    return "/".join(DAY_ABBRS[d] for d in days)


def _schedule(f: Facts) -> str | None:
    if not f.current and not f.schedule.unknown:
        return "the group has no current meetings"
    fit = f.schedule
    if (not f.consumer.windows or fit.exact or not fit.time_listed
            or (fit.fits and f.options.near_misses)):
        return None
    if fit.fits:
        return (
            "no meeting falls inside this person's free time (near miss: "
            f"{nearest_miss(f.consumer, f.current)}; shown with --near-misses)"
        )
    nearest = nearest_miss(f.consumer, f.current)
    where = f" (nearest: {nearest})" if nearest else ""
    return f"no meeting falls inside this person's free time{where}"


def _schedule_short(f: Facts) -> str:
    if not f.current:
        return "no current meetings"
    if f.schedule.fits:
        near = nearest_miss(f.consumer, f.current) or ""
        return near.replace(" minutes outside", " min outside")
    days: set[int] = set()
    for m in f.current:
        days |= weekdays_of(m)
    free = {w.day for w in f.consumer.windows}
    if days and not days & free and len(days) <= 3:
        return f"{_plural_days(days)} only — you're free {_free_days(f)}"
    m = _nearest_meeting(f)
    return f"meets {describe_meeting(m)} — you're free {_free_label(f, m)}"


def _nearest_meeting(f: Facts) -> Meeting:
    free = {w.day for w in f.consumer.windows}
    same_day = [m for m in f.current if weekdays_of(m) & free]
    return (same_day or list(f.current))[0]


def _free_label(f: Facts, m: Meeting) -> str:
    days = weekdays_of(m)
    windows = [w for w in f.consumer.windows if w.day in days]
    if not windows:
        return _free_days(f)
    return ", ".join(window_label(w) for w in windows[:2])


_PARTS = ((12 * 60, "morning"), (17 * 60, "afternoon"), (24 * 60, "evening"))


def _schedule_change(f: Facts) -> str | None:
    if not f.current:
        return None
    m = f.current[0]
    day = DAY_ABBRS[min(weekdays_of(m))] if weekdays_of(m) else "?"
    part = next(name for end, name in _PARTS if m.start < end)
    return f"add {day} {part} to their free time"


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


#: The reason a group whose listing signs attendance slips gives (with or without the flag).
PROOF_OF_ATTENDANCE_REASON = "signs attendance slips (proof of attendance)"


def _proof_of_attendance(f: Facts) -> str | None:
    if not f.options.proof_of_attendance or f.group.proof_of_attendance:
        return None
    if f.group.proof_of_attendance is False:
        return "the listing says the group does not sign attendance slips (--proof-of-attendance)"
    return ("the listing does not say the group signs attendance slips (--proof-of-attendance); "
            "call to ask")


#: In order: the first filter that removes a group names why.
FILTERS: tuple[HardFilter, ...] = (
    HardFilter("status", _status, near=False),
    HardFilter("format", _format, _format_short, _format_change),
    HardFilter("language", _language, _language_short, _language_change),
    HardFilter("access", _access, _access_short),
    HardFilter("audience", _audience, _audience_short),
    HardFilter("distance", _distance, _distance_short, _distance_change),
    HardFilter("schedule", _schedule, _schedule_short, _schedule_change),
    HardFilter("topics", _topics, near=False),
    HardFilter("only_topic", _only_topic, near=False),
    HardFilter("only_formats", _only_formats, near=False),
    HardFilter("proof_of_attendance", _proof_of_attendance, near=False),
)


def first_rejection(f: Facts) -> str | None:
    """Why the first filter that removes the group does so; None when every filter passes."""
    for hard in FILTERS:
        why = hard.check(f)
        if why is not None:
            return why
    return None


def rejections(f: Facts) -> list[HardFilter]:
    """Every filter that removes the group (for near misses: exactly one means "near")."""
    return [hard for hard in FILTERS if hard.check(f) is not None]


#: In order: their reasons are listed in this order. Names match the fields of `Weights`.
COMPONENT_RULES: tuple[Component, ...] = (
    Component("topics", topics_part),
    Component("schedule", schedule_part),
    Component("distance", distance_part),
    Component("audience", audience_part),
    Component("language", language_part),
    Component("peer_led", peer_led_part),
    Component("newcomers", newcomers_part),
    Component("regularity", regularity_part),
    Component("freshness", freshness_part),
)
