"""All output goes through here: what a command says to a person (results, "nothing is due",
what changed) on stdout; errors, warnings and progress on stderr; JSON for machines on stdout.

Rich modules are imported inside the functions so that a command which prints JSON never pays for
them. ``NO_COLOR`` is honoured by Rich itself.

Nothing from a record or a listing reaches the terminal raw: every string Rich renders (tables,
records, messages, errors) passes through ``core.safetext.terminal_safe`` first, and plain lines
go through :func:`echo`, never ``typer.echo``. JSON escapes C1 and bidi controls as ``\\uXXXX``.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

from peercli.core.wording import plural, plural_noun

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["plural", "plural_noun"]  # re-exported: every count in human output goes through them


_SAFE_CONSOLE: type[Console] | None = None
_TRAILING_SPACES = re.compile(r"[ \t]+(?=\n)")


def _safe_console_class() -> type[Console]:
    """A Rich Console that escapes control characters in every string it renders."""
    global _SAFE_CONSOLE
    if _SAFE_CONSOLE is None:
        from rich.console import Console

        from peercli.core.safetext import terminal_safe

        class SafeConsole(Console):
            def render_str(self, text: str, *args: Any, **kwargs: Any) -> Any:
                return super().render_str(terminal_safe(text), *args, **kwargs)

            def _render_buffer(self, buffer: Any) -> str:
                # a table pads every cell to its column: piped into a file, the padding at
                # the end of each line is only noise (a terminal's output stays as drawn)
                text: str = super()._render_buffer(buffer)
                if not self.is_terminal:
                    text = _TRAILING_SPACES.sub("", text)
                return text

        _SAFE_CONSOLE = SafeConsole
    return _SAFE_CONSOLE


def console() -> Console:
    return _safe_console_class()(highlight=False, soft_wrap=False)


_JSON_MODE = False


def set_json_mode(on: bool) -> None:
    """With --json, stdout holds the JSON document only: messages for people (what was done,
    "No referral made.") then go to stderr with the warnings, as docs/json.md promises."""
    global _JSON_MODE
    _JSON_MODE = on


def message_console() -> Console:
    """Stdout for a person's messages (stderr with --json); long lines are not hard-wrapped."""
    return _safe_console_class()(stderr=_JSON_MODE, highlight=False, soft_wrap=True)


def err_console() -> Console:
    return _safe_console_class()(stderr=True, highlight=False, soft_wrap=True)


def echo(text: str, *, err: bool = False) -> None:
    """A plain line (no markup), control characters escaped; tabs kept (columns for pipes)."""
    from peercli.core.safetext import terminal_safe

    stream = sys.stderr if err else sys.stdout
    stream.write("\t".join(terminal_safe(part) for part in text.split("\t")) + "\n")
    stream.flush()


def print_json(data: Any) -> None:
    """Machine output: JSON on stdout and nothing else there."""
    from peercli.core.safetext import json_safe

    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(json_safe(text) + "\n")
    sys.stdout.flush()


def error(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[bold red]Error:[/] {escape(message)}")


CANCELLED = "Cancelled — nothing was saved."


def cancelled() -> None:
    """The one line for Ctrl-C / Ctrl-D (at a prompt or during long work), on stderr."""
    sys.stderr.write(CANCELLED + "\n")
    sys.stderr.flush()


def warn(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[yellow]Note:[/] {escape(message)}")


def info(message: str) -> None:
    """A sentence for the person (a result, "No referral made."): stdout, like all human output.
    Never call it with --json (stdout then holds the JSON document only)."""
    from rich.markup import escape

    message_console().print(escape(message))


def success(message: str) -> None:
    """What a command did ("✓ Added consumer #3 Sam"): stdout. Never with --json."""
    from rich.markup import escape

    message_console().print(f"[green]✓[/] {escape(message)}")


def progress(message: str) -> None:
    """Progress (a table being written) and the context of questions being asked ("Check-in
    with #3 Sam"): stderr, so it never mixes into results."""
    from rich.markup import escape

    err_console().print(escape(message))


def table(title: str | None, columns: list[str], rows: list[list[Any]], **kwargs: Any) -> None:
    """Cells and title are plain text (never markup), control characters escaped."""
    from rich.table import Table
    from rich.text import Text

    from peercli.core.safetext import terminal_safe

    t = Table(title=None if title is None else Text(terminal_safe(title)), title_justify="left",
              **kwargs)
    for col in columns:
        t.add_column(col)
    for row in rows:
        t.add_row(*[Text("" if v is None else terminal_safe(str(v))) for v in row])
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


def print_lines(parts: list[tuple[str, str]]) -> None:
    """Many lines in one write: each part is (text, style); a style ending in "join" continues
    the previous line. Styled on a terminal; plain text (no Rich at all) when piped."""
    from peercli.core.safetext import terminal_safe

    if sys.stdout.isatty():
        from rich.text import Text

        text = Text()
        for i, (chunk, style) in enumerate(parts):
            if i and not style.endswith("join"):
                text.append("\n")
            text.append(terminal_safe(chunk), style=style.removesuffix("join").strip() or None)
        console().print(text)
        return

    out: list[str] = []
    for i, (chunk, style) in enumerate(parts):
        if i and not style.endswith("join"):
            out.append("\n")
        out.append(terminal_safe(chunk))
    sys.stdout.write("".join(out) + "\n")
    sys.stdout.flush()
