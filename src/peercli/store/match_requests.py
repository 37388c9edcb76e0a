"""What `peer match` asks the store, one call per mode, each returning everything the command
renders: `match_for` (groups for a person, with the near misses when asked or when nothing
fits), `explain_for` (one group's whole score for a person) and `consumers_for` (the people a
group would suit). The command only parses its flags into these calls and renders the result.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import datetime

from peercli.core.errors import PeerError
from peercli.core.matching import ConsumerProfile, GroupProfile, Match, MatchOptions

#: How many near misses the "nothing fits" screen lists (with --near-misses: up to the limit).
NOTHING_FITS_LINES = 6


@dataclass(frozen=True)
class ConsumerMatches:
    """The answer to `peer match CONSUMER`."""

    profile: ConsumerProfile  # as matched: --format and --day already applied
    options: MatchOptions  # as used: --topic as a slug, --format, the person's plan
    matches: list[Match]  # new options best first, then (unless include_current) their plan
    misses: list[Match] = field(default_factory=list)  # near misses, best first
    changes: list[tuple[str, int]] = field(default_factory=list)  # (change, groups it opens)
    near_total: int = 0  # near misses found in all

    @property
    def fresh(self) -> list[Match]:
        """The new options (groups the person is not yet referred to or attending)."""
        return [m for m in self.matches if m.current is None or self.options.include_current]

    @property
    def current(self) -> list[Match]:
        """Groups already in the person's plan, listed apart."""
        fresh = self.fresh
        return [m for m in self.matches if m not in fresh]


def match_for(
    conn: sqlite3.Connection, consumer_ref: str, options: MatchOptions, now: datetime, *,
    topic: str | None = None, fmt: str | None = None, day: int | None = None,
    misses_when_empty: bool = True,
) -> ConsumerMatches:
    """Groups for the active consumer `consumer_ref` (id or name prefix), ranked.

    `topic` (as typed), `fmt` (a group format) and `day` (0 = Monday) narrow the search as
    --topic, --format and --day do; a value that leaves nothing to search is a PeerError naming
    its flag. Near misses are looked for with `options.near_misses` (up to `options.limit`), and
    when no new group fits and `misses_when_empty` (up to NOTHING_FITS_LINES)."""
    from peercli.store.lookup import resolve_active_consumer
    from peercli.store.matching import (
        current_plan,
        load_consumer,
        match_groups,
        narrow_windows,
        near_miss_groups,
        restrict_formats,
    )

    row = resolve_active_consumer(conn, consumer_ref)
    profile = load_consumer(conn, row["id"])
    group_formats = None
    if fmt is not None:
        profile, group_formats = restrict_formats(profile, fmt)
    if day is not None:
        profile = replace(profile, windows=narrow_windows(profile.windows, day))
        if not profile.windows:
            from peercli.core.timeparse import DAY_NAMES

            raise PeerError(f"--day: consumer #{profile.id} has no free time on "
                            f"{DAY_NAMES[day]} (see peer consumer show {profile.id})")
    topic_slug = None
    if topic is not None:
        vocabulary = options.vocabulary
        if vocabulary is None:
            from peercli.importers.userfiles import load_vocabulary

            vocabulary = load_vocabulary()
        topic_slug = vocabulary.normalize_one(topic)[0]
        if not topic_slug:
            raise PeerError(f"--topic: '{topic}' names no topic (see peer topics)")
    options = replace(options, topic=topic_slug, group_formats=group_formats,
                      current=current_plan(conn, profile.id))
    matches, _ = match_groups(conn, profile, now, options)
    result = ConsumerMatches(profile, options, matches)
    if options.near_misses or (misses_when_empty and not result.fresh):
        lines = options.limit if options.near_misses else NOTHING_FITS_LINES
        misses, changes, total = near_miss_groups(conn, profile, now, options, limit=lines)
        result = replace(result, misses=misses, changes=changes, near_total=total)
    return result


@dataclass(frozen=True)
class Explanation:
    """The answer to `peer match CONSUMER --explain GROUP`: the match whatever the filters say
    (`passed`, `filtered_by`), with its breakdown."""

    profile: ConsumerProfile
    match: Match
    options: MatchOptions


def explain_for(conn: sqlite3.Connection, consumer_ref: str, group_ref: str,
                options: MatchOptions, now: datetime) -> Explanation:
    from peercli.core.matching import score_group
    from peercli.store.lookup import resolve, resolve_active_consumer
    from peercli.store.match_profiles import current_plan, load_consumer, load_group

    row = resolve_active_consumer(conn, consumer_ref)
    profile = load_consumer(conn, row["id"])
    options = replace(options, current=current_plan(conn, profile.id))
    group = load_group(conn, resolve(conn, "group", group_ref)["id"])
    return Explanation(profile, score_group(profile, group, now, options), options)


@dataclass(frozen=True)
class GroupMatches:
    """The answer to `peer match --group GROUP`: the active people it would suit, best first.
    An inactive group is ranked as if it met again (`was_inactive` says so)."""

    group: GroupProfile
    was_inactive: bool
    matches: list[Match]


def consumers_for(conn: sqlite3.Connection, group_ref: str, options: MatchOptions,
                  now: datetime) -> GroupMatches:
    from peercli.core.matching import rank_consumers
    from peercli.store.lookup import resolve
    from peercli.store.match_profiles import load_active_consumers, load_group

    group = load_group(conn, resolve(conn, "group", group_ref)["id"])
    inactive = group.status != "active"
    if inactive:
        group = replace(group, status="active")
    return GroupMatches(group, inactive,
                        rank_consumers(group, load_active_consumers(conn), now, options))
