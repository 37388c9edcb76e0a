"""Options shared by many commands, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON on stdout (and nothing else there).")
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking.")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Replace an existing output file (never through a symbolic link).")]
