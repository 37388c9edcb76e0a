"""Programme settings (``peer config``): what each key means, its default, and how it is read.

Kept in the database (``settings`` table) so a backup carries them. Every parser raises
``ValueError`` quoting the value and saying what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

CONSENT_POLICIES: dict[str, str] = {
    "share": "a covering release if there is one, else the general share consent",
    "release": "a release of information covering the group's organisation, always",
}


def _text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        text = " ".join(value.split())
        if not text:
            raise ValueError("empty: give a value, or use 'peer config unset KEY'")
        if len(text) > limit:
            raise ValueError(f"'{text[:40]}…' is longer than {limit} characters")
        return text

    return parse


def parse_service_code(value: str) -> str:
    """A billing code such as H0038 (HCPCS peer services), with modifiers: "H0038 HQ"."""
    text = " ".join(value.replace("-", " ").replace(":", " ").split()).upper()
    if not re.fullmatch(r"[A-Z0-9]{4,6}( [A-Z0-9]{2}){0,4}", text):
        raise ValueError(f"'{value}' is not a service code: use a code like H0038, "
                         "with modifiers after a space (H0038 HQ)")
    return text


def _whole(lo: int, hi: int, what: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 6 or not lo <= int(text) <= hi:
            raise ValueError(f"'{value}' is not {what} ({lo}-{hi})")
        return str(int(text))

    return parse


def _policy(value: str) -> str:
    key = value.strip().lower()
    if key not in CONSENT_POLICIES:
        raise ValueError(f"'{value}' is not a consent policy (use "
                         f"{' or '.join(CONSENT_POLICIES)})")
    return key


def _language(value: str) -> str:
    from peercli.core.languages import normalize_language

    return normalize_language(value)  # LanguageError is a ValueError


@dataclass(frozen=True)
class Setting:
    key: str
    help: str
    default: str | None
    parse: Callable[[str], str]


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("name", "your name, stamped on the notes you sign", None, _text(80)),
    Setting("credential", "your credential, e.g. CPRS or CPS", None, _text(40)),
    Setting("phone", "how the people you support reach you (on handouts)", None, _text(40)),
    Setting("email", "your work email (on handouts)", None, _text(120)),
    Setting("program", "the programme's name (notes, handouts, release forms)", None, _text(120)),
    Setting("language", "your language: its topic words complete first",
            None, _language),
    Setting("service-code", "default service code on notes", "H0038", parse_service_code),
    Setting("group-service-code", "service code on group session notes", "H0038 HQ",
            parse_service_code),
    Setting("late-after", "a note signed more than N business days after the contact is late",
            "2", _whole(0, 30, "a number of business days")),
    Setting("plan-review-days", "a recovery plan is reviewed every N days", "90",
            _whole(1, 730, "a number of days")),
    Setting("consent-policy", "what peer refer needs: " + "; ".join(
        f"{k} = {v}" for k, v in CONSENT_POLICIES.items()), "share", _policy),
)}


def parse_setting(key: str, value: str) -> tuple[str, str]:
    """The canonical key and value for ``peer config set KEY VALUE``."""
    name = key.strip().lower().replace("_", "-")
    if name not in SETTINGS:
        raise ValueError(f"unknown setting '{key}' (known: {', '.join(SETTINGS)})")
    return name, SETTINGS[name].parse(value)


def effective(stored: Mapping[str, str]) -> dict[str, str | None]:
    """Every setting with its stored value or its default."""
    return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}


def as_int(values: Mapping[str, str | None], key: str) -> int:
    value = values.get(key) or SETTINGS[key].default
    return int(value or 0)
