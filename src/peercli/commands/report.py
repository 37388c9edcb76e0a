"""Commands for 'report' (placeholder: filled in by the issue that owns it)."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    """Add this module's commands to the root app."""
