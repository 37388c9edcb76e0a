"""Options shared by many commands, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.core.errors import UsageError

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON on stdout (and nothing else there).")
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking.")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Replace an existing output file (never through a symbolic link).")]


def refuse_together(*given: tuple[str, bool]) -> None:
    """Flags that contradict each other are a usage error (exit 2): one line naming both.
    ``given`` is (flag as the person typed it, whether it was given) for each flag."""
    named = [flag for flag, present in given if present]
    if len(named) > 1:
        raise UsageError(f"{named[0]} and {named[1]} contradict each other; give only one")
