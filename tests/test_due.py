"""Who is due: the pure computation with a fixed `today`, and `peer due` / the home screen."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.due import AwaitingReferral, FollowupState, compute_due, due_item_to_dict

TODAY = date(2026, 11, 21)


def state(cid: int, name: str, *, intake: str = "2026-11-01", cadence: int = 7,
          last: str | None = None, next_on: str | None = None) -> FollowupState:
    return FollowupState(cid, name, date.fromisoformat(intake), cadence,
                         date.fromisoformat(last) if last else None,
                         date.fromisoformat(next_on) if next_on else None)


def test_due_reasons_and_order():
    consumers = [
        state(1, "Ana"),                                                  # never contacted
        state(2, "Ben", last="2026-11-12"),                               # cadence 7: due 11-19
        state(3, "Cara", last="2026-11-14", next_on="2026-11-21"),        # set for today
        state(4, "Dan", last="2026-11-21", next_on="2026-11-28"),         # not yet
        state(5, "Eve", last="2026-11-20", next_on="2026-12-05"),         # referral only
        state(6, "Fred", intake="2026-11-21"),                            # added today
    ]
    referrals = [AwaitingReferral(9, 5, "Tuesday Grief Circle", date(2026, 11, 9)),
                 AwaitingReferral(10, 4, "Art Studio", date(2026, 11, 18))]  # only 3 days old
    items = compute_due(consumers, referrals, TODAY)
    assert [(i.name, i.due_on.isoformat(), i.days_overdue) for i in items] == [
        ("Ana", "2026-11-01", 20), ("Eve", "2026-11-16", 5), ("Ben", "2026-11-19", 2),
        ("Cara", "2026-11-21", 0), ("Fred", "2026-11-21", 0)]
    reasons = {i.name: i.reason for i in items}
    assert reasons == {
        "Ana": "no contact since intake 20 days ago",
        "Eve": "referred to Tuesday Grief Circle 12 days ago, attendance not recorded",
        "Ben": "last contact 9 days ago",
        "Cara": "follow-up set for today",
        "Fred": "no contact since intake",
    }


def test_days_window_adds_upcoming_with_negative_days_overdue():
    consumers = [state(4, "Dan", last="2026-11-21", next_on="2026-11-28"),
                 state(7, "Gia", last="2026-11-20", cadence=14)]
    assert compute_due(consumers, [], TODAY) == []
    items = compute_due(consumers, [], TODAY, within_days=7)
    assert [(i.name, i.days_overdue, i.reason) for i in items] == [
        ("Dan", -7, "follow-up set for 2026-11-28 (in 7 days)")]
    assert [i.name for i in compute_due(consumers, [], TODAY, within_days=13)] == ["Dan", "Gia"]


def test_one_line_per_consumer_with_all_due_reasons_earliest_first():
    consumers = [state(1, "Ana", last="2026-11-10", next_on="2026-11-15")]
    referrals = [AwaitingReferral(1, 1, "Walkers", date(2026, 11, 12)),
                 AwaitingReferral(2, 1, "Grief Circle", date(2026, 11, 1))]
    [item] = compute_due(consumers, referrals, TODAY)
    assert item.due_on == date(2026, 11, 8) and item.days_overdue == 13
    assert item.reasons == (
        "referred to Grief Circle 20 days ago, attendance not recorded",
        "follow-up set for 2026-11-15, 6 days ago (last contact 11 days ago)",
        "referred to Walkers 9 days ago, attendance not recorded",
    )
    data = due_item_to_dict(item)
    assert data["reason"] == "; ".join(item.reasons) and data["due_on"] == "2026-11-08"


def test_referral_is_due_exactly_seven_days_after():
    consumers = [state(1, "Ana", last="2026-11-21", next_on="2026-11-28")]
    six = [AwaitingReferral(1, 1, "G", TODAY - timedelta(days=6))]
    seven = [AwaitingReferral(1, 1, "G", TODAY - timedelta(days=7))]
    assert compute_due(consumers, six, TODAY) == []
    assert compute_due(consumers, seven, TODAY)[0].days_overdue == 0


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=60))
def test_cadence_due_iff_last_contact_plus_cadence_reached(days_ago, cadence):
    consumer = state(1, "Ana", cadence=cadence, last=(TODAY - timedelta(days=days_ago)).isoformat())
    items = compute_due([consumer], [], TODAY)
    assert bool(items) == (days_ago >= cadence)
    if items:
        assert items[0].days_overdue == days_ago - cadence
        assert items[0].reason == f"last contact {days_ago} day{'' if days_ago == 1 else 's'} ago"


# --- the command -------------------------------------------------------------------------------

def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("PEER_NOW", when)






@pytest.fixture
def caseload(peer, db_path, monkeypatch, make_group, make_referral):
    """Seven people at different points, built with the real commands on a moving clock."""
    at(monkeypatch, "2026-11-01T09:00:00")
    # These tests are about follow-ups: unsigned notes (tested in test_notes) never turn late here.
    peer("config", "set", "late-after", "30")
    for name in ("Ana", "Ben", "Cara", "Dan", "Eve", "Fay", "Gus"):
        peer("consumer", "add", name)
    grief = make_group("Tuesday Grief Circle")
    at(monkeypatch, "2026-11-09T11:00:00")
    make_referral(5, grief, at="2026-11-09T11:00:00")   # Eve: no attendance since
    make_referral(7, grief, at="2026-11-09T11:00:00")   # Gus: went (below)
    at(monkeypatch, "2026-11-12T15:00:00")
    peer("checkin", "Ben", "--mode", "phone", "--minutes", "20")            # next 11-19
    at(monkeypatch, "2026-11-14T15:00:00")
    peer("checkin", "Cara", "--mode", "phone", "--minutes", "20", "--next", "2026-11-21")
    peer("checkin", "Gus", "--mode", "phone", "--minutes", "20", "--next", "3w",
         "--attended", "Tuesday")
    at(monkeypatch, "2026-11-20T15:00:00")
    peer("checkin", "Eve", "--mode", "video", "--minutes", "20", "--next", "2w")
    at(monkeypatch, "2026-11-21T10:00:00")
    peer("checkin", "Dan", "--mode", "text", "--minutes", "5")              # next 11-28
    peer("consumer", "archive", "Fay", "--yes")                             # never contacted


def test_due_json_for_a_caseload(peer, caseload):
    rows = peer.json("due")
    assert [(r["name"], r["due_on"], r["days_overdue"], r["reason"]) for r in rows] == [
        ("Ana", "2026-11-01", 20, "no contact since intake 20 days ago"),
        ("Eve", "2026-11-16", 5,
         "referred to Tuesday Grief Circle 12 days ago, attendance not recorded"),
        ("Ben", "2026-11-19", 2, "last contact 9 days ago"),
        ("Cara", "2026-11-21", 0, "follow-up set for today"),
    ]
    assert set(rows[0]) >= {"consumer_id", "name", "due_on", "days_overdue", "reason", "reasons"}
    assert rows[0]["consumer_id"] == 1
    upcoming = peer.json("due", "--days", "7")
    assert [r["name"] for r in upcoming][-1] == "Dan"
    assert upcoming[-1]["days_overdue"] == -7
    assert "Fay" not in [r["name"] for r in upcoming] and "Gus" not in [r["name"] for r in upcoming]


def test_due_uses_last_contact_plus_cadence_when_no_next_date(peer, db_path, caseload):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO checkins (consumer_id, at, mode, minutes, units, created_at) "
                     "VALUES (1, '2026-11-12T10:00:00', 'phone', 10, 1, '2026-11-12T10:00:00')")
    conn.close()
    ana = next(r for r in peer.json("due") if r["name"] == "Ana")
    assert (ana["due_on"], ana["days_overdue"], ana["reason"]) == (
        "2026-11-19", 2, "last contact 9 days ago")


def test_amended_next_date_is_the_one_that_counts(peer, caseload):
    peer("checkin", "amend", "1", "--next", "tomorrow", "--reason", "agreed to call Sunday")
    assert "Ben" not in [r["name"] for r in peer.json("due")]
    ben = next(r for r in peer.json("due", "--days", "1") if r["name"] == "Ben")
    assert ben["due_on"] == "2026-11-22"


def test_due_human_output_and_home_screen(peer, caseload):
    out = peer("due").stdout
    assert "3 overdue, 1 due today" in out
    assert out.index("Ana") < out.index("Eve") < out.index("Ben") < out.index("Cara")
    assert "no contact since intake 20 days ago" in out
    home = peer().stdout
    assert "1 due today, 3 overdue" in home
    assert "#1 Ana (20d overdue): no contact since intake" in home
    for command in ("peer due", "peer checkin NAME", "peer match NAME", "peer consumer add"):
        assert command in home


def test_due_and_home_on_an_empty_database(peer, db_path):
    home = peer().stdout
    assert "peer due" in home and not db_path.exists()  # the home screen never creates it
    assert peer.json("due") == []
    assert peer("due").stdout == "Nobody is due today.\n"  # stdout: `peer due > file` has it
    assert "0 active consumers, 0 active groups." in peer().stdout


def test_due_refuses_negative_days(peer):
    result = peer("due", "--days", "-1", ok=False)
    assert result.exit_code == 2


def test_due_and_checkin_with_a_real_peer_refer(peer, db_path, monkeypatch, make_group):
    at(monkeypatch, "2026-11-01T09:00:00")
    peer("config", "set", "late-after", "30")  # unsigned notes are tested in test_notes
    peer("consumer", "add", "Ana", "--consent", "all")
    make_group("Tuesday Grief Circle")
    at(monkeypatch, "2026-11-05T09:00:00")
    peer("refer", "Ana", "Tuesday")
    peer("checkin", "Ana", "--mode", "phone", "--minutes", "10", "--next", "1m")
    at(monkeypatch, "2026-11-14T09:00:00")
    [row] = peer.json("due")
    assert (row["due_on"], row["reason"]) == (
        "2026-11-12", "referred to Tuesday Grief Circle 9 days ago, attendance not recorded")
    peer("checkin", "Ana", "--mode", "phone", "--minutes", "10", "--attended", "Tuesday")
    assert peer.json("due") == []
    events = [e["status"] for e in peer.json("timeline", "Ana")["events"] if e["kind"] == "referral"]
    assert events == ["referred", "attended"]
