"""Private files: every file peer writes is 0600, every directory it creates 0700."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from peercli.core.errors import PeerError


def make_private_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) 0700; an existing one is left as it is."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PeerError(f"cannot create the directory {directory}: {exc.strerror}") from None
    if not directory.is_dir():
        raise PeerError(f"{directory} exists and is not a directory")


def open_private(path: Path, *, binary: bool = False, exclusive: bool = False) -> IO[Any]:
    """Open ``path`` for writing, created 0600 (and made 0600 if it already existed)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise PeerError(f"{path} already exists; choose another name") from None
    except OSError as exc:
        raise PeerError(f"cannot write {path}: {exc.strerror}") from None
    os.fchmod(fd, 0o600)
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")
