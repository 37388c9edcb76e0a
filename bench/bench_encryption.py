"""What encryption at rest costs: the same commands on a plain and on an encrypted database.

    python bench/bench_encryption.py [--runs 9] [--rows 100000] [--skip-import]

Builds the same synthetic database (1,000 consumers) twice in a temp dir, plain and encrypted
with SQLCipher, and times (median of several runs, each a fresh process, wall and CPU time, the
machine's load average printed with them):

    peer consumer list --json, peer consumer show 500, peer due       target <= 1.3x plain
    peer group import of a 100,000-row native CSV into a new database  target <= 1.5x plain

The encrypted database is opened the way everyday use opens it, with the key from the OS
keyring. Here that keyring is a fake kept in files (``fake_keyring.py``; the user's own keyring
is never touched), reached two ways:

- "keyring": how a desktop with no keyring backend chosen for the ``keyring`` library reads it,
  through the system's tool (a fake ``secret-tool`` with libsecret's command-line contract on
  PATH) — the everyday path, gated;
- "library": with PYTHON_KEYRING_BACKEND naming a backend, through the ``keyring`` library
  (importing it costs about as much as the rest of a command) — shown, not gated.

Also shown, not gated: a raw key in PEER_KEY_FILE, and PEER_PASSPHRASE (which derives the key from
the passphrase on every command: PBKDF2, 256,000 iterations, by design slow).

The ratio compares CPU time by default (a machine busy with other work disturbs wall time far
more than CPU time); --wall compares wall time. Exit status 1 if a target is missed. Needs
``pip install -e ".[encryption]"``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import Timing, child_env, load, precompile, run_timed, tool

EVERYDAY_TARGET = 1.3
IMPORT_TARGET = 1.5
KEY = "x'" + "4b" * 32 + "'"
PASSPHRASE = "correct horse battery staple"


def build(path: Path, env: dict[str, str]) -> None:
    """bench_consumers' database, created under ``env`` (a key there: encrypted)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from bench_consumers import build_db

        build_db(path, 1000)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _ms(t: Timing, clock: str) -> float:
    return t.cpu_ms if clock == "cpu" else t.wall_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--wall", action="store_true", help="compare wall time, not CPU time")
    args = parser.parse_args()
    clock = "wall" if args.wall else "cpu"

    from peercli.store import cipher, keys

    if not cipher.available():
        sys.exit("SQLCipher is not installed: pip install -e '.[encryption]'")
    precompile()
    tmp = Path(tempfile.mkdtemp(prefix="peer-bench-enc-"))
    try:
        key_file = tmp / "raw.key"
        key_file.write_text(KEY + "\n")
        key_file.chmod(0o600)
        ring = tmp / "keyring"
        base = child_env({"XDG_CONFIG_HOME": str(tmp / "config"),  # no keyringrc.cfg of yours
                          "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                          "BENCH_KEYRING_DIR": str(ring)})
        plain_db, enc_db = tmp / "plain" / "peer.db", tmp / "enc" / "peer.db"
        build(plain_db, base)
        build(enc_db, {**base, "PEER_KEY_FILE": str(key_file)})
        assert cipher.file_kind(plain_db) == "plain" and cipher.file_kind(enc_db) == "other"

        os.environ["BENCH_KEYRING_DIR"] = str(ring)
        import fake_keyring

        raw = keys.Secret(KEY).raw_key()
        assert raw is not None
        fake_keyring.store(keys.KEYRING_SERVICE, str(enc_db.resolve()), raw.pragma_value())
        fake_keyring.write_secret_tool(tmp / "bin")
        tool_env = {k: v for k, v in base.items() if k != "PYTHON_KEYRING_BACKEND"}
        tool_env.update({"PEER_DB": str(enc_db),
                         "PATH": str(tmp / "bin") + os.pathsep + base.get("PATH", "")})
        library_env = {**base, "PEER_DB": str(enc_db),
                       "PYTHON_KEYRING_BACKEND": "fake_keyring.FileKeyring",
                       "PYTHONPATH": str(HERE) + os.pathsep + base.get("PYTHONPATH", "")}
        modes: dict[str, dict[str, str]] = {
            "plain": {**base, "PEER_DB": str(plain_db)},
            "keyring": tool_env,
            "library": library_env,
            "key file": {**base, "PEER_DB": str(enc_db), "PEER_KEY_FILE": str(key_file)},
        }
        peer = tool("peer")
        commands = [["consumer", "list", "--json"], ["consumer", "show", "500"], ["due"]]
        ok = True
        print(f"({clock} time, median of {args.runs} runs; {load()})")
        print(f"{'command':<26} {'plain':>7} {'keyring':>8} {'ratio':>6} {'library':>8} "
              f"{'ratio':>6} {'key file':>8} {'ratio':>6}")
        for cmd in commands:
            ms = {mode: _ms(run_timed([peer, *cmd], env, args.runs), clock)
                  for mode, env in modes.items()}
            ratio = {mode: ms[mode] / ms["plain"] for mode in modes}
            good = ratio["keyring"] <= EVERYDAY_TARGET
            ok &= good
            print(f"{'peer ' + ' '.join(cmd):<26} {ms['plain']:5.0f}ms {ms['keyring']:6.0f}ms "
                  f"{ratio['keyring']:5.2f}x {ms['library']:6.0f}ms {ratio['library']:5.2f}x "
                  f"{ms['key file']:6.0f}ms {ratio['key file']:5.2f}x "
                  f"{'ok' if good else 'MISSED'} (target <= {EVERYDAY_TARGET}x)")
        print(f"({load()})")
        # passphrase: a key derivation per command (informational)
        pass_db = tmp / "pass" / "peer.db"
        pass_env = {**base, "PEER_DB": str(pass_db), "PEER_PASSPHRASE": PASSPHRASE}
        pass_ms = _ms(run_timed([peer, "consumer", "list", "--json"], pass_env,
                                max(3, args.runs // 3)), clock)
        empty_ms = _ms(run_timed([peer, "consumer", "list", "--json"],
                                 {**base, "PEER_DB": str(tmp / "empty" / "peer.db")},
                                 max(3, args.runs // 3)), clock)
        print(f"(PEER_PASSPHRASE, empty database: {pass_ms:.0f} ms vs {empty_ms:.0f} ms plain: "
              "the passphrase is derived into the key on every command; the keyring avoids it)")

        if not args.skip_import:
            from gen_groups_csv import write_csv

            csv_path = tmp / "groups.csv"
            write_csv(args.rows, csv_path, 7)
            times: dict[str, float] = {}
            for mode, extra in (("plain", {}), ("encrypted", {"PEER_KEY_FILE": str(key_file)})):
                env = {**base, **extra, "PEER_DB": str(tmp / f"import-{mode}" / "peer.db")}
                times[mode] = _ms(run_timed([peer, "group", "import", str(csv_path)], env, 1,
                                            warm=False), clock) / 1000
            ratio_import = times["encrypted"] / times["plain"]
            good = ratio_import <= IMPORT_TARGET
            ok &= good
            print(f"peer group import ({args.rows:,} rows): plain {times['plain']:.2f}s, "
                  f"encrypted {times['encrypted']:.2f}s, {ratio_import:.2f}x "
                  f"{'ok' if good else 'MISSED'} (target <= {IMPORT_TARGET}x; {load()})")
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
