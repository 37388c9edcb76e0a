"""``peer db``: where the data lives (and, later, backup, restore and check)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("path")
def path() -> None:
    """Print the path of the database in use (--db, then PEER_DB, then the data directory)."""
    from ..runtime import RUNTIME

    typer.echo(str(RUNTIME.db_path))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="db", help="Where the data lives, backups, and its health.")
