"""Reading a whole JSON document from a listing file, liberally: a byte-order mark, a JSONP
wrapper (``callback({...});``, as BMLT servers answer with ``/jsonp/``) and surrounding blanks are
accepted; a syntax error is an ``ImportFileError`` naming the line and column.

Also ``line_index``: the line on which each element of a top-level array (or of an array under a
known key) starts, found cheaply, so row errors can point into the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from peercli.importers.records import ImportFileError
from peercli.importers.textio import read_listing

MAX_JSON_BYTES = 100 * 1024 * 1024

_JSONP = re.compile(r"^\s*[A-Za-z_$][\w$.]*\s*\(\s*(?P<body>[\[{].*[\]}])\s*\)\s*;?\s*$", re.DOTALL)


def read_json_text(path: Path, *, max_bytes: int = MAX_JSON_BYTES) -> str:
    """The file as text (size-checked, decoded like the CSV readers)."""
    return read_listing(path, max_bytes=max_bytes)


def loads_document(text: str, name: str) -> Any:
    """Parse ``text`` (JSON, or JSONP), or raise ``ImportFileError`` at the failing line."""
    body = text.lstrip("\ufeff")
    stripped = body.strip()
    if not stripped:
        raise ImportFileError(f"{name} is empty")
    if stripped[0] not in "[{":
        m = _JSONP.match(stripped)
        if m:
            body = m.group("body")
    from peercli.importers import safejson

    try:
        return safejson.loads(body)
    except safejson.JsonLimitError as exc:
        raise ImportFileError(f"{name}: {exc}; refused") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            line=exc.lineno,
        ) from None
    except RecursionError:
        raise ImportFileError(f"{name}: the JSON is nested too deeply to read") from None


def read_document(path: Path, *, max_bytes: int = MAX_JSON_BYTES) -> tuple[Any, str]:
    """(parsed document, its text)."""
    text = read_json_text(path, max_bytes=max_bytes)
    return loads_document(text, path.name), text


_OBJECT_START = re.compile(r"\{")


def element_lines(text: str, count: int, marker: str) -> list[int]:
    """Best-effort line numbers of ``count`` array elements, each of which contains the key
    ``marker`` (e.g. ``"id_bigint"``): the line where that key first appears in each element.
    Falls back to 1 when the file does not have one marker per element."""
    needle = f'"{marker}"'
    lines: list[int] = []
    pos = 0
    line = 1
    counted = 0
    while len(lines) < count:
        found = text.find(needle, pos)
        if found < 0:
            break
        line += text.count("\n", counted, found)
        counted = found
        lines.append(line)
        pos = found + len(needle)
    if len(lines) != count:
        return [1] * count
    return lines


def text_of(value: Any) -> str | None:
    """A JSON value as stripped text; None for null, "", lists/objects of nothing."""
    if type(value) is str:  # the common case first (a feed is mostly strings)
        return value.strip() or None
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        value = ", ".join(str(v).strip() for v in value if v not in (None, "") and str(v).strip())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None
