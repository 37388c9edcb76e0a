"""From the database to the matcher: narrow the groups in SQL before scoring (the profiles load
in `store/match_profiles.py`; its loaders are importable from here too, as before).

`match_groups` is what `peer match X` runs. It never loads every group into Python:

1. One SQL query selects the candidate ids: active, a format the person can attend, and at least
   one current meeting inside a free window (``meetings.day_mask & day bits`` plus the start/end
   minutes, widened by 30 minutes for --near-misses). This is the schedule hard filter itself, so
   nothing that could pass is left out. ``--topic``/``--format``/``--day`` narrow the same query.
2. The same query computes, per candidate, an upper bound of its score from what SQL knows
   exactly (topic overlap, facilitation, newcomers) and the best case for the rest (schedule,
   distance, freshness = 1). Candidates are scored in batches in descending bound order; once
   `limit` groups have passed with a score strictly above the next candidate's bound, no
   remaining group can enter the top `limit`, so the search stops. Groups sharing an interest
   are therefore scored first, and the others only while they could still make the list.
3. Profiles (meetings and topics) for a batch load in three queries (ids through json_each),
   never one query per group.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from peercli.core.availability_windows import Window
from peercli.core.errors import PeerError
from peercli.core.matching import (
    AUDIENCE_VALUES,
    DIVERSITY_MAX_PENALTY,
    NEAR_MISS_MINUTES,
    NEUTRAL,
    PEER_LED_VALUES,
    RELATED_TOPIC_CREDIT,
    ConsumerProfile,
    Match,
    MatchOptions,
    compatible_group_formats,
    finish_ranking,
    goal_is_social,
    near_miss,
    passing,
    rank_key,
    rank_near_misses,
    suggested_changes,
    topics_that_pass,
)
from peercli.core.matching.facts import consumer_facts_of
from peercli.core.matching.ranking import options_of
from peercli.store.match_profiles import (
    MeetingCache,
    current_plan,
    load_active_consumers,
    load_consumer,
    load_group,
    load_groups,
)

BATCH_SIZE = 2000
#: The first batch is small and each next one twice as large (up to BATCH_SIZE): the search
#: often stops after a few hundred candidates, and loads little it does not score.
FIRST_BATCH = 128
#: Near misses are looked for among at most this many groups touching the person's interests,
#: the most promising first (shared interest, then score bound): a whole county directory is
#: far smaller, and a 100,000-group database stays quick.
NEAR_MISS_SCAN = 5000
__all__ = [
    "BATCH_SIZE", "FIRST_BATCH", "NEAR_MISS_SCAN", "Narrowing", "candidate_ids", "current_plan",
    "load_active_consumers", "load_consumer", "load_group", "load_groups", "match_groups",
    "narrow_windows", "near_miss_groups", "restrict_formats",
]
#: The options value of a search (kept under the name the candidate search first gave it).
Narrowing = MatchOptions


# -- narrowing -------------------------------------------------------------------------------


def _has_approximate(conn: sqlite3.Connection) -> bool:
    """Does this database record meetings whose time is not listed (meetings.approximate)?"""
    return any(r[1] == "approximate" for r in conn.execute("PRAGMA table_info(meetings)"))


def _schedule_clause(windows: Sequence[Window], slack: int, today: str,
                     approximate: bool = False) -> tuple[str, list[Any]]:
    """SQL over `meetings m`: a current meeting inside (or within `slack` of) some window; with
    `approximate`, a meeting whose time is not listed counts when its day and part of the day
    (held in start/end_minute) overlap a window, as the matcher reads it."""
    current = "(m.until IS NULL OR m.until >= ?)"
    if not windows:
        return current, [today]
    spans: dict[tuple[int, int], int] = {}
    for w in windows:
        spans[(w.start, w.end)] = spans.get((w.start, w.end), 0) | (1 << w.day)
    parts, params = [], []
    for (start, end), mask in spans.items():
        if approximate:
            parts.append("(m.day_mask & ? != 0 AND ((m.approximate = 0 AND m.start_minute >= ? "
                         "AND m.end_minute <= ?) OR (m.approximate = 1 AND m.start_minute < ? "
                         "AND m.end_minute > ?)))")
            params += [mask, start - slack, end + slack, end, start]
        else:
            parts.append("(m.day_mask & ? != 0 AND m.start_minute >= ? AND m.end_minute <= ?)")
            params += [mask, start - slack, end + slack]
    return f"{current} AND ({' OR '.join(parts)})", [today, *params]


def _shares_interest(interests: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL over `groups g`: g carries one of `interests` (exactly, as stored slugs)."""
    sql = ("EXISTS (SELECT 1 FROM group_topics t WHERE t.group_id = g.id AND "
           "t.topic IN (SELECT value FROM json_each(?)))")
    return sql, [json.dumps(list(interests))]


