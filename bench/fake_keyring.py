"""Fake keyrings for the benches (the user's own keyring is never touched), both kept in files
under the directory named by BENCH_KEYRING_DIR, one file per (service, account):

- ``FileKeyring``: a ``keyring`` library backend (PYTHON_KEYRING_BACKEND=fake_keyring.FileKeyring),
  small like the library's own backends, so that what is timed is the library;
- ``write_secret_tool(bin_dir)``: a ``secret-tool`` with the command-line contract of libsecret's
  (``secret-tool lookup service S username A`` prints the secret, exit 1 when there is none),
  a small shell script as the real one is a small C program.
"""

from __future__ import annotations

import os
from pathlib import Path

from keyring.backend import KeyringBackend


def entry_path(service: str, account: str) -> Path:
    return Path(os.environ["BENCH_KEYRING_DIR"]) / service / account.replace("/", "_")


def store(service: str, account: str, secret: str) -> None:
    path = entry_path(service, account)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret)
    path.chmod(0o600)


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        try:
            return entry_path(service, username).read_text()
        except OSError:
            return None

    def set_password(self, service: str, username: str, password: str) -> None:
        store(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        entry_path(service, username).unlink(missing_ok=True)


SECRET_TOOL = """#!/bin/sh
# secret-tool lookup service S username A (a fake for benchmarks: see fake_keyring.py)
[ "$1" = lookup ] || exit 1
shift
svc=; user=
while [ $# -gt 1 ]; do
  case "$1" in service) svc=$2;; username) user=$2;; esac
  shift 2
done
f="$BENCH_KEYRING_DIR/$svc/$(printf %s "$user" | tr '/' '_')"
[ -f "$f" ] || exit 1
cat "$f"
"""


def write_secret_tool(bin_dir: Path) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    tool = bin_dir / "secret-tool"
    tool.write_text(SECRET_TOOL)
    tool.chmod(0o755)
    return tool
