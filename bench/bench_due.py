"""``peer due`` and the home screen on a large caseload, as ratios against sqlite-utils.

    python bench/bench_due.py [--runs 15] [--keep DIR]

Builds 1,000 consumers with ten years of weekly-ish check-ins (about 250,000 rows, some amended,
the recent ones under sign-off and some unsigned), recovery plans with reviews, and referrals
awaiting an outcome; then times (median wall time, each a fresh process):

    peer due             vs  sqlite-utils rows DB consumers   target <= 1.2x
    peer (home screen)   vs  sqlite-utils rows DB consumers   target <= 1.2x

Exit status 1 if a target is missed.
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
from datetime import datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
NOW = datetime(2026, 11, 20, 10, 0)


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


def build_db(path: Path, people: int = 1000, years: int = 10) -> int:
    """The synthetic caseload; returns the number of check-in rows."""
    from peercli.store.db import open_db, write

    rng = random.Random(11)
    conn = open_db(path)
    start = NOW - timedelta(days=365 * years)
    stamp = start.isoformat()
    with write(conn):
        conn.executemany(
            "INSERT INTO consumers (id, name, cadence_days, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(i, f"Person {i:04d}", rng.choice((7, 14, 30)), stamp, stamp)
             for i in range(1, people + 1)])
        conn.execute("INSERT INTO groups (id, source, source_key, name, created_at, updated_at) "
                     "VALUES (1, 'bench', '1', 'Bench Group', ?, ?)", (stamp, stamp))
        rows = []
        next_id = 1
        for person in range(1, people + 1):
            day = start + timedelta(days=rng.randrange(14))
            while day < NOW:
                recent = (NOW - day).days < 30
                rows.append((next_id, person, day.isoformat(), "phone", 20, 1, rng.randint(1, 5),
                             (day + timedelta(days=7)).date().isoformat(), stamp,
                             int(recent), None if recent and rng.random() < 0.3 else stamp))
                next_id += 1
                day += timedelta(days=rng.choice((7, 14, 21)), hours=rng.randrange(8))
        conn.executemany(
            "INSERT INTO checkins (id, consumer_id, at, mode, minutes, units, mood, "
            "next_followup_on, created_at, signature_required, signed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        # Some amendments (a new version of an old check-in).
        for old in rng.sample(rows, 2000):
            conn.execute(
                "INSERT INTO checkins (consumer_id, at, mode, minutes, units, mood, created_at, "
                "amends_id, amend_reason) VALUES (?, ?, 'phone', 30, 2, 3, ?, ?, 'bench')",
                (old[1], old[2], stamp, old[0]))
        for person in range(1, people + 1, 2):
            conn.execute("INSERT INTO plan_goals (consumer_id, position, text, created_at, "
                         "updated_at) VALUES (?, 1, 'a goal', ?, ?)", (person, stamp, stamp))
            if person % 4 == 1:
                conn.execute("INSERT INTO plan_reviews (consumer_id, reviewed_on, created_at) "
                             "VALUES (?, ?, ?)",
                             (person, (NOW - timedelta(days=rng.randrange(120))).date().isoformat(),
                              stamp))
        for person in range(1, people + 1, 10):
            at = (NOW - timedelta(days=rng.randrange(30))).isoformat()
            conn.execute("INSERT INTO referrals (consumer_id, group_id, status, created_at, "
                         "updated_at) VALUES (?, 1, 'referred', ?, ?)", (person, at, at))
    conn.execute("ANALYZE")
    conn.close()
    return len(rows) + 2000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", help="build the database in DIR and leave it there")
    args = parser.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="peer-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        db = tmp / "peer.db"
        if not db.exists():
            count = build_db(db)
            print(f"built {count:,} check-in rows for 1,000 people")
        env = {**os.environ, "PEER_DB": str(db), "NO_COLOR": "1", "PEER_NOW": NOW.isoformat()}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # both tools run from cached bytecode
        peer, su = tool("peer"), tool("sqlite-utils")
        for cmd in ([peer, "due"], [su, "rows", str(db), "consumers"]):  # warm the page cache
            subprocess.run(cmd, env=env, capture_output=True, check=True)
        ref = timed([su, "rows", str(db), "consumers"], env, args.runs)
        results = [
            ("peer due", timed([peer, "due"], env, args.runs)),
            ("peer (home screen)", timed([peer], env, args.runs)),
        ]
        print(f"reference: sqlite-utils rows DB consumers {ref:.0f} ms")
        ok = True
        for name, ms in results:
            ratio = ms / ref
            good = ratio <= 1.2
            ok &= good
            print(f"{name:<20} {ms:6.0f} ms  {ratio:4.2f}x  (target <= 1.2x)  "
                  f"{'ok' if good else 'MISSED'}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
