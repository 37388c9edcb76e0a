"""The recovery plan: goals in the person's words, steps, status history, reviews (pure rules and
commands), and the migration that turns the old single goal into the first goal."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from peercli.core import plans as core

NOW = "2026-11-20T15:00:00"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)


def test_status_words():
    assert core.parse_goal_status("Done") == "met"
    assert core.parse_goal_status("in progress") == "active"
    assert core.parse_goal_status("abandoned") == "dropped"
    with pytest.raises(ValueError, match="active, met, changed, dropped"):
        core.parse_goal_status("paused?")


@pytest.mark.parametrize("text,expected", [
    ("2027-03-01", date(2027, 3, 1)), ("90d", date(2027, 2, 18)), ("6w", date(2027, 1, 1)),
    ("3m", date(2027, 2, 20)), ("in 1 year", date(2027, 11, 20)),
])
def test_targets(text, expected):
    assert core.parse_target(text, date(2026, 11, 20)) == expected


@pytest.mark.parametrize("text,message", [
    ("2026-01-01", "in the past"), ("soon", "cannot read"), ("9y", "more than 5 years"),
])
def test_bad_targets(text, message):
    with pytest.raises(ValueError, match=message):
        core.parse_target(text, date(2026, 11, 20))


def test_goal_words_are_kept_as_typed():
    assert core.parse_goal_text("  I want my kids back for Christmas!  ") == (
        "I want my kids back for Christmas!")
    with pytest.raises(ValueError):
        core.parse_goal_text("   ")


def test_review_due_on_the_right_day():
    never = core.PlanState(1, date(2026, 8, 22), None)
    assert core.review_due_on(never, 90) == date(2026, 11, 20)
    assert core.reviews_due([never], date(2026, 11, 19), 90) == {}
    due = core.reviews_due([never], date(2026, 11, 20), 90)
    assert "review due today" in due[1][0][1] and "never reviewed" in due[1][0][1]
    reviewed = core.PlanState(2, date(2026, 1, 1), date(2026, 10, 1))
    assert core.reviews_due([reviewed], date(2026, 11, 20), 30)[2][0] == (
        date(2026, 10, 31), ("recovery plan review 20 days overdue (last reviewed 2026-10-01; "
        "every 30 days)"))
    assert core.reviews_due([reviewed], date(2026, 11, 20), 90, within_days=39) == {}
    assert core.reviews_due([reviewed], date(2026, 11, 20), 90, within_days=40)


@pytest.fixture
def sam(peer) -> int:
    return peer.json("consumer", "add", "Sam Rivera", "--consent", "all")["id"]


def test_plan_goals_steps_status_and_history(peer, sam):
    first = peer.json("plan", "add", "Sam", "Stay sober and get my license back", "--target", "6m")
    assert first["number"] == 1 and first["target_on"] == "2027-05-20"
    peer("plan", "add", "Sam", "find a job I like")
    peer("plan", "step", "Sam", "1", "call the DMV", "--target", "2w")
    peer("plan", "step", "Sam", "G1", "go to two meetings a week")
    peer("plan", "done", "Sam", "1.1")
    peer("plan", "status", "Sam", "2", "done", "--note", "started at the bakery")
    peer("plan", "reword", "Sam", "1", "Stay sober one day at a time")
    plan = peer.json("plan", "Sam")
    goals = {g["number"]: g for g in plan["goals"]}
    assert goals[1]["status"] == "changed" and goals[2]["status"] == "met"
    assert goals[3]["text"] == "Stay sober one day at a time"
    assert [s["done_on"] for s in goals[1]["steps"]] == ["2026-11-20", None]
    history = [(h["what"], h["status"]) for h in goals[1]["history"]]
    assert history == [("created", "active"), ("step added", "active"),
                       ("step added", "active"), ("step done", "active"),
                       ("status", "changed")]
    assert goals[1]["history"][0]["text"] == "Stay sober and get my license back"
    assert goals[2]["history"][-1]["note"] == "started at the bakery"
    assert plan["next_review_on"] == "2027-02-18"


def test_plan_refusals(peer, sam):
    for args, message in [
        (["plan", "step", "Sam", "4", "x"], "no goal 4"),
        (["plan", "add", "Sam", "  "], "own words"),
        (["plan", "add", "Sam", "x", "--target", "yesterday"], "--target"),
        (["plan", "review", "Sam"], "no plan yet"),
        (["plan", "status", "Sam", "1", "meh"], "STATUS"),
    ]:
        result = peer(*args, ok=False)
        assert result.exit_code == 1 and message in result.stderr, (args, result.stderr)


def test_review_resets_the_clock_and_due_says_so(peer, sam, monkeypatch):
    peer("plan", "add", "Sam", "find a job")
    peer("config", "set", "plan-review-days", "30")
    monkeypatch.setenv("PEER_NOW", "2026-12-20T09:00:00")
    reasons = [r for item in peer.json("due") for r in item["reasons"]]
    assert any("recovery plan review due today" in r for r in reasons)
    review = peer.json("plan", "review", "Sam", "--note", "went over both goals")
    assert review["next_review_on"] == "2027-01-19"
    reasons = [r for item in peer.json("due") for r in item["reasons"]]
    assert not any("plan review" in r for r in reasons)


def test_migration_turns_the_old_goal_into_the_first_goal(tmp_path, monkeypatch):
    from peercli.store import db as store_db
    from peercli.store import migrations

    path = tmp_path / "old.db"
    names = list(migrations.MIGRATION_NAMES)
    monkeypatch.setattr(migrations, "MIGRATION_NAMES", names[:3])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 3)
    conn = store_db.open_db(path)
    conn.execute("INSERT INTO consumers (name, goals, created_at, updated_at) VALUES "
                 "('Sam', '  get my license back ', '2025-01-01T09:00', '2025-01-01T09:00'), "
                 "('Jo', NULL, '2025-01-01T09:00', '2025-01-01T09:00'), "
                 "('Al', '   ', '2025-01-01T09:00', '2025-01-01T09:00')")
    conn.close()
    monkeypatch.setattr(migrations, "MIGRATION_NAMES", names)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(names))
    conn = store_db.open_db(path)
    rows = conn.execute("SELECT consumer_id, position, text, status, created_at FROM plan_goals"
                        ).fetchall()
    assert [tuple(r)[:4] for r in rows] == [(1, 1, "get my license back", "active")]
    assert rows[0]["created_at"].startswith("2026-11-20")
    event = conn.execute("SELECT what, note FROM goal_events").fetchone()
    assert event["what"] == "created" and "carried over" in event["note"]
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE goal_events SET note = 'x'")
    conn.close()


def test_timeline_shows_the_plan_the_barc10_trend_and_progress_per_goal(peer, sam, monkeypatch):
    peer("plan", "add", "Sam", "get my license back")
    peer("plan", "add", "Sam", "see my kids on weekends")
    for day, answers in (("2026-11-02T10:00:00", "3" * 10), ("2026-11-09T10:00:00", "4" * 10),
                         ("2026-11-16T10:00:00", "5,5,5,5,5,5,5,5,5,6")):
        monkeypatch.setenv("PEER_NOW", day)
        peer("checkin", "Sam", "--mode", "phone", "--minutes", "20", "--barc10", answers,
             "--goal", "1")
    monkeypatch.setenv("PEER_NOW", NOW)
    data = peer.json("timeline", "Sam")
    barc = data["trend"]["barc10"]
    assert [p["value"] for p in barc["points"]] == [30, 40, 51]
    assert barc["scale"] == [10, 60] and barc["change_from_first"] == 21
    goals = {g["number"]: g for g in data["goals"]}
    assert (goals[1]["checkins"], goals[2]["checkins"]) == (3, 0)
    assert any(e["kind"] == "plan" and "G1 goal added" in e["summary"] for e in data["events"])
    checkin = next(e for e in data["events"] if e["kind"] == "checkin")
    assert "BARC-10 30/60 [G1]" in checkin["summary"]
    human = peer("timeline", "Sam").stdout
    assert "BARC-10" in human and "latest 51/60" in human
    assert "G1 “get my license back” active: 3 check-ins, 0 referrals" in human


def test_the_consumer_goal_starts_the_plan(peer):
    peer.json("consumer", "add", "Ana", "--goal", "Stay housed")
    assert [g["text"] for g in peer.json("plan", "Ana")["goals"]] == ["Stay housed"]
    peer.json("consumer", "edit", "Ana", "--goal", "Stay housed and find work")
    assert [g["text"] for g in peer.json("plan", "Ana")["goals"]] == ["Stay housed"]
    peer.json("consumer", "add", "Bo")
    peer.json("consumer", "edit", "Bo", "--goal", "Walk every day")
    assert [g["text"] for g in peer.json("plan", "Bo")["goals"]] == ["Walk every day"]


@pytest.mark.parametrize("text", ["99999999d", "99999999w", "99999999m", "9" * 30 + "y"])
def test_a_target_beyond_the_calendar_is_refused_as_too_far(text):
    with pytest.raises(ValueError, match="more than 5 years ahead"):
        core.parse_target(text, date(2026, 11, 20))
