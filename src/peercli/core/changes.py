"""What changed about a group between two imports of its directory, in words a specialist can
pass on ("Tuesday Grief Circle moved to Wed 18:30-20:00 (was Tue 18:30-20:00)").

Pure: ``diff_groups(before, after)`` compares two ``GroupState``s and returns ``Change``s, one per
kind of change; ``new_group`` / ``gone_group`` describe arrivals and departures. ``what`` is one
of ``CHANGE_KINDS``:

- ``new`` / ``gone``: listed for the first time / no longer listed (retired);
- ``schedule``: a day or time changed (the meetings compared as freq, interval, byday, start, end);
- ``place``: the address changed, or the coordinates moved more than ``MOVE_METRES``;
- ``online`` / ``in_person`` / ``hybrid``: the format it now has;
- ``inactive`` / ``reopened``: now inactive (closed, temporarily closed) / active again;
- ``renamed``;
- ``notice``: the listing's notes gained a sentence about whether, where or how it meets
  ("cancelled", "moved", "new location", "temporarily", "on hiatus", "now on Zoom", and the
  Spanish "cancelada", "se mudó", "temporalmente"...). A note change without such a sentence
  (a typo, a parking tip, a new contact name) is cosmetic: the group counts as updated, with no
  change line and no alert. See ``notice_sentences``.

Changes that touch a person with an open referral are the ones ``peer due`` reports (every
kind but ``new``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CHANGE_KINDS = ("new", "gone", "schedule", "place", "online", "in_person", "hybrid", "inactive",
                "reopened", "renamed", "notice")
#: Kinds that a person referred to the group should hear about.
ALERT_KINDS = frozenset(CHANGE_KINDS) - {"new"}
MOVE_METRES = 150.0


@dataclass(frozen=True)
class GroupState:
    """The parts of a group a change report compares."""

    name: str
    format: str
    status: str
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    meetings: tuple[Any, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class Change:
    what: str
    before: str | None
    after: str | None
    message: str


def schedule_text(meetings: Sequence[Any]) -> str:
    """"Tue 18:30-20:00; 1st Sat 10:00-11:00", or "schedule unknown"."""
    from peercli.core.schedule import describe_meeting

    if not meetings:
        return "schedule unknown"
    return "; ".join(describe_meeting(m) for m in meetings)


def place_text(state: GroupState) -> str:
    parts = [p for p in (state.address, state.city, state.postal_code) if p]
    return ", ".join(parts) if parts else "no address"


def _norm(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold()).split())


def _meeting_key(m: Any) -> tuple[Any, ...]:
    return (m.freq, m.interval, tuple(m.byday), m.start, m.end)


_FORMAT_WORDS = {"in_person": "in person", "online": "online", "hybrid": "in person and online"}


def diff_groups(before: GroupState, after: GroupState) -> list[Change]:
    """The changes from ``before`` to ``after`` (empty when nothing a person would notice)."""
    from peercli.core.geo import haversine_km

    name = after.name
    out: list[Change] = []
    if _norm(before.name) != _norm(after.name):
        out.append(Change("renamed", before.name, after.name,
                          f"{before.name} is now called {after.name}"))
    if sorted(map(_meeting_key, before.meetings)) != sorted(map(_meeting_key, after.meetings)):
        was, now = schedule_text(before.meetings), schedule_text(after.meetings)
        out.append(Change("schedule", was, now, f"{name} moved to {now} (was {was})"))
    moved = False
    if (_norm(before.address), _norm(before.city), _norm(before.postal_code)) != (
            _norm(after.address), _norm(after.city), _norm(after.postal_code)) and (
            after.address or after.city or after.postal_code) and after.format != "online":
        moved = True
    elif None not in (before.latitude, before.longitude, after.latitude, after.longitude):
        km = haversine_km(before.latitude, before.longitude,  # type: ignore[arg-type]
                          after.latitude, after.longitude)  # type: ignore[arg-type]
        moved = km * 1000 > MOVE_METRES
    if moved:
        was, now = place_text(before), place_text(after)
        out.append(Change("place", was, now, f"{name} moved to {now} (was {was})"))
    if before.format != after.format:
        now = _FORMAT_WORDS.get(after.format, after.format)
        was = _FORMAT_WORDS.get(before.format, before.format)
        wording = {"online": f"{name} now meets online only (was {was})",
                   "in_person": f"{name} now meets in person only (was {was})",
                   "hybrid": f"{name} now meets in person and online (was {was})"}
        out.append(Change(after.format, before.format, after.format,
                          wording.get(after.format, f"{name} is now {now}")))
    if before.status != after.status:
        if after.status == "inactive":
            out.append(Change("inactive", before.status, after.status,
                              f"{name} is now inactive (closed or temporarily closed)"))
        else:
            out.append(Change("reopened", before.status, after.status,
                              f"{name} is active again"))
    said = notice_sentences(before.notes, after.notes)
    if said:
        text = " ".join(said)
        out.append(Change("notice", before.notes, after.notes,
                          f"{name}: the listing now says \"{text}\""))
    return out


#: Words in a listing's notes that say whether, where or how the group meets (English and
#: Spanish, matched on word starts, case and accents ignored).
_NOTICE = re.compile(
    r"\b(?:cancel+(?:ed|ing|s|ation)?|suspend|postpone|resched|relocat|moved?\b|moving|"
    r"new (?:location|address|room|venue|place|time|day)|temporar|until further notice|"
    r"on (?:hiatus|break|pause)|hiatus|paused?|no (?:longer|meeting|meetings)|not meet|"
    r"will not|won'?t meet|(?:is|are|now|permanently|temporarily|building|church|hall|"
    r"facility) closed|closed (?:until|through|indefinitely|permanently|temporarily|due|for "
    r"(?!alcoholics|addicts|members|non)\w)|closing|(?:last|final) meeting|resum|"
    r"now (?:meets|meeting|"
    r"online|on zoom|virtual|in person|at|in)|zoom only|online only|merg|disband|"
    r"cancelad|suspendid|se mud|se traslad|nueva (?:direcci|ubicaci|sala|hora)|temporalment|"
    r"cerrad|ya no|no hay reuni|hasta nuevo aviso)",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")
NOTICE_MAX = 160


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def notice_sentences(before: str | None, after: str | None) -> list[str]:
    """The sentences of ``after`` that speak of whether, where or how the group meets and
    were not in ``before`` (compared ignoring case, accents, punctuation and spacing)."""
    if not after:
        return []
    old = {_norm(_fold(s)) for s in _SENTENCE_SPLIT.split(before or "") if s.strip()}
    out = []
    for sentence in _SENTENCE_SPLIT.split(after):
        sentence = " ".join(sentence.split())
        if not sentence or _norm(_fold(sentence)) in old:
            continue
        if _NOTICE.search(_fold(sentence)):
            out.append(sentence if len(sentence) <= NOTICE_MAX
                       else sentence[:NOTICE_MAX - 1] + "…")
    return out


def new_group(state: GroupState, source: str) -> Change:
    return Change("new", None, schedule_text(state.meetings),
                  f"{state.name} is new in {source} ({schedule_text(state.meetings)})")


def gone_group(state: GroupState, source: str) -> Change:
    return Change("gone", schedule_text(state.meetings), None,
                  f"{state.name} is no longer listed by {source}")


def alert_reason(message: str, person: str) -> str:
    """The due-list reason: "Tuesday Grief Circle moved to ... — tell Sam"."""
    return f"{message} — tell {person}"
