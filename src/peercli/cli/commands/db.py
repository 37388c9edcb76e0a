"""``peer db``: where the data lives, backups, restore, and a health check."""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.cli.options import JsonOpt, YesOpt
from peercli.cli.registry import add_group
from peercli.cli.render import echo

app = typer.Typer(no_args_is_help=True)


@app.command("path")
def path() -> None:
    """Print the path of the database in use (--db, then PEER_DB, then the data directory)."""
    from peercli.cli.runtime import RUNTIME

    echo(str(RUNTIME.db_path))


@app.command("backup")
def backup(
    file: Annotated[str | None, typer.Argument(
        help="Backup file to create (default: <data dir>/backups/peer-YYYYMMDD-HHMMSS.db).",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy the database with SQLite's backup API (safe while peer runs), private (0600),
    and verify the copy with an integrity check."""
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.store.backup import backup_database, backup_stamp, default_backup_path
    from peercli.store.clock import now

    db_path = runtime.RUNTIME.db_path
    dest = Path(file).expanduser() if file else default_backup_path(
        db_path, backup_stamp(now()))
    written = backup_database(runtime.conn(), dest, unique=file is None)
    size = written.stat().st_size
    if as_json:
        print_json({"path": str(written), "bytes": size, "integrity": "ok"})
    else:
        success(f"Backed up to {written} ({size:,} bytes, integrity ok)")


@app.command("restore")
def restore(
    file: Annotated[str, typer.Argument(help="The backup file to restore.")],
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup. The backup is checked first (SQLite, intact, a peer
    database this peer can read); the current file is kept as peer.db.before-restore-<stamp>."""
    from pathlib import Path

    from peercli.cli import runtime
    from peercli.cli.render import print_json, success, warn
    from peercli.core.errors import PeerError
    from peercli.store.backup import backup_stamp, restore_database
    from peercli.store.clock import now

    db_path = runtime.RUNTIME.db_path
    src = Path(file).expanduser()
    if not yes:
        if not runtime.can_prompt():
            raise PeerError("restoring replaces the database: add --yes (not prompting)")
        from peercli.cli.prompts import confirm

        if not confirm(f"Replace {db_path} with {src}? (the current file is kept aside)"):
            raise PeerError("not restored")
    runtime.RUNTIME.close()  # nothing of ours may hold the file while it is swapped
    result = restore_database(db_path, src, backup_stamp(now()))
    runtime.conn()  # open it the usual way: pragmas, and migrations if the backup is older
    data = {"path": str(db_path), "restored_from": str(result.restored_from),
            "schema_version": result.schema_version,
            "previous": str(result.set_aside) if result.set_aside else None}
    if as_json:
        print_json(data)
        return
    success(f"Restored {db_path} from {src}")
    if result.set_aside:
        warn(f"the previous database is kept at {result.set_aside}")


@app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Check the database: integrity, foreign keys, schema version, file permissions, SQLite
    version, journal mode. Exit 1 if anything is wrong."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.backup import health_checks

    db_path = runtime.RUNTIME.db_path
    checks = health_checks(db_path)
    ok = all(c.ok for c in checks)
    if as_json:
        print_json({"ok": ok, "path": str(db_path),
                    "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks]})
    else:
        from rich.markup import escape

        from peercli.cli.render import console

        out = console()
        out.print(f"[bold]{escape(str(db_path))}[/]")
        for c in checks:
            mark = "[green]ok[/]  " if c.ok else "[red]FAIL[/]"
            out.print(f"  {mark} {escape(c.name):<28} {escape(c.detail)}")
        if not ok:
            from peercli.cli.render import error

            error("the database has problems (see above)")
    if not ok:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    add_group(root, "db", app, help="Where the data lives, backups, and its health.")
