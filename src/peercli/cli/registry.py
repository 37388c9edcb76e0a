"""Adding commands to a Typer app by name, idempotently.

Every command module has ``register(root)``, which adds its commands with these helpers, so
registering a module twice (tests do; a long-lived process might) never duplicates a command,
and registering never changes any other module's app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer


def add_command(app: typer.Typer, name: str, function: Callable[..., Any]) -> None:
    """``app.command(name)(function)``, unless ``app`` already has a command called ``name``."""
    if any(info.name == name for info in app.registered_commands):
        return
    app.command(name)(function)


def add_group(app: typer.Typer, name: str, sub: typer.Typer, help: str) -> None:
    """``app.add_typer(sub, name=name)``, unless ``app`` already has a sub-command ``name``."""
    if any(info.name == name for info in app.registered_groups):
        return
    app.add_typer(sub, name=name, help=help)
