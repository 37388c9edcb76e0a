"""Scoring one pair, and ranking: the engine that runs the rules of `rules.py`."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from peercli.core.matching import rules
from peercli.core.matching.components import is_stale
from peercli.core.matching.facts import Facts, meeting_is_current
from peercli.core.matching.model import (
    DIVERSITY_MAX_PENALTY,
    DIVERSITY_SAME_DAY,
    DIVERSITY_SAME_ORG,
    DIVERSITY_SAME_SLOT,
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
    if f.group.proof_of_attendance:
        reasons.append(rules.PROOF_OF_ATTENDANCE_REASON)
    fit = f.schedule
    current = f.options.current_label(f.group.id)
    stale = is_stale(f)
    slot = None
    if fit.fits:
        best = max(fit.fits, key=lambda x: (x.inside, -x.day, -x.meeting.start))
        slot = (best.day, best.meeting.start)
    overlap = f.topics
    return Match(
        consumer=f.consumer, group=f.group, passed=filtered_by is None, filtered_by=filtered_by,
        score=weighted_score(breakdown, f.options.weights), reasons=tuple(reasons),
        breakdown=breakdown,
        near_miss=bool(fit.fits) and not fit.exact and f.options.near_misses,
        distance_km=f.km, attends=f.attends,
        fitting=tuple(dict.fromkeys(x.meeting for x in fit.fits)),
        time_listed=fit.time_listed, tier=overlap.tier if f.consumer.interests else 0,
        related_topics=overlap.related, current=current, stale=stale, slot=slot,
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
        if not meeting_is_current(m, now.date()) or m.approximate:
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


def rank_key(m: Match) -> tuple[bool, int, float]:
    """What the order compares first: a confirmed time, then shared interests before related
    topics before none, then the score. Larger is better."""
    return (m.time_listed, -m.tier, m.score)


def _sort_key(m: Match) -> tuple[bool, int, float, datetime, str, int]:
    return (not m.time_listed, m.tier, -m.score, m.next_meeting or datetime.max,
            m.group.name.casefold(), m.group.id)


def rank(
    consumer: ConsumerProfile,
    groups: Iterable[GroupProfile],
    now: datetime,
    options: MatchOptions | None = None,
    **overrides: Any,
) -> list[Match]:
    """Groups that pass every hard filter, best first (see `finish_ranking`): new options first,
    diversified, at most `options.limit` of them; then, unless `include_current`, the groups the
    person is already referred to or attending, marked."""
    opts = options_of(options, overrides)
    passed = [m for g in groups if (m := passing(consumer, g, now, opts)) is not None]
    return finish_ranking(passed, now, opts)


def _org(m: Match) -> str | None:
    org = m.group.organization
    return org.casefold().strip() if org else None


def diversity_penalty(m: Match, picked: Sequence[Match]) -> float:
    """How much `m` loses for resembling the groups already picked above it: the same
    organization or fellowship, the same weekday and start, the same weekday. At most
    DIVERSITY_MAX_PENALTY, so a group far below the others can never be lifted past them."""
    if not picked:
        return 0.0
    org, slot = _org(m), m.slot
    penalty = 0.0
    for p in picked:
        if org is not None and _org(p) == org:
            penalty += DIVERSITY_SAME_ORG
        if slot is not None and p.slot is not None:
            if p.slot == slot:
                penalty += DIVERSITY_SAME_SLOT
            elif p.slot[0] == slot[0]:
                penalty += DIVERSITY_SAME_DAY
    return min(penalty, DIVERSITY_MAX_PENALTY)


def diversify(ordered: list[Match], limit: int | None) -> list[Match]:
    """Greedy re-ranking of `ordered` (already sorted best first): each next pick is the group
    whose key, with the score lowered by `diversity_penalty` against the picks so far, is
    highest (ties keep the given order). Five meetings of one fellowship at one time cannot
    crowd out everything else."""
    count = len(ordered) if limit is None else min(limit, len(ordered))
    pool = list(ordered)
    picked: list[Match] = []
    while len(picked) < count:
        best_i = 0
        best_key: tuple[bool, int, float] | None = None
        for i, m in enumerate(pool):
            key = (m.time_listed, -m.tier, m.score - diversity_penalty(m, picked))
            if best_key is None or key > best_key:
                best_i, best_key = i, key
            if best_key is not None and (m.time_listed, -m.tier, m.score) < best_key:
                break  # sorted: nothing further down can beat it
        picked.append(pool.pop(best_i))
    return picked


def finish_ranking(passed: list[Match], now: datetime, options: MatchOptions | int | None
                   ) -> list[Match]:
    """Sort scored matches, best first: confirmed times before "time not listed", shared
    interests before related topics, then score, sooner next meeting, name, id. With
    `options.diversify` the top `limit` are picked greedily so similar groups give way (see
    `diversify`). Unless `include_current`, groups already in the person's plan are taken out
    and listed after the new options, by the same order. Next meetings are computed only where
    the order can depend on them."""
    opts = options if isinstance(options, MatchOptions) else options_of(
        None, {"limit": options, "diversify": False})
    limit = opts.limit
    current: list[Match] = []
    if not opts.include_current:
        current = [m for m in passed if m.current is not None]
        passed = [m for m in passed if m.current is None]
    margin = DIVERSITY_MAX_PENALTY if opts.diversify else 0.0
    if limit is not None and len(passed) > limit:
        top = heapq.nlargest(limit, passed, key=rank_key)
        floor = top[-1]
        cutoff = (floor.time_listed, -floor.tier, floor.score - margin - 1e-9)
        passed = [m for m in passed if rank_key(m) >= cutoff]
    out = _sorted_with_next(passed, now)
    out = diversify(out, limit) if opts.diversify else out[:limit]
    out = [m if m.next_meeting is not None else with_next_meeting(m, now) for m in out]
    return out + _sorted_with_next(current, now, every=True)


def _sorted_with_next(matches: list[Match], now: datetime, *, every: bool = False
                      ) -> list[Match]:
    """`matches` in `_sort_key` order. The next meeting only breaks ties, so it is computed only
    for matches that share their (time listed, tier, score) with another (or for all, `every`);
    the caller fills it in for the ones it keeps."""
    counts: dict[tuple[bool, int, float], int] = {}
    for m in matches:
        key = rank_key(m)
        counts[key] = counts.get(key, 0) + 1
    ready = [with_next_meeting(m, now) if every or counts[rank_key(m)] > 1 else m
             for m in matches]
    return sorted(ready, key=_sort_key)


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


# -- near misses ------------------------------------------------------------------------------


def near_miss(consumer: ConsumerProfile, group: GroupProfile, now: datetime,
              options: MatchOptions) -> Match | None:
    """The group as a near miss when exactly one hard filter rules it out (and that filter is
    one a near miss can fail: not inactive, off-topic or outside --topic/--format): the match
    with `ruled_out_by` (the one thing, in a few words) and `change` (what in the person's
    record would open it, or None). None otherwise."""
    f = Facts(consumer, group, now, options)
    failed = None
    for candidate in rules.FILTERS:
        if candidate.check(f) is not None:
            if failed is not None or not candidate.near:
                return None  # two things rule it out, or one a near miss cannot be about
            failed = candidate
    if failed is None:
        return None
    hard = failed
    m = _evaluate(f, hard.check(f))
    return replace(m, ruled_out_by=hard.short(f), change=hard.change(f), near_miss=True)


def rank_near_misses(found: Iterable[Match], now: datetime, limit: int | None = None
                     ) -> list[Match]:
    """Near misses best first (shared interests first, then score, name), at most `limit`,
    with next meetings."""
    key = lambda m: (m.tier, -m.score, m.group.name.casefold(), m.group.id)
    found = list(found)
    ordered = heapq.nsmallest(limit, found, key=key) if limit is not None else sorted(
        found, key=key)
    return [with_next_meeting(m, now) for m in ordered]


def near_misses(consumer: ConsumerProfile, groups: Iterable[GroupProfile], now: datetime,
                options: MatchOptions | None = None, **overrides: Any) -> list[Match]:
    """Every near miss among `groups`, best first (see `near_miss`)."""
    opts = options_of(options, overrides)
    found = [m for g in groups if (m := near_miss(consumer, g, now, opts)) is not None
             and m.current is None]
    return rank_near_misses(found, now)


def suggested_changes(misses: Iterable[Match]) -> list[tuple[str, int]]:
    """The changes to the person's record that would open near misses, with how many each would
    open, most first (ties by text)."""
    import re

    from peercli.core.timeparse import DAY_ABBRS

    counts: dict[str, int] = {}
    by_part: dict[str, dict[str, int]] = {}
    free_time = re.compile(r"^add (\w{3}) (morning|afternoon|evening) to their free time$")
    for m in misses:
        if m.change:
            counts[m.change] = counts.get(m.change, 0) + 1
            found = free_time.match(m.change)
            if found:
                days = by_part.setdefault(found.group(2), {})
                days[found.group(1)] = days.get(found.group(1), 0) + 1
    # several days at the same part of the day: "add evenings (Mon, Wed, Fri)" opens their sum
    for part, days in by_part.items():
        if len(days) >= 2:
            ordered = sorted(days, key=lambda d: DAY_ABBRS.index(d) if d in DAY_ABBRS else 7)
            counts[f"add {part}s ({', '.join(ordered)}) to their free time"] = sum(days.values())
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
