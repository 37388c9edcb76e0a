"""`peer match` and `peer demo` on the sample directory, driven as a specialist would."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "groups.sample.csv"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")  # a Saturday


@pytest.fixture
def sample(peer):
    peer("group", "import", str(SAMPLE), "--json")


def add(peer, name, *args):
    return peer.json("consumer", "add", name, *args)


def test_packaged_sample_is_identical_to_data_copy():
    packaged = ROOT / "src" / "peercli" / "data" / "groups.sample.csv"
    assert packaged.read_bytes() == SAMPLE.read_bytes()


def test_bereavement_tuesday_evening_in_person_gets_the_grief_circle_first(peer, sample):
    add(peer, "Sam", "--interests", "bereavement", "--available", "Tue evening",
        "--formats", "in_person", "--languages", "en")
    results = peer.json("match", "Sam")
    top = results[0]
    assert top["name"] == "Tuesday Grief Circle"
    assert top["format"] == "in_person"
    assert top["next_meeting"] == "2026-11-24T18:30:00"
    assert "shares interests: grief" in top["reasons"]
    assert "meets Tue 18:30-20:00, inside your Tue evening" in top["reasons"]
    assert 0 <= top["score"] <= 1 and top["score"] == round(top["score"], 3)
    # best first; the diversity rule may lift a varied option a little (never by more than
    # DIVERSITY_MAX_PENALTY), so the first is the best score
    assert top["score"] == max(r["score"] for r in results)
    assert len(results) <= 10
    human = peer("match", "Sam")
    assert "Tuesday Grief Circle" in human.stdout and "interests: grief" in human.stdout


def test_online_only_person_never_sees_in_person_only_groups(peer, sample, query):
    add(peer, "Olu", "--available", "anytime", "--formats", "online")
    results = peer.json("match", "Olu", "--limit", "100")
    assert results, "the sample has online groups"
    formats = {r["format"] for r in results}
    assert "in_person" not in formats
    in_person = {r["id"] for r in query("SELECT id FROM groups WHERE format = 'in_person'")}
    assert not in_person & {r["group_id"] for r in results}


def test_filters_narrow_and_limit(peer, sample):
    add(peer, "Any", "--available", "anytime")
    everything = peer.json("match", "Any", "--limit", "100")
    grief = peer.json("match", "Any", "--topic", "bereavement", "--limit", "100")
    assert grief and len(grief) < len(everything)
    assert all(r["format"] in ("online", "hybrid") for r in
               peer.json("match", "Any", "--format", "online", "--limit", "100"))
    tuesday = peer.json("match", "Any", "--day", "Tue", "--limit", "100")
    assert tuesday and all("Tue" in r["when"] or "Daily" in r["when"] or "Weekdays" in r["when"]
                           for r in tuesday)
    assert len(peer.json("match", "Any", "--limit", "3")) == 3
    bad = peer("match", "Any", "--day", "Funday", ok=False)
    assert bad.exit_code == 1 and "'Funday' is not a day" in bad.stderr


def test_near_misses_are_marked(peer, sample):
    add(peer, "Early", "--interests", "grief", "--available", "Tue 17:00-19:45",
        "--formats", "in_person")
    plain = peer.json("match", "Early", "--limit", "100")
    assert "Tuesday Grief Circle" not in [r["name"] for r in plain]
    near = peer.json("match", "Early", "--near-misses", "--limit", "100")
    circle = next(r for r in near if r["name"] == "Tuesday Grief Circle")
    assert circle["near_miss"] is True
    assert any("(near miss)" in reason for reason in circle["reasons"])


def test_explain_shows_breakdown_and_the_filter(peer, sample):
    add(peer, "Olu", "--interests", "grief", "--available", "Tue evening", "--formats", "online")
    data = peer.json("match", "Olu", "--explain", "Tuesday Grief")
    assert data["passed"] is False
    assert data["filtered_by"] == ("the group meets in person only, and this person attends "
                                   "online only")
    assert set(data["breakdown"]) == {"topics", "schedule", "distance", "audience", "language",
                                      "peer_led", "newcomers", "regularity", "freshness"}
    assert data["breakdown"]["topics"]["value"] == 1.0
    human = peer("match", "Olu", "--explain", "Tuesday Grief")
    assert "filtered out" in human.stdout and "topics" in human.stdout


def test_group_mode_ranks_consumers(peer, sample):
    add(peer, "Sam", "--interests", "grief", "--available", "Tue evening", "--formats", "in_person")
    add(peer, "Ana", "--interests", "art", "--available", "Tue evening")
    add(peer, "Olu", "--interests", "grief", "--available", "Tue evening", "--formats", "online")
    archived = add(peer, "Old", "--interests", "grief", "--available", "Tue evening")
    peer("consumer", "archive", str(archived["id"]), "--yes")
    ranked = peer.json("match", "--group", "Tuesday Grief Circle")
    assert [r["name"] for r in ranked] == ["Sam"]  # Ana cares about art, not grief
    assert set(ranked[0]) >= {"consumer_id", "name", "score", "reasons"}
    broad = peer.json("match", "--group", "Tuesday Grief Circle", "--any-topic")
    assert [r["name"] for r in broad] == ["Sam", "Ana"]
    assert broad[0]["score"] > broad[1]["score"]
    assert "no shared interests" in broad[1]["reasons"]


def test_groups_sharing_no_interest_need_any_topic(peer, sample):
    add(peer, "Sam", "--interests", "bereavement", "--available", "Tue evening",
        "--formats", "in_person", "--languages", "en")
    names = [m["name"] for m in peer.json("match", "Sam")]
    assert names == ["Tuesday Grief Circle"]
    broad = peer.json("match", "Sam", "--any-topic")
    assert broad[0]["name"] == "Tuesday Grief Circle" and len(broad) > 1
    assert all("no shared interests" in m["reasons"] for m in broad[1:])
    explained = peer.json("match", "Sam", "--explain", broad[1]["name"])
    assert explained["passed"] is False
    assert "shares none of this person's interests" in explained["filtered_by"]


def test_archived_consumer_is_refused(peer, sample):
    c = add(peer, "Gone", "--available", "anytime")
    peer("consumer", "archive", str(c["id"]), "--yes")
    result = peer("match", "Gone", ok=False)
    assert result.exit_code == 1 and "archived" in result.stderr and "--undo" in result.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_picker_turns_picks_into_referrals(peer, sample, monkeypatch, query):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    add(peer, "Sam", "--interests", "bereavement", "--available", "Tue evening",
        "--formats", "in_person", "--consent", "store,share")
    monkeypatch.setattr("peercli.cli.runtime.can_prompt", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(" \r")  # tick the first group, confirm
        pipe.send_text("first visit next Tuesday\r")  # the note
        peer("match", "Sam")
    rows = query("SELECT r.status, g.name, r.reasons FROM referrals r JOIN groups g "
                 "ON g.id = r.group_id")
    assert [(r["status"], r["name"]) for r in rows] == [("referred", "Tuesday Grief Circle")]
    assert "shares interests: grief" in json.loads(rows[0]["reasons"])
    events = query("SELECT status, note FROM referral_events")
    assert [(e["status"], e["note"]) for e in events] == [("referred",
                                                            "first visit next Tuesday")]


def test_picker_without_share_consent_can_skip(peer, sample, monkeypatch, db_path):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    add(peer, "Sam", "--interests", "grief", "--available", "Tue evening",
        "--formats", "in_person", "--consent", "store")
    before = _digest(db_path)
    monkeypatch.setattr("peercli.cli.runtime.can_prompt", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(" \r")  # pick the first group
        pipe.send_text("\r")  # "No: skip" is the default
        result = peer("match", "Sam")
    assert "No referral made" in result.stdout
    assert _digest(db_path) == before


def test_no_prompt_off_a_terminal(peer, sample, query):
    add(peer, "Sam", "--interests", "grief", "--available", "Tue evening", "--consent", "all")
    peer("match", "Sam")
    assert query("SELECT count(*) AS n FROM referrals")[0]["n"] == 0


@pytest.mark.parametrize("interests", ["grief", "anxiety, art", "AA, walking", "bipolar"])
def test_sql_narrowing_finds_exactly_what_scoring_every_group_finds(peer, sample, interests):
    """The candidate query (format, schedule and topic filters in SQL, early stop on a score
    bound) must return the same ranking as scoring every group in Python."""
    from peercli.core.matching import rank
    from peercli.importers.userfiles import load_vocabulary
    from peercli.store.db import open_db
    from peercli.store.matching import Narrowing, load_consumer, load_groups, match_groups

    who = add(peer, "Probe", "--interests", interests, "--available", "weekdays 9-21",
              "--available", "Sat 9-13", "--formats", "in_person,online")
    conn = open_db(Path(os.environ["PEER_DB"]))
    vocab = load_vocabulary()
    now = datetime(2026, 11, 21, 10, 0)
    consumer = load_consumer(conn, who["id"])
    everything = load_groups(conn, [r[0] for r in conn.execute("SELECT id FROM groups")])
    for limit in (3, None):
        fast, _ = match_groups(conn, consumer, now, Narrowing(limit=limit), vocabulary=vocab)
        slow = rank(consumer, everything, now, limit=limit, vocabulary=vocab)
        assert [(m.group.id, m.score) for m in fast] == [(m.group.id, m.score) for m in slow]
        assert slow  # the probe really matches something
