"""Recovery plans in the store: goals (with a snapshot per change), steps, plan reviews, and the
queries behind ``peer plan``, ``peer due`` (reviews) and the timeline (progress per goal).

Values arrive parsed (``core.plans``); each write is audited by field names, never values.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from peercli.core import plans as core
from peercli.core.errors import PeerError
from peercli.store.db import audit, now_iso


def _snapshot(conn: sqlite3.Connection, goal_id: int, what: str, note: str | None) -> None:
    row = conn.execute("SELECT status, text, target_on FROM plan_goals WHERE id = ?",
                       (goal_id,)).fetchone()
    conn.execute(
        "INSERT INTO goal_events (goal_id, at, what, status, text, target_on, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (goal_id, now_iso(), what, row["status"], row["text"], row["target_on"], note),
    )


def add_goal(conn: sqlite3.Connection, consumer_id: int, text: str,
             target_on: date | None = None, note: str | None = None) -> int:
    stamp = now_iso()
    position = conn.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM plan_goals WHERE consumer_id = ?",
        (consumer_id,)).fetchone()[0]
    cur = conn.execute(
        "INSERT INTO plan_goals (consumer_id, position, text, target_on, status, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
        (consumer_id, position, text, target_on.isoformat() if target_on else None, stamp, stamp),
    )
    goal_id = int(cur.lastrowid or 0)
    _snapshot(conn, goal_id, "created", note)
    audit(conn, "create", "goal", goal_id,
          ["consumer_id", "text"] + (["target_on"] if target_on else []))
    return goal_id


def get_goal(conn: sqlite3.Connection, consumer_id: int, ref: str) -> sqlite3.Row:
    """A goal of this person by its number in their plan ("1", "G1") or its id ("#12")."""
    from peercli.core.ids import id_text, in_range

    text = ref.strip()
    number = text.lower().removeprefix("g")
    if text.startswith("#") and (digits := id_text(text)) is not None:
        row = (conn.execute("SELECT * FROM plan_goals WHERE id = ? AND consumer_id = ?",
                            (int(digits), consumer_id)).fetchone() if in_range(digits) else None)
    elif number.isascii() and number.isdigit():
        row = (conn.execute("SELECT * FROM plan_goals WHERE position = ? AND consumer_id = ?",
                            (int(number), consumer_id)).fetchone() if in_range(number) else None)
    else:
        raise PeerError(f"'{ref[:40]}' is not a goal number (1, 2 … as peer plan shows, or #id)")
    if row is None:
        raise PeerError(f"no goal {ref[:40]} in this person's plan (see peer plan NAME)")
    found: sqlite3.Row = row
    return found


def update_goal(conn: sqlite3.Connection, goal_id: int, *, status: str | None = None,
                text: str | None = None, target_on: date | None = None,
                note: str | None = None) -> list[str]:
    """Change a goal's status, words or target date; returns the fields that changed."""
    row = conn.execute("SELECT * FROM plan_goals WHERE id = ?", (goal_id,)).fetchone()
    changes: dict[str, Any] = {}
    if status is not None and status != row["status"]:
        changes["status"] = status
    if text is not None and text != row["text"]:
        changes["text"] = text
    if target_on is not None and target_on.isoformat() != row["target_on"]:
        changes["target_on"] = target_on.isoformat()
    if not changes:
        return []
    sets = ", ".join(f"{k} = ?" for k in changes)
    conn.execute(f"UPDATE plan_goals SET {sets}, updated_at = ? WHERE id = ?",
                 (*changes.values(), now_iso(), goal_id))
    what = "status" if list(changes) == ["status"] else "+".join(changes)
    _snapshot(conn, goal_id, what, note)
    audit(conn, "update", "goal", goal_id, list(changes))
    return list(changes)


