"""Who a restricted group is for, against what is known about the person.

A group's audience tags (women, veterans, family-members...) are read against three kinds of
knowledge, strongest first:

- recorded: the person's `--eligible` tags; a recorded tag also rules out its opposite
  (women / men, young-adults / older-adults), and so do pronouns ("he/him" is not offered a
  women's group);
- likely: what the person said — interests ("veteran", "LGBTQ", "Al-Anon"), goals ("my son's
  drinking", "since I left the army") and pronouns ("she/her") — offered with a reason to confirm;
- unknown: nothing either way. Unknown is not no: the group is offered, lower, with "check ...
  qualifies".

Pure and cheap: `ConsumerFacts` is computed once per person (see `who`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from peercli.core.matching.model import ROLE_AUDIENCES, ConsumerProfile

if TYPE_CHECKING:
    from peercli.core.topics import Vocabulary

_I = re.IGNORECASE
#: Tags that cannot both hold for one person.
OPPOSITES: Mapping[str, str] = {
    "women": "men", "men": "women", "young-adults": "older-adults", "older-adults": "young-adults",
}
#: Interest slugs that say which community the person belongs to (or is close to).
INTEREST_AUDIENCE: Mapping[str, str] = {
    "veterans": "veterans", "lgbtq": "lgbtq", "transgender": "lgbtq", "women": "women",
    "men": "men", "young-adults": "young-adults", "older-adults": "older-adults",
    "family-members": "family-members", "caregivers": "caregivers", "parents": "parents",
    "people-of-color": "bipoc", "deaf": "deaf", "perinatal": "parents",
}
_RELATIVE = (r"(?:son|daughter|husband|wife|partner|spouse|boyfriend|girlfriend|mom|mum|mother|"
             r"dad|father|brother|sister|child|kid|kids|children|teen|family|loved one|"
             r"grandson|granddaughter|fianc[eé]e?)")
_CONCERN = (r"(?:drink\w*|alcohol\w*|drunk|drugs?|using|use|addict\w*|opioid\w*|heroin|meth|"
            r"gambl\w*|mental|illness|psychosis|bipolar|schizo\w*|depress\w*|suicid\w*|"
            r"overdos\w*|recovery|sober\w*|relaps\w*)")
#: (tag, pattern over the person's goals and their interests as words, what it is read as)
_SAID: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("veterans", re.compile(r"\b(veterans?|vets?|army|navy|marines?|air force|national guard|"
                            r"military|served|deploy\w*|combat|service member)\b", _I),
     "veteran"),
    ("family-members", re.compile(
        rf"\bmy {_RELATIVE}(?:'?s)?\b[^.;]*?\b{_CONCERN}|\b{_CONCERN}\b[^.;]*?\bmy {_RELATIVE}\b|"
        r"\b(al-?anon|nar-?anon|alateen|codependen\w*|loved one)", _I),
     "family member"),
    ("caregivers", re.compile(r"\b(caring for|care for|caregiv\w*|carer|looking after|"
                              r"look after) (?:my|her|his|a)\b|\bcaregiv\w*", _I),
     "caregiver"),
    ("parents", re.compile(r"\b(my (?:son|daughter|kids?|children|child|teen|baby|toddler)|"
                           r"parent\w*|new mom|new dad|pregnan\w*|postpartum)\b", _I),
     "parent"),
    ("lgbtq", re.compile(r"\b(lgbt\w*\+?|queer|gay|lesbian|bisexual|bi|trans|transgender|"
                         r"non-?binary|coming out|came out)\b", _I), "LGBTQ+"),
    ("women", re.compile(r"\b(as a woman|women'?s|mom|mum|mother|wife|sisterhood)\b", _I),
     "woman"),
    ("men", re.compile(r"\b(as a man|men'?s|dad|father|husband)\b", _I), "man"),
    ("young-adults", re.compile(r"\b(college|university|student|uni|young adults?|"
                                r"in (?:my|their|her|his) (?:late )?(?:teens|20s|twenties)|"
                                r"\b1[89]|2[0-9] ?(?:years? old|yo))\b", _I), "young adult"),
    ("older-adults", re.compile(r"\b(retired|retirement|senior|older adults?|pension\w*|"
                                r"grandchild\w*|grandkids?|elder\w*|in (?:my|their) "
                                r"(?:60s|70s|80s|sixties|seventies|eighties))\b", _I),
     "older adult"),
)
_SHE = re.compile(r"^\s*(she|her)\b", _I)
_HE = re.compile(r"^\s*(he|him)\b", _I)


class AudienceFit(NamedTuple):
    """How a group's audience sits with the person: `kind` is general, met, likely, unknown or
    excluded; `check` the tags to confirm; `why` a short reason (or the exclusion)."""

    kind: str
    check: tuple[str, ...] = ()
    why: str | None = None


@dataclass(frozen=True)
class ConsumerFacts:
    """What the matcher derives from a person once: eligibility (recorded, likely with its
    evidence, ruled out with why) and the interests it reads (their own, canonical, plus
    "family-members" when they talk about a relative's drinking or using)."""

    recorded: frozenset[str]
    likely: Mapping[str, str]
    excluded: Mapping[str, str]
    interests: tuple[str, ...]
    first_name: str


def label(tag: str) -> str:
    return {"lgbtq": "LGBTQ+", "bipoc": "people of color", "family-members": "family members",
            "young-adults": "young adults", "older-adults": "older adults"}.get(
                tag, tag.replace("-", " "))


def consumer_facts(consumer: ConsumerProfile, vocabulary: Vocabulary | None) -> ConsumerFacts:
    recorded = frozenset(consumer.eligible)
    excluded: dict[str, str] = {}
    for tag in recorded:
        if tag in OPPOSITES and OPPOSITES[tag] not in recorded:
            excluded[OPPOSITES[tag]] = f"recorded as eligible for {label(tag)} groups"
    pronouns = consumer.pronouns or ""
    likely: dict[str, str] = {}
    if _SHE.match(pronouns) and "women" not in recorded:
        likely["women"] = f"pronouns {pronouns.strip()}"
        excluded.setdefault("men", f"pronouns {pronouns.strip()}")
    elif _HE.match(pronouns) and "men" not in recorded:
        likely["men"] = f"pronouns {pronouns.strip()}"
        excluded.setdefault("women", f"pronouns {pronouns.strip()}")
    interests: list[str] = []
    for slug in consumer.interests:
        if vocabulary is not None:
            slug = vocabulary.normalize_one(slug)[0] or slug
        if slug not in interests:
            interests.append(slug)
    for slug in interests:
        named = INTEREST_AUDIENCE.get(slug)
        if named and named not in recorded and named not in excluded:
            likely.setdefault(named, f"interests mention {slug.replace('-', ' ')}")
    said = " . ".join([consumer.goals or "", " . ".join(s.replace("-", " ") for s in interests)])
    for tag, pattern, _what in _SAID:
        if tag in recorded or tag in excluded or tag in likely:
            continue
        found = pattern.search(said)
        if found:
            likely[tag] = f'said "{found.group(0).strip()}"'
    if "family-members" in likely and "family-members" not in interests:
        interests.append("family-members")
    first = consumer.name.split()[0] if consumer.name.split() else consumer.name
    return ConsumerFacts(recorded, likely, excluded, tuple(interests), first)


def audience_fit(facts: ConsumerFacts, audience: tuple[str, ...]) -> AudienceFit:
    """The group's audience against the person (see the module doc)."""
    if not audience:
        return AudienceFit("general")
    identity = [a for a in audience if a not in ROLE_AUDIENCES]
    roles = [a for a in audience if a in ROLE_AUDIENCES]
    for tag in identity:
        if tag in facts.excluded:
            return AudienceFit("excluded", (tag,), f"{label(tag)} only")
    if roles and all(r in facts.excluded for r in roles):
        return AudienceFit("excluded", tuple(roles), f"{' or '.join(map(label, roles))} only")
    kinds: list[str] = []
    check: list[str] = []
    evidence: list[str] = []
    needs = [(t,) for t in identity] + ([tuple(roles)] if roles else [])
    for options in needs:
        if any(t in facts.recorded for t in options):
            kinds.append("met")
            continue
        likely = [t for t in options if t in facts.likely]
        if likely:
            kinds.append("likely")
            check.append(likely[0])
            evidence.append(facts.likely[likely[0]])
        else:
            kinds.append("unknown")
            check.append(options[0])
    if all(k == "met" for k in kinds):
        return AudienceFit("met", (), f"for {' and '.join(map(label, audience))}, as recorded")
    kind = "unknown" if "unknown" in kinds else "likely"
    why = f"for {' and '.join(map(label, check))} — check {facts.first_name} qualifies"
    if evidence:
        why += f" ({'; '.join(evidence)})"
    return AudienceFit(kind, tuple(check), why)
