"""Shape checks for what people type into records: e-mail, phone, URL, one-line and multi-line
text (length caps, no control characters). Each returns the value (stripped) or raises
``ValueError`` with a message that starts with what was wrong; callers prefix the flag."""

from __future__ import annotations

import re

from peercli.core.safetext import CONTROL

LINE_MAX = 200
TEXT_MAX = 10_000
EMAIL_MAX = 254
PHONE_MAX = 40
URL_MAX = 2_000

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]+(?:\s*(?:x|ext\.?|extension)\s*[0-9]+)?$", re.IGNORECASE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _controls(value: str, allowed: str = "") -> list[str]:
    return [ch for ch in CONTROL.findall(value) if ch not in allowed]


def _shown(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def one_line(value: str, *, limit: int = LINE_MAX, what: str = "the value") -> str:
    """Text on one line: no newline, tab or other control character, at most ``limit``."""
    bad = _controls(value)
    if bad:
        kind = "a line break" if bad[0] in "\r\n" else f"a control character ({_shown(bad[0])})"
        raise ValueError(f"{what} contains {kind}; give it on one line, as plain text")
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit:,} characters")
    return value.strip()


def multi_line(value: str, *, limit: int = TEXT_MAX, what: str = "the text") -> str:
    """Free text: lines and tabs allowed (CR LF read as LF), no other control character."""
    value = value.replace("\r\n", "\n")
    bad = _controls(value, "\n\t")
    if bad:
        raise ValueError(f"{what} contains a control character ({_shown(bad[0])})")
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit:,} characters")
    return value.strip()


def email(value: str) -> str:
    text = one_line(value, limit=EMAIL_MAX, what="the email address")
    if text and not _EMAIL.match(text):
        raise ValueError(f"'{text}' is not an email address (like name@example.org)")
    return text


def phone(value: str) -> str:
    text = one_line(value, limit=PHONE_MAX, what="the phone number")
    digits = sum(ch.isdigit() for ch in text)
    if text and (not _PHONE.match(text) or digits < 3 or not text.isascii()):
        raise ValueError(f"'{text}' is not a phone number (digits, spaces, + - ( ) . and an "
                         "optional 'ext 12')")
    return text


def url(value: str) -> str:
    """An http(s) address; one without a scheme ("zoom.us/j/1") is kept as typed."""
    text = one_line(value, limit=URL_MAX, what="the address")
    if not text:
        return text
    if " " in text:
        raise ValueError(f"'{text}' is not a web address (it has spaces)")
    scheme = _SCHEME.match(text)
    if scheme and not (scheme.group(1).lower() in ("http", "https")
                       and text.lower().startswith(f"{scheme.group(1).lower()}://")):
        raise ValueError(f"'{text}' is not an http:// or https:// address")
    if scheme and not text.split("://", 1)[1].split("/", 1)[0]:
        raise ValueError(f"'{text}' has no host name")
    return text
