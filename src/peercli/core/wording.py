"""Counts in words: every "N thing" peer says to a person goes through :func:`plural`, so it
reads "1 topic", "2 topics", "1 person", "3 people" — never "1 topics".

A test scans every string in the source for a parenthesised "s", so that lazy form cannot
come back.
"""

from __future__ import annotations

# Nouns whose plural is not the regular one (matched on the last word of the noun).
_IRREGULAR = {
    "person": "people",
    "is": "are",
    "was": "were",
    "has": "have",
    "this": "these",
    "that": "those",
    "copy": "copies",
}


def plural_noun(count: int, noun: str, many: str | None = None) -> str:
    """``noun`` as it reads after ``count``: "topic" for 1, "topics" otherwise (0 too).

    ``many`` gives an explicit plural; otherwise the last word is made plural by the usual
    English rules (person → people, entry → entries, box → boxes, meeting → meetings).
    """
    if count == 1:
        return noun
    if many is not None:
        return many
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower in _IRREGULAR:
        return prefix + _IRREGULAR[lower]
    if len(last) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        return prefix + last[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return prefix + last + "es"
    return prefix + last + "s"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """"1 topic", "2 topics", "1,204 rows": the count (thousands separated) and its noun."""
    return f"{count:,} {plural_noun(count, noun, many)}"