def add_step(conn: sqlite3.Connection, goal_id: int, text: str,
             target_on: date | None = None) -> int:
    stamp = now_iso()
    position = conn.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM goal_steps WHERE goal_id = ?",
        (goal_id,)).fetchone()[0]
    cur = conn.execute(
        "INSERT INTO goal_steps (goal_id, position, text, target_on, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (goal_id, position, text, target_on.isoformat() if target_on else None, stamp, stamp))
    step_id = int(cur.lastrowid or 0)
    _snapshot(conn, goal_id, "step added", f"step {position}: {text}")
    audit(conn, "create", "goal_step", step_id, ["goal_id", "text"])
    return step_id


def complete_step(conn: sqlite3.Connection, goal_id: int, position: int, on: date) -> None:
    row = conn.execute("SELECT * FROM goal_steps WHERE goal_id = ? AND position = ?",
                       (goal_id, position)).fetchone()
    if row is None:
        raise PeerError(f"no step {position} on this goal")
    if row["done_on"]:
        raise PeerError(f"step {position} was already done on {row['done_on']}")
    conn.execute("UPDATE goal_steps SET done_on = ?, updated_at = ? WHERE id = ?",
                 (on.isoformat(), now_iso(), row["id"]))
    _snapshot(conn, goal_id, "step done", f"step {position} done: {row['text']}")
    audit(conn, "update", "goal_step", row["id"], ["done_on"])


def record_review(conn: sqlite3.Connection, consumer_id: int, on: date, note: str | None) -> int:
    cur = conn.execute(
        "INSERT INTO plan_reviews (consumer_id, reviewed_on, note, created_at) VALUES (?, ?, ?, ?)",
        (consumer_id, on.isoformat(), note, now_iso()))
    review_id = int(cur.lastrowid or 0)
    audit(conn, "create", "plan_review", review_id,
          ["consumer_id", "reviewed_on"] + (["note"] if note else []))
    return review_id


# --- reading -----------------------------------------------------------------------------------

def plan_dict(conn: sqlite3.Connection, consumer_id: int, today: date,
              every_days: int) -> dict[str, Any]:
    """The whole plan: goals (with steps and history), reviews, and when the next review is due."""
    goals = []
    for g in conn.execute("SELECT * FROM plan_goals WHERE consumer_id = ? ORDER BY position",
                          (consumer_id,)):
        steps = [dict(s) for s in conn.execute(
            "SELECT position, text, target_on, done_on FROM goal_steps WHERE goal_id = ? "
            "ORDER BY position", (g["id"],))]
        history = [dict(e) for e in conn.execute(
            "SELECT at, what, status, text, target_on, note FROM goal_events WHERE goal_id = ? "
            "ORDER BY id", (g["id"],))]
        goals.append({"id": g["id"], "number": g["position"], "text": g["text"],
                      "status": g["status"], "target_on": g["target_on"],
                      "created_at": g["created_at"], "steps": steps, "history": history})
    reviews = [dict(r) for r in conn.execute(
        "SELECT id, reviewed_on, note FROM plan_reviews WHERE consumer_id = ? "
        "ORDER BY reviewed_on, id", (consumer_id,))]
    state = plan_state(conn, consumer_id)
    next_review = core.review_due_on(state, every_days).isoformat() if state else None
    return {"consumer_id": consumer_id, "goals": goals, "reviews": reviews,
            "review_every_days": every_days, "next_review_on": next_review}


def plan_state(conn: sqlite3.Connection, consumer_id: int) -> core.PlanState | None:
    row = conn.execute(
        "SELECT min(created_at) AS started, (SELECT max(reviewed_on) FROM plan_reviews"
        " WHERE consumer_id = ?) AS reviewed FROM plan_goals WHERE consumer_id = ?",
        (consumer_id, consumer_id)).fetchone()
    if row is None or row["started"] is None:
        return None
    return core.PlanState(consumer_id, date.fromisoformat(row["started"][:10]),
                          date.fromisoformat(row["reviewed"]) if row["reviewed"] else None)


def plan_states(conn: sqlite3.Connection) -> list[core.PlanState]:
    """Every active consumer with a plan: one grouped query over goals and reviews."""
    return [
        core.PlanState(r[0], date.fromisoformat(r[1][:10]),
                       date.fromisoformat(r[2]) if r[2] else None)
        for r in conn.execute(
            "SELECT g.consumer_id, min(g.created_at),"
            " (SELECT max(reviewed_on) FROM plan_reviews p WHERE p.consumer_id = g.consumer_id) "
            "FROM plan_goals g JOIN consumers c ON c.id = g.consumer_id AND c.status = 'active' "
            "GROUP BY g.consumer_id")
    ]


def goal_labels(conn: sqlite3.Connection, goal_ids: list[int]) -> dict[int, str]:
    """"G2 get my license back" for each goal id (the goal's number in its plan)."""
    if not goal_ids:
        return {}
    marks = ", ".join("?" for _ in goal_ids)
    return {r[0]: f"G{r[1]} {r[2]}" for r in conn.execute(
        f"SELECT id, position, text FROM plan_goals WHERE id IN ({marks})", tuple(goal_ids))}


def goal_progress(conn: sqlite3.Connection, consumer_id: int) -> dict[int, dict[str, Any]]:
    """Per goal: check-ins (newest versions) and referrals that named it, and the latest date."""
    out: dict[int, dict[str, Any]] = {}
    for goal_id, count, last in conn.execute(
        "SELECT j.value, count(*), max(c.at) FROM effective_checkins c, json_each(c.goal_ids) j "
        "WHERE c.consumer_id = ? AND c.goal_ids IS NOT NULL GROUP BY j.value", (consumer_id,)):
        out[int(goal_id)] = {"checkins": count, "referrals": 0, "last_at": last}
    for goal_id, count, last in conn.execute(
        "SELECT goal_id, count(*), max(created_at) FROM referrals WHERE consumer_id = ? "
        "AND goal_id IS NOT NULL GROUP BY goal_id", (consumer_id,)):
        item = out.setdefault(int(goal_id), {"checkins": 0, "referrals": 0, "last_at": None})
        item["referrals"] = count
        item["last_at"] = max(x for x in (item["last_at"], last) if x)
    return out


def goals_with_progress(conn: sqlite3.Connection, consumer_id: int) -> list[dict[str, Any]]:
    """The person's goals in plan order, each with its progress (check-ins, referrals, last)."""
    progress = goal_progress(conn, consumer_id)
    return [{"id": g["id"], "number": g["position"], "text": g["text"], "status": g["status"],
             **progress.get(g["id"], {"checkins": 0, "referrals": 0, "last_at": None})}
            for g in conn.execute("SELECT id, position, text, status FROM plan_goals "
                                  "WHERE consumer_id = ? ORDER BY position", (consumer_id,))]
