"""Time `peer match X --json` with 10,000 and 100,000 groups, and `peer match --group G` over
1,000 consumers, end to end (a subprocess of the installed `peer`), against references run in
the same session: `python -c pass` (interpreter start) and `sqlite-utils rows DB groups --limit
10` (a minimal CLI over the same database).

Run:  python bench/bench_match.py [--runs 7] [--sizes 10000,100000] [--keep DIR]
Targets on the reference 2-core machine: <= 300 ms with 10,000 groups, <= 500 ms with 100,000.
On that machine `sqlite-utils rows` took about 137 ms, so the targets are judged as ratios to it
in the same run (a busy or slower machine slows both): <= 2.2x with 10,000 groups, <= 3.6x with
100,000. Without sqlite-utils the absolute targets are used.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import child_env, load, precompile, run_timed

# 300 ms and 500 ms over the ~137 ms that `sqlite-utils rows` took on the reference machine
REFERENCE_RATIO = {10_000: 2.2, 100_000: 3.6}

TOPICS = [
    "grief", "anxiety", "depression", "bipolar", "alcohol-recovery", "drug-recovery", "trauma",
    "family-members", "parenting", "lgbtq", "veterans", "chronic-pain", "hearing-voices",
    "walking", "art", "gardening", "cooking", "music", "games", "faith", "loneliness",
    "ocd", "eating-disorders", "psychosis", "self-harm", "gambling", "smoking", "caregivers",
    "young-adults", "older-adults",
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
POSTAL = [f"974{n:02d}" for n in range(30)]
PEER = shutil.which("peer", path=str(Path(sys.executable).parent)) or shutil.which("peer")
SQLITE_UTILS = (shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
                or shutil.which("sqlite-utils"))


def build(path: Path, n_groups: int, n_consumers: int, seed: int = 7) -> None:
    """A synthetic database, written with direct SQL inserts (schema from peer itself)."""
    from peercli.store.db import open_db

    rng = random.Random(seed)
    conn = open_db(path)
    stamp = "2026-11-01T09:00:00"
    conn.execute("BEGIN")
    groups, topics, meetings = [], [], []
    for gid in range(1, n_groups + 1):
        fmt = rng.choices(["in_person", "online", "hybrid"], [60, 25, 15])[0]
        lat = 44.05 + rng.uniform(-0.3, 0.3) if fmt != "online" else None
        lon = -123.09 + rng.uniform(-0.3, 0.3) if fmt != "online" else None
        groups.append((
            gid, "bench", f"g{gid}", f"Group {gid}", fmt,
            json.dumps(rng.choices([[], ["en"], ["es"], ["en", "es"]], [60, 30, 5, 5])[0]),
            json.dumps(rng.sample(["wheelchair", "step-free", "asl"], rng.randint(0, 2))),
            json.dumps(rng.choices([[], ["women"], ["veterans"]], [90, 5, 5])[0]),
            rng.choice(["peer-led", "professional", "mutual-aid", None]),
            rng.choice([1, 0, None]), "active" if rng.random() < 0.95 else "inactive",
            rng.choice(["2026-03-01", "2024-01-15", None]), lat, lon, rng.choice(POSTAL),
            stamp, stamp,
        ))
        for topic in rng.sample(TOPICS, rng.randint(1, 3)):
            topics.append((gid, topic))
        for _ in range(rng.choice([1, 1, 1, 2])):
            day = rng.randrange(7)
            start = rng.randrange(8 * 60, 21 * 60, 15)
            end = min(1440, start + rng.choice([60, 90, 120]))
            if rng.random() < 0.1:
                freq, byday = "MONTHLY", [f"{rng.randint(1, 4)}{DAYS[day]}"]
            else:
                freq, byday = "WEEKLY", [DAYS[day]]
            meetings.append((gid, freq, 1, json.dumps(byday), 1 << day, start, end))
    conn.executemany(
        "INSERT INTO groups (id, source, source_key, name, format, languages, accessibility, "
        "audience, facilitation, open_to_newcomers, status, last_verified, latitude, longitude, "
        "postal_code, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", groups)
    conn.executemany("INSERT INTO group_topics (group_id, topic) VALUES (?, ?)", topics)
    conn.executemany(
        "INSERT INTO meetings (group_id, freq, interval, byday, day_mask, start_minute, "
        "end_minute) VALUES (?,?,?,?,?,?,?)", meetings)
    consumers, interests, windows, consents = [], [], [], []
    for cid in range(1, n_consumers + 1):
        consumers.append((
            cid, f"Person {cid}",
            json.dumps(rng.choice([["in_person"], ["online"], ["in_person", "online"]])),
            json.dumps(["en"]), rng.choice(POSTAL), rng.choice([None, "make friends"]),
            stamp, stamp,
        ))
        for topic in rng.sample(TOPICS, rng.randint(1, 3)):
            interests.append((cid, topic))
        for day in rng.sample(range(7), rng.randint(1, 3)):
            start = rng.choice([9 * 60, 12 * 60, 17 * 60])
            windows.append((cid, day, start, start + 4 * 60))
        consents.append((cid, "share", 1, stamp))
    # The consumer every timing uses: Tuesday evenings and Saturday mornings, grief and anxiety.
    consumers[0] = (1, "Bench Person", json.dumps(["in_person", "online"]), json.dumps(["en"]),
                    "97401", "make friends", stamp, stamp)
    interests = [i for i in interests if i[0] != 1] + [(1, "grief"), (1, "anxiety")]
    windows = [w for w in windows if w[0] != 1] + [(1, 1, 17 * 60, 21 * 60),
                                                   (1, 5, 8 * 60, 12 * 60)]
    conn.executemany(
        "INSERT INTO consumers (id, name, formats, languages, postal_code, goals, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?,?)", consumers)
    conn.executemany("INSERT INTO consumer_interests (consumer_id, topic) VALUES (?, ?)",
                     interests)
    conn.executemany("INSERT INTO consumer_availability (consumer_id, day, start_minute, "
                     "end_minute) VALUES (?,?,?,?)", windows)
    conn.executemany("INSERT INTO consents (consumer_id, kind, granted, at) VALUES (?,?,?,?)",
                     consents)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--consumers", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="Build the databases here.")
    args = parser.parse_args()
    if not PEER:
        sys.exit("the 'peer' command is not installed (pip install -e .)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="peer-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = child_env({"PEER_NOW": "2026-11-21T10:00"})
    precompile()
    ok = True
    try:
        base = run_timed([sys.executable, "-c", "pass"], env, args.runs)
        print(f"{'python -c pass':<48}{base}   ({load()})")
        for size in (int(s) for s in args.sizes.split(",")):
            db = work / f"match-{size}.db"
            if not db.exists():
                t0 = time.perf_counter()
                build(db, size, args.consumers)
                print(f"built {db.name}: {size:,} groups, {args.consumers:,} consumers "
                      f"in {time.perf_counter() - t0:.1f} s")
            peer = [PEER, "--db", str(db)]
            target = 300 if size <= 10_000 else 500
            target_ratio = REFERENCE_RATIO[10_000 if size <= 10_000 else 100_000]
            print(f"-- {size:,} groups (target for peer match: <= {target} ms on the reference "
                  f"machine, <= {target_ratio}x sqlite-utils here)   ({load()})")
            ref = run_timed([SQLITE_UTILS, "rows", str(db), "groups", "--limit", "10"], env,
                            args.runs) if SQLITE_UTILS else None
            rows = [
                ("peer match 1 --json", [*peer, "match", "1", "--json"]),
                ("peer match 1 --json --near-misses",
                 [*peer, "match", "1", "--json", "--near-misses"]),
                ("peer match --group 1 --json (1,000 consumers)",
                 [*peer, "match", "--group", "1", "--json"]),
            ]
            if ref is not None:
                print(f"  {'sqlite-utils rows groups --limit 10':<46}{ref}")
            for i, (label, cmd) in enumerate(rows):
                t = run_timed(cmd, env, args.runs)
                ratio = f"  {t.wall_ms / ref.wall_ms:5.2f}x sqlite-utils" if ref else ""
                verdict = ""
                if i == 0:
                    good = (t.wall_ms / ref.wall_ms <= target_ratio if ref
                            else t.wall_ms <= target)
                    ok &= good
                    verdict = "  ok" if good else "  MISSED"
                print(f"  {label:<46}{t}{ratio}{verdict}")
            print(f"   ({load()})")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
