"""Scoring one pair, and ranking: the engine that runs the rules of `rules.py`."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from peercli.core.matching import rules
from peercli.core.matching.facts import Facts, meeting_is_current
from peercli.core.matching.model import (
    NEAR_MISS_MINUTES,
    NEUTRAL,
    RELATED_TOPIC_CREDIT,
    WEIGHTS,
    ConsumerProfile,
    GroupProfile,
    Match,
    MatchOptions,
    Weights,
)
from peercli.core.schedule import Meeting, next_occurrences

_DEFAULT = MatchOptions()


def options_of(options: MatchOptions | None, overrides: Mapping[str, Any]) -> MatchOptions:
    """`options` (default: `MatchOptions()`) with some fields replaced by keyword; an unknown
    name is a TypeError, never ignored."""
    base = options or _DEFAULT
    return replace(base, **overrides) if overrides else base


def weighted_score(breakdown: Mapping[str, float], weights: Weights = WEIGHTS) -> float:
    total = sum(w * breakdown[name] for name, w in weights.items())
    return max(0.0, min(1.0, total / weights.total))


def _evaluate(f: Facts, filtered_by: str | None) -> Match:
    """Every component's value and reasons, the score, and the match."""
    reasons: list[str] = []
    breakdown: dict[str, float] = {}
    for component in rules.COMPONENT_RULES:
        part = component.score(f)
        breakdown[component.name] = round(part.value, 4)
        reasons.extend(part.reasons)
    fit = f.schedule
    return Match(
        consumer=f.consumer, group=f.group, passed=filtered_by is None, filtered_by=filtered_by,
        score=weighted_score(breakdown, f.options.weights), reasons=tuple(reasons),
        breakdown=breakdown,
        near_miss=bool(fit.fits) and not fit.exact and f.options.near_misses,
        distance_km=f.km, attends=f.attends,
        fitting=tuple(dict.fromkeys(x.meeting for x in fit.fits)),
    )


def score_group(
    consumer: ConsumerProfile,
    group: GroupProfile,
    now: datetime,
    options: MatchOptions | None = None,
    *,
    with_next: bool = True,
    **overrides: Any,
) -> Match:
    """Score `group` for `consumer` at `now`. Always computes the score and the breakdown (for
    --explain); `passed` is False and `filtered_by` says why when a hard filter removes it.

    Keyword `overrides` replace fields of `options` (``near_misses=True``, ``vocabulary=v``).
    """
    f = Facts(consumer, group, now, options_of(options, overrides))
    match = _evaluate(f, rules.first_rejection(f))
    return with_next_meeting(match, now) if with_next else match


def passing(
    consumer: ConsumerProfile, group: GroupProfile, now: datetime, options: MatchOptions
) -> Match | None:
    """The match when the group passes every hard filter (next meeting not filled in), else
    None; cheaper than `score_group` for a group a filter removes."""
    f = Facts(consumer, group, now, options)
    if rules.first_rejection(f) is not None:
        return None
    return _evaluate(f, None)


# -- next meetings and ranking -----------------------------------------------------------------


def next_fitting_meeting(
    consumer: ConsumerProfile, meetings: Sequence[Meeting], now: datetime, *, slack: int = 0
) -> datetime | None:
    """The soonest meeting start after `now` that falls on a day (and time) the person is free;
    any meeting when their free time is not recorded."""
    best: datetime | None = None
    for m in meetings:
        if not meeting_is_current(m, now.date()):
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
    options: MatchOptions | None = None,
    **overrides: Any,
) -> list[Match]:
    """Groups that pass every hard filter, best first: score descending, then the sooner next
    meeting, then name (then id, so the order is total and stable). At most `options.limit`.

    Next meetings are only computed for the top `limit` and any group tied with the last of
    them, since that is all the order can depend on.
    """
    opts = options_of(options, overrides)
    passed = [m for g in groups if (m := passing(consumer, g, now, opts)) is not None]
    return finish_ranking(passed, now, opts.limit)


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
    options: MatchOptions | None = None,
    **overrides: Any,
) -> list[Match]:
    """The consumers a group would suit, best first (score, then name, then id)."""
    opts = options_of(options, overrides)
    passed = [m for c in consumers if (m := passing(c, group, now, opts)) is not None]
    passed.sort(key=lambda m: (-m.score, m.consumer.name.casefold(), m.consumer.id))
    return passed[:opts.limit] if opts.limit is not None else passed


def upper_bound_without_topic(weights: Weights = WEIGHTS, *, has_interests: bool = True) -> float:
    """The highest score a group sharing none of the person's interests can reach (used by the
    candidate search to stop early without ever dropping a group that would rank)."""
    topic = RELATED_TOPIC_CREDIT if has_interests else NEUTRAL
    rest = weights.total - weights.topics
    return (weights.topics * topic + rest) / weights.total
