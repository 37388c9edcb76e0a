"""Record ids typed on the command line: ASCII digits, optionally after ``#``, within SQLite's
integer range. ``²`` or ``٣`` are not ids (Python's ``isdigit`` says they are), and an id past
2^63 - 1 names no record rather than overflowing SQLite."""

from __future__ import annotations

from peercli.core.errors import PeerError

MAX_ID = 2**63 - 1


def id_text(text: str) -> str | None:
    """The digits of ``text`` if it is written as an id (``12``, ``#12``), else None."""
    value = text.strip().removeprefix("#").strip()
    if value and value.isascii() and value.isdigit():
        return value
    return None


def in_range(digits: str) -> bool:
    digits = digits.lstrip("0") or "0"
    return len(digits) < 19 or (len(digits) == 19 and int(digits) <= MAX_ID)


def is_id(text: str) -> bool:
    """ASCII digits only, within SQLite's integer range (no ``#``)."""
    return bool(text) and text.isascii() and text.isdigit() and in_range(text)


def parse_id(text: str, noun: str, hint: str = "") -> int:
    """An id for ``noun`` ("referral", "check-in"...) or PeerError naming what was typed."""
    digits = id_text(text)
    if digits is None:
        raise PeerError(f"'{text[:40]}' is not a {noun} id (a number{hint})")
    if not in_range(digits):
        raise PeerError(f"no {noun} with id {digits[:40]}{'...' if len(digits) > 40 else ''}")
    return int(digits)