def _component_bounds(consumer: ConsumerProfile, interests: Sequence[str],
                      shares: str | None = None) -> dict[str, tuple[str, list[Any]]]:
    """Per score component, an SQL expression over `groups g` that is >= the value the
    component can give g. A component not listed here is bounded by 1 (always safe: a new
    component needs no SQL to keep the search exact, only to make it stop sooner).
    `shares` names a column of g already holding `_shares_interest` (computed once)."""
    col = 0 if goal_is_social(consumer.goals) else 1
    peer = PEER_LED_VALUES
    if consumer.interests:
        has, has_params = (shares, []) if shares else _shares_interest(interests)
        topics = (f"(CASE WHEN {has} THEN 1.0 ELSE ? END)", [*has_params, RELATED_TOPIC_CREDIT])
    else:
        topics = ("?", [NEUTRAL])
    return {
        "topics": topics,
        "peer_led": (
            ("(CASE g.facilitation WHEN 'peer-led' THEN ? WHEN 'mutual-aid' THEN ? "
            "WHEN 'professional' THEN ? ELSE ? END)"),
            [peer["peer-led"][col], peer["mutual-aid"][col], peer["professional"][col],
             peer[None][col]],
        ),
        "newcomers": (
            "(CASE g.open_to_newcomers WHEN 1 THEN 1.0 WHEN 0 THEN 0.0 ELSE ? END)", [NEUTRAL]),
        # a general group is worth AUDIENCE_VALUES["general"]; a restricted one at most 1
        "audience": ("(CASE WHEN g.audience = '[]' THEN ? ELSE 1.0 END)",
                     [AUDIENCE_VALUES["general"]]),
    }


def _bound_sql(consumer: ConsumerProfile, options: MatchOptions, interests: Sequence[str],
               shares: str | None = None) -> tuple[str, list[Any]]:
    """An SQL expression that is >= the score the matcher can give a candidate `g`."""
    bounds = _component_bounds(consumer, interests, shares)
    terms: list[str] = []
    params: list[Any] = []
    for name, weight in options.weights.items():
        expr, expr_params = bounds.get(name, ("1.0", []))
        terms.append(f"? * {expr}")
        params += [weight, *expr_params]
    return f"(({' + '.join(terms)}) / ?)", [*params, options.weights.total]


def _tier_sql(interests: Sequence[str], shares: str | None = None) -> tuple[str, list[Any]]:
    """SQL for the best tier a candidate can have: 0 when it carries one of the interests
    (or the person has none), else 1 (a related topic at best)."""
    if not interests:
        return "0", []
    has, params = (shares, []) if shares else _shares_interest(interests)
    return f"(CASE WHEN {has} THEN 0 ELSE 1 END)", params


def _topic_where(consumer: ConsumerProfile, options: MatchOptions, interests: Sequence[str],
                 *, indexed: bool = False) -> tuple[list[str], list[Any]]:
    """The topic filter and --topic as SQL conditions on `groups g`; `indexed` writes them as
    ``g.id IN (...)`` so that SQLite starts from the topic index."""
    where: list[str] = []
    params: list[Any] = []
    if consumer.interests and not options.any_topic:
        # the topic filter, in SQL: a group must carry one of these topics to pass it
        if indexed:
            where.append("g.id IN (SELECT t3.group_id FROM group_topics t3 WHERE t3.topic IN "
                         "(SELECT value FROM json_each(?)))")
        else:
            where.append("EXISTS (SELECT 1 FROM group_topics t3 WHERE t3.group_id = g.id "
                         "AND t3.topic IN (SELECT value FROM json_each(?)))")
        passing_topics = topics_that_pass(interests, options.vocabulary, options.relations)
        params.append(json.dumps(sorted(passing_topics)))
    if options.topic is not None:
        if indexed:
            where.append("g.id IN (SELECT t2.group_id FROM group_topics t2 WHERE t2.topic = ?)")
        else:
            where.append("EXISTS (SELECT 1 FROM group_topics t2 WHERE t2.group_id = g.id "
                         "AND t2.topic = ?)")
        params.append(options.topic)
    return where, params


