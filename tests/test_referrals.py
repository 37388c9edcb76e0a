"""Referrals: consent enforced, overrides recorded, every status change kept with time and note."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "groups.sample.csv"


@pytest.fixture(autouse=True)
def _setup(peer, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    peer("group", "import", str(SAMPLE), "--json")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add(peer, name, consent):
    return peer.json("consumer", "add", name, "--interests", "grief", "--available",
                     "Tue evening", "--formats", "in_person", "--consent", consent)


def test_refer_without_share_consent_is_refused_and_writes_nothing(peer, db_path):
    sam = add(peer, "Sam", "store")
    before = digest(db_path)
    result = peer("refer", "Sam", "Tuesday Grief", ok=False)
    assert result.exit_code == 1
    assert "has not given share consent" in result.stderr
    assert f"peer consumer consent {sam['id']} grant share" in result.stderr
    assert "--override-consent" in result.stderr
    assert digest(db_path) == before


def test_refer_with_consent_stores_score_reasons_and_event(peer, query):
    add(peer, "Sam", "store,share")
    made = peer.json("refer", "Sam", "Tuesday Grief", "--note", "will go with a friend")
    assert len(made) == 1
    r = made[0]
    assert r["status"] == "referred" and r["created"] is True
    assert r["group_name"] == "Tuesday Grief Circle"
    assert "shares interests: grief" in r["reasons"]
    assert 0 < r["score"] <= 1
    assert r["consent_override_reason"] is None
    assert [(e["status"], e["note"]) for e in r["events"]] == [
        ("referred", "will go with a friend")]
    audit = query("SELECT action, entity, fields FROM audit WHERE entity = 'referral'")
    assert [(a["action"], a["entity"]) for a in audit] == [("create", "referral")]
    assert "will go" not in audit[0]["fields"]


def test_override_needs_a_reason_and_is_recorded(peer, db_path, query):
    add(peer, "Sam", "store")
    before = digest(db_path)
    missing = peer("refer", "Sam", "Tuesday Grief", "--override-consent", ok=False)
    assert missing.exit_code == 2 and "--reason" in missing.stderr  # a usage error
    assert digest(db_path) == before
    made = peer.json("refer", "Sam", "Tuesday Grief", "--override-consent", "--reason",
                     "verbal consent, form to follow")
    assert made[0]["consent_override_reason"] == "verbal consent, form to follow"
    assert made[0]["events"][0]["note"] == ("share consent overridden: verbal consent, form to "
                                            "follow")
    row = query("SELECT consent_override_reason FROM referrals")[0]
    assert row["consent_override_reason"] == "verbal consent, form to follow"


def test_duplicate_open_referral_is_reused(peer, query):
    add(peer, "Sam", "all")
    first = peer.json("refer", "Sam", "Tuesday Grief")[0]
    again = peer.json("refer", "Sam", "1")[0]
    assert again["id"] == first["id"] and again["created"] is False
    assert query("SELECT count(*) AS n FROM referrals")[0]["n"] == 1
    peer("referral", "update", str(first["id"]), "declined", "--note", "not ready")
    third = peer.json("refer", "Sam", "Tuesday Grief")[0]
    assert third["id"] != first["id"] and third["created"] is True


def test_group_failing_a_filter_can_be_referred_with_the_filter_noted(peer):
    add(peer, "Sam", "all")
    result = peer("refer", "Sam", "Saturday Morning Grief")
    assert "does not pass the match filters" in result.stderr
    made = peer.json("referral", "list")
    assert made[0]["reasons"][0].startswith("did not pass the match filters: the group meets "
                                            "online only")


def test_update_list_show_keep_the_history(peer):
    add(peer, "Sam", "all")
    add(peer, "Ana", "all")
    sam = peer.json("refer", "Sam", "Tuesday Grief")[0]
    peer.json("refer", "Ana", "Tuesday Grief")
    updated = peer.json("referral", "update", str(sam["id"]), "attended", "--note", "liked it")
    assert updated["status"] == "attended"
    peer("referral", "update", str(sam["id"]), "continuing")
    shown = peer.json("referral", "show", str(sam["id"]))
    assert [(e["status"], e["note"]) for e in shown["events"]] == [
        ("referred", None), ("attended", "liked it"), ("continuing", None)]
    assert all(e["at"] == "2026-11-21T10:00:00" for e in shown["events"])
    human = peer("referral", "show", str(sam["id"]))
    assert "liked it" in human.stdout and "continuing" in human.stdout
    assert [r["consumer_name"] for r in peer.json("referral", "list", "Sam")] == ["Sam"]
    assert len(peer.json("referral", "list")) == 2
    assert [r["consumer_name"] for r in peer.json("referral", "list", "--status", "referred")] \
        == ["Ana"]
    assert "Tuesday Grief Circle" in peer("referral", "list").stdout


def test_update_errors_leave_the_database_alone(peer, db_path):
    add(peer, "Sam", "all")
    r = peer.json("refer", "Sam", "Tuesday Grief")[0]
    before = digest(db_path)
    bad = peer("referral", "update", str(r["id"]), "gone-fishing", ok=False)
    assert bad.exit_code == 1 and "unknown status 'gone-fishing'" in bad.stderr
    same = peer("referral", "update", str(r["id"]), "referred", ok=False)
    assert "already referred" in same.stderr
    missing = peer("referral", "show", "999", ok=False)
    assert "no referral with id 999" in missing.stderr
    bad_status = peer("referral", "list", "--status", "nope", ok=False)
    assert bad_status.exit_code == 1
    assert digest(db_path) == before
    assert peer.json("referral", "update", str(r["id"]), "no-show")["status"] == "no_show"
