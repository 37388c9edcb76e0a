"""What the benches share: a child environment that runs from cached bytecode, timing as both
wall and CPU time (median of several fresh processes), and the machine's load average, which
every figure is printed with (wall times on a machine busy with other work are not comparable;
CPU time is disturbed far less, and ratios against a reference timed in the same run least).
"""

from __future__ import annotations

import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A console script installed next to this Python (else on PATH)."""
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment for a timed child, without what would distort it: no PEER_* settings
    of the user's, and bytecode caching on (PYTHONDONTWRITEBYTECODE would make every peer run
    recompile its modules, which an installed peer never does)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PEER_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"NO_COLOR": "1", "PEER_NO_INPUT": "1"})
    env.update(extra or {})
    return env


def precompile() -> None:
    """Write peer's bytecode once, as pip does when it installs a wheel (an editable install
    otherwise compiles on first use, or every time under PYTHONDONTWRITEBYTECODE)."""
    import peercli

    compileall.compile_dir(str(Path(peercli.__file__).parent), quiet=1)


def load() -> str:
    """The load average now, e.g. "load 0.31 0.52 0.60 on 2 cores"."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


@dataclass(frozen=True)
class Timing:
    wall_ms: float
    cpu_ms: float  # the child's user + system time

    def __str__(self) -> str:
        return f"{self.wall_ms:7.0f} ms wall {self.cpu_ms:6.0f} ms cpu"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(cmd: list[str], env: Mapping[str, str], runs: int, *, warm: bool = True) -> Timing:
    """Median wall and CPU milliseconds of `runs` fresh processes (after one warm-up run that
    fills the page cache and proves the command works)."""
    if warm:
        subprocess.run(cmd, env=dict(env), check=True, capture_output=True)
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(cmd, env=dict(env), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((_children_cpu() - cpu) * 1000)
    return Timing(statistics.median(walls), statistics.median(cpus))
