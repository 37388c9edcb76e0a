"""The key from the OS keyring through the system's tool (store.oskeyring): an encrypted
database opens without importing the `keyring` library when the tool has the key; the library
is asked when it does not, or when a backend was chosen for it. The tool here is a fake
`secret-tool` with libsecret's command-line contract (never the user's keyring)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from peercli.store import cipher, keys, oskeyring

pytestmark = [
    pytest.mark.skipif(not cipher.available(), reason="SQLCipher is not installed"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="secret-tool is Linux's"),
]

RAW = "x'" + "c3" * 32 + "'"

FAKE = """#!/bin/sh
[ "$1" = lookup ] || exit 1
shift
svc=; user=
while [ $# -gt 1 ]; do
  case "$1" in service) svc=$2;; username) user=$2;; esac
  shift 2
done
echo "$svc $user" >> "$FAKE_RING/calls"
f="$FAKE_RING/$svc/$(printf %s "$user" | tr '/' '_')"
[ -f "$f" ] || exit 1
cat "$f"
"""


@pytest.fixture
def ring(tmp_path, monkeypatch) -> Path:
    """A fake secret-tool first on PATH, no backend chosen for the library, and the library
    never reached unless a test allows it."""
    directory = tmp_path / "ring"
    (directory / keys.KEYRING_SERVICE).mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "secret-tool"
    tool.write_text(FAKE)
    tool.chmod(0o755)
    monkeypatch.setenv("FAKE_RING", str(directory))
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    core = sys.modules.get("keyring.core")
    if core is not None:
        monkeypatch.setattr(core, "_keyring_backend", None)

    def no_library() -> None:
        raise AssertionError("the keyring library was asked")

    monkeypatch.setattr(keys, "_keyring", no_library)
    return directory


def _store(ring: Path, db_path: Path, secret: str) -> None:
    entry = ring / keys.KEYRING_SERVICE / str(db_path.resolve()).replace("/", "_")
    entry.write_text(secret)


@pytest.fixture
def encrypted_db(peer, db_path, tmp_path, monkeypatch) -> Path:
    key_file = tmp_path / "k.key"
    key_file.write_text(RAW + "\n")
    key_file.chmod(0o600)
    monkeypatch.setenv("PEER_KEY_FILE", str(key_file))
    peer("--no-input", "consumer", "add", "Sam")
    assert cipher.file_kind(db_path) == "other"
    monkeypatch.delenv("PEER_KEY_FILE")
    return db_path


def test_the_system_tool_opens_an_encrypted_database_without_the_library(
        peer, encrypted_db, ring):
    _store(ring, encrypted_db, RAW)
    people = peer.json("--no-input", "consumer", "list")
    assert [p["name"] for p in people] == ["Sam"]
    assert f"{keys.KEYRING_SERVICE} {encrypted_db.resolve()}" in (ring / "calls").read_text()


def test_no_entry_in_the_tool_asks_the_library(peer, encrypted_db, ring, monkeypatch):
    class Library:
        def get_password(self, service: str, account: str) -> str | None:
            return RAW if service == keys.KEYRING_SERVICE else None

    monkeypatch.setattr(keys, "_keyring", lambda: Library())
    assert [p["name"] for p in peer.json("--no-input", "consumer", "list")] == ["Sam"]
    assert (ring / "calls").exists()  # the tool was asked first


def test_a_backend_chosen_for_the_library_skips_the_tool(peer, encrypted_db, ring, monkeypatch):
    _store(ring, encrypted_db, RAW)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setattr(keys, "_keyring", lambda: None)  # that backend holds nothing
    result = peer("--no-input", "consumer", "list", ok=False)
    assert result.exit_code == 1 and "no key was found" in result.stderr
    assert not (ring / "calls").exists()


def test_the_libraries_config_file_skips_the_tool(tmp_path, ring, monkeypatch):
    config = tmp_path / "xdg-config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text("[backend]\ndefault-keyring=x.y\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert oskeyring.usable() is False


def test_a_wrong_key_from_the_tool_is_the_usual_message(peer, encrypted_db, ring):
    _store(ring, encrypted_db, "x'" + "d4" * 32 + "'")
    result = peer("--no-input", "consumer", "list", ok=False)
    assert result.exit_code == 1
    assert "wrong passphrase" in result.stderr and "keyring" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_tool_is_no_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    assert oskeyring.read(keys.KEYRING_SERVICE, "/nowhere/peer.db") is None
