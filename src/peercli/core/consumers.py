"""Consumer records, the pure part: reading the flags of ``consumer add/edit`` into the changes
to store, consent kinds and expiry dates, and the one rule for whether consent holds today.

Every reader raises PeerError naming the flag; nothing here touches the database. The topic
vocabulary is passed in (loading it reads files, which the core does not do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from peercli.core.availability import Window
    from peercli.core.topics import Vocabulary

NAME_MAX = 200


@dataclass
class ConsumerChanges:
    """What an add or edit sets. ``None`` means "leave as is" (for add: use the default)."""

    scalars: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    interests: list[str] | None = None
    availability: list[Window] | None = None
    #: Readings to tell the user about (an access need not in the vocabulary).
    notes: list[str] = field(default_factory=list)
    #: readings of --available that were a guess by rule, to show the user (not stored)
    warnings: list[str] = field(default_factory=list)
    #: readings of --interests to show the user: close misspellings read as a topic
    interest_notes: list[str] = field(default_factory=list)

    def field_names(self) -> list[str]:
        names = list(self.scalars) + list(self.lists)
        if self.interests is not None:
            names.append("interests")
        if self.availability is not None:
            names.append("availability")
        return names


@dataclass
class ConsumerFields:
    """The ``consumer add/edit`` flags as typed (None = not given). Mutable: on a terminal the
    intake fills in what the flags left out."""

    name: str | None = None
    interests: str | None = None
    available: list[str] | None = None
    formats: str | list[str] | None = None
    languages: str | None = None
    consent: str | None = None
    phone: str | None = None
    email: str | None = None
    postal_code: str | None = None
    access: str | None = None
    eligible: str | None = None
    goal: str | None = None
    note: str | None = None
    every: str | None = None
    pronouns: str | None = None
    contact_preference: str | None = None


# flag field -> stored column, for the free-text fields kept as typed (stripped; blank = unset)
_TEXT_COLUMNS = {"phone": "phone", "email": "email", "postal_code": "postal_code",
                 "goal": "goals", "note": "notes", "pronouns": "pronouns",
                 "contact_preference": "contact_preference"}


def _flag_error(flag: str, exc: ValueError) -> PeerError:
    return PeerError(f"{flag}: {exc}")


def check_name(name: str) -> str:
    from peercli.core.fieldcheck import one_line

    if not name.strip():
        raise PeerError("the name is empty: give a name or alias, e.g. \"Sam R.\"")
    if len(name) > NAME_MAX:
        raise PeerError(f"the name is longer than {NAME_MAX} characters")
    try:
        return one_line(name, limit=NAME_MAX, what="the name")
    except ValueError as exc:
        raise PeerError(str(exc)) from None


# flag field -> (flag, checker) for the free-text fields: shapes, length caps, control chars
def _text_checks() -> dict[str, tuple[str, Any]]:
    from peercli.core import fieldcheck as fc

    def line(what: str, limit: int = fc.LINE_MAX) -> Any:
        return lambda v: fc.one_line(v, limit=limit, what=what)

    return {
        "phone": ("--phone", fc.phone), "email": ("--email", fc.email),
        "postal_code": ("--postal-code", line("the postal code", 20)),
        "pronouns": ("--pronouns", line("the pronouns", 50)),
        "contact_preference": ("--contact-preference", line("the contact preference")),
        "goal": ("--goal", lambda v: fc.multi_line(v, what="the goal")),
        "note": ("--note", lambda v: fc.multi_line(v, what="the note")),
    }


def access_notes(value: str | None) -> list[str]:
    """A note for each access need that is not in the shared vocabulary (a typo would make the
    person unmatchable without a word)."""
    from peercli.core import vocab

    known = sorted(set(vocab.ACCESS_SYNONYMS.values()))
    return [f"--access: '{item}' is not a known access need (peer knows {', '.join(known)}); "
            "kept as typed, so only a group listing exactly that meets it"
            for item in vocab.parse_access(value) if item not in known]


def _lists(fields: ConsumerFields) -> dict[str, list[str]]:
    from peercli.core import vocab
    from peercli.core.languages import normalize_languages

    parsers: dict[str, tuple[str, Any, str]] = {
        "formats": ("--formats", vocab.parse_formats, "formats"),
        "languages": ("--languages", normalize_languages, "languages"),
        "access": ("--access", vocab.parse_access, "access_needs"),
        "eligible": ("--eligible", vocab.parse_audience, "eligible"),
    }
    out: dict[str, list[str]] = {}
    for key, (flag, parse, column) in parsers.items():
        value = getattr(fields, key)
        if value is not None:
            try:
                out[column] = list(parse(value))
            except ValueError as exc:
                raise _flag_error(flag, exc) from None
    return out


def read_consumer_fields(
    fields: ConsumerFields, vocabulary: Vocabulary | None
) -> tuple[ConsumerChanges, list[str]]:
    """The changes to store, and the interests not in the vocabulary (kept as their own topic).

    ``vocabulary`` is needed only when ``fields.interests`` is given."""
    from peercli.core.availability import AvailabilityError, read_availability_many
    from peercli.core.vocab import parse_cadence

    changes = ConsumerChanges()
    unknown: list[str] = []
    if fields.name is not None:
        changes.scalars["name"] = check_name(fields.name)
    checks = _text_checks()
    for key, column in _TEXT_COLUMNS.items():
        value = getattr(fields, key)
        if value is not None:
            flag, check = checks[key]
            try:
                changes.scalars[column] = check(value) or None
            except ValueError as exc:
                raise _flag_error(flag, exc) from None
    changes.notes.extend(access_notes(fields.access))
    if fields.every is not None:
        try:
            changes.scalars["cadence_days"] = parse_cadence(fields.every)
        except ValueError as exc:
            raise _flag_error("--every", exc) from None
    if fields.interests is not None:
        if vocabulary is None:
            raise ValueError("read_consumer_fields needs the vocabulary to read interests")
        normalized = vocabulary.normalize(fields.interests)
        changes.interests = list(normalized.slugs)
        unknown = list(normalized.unknown)
        changes.interest_notes = [f"'{typed}' read as {slug} (a close spelling; see peer topics)"
                                  for typed, slug in normalized.corrected]
    if fields.available:  # [] is Enter at the intake prompt: no free time recorded
        try:
            reading = read_availability_many(fields.available)
        except AvailabilityError as exc:
            raise _flag_error("--available", exc) from None
        changes.availability = list(reading.windows)
        changes.warnings = list(reading.warnings)
    changes.lists.update(_lists(fields))
    return changes, unknown


def read_consent_kinds(value: str | list[str] | None, flag: str = "--consent") -> list[str]:
    """store, contact, share (comma-separated) or all; [] when not given."""
    from peercli.core.vocab import parse_consent_kinds

    if value is None:
        return []
    try:
        return parse_consent_kinds(value)
    except ValueError as exc:
        raise _flag_error(flag, exc) from None


def read_expires(text: str | None, today: date | None = None) -> str | None:
    """A consent's ``--expires`` date (YYYY-MM-DD), as stored; a date before ``today`` is
    refused (consent that has already run out is a revoke)."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise PeerError(f"--expires: '{text}' is not a date (use YYYY-MM-DD)") from None
    if today is not None and day < today:
        raise PeerError(f"--expires: {day.isoformat()} is in the past; give a later date, or "
                        "revoke the consent instead")
    return day.isoformat()


def consent_holds(granted: bool, expires_on: str | None, today: str) -> bool:
    """The one consent rule: granted, and not past its expiry date (ISO dates compare as text;
    consent expiring today still holds today)."""
    return granted and not (bool(expires_on) and str(expires_on) < today)
