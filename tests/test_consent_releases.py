"""Consent per recipient and purpose: releases (pure rules), peer consent add/list/revoke/form,
and peer refer naming the consent it relied on (or refusing without one)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from peercli.core import consent as core
from peercli.core.errors import PeerError

NOW = "2026-11-20T15:00:00"
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)


def release(**kw) -> core.Release:
    base = {"id": 1, "consumer_id": 1, "recipient": "Hope Center", "group_id": None, "purpose": "referral",
                "information": "name, phone", "signed_on": date(2026, 11, 1),
                "expires_on": date(2027, 11, 1)}
    base.update(kw)
    return core.Release(**base)


HOPE = core.GroupRef(5, "Tuesday Circle", "The Hope Center, Inc.")


def test_a_release_covers_the_organisation_whatever_its_spelling():
    assert core.covers(release(recipient="hope center inc"), HOPE)
    assert core.covers(release(recipient="HOPE CENTER, INC."), HOPE)
    assert core.covers(release(recipient="Tuesday Circle"), HOPE)
    assert not core.covers(release(recipient="Hope"), HOPE)
    assert not core.covers(release(recipient="Hope Center", group_id=6), HOPE)
    assert core.covers(release(recipient="anything", group_id=5), HOPE)


def test_only_active_referral_releases_count():
    assert core.covering_release([release(recipient="Hope Center Inc")], HOPE, TODAY)
    for r in (release(recipient="Hope Center Inc", expires_on=date(2026, 11, 19)),
              release(recipient="Hope Center Inc", revoked_on=date(2026, 11, 10)),
              release(recipient="Hope Center Inc", purpose="payment"),
              release(recipient="Hope Center Inc", signed_on=date(2026, 12, 1))):
        assert core.covering_release([r], HOPE, TODAY) is None, r
    assert core.release_status(release(revoked_on=date(2026, 11, 10)), TODAY) == "revoked"
    assert core.release_status(release(expires_on=date(2026, 11, 19)), TODAY) == "expired"
    assert core.release_status(release(expires_on=date(2026, 11, 20)), TODAY) == "active"


def test_policy_decides_whether_share_consent_is_enough():
    rel = release(recipient="Hope Center Inc")
    basis = core.referral_basis("release", [rel], True, HOPE, TODAY)
    assert basis is not None and basis.kind == "release" and basis.release_id == 1
    assert core.referral_basis("release", [], True, HOPE, TODAY) is None
    share = core.referral_basis("share", [], True, HOPE, TODAY)
    assert share is not None and share.kind == "share"
    assert core.referral_basis("share", [], False, HOPE, TODAY) is None
    # A covering release is named even where share consent would do.
    basis = core.referral_basis("share", [rel], True, HOPE, TODAY)
    assert basis is not None and basis.kind == "release"


def test_deciding_for_several_groups_refuses_all_or_overrides():
    other = core.GroupRef(6, "Friday Walk", "Parks Dept")
    rel = release(recipient="Hope Center Inc")
    with pytest.raises(PeerError, match="Friday Walk"):
        core.decide_referral_consent(1, "release", [rel], True, [HOPE, other], TODAY, None)
    bases, note = core.decide_referral_consent(1, "release", [rel], True, [HOPE, other], TODAY,
                                               "crisis")
    assert bases[5].kind == "release" and bases[6].kind == "override" and note is None
    _, note = core.decide_referral_consent(1, "share", [], True, [HOPE], TODAY, "crisis")
    assert note and "not needed" in note


def test_information_must_be_specific():
    with pytest.raises(ValueError, match="too broad"):
        core.parse_information("any and all information")
    assert core.parse_information(" name,  phone ") == "name, phone"
    assert core.parse_purpose("Care Coordination") == "care-coordination"
    with pytest.raises(ValueError):
        core.parse_purpose("marketing")


# --- commands ----------------------------------------------------------------------------------

def add_group(db_path: Path, name: str, organization: str | None) -> int:
    conn = sqlite3.connect(db_path)
    with conn:
        cur = conn.execute(
            "INSERT INTO groups (source, source_key, name, organization, created_at, updated_at) "
            "VALUES ('test', ?, ?, ?, '2026-11-01T09:00:00', '2026-11-01T09:00:00')",
            (name, name, organization))
    conn.close()
    return int(cur.lastrowid)


@pytest.fixture
def setup(peer, db_path):
    peer.json("consumer", "add", "Sam Rivera", "--consent", "store,contact,share")
    peer.json("consumer", "add", "Jo Park", "--consent", "store,contact")
    hope = add_group(db_path, "Tuesday Circle", "Hope Center")
    parks = add_group(db_path, "Friday Walk", "Parks Dept")
    return hope, parks


def test_add_list_revoke(peer, db_path, setup):
    made = peer.json("consent", "add", "Sam", "--recipient", "Hope Center", "--share",
                     "name, phone, attendance", "--expires", "2027-06-01")
    assert made["status"] == "active" and made["warnings"] == []
    defaulted = peer.json("consent", "add", "Sam", "--group", "Friday Walk")
    assert defaulted["recipient"] == "Friday Walk" and defaulted["expires_on"] == "2027-11-20"
    assert {w["field"] for w in defaulted["warnings"]} == {"what may be shared", "expires 2027-11-20"}
    peer("consent", "revoke", str(made["id"]), "--note", "asked by phone")
    listed = peer.json("consent", "list", "Sam")
    assert [r["status"] for r in listed] == ["revoked", "active"]
    assert [h["action"] for h in listed[0]["history"]] == ["granted", "revoked"]
    again = peer("consent", "revoke", str(made["id"]), ok=False)
    assert again.exit_code == 1 and "already revoked" in again.stderr
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="never changes"):
        conn.execute("UPDATE releases SET recipient = 'x'")
    conn.close()


def test_add_refusals(peer, setup):
    for args, message in [
        (["--recipient", "X", "--share", "everything"], "too broad"),
        (["--recipient", "X", "--purpose", "other"], "--purpose-detail"),
        ([], "--recipient"),
        (["--recipient", "X", "--expires", "2020-01-01"], "--expires"),
        (["--recipient", "X", "--signed", "2030-01-01"], "--signed"),
    ]:
        result = peer("consent", "add", "Sam", *args, ok=False)
        usage = message in ("--purpose-detail", "--recipient")  # a flag missing, or its partner
        assert result.exit_code == (2 if usage else 1), (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)


def test_refer_names_the_release_it_used(peer, setup):
    hope, parks = setup
    rel = peer.json("consent", "add", "Sam", "--recipient", "hope center")
    records = peer.json("refer", "Sam", str(hope), str(parks))
    by_group = {r["group_id"]: r for r in records}
    assert by_group[hope]["consent_basis"] == "release"
    assert by_group[hope]["release_id"] == rel["id"]
    assert f"release #{rel['id']}" in by_group[hope]["consent_used"]
    assert by_group[parks]["consent_basis"] == "share"
    human = peer("refer", "Jo", str(hope), ok=False)
    assert "has not given share consent" in human.stderr


def test_release_policy_refuses_without_a_covering_release(peer, query, setup):
    hope, parks = setup
    peer("config", "set", "consent-policy", "release")
    refused = peer("refer", "Sam", str(parks), ok=False)
    assert refused.exit_code == 1 and "Friday Walk" in refused.stderr
    assert "peer consent add 1" in refused.stderr
    assert query("SELECT count(*) FROM referrals")[0][0] == 0
    peer("consent", "add", "Sam", "--recipient", "Parks Dept.")
    result = peer("refer", "Sam", str(parks))
    assert "consent used: release #1 to Parks Dept." in result.stdout
    # A release for Jo (no share consent at all) is enough under this policy.
    peer("consent", "add", "Jo", "--group", str(hope))
    assert peer.json("refer", "Jo", str(hope))[0]["consent_basis"] == "release"


def test_refer_can_name_the_goal(peer, setup):
    hope, _ = setup
    peer("plan", "add", "Sam", "make friends who don't drink")
    record = peer.json("refer", "Sam", str(hope), "--goal", "1")[0]
    goal_id = peer.json("plan", "Sam")["goals"][0]["id"]
    assert record["goal_id"] == goal_id
    plan = peer.json("plan", "Sam")
    assert plan["goals"][0]["progress"]["referrals"] == 1
    bad = peer("refer", "Sam", str(hope), "--goal", "7", ok=False)
    assert bad.exit_code == 1 and "no goal 7" in bad.stderr


def test_release_form_holds_the_part_2_elements(peer, setup, tmp_path):
    peer("config", "set", "program", "Springfield Peer Center")
    out = tmp_path / "form.html"
    peer("consent", "form", "Sam", "--recipient", "Hope <Center>", "--share", "name, phone",
         "--expires", "6m", "--until", "I stop receiving peer services", "--out", str(out))
    html = out.read_text()
    for text in ("Sam Rivera", "Springfield Peer Center", "Hope &lt;Center&gt;", "name, phone",
                 "revoke this consent at any time", "42 CFR Part 2", "2027-05-20",
                 "when I stop receiving peer services", "Date signed"):
        assert text in html, text
    assert "<Center>" not in html
    assert (out.stat().st_mode & 0o777) == 0o600


def test_forget_erases_the_plan_the_releases_and_a_lone_group_session(peer, query, setup):
    peer("config", "set", "name", "Ana Ruiz")
    peer("plan", "add", "Jo", "a goal of Jo's")
    peer("plan", "step", "Jo", "1", "a step")
    peer("plan", "review", "Jo")
    rel = peer.json("consent", "add", "Jo", "--recipient", "Hope Center")
    peer("consent", "revoke", str(rel["id"]))
    peer.json("notes", "group", "-a", "Jo", "--minutes", "30", "--note", "only Jo came")
    shared = peer.json("notes", "group", "-a", "Jo", "-a", "Sam", "--minutes", "30")
    peer("notes", "sign", str(shared["checkins"][0]["id"]))
    peer("consumer", "forget", "Jo", "--yes")
    for table in ("plan_goals", "goal_steps", "goal_events", "plan_reviews", "releases",
                  "release_events"):
        assert query(f"SELECT count(*) FROM {table}")[0][0] == 0, table
    assert [r[0] for r in query("SELECT id FROM group_sessions")] == [shared["group_session_id"]]
    assert query("SELECT count(*) FROM checkins")[0][0] == 1  # Sam's
