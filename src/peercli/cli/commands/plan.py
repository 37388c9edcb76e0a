"""``peer plan``: the person-centred recovery plan: goals in the person's own words, steps,
target dates, status history, and plan reviews.

``peer plan NAME`` is short for ``peer plan show NAME``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from peercli.cli.options import JsonOpt
from peercli.core.errors import PeerError
from peercli.core.wording import plural

PLAN_HELP = ("The recovery plan: goals in the person's words, steps, reviews.\n\n"
             "Each goal and step has a target date and a status with its history. "
             "'peer plan NAME' shows the plan.")


class PlanGroup(TyperGroup):
    """``peer plan Sam`` = ``peer plan show Sam``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        help_names = set(ctx.help_option_names or ("--help",))
        if args and args[0] not in self.commands and args[0] not in help_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=PlanGroup, no_args_is_help=True, help=PLAN_HELP)
ConsumerArg = Annotated[str, typer.Argument(help="Consumer id or name prefix.")]
GoalArg = Annotated[str, typer.Argument(metavar="GOAL", help="Goal number (1, 2 …) or #id.")]
TargetOpt = Annotated[str | None, typer.Option(
    "--target", help="Target date: 2027-03-01, or 90d, 6w, 3m, 1y.", show_default=False)]
NoteOpt = Annotated[str | None, typer.Option("--note", help="A note kept in the history.",
                                             show_default=False)]


def _person(ref: str) -> tuple[Any, Any]:
    from peercli.cli import runtime
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    return conn, resolve(conn, "consumer", ref)


def _review_days(conn: Any) -> int:
    from peercli.core.settings import as_int
    from peercli.store.settings import current_settings

    return as_int(current_settings(conn), "plan-review-days")


def _target(text: str | None) -> Any:
    from peercli.core.plans import parse_target
    from peercli.store import clock

    if text is None:
        return None
    try:
        return parse_target(text, clock.today())
    except ValueError as exc:
        raise PeerError(f"--target: {exc}") from None


def _goal_text(text: str) -> str:
    from peercli.core.plans import parse_goal_text

    try:
        return parse_goal_text(text)
    except ValueError as exc:
        raise PeerError(f"GOAL TEXT: {exc}") from None


def _print_plan(conn: Any, person: Any, as_json: bool) -> None:
    from rich.markup import escape

    from peercli.cli.render import console, print_json
    from peercli.core.plans import status_label
    from peercli.store import clock
    from peercli.store.plans import goal_progress, plan_dict

    today = clock.today()
    plan = plan_dict(conn, person["id"], today, _review_days(conn))
    progress = goal_progress(conn, person["id"])
    for goal in plan["goals"]:
        goal["progress"] = progress.get(goal["id"], {"checkins": 0, "referrals": 0,
                                                     "last_at": None})
    plan["name"] = person["name"]
    if as_json:
        print_json(plan)
        return
    out = console()
    out.print(f"[bold]Recovery plan — #{person['id']} {escape(person['name'])}[/]")
    if not plan["goals"]:
        out.print(f"  No goals yet: peer plan add {person['id']} \"in their own words\"")
        return
    for goal in plan["goals"]:
        target = f"  target {goal['target_on']}" if goal["target_on"] else ""
        out.print(f"  [bold]G{goal['number']}[/] “{escape(goal['text'])}”  "
                  f"[dim]{status_label(goal['status'])}{target}[/]")
        for step in goal["steps"]:
            tick = "✓" if step["done_on"] else "·"
            when = (f" (done {step['done_on']})" if step["done_on"] else
                    f" (by {step['target_on']})" if step["target_on"] else "")
            out.print(f"      {tick} {goal['number']}.{step['position']} {escape(step['text'])}"
                      f"[dim]{when}[/]")
        p = goal["progress"]
        if p["checkins"] or p["referrals"]:
            out.print(f"      [dim]{plural(p['checkins'], 'check-in')}, {plural(p['referrals'], 'referral')} "
                      f"toward this goal; last {str(p['last_at'] or '')[:10]}[/]")
    last = plan["reviews"][-1]["reviewed_on"] if plan["reviews"] else "never"
    due = plan["next_review_on"]
    flag = " [red](overdue)[/]" if due and due < today.isoformat() else (
        " [yellow](today)[/]" if due == today.isoformat() else "")
    out.print(f"  [dim]reviewed: {last}; next review {due}{flag} "
              f"(every {plural(plan['review_every_days'], 'day')})[/]")


@app.command("show")
def show(consumer: ConsumerArg, as_json: JsonOpt = False) -> None:
    """Show the plan: goals and steps, status, targets, progress, next review."""
    conn, person = _person(consumer)
    _print_plan(conn, person, as_json)


