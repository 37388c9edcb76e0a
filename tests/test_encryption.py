"""Encryption at rest: nothing readable on disk, one message for a wrong key, conversions that
survive a kill at any point, keys from a key file, PEER_PASSPHRASE or the keyring, and peer
still working (unencrypted, and saying so) where SQLCipher is not installed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from peercli.store import cipher, keys

pytestmark = pytest.mark.skipif(not cipher.available(), reason="SQLCipher is not installed")

NAME = "Wilhelmina Thistlewood"
NOTE = "relapsed after the Maple Street eviction"
PASS = "correct horse battery staple"
RAW_A = "x'" + "a1" * 32 + "'"
RAW_B = "x'" + "b2" * 32 + "'"


def raw_key(text: str) -> keys.DbKey:
    key = keys.Secret(text).raw_key()
    assert key is not None
    return key


def add_person(peer: Any) -> None:
    peer("--no-input", "consumer", "add", NAME, "-i", "grief", "--consent", "all",
         "--note", NOTE)


def files_bytes(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in directory.rglob("*") if p.is_file()}


def assert_nothing_readable(directory: Path) -> None:
    found = files_bytes(directory)
    assert found
    for name, data in found.items():
        for secret in (NAME, "Wilhelmina", NOTE, "Maple Street"):
            assert secret.encode() not in data, (secret, name)


class MemoryKeyring:
    """A keyring for tests (the user's own keyring is never touched)."""

    def __init__(self) -> None:
        import keyring.backend

        class Backend(keyring.backend.KeyringBackend):
            priority = 1  # type: ignore[assignment]

            def __init__(self) -> None:
                super().__init__()
                self.store: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.store.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.store[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.store.pop((service, username), None)

        self.backend = Backend()


@pytest.fixture
def memory_keyring() -> Any:
    import keyring
    from keyring.backends import fail

    ring = MemoryKeyring()
    keyring.set_keyring(ring.backend)
    try:
        yield ring.backend
    finally:
        keyring.set_keyring(fail.Keyring())


def test_encrypted_database_wal_and_backup_hold_nothing_readable(peer, db_path, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("PEER_PASSPHRASE", PASS)
    add_person(peer)
    assert cipher.file_kind(db_path) == "other"
    # an idle connection keeps the write-ahead log in place while peer writes
    watcher = cipher.connect(db_path, keys.Secret(PASS).key_for(cipher.file_salt(db_path)))
    try:
        assert watcher.execute("SELECT count(*) FROM consumers").fetchone()[0] == 1
        peer("--no-input", "consumer", "edit", NAME, "--note", NOTE + " (again)")
        assert Path(f"{db_path}-wal").stat().st_size > 0
        backup = tmp_path / "backups" / "b.db"
        peer("db", "backup", str(backup))
        assert_nothing_readable(db_path.parent)
        assert_nothing_readable(backup.parent)
    finally:
        watcher.close()
    # the test can fail: peer itself reads the name back
    assert peer.json("consumer", "list")[0]["name"] == NAME
    for path in (db_path, backup):
        plain = sqlite3.connect(path)
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            plain.execute("SELECT * FROM sqlite_master").fetchall()
        plain.close()
    # SQLCipher's own key derivation opens it: the sqlcipher shell can read a peer database
    native = cipher.driver().connect(str(backup))
    native.execute(f"PRAGMA key = '{PASS}'")
    assert native.execute("SELECT name FROM consumers").fetchone()[0] == NAME
    native.close()


def test_connections_keep_temporary_data_in_memory(db_path, monkeypatch):
    from peercli.store.db import open_db

    monkeypatch.setenv("PEER_KEY_FILE", "")
    monkeypatch.setenv("PEER_PASSPHRASE", RAW_A)
    conn = open_db(db_path)
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    assert cipher.key_of(conn) is not None
    conn.close()


@pytest.mark.parametrize("wrong", ["not the passphrase", RAW_B])
def test_wrong_passphrase_is_one_clear_message(peer, db_path, monkeypatch, wrong):
    monkeypatch.setenv("PEER_PASSPHRASE", RAW_A)
    add_person(peer)
    before = db_path.read_bytes()
    monkeypatch.setenv("PEER_PASSPHRASE", wrong)
    for args in (["consumer", "list"], ["db", "check"], ["db", "backup"], ["db", "rekey"]):
        result = peer(*args, ok=False)
        assert result.exit_code == 1, args
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("Error:") or "FAIL" in result.stdout, (args, result.stderr)
        text = result.stdout + result.stderr
        assert "wrong passphrase" in text and "PEER_PASSPHRASE" in text, args
        assert "Traceback" not in text and "not a database" not in text
        assert NAME not in text
    assert db_path.read_bytes() == before


def test_no_key_anywhere_says_how_to_give_one(peer, db_path, monkeypatch):
    monkeypatch.setenv("PEER_PASSPHRASE", RAW_A)
    add_person(peer)
    monkeypatch.delenv("PEER_PASSPHRASE")
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1
    assert "is encrypted and no key was found" in result.stderr
    assert "PEER_PASSPHRASE" in result.stderr and "PEER_KEY_FILE" in result.stderr


def test_key_file_must_be_private(peer, db_path, tmp_path, monkeypatch):
    key_file = tmp_path / "peer.key"
    key_file.write_text(PASS + "\n")
    key_file.chmod(0o644)
    monkeypatch.setenv("PEER_KEY_FILE", str(key_file))
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1 and "chmod 600" in result.stderr
    assert not db_path.exists()  # refused before anything was created
    key_file.chmod(0o600)
    add_person(peer)
    assert cipher.file_kind(db_path) == "other"
    # the file holds the passphrase (its trailing newline is not part of it)
    monkeypatch.delenv("PEER_KEY_FILE")
    monkeypatch.setenv("PEER_PASSPHRASE", PASS)
    assert peer.json("consumer", "list")[0]["name"] == NAME
    empty = tmp_path / "empty.key"
    empty.write_text("\n")
    empty.chmod(0o600)
    monkeypatch.setenv("PEER_KEY_FILE", str(empty))
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1 and "is empty" in result.stderr
    monkeypatch.setenv("PEER_KEY_FILE", str(tmp_path / "missing.key"))
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_encrypt_rekey_decrypt_with_the_keyring(peer, db_path, monkeypatch, memory_keyring):
    add_person(peer)
    assert cipher.file_kind(db_path) == "plain"
    assert "off: a plain SQLite file" in json.dumps(peer.json("db", "check"))
    monkeypatch.setenv("PEER_NEW_PASSPHRASE", PASS)
    out = peer.json("db", "encrypt")
    assert out["encrypted"] is True and out["keyring"] is True and out["rows"] > 0
    monkeypatch.delenv("PEER_NEW_PASSPHRASE")
    assert cipher.file_kind(db_path) == "other"
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["peer.db"]
    assert_nothing_readable(db_path.parent)
    # no passphrase given: the keyring's key opens it, and db check says so
    assert peer.json("consumer", "list")[0]["name"] == NAME
    enc = {c["name"]: c for c in peer.json("db", "check")["checks"]}["encryption"]
    assert enc["ok"] and enc["detail"].startswith("on: SQLCipher") and "keyring" in enc["detail"]
    stored = memory_keyring.get_password(keys.KEYRING_SERVICE, str(db_path.resolve()))
    assert PASS not in stored  # the derived key, never the passphrase

    monkeypatch.setenv("PEER_NEW_PASSPHRASE", "a different passphrase")
    assert peer.json("db", "rekey", "--no-keyring")["keyring"] is False
    monkeypatch.delenv("PEER_NEW_PASSPHRASE")
    # the keyring still holds the old key, which no longer opens the file
    result = peer("consumer", "list", ok=False)
    assert "wrong passphrase" in result.stderr and "keyring" in result.stderr
    monkeypatch.setenv("PEER_PASSPHRASE", PASS)
    assert "wrong passphrase" in peer("consumer", "list", ok=False).stderr
    monkeypatch.setenv("PEER_PASSPHRASE", "a different passphrase")
    assert peer.json("consumer", "list")[0]["name"] == NAME
    peer("db", "remember-key")
    monkeypatch.delenv("PEER_PASSPHRASE")
    assert peer.json("consumer", "list")[0]["name"] == NAME

    refused = peer("db", "decrypt", ok=False)
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert peer.json("db", "decrypt", "--yes")["encrypted"] is False
    assert cipher.file_kind(db_path) == "plain"
    assert memory_keyring.get_password(keys.KEYRING_SERVICE, str(db_path.resolve())) is None
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT name FROM consumers").fetchone()[0] == NAME
    conn.close()


def test_conversions_refuse_what_does_not_apply(peer, db_path, monkeypatch):
    add_person(peer)
    assert "not encrypted" in peer("db", "rekey", ok=False).stderr
    assert "not encrypted" in peer("db", "decrypt", "--yes", ok=False).stderr
    assert "not encrypted" in peer("db", "remember-key", ok=False).stderr
    result = peer("db", "encrypt", ok=False)  # no passphrase and nobody to ask
    assert result.exit_code == 1 and "PEER_NEW_PASSPHRASE" in result.stderr
    monkeypatch.setenv("PEER_NEW_PASSPHRASE", "short")
    assert "too short" in peer("db", "encrypt", ok=False).stderr
    assert cipher.file_kind(db_path) == "plain"
    monkeypatch.setenv("PEER_NEW_PASSPHRASE", PASS)
    peer("db", "encrypt")
    monkeypatch.setenv("PEER_PASSPHRASE", PASS)
    assert "already encrypted" in peer("db", "encrypt", ok=False).stderr
    result = peer("db", "remember-key", ok=False)  # the test keyring backend holds nothing
    assert result.exit_code == 1 and "no usable keyring" in result.stderr


def test_restore_of_encrypted_and_plain_backups(peer, db_path, tmp_path, monkeypatch):
    add_person(peer)
    plain_backup = tmp_path / "plain.db"
    peer("db", "backup", str(plain_backup))
    monkeypatch.setenv("PEER_NEW_PASSPHRASE", PASS)
    peer("db", "encrypt")
    monkeypatch.delenv("PEER_NEW_PASSPHRASE")
    monkeypatch.setenv("PEER_PASSPHRASE", PASS)
    secret_backup = tmp_path / "secret.db"
    peer("db", "backup", str(secret_backup))
    assert cipher.file_kind(secret_backup) == "other"
    peer("--no-input", "consumer", "add", "Second Person")
    restored = peer.json("db", "restore", str(secret_backup), "--yes")
    assert restored["restored_from"] == str(secret_backup)
    assert [c["name"] for c in peer.json("consumer", "list")] == [NAME]
    assert cipher.file_kind(db_path) == "other"
    result = peer("db", "restore", str(plain_backup), "--yes")
    assert "not encrypted" in result.stderr and "peer db encrypt" in result.stderr
    assert cipher.file_kind(db_path) == "plain"
    # an encrypted backup whose passphrase nobody gives is refused, the database untouched
    before = db_path.read_bytes()
    monkeypatch.setenv("PEER_PASSPHRASE", "not the passphrase")
    result = peer("db", "restore", str(secret_backup), "--yes", ok=False)
    assert result.exit_code == 1 and "does not open" in result.stderr
    assert db_path.read_bytes() == before


def test_exports_say_they_are_plaintext(peer, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_PASSPHRASE", RAW_A)
    add_person(peer)
    result = peer("export", "-o", str(tmp_path / "out"))
    assert "plaintext" in result.stderr
    for f in (tmp_path / "out").iterdir():
        assert oct(f.stat().st_mode & 0o777) == "0o600"
    result = peer("consumer", "export", NAME, "-o", str(tmp_path / "one.json"))
    assert "plaintext" in result.stderr


# -- kill safety --------------------------------------------------------------------------------

KILLER = """
import os, signal, sys
from pathlib import Path
from peercli.store import encryption, keys

point, db, old, new = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
def step(name):
    if name == point:
        os.kill(os.getpid(), signal.SIGKILL)
key = lambda text: keys.Secret(text).raw_key() if text != "-" else None
encryption.convert(db, key(old), key(new), "20260101-000000", step=step)
print("finished")
"""

POINTS = ["exporting", "exported", "verified", "linked", "replaced", "removed"]


def opens_with(db_path: Path, text: str) -> bool:
    key = None if text == "-" else raw_key(text)
    if key is None and cipher.file_kind(db_path) != "plain":
        return False
    conn = cipher.connect(db_path, key, sqlcipher=key is not None)
    try:
        return cipher.verify(conn) and conn.execute(
            "SELECT name FROM consumers").fetchone()[0] == NAME
    except sqlite3.Error:
        return False
    finally:
        conn.close()


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize(("old", "new"), [("-", RAW_A), (RAW_A, RAW_B), (RAW_B, "-")],
                         ids=["encrypt", "rekey", "decrypt"])
def test_conversion_killed_at_any_point_leaves_old_or_new(peer, db_path, monkeypatch, point,
                                                          old, new):
    if old != "-":
        monkeypatch.setenv("PEER_PASSPHRASE", old)
    add_person(peer)
    peer("checkin", NAME, "--mode", "phone", "--minutes", "10", "--note", NOTE)
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", KILLER, point, str(db_path), old, new],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == -9, done.stderr  # killed where asked
    with_old, with_new = opens_with(db_path, old), opens_with(db_path, new)
    assert with_old != with_new  # exactly one of the two, never neither
    assert with_new == (point in ("replaced", "removed"))
    # the next command finishes the job: the right key opens it, leftovers are gone
    monkeypatch.setenv("PEER_PASSPHRASE", new if with_new else old)
    if (new if with_new else old) == "-":
        monkeypatch.delenv("PEER_PASSPHRASE")
    assert peer.json("consumer", "list")[0]["name"] == NAME
    names = sorted(p.name for p in db_path.parent.iterdir())
    assert names == ["peer.db"], names
    if with_new and new != "-":
        assert_nothing_readable(db_path.parent)  # the plaintext original was overwritten


# -- where SQLCipher is not installed ------------------------------------------------------------

def test_without_sqlcipher_peer_works_unencrypted_and_says_so(peer, db_path, monkeypatch):
    monkeypatch.setattr(cipher, "_TRIED", True)
    monkeypatch.setattr(cipher, "_MODULE", None)
    monkeypatch.setenv("PEER_PASSPHRASE", PASS)  # a key, but nothing to use it with
    add_person(peer)
    assert cipher.file_kind(db_path) == "plain"
    report = peer.json("db", "check")
    details = {c["name"]: c["detail"] for c in report["checks"]}
    remedies = {c["name"]: c["remedy"] for c in report["checks"]}
    assert report["ok"] is True
    assert "SQLCipher is not installed" in details["encryption"]
    assert "peercli[encryption]" in remedies["encryption"]
    result = peer("db", "encrypt", ok=False)
    assert result.exit_code == 1 and "peercli[encryption]" in result.stderr


def test_without_sqlcipher_an_encrypted_file_names_the_cause(peer, db_path, monkeypatch):
    monkeypatch.setenv("PEER_PASSPHRASE", RAW_A)
    add_person(peer)
    monkeypatch.setattr(cipher, "_TRIED", True)
    monkeypatch.setattr(cipher, "_MODULE", None)
    result = peer("consumer", "list", ok=False)
    assert result.exit_code == 1 and "SQLCipher" in result.stderr
    assert "Traceback" not in result.stderr


# -- keys ----------------------------------------------------------------------------------------

def test_derivation_matches_sqlcipher_and_keys_never_print():
    salt = bytes(range(16))
    key = keys.Secret(PASS).key_for(salt)
    assert len(key.raw) == 32 and key.salt == salt
    assert PASS not in repr(key) and key.raw.hex() not in repr(key)
    assert PASS not in repr(keys.Secret(PASS))
    assert keys.Secret(RAW_A).raw_key() == keys.DbKey(bytes.fromhex("a1" * 32), None, "unknown")
    assert keys.Secret("x'abc'").raw_key() is None  # not 64 hex digits: a passphrase


def test_a_keyring_that_fails_is_no_key(tmp_path):
    assert keys.keyring_get(tmp_path / "x.db") is None
    assert keys.keyring_set(tmp_path / "x.db", raw_key(RAW_A)) is False
    keys.keyring_delete(tmp_path / "x.db")
    assert keys.keyring_name() is None


def test_a_conversion_in_progress_is_left_alone(tmp_path):
    import fcntl

    from peercli.store.encryption import finish_interrupted

    db = tmp_path / "peer.db"
    db.write_bytes(b"x" * 4096)
    staged = tmp_path / ".peer.db.convert-1"
    staged.write_bytes(b"y" * 4096)
    aside = tmp_path / ".peer.db.before-convert-1"
    os.link(db, aside)
    fd = os.open(staged, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running conversion holds
        assert finish_interrupted(db) == []
        assert staged.exists() and aside.exists()
    finally:
        os.close(fd)
    assert finish_interrupted(db) == [staged, aside]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peer.db"]
    assert db.read_bytes() == b"x" * 4096  # the database itself (same inode) untouched
