"""The topic vocabulary: canonical slugs for what a person or a group is about, with human labels
and the phrases people actually type ("AA", "bereavement", "anxeity").

Pure module (no Typer, SQLite or Rich). The vocabulary ships as package data
(`peercli/data/topics.json`); a user file of the same shape (read by `importers.userfiles`) adds topics or
merges synonyms into the shipped ones. Importers, intake and the matcher all normalize through
`Vocabulary.normalize`, so "Grief & Loss", "bereavement" and "grief" end up as the same slug.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from peercli.core.errors import PeerError

CATEGORIES: tuple[str, ...] = (
    "mental-health",
    "substance-use",
    "grief-trauma",
    "family-caregivers",
    "identity",
    "health-conditions",
    "social-activity",
    "other",
)
DEFAULT_CATEGORY = "other"

# Close-misspelling matching (difflib ratio). Only for inputs and keys of at least this many
# characters: short words are too easy to confuse ("trans" / "train").
FUZZY_CUTOFF = 0.85
FUZZY_MIN_LENGTH = 5

# Words that say "this is a group" rather than what it is about: "Anxiety support group" -> anxiety.
_FILLER_WORDS = frozenset(
    [
        "support",
        "group",
        "meeting",
        "circle",
        "club",
        "class",
        "the",
        "for",
        "a",
        "an",
        "people",
        "living",
        "with",
        "peer",
        "program",
        "network",
        "topic",
        "session",
    ]
)
_LIST_SEPARATORS = re.compile(r"[,;|\n]")
_CONJUNCTION = re.compile(r"\s*&\s*|\s+and\s+|\s+\+\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"['’‘`]")
_MEMO_LIMIT = 50_000


class VocabularyError(PeerError):
    """A topics file that cannot be read or that contradicts itself."""


@dataclass(frozen=True)
class Topic:
    """One canonical topic: `slug` is stored, `label` is shown, `synonyms` are matched."""

    slug: str
    label: str
    category: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Normalized:
    """The result of normalizing a list of topics.

    `slugs` holds every topic in input order without duplicates, known or not; `unknown` the
    subset that is not in the vocabulary and was kept as its own slug (importers count these).
    """

    slugs: tuple[str, ...]
    unknown: tuple[str, ...]
    #: (phrase as typed, slug) for each phrase read as a close misspelling of a known topic.
    corrected: tuple[tuple[str, str], ...] = ()


def _fold(text: str) -> str:
    """Lowercase, strip accents and apostrophes, spell "&" as "and"."""
    if text.isascii():  # nothing to decompose (the common case, and much cheaper)
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("", stripped)
    return stripped.replace("&", " and ").casefold()


def _singular(word: str) -> str:
    """A crude English singular, applied the same way to input and vocabulary, so it only has
    to be consistent, not correct: "parents" -> "parent", "families" -> "family"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s"):
        return word
    return word[:-1]


def _words(text: str) -> list[str]:
    return [_singular(word) for word in _WORD.findall(_fold(text))]


def match_key(text: str) -> str:
    """The form two phrases share when they mean the same topic: case, accents, spacing,
    punctuation and plurals removed. "Al-Anon" / "alanon", "Eating Disorders" / "eating-disorder"."""
    return "".join(_words(text))


def slugify(text: str) -> str:
    """A lowercase, hyphenated slug: "Chronic Pain!" -> "chronic-pain", "Café Club" -> "cafe-club"."""
    return "-".join(_WORD.findall(_fold(text)))


