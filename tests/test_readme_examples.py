"""The README's and the docs' examples are real output: regenerating them from the commands
changes nothing, and no example escapes the check."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("readme_examples",
                                                  ROOT / "scripts" / "readme_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


readme_examples = _load_script()


def test_readme_examples_are_the_real_output():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme_examples.py"),
                           "--check"], check=False, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr


def test_the_examples_cover_the_daily_loop():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("$ peer group import", "$ peer consumer add", "$ peer match", "$ peer refer",
                    "$ peer checkin", "$ peer due", "$ peer timeline", "$ peer report"):
        assert command in readme, command


def test_every_example_in_the_docs_is_checked():
    """A block showing `$ peer ...` is either a console block in a file the script regenerates,
    or says it is illustrative (```text, for output that depends on the machine)."""
    fence = re.compile(r"^([ \t]*)```(\w*)\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
    unchecked = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for block in fence.finditer(text):
            shows_peer = re.search(r"^\s*\$ peer", block[3], re.MULTILINE)
            if not shows_peer or block[2] == "text":
                continue
            if block[2] != "console" or path not in readme_examples.FILES:
                line = text[:block.start()].count("\n") + 1
                unchecked.append(f"{path.relative_to(ROOT)}:{line}")
    assert unchecked == []


def test_the_command_table_lists_every_command():
    table = readme_examples.command_table()
    from peercli.cli.helptext import EXAMPLES

    leaves = {path for path in EXAMPLES if path and f"`peer {path}" in table}
    for path in EXAMPLES:
        if path in ("", "consumer", "group", "referral", "checkin", "notes", "plan", "consent",
                    "db", "config"):
            continue
        assert path in leaves, path
