"""Consent per recipient and purpose: releases of information, the pure rules.

A release of information (as 42 CFR Part 2, section 2.31, asks of a written consent) names: the
person; who may disclose (the programme); the recipient (an organisation, or one group); the
purpose; how much and what kind of information may be shared; the date, event or condition on
which it expires; that it can be revoked at any time (except where someone already acted on it);
the person's signature and the date signed. A release never changes: revoking it is a new event.

``peer refer`` needs a basis to share the person's details with a group. Under the programme's
policy ``release`` that is a release covering the group (named for the group itself, or for its
organisation) for a referral purpose, signed, not expired, not revoked. Under ``share`` (the
default) a covering release is used when there is one, else the general share consent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

PURPOSES: dict[str, str] = {
    "referral": "to refer me to the recipient's groups and services and to confirm whether "
                "I attended",
    "care-coordination": "to coordinate my care and recovery support with the recipient",
    "treatment": "for my treatment by the recipient",
    "payment": "for payment of the services I receive",
    "other": "for the purpose described below",
}
# Purposes under which a referral may share details with the recipient.
REFERRAL_PURPOSES = frozenset({"referral", "care-coordination"})
_PURPOSE_WORDS = {
    "refer": "referral", "referrals": "referral", "linkage": "referral", "link": "referral",
    "coordination": "care-coordination", "care coordination": "care-coordination",
    "coordinate care": "care-coordination", "care": "care-coordination",
    "billing": "payment", "pay": "payment",
}
DEFAULT_INFORMATION = ("my name, how to contact me, that I was referred, and whether I attended "
                       "(no diagnosis, treatment or substance use details)")
REVOCATION_TEXT = (
    "I understand that I may revoke this consent at any time, in writing or by telling my peer "
    "specialist, except to the extent that the programme has already acted on it.")
REDISCLOSURE_TEXT = (
    "Information disclosed under this consent may be protected by federal confidentiality rules "
    "(42 CFR Part 2). The recipient may not disclose it further unless I consent in writing or "
    "the law permits it. It may not be used to investigate or prosecute me.")
REFUSAL_TEXT = ("I understand that I do not have to sign this form, and that refusing will not "
                "affect the support I receive.")
MAX_RELEASE_YEARS = 5


def parse_purpose(text: str) -> str:
    key = re.sub(r"\s+", " ", text.strip().lower().replace("_", "-"))
    if key in PURPOSES:
        return key
    spaced = key.replace("-", " ")
    if spaced in _PURPOSE_WORDS:
        return _PURPOSE_WORDS[spaced]
    raise ValueError(f"unknown purpose '{text}' (use {', '.join(PURPOSES)})")


def parse_information(text: str) -> str:
    """What may be shared: specific words are needed ("any and all information" is refused)."""
    clean = " ".join(text.split())
    if not clean:
        raise ValueError("empty: say what may be shared, e.g. 'name, phone, attendance'")
    if re.fullmatch(r"(any|all|everything|any and all)( and all)?( (pertinent|relevant))?"
                    r"( (information|info|records?))?", clean.lower()):
        raise ValueError(f"'{clean}' is too broad: a release must say what kind of information "
                         "and how much (e.g. 'name, phone, attendance')")
    return clean


def recipient_key(text: str | None) -> str:
    """Names compared without case, accents, punctuation or a leading "the"."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = re.sub(r"[^a-z0-9]+", " ", plain.replace("&", " and ")).strip()
    return re.sub(r"^the ", "", plain)


@dataclass(frozen=True)
class Release:
    id: int
    consumer_id: int
    recipient: str
    group_id: int | None
    purpose: str
    information: str
    signed_on: date
    expires_on: date | None = None
    expires_event: str | None = None
    revoked_on: date | None = None


@dataclass(frozen=True)
class GroupRef:
    id: int
    name: str
    organization: str | None


def release_status(release: Release, today: date) -> str:
    """active, revoked, expired or not-yet-signed (signed in the future)."""
    if release.revoked_on is not None and release.revoked_on <= today:
        return "revoked"
    if release.expires_on is not None and release.expires_on < today:
        return "expired"
    if release.signed_on > today:
        return "not yet signed"
    return "active"