def _prettify(slug: str) -> str:
    words = slug.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Vocabulary:
    """The topics and an index from every slug, label and synonym (by `match_key`) to a slug.

    If two topics claim the same phrase the first one keeps it; `conflicts()` lists such phrases
    (the shipped vocabulary has none, and a test keeps it that way).
    """

    topics: tuple[Topic, ...]
    _by_slug: dict[str, Topic] = field(init=False, repr=False, compare=False)
    _index: dict[str, str] = field(init=False, repr=False, compare=False)
    _conflicts: tuple[tuple[str, str, str], ...] = field(init=False, repr=False, compare=False)
    _fuzzy_keys: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    _memo: dict[str, tuple[str, bool]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_slug: dict[str, Topic] = {}
        index: dict[str, str] = {}
        conflicts: list[tuple[str, str, str]] = []
        for topic in self.topics:
            by_slug.setdefault(topic.slug, topic)
            for phrase in (topic.slug, topic.label, *topic.synonyms):
                key = match_key(phrase)
                if not key:
                    continue
                owner = index.setdefault(key, topic.slug)
                if owner != topic.slug:
                    conflicts.append((phrase, owner, topic.slug))
        fuzzy = tuple((key, slug) for key, slug in index.items() if len(key) >= FUZZY_MIN_LENGTH)
        object.__setattr__(self, "_by_slug", by_slug)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_conflicts", tuple(conflicts))
        object.__setattr__(self, "_fuzzy_keys", fuzzy)
        object.__setattr__(self, "_memo", {})

    def get(self, slug: str) -> Topic | None:
        """The topic with exactly this slug, or None."""
        return self._by_slug.get(slug.strip().lower())

    def conflicts(self) -> tuple[tuple[str, str, str], ...]:
        """(phrase, slug that kept it, slug that also claimed it) for every ambiguous phrase."""
        return self._conflicts

    def normalize_one(self, text: str) -> tuple[str, bool]:
        """The slug for one topic as typed, and whether it is in the vocabulary.

        Tries an exact match on slug, label or synonym (ignoring case, spacing, punctuation and
        plurals), then the same without filler words ("... support group"), then a close
        misspelling; otherwise returns `slugify(text)` with known=False.
        """
        cached = self._memo.get(text)
        if cached is not None:
            return cached
        result = self._normalize_uncached(text)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[text] = result
        return result

    def _normalize_uncached(self, text: str) -> tuple[str, bool]:
        words = _words(text)
        key = "".join(words)
        if not key:
            return "", False
        keys = [key]
        essential = "".join(word for word in words if word not in _FILLER_WORDS)
        if essential and essential != key:
            keys.append(essential)
        for candidate in keys:
            slug = self._index.get(candidate)
            if slug is not None:
                return slug, True
        for candidate in keys:
            slug = self._closest(candidate)
            if slug is not None:
                return slug, True
        return slugify(text), False

    def _closest(self, key: str) -> str | None:
        """The slug of the one phrase `key` is a close misspelling of; None if none or a tie."""
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        from difflib import SequenceMatcher

        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        best: dict[str, float] = {}
        for phrase_key, slug in self._fuzzy_keys:
            # A ratio >= cutoff is impossible when the lengths differ this much.
            if 2 * min(len(key), len(phrase_key)) < FUZZY_CUTOFF * (len(key) + len(phrase_key)):
                continue
            matcher.set_seq1(phrase_key)
            if matcher.real_quick_ratio() < FUZZY_CUTOFF or matcher.quick_ratio() < FUZZY_CUTOFF:
                continue
            score = matcher.ratio()
            if score >= FUZZY_CUTOFF and score > best.get(slug, 0.0):
                best[slug] = score
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 1e-9:
            return None  # equally close to two different topics: do not guess
        return ranked[0][0]

    def normalize(self, items: str | Iterable[str]) -> Normalized:
        """Normalize topics as typed: a string is split on "," ";" "/" "|"; so is each item of a
        list. "AA/NA" gives both recovery topics, but "HIV/AIDS" is one known phrase and stays
        one. A phrase joined by "and" / "&" that is not itself known is split when a part is
        known ("Anxiety & Depression"). Duplicates are dropped, input order kept."""
        raw = [items] if isinstance(items, str) else list(items)
        slugs: list[str] = []
        unknown: list[str] = []
        corrected: list[tuple[str, str]] = []

        def add(slug: str, known: bool) -> None:
            if slug and slug not in slugs:
                slugs.append(slug)
                if not known:
                    unknown.append(slug)

        for item in raw:
            for piece in _LIST_SEPARATORS.split(item):
                for phrase in self._split_slashes(piece):
                    for slug, known in self._normalize_phrase(phrase):
                        add(slug, known)
                    slug, known = self.normalize_one(phrase)
                    if known and not self._exact(phrase) and (phrase.strip(), slug) not in corrected:
                        corrected.append((phrase.strip(), slug))
        return Normalized(slugs=tuple(slugs), unknown=tuple(unknown), corrected=tuple(corrected))

    def _exact(self, text: str) -> bool:
        """Is ``text`` a slug, label or synonym (case, spacing, plurals, filler words aside),
        not a close misspelling of one?"""
        words = _words(text)
        essential = "".join(word for word in words if word not in _FILLER_WORDS)
        return "".join(words) in self._index or essential in self._index

    def _split_slashes(self, piece: str) -> list[str]:
        if "/" not in piece:
            return [piece]
        if self._exact(piece):  # "HIV/AIDS" is one phrase
            return [piece]
        parts = piece.split("/")
        if all(self.normalize_one(part)[1] for part in parts if part.strip()):
            return parts  # "AA /sobriety": two known phrases, not one misspelt
        _, known = self.normalize_one(piece)
        return [piece] if known else parts

    def _normalize_phrase(self, phrase: str) -> list[tuple[str, bool]]:
        slug, known = self.normalize_one(phrase)
        if known or not slug or not _CONJUNCTION.search(phrase):
            return [(slug, known)]
        parts = [self.normalize_one(part) for part in _CONJUNCTION.split(phrase) if part.strip()]
        if any(part_known for _, part_known in parts):
            return parts
        return [(slug, known)]

    def label(self, slug: str) -> str:
        """The human label for a slug; an unknown slug prettified ("pet-loss" -> "Pet loss")."""
        topic = self.get(slug)
        return topic.label if topic else _prettify(slug)

    def completions(self) -> list[str]:
        """Every label, slug and synonym once, for prompt completion."""
        seen: dict[str, None] = {}
        for topic in self.topics:
            seen.setdefault(topic.label, None)
        for topic in self.topics:
            seen.setdefault(topic.slug, None)
        for topic in self.topics:
            for synonym in topic.synonyms:
                seen.setdefault(synonym, None)
        return list(seen)

    def by_category(self) -> dict[str, tuple[Topic, ...]]:
        """Topics grouped by category, in `CATEGORIES` order (for listings and pickers)."""
        grouped: dict[str, list[Topic]] = {category: [] for category in CATEGORIES}
        for topic in self.topics:
            grouped.setdefault(topic.category, []).append(topic)
        return {category: tuple(topics) for category, topics in grouped.items() if topics}


# -- loading -------------------------------------------------------------------------------


def _topic_entries(data: Any, source: str) -> list[Mapping[str, Any]]:
    entries = data.get("topics") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise VocabularyError(
            f'topics file {source} should hold {{"topics": [...]}} or a list of topics'
        )
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise VocabularyError(f"topics file {source}: topic {number} is not an object")
    return entries


def _text_field(entry: Mapping[str, Any], name: str, number: int, source: str) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise VocabularyError(
            f"topics file {source}: topic {number} has an empty or non-text {name!r}"
        )
    return value.strip()


def _synonyms_field(entry: Mapping[str, Any], number: int, source: str) -> tuple[str, ...]:
    value = entry.get("synonyms", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise VocabularyError(
            f"topics file {source}: topic {number} 'synonyms' should be a list of phrases"
        )
    cleaned: dict[str, None] = {}
    for item in value:
        phrase = " ".join(item.split()).lower()
        if phrase:
            cleaned.setdefault(phrase, None)
    return tuple(cleaned)


def _parse_topics(data: Any, source: str, *, defaults: bool) -> list[Topic | dict[str, Any]]:
    """Validate entries. With `defaults` (a user file) label and category may be left out."""
    parsed: list[Topic | dict[str, Any]] = []
    for number, entry in enumerate(_topic_entries(data, source), start=1):
        raw_slug = _text_field(entry, "slug", number, source)
        slug = slugify(raw_slug) if raw_slug else ""
        if not slug:
            raise VocabularyError(f"topics file {source}: topic {number} needs a 'slug'")
        label = _text_field(entry, "label", number, source)
        category = _text_field(entry, "category", number, source)
        if category is not None and category not in CATEGORIES:
            raise VocabularyError(
                f"topics file {source}: topic {number} has category {category!r}; "
                f"expected one of {', '.join(CATEGORIES)}"
            )
        synonyms = _synonyms_field(entry, number, source)
        if defaults:
            parsed.append(
                {"slug": slug, "label": label, "category": category, "synonyms": synonyms}
            )
        else:
            if label is None or category is None:
                raise VocabularyError(
                    f"topics file {source}: topic {number} needs a label and category"
                )
            parsed.append(Topic(slug=slug, label=label, category=category, synonyms=synonyms))
    return parsed


def merge_topics(
    base: Iterable[Topic], extra: Iterable[Mapping[str, Any]], source: str
) -> tuple[Topic, ...]:
    """Add user topics to `base`: a known slug gets the new synonyms (and label / category when
    given); a new slug becomes a topic. A phrase the user gives to one topic is taken away from
    any other topic that had it, so the result stays unambiguous; claiming another topic's slug
    or label is an error."""
    topics: dict[str, Topic] = {topic.slug: topic for topic in base}
    claimed: dict[str, str] = {}  # match key -> slug the user file gave it to
    for entry in extra:
        slug = entry["slug"]
        old = topics.get(slug)
        label = entry["label"] or (old.label if old else _prettify(slug))
        category = entry["category"] or (old.category if old else DEFAULT_CATEGORY)
        synonyms = dict.fromkeys(old.synonyms if old else ())
        synonyms.update(dict.fromkeys(entry["synonyms"]))
        topics[slug] = Topic(slug=slug, label=label, category=category, synonyms=tuple(synonyms))
        for phrase in (slug, label, *entry["synonyms"]):
            claimed[match_key(phrase)] = slug

    for key, owner in claimed.items():
        for slug, topic in list(topics.items()):
            if slug == owner:
                continue
            if key in (match_key(topic.slug), match_key(topic.label)):
                raise VocabularyError(
                    f"topics file {source}: topic {owner!r} claims {key!r}, which is the topic "
                    f"{slug!r}; remove it or use a different phrase"
                )
            kept = tuple(s for s in topic.synonyms if match_key(s) != key)
            if kept != topic.synonyms:
                topics[slug] = Topic(topic.slug, topic.label, topic.category, kept)
    return tuple(topics.values())


def _decode(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise VocabularyError(
            f"topics file {source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def vocabulary_from_json(text: str, source: str, base: tuple[Topic, ...] = ()) -> Vocabulary:
    """A vocabulary from the text of a topics file: the shipped one when `base` is empty,
    otherwise `base` extended by a user file of the same shape (`source` names it in errors)."""
    if not base:
        parsed = _parse_topics(_decode(text, source), source, defaults=False)
        return Vocabulary(tuple(topic for topic in parsed if isinstance(topic, Topic)))
    entries = _parse_topics(_decode(text, source), source, defaults=True)
    return Vocabulary(merge_topics(base, [e for e in entries if isinstance(e, dict)], source))
