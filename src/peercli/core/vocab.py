"""The fixed vocabularies, each defined once, and pure parsing of the small values people type
into flags: formats, consent kinds, tags, cadences.

Every closed set of stored values (check-in modes, group formats, referral statuses, ...) is a
``Literal`` type here with its tuple of values. The CLI help, the validation, the reports and the
SQL ``CHECK`` constraints use these; ``tests/test_vocab.py`` compares the CHECK lists of a
fresh database with them, so a new value is added here first (and in a new migration).

Each parser raises ``ValueError`` with a message that quotes the bad part and says what is
expected; the CLI adds the flag name and turns it into a PeerError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, get_args

#: How a check-in contact happened (``checkins.mode``).
CheckinMode = Literal["in_person", "phone", "video", "text", "group"]
CHECKIN_MODES: tuple[CheckinMode, ...] = get_args(CheckinMode)

#: How a group meets (``groups.format``), and the ways a consumer can attend.
GroupFormat = Literal["in_person", "online", "hybrid"]
FORMATS: tuple[GroupFormat, ...] = get_args(GroupFormat)

#: Who runs a group (``groups.facilitation``; NULL when the listing does not say).
Facilitation = Literal["peer-led", "professional", "mutual-aid"]
FACILITATIONS: tuple[Facilitation, ...] = get_args(Facilitation)

#: A group is listed (active) or retired (inactive); a consumer is active or archived.
GroupStatus = Literal["active", "inactive"]
GROUP_STATUSES: tuple[GroupStatus, ...] = get_args(GroupStatus)
ConsumerStatus = Literal["active", "archived"]
CONSUMER_STATUSES: tuple[ConsumerStatus, ...] = get_args(ConsumerStatus)

#: What a consumer consents to (``consents.kind``).
ConsentKind = Literal["store", "contact", "share"]
CONSENT_KINDS: tuple[ConsentKind, ...] = get_args(ConsentKind)

#: A referral's status (``referrals.status``), in the order of the closed loop.
ReferralStatus = Literal[
    "suggested", "referred", "attended", "continuing", "declined", "no_show", "closed"]
REFERRAL_STATUSES: tuple[ReferralStatus, ...] = get_args(ReferralStatus)
#: Open referrals: a second referral to the same group reuses the open one, and a consumer's
#: calendar holds the groups of their open referrals.
OPEN_REFERRAL_STATUSES: tuple[ReferralStatus, ...] = (
    "suggested", "referred", "attended", "continuing")
#: Referrals a check-in's attendance can settle (the person was not yet recorded as going, or
#: goes regularly); an "attended" one is linked again but keeps its status.
ATTENDABLE_REFERRAL_STATUSES: tuple[ReferralStatus, ...] = ("suggested", "referred", "continuing")
#: Referrals that recorded attendance moves to "attended" (a "continuing" one stays continuing).
MARKED_ATTENDED_BY_CHECKIN: tuple[ReferralStatus, ...] = ("suggested", "referred")
#: The status awaiting an outcome that ``peer due`` chases.
AWAITING_OUTCOME_STATUS: ReferralStatus = "referred"

#: How a meeting repeats (``meetings.freq``, RRULE FREQ values).
MeetingFreq = Literal["DAILY", "WEEKLY", "MONTHLY"]
MEETING_FREQS: tuple[MeetingFreq, ...] = get_args(MeetingFreq)

#: A service note is for one person or a group session (``checkins.service_kind``).
ServiceKind = Literal["individual", "group"]
SERVICE_KINDS: tuple[ServiceKind, ...] = get_args(ServiceKind)

#: A recovery-plan goal's status (``plan_goals.status``): "changed" means reworded as a new goal.
GoalStatus = Literal["active", "met", "changed", "dropped"]
GOAL_STATUSES: tuple[GoalStatus, ...] = get_args(GoalStatus)

#: What happened to a release of information (``release_events.action``; append-only).
ReleaseAction = Literal["granted", "revoked"]
RELEASE_ACTIONS: tuple[ReleaseAction, ...] = get_args(ReleaseAction)



def or_list(items: Iterable[str]) -> str:
    """"a, b or c", for help text and messages."""
    values = list(items)
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


_FORMAT_WORDS = {
    "in_person": "in_person", "in-person": "in_person", "inperson": "in_person",
    "in person": "in_person", "person": "in_person", "face to face": "in_person",
    "f2f": "in_person", "onsite": "in_person", "on site": "in_person",
    "online": "online", "virtual": "online", "zoom": "online", "video": "online",
    "remote": "online", "phone": "online", "web": "online",
    "hybrid": "hybrid", "both": "hybrid", "either": "hybrid",
}

# Audience tags a consumer may say fit them (--eligible) and groups may be restricted to.
AUDIENCE_SYNONYMS = {
    "woman": "women", "women": "women", "female": "women", "womens": "women",
    "man": "men", "men": "men", "male": "men", "mens": "men",
    "lgbtq": "lgbtq", "lgbt": "lgbtq", "lgbtq+": "lgbtq", "lgbtqia": "lgbtq", "lgbtqia+": "lgbtq",
    "queer": "lgbtq", "gay": "lgbtq", "lesbian": "lgbtq", "trans": "lgbtq",
    "transgender": "lgbtq", "nonbinary": "lgbtq", "non-binary": "lgbtq",
    "veteran": "veterans", "veterans": "veterans", "vet": "veterans", "military": "veterans",
    "young-adult": "young-adults", "young-adults": "young-adults", "young adult": "young-adults",
    "young adults": "young-adults", "youth": "young-adults", "young people": "young-adults",
    "young": "young-adults",
    "older-adult": "older-adults", "older-adults": "older-adults", "older adult": "older-adults",
    "older adults": "older-adults", "senior": "older-adults", "seniors": "older-adults",
    "family-member": "family-members", "family-members": "family-members",
    "family member": "family-members", "family members": "family-members",
    "family": "family-members", "families": "family-members", "caregiver": "caregivers",
    "caregivers": "caregivers", "carer": "caregivers", "carers": "caregivers",
    "parent": "parents", "parents": "parents",
    "deaf": "deaf", "hard of hearing": "deaf",
    "bipoc": "bipoc", "people of color": "bipoc", "poc": "bipoc",
}

# Access needs (--access) and the accessibility a group offers, in one shared vocabulary.
ACCESS_SYNONYMS = {
    "wheelchair": "wheelchair", "wheelchair access": "wheelchair",
    "wheelchair accessible": "wheelchair", "accessible": "wheelchair", "x": "wheelchair",
    "step-free": "step-free", "step free": "step-free", "step-free entrance": "step-free",
    "no stairs": "step-free", "elevator": "step-free", "lift": "step-free", "ramp": "step-free",
    "asl": "asl", "sign language": "asl", "asl interpreter": "asl", "interpreter": "asl",
    "hearing loop": "hearing-loop", "hearing-loop": "hearing-loop", "loop": "hearing-loop",
    "captions": "captions", "captioning": "captions", "cc": "captions",
    "large print": "large-print", "large-print": "large-print",
    "childcare": "childcare", "child care": "childcare",
    "scent-free": "scent-free", "fragrance free": "scent-free", "scent free": "scent-free",
    "transit": "transit", "bus": "transit", "near transit": "transit",
    "parking": "parking",
    "service animals": "service-animals", "service animal": "service-animals",
}

_SPLIT = re.compile(r"\s*[,;|]\s*|\s+and\s+|\s*/\s*")


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """Split "a, b; c" (or several flag values) into clean items, dropping blanks."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in _SPLIT.split(item) if part.strip())
    return out


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().replace("_", " "))


