"""``peer config``: the programme's settings, kept in the database (your name and credential on
signed notes, service codes, late-documentation and plan-review periods, the consent policy)."""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.cli.options import JsonOpt
from peercli.core.errors import PeerError

CONFIG_HELP = ("Settings: your name, credential, service codes, periods, policy.\n\n"
               "Your name and credential are stamped on the notes you sign; also the service "
               "codes, the late-note and plan-review periods and the consent policy. "
               "'peer config' alone shows every setting.")
app = typer.Typer(no_args_is_help=False, help=CONFIG_HELP)


def _show(as_json: bool) -> None:
    from peercli.cli import runtime
    from peercli.cli.render import console, print_json
    from peercli.core.settings import SETTINGS
    from peercli.store.settings import current_settings, stored_settings

    conn = runtime.conn()
    values = current_settings(conn)
    stored = stored_settings(conn)
    if as_json:
        print_json({key: {"value": values[key], "set": key in stored,
                          "default": SETTINGS[key].default} for key in SETTINGS})
        return
    from rich.markup import escape

    out = console()
    for key, setting in SETTINGS.items():
        value = values[key]
        shown = escape(value) if value is not None else "[dim](not set)[/]"
        origin = "" if key in stored or value is None else " [dim](default)[/]"
        out.print(f"  {key:<19} {shown}{origin}")
        out.print(f"  {'':<19} [dim]{escape(setting.help)}[/]")


@app.callback(invoke_without_command=True)
def config(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show every setting, with its default when not set."""
    if ctx.invoked_subcommand is None:
        _show(as_json)


@app.command("show")
def show(as_json: JsonOpt = False) -> None:
    """Show every setting, with its default when not set."""
    _show(as_json)


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="Setting name (see peer config).")],
    value: Annotated[str, typer.Argument(help="Its value.")],
    as_json: JsonOpt = False,
) -> None:
    """Set one setting (peer config lists them)."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success
    from peercli.core.settings import parse_setting
    from peercli.store.db import write
    from peercli.store.settings import set_setting

    try:
        name, parsed = parse_setting(key, value)
    except ValueError as exc:
        raise PeerError(f"{key}: {exc}") from None
    conn = runtime.conn()
    with write(conn):
        set_setting(conn, name, parsed)
    if as_json:
        print_json({"key": name, "value": parsed})
        return
    success(f"{name} = {parsed}")


@app.command("unset")
def unset(key: Annotated[str, typer.Argument(help="Setting name.")]) -> None:
    """Remove a setting (back to its default)."""
    from peercli.cli import runtime
    from peercli.cli.render import info, success
    from peercli.core.settings import SETTINGS
    from peercli.store.db import write
    from peercli.store.settings import unset_setting

    name = key.strip().lower().replace("_", "-")
    if name not in SETTINGS:
        raise PeerError(f"unknown setting '{key}' (known: {', '.join(SETTINGS)})")
    conn = runtime.conn()
    with write(conn):
        removed = unset_setting(conn, name)
    if removed:
        success(f"{name} unset (default: {SETTINGS[name].default or 'none'})")
    else:
        info(f"{name} was not set")


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_group

    add_group(root, "config", app, help=CONFIG_HELP)
