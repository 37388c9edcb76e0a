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
import subprocess
import sys
import tempfile
from pathlib import Path

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
    argv = shlex.split(command[2:].replace("\\\n", " "), comments=True)
    if not argv or argv[0] != "peer":
        raise SystemExit(f"only peer commands can run in an example: {command!r}")
    proc = subprocess.run([sys.executable, "-m", "peercli", *argv[1:]], check=False, cwd=ROOT,
                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    return "\n".join(line.rstrip() for line in proc.stdout.rstrip("\n").splitlines())


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEER_")}
    env.update(PEER_DB=str(home / "data" / "peer.db"), PEER_NOW=NOW, COLUMNS="80", LINES="24",
               NO_COLOR="1", TERM="dumb", HOME=str(home), XDG_DATA_HOME=str(home / "data-home"),
               XDG_CONFIG_HOME=str(home / "config"), TZ="America/Los_Angeles")
    return env


def regenerate(text: str, state: dict[str, Path]) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match["body"]
        if not body.startswith("$ peer"):
            return match.group(0)
        if match["marker"]:
            state["home"] = Path(tempfile.mkdtemp(prefix="peer-example-"))
        env = environment(state["home"])
        parts = []
        for command in commands_of(body):
            output = run(command, env)
            parts.append(command + ("\n" + output if output else ""))
        return (match["marker"] or "") + "```console\n" + "\n\n".join(parts) + "\n```"

    return BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    state = {"home": Path(tempfile.mkdtemp(prefix="peer-example-"))}
    stale = []
    for path in FILES:
        old = path.read_text(encoding="utf-8")
        new = regenerate(old, state)
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
    if stale:
        print("\nexamples are stale: run `python scripts/readme_examples.py` and commit the result",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
