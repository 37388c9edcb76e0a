"""The matcher: score one consumer against one group, say why in plain sentences, and rank.

Pure package (no SQLite, Typer or Rich), in four parts:

- `model`: the values (profiles, `MatchOptions`, `Weights`, `Match`) and every constant;
- `facts`: what filters and components share about one pair, computed once (`Facts`), and the
  measurements (attendance, free-time fit, topic overlap, distance);
- `rules`: the hard filters (`FILTERS`) and the score components (`COMPONENT_RULES`), each a small
  function returning its verdict, or its value and reasons;
- `ranking`: `score_group` (one pair, with breakdown, for --explain), `rank` (groups for a
  person), `rank_consumers` (people for a group).

Every component is a number from 0 to 1; the score is their weighted mean, so it is 0..1 too.
docs/matching.md describes the rules, and how to add a filter or a component.
"""

from peercli.core.matching.components import (
    freshness_component,
    newcomers_component,
    peer_led_component,
)
from peercli.core.matching.facts import (
    attendance_mode,
    compatible_group_formats,
    distance_component,
    goal_is_social,
    group_languages,
    topic_component,
    topics_that_pass,
    window_label,
)
from peercli.core.matching.model import (
    AUDIENCE_VALUES,
    COMPONENTS,
    DIVERSITY_MAX_PENALTY,
    NEAR_MISS_MINUTES,
    NEUTRAL,
    ONLINE_DISTANCE,
    PEER_LED_VALUES,
    RELATED_CATEGORIES,
    RELATED_TOPIC_CREDIT,
    STALE_AFTER_DAYS,
    WEIGHTS,
    ConsumerProfile,
    GroupProfile,
    Match,
    MatchOptions,
    Weights,
)
from peercli.core.matching.ranking import (
    diversify,
    finish_ranking,
    near_miss,
    near_misses,
    next_fitting_meeting,
    passing,
    rank,
    rank_consumers,
    rank_key,
    rank_near_misses,
    score_group,
    suggested_changes,
    upper_bound_without_topic,
    weighted_score,
    with_next_meeting,
)
from peercli.core.matching.rules import COMPONENT_RULES, FILTERS

__all__ = [
    "AUDIENCE_VALUES",
    "COMPONENTS",
    "COMPONENT_RULES",
    "DIVERSITY_MAX_PENALTY",
    "FILTERS",
    "NEAR_MISS_MINUTES",
    "NEUTRAL",
    "ONLINE_DISTANCE",
    "PEER_LED_VALUES",
    "RELATED_CATEGORIES",
    "RELATED_TOPIC_CREDIT",
    "STALE_AFTER_DAYS",
    "WEIGHTS",
    "ConsumerProfile",
    "GroupProfile",
    "Match",
    "MatchOptions",
    "Weights",
    "attendance_mode",
    "compatible_group_formats",
    "distance_component",
    "diversify",
    "finish_ranking",
    "freshness_component",
    "goal_is_social",
    "group_languages",
    "near_miss",
    "near_misses",
    "newcomers_component",
    "next_fitting_meeting",
    "passing",
    "peer_led_component",
    "rank",
    "rank_consumers",
    "rank_key",
    "rank_near_misses",
    "score_group",
    "suggested_changes",
    "topic_component",
    "topics_that_pass",
    "upper_bound_without_topic",
    "weighted_score",
    "window_label",
    "with_next_meeting",
]
