"""Regenerate the example output in README.md from the real commands.

Every ```console block whose first line starts with `$ peer` is a script: its commands run in
order, in a fresh throwaway database with the clock fixed at Saturday 2026-11-21 10:00 and an
80-column terminal without colour, from the repository root, and the output under each command is
replaced with what the command really printed (stdout and stderr, as a terminal shows them).
Blocks run one after another in the same database, file by file, so a later block can build on an
earlier one. A block preceded by `<!-- example: fresh -->` starts from an empty database.

    python scripts/readme_examples.py           # rewrite the files
    python scripts/readme_examples.py --check   # exit 1 and show a diff if any example is stale

A command line may continue with a trailing backslash; a trailing `# comment` is kept in the text
and ignored when running. tests/test_readme_examples.py runs --check, so the examples cannot drift.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", ROOT / "docs" / "notes-and-plans.md"]
NOW = "2026-11-21T10:00"
BLOCK = re.compile(r"(?P<marker><!-- example: fresh -->\n)?```console\n(?P<body>.*?)```", re.DOTALL)


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


def run(command: str, env: dict[str, str]) -> str:
    """Run one `$ peer ...` line in this process (as a fresh `peer` would run: the database is
    opened anew and no key is kept) and return what a terminal would show."""
    from typer.testing import CliRunner

    from peercli.cli.app import app
    from peercli.store import keys

    argv = shlex.split(command[2:].replace("\\\n", " "), comments=True)
    if not argv or argv[0] != "peer":
        raise SystemExit(f"only peer commands can run in an example: {command!r}")
    keys._SESSION.clear()
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PEER_")}
    result = CliRunner().invoke(app, argv[1:], prog_name="peer", env={**unset, **env},
                                terminal_width=80)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise SystemExit(f"{command!r} raised {result.exception!r}")
    return "\n".join(line.rstrip() for line in result.output.rstrip("\n").splitlines())


def environment(home: Path) -> dict[str, str]:
    """The per-block settings: a database and home of its own, the clock fixed."""
    return {"PEER_DB": str(home / "data" / "peer.db"), "PEER_NOW": NOW, "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data-home"), "XDG_CONFIG_HOME": str(home / "config")}


def pin_terminal() -> None:
    """What every example shares: an 80-column terminal without colour, one time zone, run
    from the repository root. Set once, before peer reads any of it."""
    import time

    os.environ.update(COLUMNS="80", LINES="24", NO_COLOR="1", TERM="dumb",
                      TZ="America/Los_Angeles")
    time.tzset()
    os.chdir(ROOT)


def regenerate(text: str, state: dict[str, Path]) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match["body"]
        if not body.startswith("$ peer"):
            return match.group(0)
        if match["marker"]:
            state["home"] = Path(tempfile.mkdtemp(dir=state["scratch"]))
        env = environment(state["home"])
        parts = []
        for command in commands_of(body):
            output = run(command, env)
            parts.append(command + ("\n" + output if output else ""))
        return (match["marker"] or "") + "```console\n" + "\n\n".join(parts) + "\n```"

    return BLOCK.sub(replace, text)


def command_table() -> str:
    """The README's command table, from the commands themselves: each command's usage, the
    one-line summary of its help, and the first example its help shows."""
    from peercli.cli.app import COMMANDS, load_command
    from peercli.cli.helptext import EXAMPLES, argument_name, summary

    rows = ["| Command | What it does | Example |", "|---|---|---|"]

    def add(path: str, command: Any) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                add(f"{path} {name}", sub)
            return
        args = [argument_name(p) if p.required else f"[{argument_name(p)}]"
                for p in command.params if p.param_type_name == "argument"]
        args = [a + ("..." if p.nargs != 1 else "") for a, p in zip(
            args, [p for p in command.params if p.param_type_name == "argument"], strict=True)]
        usage = " ".join(["peer", path, *args])
        example = re.sub(r"\\\n\s*", "", EXAMPLES[path][0])
        cells = [f"`{usage}`", summary(command.help), f"`{example}`"]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")

    for name in COMMANDS:
        add(name, load_command(name))
    return "\n".join(rows) + "\n"


TABLE = re.compile(r"(<!-- commands: .*?-->\n).*?(<!-- /commands -->)", re.DOTALL)


def main(argv: list[str]) -> int:
    import shutil

    check = "--check" in argv
    pin_terminal()
    scratch = Path(tempfile.mkdtemp(prefix="peer-examples-"))
    state = {"scratch": scratch, "home": Path(tempfile.mkdtemp(dir=scratch))}
    stale = []
    try:
        for path in FILES:
            old = path.read_text(encoding="utf-8")
            new = regenerate(old, state)
            if path.name == "README.md":
                new = TABLE.sub(lambda m: m[1] + command_table() + m[2], new)
            if new == old:
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