def covers(release: Release, group: GroupRef) -> bool:
    """Whether the release's recipient is this group, or the organisation that runs it."""
    if release.group_id is not None:
        return release.group_id == group.id
    key = recipient_key(release.recipient)
    return bool(key) and key in (recipient_key(group.organization), recipient_key(group.name))


def covering_release(
    releases: Iterable[Release], group: GroupRef, today: date
) -> Release | None:
    """The active release for a referral purpose that covers the group; the newest wins."""
    found = [r for r in releases if r.purpose in REFERRAL_PURPOSES and covers(r, group)
             and release_status(r, today) == "active"]
    return max(found, key=lambda r: (r.signed_on, r.id)) if found else None


@dataclass(frozen=True)
class ConsentBasis:
    """What a referral relied on: a release (with its id) or the general share consent."""

    kind: str  # "release" or "share"
    release_id: int | None
    description: str


def referral_basis(
    policy: str, releases: Iterable[Release], share_granted: bool, group: GroupRef, today: date
) -> ConsentBasis | None:
    """The consent a referral to ``group`` may rely on under ``policy``, or None (refuse)."""
    release = covering_release(releases, group, today)
    if release is not None:
        until = (f"until {release.expires_on.isoformat()}" if release.expires_on
                 else f"until {release.expires_event}")
        return ConsentBasis("release", release.id,
                            f"release #{release.id} to {release.recipient} "
                            f"({release.purpose}, signed {release.signed_on.isoformat()}, {until})")
    if policy == "share" and share_granted:
        return ConsentBasis("share", None, "the general share consent")
    return None


def expiry_text(expires_on: date | None, expires_event: str | None) -> str:
    parts = []
    if expires_on is not None:
        parts.append(f"on {expires_on.isoformat()}")
    if expires_event:
        parts.append(f"when {expires_event}")
    return (" or ".join(parts) + ", whichever comes first") if len(parts) > 1 else (
        parts[0] if parts else "")


def decide_referral_consent(
    consumer_id: int, policy: str, releases: Sequence[Release], share_granted: bool,
    groups: Sequence[GroupRef], today: date, override: str | None,
) -> tuple[dict[int, ConsentBasis], str | None]:
    """Per group, the consent a referral relies on; groups with none take the override (kind
    "override") or the whole referral is refused (PeerError naming the groups and the fix).

    Returns the bases and a note for the worker (an override that was not needed).
    """
    from peercli.core.errors import PeerError

    bases: dict[int, ConsentBasis] = {}
    missing: list[GroupRef] = []
    for group in groups:
        basis = referral_basis(policy, releases, share_granted, group, today)
        if basis is None:
            missing.append(group)
        else:
            bases[group.id] = basis
    if not missing:
        from peercli.core.referrals import CONSENT_NOT_NEEDED

        note = None
        if override:
            note = (CONSENT_NOT_NEEDED if all(b.kind == "share" for b in bases.values()) else
                    "every group is covered by consent on record; --override-consent was not "
                    "needed and is not stored")
        return bases, note
    if override:
        for group in missing:
            bases[group.id] = ConsentBasis("override", None, f"consent overridden: {override}")
        return bases, None
    groups_text = ", ".join(f"#{g.id} {g.name}" + (f" ({g.organization})" if g.organization
                                                    else "") for g in missing)
    first = missing[0]
    recipient = first.organization or first.name
    fix = (f"record the release the person signed: peer consent add {consumer_id} --recipient "
           f"\"{recipient}\" --purpose referral (print one to sign with peer consent form)")
    if policy == "share" and not share_granted:
        why = (f"consumer #{consumer_id} has not given share consent, and no active release of "
               f"information covers {groups_text}; a referral shares their details with the "
               "group")
        fix = f"record share consent (peer consumer consent {consumer_id} grant share) or " + fix
    else:
        why = (f"no active release of information covers {groups_text} for a referral (the "
               f"programme's consent policy is '{policy}': the general share consent is not "
               "enough)")
    raise PeerError(f"{why}. To go on, {fix}; or, if you must refer without it, add "
                    "--override-consent --reason \"why\". Nothing was saved.")
