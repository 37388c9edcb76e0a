"""BMLT formats: a server's GetFormats list (``Format``: key, name, world id), the stock English
keys used when no list is given, and what each world id means for peer's fields.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from peercli.importers.jsondoc import read_document, text_of
from peercli.importers.records import ImportFileError

# Stock English key strings of the BMLT server's default format set -> world_id (used only when
# no GetFormats list is available).
STOCK_KEYS = {
    "O": "OPEN", "C": "CLOSED", "B": "BEG", "BEG": "BEG", "W": "W", "M": "M", "GL": "GL",
    "WC": "WCHR", "WCHR": "WCHR", "YP": "Y", "Y": "Y", "VM": "VM", "HY": "HYBR", "HYBR": "HYBR",
    "TC": "TC", "CW": "CW", "NC": "NC", "NS": "NS", "ES": "LANG", "BT": "BT", "IW": "IW",
    "JT": "JFT", "SD": "SD", "So": "SPK", "St": "STEP", "Ti": "TRAD", "To": "TOP",
    "D": "DISC", "IP": "IP", "LC": "LC", "RF": "VAR", "SG": "SWG", "Tr": "TRAD", "CL": "CAN",
    "Me": "MED", "QA": "QA", "GP": "GP", "SWG": "SWG",
}
AUDIENCE = {"W": "women", "M": "men", "GL": "lgbtq", "Y": "young-adults"}
ACCESS = {"WCHR": "wheelchair", "CW": "childcare"}
WORLD_NAMES = {
    "BT": "Basic Text", "IW": "It Works Study", "JFT": "Just For Today", "SD": "Speaker/Discussion",
    "SPK": "Speaker", "STEP": "Step", "TRAD": "Tradition", "TOP": "Topic", "DISC": "Discussion",
    "IP": "IP Study", "LC": "Living Clean", "VAR": "Format Varies", "SWG": "Step Working Guide",
    "CAN": "Candlelight", "MED": "Meditation", "QA": "Questions & Answers", "NC": "No Children",
    "NS": "Non-Smoking", "SMOK": "Smoking", "CH": "Closed Holidays", "GP": "Guiding Principles",
    "CPT": "12 Concepts", "RA": "Restricted Access", "LIT": "Literature", "SPAD":
    "Spiritual Principle a Day",
}
_HANDLED = {"OPEN", "CLOSED", "BEG", "VM", "HYBR", "TC", "LANG"} | set(AUDIENCE) | set(ACCESS)
# BMLT has no world_id for "we sign court cards": servers that offer it add their own format.
_POA_NAME = re.compile(r"proof of attendance|court\s*(?:card|slip|paper|sheet)|attendance\s*"
                       r"(?:card|slip|sheet|verification)s?\s*(?:signed|available)|sign(?:s|ed)?"
                       r"\s+(?:court|attendance)", re.IGNORECASE)


def signs_attendance(formats: list[Format]) -> bool | None:
    """True when one of the meeting's formats says it signs attendance slips, else None (a
    BMLT listing never says it does not)."""
    for f in formats:
        if f.key.upper() == "POA" or _POA_NAME.search(f.name):
            return True
    return None


class Format:
    """One format of the GetFormats list."""

    __slots__ = ("id", "key", "name", "world")

    def __init__(self, key: str, name: str, world: str, fid: str) -> None:
        self.key, self.name, self.world, self.id = key, name, world, fid


def _formats_from(doc: Any) -> list[Format]:
    items = doc.get("formats") if isinstance(doc, dict) else doc
    out = []
    for f in items if isinstance(items, list) else []:
        if isinstance(f, dict) and (text_of(f.get("key_string")) or text_of(f.get("id"))):
            out.append(Format(text_of(f.get("key_string")) or "", text_of(f.get("name_string"))
                              or "", (text_of(f.get("world_id")) or "").upper(),
                              text_of(f.get("id")) or ""))
    return out


def load_formats(path: Path) -> list[Format]:
    """A GetFormats answer (array, ``{"formats": [...]}`` or JSONP) from a file."""
    doc, _ = read_document(Path(path))
    found = _formats_from(doc)
    if not found:
        raise ImportFileError(f"{Path(path).name}: no formats found (expected a BMLT GetFormats "
                              "answer: a list of objects with key_string and world_id)")
    return found


def carries_formats(path: Path) -> bool:
    """Whether a GetSearchResults answer brings its own formats list (``{"meetings": [...],
    "formats": [...]}``). Every meeting has a "formats" key (its codes), so the text alone does
    not tell; an unreadable file says False (the import then reports what is wrong)."""
    from peercli.importers.jsondoc import read_document

    try:
        doc, _ = read_document(Path(path))
    except (ImportFileError, OSError, ValueError):
        return False
    return isinstance(doc, dict) and bool(_formats_from(doc))


def formats_url(search_url: str) -> str | None:
    """The GetFormats URL of the server a GetSearchResults URL points at (same root, JSON,
    every format), or None when the URL is not a BMLT client_interface URL."""
    m = re.match(r"^(?P<root>https?://.+?/client_interface/)(?:json|jsonp)/", search_url)
    if not m:
        return None
    return m.group("root") + "json/?switcher=GetFormats&show_all=1"
