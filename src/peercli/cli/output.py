"""Writing a document the user asked for: to a private file (0600, written all at once, never
over an existing file unless --force, never through a symlink), or to stdout with '-'."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def document_path(out: str | None, default_name: str) -> Path | None:
    """Where a document goes: ``out`` (a folder gets ``default_name`` inside), else
    ``default_name`` in the current folder; None for '-' (stdout)."""
    if out == "-":
        return None
    path = Path(out or default_name).expanduser()
    return path / default_name if path.is_dir() and not path.is_symlink() else path


def write_document(text: str, path: Path | None, notes: Sequence[str] = (), *,
                   force: bool = False, binary: bool = False) -> None:
    """Write ``text`` to ``path`` (stdout when None); say where it went, and each note, on
    stderr."""
    from peercli.cli.render import success, warn
    from peercli.store.files import atomic_output

    for note in notes:
        warn(note)
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_output(path, force=force, binary=binary, flag="--out") as handle:
        handle.write(text.encode("utf-8") if binary else text)
    success(f"Wrote {path}")
