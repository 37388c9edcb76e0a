"""Time ``peer group import`` of a synthetic 100,000-row native CSV against
``sqlite-utils insert <db> groups <file> --csv`` of the same file, in the same run.

Usage: python bench/bench_import.py [--rows 100000] [--seed 7] [--keep DIR]

All run as child processes (the installed ``peer`` and ``sqlite-utils`` console scripts next to
this Python, from cached bytecode), each into a fresh database. Prints both times (wall and
CPU) with the load average, the ratio of wall times (target <= 1.0x) and the peak resident
memory of the peer process (target <= 200 MB), measured with
``resource.getrusage(RUSAGE_CHILDREN)`` right after peer exits (before sqlite-utils runs).
Exits 1 if a target is missed. (The encrypted import is in ``bench_encryption.py``.)
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import child_env, load, precompile
from gen_groups_csv import write_csv

RATIO_TARGET = 1.0
MEMORY_TARGET_MB = 200


def _script(name: str) -> str:
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if not found:
        sys.exit(f"cannot find the '{name}' console script; install the project first")
    return found


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(args, check=False, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, _cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="peer-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = work / "groups.csv"
        t0 = time.perf_counter()
        write_csv(args.rows, csv_path, args.seed)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size_mb:.1f} MB) in "
              f"{time.perf_counter() - t0:.1f}s")

        env = child_env({"PEER_DB": str(work / "peer.db")})
        precompile()
        print(f"({load()})")
        peer_s, peer_cpu = _run([_script("peer"), "group", "import", str(csv_path)], env)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if sys.platform == "darwin":  # bytes there, kilobytes on Linux
            peak_mb /= 1024
        ref_s, ref_cpu = _run([_script("sqlite-utils"), "insert", str(work / "ref.db"),
                               "groups", str(csv_path), "--csv"], env)
        # sqlite-utils 4 detects column types by default; also time the plain-text insert.
        text_s, text_cpu = _run([_script("sqlite-utils"), "insert", str(work / "ref-text.db"),
                                 "groups", str(csv_path), "--csv", "--no-detect-types"], env)
        ratio = peer_s / ref_s
        print(f"peer group import:         {peer_s:6.2f}s wall {peer_cpu:6.2f}s cpu  "
              f"(peak memory {peak_mb:.0f} MB)")
        print(f"sqlite-utils insert --csv: {ref_s:6.2f}s wall {ref_cpu:6.2f}s cpu")
        print(f"  (with --no-detect-types: {text_s:6.2f}s wall {text_cpu:6.2f}s cpu; peer is "
              f"{peer_s / text_s:.2f}x that)")
        print(f"ratio: {ratio:.2f}x wall, {peer_cpu / ref_cpu:.2f}x cpu (target <= "
              f"{RATIO_TARGET}x); memory target <= {MEMORY_TARGET_MB} MB  ({load()})")
        ok = ratio <= RATIO_TARGET and peak_mb <= MEMORY_TARGET_MB
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
