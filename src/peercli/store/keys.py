"""Database keys: where they come from (a key file, ``PEER_PASSPHRASE``, the OS keyring, a
prompt) and how a passphrase becomes a key.

A passphrase becomes a 256-bit key with PBKDF2-HMAC-SHA512, 256,000 iterations, salted with the
16 random bytes SQLCipher keeps at the start of the file: exactly SQLCipher 4's own derivation,
so the ``sqlcipher`` shell opens a peer database with ``PRAGMA key = 'the passphrase'``. peer
hands SQLCipher the derived key (with the salt), which is also what the keyring holds: opening
the database with the keyring's key costs no derivation, and the keyring never holds the
passphrase itself.

A key file (``PEER_KEY_FILE``) or ``PEER_PASSPHRASE`` may also hold a random key written as
``x'<64 hex digits>'`` (e.g. from ``openssl rand -hex 32``): used as the key directly.

Prompting belongs to the terminal layer: callers pass ``ask`` (a function that asks for a
passphrase and returns it), or None where nobody can be asked.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peercli.core.errors import PeerError

KDF_ITERATIONS = 256_000  # SQLCipher 4 default (PBKDF2-HMAC-SHA512)
KEY_BYTES = 32
SALT_BYTES = 16
KEYRING_SERVICE = "peercli"
MIN_PASSPHRASE = 8
_RAW = re.compile(r"x'([0-9a-fA-F]{64})([0-9a-fA-F]{32})?'")

Ask = Callable[[str], str]


@dataclass(frozen=True)
class DbKey:
    """A raw SQLCipher key, and the salt it was derived with (None for a random raw key)."""

    raw: bytes = field(repr=False)
    salt: bytes | None = field(default=None, repr=False)
    source: str = "unknown"

    def pragma_value(self) -> str:
        """The ``x'...'`` form of ``PRAGMA key``: a raw key (and salt), no derivation."""
        return "x'" + self.raw.hex() + (self.salt.hex() if self.salt else "") + "'"

    def with_source(self, source: str) -> DbKey:
        return DbKey(self.raw, self.salt, source)

    def same_key(self, other: DbKey) -> bool:
        return self.raw == other.raw and self.salt == other.salt


@dataclass(frozen=True)
class Secret:
    """A passphrase (or a written raw key) and where it came from; never printed."""

    text: str = field(repr=False)
    source: str = "unknown"

    def raw_key(self) -> DbKey | None:
        m = _RAW.fullmatch(self.text.strip())
        if not m:
            return None
        salt = bytes.fromhex(m.group(2)) if m.group(2) else None
        return DbKey(bytes.fromhex(m.group(1)), salt, self.source)

    def key_for(self, salt: bytes) -> DbKey:
        """The key this secret gives for a file with ``salt``."""
        raw = self.raw_key()
        if raw is not None:
            return raw
        return DbKey(derive(self.text, salt), salt, self.source)

    def new_key(self) -> DbKey:
        """The key for a new file (a fresh random salt)."""
        import secrets

        return self.key_for(secrets.token_bytes(SALT_BYTES))


@functools.lru_cache(maxsize=8)
def derive(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key derivation. Cached in memory for this process only (a command that
    opens the database twice derives once)."""
    import hashlib  # here, not at the top: a plain database never needs it

    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS,
                               KEY_BYTES)


def check_new_passphrase(text: str) -> None:
    if Secret(text).raw_key() is not None:
        return
    if len(text) < MIN_PASSPHRASE:
        raise PeerError(f"the passphrase is too short: use at least {MIN_PASSPHRASE} characters "
                        "(a few unrelated words are easy to type and hard to guess)")


# -- explicit secrets: PEER_KEY_FILE, PEER_PASSPHRASE ------------------------------------------

