"""`peer timeline`: one chronological story with the mood and WHO-5 trend."""

from __future__ import annotations

import pytest


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("PEER_NOW", when)


@pytest.fixture
def story(peer, db_path, monkeypatch, make_group, make_referral):
    at(monkeypatch, "2026-11-01T09:00:00")
    peer("consumer", "add", "Sam Rivera", "--consent", "store")
    grief = make_group("Tuesday Grief Circle")
    make_referral(1, grief, "referred", "2026-11-03T12:00:00")
    at(monkeypatch, "2026-11-02T10:00:00")
    peer("consumer", "consent", "Sam", "grant", "share")
    at(monkeypatch, "2026-11-05T15:00:00")
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "20", "--mood", "2",
         "--who5", "2,2,2,2,2", "--note", "Low week.\nSleeping badly.")
    at(monkeypatch, "2026-11-10T16:00:00")
    peer("checkin", "Sam", "--mode", "in person", "--minutes", "40", "--mood", "3",
         "--attended", "Tuesday")
    at(monkeypatch, "2026-11-12T09:00:00")
    peer("checkin", "amend", "2", "--minutes", "50", "--reason", "session ran over")
    at(monkeypatch, "2026-11-20T11:00:00")
    peer("checkin", "Sam", "--mode", "video", "--minutes", "30", "--mood", "5",
         "--who5", "4,4,4,4,4")


def test_timeline_json_is_in_order(peer, story):
    data = peer.json("timeline", "Sam")
    assert data["consumer_id"] == 1
    events = [(e["at"][:16], e["kind"], e["summary"]) for e in data["events"]]
    assert events == [
        ("2026-11-01T09:00", "intake", "intake: added as a consumer"),
        ("2026-11-01T09:00", "consent", "consent to store granted"),
        ("2026-11-02T10:00", "consent", "consent to share granted"),
        ("2026-11-03T12:00", "referral", "referred to Tuesday Grief Circle"),
        ("2026-11-05T15:00", "checkin", "phone, 20 min, mood 2/5, WHO-5 40% — Low week."),
        ("2026-11-10T16:00", "checkin", "in person, 50 min, mood 3/5 (amended)"),
        ("2026-11-10T16:00", "attendance", "attended Tuesday Grief Circle"),
        ("2026-11-10T16:00", "referral",
         "attended (referral): Tuesday Grief Circle — attendance recorded with check-in #2"),
        ("2026-11-12T09:00", "amendment",
         "check-in #2 amended: minutes 40 → 50 — reason: session ran over"),
        ("2026-11-20T11:00", "checkin", "video, 30 min, mood 5/5, WHO-5 80%"),
    ]
    checkin = data["events"][5]
    assert (checkin["checkin_id"], checkin["version_id"], checkin["minutes"]) == (2, 3, 50)


def test_timeline_trend(peer, story):
    trend = peer.json("timeline", "Sam")["trend"]
    mood = trend["mood"]
    assert [p["value"] for p in mood["points"]] == [2, 3, 5]
    assert (mood["latest"], mood["first"], mood["previous"]) == (5, 2, 3)
    assert (mood["change_from_first"], mood["change_from_previous"]) == (3, 2)
    who5 = trend["who5"]
    assert [p["value"] for p in who5["points"]] == [40, 80]
    assert (who5["latest"], who5["change_from_previous"]) == (80, 40)


def test_timeline_human_draws_the_trend(peer, story):
    out = peer("timeline", "Sam").stdout
    assert out.index("intake") < out.index("Low week.") < out.index("session ran over")
    assert "Sleeping badly" not in out  # only the note's first line
    mood_line = next(line for line in out.splitlines() if line.strip().startswith("Mood"))
    assert "▃▅█" in mood_line
    assert "latest 5/5" in mood_line and "+2 vs previous" in mood_line and "+3 vs first" in mood_line
    who5_line = next(line for line in out.splitlines() if line.strip().startswith("WHO-5"))
    assert "latest 80%" in who5_line and "+40 vs previous" in who5_line


def test_timeline_for_someone_new(peer, monkeypatch):
    at(monkeypatch, "2026-11-01T09:00:00")
    peer("consumer", "add", "Ana")
    data = peer.json("timeline", "Ana")
    assert [e["kind"] for e in data["events"]] == ["intake"]
    assert data["trend"] == {"mood": None, "who5": None, "barc10": None}
    assert "No mood, WHO-5 or BARC-10 recorded yet" in peer("timeline", "Ana").stdout


def test_timeline_unknown_consumer(peer):
    peer("consumer", "add", "Ana")
    result = peer("timeline", "Zed", ok=False)
    assert result.exit_code == 1 and "no consumer matches 'Zed'" in result.stderr
