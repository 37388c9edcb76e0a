"""The ``peer`` command: global options, sub-command registration, and the one place errors render.

Command modules import only Typer at module level; each command imports what it needs when it
runs, so ``peer --help`` and tab completion stay fast.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

import typer
import typer.exceptions
from typer.core import TyperGroup

from peercli import __version__
from peercli.core.errors import PeerError


class PeerGroup(TyperGroup):
    """The root group: commands load lazily from COMMANDS, and PeerError (and foreseeable
    database errors) become a red line on stderr and exit 1, in this one place; Ctrl-C / Ctrl-D
    become "Cancelled — nothing was saved." and exit 130."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from peercli.cli.helptext import format_help

        format_help(self, ctx, formatter,
                    commands=[(name, help_line) for name, (_, help_line) in COMMANDS.items()])

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from peercli.cli.render import set_json_mode

        words = list(args)
        set_json_mode("--json" in (words[:words.index("--")] if "--" in words else words))
        return super().parse_args(ctx, hoist_global_options(self, ctx, words))

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:  # Ctrl-C while the command line is read: the same one line
            from peercli.cli.render import cancelled

            cancelled()
            raise typer.Exit(130) from None

    def invoke(self, ctx: Any) -> Any:
        from peercli.cli import runtime
        from peercli.store.lookup import choosing

        try:
            with choosing(runtime.choose_record):  # an ambiguous name: a pick list at a terminal
                return super().invoke(ctx)
        except PeerError as exc:
            from peercli.cli.render import error

            error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.Error as exc:
            from peercli.cli.render import error
            from peercli.store.db import database_error

            error(database_error(exc, runtime.RUNTIME.db_path).message)
            raise typer.Exit(1) from None
        except (typer.exceptions.TyperException, typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C / Ctrl-D at a prompt, or Ctrl-C during long work
            from peercli.cli.render import cancelled

            cancelled()  # every write was one transaction, rolled back on the way out
            raise typer.Exit(130) from None
        except OSError as exc:  # a file or folder peer could not read or write
            from peercli.cli.render import error

            where = f" {exc.filename}" if exc.filename else ""
            error(f"cannot use{where}: {exc.strerror or exc}. Check the path and its permissions.")
            raise typer.Exit(1) from None
        except Exception as exc:  # the last line of "no traceback, ever" (issue 12)
            import os

            if os.environ.get("PEER_DEBUG"):
                raise
            from peercli.cli.render import error

            # The type only: an exception's text may quote record contents.
            error(f"unexpected problem ({type(exc).__name__}); the command stopped and its "
                  "database changes were rolled back. Run with PEER_DEBUG=1 to see details.")
            raise typer.Exit(1) from None
        finally:
            runtime.RUNTIME.close()


# Options of `peer` itself that may also come after the command (`peer group show X --db f`):
# name -> whether it takes a value.
GLOBAL_OPTIONS = {"--db": True, "--no-input": False}


def hoist_global_options(root: Any, ctx: Any, args: list[str]) -> list[str]:
    """``args`` with the global options found after the command moved in front of it, where
    the root group reads them. The walk follows the command's own options, so a value that
    merely looks like one (``--note --db``) stays the value it is; nothing after ``--`` moves."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name = args[i].split("=", 1)[0]
        i += 2 if GLOBAL_OPTIONS.get(name) and "=" not in args[i] else 1
    head, rest = args[:i], args[i:]
    if not rest or rest[0] == "--":
        return args
    command: Any = root.get_command(ctx, rest[0])
    if command is None:
        return args
    moved: list[str] = []
    kept = [rest[0]]
    j = 1
    while j < len(rest):
        token = rest[j]
        if token == "--":
            kept.extend(rest[j:])
            break
        name = token.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and not _has_option(command, name):
            takes_value = GLOBAL_OPTIONS[name] and "=" not in token
            if takes_value and j + 1 >= len(rest):
                from peercli.cli.render import error

                error(f"{name} needs a value, e.g. {name} ~/peer.db")
                raise typer.Exit(2)
            moved.extend(rest[j:j + 2] if takes_value else [token])
            j += 2 if takes_value else 1
            continue
        sub = getattr(command, "commands", {}).get(token) if not token.startswith("-") else None
        if sub is not None:
            command = sub
        kept.append(token)
        if _takes_value(command, token) and j + 1 < len(rest):
            kept.append(rest[j + 1])
            j += 2
        else:
            j += 1
    return head + moved + kept if moved else args


def _has_option(command: Any, name: str) -> bool:
    return any(name in getattr(p, "opts", ()) for p in getattr(command, "params", ()))


def _takes_value(command: Any, token: str) -> bool:
    """Whether ``token`` is an option of ``command`` whose value is the next argument."""
    if not token.startswith("-") or "=" in token:
        return False
    for param in getattr(command, "params", ()):
        if token in getattr(param, "opts", ()) or token in getattr(param, "secondary_opts", ()):
            return not getattr(param, "is_flag", False) and not getattr(param, "count", False)
    return False


app = typer.Typer(
    cls=PeerGroup,
    name="peer",
    help=("Connect the people you support with peer support groups, and follow up.\n\n"
          "Run peer alone for today's home screen (who is due, what to try next), and peer demo "
          "to see the whole loop on sample data. Every command has --help, with examples."),
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
        typer.Option("--db", envvar="PEER_DB", show_envvar=True,
                     help="Database file to use (default: your private data dir); before or "
                          "after the command."),
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
    """Connect the people you support with peer support groups, and follow up.

    Run peer alone for today's home screen (who is due, what to try next), and peer demo to
    see the whole loop on sample data. Every command has --help, with examples."""
    from peercli.cli import runtime

    runtime.reset(db, no_input)
    if ctx.invoked_subcommand is None:
        from peercli.cli.commands.home import show_home

        show_home()


# Top-level commands: name -> (command modules whose register(root) defines it, help line).
# The help line is the command's own one-line summary (tests/test_help.py keeps them equal).
# Modules are imported and turned into click commands only when their command runs, so
# `peer --help` and every single command pay for nothing else. The order is the --help order.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "consumer": (("consumer",), "Record the people you support."),
    "group": (("group",), "Import, browse and edit the directory of groups."),
    "match": (("match",), "Rank the groups that fit a person, with reasons and next meetings."),
    "refer": (("match",), "Refer a person to one or more groups, each as a tracked referral."),
    "referral": (("referral",), "Follow referrals through: list, show, update."),
    "checkin": (("checkin",), "Log a contact and when to follow up; amend or show a saved one."),
    "due": (("due",), "Who needs a follow-up: overdue and due today, most overdue first."),
    "timeline": (("timeline",), "One person's story so far, with the mood trend."),
    "notes": (("notes",), "Service notes: print a month for review, sign, list unsigned ones."),
    "plan": (("plan",), "The recovery plan: goals in the person's words, steps, reviews."),
    "consent": (("consent",), "Releases of information, per recipient and purpose."),
    "handout": (("handout",),
                "Make the person's handout: printable HTML and .ics, or --sms text."),
    "report": (("report",), "The month's numbers: contacts, minutes, units, people, referrals."),
    "calendar": (("report",),
                 "Write a person's referred groups as an .ics calendar for a phone."),
    "export": (("report",), "Export every table as CSV and JSON."),
    "db": (("db",), "Where the data lives: backups, restore, health check, encryption."),
    "config": (("config",), "Settings: your name, credential, service codes, periods, policy."),
    "topics": (("home",), "Print the interest vocabulary: one topic per line."),
    "demo": (("demo",), "Try the daily loop on sample data, in a throwaway database."),
}
_BUILT: dict[str, Any] = {}


def load_command(name: str) -> Any:
    """The click command for a top-level name, built once per process from its modules."""
    if name not in _BUILT:
        from importlib import import_module

        import typer.main

        holder = typer.Typer(add_completion=False)
        holder.callback()(lambda: None)  # a callback makes Typer build a group, always
        for module in COMMANDS[name][0]:
            import_module(f".commands.{module}", __package__).register(holder)
        from peercli.cli.helptext import use_peer_help

        group = typer.main.get_command(holder)
        for cmd_name, cmd in group.commands.items():  # type: ignore[attr-defined]
            _BUILT.setdefault(cmd_name, use_peer_help(cmd))
    return _BUILT[name]


def main() -> None:
    app(prog_name="peer")


if __name__ == "__main__":  # pragma: no cover
    main()
