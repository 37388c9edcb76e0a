"""Reading the database key from the operating system's keyring through the system's own
command-line tool, so that an everyday command on an encrypted database does not import the
``keyring`` library (which costs more than the rest of a command's start-up).

- Linux and BSD desktops (Secret Service: GNOME Keyring, KeePassXC, KWallet 6):
  ``secret-tool lookup service SERVICE username ACCOUNT`` (libsecret's tool);
- macOS (Keychain): ``security find-generic-password -s SERVICE -a ACCOUNT -w``.

Both find exactly the entries the ``keyring`` library writes (``peer db remember-key``): the
library stores the same service and account (``username``) attributes. The secret comes back
through a pipe, never a file. Anything else — no such tool, no entry, a locked keyring the
user declines to unlock, Windows — is "not found here", and the caller asks the ``keyring``
library as before. Writing and deleting keys always go through the library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: How long the tool may take, unlocking the keyring included (it may ask the user).
TIMEOUT_S = 120


def _command(service: str, account: str) -> list[str] | None:
    if sys.platform == "darwin":
        tool = shutil.which("security")
        return [tool, "find-generic-password", "-s", service, "-a", account, "-w"] if tool \
            else None
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        tool = shutil.which("secret-tool")
        return [tool, "lookup", "service", service, "username", account] if tool else None
    return None


def _library_configured() -> bool:
    """The user chose a backend for the ``keyring`` library (PYTHON_KEYRING_BACKEND, or its
    configuration file): then only the library is asked, as they chose."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    if sys.platform == "darwin":
        root = Path.home() / "Library" / "Application Support" / "python_keyring"
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        root = Path(base) / "python_keyring"
    return (root / "keyringrc.cfg").exists()


def usable() -> bool:
    """Should the system tool be asked before the library? (Not when a backend was chosen for
    the library, or when this process already set one up, as tests do.)"""
    if _library_configured():
        return False
    core = sys.modules.get("keyring.core")
    return getattr(core, "_keyring_backend", None) is None


def read(service: str, account: str) -> str | None:
    """The secret stored for (service, account), or None when the system tool does not give
    one (see the module's docstring)."""
    command = _command(service, account)
    if command is None:
        return None
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        text = done.stdout.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    return text or None
