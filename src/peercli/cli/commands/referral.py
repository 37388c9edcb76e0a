"""``peer referral``: list, show and update referrals; every status change is kept with its time
and note (the closed loop: referred -> attended -> continuing, or declined / no_show / closed)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_group
from peercli.cli.render import echo, plural
from peercli.core.errors import PeerError
from peercli.core.scores import score_text
from peercli.core.vocab import REFERRAL_STATUSES

app = typer.Typer(no_args_is_help=True)


def _status(text: str, flag: str) -> str:
    from peercli.core.referrals import parse_status

    try:
        return parse_status(text)
    except ValueError as exc:
        raise PeerError(f"{flag}: {exc}") from None


def _referral_id(text: str) -> int:
    from peercli.core.ids import parse_id

    return parse_id(text, "referral", ", see peer referral list")


def _age(stamp: str) -> str:
    from datetime import datetime

    from peercli.store.clock import now

    days = (now() - datetime.fromisoformat(stamp)).days
    return "today" if days <= 0 else f"{plural(days, 'day')} ago"


@app.command("list")
def list_(
    consumer: Annotated[str | None, typer.Argument(
        help="Only this consumer (id or name prefix).", show_default=False)] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help=f"Only this status: {', '.join(REFERRAL_STATUSES)}.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List referrals, most recently changed first, with the time since each."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, table
    from peercli.store.lookup import resolve
    from peercli.store.referrals import list_referrals

    wanted = _status(status, "--status") if status is not None else None
    conn = runtime.conn()
    consumer_id = resolve(conn, "consumer", consumer)["id"] if consumer is not None else None
    records = list_referrals(conn, consumer_id=consumer_id, status=wanted)
    if as_json:
        print_json(records)
        return
    if not records:
        echo("No referrals yet. Make one with: peer match NAME (then pick), or "
                   "peer refer NAME GROUP")
        return
    table(None, ["#", "Consumer", "Group", "Status", "Score", "Last change"],
          [[r["id"], f"#{r['consumer_id']} {r['consumer_name']}",
            f"#{r['group_id']} {r['group_name']}", r["status"],
            score_text(r["score"]), _age(r["updated_at"])]
           for r in records])


def _show(record: dict[str, Any]) -> None:
    from rich.markup import escape

    from peercli.cli.render import console

    out = console()
    out.print(f"[bold]Referral #{record['id']}[/]: #{record['consumer_id']} "
              f"{escape(record['consumer_name'])} → #{record['group_id']} "
              f"{escape(record['group_name'])}")
    score = "" if record["score"] is None else f" (score {score_text(record['score'])} when referred)"
    out.print(f"  status  {record['status']}{score}")
    if record["consent_override_reason"]:
        out.print(f"  [yellow]referred without share consent:[/] "
                  f"{escape(record['consent_override_reason'])}")
    if record["reasons"]:
        out.print("  why")
        for reason in record["reasons"]:
            out.print(f"    · {escape(reason)}")
    out.print("  history")
    for e in record["events"]:
        note = f" — {escape(e['note'])}" if e["note"] else ""
        out.print(f"    {e['at'].replace('T', ' ')}  {e['status']}{note}")


@app.command("show")
def show(
    referral: Annotated[str, typer.Argument(help="Referral id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one referral: who, where, why, and every status change.

    Each change with its time and note."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.referrals import referral_dict

    referral_id = _referral_id(referral)
    record = referral_dict(runtime.conn(), referral_id)
    if record is None:
        raise PeerError(f"no referral with id {referral_id} (see peer referral list)")
    if as_json:
        print_json(record)
    else:
        _show(record)


@app.command("update")
def update(
    referral: Annotated[str, typer.Argument(help="Referral id.")],
    status: Annotated[str, typer.Argument(
        help=f"New status: {', '.join(REFERRAL_STATUSES)}.")],
    note: Annotated[str | None, typer.Option("--note", help="What happened (kept in the history).")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Record what happened with a referral: a new status, with a note.

    The same status again just adds the note."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.store.db import write
    from peercli.store.referrals import referral_dict, set_status

    referral_id = _referral_id(referral)
    new_status = _status(status, "STATUS")
    text = note.strip() if note and note.strip() else None
    conn = runtime.conn()
    before = referral_dict(conn, referral_id)
    if before is None:
        raise PeerError(f"no referral with id {referral_id} (see peer referral list)")
    if new_status == before["status"] and text is None:
        raise PeerError(f"referral #{referral_id} is already {new_status}; add --note to record "
                        "something without changing the status")
    with write(conn):
        set_status(conn, referral_id, new_status, text)
    record = referral_dict(conn, referral_id)
    assert record is not None
    if as_json:
        print_json(record)
    elif new_status == before["status"]:
        success(f"Referral #{referral_id}: note added (still {new_status}).")
    else:
        success(f"Referral #{referral_id}: {before['status']} → {new_status}"
                + (" (note added)." if text else ""))


def register(root: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    add_group(root, "referral", app, help="Follow referrals through: list, show, update.")
