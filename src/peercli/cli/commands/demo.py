"""``peer demo``: the daily loop, run for real on a throwaway database.

Each step is the real command, run in this process against a database in a new private
temporary folder (never the user's: ``--db``, ``PEER_DB`` and any encryption key are set aside
while it runs), under a one-line heading saying what a specialist would type. Between the check-in
and ``peer due`` the county moves the group Sam was referred to, and ``peer group refresh``
brings in the change, so ``peer due`` shows the alert. The folder is removed at the end unless
``--keep``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command
from peercli.cli.render import echo
from peercli.core.errors import PeerError

SAMPLE_FILE = "groups.sample.csv"
# The referred group's listing, before and after the county moves it (see _move_the_group).
MOVED_FROM = "Tuesdays 6:30-8pm"
MOVED_TO = "Wednesdays 6:30-8pm"


@dataclass(frozen=True)
class Step:
    """One command of the loop: what it is for, and the words a specialist would type."""

    title: str
    argv: tuple[str, ...]

    @property
    def command_line(self) -> str:
        return "peer " + " ".join(_shell_word(word) for word in self.argv)

    def as_typed(self, width: int) -> str:
        """`$ peer ...` as a specialist would type it, continued with a backslash onto the next
        line (indented) where it would pass the terminal's edge."""
        lines = ["$ peer"]
        for word in map(_shell_word, self.argv):
            if len(lines[-1]) + 1 + len(word) > width - 2:
                lines[-1] += " \\"
                lines.append("    " + word)
            else:
                lines[-1] += " " + word
        return "\n".join(lines)


def _shell_word(word: str) -> str:
    """A word quoted for a POSIX shell, in double quotes where that is safe (as people write)."""
    import re
    import shlex

    if re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    if not re.search(r'["$`\\!]', word):
        return f'"{word}"'
    return shlex.quote(word)


STEPS = (
    Step("Import the county's group directory", ("group", "import", SAMPLE_FILE)),
    Step("Add a person you support", (
        "consumer", "add", "Sam Rivera", "--interests", "bereavement, walking",
        "--available", "Tue evening, weekend mornings", "--formats", "in_person",
        "--languages", "en", "--consent", "all", "--postal-code", "97401",
        "--goal", "make friends")),
    Step("Find groups that fit", ("match", "Sam")),
    Step("Refer", ("refer", "Sam", "Tuesday Grief Circle", "--note", "will try Tuesday")),
    Step("Log the call", (
        "checkin", "Sam", "--mode", "phone", "--minutes", "25", "--mood", "3",
        "--note", "Nervous about going", "--next", "next tuesday")),
    Step("The county moves the group to Wednesdays; refresh the directory",
         ("group", "refresh")),
    Step("Who to call this week", ("due", "--days", "7")),
    Step("Sam's story so far", ("timeline", "Sam")),
    Step("The month's numbers", ("report",)),
)


def demo(
    keep: Annotated[bool, typer.Option(
        "--keep", help="Keep the demo database and print where it is, to try more commands on.")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """Try the daily loop on sample data, in a throwaway database.

    Imports the bundled sample directory, adds a person, matches, refers, logs a check-in,
    refreshes the directory after a referred group moves (the alert shows in peer due), then
    the timeline and the month's report. Each step is the real command, under a one-line
    heading, shown as you would type it. The database is deleted at the end unless --keep."""
    import shutil
    import tempfile

    width = min(shutil.get_terminal_size().columns, 100)
    folder = Path(tempfile.mkdtemp(prefix="peer-demo-"))
    db = folder / "peer.db"
    outputs: list[dict[str, Any]] = []
    try:
        _copy_sample(folder / SAMPLE_FILE)
        with _demo_runtime(db), _in_folder(folder):
            for number, step in enumerate(STEPS, 1):
                if step.argv[:2] == ("group", "refresh"):
                    _move_the_group(folder / SAMPLE_FILE)
                if as_json:
                    outputs.append({"title": step.title, "command": step.command_line,
                                    "output": _run_for_json(step)})
                else:
                    echo(f"\n── {number}/{len(STEPS)} {step.title}\n{step.as_typed(width)}")
                    _run(step)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        from peercli.cli.render import print_json

        print_json({"db": str(db), "kept": keep, "steps": outputs})
        return
    import shlex

    if keep:
        echo(f"\nThe demo database is kept at {db} (yours was not touched). Try more on it:\n"
             f"  peer --db {shlex.quote(str(db))} match Sam --near-misses\n"
             f"  peer --db {shlex.quote(str(db))} referral list")
    else:
        echo("\nThe demo database was deleted (yours was not touched; --keep keeps it). "
             "For real: peer group import YOUR-DIRECTORY.csv, then peer consumer add.")


def _copy_sample(target: Path) -> None:
    """The packaged sample directory, copied private (0600) into the demo folder."""
    import os
    from importlib.resources import files

    data = files("peercli").joinpath("data", SAMPLE_FILE).read_bytes()
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)


def _move_the_group(path: Path) -> None:
    """The county's next listing: the group Sam was referred to meets on Wednesdays now."""
    text = path.read_text(encoding="utf-8")
    if MOVED_FROM not in text:
        raise PeerError(f"the demo's sample file no longer lists '{MOVED_FROM}'")
    path.write_text(text.replace(MOVED_FROM, MOVED_TO, 1), encoding="utf-8")


@contextmanager
def _demo_runtime(db: Path) -> Iterator[None]:
    """Point every step at the demo database, with no prompts and no encryption key (the
    user's key is never read for the demo), and put things back afterwards."""
    import os

    from peercli.cli import runtime

    saved_runtime = (runtime.RUNTIME.db, runtime.RUNTIME.no_input)
    saved_env = {name: os.environ.pop(name) for name in ("PEER_KEY_FILE", "PEER_PASSPHRASE")
                 if name in os.environ}
    runtime.reset(str(db), True)
    try:
        yield
    finally:
        runtime.reset(*saved_runtime)
        os.environ.update(saved_env)


@contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    """Run the steps from the demo folder, so the import names the sample file plainly."""
    import os

    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _run(step: Step) -> None:
    """Run one step's real command in this process; a step that fails stops the demo."""
    import sys

    from peercli.cli import runtime
    from peercli.cli.app import load_command

    command = load_command(step.argv[0])
    try:
        code = command.main(list(step.argv[1:]), prog_name=f"peer {step.argv[0]}",
                            standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    finally:
        runtime.RUNTIME.close()
        sys.stdout.flush()
        sys.stderr.flush()
    if code not in (0, None):
        raise PeerError(f"the demo stopped: `{step.command_line}` exited with {code}")


def _run_for_json(step: Step) -> Any:
    """The step's --json output, parsed (its messages for people are dropped)."""
    import io
    import json
    from contextlib import redirect_stderr, redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        _run(Step(step.title, (*step.argv, "--json")))
    return json.loads(out.getvalue())


def register(root: typer.Typer) -> None:
    """Add ``demo`` to the root app."""
    add_command(root, "demo", demo)
