"""``peer consumer export`` (one person's complete record) and ``peer consumer forget`` (erasure).

``commands/consumer.py`` lists them in its ``peer consumer`` sub-app (this module registers
nothing itself).
"""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.cli.options import ForceOpt, JsonOpt, YesOpt
from peercli.core.wording import plural


def export(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file (private, 0600) instead of stdout.")] = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Print everything stored about one person as JSON.

    Profile, interests, availability, consent history, check-ins (with amendments), referrals
    with their history, attendance. -o FILE writes it to a private (0600) file instead."""
    import json
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.render import print_json, success, warn
    from peercli.store.export import consumer_record
    from peercli.store.files import atomic_output, check_output_target
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    if output not in (None, "-"):
        check_output_target(Path(output).expanduser(), force=force)
    record = consumer_record(conn, row["id"])
    if output is None or output == "-":
        print_json(record)
        return
    path = Path(output).expanduser()
    with atomic_output(path, force=force) as f:
        f.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    success(f"Wrote the record of consumer #{row['id']} to {path}")
    warn("the file is plaintext (private, 0600), even from an encrypted database; delete it "
         "when done")


def forget(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person completely, for good.

    Every record of theirs goes, and the freed space on disk, so the database files no longer
    contain them. Leaves an audit line with the id only. On a terminal it asks you to type
    their name (or id) first; elsewhere it needs --yes."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success, warn
    from peercli.store.erasure import forget_consumer
    from peercli.store.lookup import resolve

    conn = runtime.conn()
    row = resolve(conn, "consumer", consumer)
    from peercli.cli.confirm import typed_or_stop

    typed_or_stop([f"Erasing #{row['id']} {row['name']} removes every record of theirs for good.",
                   "It cannot be undone (older backups still hold them)."],
                  name=row["name"], record_id=row["id"], yes=yes, as_json=as_json,
                  refusal="erasing needs confirmation: add --yes (not prompting)")
    result = forget_consumer(conn, row["id"])
    from peercli.store.backup import copies_holding

    copies = copies_holding(runtime.RUNTIME.db_path, result.consumer_id)
    if as_json:
        print_json({"consumer_id": result.consumer_id, "deleted": result.deleted,
                    "wal_cleared": result.wal_cleared,
                    "copies_still_holding": [str(p) for p in copies]})
    else:
        total = sum(result.deleted.values())
        success(f"Erased consumer #{result.consumer_id} ({plural(total, 'record')})")
        if copies:
            warn(f"{plural(len(copies), 'file')} peer made still hold this person (delete them, or keep "
                 "them as safely as the database): " + ", ".join(str(p) for p in copies))
        warn("exports, and backups kept elsewhere, still contain this person; delete or "
             "re-make them")
    if not result.wal_cleared:
        warn("another peer process kept the write-ahead log open, so erased pages may remain in "
             "it until the next erase or backup; close other peer windows and run "
             "'peer db check'")