def candidate_ids(
    conn: sqlite3.Connection, consumer: ConsumerProfile, options: MatchOptions, now: datetime
) -> list[tuple[int, float, int]]:
    """(group id, score upper bound, best possible tier) for every group that can pass the
    status, format, schedule and topic filters (and --topic, --format), best bound first (tier,
    then score). Narrowing only: the matcher still applies every filter to what this returns.
    A group listing no schedule at all is always a candidate (offered with "time not listed").

    When a topic filter applies (the person's interests, or --topic), the query starts from the
    topic index and checks each such group's meetings through the meetings index; otherwise it
    scans the meetings once. Whether a group shares an interest is computed once per group and
    serves both the tier and the score bound."""
    formats = compatible_group_formats(consumer.formats)
    if options.group_formats is not None:
        formats = tuple(f for f in formats if f in options.group_formats)
    if not formats:
        return []
    interests = consumer_facts_of(consumer, options).interests if consumer.interests else ()
    slack = NEAR_MISS_MINUTES if options.near_misses else 0
    sched, sched_params = _schedule_clause(consumer.windows, slack, now.date().isoformat(),
                                           _has_approximate(conn))
    where = [f"g.format IN ({', '.join('?' for _ in formats)})"]
    params: list[Any] = list(formats)
    topic_where, topic_params = _topic_where(consumer, options, interests, indexed=True)
    where += topic_where
    if options.proof_of_attendance:
        where.append("g.proof_of_attendance = 1")
    params += topic_params
    shares, shares_params = _shares_interest(interests) if interests else ("0", [])
    if topic_where:
        fits = ("(EXISTS (SELECT 1 FROM meetings m WHERE m.group_id = g.id AND "
                f"{sched}) OR NOT EXISTS (SELECT 1 FROM meetings m0 WHERE m0.group_id = g.id))")
        inner = (f"SELECT g.id, g.facilitation, g.open_to_newcomers, g.audience, {shares} "
                 f"AS shares FROM groups g WHERE g.status = 'active' AND {' AND '.join(where)} "
                 f"AND {fits}")
        inner_params = [*shares_params, *params, *sched_params]
    else:
        inner = (
            f"WITH fit AS (SELECT DISTINCT m.group_id AS id FROM meetings m WHERE {sched} "
            "UNION SELECT g0.id FROM groups g0 WHERE NOT EXISTS "
            "(SELECT 1 FROM meetings m0 WHERE m0.group_id = g0.id)) "
            f"SELECT g.id, g.facilitation, g.open_to_newcomers, g.audience, {shares} AS shares "
            f"FROM fit JOIN groups g ON g.id = fit.id WHERE g.status = 'active' AND "
            f"{' AND '.join(where)}")
        inner_params = [*sched_params, *shares_params, *params]
    bound, bound_params = _bound_sql(consumer, options, interests, shares="g.shares")
    tier, tier_params = _tier_sql(interests, shares="g.shares")
    sql = f"SELECT g.id, {bound} AS ub, {tier} AS tb FROM ({inner}) g ORDER BY tb, ub DESC, g.id"
    rows = conn.execute(sql, [*bound_params, *tier_params, *inner_params])
    return [(r[0], r[1], r[2]) for r in rows]


