"""What an edit changed, field by field, in words: ``interests: grief → grief, anxiety``.

Pure: ``field_changes(before, after, fields)`` compares two records (the JSON shapes the store
returns) on the fields listed, and returns one :class:`FieldChange` per field whose value differs;
an edit that changed nothing gives an empty list, so the command can say "Nothing changed.".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str  # the record's key ("postal_code")
    label: str  # as a person reads it ("postal code")
    before: str
    after: str

    @property
    def line(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


def show_value(value: Any) -> str:
    """A stored value as one short line: lists joined, absent values as a dash."""
    if value is None or value == "" or value == [] or value == ():
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(show_value(v) for v in value)
    text = " ".join(str(value).split())  # a note's line breaks would break the one line
    return text if len(text) <= 60 else text[:59] + "…"


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any], fields: Sequence[str],
                  shown: Mapping[str, Callable[[Any], str]] | None = None,
                  labels: Mapping[str, str] | None = None) -> list[FieldChange]:
    """The fields (in ``fields`` order) whose value differs between ``before`` and ``after``.
    ``shown`` formats a field's value where the default (:func:`show_value`) will not do;
    ``labels`` names a field where its key with spaces will not do."""
    out: list[FieldChange] = []
    for key in fields:
        old, new = before.get(key), after.get(key)
        if old == new or _same_items(old, new):
            continue
        fmt = (shown or {}).get(key, show_value)
        old_text, new_text = fmt(old), fmt(new)
        if old_text == new_text:  # e.g. the same words in another order
            continue
        label = (labels or {}).get(key, key.replace("_", " "))
        out.append(FieldChange(key, label, old_text, new_text))
    return out


def _same_items(old: Any, new: Any) -> bool:
    """Two lists with the same items in another order (interests, languages): not a change."""
    if not isinstance(old, (list, tuple)) or not isinstance(new, (list, tuple)):
        return False
    return sorted(map(repr, old)) == sorted(map(repr, new))
