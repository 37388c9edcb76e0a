"""Reading names people type: a typed confirmation (the name or id of what is about to be erased)
and whether two names are the same one."""

from __future__ import annotations

import unicodedata
from typing import Literal

Verdict = Literal["match", "mismatch", "empty"]


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def same_name(a: str, b: str) -> bool:
    """Two names a person would call the same: case, width and runs of spaces ignored."""
    return bool(_folded(a)) and _folded(a) == _folded(b)


def typed_confirmation(answer: str, *, name: str, record_id: int) -> Verdict:
    """"match" when ``answer`` is the whole name (case, width and runs of spaces ignored) or the
    id (``12`` or ``#12``); "empty" for a blank answer; else "mismatch". A prefix of the name is
    not enough: the point is to make the person read what they are about to erase."""
    typed = _folded(answer)
    if not typed:
        return "empty"
    if typed == _folded(name) or typed.removeprefix("#").strip() == str(record_id):
        return "match"
    return "mismatch"
