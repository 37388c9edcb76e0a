"""``peer demo``: the whole loop (import, add a person, match) on a throwaway database."""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command
from peercli.cli.render import echo


def demo(
    keep: Annotated[bool, typer.Option(
        "--keep/--no-keep", help="Keep the demo database so you can try more commands on it.")]
    = True,
    as_json: JsonOpt = False,
) -> None:
    """Run the whole loop on a throwaway database (never yours): import the sample groups, add a
    sample person, match, refer, and show what to try next."""
    import shutil
    import tempfile
    from pathlib import Path

    from peercli.cli.commands.matchview import render_matches
    from peercli.cli.render import info, print_json
    from peercli.core.contract import match_dict
    from peercli.store.demo import run_demo

    directory = Path(tempfile.mkdtemp(prefix="peer-demo-"))
    db = directory / "peer.db"
    try:
        run = run_demo(db, None if as_json else info)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    if not keep:
        shutil.rmtree(directory, ignore_errors=True)
    cid = run.consumer["id"]
    top = run.matches[0].group.id if run.matches else None
    if as_json:
        print_json({"db": str(db), "import": run.import_result, "consumer": run.consumer,
                    "matches": [match_dict(m) for m in run.matches], "top_group_id": top,
                    "kept": keep})
        return
    info(f"peer match {cid}:")
    render_matches(run.matches, f"Groups for #{cid} {run.consumer['name']}")
    if not keep:
        info(f"\nThe demo database was deleted ({db}).")
        return
    _next_steps(db, cid, top)


def _next_steps(db: object, cid: int, gid: int | None) -> None:
    import shlex

    quoted = shlex.quote(str(db))
    lines = [
        f"\nThe demo database is {db} (yours was not touched). Try next:",
        f"  peer --db {quoted} match {cid} --explain {gid}",
        f"  peer --db {quoted} refer {cid} {gid} --note \"will try next week\"",
        f"  peer --db {quoted} referral list",
        f"  peer --db {quoted} match {cid} --near-misses --format online",
        f"  peer --db {quoted} match --group {gid}",
        f"  peer --db {quoted} group list",
        "Then, for real: peer group import YOUR-DIRECTORY.csv and peer consumer add.",
    ]
    echo("\n".join(lines), err=True)


def register(root: typer.Typer) -> None:
    """Add ``demo`` to the root app."""
    add_command(root, "demo", demo)