def parse_format(text: str) -> str:
    key = _key(text)
    if key in _FORMAT_WORDS:
        return _FORMAT_WORDS[key]
    if key.replace(" ", "_") in FORMATS:
        return key.replace(" ", "_")
    raise ValueError(f"unknown format '{text}' (use in_person, online or hybrid)")


def parse_formats(value: str | Iterable[str] | None) -> list[str]:
    return _dedupe(parse_format(item) for item in split_list(value))


def parse_consent_kinds(value: str | Iterable[str] | None) -> list[str]:
    kinds: list[str] = []
    for item in split_list(value):
        key = _key(item)
        if key == "all":
            kinds.extend(CONSENT_KINDS)
            continue
        if key not in CONSENT_KINDS:
            raise ValueError(f"unknown consent kind '{item}' (use store, contact or share)")
        kinds.append(key)
    return _dedupe(kinds)


def parse_audience(value: str | Iterable[str] | None) -> list[str]:
    """Audience / eligibility tags; unknown words are kept as their own slug (it is their word)."""
    return _dedupe(AUDIENCE_SYNONYMS.get(_key(item), _slug(item)) for item in split_list(value))


def parse_access(value: str | Iterable[str] | None) -> list[str]:
    return _dedupe(ACCESS_SYNONYMS.get(_key(item), _slug(item)) for item in split_list(value))


_CADENCE = re.compile(r"^\s*(\d+)\s*(d|day|days|w|wk|week|weeks|m|mo|month|months)?\s*$", re.IGNORECASE)


def parse_cadence(text: str | int) -> int:
    """A follow-up cadence in days: "7", "7d", "2w", "1 month" (30 days)."""
    if isinstance(text, int):
        days = text
    else:
        match = _CADENCE.match(text)
        if not match:
            raise ValueError(f"cannot read the cadence '{text}' (use days like 7, 7d, 2w or 1m)")
        number, unit = int(match.group(1)), (match.group(2) or "d").lower()
        days = number * (7 if unit.startswith("w") else 30 if unit.startswith("m") else 1)
    if not 1 <= days <= 366:
        raise ValueError(f"the cadence '{text}' must be between 1 day and a year")
    return days


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9+]+", "-", text.strip().lower()).strip("-")


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)
