"""The matcher's extension points: `MatchOptions` drives the scorer and the SQL candidate search
alike, a hard filter or a component is one entry in `rules`, and the SQL narrowing stays exact
whatever the options."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from peercli.core.matching import (
    COMPONENTS,
    WEIGHTS,
    MatchOptions,
    Weights,
    rank,
    rank_consumers,
    score_group,
)
from peercli.core.matching import rules as R
from peercli.importers.userfiles import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "groups.sample.csv"
NOW = datetime(2026, 11, 21, 10, 0)


@pytest.fixture
def sample_db(peer, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    peer("group", "import", str(SAMPLE), "--json")
    from peercli.store.db import open_db

    conn = open_db(Path(os.environ["PEER_DB"]))
    yield conn
    conn.close()


def probe(peer, conn, interests="grief, anxiety", *extra):
    from peercli.store.matching import load_consumer

    who = peer.json("consumer", "add", "Probe", "--interests", interests, "--available",
                    "weekdays 9-21", "--available", "Sat 9-13", *extra)
    return load_consumer(conn, who["id"])


def everything(conn):
    from peercli.store.matching import load_groups

    return load_groups(conn, [r[0] for r in conn.execute("SELECT id FROM groups")])


def test_every_component_has_a_weight_and_the_order_is_the_reasons_order():
    assert tuple(c.name for c in R.COMPONENT_RULES) == COMPONENTS
    assert tuple(name for name, _ in WEIGHTS.items()) == COMPONENTS
    assert WEIGHTS.total == pytest.approx(1.0)
    assert len({f.name for f in R.FILTERS}) == len(R.FILTERS)


def test_options_are_one_frozen_value_and_keyword_overrides_are_checked():
    options = MatchOptions(near_misses=True)
    with pytest.raises(AttributeError):
        options.near_misses = False  # type: ignore[misc]
    from peercli.core.matching import GroupProfile
    from peercli.core.matching.model import ConsumerProfile

    with pytest.raises(TypeError):
        score_group(ConsumerProfile(1, "A"), GroupProfile(2, "G"), NOW, options, nearmisses=True)


@pytest.mark.parametrize("options", [
    MatchOptions(limit=5),
    MatchOptions(limit=None, near_misses=True),
    MatchOptions(limit=8, any_topic=True),
    MatchOptions(limit=None, any_topic=True, near_misses=True),
    MatchOptions(limit=4, topic="grief", any_topic=True),
    MatchOptions(limit=None, group_formats=("hybrid",)),
    MatchOptions(limit=3, group_formats=("online", "hybrid"), near_misses=True),
    MatchOptions(limit=6, weights=Weights(topics=0.1, freshness=0.6, newcomers=0.0)),
    MatchOptions(limit=2, weights=Weights(schedule=1.0, distance=0.0)),
    MatchOptions(limit=3, current=((6, "attending"), (1, "referred 12 Nov"))),
    MatchOptions(limit=3, current=((6, "attending"),), include_current=True),
    MatchOptions(limit=4, max_km=1.5),
    MatchOptions(limit=2, diversify=False),
    MatchOptions(limit=1, stale_after_days=30),
])
def test_sql_narrowing_ranks_exactly_as_scoring_every_group(peer, sample_db, options):
    from peercli.store.matching import match_groups

    options = replace(options, vocabulary=load_vocabulary())
    for interests in ("grief, anxiety", "walking", "alcohol recovery, art"):
        consumer = probe(peer, sample_db, interests, "--formats", "in_person,online")
        fast, _ = match_groups(sample_db, consumer, NOW, options)
        slow = rank(consumer, everything(sample_db), NOW, options)
        assert [(m.group.id, m.score, m.reasons) for m in fast] == [
            (m.group.id, m.score, m.reasons) for m in slow]


def test_topic_and_format_options_are_hard_filters_in_the_scorer_too(peer, sample_db):
    consumer = probe(peer, sample_db)
    groups = everything(sample_db)
    vocab = load_vocabulary()
    grief = rank(consumer, groups, NOW, MatchOptions(topic="grief", vocabulary=vocab))
    assert grief and all("grief" in m.group.topics for m in grief)
    broad = rank(consumer, groups, NOW, MatchOptions(any_topic=True, vocabulary=vocab))
    other = next(m.group for m in broad if "grief" not in m.group.topics)
    m = score_group(consumer, other, NOW, MatchOptions(topic="grief", any_topic=True))
    assert m.filtered_by == "the group is not about grief (--topic)"
    assert m.score == score_group(consumer, other, NOW, any_topic=True).score
    hybrid = rank(consumer, groups, NOW, MatchOptions(group_formats=("hybrid",),
                                                      vocabulary=vocab, any_topic=True))
    assert hybrid and {m.group.format for m in hybrid} == {"hybrid"}
    online = next(m.group for m in broad if m.group.format == "online")
    assert score_group(consumer, online, NOW, group_formats=("hybrid",), any_topic=True
                       ).filtered_by == "the group meets online, and --format asks for hybrid"


def test_a_new_hard_filter_is_one_entry_and_every_path_applies_it(peer, sample_db, monkeypatch):
    """What docs/matching.md promises: add a function to `rules.FILTERS` and the scorer, the
    ranking, the people-for-a-group ranking and the SQL candidate search all honour it."""
    from peercli.store.matching import match_groups

    consumer = probe(peer, sample_db)
    options = MatchOptions(vocabulary=load_vocabulary(), any_topic=True, diversify=False)
    before = rank(consumer, everything(sample_db), NOW, options)
    banned = before[0].group.id

    def not_this_one(f: R.Facts) -> str | None:
        return "banned in this test" if f.group.id == banned else None

    monkeypatch.setattr(R, "FILTERS", (*R.FILTERS, R.HardFilter("test", not_this_one)))
    after = rank(consumer, everything(sample_db), NOW, options)
    assert banned not in [m.group.id for m in after]
    assert [m.group.id for m in after] == [m.group.id for m in before if m.group.id != banned]
    fast, _ = match_groups(sample_db, consumer, NOW, replace(options, limit=None))
    assert [m.group.id for m in fast] == [m.group.id for m in after]
    explained = score_group(consumer, before[0].group, NOW, options)
    assert explained.filtered_by == "banned in this test" and not explained.passed
    assert rank_consumers(before[0].group, [consumer], NOW, options) == []


def test_a_new_component_is_one_entry_plus_its_weight(peer, sample_db, monkeypatch):
    """A component the SQL bound does not know is bounded by 1, so the candidate search stays
    exact without any SQL for it."""
    from peercli.store.matching import match_groups

    consumer = probe(peer, sample_db)

    def short_name(f: R.Facts) -> R.Part:
        return R.Part(1.0 if len(f.group.name) < 22 else 0.0, ("short name",))

    monkeypatch.setattr(R, "COMPONENT_RULES",
                        (*R.COMPONENT_RULES, R.Component("short_name", short_name)))

    class WithShortName(Weights):
        def items(self) -> tuple[tuple[str, float], ...]:
            return (*super().items(), ("short_name", 0.5))

        @property
        def total(self) -> float:
            return super().total + 0.5

    options = MatchOptions(limit=3, vocabulary=load_vocabulary(), weights=WithShortName())
    slow = rank(consumer, everything(sample_db), NOW, options)
    fast, _ = match_groups(sample_db, consumer, NOW, options)
    assert [(m.group.id, m.score) for m in fast] == [(m.group.id, m.score) for m in slow]
    assert all(m.reasons[-1] == "short name" and "short_name" in m.breakdown for m in slow)
