"""All output goes through here: Rich for people on stdout, messages on stderr, JSON for machines.

Rich modules are imported inside the functions so that a command which prints JSON never pays for
them. ``NO_COLOR`` is honoured by Rich itself.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """Machine output: JSON on stdout and nothing else there."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def error(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[bold red]Error:[/] {escape(message)}")


def warn(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[yellow]Note:[/] {escape(message)}")


def info(message: str) -> None:
    """Progress and confirmations for people go to stderr so stdout stays clean for pipes."""
    from rich.markup import escape

    err_console().print(escape(message))


def success(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[green]✓[/] {escape(message)}")


def table(title: str | None, columns: list[str], rows: list[list[Any]], **kwargs: Any) -> None:
    from rich.table import Table

    t = Table(title=title, title_justify="left", **kwargs)
    for col in columns:
        t.add_column(col)
    for row in rows:
        t.add_row(*["" if v is None else str(v) for v in row])
    console().print(t)


def sparkline(values: list[float], lo: float, hi: float) -> str:
    """A one-line trend (▁▂▃▄▅▆▇█) of values on a fixed scale, so two people's lines compare."""
    bars = "▁▂▃▄▅▆▇█"
    if not values:
        return ""
    span = (hi - lo) or 1
    return "".join(bars[min(7, max(0, round((v - lo) / span * 7)))] for v in values)


def field(out: Console, label: str, value: object, *, width: int = 14) -> None:
    """One "label  value" line of a record; a long value wraps under itself, not under the label."""
    if value in (None, "", []):
        return
    from rich.markup import escape
    from rich.table import Table

    grid = Table.grid(padding=(0, 0))
    grid.add_column(width=width + 2, no_wrap=True)
    grid.add_column()
    grid.add_row(f"  [dim]{label}[/]", escape(str(value)))
    out.print(grid)
