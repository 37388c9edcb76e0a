"""`peer match` asks the store once per mode (store.match_requests) and only renders: the store
call gives exactly what the command prints, and its refusals name the flag."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from peercli.core.errors import PeerError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "groups.sample.csv"
NOW = datetime(2026, 11, 21, 10, 0)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW.isoformat(timespec="minutes"))


@pytest.fixture
def conn(peer, db_path):
    peer("group", "import", str(SAMPLE), "--json")
    peer("consumer", "add", "Sam", "--interests", "bereavement", "--available", "Tue evening",
         "--formats", "in_person", "--languages", "en")
    peer("consumer", "add", "Kit", "--interests", "grief", "--available", "Mon 03:00-04:00",
         "--formats", "in_person", "--languages", "en")
    from peercli.store.db import open_db

    connection = open_db(db_path)
    yield connection
    connection.close()


def _options(**fields):
    from peercli.core.matching import MatchOptions
    from peercli.importers.userfiles import load_topic_relations, load_vocabulary

    return MatchOptions(vocabulary=load_vocabulary(), relations=load_topic_relations(),
                        **{"limit": 10, **fields})


def test_match_for_gives_what_the_command_prints(peer, conn):
    from peercli.store.match_requests import match_for

    found = match_for(conn, "Sam", _options(), NOW)
    printed = peer.json("match", "Sam")
    assert [m.group.id for m in found.matches] == [r["group_id"] for r in printed]
    assert found.profile.name == "Sam" and found.fresh == found.matches
    assert found.misses == [] and found.current == []


def test_nothing_fits_brings_the_closest_groups_unless_asked_not_to(conn):
    from peercli.store.match_requests import NOTHING_FITS_LINES, match_for

    found = match_for(conn, "Kit", _options(), NOW)
    assert found.fresh == []
    assert 0 < len(found.misses) <= NOTHING_FITS_LINES and found.near_total >= len(found.misses)
    quiet = match_for(conn, "Kit", _options(), NOW, misses_when_empty=False)
    assert quiet.misses == [] and quiet.near_total == 0


def test_near_misses_are_up_to_the_limit(conn):
    from peercli.store.match_requests import match_for

    found = match_for(conn, "Sam", _options(near_misses=True, limit=2), NOW)
    assert len(found.misses) <= 2
    assert all(m.ruled_out_by for m in found.misses)


@pytest.mark.parametrize(("kwargs", "flag"), [
    ({"day": 0}, "--day"),  # Sam is free on Tuesday only
    ({"topic": "!!!"}, "--topic"),
])
def test_refusals_name_the_flag(conn, kwargs, flag):
    from peercli.store.match_requests import match_for

    with pytest.raises(PeerError, match=flag):
        match_for(conn, "Sam", _options(), NOW, **kwargs)


def test_explain_and_group_modes_are_one_call_each(conn):
    from peercli.store.match_requests import consumers_for, explain_for

    group_id = conn.execute("SELECT id FROM groups WHERE name = 'Tuesday Grief Circle'"
                            ).fetchone()[0]
    explained = explain_for(conn, "Sam", str(group_id), _options(), NOW)
    assert explained.match.passed and explained.match.group.id == group_id
    people = consumers_for(conn, str(group_id), _options(), NOW)
    assert [m.consumer.name for m in people.matches] == ["Sam"]
    assert people.was_inactive is False


def test_the_match_command_calls_the_store_once(peer, conn, monkeypatch):
    from peercli.store import match_requests

    calls: list[str] = []
    real = match_requests.match_for

    def spy(*args, **kwargs):
        calls.append("match_for")
        return real(*args, **kwargs)

    monkeypatch.setattr(match_requests, "match_for", spy)
    peer.json("match", "Sam")
    assert calls == ["match_for"]
    assert isinstance(conn, sqlite3.Connection)


def test_near_misses_help_states_the_scan_cap(peer):
    from peercli.store.matching import NEAR_MISS_SCAN

    text = " ".join(peer("match", "--help").stdout.split())
    assert f"at most {NEAR_MISS_SCAN:,} groups" in text
