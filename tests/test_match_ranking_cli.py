"""`peer match` as issue 14 asks: the plan marked and listed after new options, near misses with
the one thing that rules each out, the compact 80x24 layout, and the relation data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peercli.core.errors import PeerError
from peercli.core.matching.relations import relations_from_json
from peercli.importers.userfiles import load_topic_relations, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "groups.sample.csv"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")  # a Saturday
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")


@pytest.fixture
def sample(peer):
    peer("group", "import", str(SAMPLE), "--json")


def test_referred_and_attending_groups_are_marked_and_come_after_new_options(peer, sample):
    peer.json("consumer", "add", "Ana", "--interests", "depression, anxiety", "--available",
              "weekday evenings", "--formats", "in_person", "--languages", "en",
              "--consent", "all")
    before = peer.json("match", "Ana")
    first = before[0]["group_id"]
    peer.json("refer", "Ana", str(first))
    after = peer.json("match", "Ana")
    assert after[0]["group_id"] != first
    assert after[-1]["group_id"] == first and after[-1]["current"].startswith("referred 21 Nov")
    assert all(m["current"] is None for m in after[:-1])
    mixed = peer.json("match", "Ana", "--include-current")
    assert mixed[0]["group_id"] == first and mixed[0]["current"].startswith("referred")
    peer.json("referral", "update", "1", "attended")
    human = peer("match", "Ana").stdout
    assert "Already in their plan:" in human and "attending: " in human


def test_nothing_fits_shows_the_closest_groups_and_the_change_that_opens_most(peer, sample):
    peer.json("consumer", "add", "Lin", "--interests", "depression", "--available",
              "Sun morning")
    assert peer.json("match", "Lin") == []
    out = peer("match", "Lin").stdout
    assert "No new group fits #1 Lin" in out
    assert "Anxiety & Depression Peer Support (#6) — Mondays only — you're free Sun" in out
    assert "Would open most: add " in out
    lines = out.splitlines()
    assert len(lines) <= 12 and all(len(line) <= 80 for line in lines)
    near = peer.json("match", "Lin", "--near-misses")
    assert near and all(m["near_miss"] and m["ruled_out_by"] for m in near)
    assert {"ruled_out_by", "change", "current", "approximate", "related_topics"} <= set(near[0])


def test_languages_not_recorded_keep_a_vietnamese_only_circle_out_as_a_near_miss(peer, sample):
    peer.json("consumer", "add", "Bao", "--interests", "depression", "--available",
              "Sat morning, Sun afternoon, weekday evenings")
    fits = peer.json("match", "Bao", "--limit", "50", "--near-misses")
    viet = [m for m in fits if "Vietnamese" in m["name"]]
    assert viet and viet[0]["ruled_out_by"] == "Vietnamese only — languages not recorded"
    assert viet[0]["change"] == "record their languages (if they speak Vietnamese)"


def test_compact_layout_keeps_heading_and_first_results_on_80x24(peer, sample):
    peer.json("consumer", "add", "Sam", "--interests", "grief, anxiety, depression, walking",
              "--available", "anytime")
    out = peer("match", "Sam").stdout.splitlines()
    assert out[0].startswith("Groups for #1 Sam")
    assert out[1].startswith(" 1. ")
    assert len(out) <= 24 and all(len(line) <= 80 for line in out)
    wide = peer("match", "Sam", "--wide").stdout
    assert "┃ Why" in wide


def test_veteran_by_their_own_words_gets_the_veterans_group_with_a_reason_to_confirm(peer,
                                                                                     sample):
    peer.json("consumer", "add", "Hal", "--interests", "veteran, ptsd", "--available",
              "Wed morning", "--pronouns", "he/him")
    top = peer.json("match", "Hal")[0]
    assert top["name"] == "Veterans Coffee & Conversation"
    assert any(r.startswith("for veterans — check Hal qualifies") for r in top["reasons"])


def test_within_and_stale_after_options(peer, sample):
    peer.json("consumer", "add", "Ro", "--interests", "grief", "--available", "Tue evening",
              "--formats", "in_person", "--postal-code", "97406")
    fits = peer.json("match", "Ro")
    assert fits and all(m["distance_km"] > 1 for m in fits)
    assert peer.json("match", "Ro", "--within", "1") == []
    near = peer.json("match", "Ro", "--within", "1", "--near-misses")
    assert near[0]["ruled_out_by"].endswith("km away")
    assert near[0]["change"].startswith("travel up to")
    assert peer("match", "Ro", "--stale-after", "0", ok=False).exit_code == 2


def test_every_related_topic_is_a_vocabulary_topic_and_bad_data_is_one_line():
    vocab = load_vocabulary()
    relations = load_topic_relations()
    assert len(relations.pairs) >= 40
    for a, b, strength in relations.pairs:
        assert vocab.get(a) and vocab.get(b) and 0 < strength <= 1, (a, b)
    assert "hearing-voices" not in relations.near("depression")
    assert "eating-disorders" not in relations.near("anxiety")
    for bad in ("[", json.dumps({"relations": [["a", "b", 2]]}), json.dumps({"x": 1}),
                json.dumps({"relations": [["a", "b"]]})):
        with pytest.raises(PeerError):
            relations_from_json(bad)
