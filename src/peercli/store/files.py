"""Private files: every file peer writes is 0600, every directory it creates 0700."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


# ---------------------------------------------------------------------------------------------
# Output files the user names (exports, calendars, rejects): never through a symlink, never over
# an existing file unless --force, never half-written under the final name.

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def check_output_target(path: Path, *, force: bool = False, flag: str = "--output") -> None:
    """Refuse an output path that exists (a file, a symlink, even a dangling one) unless
    ``force``; refuse a directory or a missing parent folder always."""
    if os.path.isdir(path) and not os.path.islink(path):
        raise PeerError(f"{flag} {path} is a directory; name a file")
    if os.path.lexists(path) and not force:
        kind = "a symbolic link" if os.path.islink(path) else "a file"
        raise PeerError(f"{flag} {path} already exists ({kind}); choose another name, or add "
                        "--force to replace it")
    parent = path.parent
    if not parent.is_dir():
        raise PeerError(f"{flag} {path}: the folder {parent} does not exist")


class StagedOutput:
    """A private temporary file next to ``path`` (created exclusively, 0600, not through a
    symlink); :meth:`publish` moves it to ``path`` in one step, :meth:`discard` removes it.

    Without ``force`` the publish is a hard link, which fails if ``path`` appeared meanwhile;
    with ``force`` a rename, which replaces a file or a symlink itself (never its target).
    """

    def __init__(self, path: Path, *, force: bool = False, binary: bool = False,
                 flag: str = "--output") -> None:
        import secrets

        check_output_target(path, force=force, flag=flag)
        self.path = path
        self.force = force
        self.flag = flag
        self.temp = path.with_name(f".{path.name}.peer-tmp-{secrets.token_hex(4)}")
        try:
            fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        except OSError as exc:
            raise PeerError(f"cannot write {flag} {path}: {exc.strerror}") from None
        os.fchmod(fd, 0o600)
        self.file: IO[Any] = (os.fdopen(fd, "wb") if binary
                              else os.fdopen(fd, "w", encoding="utf-8", newline=""))
        self.done = False

    def publish(self) -> Path:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            if self.force:
                if os.path.isdir(self.path) and not os.path.islink(self.path):
                    raise PeerError(f"{self.flag} {self.path} is a directory; name a file")
                os.replace(self.temp, self.path)
            else:
                try:
                    os.link(self.temp, self.path, follow_symlinks=False)
                except FileExistsError:
                    raise PeerError(f"{self.flag} {self.path} already exists; choose another "
                                    "name, or add --force to replace it") from None
                except OSError:  # no hard links here (some network or FAT drives)
                    if os.path.lexists(self.path):
                        raise PeerError(f"{self.flag} {self.path} already exists") from None
                    os.replace(self.temp, self.path)
        except OSError as exc:
            self.discard()
            raise PeerError(f"cannot write {self.flag} {self.path}: {exc.strerror}") from None
        except BaseException:
            self.discard()
            raise
        self.discard()
        self.done = True
        return self.path

    def discard(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass
        try:
            os.unlink(self.temp)
        except FileNotFoundError:
            pass
        except OSError:
            pass


@contextmanager
def atomic_output(path: Path, *, force: bool = False, binary: bool = False,
                  flag: str = "--output") -> Iterator[IO[Any]]:
    """Write ``path`` all at once: ``with atomic_output(p) as f: f.write(...)``. Refuses an
    existing ``path`` unless ``force``; a failure or interruption leaves nothing at ``path``."""
    staged = StagedOutput(path, force=force, binary=binary, flag=flag)
    try:
        yield staged.file
    except OSError as exc:  # a full disk, a failing drive
        staged.discard()
        raise PeerError(f"cannot write {flag} {path}: {exc.strerror}") from None
    except BaseException:
        staged.discard()
        raise
    try:
        staged.publish()
    finally:
        staged.discard()


# ---------------------------------------------------------------------------------------------
# Crash leftovers outside the data directory: a check-in note being written in $EDITOR lives in
# a private temp folder named with the peer process id; a later peer removes it once that
# process is gone (killed with SIGKILL, or the machine lost power).

NOTE_PREFIX = "peer-note-"


def sweep_note_leftovers() -> list[Path]:
    """Remove note folders of peer processes that no longer run; return what was removed."""
    import shutil
    import tempfile

    removed: list[Path] = []
    base = Path(tempfile.gettempdir())
    try:
        names = [n for n in os.listdir(base) if n.startswith(NOTE_PREFIX)]
    except OSError:
        return removed
    for name in names:
        pid_text = name[len(NOTE_PREFIX):].split("-", 1)[0]
        if not pid_text.isascii() or not pid_text.isdigit():
            continue
        folder = base / name
        try:
            st = folder.lstat()
        except OSError:
            continue
        if not folder.is_dir() or folder.is_symlink() or (
                hasattr(os, "getuid") and st.st_uid != os.getuid()):
            continue
        if _alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True