def match_groups(
    conn: sqlite3.Connection,
    consumer: ConsumerProfile,
    now: datetime,
    options: MatchOptions | None = None,
    **overrides: Any,
) -> tuple[list[Match], int]:
    """The ranked matches for `consumer` (exactly what `core.matching.rank` gives over every
    group) and how many candidates were scored. Keyword `overrides` replace option fields.

    Stops early once `limit` new groups rank so that no remaining candidate, at its bound, could
    enter the list even after the diversity penalty (DIVERSITY_MAX_PENALTY); groups already in
    the person's plan (listed apart) are scored wherever they are in the order."""
    import heapq

    opts = options_of(options, overrides)
    rows = candidate_ids(conn, consumer, opts, now)
    limit = opts.limit
    margin = DIVERSITY_MAX_PENALTY if opts.diversify else 0.0
    apart = {gid for gid, _ in opts.current} if not opts.include_current else set()
    cache = MeetingCache()
    passed: list[Match] = []
    keys: list[tuple[bool, int, float]] = []  # min-heap of the best `limit` rank keys so far

    def can_stop(i: int) -> bool:
        """No candidate from `i` on can reach the current top `limit` (ties included)."""
        if not limit or len(keys) < limit or i >= len(rows):
            return False
        listed, tier, score = keys[0]
        _, next_ub, next_tier = rows[i]
        return (listed, tier, score - margin) > (True, -next_tier, next_ub + 1e-6)

    i = 0
    size = FIRST_BATCH
    stopped = False
    while i < len(rows) and not stopped:
        batch = rows[i:i + size]
        size = min(2 * size, BATCH_SIZE)
        loaded = {g.id: g for g in load_groups(conn, [gid for gid, _, _ in batch], cache=cache)}
        for gid, _, _ in batch:
            i += 1
            group = loaded.get(gid)
            m = passing(consumer, group, now, opts) if group is not None else None
            if m is not None:
                passed.append(m)
                if limit and gid not in apart:
                    key = rank_key(m)
                    if len(keys) < limit:
                        heapq.heappush(keys, key)
                    elif key > keys[0]:
                        heapq.heapreplace(keys, key)
            if can_stop(i):
                stopped = True
                break
    if stopped:
        # groups already in the person's plan are listed apart whatever their rank
        rest = [gid for gid, _, _ in rows[i:] if gid in apart]
        for group in load_groups(conn, rest, cache=cache):
            m = passing(consumer, group, now, opts)
            if m is not None:
                passed.append(m)
    return finish_ranking(passed, now, opts), i


def near_miss_groups(
    conn: sqlite3.Connection, consumer: ConsumerProfile, now: datetime,
    options: MatchOptions, *, limit: int | None = None,
) -> tuple[list[Match], list[tuple[str, int]], int]:
    """The groups exactly one hard filter rules out (best first, at most `limit`), the
    changes to the person's record that would open them, with how many each would open, and
    how many near misses there are in all.
    Candidates: active groups touching the person's interests (or a related topic); the
    format, language, access, audience, distance and schedule filters are what near misses
    are about, so SQL does not narrow by them."""
    interests = consumer_facts_of(consumer, options).interests if consumer.interests else ()
    where, params = _topic_where(consumer, options, interests)
    bound, bound_params = _bound_sql(consumer, options, interests)
    tier, tier_params = _tier_sql(interests)
    sql = ("SELECT g.id FROM groups g WHERE g.status = 'active'"
           + "".join(f" AND {w}" for w in where)
           + f" ORDER BY {tier}, {bound} DESC, g.id LIMIT ?")
    ids = [r[0] for r in conn.execute(sql, [*params, *tier_params, *bound_params,
                                            NEAR_MISS_SCAN])]
    cache = MeetingCache()
    found: list[Match] = []
    for start in range(0, len(ids), BATCH_SIZE):
        for group in load_groups(conn, ids[start:start + BATCH_SIZE], cache=cache):
            m = near_miss(consumer, group, now, options)
            if m is not None and m.current is None:
                found.append(m)
    return rank_near_misses(found, now, limit), suggested_changes(found), len(found)


def narrow_windows(windows: Iterable[Window], day: int) -> tuple[Window, ...]:
    """Free windows on one weekday; a person with no recorded free time is free all that day."""
    windows = tuple(windows)
    if not windows:
        return (Window(day, 0, 1440),)
    return tuple(w for w in windows if w.day == day)


def restrict_formats(consumer: ConsumerProfile, fmt: str) -> tuple[ConsumerProfile, tuple[str, ...]]:
    """(consumer attending only as `fmt`, allowed group formats) for --format; PeerError when the
    person cannot attend that way."""
    allowed = {"in_person": ("in_person", "hybrid"), "online": ("online", "hybrid"),
               "hybrid": ("hybrid",)}[fmt]
    modes = set(consumer.formats) or {"in_person", "online"}
    if "hybrid" in modes:
        modes |= {"in_person", "online"}
    if fmt != "hybrid" and fmt not in modes:
        stated = ", ".join(f.replace("_", " ") for f in consumer.formats)
        raise PeerError(
            f"--format {fmt}: this person attends {stated} only, so no {fmt.replace('_', ' ')} "
            "group fits. Change their formats with 'peer consumer edit ... --formats'."
        )
    if fmt == "hybrid":
        return consumer, allowed
    return replace(consumer, formats=(fmt,)), allowed
