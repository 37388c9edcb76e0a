"""The same group listed by two sources (an intergroup feed and a county sheet): when two
listings are one group, by a rule that would rather miss a duplicate than merge two meetings.

Pure. ``identity(...)`` reduces a listing to what the rule compares (an ``Identity``), and
``same_group(a, b)`` says why two identities are the same group, or None. Two listings are the
same group when ALL of these hold:

- **schedule**: the same confirmed meetings — the same set of (frequency, interval, weekdays,
  start time); end times may differ (one source gives the default hour, the other 90 minutes).
  A listing with no confirmed time ("Thursday evenings", schedule unknown) is never matched, and
  one meeting of a group that meets on two days is not the same as the other day's;
- **fellowship**: when both carry a fellowship topic (``FELLOWSHIP_TOPICS``: alcohol, drug,
  family-member, eating-disorder or gambling recovery), they share one — AA's alcohol recovery
  is not Al-Anon's family members, though both meet at 7 in the same church hall; a fellowship
  named in the name ("AA", "Al-Anon", "Nar-Anon", "NA"...) counts as one; other topics (often
  guessed from a calendar's title) do not decide; when both name an audience, they share one;
- **name**: the same words once normalised (case, accents, punctuation, "&"/"and", "St."/"Saint",
  and the filler words "group", "meeting", "the", fellowship initials, weekday and part-of-day
  words dropped); or one name's words inside the other's, the shorter keeping two words or more
  and the longer adding no word about who it is for ("Women's", "Men's", "Young People",
  "Spanish"...); or a near spelling (a typo: 90% alike);
- **place**: the same street address (house number and street, "St."/"Street", "Ave"/"Avenue",
  directions and room/suite/floor parts normalised) and, where both give them, the same city and
  ZIP code; or, where a street is missing on one side, coordinates within ``NEAR_METRES`` or the
  same venue name; or, online, the same meeting link (a Zoom meeting by its number) or dial-in
  number. Two different street addresses are never the same place, whatever the coordinates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

#: Coordinates this close are the same place (when a street address is missing on one side).
NEAR_METRES = 100.0
#: Topics that say which fellowship a meeting belongs to (what --fellowship gives a feed).
FELLOWSHIP_TOPICS = frozenset({"alcohol-recovery", "drug-recovery", "family-members",
                               "eating-disorders", "gambling"})
#: Two names this alike (difflib ratio over their normalised words) are one spelt two ways.
NAME_SIMILARITY = 0.9

_NAME_FILLER = frozenset(["the", "a", "an", "of", "and", "at", "in", "on", "for", "group", "groups", "grp", "meeting", "meetings", "mtg", "mtgs", "aa", "na", "ca", "al", "anon", "alanon", "alateen", "oa", "ga", "sa", "ma", "cma", "coda", "slaa", "12", "twelve", "mon", "monday", "mondays", "tue", "tues", "tuesday", "tuesdays", "wed", "weds", "wednesday", "wednesdays", "thu", "thur", "thurs", "thursday", "thursdays", "fri", "friday", "fridays", "sat", "saturday", "saturdays", "sun", "sunday", "sundays", "daily", "morning", "mornings", "noon", "afternoon", "afternoons", "evening", "evenings", "night", "nights", "nite", "late", "early", "am", "pm", "lunch", "lunchtime"])
#: Words that say who a meeting is for: a name that adds one is another meeting.
_AUDIENCE_WORDS = frozenset(["women", "womens", "woman", "mens", "men", "man", "ladies", "gay", "lesbian", "lgbt", "lgbtq", "lgbtqia", "queer", "trans", "young", "youth", "people", "yp", "teen", "teens", "senior", "seniors", "older", "spanish", "espanol", "hispano", "hispana", "latino", "latina", "latinos", "mujeres", "hombres", "jovenes", "newcomer", "newcomers", "beginner", "beginners", "veterans", "vets", "family", "families", "parents", "sober", "sisters", "brothers"])
_NAME_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_STREET_WORDS = {
    "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "rd": "road",
    "blvd": "boulevard", "dr": "drive", "ln": "lane", "ct": "court", "pl": "place",
    "hwy": "highway", "pkwy": "parkway", "pky": "parkway", "cir": "circle", "ter": "terrace",
    "terr": "terrace", "sq": "square", "trl": "trail", "tpke": "turnpike", "expy": "expressway",
    "n": "north", "s": "south", "e": "east", "w": "west", "ne": "northeast", "nw": "northwest",
    "se": "southeast", "sw": "southwest", "mt": "mount", "ft": "fort", "saint": "saint",
}
_STREET_SUFFIXES = frozenset({
    "street", "avenue", "road", "boulevard", "drive", "lane", "court", "place", "highway",
    "parkway", "circle", "terrace", "square", "trail", "turnpike", "expressway", "way", "alley",
    "loop", "row", "plaza", "pike", "run", "walk", "crescent", "close",
})
_ROOM = re.compile(
    r"\b(?:room|rm|suite|ste|unit|apt|apartment|floor|fl|flr|bldg|basement|upstairs|"
    r"downstairs)\b\.?\s*[#\w-]*|#\s*\w+",
    re.IGNORECASE)
_VENUE_FILLER = frozenset({"the", "of", "and", "hall", "room", "building", "center", "centre",
                           "fellowship", "basement", "parish", "annex"})


@dataclass(frozen=True)
class Identity:
    """What the same-group rule compares about one listing (see the module docstring)."""

    name: tuple[str, ...]  # normalised name words, filler dropped, in order
    slots: frozenset[tuple[str, int, tuple[str, ...], int]]
    topics: frozenset[str]  # the fellowship topics only
    audience: frozenset[str]
    street: str | None  # "431 osprey way"
    venue: frozenset[str]  # words of a place name without a street number
    city: str | None
    postal: str | None  # the first five digits
    latitude: float | None
    longitude: float | None
    link: str | None
    phone: str | None  # digits only
    format: str

    @property
    def slot_key(self) -> frozenset[tuple[str, int, tuple[str, ...], int]]:
        """The index key: only listings with the same slots can be the same group."""
        return self.slots


_MARKS = re.compile(r"[^\w#]+")


@lru_cache(maxsize=16384)
def fold(text: str | None) -> str:
    """Case-folded, accents stripped, "&" as "and", every other mark a space. (Cached: an
    import folds the same cities, streets and words over and over.)"""
    if not text:
        return ""
    plain = text.casefold()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(_MARKS.sub(" ", plain).split())


def name_words(name: str) -> tuple[str, ...]:
    words = [_NAME_WORDS.get(w, w) for w in fold(name).split()]
    kept = tuple(w for w in words if w not in _NAME_FILLER)
    return kept or tuple(words)


def street_key(address: str | None) -> str | None:
    """"431 osprey way" from "Alano Club, 431 Osprey Way, Room 2" (None without a house
    number followed by a street name)."""
    if not address:
        return None
    for segment in address.split(","):
        words = [_STREET_WORDS.get(w, w) for w in fold(_ROOM.sub(" ", segment)).split()]
        for i, word in enumerate(words):
            if not re.fullmatch(r"\d+[a-z]?", word) or i + 1 >= len(words):
                continue
            rest = words[i + 1:]
            if rest[0].isdigit() and len(rest) == 1:
                continue
            street = []
            for w in rest:
                street.append(w)
                if w in _STREET_SUFFIXES and len(street) > 1:
                    break
            return " ".join([word, *street])
    return None


def _venue(address: str | None) -> frozenset[str]:
    if not address:
        return frozenset()
    for segment in address.split(","):
        text = fold(_ROOM.sub(" ", segment))
        if text and not re.match(r"\d", text):
            words = [_NAME_WORDS.get(w, w) for w in text.split()]
            return frozenset(w for w in words if w not in _VENUE_FILLER)
    return frozenset()


def link_key(url: str | None) -> str | None:
    """A meeting link without scheme, "www.", query or trailing slash; a Zoom link by its
    meeting number (any zoom.us host, /j/ or /my/)."""
    if not url:
        return None
    text = url.strip().casefold()
    zoom = re.search(r"zoom\.us/(?:j|w|s|wc/join)/(\d{9,12})", text)
    if zoom:
        return "zoom:" + zoom.group(1)
    text = re.sub(r"^[a-z]+://", "", text)
    text = re.sub(r"^www\.", "", text)
    return text.split("?")[0].split("#")[0].rstrip("/") or None


def _digits(text: str | None) -> str | None:
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 7 else None


def _postal(text: str | None) -> str | None:
    m = re.match(r"\s*(\d{5})", text or "")
    return m.group(1) if m else (fold(text).replace(" ", "") or None)


#: Fellowship words in a name, as the topic they stand for: "Al-Anon Serenity Group" is not AA's
#: "Serenity Group" at the same hour, even when neither listing carries topics. Two-word
#: markers are read first ("al anon" before "anon").
_NAME_FELLOWSHIPS = {
    "al anon": "family-members", "alanon": "family-members", "alateen": "family-members",
    "nar anon": "family-members", "naranon": "family-members", "gam anon": "family-members",
    "coda": "family-members", "aa": "alcohol-recovery", "na": "drug-recovery",
    "ca": "drug-recovery", "cma": "drug-recovery", "oa": "eating-disorders",
    "ga": "gambling",
}
_FELLOWSHIP_IN_NAME = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _NAME_FELLOWSHIPS), key=len, reverse=True))
    + r")\b")


def name_fellowships(name: str) -> frozenset[str]:
    """The fellowship topics a name says ("AA", "Al-Anon", "Nar-Anon"...)."""
    return frozenset(_NAME_FELLOWSHIPS[m] for m in _FELLOWSHIP_IN_NAME.findall(fold(name)))


def identity(
    *,
    name: str,
    meetings: Sequence[Any],
    topics: Iterable[str] = (),
    audience: Iterable[str] = (),
    address: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    online_url: str | None = None,
    online_phone: str | None = None,
    format: str = "in_person",
) -> Identity | None:
    """A listing's identity, or None when it cannot be matched (no confirmed meeting time)."""
    slots = schedule_slots(meetings)
    if not slots:
        return None
    in_person = format != "online"
    city_key = " ".join(_STREET_WORDS.get(w, w) for w in fold(city).split()) or None
    return Identity(
        name=name_words(name), slots=slots,
        topics=(frozenset(topics) & FELLOWSHIP_TOPICS) | name_fellowships(name),
        audience=frozenset(audience),
        street=street_key(address) if in_person else None,
        venue=_venue(address) if in_person else frozenset(),
        city=city_key if in_person else None,
        postal=_postal(postal_code) if in_person else None,
        latitude=latitude if in_person else None, longitude=longitude if in_person else None,
        link=link_key(online_url) if format != "in_person" else None,
        phone=_digits(online_phone) if format != "in_person" else None,
        format=format,
    )


_WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _slots(m: Any) -> list[tuple[str, int, tuple[str, ...], int]]:
    """One slot per weekday: "Mon-Fri 7am" as one meeting or five is the same schedule, and a
    daily meeting is a weekly one on every day."""
    if m.freq == "DAILY" and m.interval == 1:
        return [("WEEKLY", 1, (d,), m.start) for d in _WEEK]
    days = tuple(m.byday) or ("",)
    return [(m.freq, m.interval, (d,), m.start) for d in days]


def schedule_slots(meetings: Sequence[Any]) -> frozenset[tuple[str, int, tuple[str, ...], int]]:
    """The confirmed meetings as slots (``Identity.slots``): what must be equal first."""
    return frozenset(slot for m in meetings if not getattr(m, "approximate", False)
                     for slot in _slots(m))


def _names_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if a == b:
        return True
    sa, sb = set(a), set(b)
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    if small and small <= large and len(small) >= 2 and not (large - small) & _AUDIENCE_WORDS:
        return True
    if (sa ^ sb) & _AUDIENCE_WORDS:
        return False
    ratio = SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()
    return ratio >= NAME_SIMILARITY


def _streets_agree(a: str, b: str) -> bool:
    """Equal, or the same number and street where one stops short of its suffix ("12 Main" and
    "12 Main Street"; a street written without a suffix may run on into the city)."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return (len(short) >= 2 and short[-1] not in _STREET_SUFFIXES
            and long[:len(short)] == short)


def _same_place(a: Identity, b: Identity) -> str | None:
    if a.link and b.link and a.link == b.link:
        return "the same meeting link"
    if a.phone and b.phone and a.phone == b.phone and a.format != "in_person" \
            and b.format != "in_person":
        return "the same dial-in number"
    if a.format == "online" or b.format == "online":
        return None  # online on one side: only a link or a number can tell
    if a.city and b.city and a.city != b.city:
        return None
    if a.postal and b.postal and a.postal != b.postal:
        return None
    if a.street and b.street:
        return "the same address" if _streets_agree(a.street, b.street) else None
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        from peercli.core.geo import haversine_km

        km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]
        if km * 1000 <= NEAR_METRES:
            return "the same place (coordinates)"
    if len(a.venue) >= 2 and len(b.venue) >= 2 and (a.venue <= b.venue or b.venue <= a.venue):
        return "the same venue"
    return None


def same_group(a: Identity, b: Identity) -> str | None:
    """Why ``a`` and ``b`` are one group ("same name, schedule and address"), or None."""
    if a.slots != b.slots:
        return None
    if a.topics and b.topics and not a.topics & b.topics:
        return None
    if a.audience and b.audience and not a.audience & b.audience:
        return None
    if not _names_agree(a.name, b.name):
        return None
    place = _same_place(a, b)
    if place is None:
        return None
    return f"same name, schedule and {place.removeprefix('the same ')}"
