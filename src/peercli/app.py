"""The ``peer`` command: global options, sub-command registration, and the one place errors render.

Command modules import only Typer at module level; each command imports what it needs when it
runs, so ``peer --help`` and tab completion stay fast.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import PeerError


class PeerGroup(TyperGroup):
    """Turns PeerError (and foreseeable database errors) into a red line on stderr and exit 1."""

    def invoke(self, ctx: Any) -> Any:
        from . import runtime

        try:
            return super().invoke(ctx)
        except PeerError as exc:
            from .render import error

            error(exc.message)
            raise typer.Exit(1) from None
        except sqlite3.Error as exc:
            from .render import error
            from .store import database_error

            error(database_error(exc, runtime.RUNTIME.db_path).message)
            raise typer.Exit(1) from None
        finally:
            runtime.RUNTIME.close()


app = typer.Typer(
    cls=PeerGroup,
    name="peer",
    help="peer: connect the people you support with peer support groups, and follow up.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"peer {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="PEER_DB", help="Database file to use (default: your private data dir).",
                     show_envvar=True),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", envvar="PEER_NO_INPUT",
                     help="Never prompt; fail naming the missing flag instead.", show_envvar=True),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """peer: connect the people you support with peer support groups, and follow up."""
    from . import runtime

    runtime.reset(db, no_input)
    if ctx.invoked_subcommand is None:
        from .commands.home import show_home

        show_home()


# Each command module exposes register(app); the order here is the order in --help.
COMMAND_MODULES = (
    "consumer", "consumer_data", "group", "match", "referral", "checkin", "report", "db", "home",
)


def _register() -> None:
    from importlib import import_module

    for name in COMMAND_MODULES:
        import_module(f".commands.{name}", __package__).register(app)


_register()


def main() -> None:
    app(prog_name="peer")


if __name__ == "__main__":  # pragma: no cover
    main()
