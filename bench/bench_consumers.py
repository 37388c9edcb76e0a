"""Start-up and consumer-command speed, as ratios against sqlite-utils on the same database.

    python bench/bench_consumers.py [--runs 15]

Builds a synthetic database of 1,000 consumers in a temp dir, then times (median wall time of
several runs, each a fresh process):

    peer --help                  vs  sqlite-utils --help         target <= 150 ms and <= 0.6x
    peer consumer list --json    vs  sqlite-utils rows DB consumers   target <= 1.0x
    peer consumer show N         vs  sqlite-utils rows DB consumers   target <= 1.0x

Exit status 1 if a target is missed, so the numbers can gate a change by hand.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def build_db(path: Path, n: int) -> None:
    from peercli.core.availability import Window
    from peercli.store.consumers import ConsumerChanges, insert_consumer, record_consent
    from peercli.store.db import open_db, write

    rng = random.Random(7)
    topics = ["grief", "anxiety", "depression", "walking", "art", "alcohol-recovery", "music",
              "gardening", "parents", "veterans", "cooking", "trauma"]
    conn = open_db(path)
    with write(conn):
        for i in range(n):
            changes = ConsumerChanges(
                scalars={"name": f"Person {i:04d}", "phone": f"555-{i:04d}", "postal_code": "97401",
                         "cadence_days": 7},
                lists={"languages": ["en"], "formats": ["in_person", "online"]},
                interests=rng.sample(topics, 3),
                availability=[Window(rng.randrange(7), 17 * 60, 21 * 60)],
            )
            cid = insert_consumer(conn, changes)
            record_consent(conn, cid, ["store", "contact"], granted=True)
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="peer-bench-"))
    try:
        db = tmp / "peer.db"
        build_db(db, 1000)
        env = {**os.environ, "PEER_DB": str(db), "NO_COLOR": "1"}
        peer, su = tool("peer"), tool("sqlite-utils")
        for cmd in ([peer, "--help"], [su, "--help"]):  # warm the page cache
            subprocess.run(cmd, env=env, capture_output=True, check=True)
        ref_help = timed([su, "--help"], env, args.runs)
        ref_rows = timed([su, "rows", str(db), "consumers"], env, args.runs)
        results = [
            ("peer --help", timed([peer, "--help"], env, args.runs), ref_help, 0.6, 150.0),
            ("peer consumer list --json", timed([peer, "consumer", "list", "--json"], env, args.runs),
             ref_rows, 1.0, None),
            ("peer consumer show 500", timed([peer, "consumer", "show", "500"], env, args.runs),
             ref_rows, 1.0, None),
        ]
        print(f"reference: sqlite-utils --help {ref_help:.0f} ms; "
              f"sqlite-utils rows (1,000 consumers) {ref_rows:.0f} ms")
        ok = True
        for name, ms, ref, ratio_target, ms_target in results:
            ratio = ms / ref
            good = ratio <= ratio_target and (ms_target is None or ms <= ms_target)
            ok &= good
            target = f"<= {ratio_target}x" + (f" and <= {ms_target:.0f} ms" if ms_target else "")
            print(f"{name:<28} {ms:6.0f} ms  {ratio:4.2f}x  (target {target})  "
                  f"{'ok' if good else 'MISSED'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
