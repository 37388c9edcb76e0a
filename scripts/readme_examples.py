"""Regenerate the example output in README.md and docs/*.md from the real commands, and the
README's command table from the commands' own help.

Every ```console block whose first line starts with `$ ` is a script: its commands run in order
and the output under each command is replaced with what the command really printed (stdout and
stderr, as a terminal shows them). Each command runs in this process, as a fresh `peer` would,
on an 80-column terminal without colour, with the clock fixed at Saturday 2026-11-21 10:00
(`PEER_NOW`), in a scratch folder holding a copy of `data/` and of `docs/examples/` (so
`peer group import data/groups.sample.csv` and `cat docs/examples/county.csv`-style files named
plainly, `county.csv`, both work, and files a command writes land there, never in the repository).

Blocks run one after another in the same database, file by file (in FILES order), so a later
block can build on an earlier one. A block preceded by `<!-- example: fresh -->` starts from an
empty database and a new scratch folder. A block may be indented (inside a list item).

A command line may continue with a trailing backslash; a trailing `# comment` is kept in the
text and ignored when running. Besides `peer ...`, a line may be `cat FILE` (a file in the
scratch folder) or start with `PEER_NOW=2026-11-09T09:00 peer ...` to run one command at another
moment (how the docs build a history that is weeks old on the fixed date).

The README's command table sits between `<!-- commands: ... -->` and `<!-- /commands -->`: one row
per command, with its usage, the one-line summary of its help, and the first example its help
shows (from `peercli.cli.helptext.EXAMPLES`).

    python scripts/readme_examples.py           # rewrite the files
    python scripts/readme_examples.py --check   # exit 1 and show a diff if anything is stale

tests/test_readme_examples.py runs --check, so the examples cannot drift.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# README first, then the docs in this order (a block builds on the blocks before it unless it
# is marked fresh; every doc's first block is).
FILES = [ROOT / "README.md", *(ROOT / "docs" / name for name in (
    "notes-and-plans.md", "consumers.md", "followup.md", "groups.md", "matching.md",
    "stewardship.md"))]
NOW = "2026-11-21T10:00"
BLOCK = re.compile(r"^(?P<marker>[ \t]*<!-- example: fresh -->\n)?(?P<indent>[ \t]*)```console\n"
                   r"(?P<body>.*?)^(?P=indent)```", re.DOTALL | re.MULTILINE)
TABLE = re.compile(r"(<!-- commands: .*?-->\n).*?(<!-- /commands -->)", re.DOTALL)
ALLOWED_ENV = {"PEER_NOW"}


def commands_of(body: str) -> list[str]:
    """The command texts of a block, each with its continuation lines, as written."""
    commands: list[str] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("$ "):
            text = [lines[i]]
            while text[-1].rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                text.append(lines[i])
            commands.append("\n".join(text))
        i += 1
    return commands


def run(command: str, env: dict[str, str], folder: Path) -> str:
    """Run one `$ ...` line in this process (as a fresh `peer` would run: the database is
    opened anew and no key is kept) and return what a terminal would show."""
    argv = shlex.split(command[2:].replace("\\\n", " "), comments=True)
    extra: dict[str, str] = {}
    while argv and re.match(r"^[A-Z_]+=", argv[0]):
        name, _, value = argv.pop(0).partition("=")
        if name not in ALLOWED_ENV:
            raise SystemExit(f"only {', '.join(sorted(ALLOWED_ENV))} may be set: {command!r}")
        extra[name] = value
    if argv and argv[0] == "cat" and not extra:
        return "\n".join(_read_scratch_file(folder, name) for name in argv[1:])
    if not argv or argv[0] != "peer":
        raise SystemExit(f"only peer (or cat) commands can run in an example: {command!r}")
    from typer.testing import CliRunner

    from peercli.cli.app import app
    from peercli.store import keys

    keys._SESSION.clear()
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PEER_")}
    result = CliRunner().invoke(app, argv[1:], prog_name="peer",
                                env={**unset, **env, **extra}, terminal_width=80)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise SystemExit(f"{command!r} raised {result.exception!r}")
    output = result.output.replace(str(folder.resolve()), "~").replace(str(folder), "~")
    return "\n".join(line.rstrip() for line in output.rstrip("\n").splitlines())


def _read_scratch_file(folder: Path, name: str) -> str:
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents:
        raise SystemExit(f"cat reads only files in the scratch folder: {name!r}")
    return path.read_text(encoding="utf-8").rstrip("\n")


def environment(home: Path) -> dict[str, str]:
    """The per-block settings: a database and home of its own, the clock fixed."""
    return {"PEER_DB": str(home / ".local" / "share" / "peer" / "peer.db"), "PEER_NOW": NOW,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".data-home"),
            "XDG_CONFIG_HOME": str(home / ".config")}


def new_home(scratch: Path) -> Path:
    """A scratch folder for a fresh block: copies of data/ and of docs/examples/."""
    home = Path(tempfile.mkdtemp(dir=scratch))
    shutil.copytree(ROOT / "data", home / "data")
    examples = ROOT / "docs" / "examples"
    if examples.is_dir():
        shutil.copytree(examples, home, dirs_exist_ok=True)
    return home


def pin_terminal() -> None:
    """What every example shares: an 80-column terminal without colour, one time zone. Set
    once, before peer reads any of it."""
    import time

    os.environ.update(COLUMNS="80", LINES="24", NO_COLOR="1", TERM="dumb",
                      TZ="America/Los_Angeles")
    time.tzset()


def regenerate(text: str, state: dict[str, Path]) -> str:
    def replace(match: re.Match[str]) -> str:
        indent = match["indent"]
        body = "".join(line.removeprefix(indent)
                       for line in match["body"].splitlines(keepends=True))
        if not body.startswith("$ "):
            return match.group(0)
        if match["marker"] or "home" not in state:
            state["home"] = new_home(state["scratch"])
        env = environment(state["home"])
        os.chdir(state["home"])
        try:
            parts = []
            for command in commands_of(body):
                output = run(command, env, state["home"])
                parts.append(command + ("\n" + output if output else ""))
        finally:
            os.chdir(ROOT)
        lines = ("```console\n" + "\n\n".join(parts) + "\n```").splitlines()
        return (match["marker"] or "") + "\n".join(
            (indent + line) if line else line for line in lines)

    return BLOCK.sub(replace, text)


def command_table() -> str:
    """The README's command table, from the commands themselves: each command's usage, the
    one-line summary of its help, and the first example its help shows."""
    from peercli.cli.app import COMMANDS, load_command
    from peercli.cli.helptext import EXAMPLES, summary, usage_pieces

    rows = ["| Command | What it does | Example |", "|---|---|---|"]

    def add(path: str, command: Any) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                add(f"{path} {name}", sub)
            return
        usage = " ".join(["peer", path, *(p for p in usage_pieces(command, None)
                                          if p != "[OPTIONS]")])
        example = re.sub(r"\\\n\s*", "", EXAMPLES[path][0])
        cells = [f"`{usage}`", summary(command.help), f"`{example}`"]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")

    for name in COMMANDS:
        add(name, load_command(name))
    return "\n".join(rows) + "\n"


# A database file's size in bytes changes with every migration and SQLite build; the check
# ignores the number (the regenerated text still shows the real one).
VOLATILE = re.compile(r"\(\d[\d,]* bytes")


def _steady(text: str) -> str:
    return VOLATILE.sub("(N bytes", text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    pin_terminal()
    scratch = Path(tempfile.mkdtemp(prefix="peer-examples-"))
    state = {"scratch": scratch}
    stale = []
    try:
        for path in FILES:
            old = path.read_text(encoding="utf-8")
            new = regenerate(old, state)
            if path.name == "README.md":
                new = TABLE.sub(lambda m: m[1] + command_table() + m[2], new)
            if new == old or (check and _steady(new) == _steady(old)):
                continue
            if check:
                stale.append(path)
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(keepends=True), new.splitlines(keepends=True),
                    str(path.relative_to(ROOT)), f"{path.relative_to(ROOT)} (regenerated)"))
            else:
                path.write_text(new, encoding="utf-8")
                print(f"updated {path.relative_to(ROOT)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if stale:
        print("\nexamples are stale: run `python scripts/readme_examples.py` and commit the result",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