def read_key_file(path: Path) -> Secret:
    """The secret in a key file. Refused unless the file is private (0600 or stricter) and
    yours: a key other users can read protects nothing."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise PeerError(f"PEER_KEY_FILE names {path}, which does not exist") from None
    except OSError as exc:
        raise PeerError(f"cannot read the key file {path} (PEER_KEY_FILE): {exc.strerror}"
                        ) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise PeerError(f"the key file {path} (PEER_KEY_FILE) is not a regular file")
        mode = stat.S_IMODE(st.st_mode)
        if os.name == "posix" and (mode & 0o077):
            raise PeerError(f"the key file {path} (PEER_KEY_FILE) has mode {mode:04o}: other "
                            f"users could read it. Make it private: chmod 600 {path}")
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise PeerError(f"the key file {path} (PEER_KEY_FILE) belongs to another user")
        data = os.read(fd, 65536)
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PeerError(f"the key file {path} (PEER_KEY_FILE) is not UTF-8 text") from None
    text = text.rstrip("\r\n")
    if not text:
        raise PeerError(f"the key file {path} (PEER_KEY_FILE) is empty")
    return Secret(text, "key file")


def explicit_secret() -> Secret | None:
    """``PEER_KEY_FILE`` (a file holding the passphrase), else ``PEER_PASSPHRASE``."""
    key_file = os.environ.get("PEER_KEY_FILE", "").strip()
    if key_file:
        return read_key_file(Path(key_file).expanduser())
    passphrase = os.environ.get("PEER_PASSPHRASE", "")
    if passphrase:
        return Secret(passphrase, "PEER_PASSPHRASE")
    return None


# -- the OS keyring -----------------------------------------------------------------------------

def _account(db_path: Path) -> str:
    return str(db_path.expanduser().resolve())


def _keyring() -> object | None:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keyring_get(db_path: Path, *, library_only: bool = False) -> DbKey | None:
    """The key the keyring holds for this database file, or None (no keyring, no entry, or
    the keyring refused: a locked or missing keyring is never an error).

    The system's own keyring tool is asked first (`oskeyring`: no import of the ``keyring``
    library, which costs more than the rest of a command), unless a backend was chosen for the
    library; then, when it gives nothing, the library."""
    if not library_only:
        from peercli.store import oskeyring

        if oskeyring.usable():
            value = oskeyring.read(KEYRING_SERVICE, _account(db_path))
            key = Secret(value, "keyring").raw_key() if value else None
            if key is not None:
                return key
    kr = _keyring()
    if kr is None:
        return None
    try:
        value = kr.get_password(KEYRING_SERVICE, _account(db_path))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any backend failure means "no key from the keyring"
        return None
    if not value:
        return None
    return Secret(str(value), "keyring").raw_key()


def keyring_set(db_path: Path, key: DbKey) -> bool:
    """Keep ``key`` in the keyring for this file; True only if it reads back."""
    kr = _keyring()
    if kr is None:
        return False
    try:
        kr.set_password(KEYRING_SERVICE, _account(db_path),  # type: ignore[attr-defined]
                        key.pragma_value())
    except Exception:  # noqa: BLE001 - no usable keyring
        return False
    back = keyring_get(db_path, library_only=True)
    return back is not None and back.same_key(key)


def keyring_delete(db_path: Path) -> None:
    kr = _keyring()
    if kr is None:
        return
    with contextlib.suppress(Exception):  # nothing stored, or no keyring
        kr.delete_password(KEYRING_SERVICE, _account(db_path))  # type: ignore[attr-defined]


def keyring_name() -> str | None:
    """The keyring backend in use, or None where there is none peer can use."""
    kr = _keyring()
    if kr is None:
        return None
    try:
        backend = kr.get_keyring()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001
        return None
    module = type(backend).__module__
    if module.endswith((".fail", ".null")):
        return None
    return str(getattr(backend, "name", type(backend).__name__))


# -- keys this process already knows ------------------------------------------------------------

_SESSION: dict[str, DbKey] = {}


def know(db_path: Path, key: DbKey) -> None:
    """Remember, in this process's memory only, the key a command just set (encrypt, rekey,
    restore), so it reopens the file without asking again."""
    _SESSION[_account(db_path)] = key


# -- unlocking an existing encrypted file -------------------------------------------------------

def candidate_keys(db_path: Path, salt: bytes, ask: Ask | None) -> list[Callable[[], DbKey]]:
    """The ways to get this file's key, in order: a key file or PEER_PASSPHRASE (what you said
    explicitly), the keyring, then a prompt. Each is tried only when needed."""
    out: list[Callable[[], DbKey]] = []
    known = _SESSION.get(_account(db_path))
    if known is not None:
        out.append(lambda: known)
    explicit = explicit_secret()
    if explicit is not None:
        out.append(lambda: explicit.key_for(salt))

    def from_keyring() -> DbKey:
        key = keyring_get(db_path)
        if key is None:
            raise LookupError
        return key

    out.append(from_keyring)
    if ask is not None:
        def from_prompt() -> DbKey:
            text = ask(f"Passphrase for {db_path.name}")
            if not text:
                raise LookupError
            return Secret(text, "prompt").key_for(salt)

        out.append(from_prompt)
    return out


def unlock(db_path: Path, salt: bytes, opens: Callable[[DbKey], bool],
           ask: Ask | None) -> DbKey:
    """The key that opens the encrypted file at ``db_path`` (``opens(key)`` tries one).

    One clear message when none does: no key anywhere, or the wrong passphrase."""
    tried: list[str] = []
    for get in candidate_keys(db_path, salt, ask):
        try:
            key = get()
        except LookupError:
            continue
        if opens(key):
            return key
        if key.source not in tried:
            tried.append(key.source)
    if tried:
        raise PeerError(
            f"wrong passphrase: the encrypted database at {db_path} does not open with the key "
            f"from {' or '.join(tried)}. Without the right passphrase (or the key in the "
            "keyring) the data cannot be read.")
    raise PeerError(
        f"the database at {db_path} is encrypted and no key was found: set PEER_PASSPHRASE or "
        "PEER_KEY_FILE, keep the key in the keyring ('peer db remember-key'), or run peer at a "
        "terminal to be asked for the passphrase. (If it was never encrypted, it is damaged: "
        "restore a backup with 'peer db restore FILE'.)")
