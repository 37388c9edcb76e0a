"""Writing a document the user asked for: to a private file (0600), or to stdout with '-'."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def write_document(text: str, out: str | None, default_name: str,
                   notes: Sequence[str] = ()) -> Path | None:
    """Write ``text`` to ``out`` (default ``default_name`` in the current directory); '-' prints
    it. Says where it went, and each note, on stderr. Returns the path written, if any."""
    from peercli.cli.render import success, warn
    from peercli.store.files import open_private

    for note in notes:
        warn(note)
    if out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    path = Path(out or default_name).expanduser()
    if path.is_dir():
        path = path / default_name
    with open_private(path) as handle:
        handle.write(text)
    success(f"Wrote {path}")
    return path
