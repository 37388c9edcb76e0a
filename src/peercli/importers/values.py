"""Reading the small values people write in listing columns: format, facilitation, status,
audience and accessibility words, newcomer hints, coordinates, topics and languages.

Each parser takes the cell text and returns the normalized value, ``None`` for a blank cell,
or raises ``ValueError`` with a message that quotes the bad part and says what is expected.
Audience and accessibility tags share the consumer side's vocabulary (``peercli.core.vocab``) so the
matcher compares like with like. Results are cached: big files repeat the same few values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from peercli.core.vocab import ACCESS_SYNONYMS, AUDIENCE_SYNONYMS

_LIST_SPLIT = re.compile(r"\s*[,;/|]\s*")
_LANG_SPLIT = re.compile(r"\s*[,;/|&+]\s*|\s+and\s+|\s+y\s+", re.IGNORECASE)
_WORDS = re.compile(r"[^a-z0-9+]+")


def split_items(text: str) -> list[str]:
    """"a, b; c / d | e" -> ["a", "b", "c", "d", "e"]."""
    return [part for part in _LIST_SPLIT.split(text.strip()) if part]


def _words(text: str) -> str:
    return " " + _WORDS.sub(" ", text.casefold()).strip() + " "


# ---- format -------------------------------------------------------------------------------

_ONLINE_WORDS = (
    " online ", " virtual ", " zoom ", " video ", " remote ", " teams ", " google meet ",
    " webex ", " web ", " internet ", " phone ", " telephone ", " conference call ",
    " onl ", " skype ",
)
_PERSON_WORDS = (
    " in person ", " inperson ", " person ", " face to face ", " f2f ", " onsite ", " on site ",
    " physical ", " venue ", " in room ", " building ",
)
_YES = {"yes", "y", "true", "1", "x", "si", "sí", "oui", "ja"}
_NO = {"no", "n", "false", "0", "non", "nein"}


@lru_cache(maxsize=256)
def parse_format(text: str, header: str = "format") -> str | None:
    """in_person | online | hybrid from "In person", "Zoom", "Hybrid", "In-person & Zoom", or
    Yes/No in a column whose header says what yes means ("Online?", "In person?", "Hybrid?")."""
    value = text.strip()
    if not value:
        return None
    key = value.casefold().rstrip(".!")
    head = _words(header)
    if key in _YES or key in _NO:
        yes = key in _YES
        if " hybrid " in head:
            return "hybrid" if yes else None
        if any(w in head for w in _PERSON_WORDS):
            return "in_person" if yes else "online"
        return "online" if yes else "in_person"
    words = _words(value)
    if " hybrid " in words or " both " in words or " blended " in words:
        return "hybrid"
    online = any(w in words for w in _ONLINE_WORDS) or "://" in value
    person = any(w in words for w in _PERSON_WORDS)
    if online and person:
        return "hybrid"
    if online:
        return "online"
    if person:
        return "in_person"
    raise ValueError(
        f"unknown format '{value}' (expected in person, online or hybrid, or Yes/No in an "
        "'Online?' column)"
    )


def infer_format(address: str | None, online_url: str | None) -> str:
    """The format when the listing does not say: an online link makes it online (hybrid when
    there is also a street address)."""
    if online_url:
        return "hybrid" if address else "online"
    return "in_person"


# ---- facilitation, status ---------------------------------------------------------------

_FACILITATION = (
    ("mutual-aid", (" mutual aid ", " mutualaid ", " self help ", " 12 step ", " twelve step ",
                    " fellowship ", " 12step ")),
    ("peer-led", (" peer ", " peers ", " peer led ", " peerled ", " lived experience ",
                  " volunteer ", " volunteers ", " member led ", " self led ")),
    ("professional", (" professional ", " professionally ", " clinician ", " clinical ",
                      " therapist ", " counselor ", " counsellor ", " staff ", " psychologist ",
                      " social worker ", " nurse ", " lcsw ", " facilitator ", " licensed ",
                      " psychiatrist ", " doctor ", " clinician led ")),
)


@lru_cache(maxsize=256)
def parse_facilitation(text: str) -> str | None:
    """peer-led | professional | mutual-aid from "Peer-led", "peer led", "Clinician-led"..."""
    value = text.strip()
    if not value:
        return None
    words = _words(value)
    for slug, needles in _FACILITATION:
        if any(n in words for n in needles):
            return slug
    raise ValueError(
        f"unknown facilitation '{value}' (expected peer-led, professional or mutual aid)"
    )


_ACTIVE = {"active", "open", "yes", "running", "current", "ongoing", "meeting", "y", "true", "1"}
_INACTIVE = {
    "inactive", "closed", "suspended", "cancelled", "canceled", "ended", "discontinued",
    "defunct", "paused", "on hold", "temporarily closed", "temporarily suspended", "no", "n",
    "false", "0", "retired", "archived", "not meeting", "finished", "stopped", "tc",
}


@lru_cache(maxsize=64)
def parse_status(text: str) -> str | None:
    """active | inactive from "Active", "closed", "suspended", "temporarily closed"..."""
    key = " ".join(text.casefold().replace("_", " ").replace("-", " ").split()).rstrip(".")
    if not key:
        return None
    if key in _ACTIVE:
        return "active"
    if key in _INACTIVE or key.startswith(("closed", "suspended", "inactive", "cancel")):
        return "inactive"
    raise ValueError(f"unknown status '{text.strip()}' (expected active or inactive/closed)")


# ---- audience, accessibility (scan for known phrases) -----------------------------------


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in ordered)
    # an optional plural "s" ("induction loops", "ramps")
    return re.compile(r"(?<![\w+])(" + alternatives + r")s?(?![\w+])")


_AUDIENCE = dict(AUDIENCE_SYNONYMS)
_AUDIENCE.update({
    "veterans only": "veterans", "lgbtqia2s+": "lgbtq", "2slgbtq+": "lgbtq", "bisexual": "lgbtq",
    "teens": "young-adults", "teen": "young-adults", "students": "young-adults",
    "18-25": "young-adults", "18-30": "young-adults", "over 50": "older-adults",
    "over 55": "older-adults", "over 60": "older-adults", "50+": "older-adults",
    "55+": "older-adults", "60+": "older-adults", "65+": "older-adults",
    "elders": "older-adults", "moms": "parents", "mothers": "parents", "fathers": "parents",
    "dads": "parents", "spouses": "family-members", "loved ones": "family-members",
    "friends and family": "family-members", "bipoc": "bipoc",
})
_ACCESS = dict(ACCESS_SYNONYMS)
_ACCESS.update({
    "wheelchair accessible": "wheelchair", "wheelchair-accessible": "wheelchair",
    "accessible entrance": "wheelchair", "ada": "wheelchair", "ada accessible": "wheelchair",
    "american sign language": "asl", "signed": "asl", "bsl": "asl",
    "induction loop": "hearing-loop", "t-coil": "hearing-loop", "loop system": "hearing-loop",
    "closed captions": "captions", "subtitles": "captions", "step free": "step-free",
    "level access": "step-free", "ground floor": "step-free", "elevators": "step-free",
    "accessible bathroom": "accessible-toilet", "accessible restroom": "accessible-toilet",
    "accessible toilet": "accessible-toilet", "accessible washroom": "accessible-toilet",
    "babysitting": "childcare", "child-friendly": "childcare", "child friendly": "childcare",
    "fragrance-free": "scent-free",
})
# Phrases too ambiguous to find inside free text (they only count as a whole cell item).
_ACCESS_ITEM_ONLY = {"x", "cc", "accessible", "loop", "lift", "bus", "interpreter"}
_AUDIENCE_ITEM_ONLY = {"young", "family", "man", "male", "vet", "trans", "parent"}
_AUDIENCE_RE = _phrase_regex(k for k in _AUDIENCE if k not in _AUDIENCE_ITEM_ONLY)
_ACCESS_RE = _phrase_regex(k for k in _ACCESS if k not in _ACCESS_ITEM_ONLY)


_NEGATION = re.compile(r"\b(?:not|no|non|without|isn't|is not|unsuitable|inaccessible)\b")


def _scan(text: str, table: dict[str, str], regex: re.Pattern[str]) -> tuple[tuple[str, ...], bool]:
    """Tags found in ``text`` and whether every listed item was recognised."""
    tags: dict[str, None] = {}
    complete = True
    for item in re.split(r"\s*[,;|/]\s*|\s+and\s+|\s*&\s*", text.strip()):
        if not item:
            continue
        key = " ".join(item.casefold().split())
        if key in table:
            tags.setdefault(table[key], None)
            continue
        if _NEGATION.search(key):
            # "not suitable for wheelchairs", "no elevator": never claim what a listing denies
            complete = False
            continue
        found = regex.findall(key)
        if not found:
            complete = False
        for phrase in found:
            tags.setdefault(table[phrase], None)
    return tuple(tags), complete


@lru_cache(maxsize=1024)
def parse_audience(text: str) -> tuple[tuple[str, ...], bool]:
    """Audience tags (women, men, lgbtq, young-adults, older-adults, veterans, family-members,
    parents, caregivers, deaf, bipoc) and whether all of the text was understood."""
    return _scan(text, _AUDIENCE, _AUDIENCE_RE)


@lru_cache(maxsize=1024)
def parse_accessibility(text: str) -> tuple[tuple[str, ...], bool]:
    """Accessibility tags (wheelchair, step-free, asl, hearing-loop, captions, childcare,
    scent-free, accessible-toilet, ...) and whether all of the text was understood."""
    return _scan(text, _ACCESS, _ACCESS_RE)


# ---- newcomers -------------------------------------------------------------------------

_NEWCOMER_YES = re.compile(
    r"\b(newcomers?\s+(?:are\s+|always\s+)?welcome|open\s+(?:meeting|group|to\s+(?:all|everyone|"
    r"newcomers|the\s+public|anyone))|all\s+welcome|everyone\s+(?:is\s+)?welcome|"
    r"beginners?\s+welcome|drop[- ]in)\b",
    re.IGNORECASE,
)
_NEWCOMER_NO = re.compile(
    r"\b(closed\s+(?:meeting|group|to\s+newcomers)|members\s+only|no\s+new\s+members|"
    r"not\s+accepting\s+new|by\s+referral\s+only|invitation\s+only|registration\s+closed)\b",
    re.IGNORECASE,
)
NEWCOMER_TOKENS = {
    "open": True, "open meeting": True, "newcomers welcome": True, "newcomer": True,
    "newcomers": True, "beginners": True, "beginner": True, "all welcome": True,
    "drop-in": True, "drop in": True,
    "closed": False, "closed meeting": False, "members only": False,
}


def newcomers_from_text(text: str | None) -> bool | None:
    """True / False when free text says "newcomers welcome" / "closed meeting", else None."""
    if not text:
        return None
    if _NEWCOMER_NO.search(text):
        return False
    if _NEWCOMER_YES.search(text):
        return True
    return None


# ---- coordinates -------------------------------------------------------------------------

_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def parse_coordinate(text: str, kind: str) -> float | None:
    """A latitude (-90..90) or longitude (-180..180) in decimal degrees; "41,5" is accepted."""
    value = text.strip()
    if not value:
        return None
    if _DECIMAL_COMMA.match(value):
        value = value.replace(",", ".")
    limit = 90.0 if kind == "latitude" else 180.0
    try:
        number = float(value)
    except ValueError:
        raise ValueError(
            f"{kind} '{text.strip()}' is not a number (expected decimal degrees like 41.8781)"
        ) from None
    if not -limit <= number <= limit:
        raise ValueError(f"{kind} '{text.strip()}' is out of range (-{limit:g} to {limit:g})")
    return number


# ---- topics, languages (delegate to the shared vocabulary modules) -------------------------


class TopicReader:
    """Topic cells through the shared vocabulary, cached per distinct cell text.

    Returns (slugs including unknown ones, unknown slugs). Newcomer words ("Open", "Closed",
    "Newcomers welcome") in a topics/types cell are not topics: see ``read_with_newcomers``.
    """

    def __init__(self) -> None:
        from peercli.importers.userfiles import load_vocabulary

        self._vocabulary = load_vocabulary()
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool | None]] = {}

    def normalize(self, terms: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        terms = [t for t in terms if t and t.strip()]
        if not terms:
            return (), ()
        result = self._vocabulary.normalize(terms)
        slugs = dict.fromkeys(result.slugs)
        slugs.update(dict.fromkeys(result.unknown))
        return tuple(slugs), tuple(dict.fromkeys(result.unknown))

    def read_with_newcomers(
        self, text: str
    ) -> tuple[tuple[str, ...], tuple[str, ...], bool | None]:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        newcomers: bool | None = None
        terms = []
        for item in split_items(text):
            flag = NEWCOMER_TOKENS.get(" ".join(item.casefold().split()))
            if flag is not None:
                newcomers = flag if newcomers is None else (newcomers and flag)
                continue
            terms.append(item)
        slugs, unknown = self.normalize(terms)
        out = (slugs, unknown, newcomers)
        if len(self._cache) < 10_000:
            self._cache[text] = out
        return out


@lru_cache(maxsize=1024)
def parse_languages(text: str) -> tuple[tuple[str, ...], bool]:
    """ISO 639-1 codes from "Spanish", "es", "English; Spanish", "English & Spanish", and
    whether a sign language (ASL...) was listed: that is an access need (``asl``), not a
    language. Raises ValueError naming the first unknown language."""
    from peercli.core.languages import is_sign_language, normalize_languages

    items = [part for part in _LANG_SPLIT.split(text.strip()) if part]
    sign = [i for i in items if is_sign_language(i)]
    spoken = [i for i in items if not is_sign_language(i)]
    codes = normalize_languages(spoken) if spoken else ()
    return tuple(dict.fromkeys(codes)), bool(sign)
