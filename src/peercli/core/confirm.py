"""Reading names people type: a typed confirmation (the name or id of what is about to be erased)
and whether two names are the same one."""

from __future__ import annotations

import unicodedata
from typing import Literal

Verdict = Literal["match", "mismatch", "empty"]


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_LOOKALIKES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'",
                             "`": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-",
                             "\u2014": "-", "\u201c": '"', "\u201d": '"'})


def lookup_key(text: str) -> str:
    """The form a name is looked up in: case, width, accents ("José" = "jose"), curly or
    straight apostrophes and quotes, dashes and runs of spaces ignored."""
    if text.isascii():
        return " ".join(text.lower().replace("`", "'").split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_LOOKALIKES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFKC", bare).casefold().translate(_LOOKALIKES).split())


def same_name(a: str, b: str) -> bool:
    """Two names a person would call the same: case, width, accents, curly apostrophes and runs
    of spaces ignored ("José Díaz" and "Jose Diaz")."""
    return bool(lookup_key(a)) and lookup_key(a) == lookup_key(b)


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
