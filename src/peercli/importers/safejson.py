"""JSON from listing files, read with limits: a hostile feed gets a one-line refusal, never a
``RecursionError`` or a ``ValueError`` from Python's integer-size guard.

- nesting: at most ``MAX_DEPTH`` arrays/objects inside each other (a meeting needs 3);
- numbers: at most ``MAX_DIGITS`` digits. ``NaN``, ``Infinity`` and ``1e999`` (infinite) are
  read as floats: each field's own check refuses them for that row (a coordinate out of range).
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
MAX_DIGITS = 100


class JsonLimitError(ValueError):
    """JSON that is well-formed but beyond what peer reads (the message says which limit)."""


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise JsonLimitError(f"a number with {digits} digits (peer reads at most {MAX_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS:
        raise JsonLimitError(f"a number with {digits} digits (peer reads at most {MAX_DIGITS})")
    return float(text)


def decoder() -> json.JSONDecoder:
    return json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float)


def depth(value: Any) -> int:
    """How many arrays/objects are nested at the deepest point (0 for a scalar); iterative."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        # only containers go on the stack: a feed is mostly scalars
        stack.extend((child, level + 1) for child in children
                     if isinstance(child, (dict, list)))
    return deepest


def _too_deep() -> JsonLimitError:
    return JsonLimitError(f"arrays or objects nested more than {MAX_DEPTH} levels deep")


def raw_decode(dec: json.JSONDecoder, text: str, pos: int) -> tuple[Any, int]:
    """``dec.raw_decode`` with the limits; JSONDecodeError for bad syntax, JsonLimitError
    beyond a limit."""
    try:
        value, end = dec.raw_decode(text, pos)
    except RecursionError:
        raise _too_deep() from None
    if depth(value) > MAX_DEPTH:
        raise _too_deep()
    return value, end


def loads(text: str) -> Any:
    """``json.loads`` with the limits."""
    dec = decoder()
    start = len(text) - len(text.lstrip(" \t\n\r"))
    value, end = raw_decode(dec, text, start)
    if text[end:].strip(" \t\n\r"):
        raise json.JSONDecodeError("Extra data", text, end)
    return value
