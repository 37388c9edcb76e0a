"""Drive peer's interactive flows in a real terminal (tmux) and print each screen.

Not run in CI: a person reads the screens. Usage (from the repository, with the venv active):

    python tests/manual/tmux_prompts.py               # every flow at 80x24 and 120x40
    python tests/manual/tmux_prompts.py checkin 80x24 # one flow, one size

Each flow runs in a throwaway database under a temporary folder; nothing else is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PEER = shutil.which("peer") or "peer"
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "peercli" / "data" / "groups.sample.csv"
ENTER, DOWN, UP, SPACE, TAB = "Enter", "Down", "Up", "Space", "Tab"
CTRL_C, CTRL_D = "C-c", "C-d"


class Screen:
    """One tmux session of a given size running a shell in the flow's folder."""

    def __init__(self, size: str, env: dict[str, str]) -> None:
        self.cols, self.rows = (int(n) for n in size.split("x"))
        self.name = f"peer-manual-{os.getpid()}"
        exports = " ".join(f"{k}={v!s}" for k, v in env.items())
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(self.cols),
                        "-y", str(self.rows), f"env {exports} PS1='$ ' bash --norc --noprofile"],
                       check=True)
        time.sleep(0.3)

    def type(self, *keys: str, pause: float = 0.35) -> None:
        for key in keys:
            literal = key not in (ENTER, DOWN, UP, SPACE, TAB, CTRL_C, CTRL_D, "BSpace", "C-u")
            subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []),
                            key], check=True)
            time.sleep(pause)

    def run(self, command: str) -> None:
        self.type(command, ENTER, pause=2.0)  # python starts, the first prompt draws

    def show(self, title: str) -> None:
        shot = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              check=True, capture_output=True, text=True).stdout
        print(f"----- {title} ({self.cols}x{self.rows}) " + "-" * 30)
        print(shot.rstrip())

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False)


def seed(env: dict[str, str]) -> None:
    """A database with groups, two people whose names start alike, a referral, a plan goal."""
    def peer(*args: str) -> None:
        subprocess.run([PEER, *args], env={**os.environ, **env, "PEER_NO_INPUT": "1"},
                       check=True, capture_output=True)

    peer("group", "import", str(SAMPLE), "--source", "sample")
    full = ("--interests", "grief, walking", "--available", "Tue evening; Sat morning",
            "--formats", "in_person,online", "--languages", "en", "--consent", "all")
    peer("consumer", "add", "Jo Park", *full, "--postal-code", "02139")
    peer("consumer", "add", "Joanna Smith", *full)
    peer("consumer", "add", "Sam Rivera", *full)
    peer("refer", "Sam", "1")
    peer("checkin", "Jo Park", "--mode", "phone", "--minutes", "10")
    peer("plan", "add", "Sam", "Go to one group a week")
    peer("db", "backup", env["BACKUP"])
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "20")


def intake(s: Screen) -> None:
    s.run(f"{PEER} consumer add")
    s.type("Riley Park", ENTER, "555-0142", ENTER, ENTER)
    s.type("C-u", "Spanish, English", ENTER)
    s.type("dep", TAB)
    s.show("intake: Tab completes in the person's language")
    s.type(", duel", TAB, ENTER, "Tue evening", ENTER, DOWN, SPACE, ENTER)
    s.type(ENTER, "2w", ENTER, DOWN, SPACE, ENTER, pause=0.8)
    s.show("intake: done")
    time.sleep(2)
    s.run(f"{PEER} consumer add 'Jo Park' --interests art --available Mon --formats online "
          "--languages en --consent store")
    s.show("same name: asks")
    s.type("n", pause=1)
    s.show("same name: declined")


def checkin(s: Screen) -> None:
    s.run(f"{PEER} checkin Sam")
    s.type("2", ENTER, ENTER, "4")
    s.show("check-in: whom for, digit picks")
    s.type(ENTER, SPACE, ENTER)
    s.type("talked about the circle", ENTER)
    s.type("C-u", "sometime", ENTER, pause=0.8)
    s.show("check-in: a validation error (wraps)")
    s.type("C-u", "1w", ENTER, "1", ENTER, SPACE, ENTER, "listened", ENTER, ENTER, ENTER)
    s.type("1,2", ENTER, pause=0.8)
    s.show("check-in: BARC-10 error")
    s.type("C-u", ENTER, pause=1)
    s.show("check-in: saved")


def picker(s: Screen) -> None:
    s.run(f"{PEER} checkin Jo --mode phone --minutes 5")
    s.show("ambiguous name: pick list")
    s.type("2", ENTER)
    time.sleep(1)
    s.show("ambiguous name: picked the second")
    s.run(f"{PEER} match Jo")
    s.type(DOWN, DOWN, ENTER, pause=1)
    s.show("ambiguous name: none of these")


def match(s: Screen) -> None:
    s.run(f"{PEER} match Sam")
    s.type(DOWN, SPACE, pause=0.6)
    s.show("match picker")
    s.type(ENTER, "first visit", ENTER, pause=1)
    s.show("match picker: referred")


def forget(s: Screen) -> None:
    s.run(f"{PEER} consumer forget Joanna")
    s.show("forget: type the name")
    s.type("Joanna", ENTER, pause=1)
    s.show("forget: mismatch")
    s.run(f"{PEER} consumer forget Joanna")
    s.type("joanna smith", ENTER, pause=1.5)
    s.show("forget: erased")


def restore(s: Screen) -> None:
    s.run(f"{PEER} db restore $BACKUP")
    s.show("restore: what the backup holds")
    s.type("n", pause=1)
    s.show("restore: declined")


def archive(s: Screen) -> None:
    s.run(f"{PEER} consumer archive Sam")
    s.type(ENTER, pause=1)
    s.run(f"{PEER} group retire 1")
    s.type(CTRL_C, pause=1)
    s.run(f"{PEER} consumer add")
    s.type(CTRL_D, pause=1)
    s.run("echo exit=$?")
    s.show("declined, Ctrl-C, Ctrl-D")


def plan(s: Screen) -> None:
    s.run(f"{PEER} plan show Sam")
    s.show("plan")


def consent(s: Screen) -> None:
    s.run(f"{PEER} consumer consent Jo")
    s.show("consent (ambiguous name)")
    s.type(CTRL_C, pause=1)


FLOWS: dict[str, Callable[[Screen], None]] = {
    "intake": intake, "checkin": checkin, "picker": picker, "match": match, "forget": forget,
    "restore": restore, "archive": archive, "plan": plan, "consent": consent}


def main(argv: list[str]) -> None:
    flows = [a for a in argv if a in FLOWS] or list(FLOWS)
    sizes = [a for a in argv if "x" in a and a not in FLOWS] or ["80x24", "120x40"]
    for size in sizes:
        for name in flows:
            with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
                env = {"PEER_DB": f"{folder}/peer.db", "PEER_NOW": "2026-11-21T10:00:00",
                       "BACKUP": f"{folder}/backup.db", "HOME": folder,
                       "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                       "PATH": os.environ["PATH"], "TERM": "xterm-256color",
                       "LANG": os.environ.get("LANG", "C.UTF-8")}
                seed(env)
                screen = Screen(size, env)
                try:
                    FLOWS[name](screen)
                finally:
                    screen.close()


if __name__ == "__main__":
    main(sys.argv[1:])