@app.command("add")
def add(
    consumer: ConsumerArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The goal in the person's words.")],
    target: TargetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a goal, in the person's own words (kept exactly as typed)."""
    from peercli.cli.render import print_json, success
    from peercli.store.db import write
    from peercli.store.plans import add_goal

    words = _goal_text(text)
    target_on = _target(target)
    conn, person = _person(consumer)
    with write(conn):
        goal_id = add_goal(conn, person["id"], words, target_on)
    number = conn.execute("SELECT position FROM plan_goals WHERE id = ?", (goal_id,)).fetchone()[0]
    if as_json:
        print_json({"id": goal_id, "number": number, "consumer_id": person["id"], "text": words,
                    "target_on": target_on.isoformat() if target_on else None,
                    "status": "active"})
        return
    success(f"Goal G{number} added to #{person['id']} {person['name']}'s plan")


@app.command("step")
def step(
    consumer: ConsumerArg,
    goal: GoalArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The step, in plain words.")],
    target: TargetOpt = None,
) -> None:
    """Add a step toward a goal."""
    from peercli.cli.render import success
    from peercli.store.db import write
    from peercli.store.plans import add_step, get_goal

    words = _goal_text(text)
    target_on = _target(target)
    conn, person = _person(consumer)
    row = get_goal(conn, person["id"], goal)
    with write(conn):
        add_step(conn, row["id"], words, target_on)
    success(f"Step added to G{row['position']}")


@app.command("done")
def done(
    consumer: ConsumerArg,
    step_ref: Annotated[str, typer.Argument(
        metavar="GOAL.STEP", help="The step, as peer plan shows it: 1.2 is step 2 of goal 1.")],
) -> None:
    """Mark a step done (today)."""
    from peercli.cli.render import success
    from peercli.store import clock
    from peercli.store.db import write
    from peercli.store.plans import complete_step, get_goal

    goal_part, _, step_part = step_ref.strip().partition(".")
    if not (step_part.isascii() and step_part.isdigit() and len(step_part) < 7):
        raise PeerError(f"'{step_ref[:40]}' is not GOAL.STEP (e.g. 1.2: step 2 of goal 1)")
    conn, person = _person(consumer)
    row = get_goal(conn, person["id"], goal_part)
    with write(conn):
        complete_step(conn, row["id"], int(step_part), clock.today())
    success(f"Step {row['position']}.{step_part} done")


@app.command("status")
def status(
    consumer: ConsumerArg,
    goal: GoalArg,
    new_status: Annotated[str, typer.Argument(metavar="STATUS",
                                              help="active, met, changed or dropped.")],
    note: NoteOpt = None,
    target: TargetOpt = None,
) -> None:
    """Set a goal's status, and optionally a new target date.

    The history keeps each change."""
    from peercli.cli.render import info, success
    from peercli.core.plans import parse_goal_status
    from peercli.store.db import write
    from peercli.store.plans import get_goal, update_goal

    try:
        parsed = parse_goal_status(new_status)
    except ValueError as exc:
        raise PeerError(f"STATUS: {exc}") from None
    target_on = _target(target)
    conn, person = _person(consumer)
    row = get_goal(conn, person["id"], goal)
    with write(conn):
        changed = update_goal(conn, row["id"], status=parsed, target_on=target_on,
                              note=note.strip() if note else None)
    if changed:
        success(f"G{row['position']} is {parsed}" + (" (new target)" if "target_on" in changed
                                                    else ""))
    else:
        info(f"G{row['position']} is already {parsed}")


@app.command("reword")
def reword(
    consumer: ConsumerArg,
    goal: GoalArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The goal in the person's new words.")],
    target: TargetOpt = None,
) -> None:
    """Reword a goal as the person says it now; the old words are kept.

    The old goal becomes 'changed' and a new goal carries the new words."""
    from peercli.cli.render import success
    from peercli.store.db import write
    from peercli.store.plans import add_goal, get_goal, update_goal

    words = _goal_text(text)
    target_on = _target(target)
    conn, person = _person(consumer)
    row = get_goal(conn, person["id"], goal)
    if row["text"] == words:
        raise PeerError(f"G{row['position']} already has those words")
    with write(conn):
        new_id = add_goal(conn, person["id"], words, target_on,
                          note=f"reworded from G{row['position']}")
        number = conn.execute("SELECT position FROM plan_goals WHERE id = ?",
                              (new_id,)).fetchone()[0]
        update_goal(conn, row["id"], status="changed", note=f"reworded as G{number}")
    success(f"G{row['position']} changed; the new words are G{number}")


@app.command("review")
def review(
    consumer: ConsumerArg,
    on: Annotated[str, typer.Option("--on", help="When it was reviewed (default today).")]
    = "today",
    note: NoteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a plan review with the person; the next one falls due N days later."""
    from datetime import timedelta

    from peercli.cli.render import print_json, success
    from peercli.core.plans import parse_review_day
    from peercli.store import clock
    from peercli.store.db import write
    from peercli.store.plans import record_review

    try:
        day = parse_review_day(on, clock.today())
    except ValueError as exc:
        raise PeerError(f"--on: {exc}") from None
    conn, person = _person(consumer)
    if conn.execute("SELECT 1 FROM plan_goals WHERE consumer_id = ?",
                    (person["id"],)).fetchone() is None:
        raise PeerError(f"#{person['id']} has no plan yet: add a goal first with peer plan add")
    every = _review_days(conn)
    with write(conn):
        review_id = record_review(conn, person["id"], day, note.strip() if note else None)
    next_on = (day + timedelta(days=every)).isoformat()
    if as_json:
        print_json({"id": review_id, "consumer_id": person["id"], "reviewed_on": day.isoformat(),
                    "next_review_on": next_on})
        return
    success(f"Plan review recorded for #{person['id']} {person['name']} on {day.isoformat()}; "
            f"next review {next_on}")


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_group

    add_group(root, "plan", app, help=PLAN_HELP)
