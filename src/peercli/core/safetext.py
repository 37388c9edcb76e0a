"""Text that is safe to show on a terminal, and checks for text that is safe to store.

A listing file or a record may hold control characters: escape sequences that clear the screen,
set the window title or write the clipboard (OSC 52), C1 controls that terminals read as CSI,
bidirectional overrides that make ``exe.png`` look like ``gnp.exe``. Everything peer renders for
a person goes through :func:`terminal_safe`, which shows each such character as a visible
escape (``\\x1b``, ``\\u202e``) instead of sending it to the terminal. Newlines are kept (notes
have lines); a tab becomes a space; CR LF becomes LF.
"""

from __future__ import annotations

import re

# C0 controls except LF, DEL, C1 controls, bidi embeddings/overrides/isolates and marks, the
# Unicode line and paragraph separators.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# The same set, plus LF and TAB: what a one-line value (a name) must not contain.
CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as a visible escape (LF kept)."""
    if not _UNSAFE.search(text) and "\t" not in text:
        return text
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _UNSAFE.sub(_escape, text)


def json_safe(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the controls JSON leaves
    raw (DEL, C1, bidi, separators) written as ``\\uXXXX`` escapes: the same data, decoded."""
    return re.sub(
        "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]",
        lambda m: f"\\u{ord(m.group(0)):04x}", dumped)


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` (for refusing them in one-line values)."""
    return CONTROL.findall(text)
