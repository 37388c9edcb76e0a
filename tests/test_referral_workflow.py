"""The referral workflow as one store call (store.referrals.refer) and its pure rules
(core.referrals): consent refusal, override, reuse of an open referral."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from peercli.core.errors import PeerError
from peercli.core.referrals import (
    CONSENT_NOT_NEEDED,
    decide_consent,
    override_reason,
    parse_status,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "groups.sample.csv"
NOW = datetime(2026, 11, 21, 10, 0)


# -- pure rules --------------------------------------------------------------------------------


def test_consent_on_record_needs_no_override_and_stores_none():
    assert decide_consent(4, True, None).stored_override is None
    decision = decide_consent(4, True, "urgent")
    assert decision.stored_override is None and decision.note == CONSENT_NOT_NEEDED


def test_no_consent_is_refused_without_an_override():
    with pytest.raises(PeerError, match="consumer #4 has not given share consent"):
        decide_consent(4, False, None)
    with pytest.raises(PeerError):
        decide_consent(4, False, "")


def test_no_consent_with_an_override_stores_the_reason():
    decision = decide_consent(4, False, "verbal consent, form to follow")
    assert decision.stored_override == "verbal consent, form to follow" and decision.note is None


@pytest.mark.parametrize(("flag", "reason", "expected"), [
    (False, None, None), (True, "  why  ", "why")])
def test_override_flags(flag, reason, expected):
    assert override_reason(flag, reason) == expected


@pytest.mark.parametrize(("flag", "reason", "message"), [
    (True, None, "needs --reason"), (True, "   ", "needs --reason"),
    (False, "why", "only applies with --override-consent")])
def test_override_flags_refused(flag, reason, message):
    with pytest.raises(PeerError, match=message):
        override_reason(flag, reason)


@pytest.mark.parametrize(("text", "status"), [
    ("no-show", "no_show"), ("No Show", "no_show"), ("Attended", "attended"), ("done", "closed")])
def test_parse_status_words(text, status):
    assert parse_status(text) == status


def test_parse_status_unknown():
    with pytest.raises(ValueError, match="unknown status 'maybe'"):
        parse_status("maybe")


# -- the store workflow ------------------------------------------------------------------------


@pytest.fixture
def conn(tmp_path):
    from peercli import importers
    from peercli.store.db import open_db
    from peercli.store.groups import import_records

    connection = open_db(tmp_path / "w.db")
    stream = importers.iter_records(SAMPLE, format="native", source="sample")
    import_records(connection, stream, source=stream.source)
    yield connection
    connection.close()


def _person(conn: sqlite3.Connection, consent: list[str]) -> int:
    from peercli.core.availability import parse_availability_many
    from peercli.store.consumers import ConsumerChanges, insert_consumer, record_consent
    from peercli.store.db import write

    with write(conn):
        cid = insert_consumer(conn, ConsumerChanges(
            scalars={"name": "Sam"}, lists={"formats": ["in_person"]}, interests=["grief"],
            availability=parse_availability_many(["Tue evening"])))
        if consent:
            record_consent(conn, cid, consent, granted=True)
    return cid


def _group(conn: sqlite3.Connection, prefix: str) -> int:
    from peercli.store.lookup import resolve

    return int(resolve(conn, "group", prefix)["id"])


def _refer(conn, cid, groups, **kw):
    from peercli.importers.userfiles import load_vocabulary
    from peercli.store.referrals import refer

    return refer(conn, cid, groups, now=NOW, vocabulary=load_vocabulary(), **kw)


def _count(conn, table):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_refused_without_share_consent_writes_nothing(conn):
    cid = _person(conn, ["store"])
    gid = _group(conn, "Tuesday Grief")
    with pytest.raises(PeerError, match="has not given share consent"):
        _refer(conn, cid, [gid])
    assert _count(conn, "referrals") == 0 and _count(conn, "referral_events") == 0
    assert not conn.in_transaction


def test_override_is_kept_with_the_referral_and_its_event(conn):
    cid = _person(conn, ["store"])
    gid = _group(conn, "Tuesday Grief")
    outcome = _refer(conn, cid, [gid], override="verbal consent", note="first visit")
    [record] = outcome.records
    assert record["created"] is True and record["status"] == "referred"
    assert record["consent_override_reason"] == "verbal consent"
    assert record["events"][0]["note"] == "share consent overridden: verbal consent; first visit"
    assert outcome.consent_note is None


def test_override_with_consent_is_not_stored(conn):
    cid = _person(conn, ["store", "share"])
    outcome = _refer(conn, cid, [_group(conn, "Tuesday Grief")], override="not needed")
    assert outcome.records[0]["consent_override_reason"] is None
    assert outcome.consent_note == CONSENT_NOT_NEEDED


def test_an_open_referral_is_reused_not_duplicated(conn):
    cid = _person(conn, ["share"])
    gid = _group(conn, "Tuesday Grief")
    first = _refer(conn, cid, [gid]).records[0]
    again = _refer(conn, cid, [gid], note="asked again").records[0]
    assert again["id"] == first["id"] and again["created"] is False
    assert _count(conn, "referrals") == 1
    assert [e["status"] for e in again["events"]] == ["referred"]  # left as it is


def test_a_suggested_referral_moves_to_referred(conn):
    from peercli.store.db import write
    from peercli.store.referrals import NewReferral, insert_referral

    cid = _person(conn, ["share"])
    gid = _group(conn, "Tuesday Grief")
    with write(conn):
        rid = insert_referral(conn, NewReferral(cid, gid, 0.5, ("r",), status="suggested"))
    record = _refer(conn, cid, [gid]).records[0]
    assert record["id"] == rid and record["created"] is False and record["status"] == "referred"
    assert [e["status"] for e in record["events"]] == ["suggested", "referred"]


def test_a_closed_referral_allows_a_new_one(conn):
    from peercli.store.db import write
    from peercli.store.referrals import set_status

    cid = _person(conn, ["share"])
    gid = _group(conn, "Tuesday Grief")
    first = _refer(conn, cid, [gid]).records[0]
    with write(conn):
        set_status(conn, first["id"], "closed")
    second = _refer(conn, cid, [gid]).records[0]
    assert second["id"] != first["id"] and second["created"] is True


def test_a_group_failing_the_filters_is_referred_with_the_reason_noted(conn):
    cid = _person(conn, ["share"])
    online = conn.execute(
        "SELECT id FROM groups WHERE format = 'online' ORDER BY id LIMIT 1").fetchone()[0]
    outcome = _refer(conn, cid, [online])
    reasons = outcome.records[0]["reasons"]
    assert reasons[0].startswith("did not pass the match filters: ")
    assert any("does not pass the match filters" in w for w in outcome.warnings)
