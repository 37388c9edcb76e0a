"""The README's examples are real output: regenerating them from the commands changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
