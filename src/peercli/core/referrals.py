"""Referral rules, pure: statuses as people type them, the share-consent rule, and the reasons
kept with a referral.

A referral shares a consumer's details with a group, so it needs their *share* consent. Without
it, a referral is refused unless the worker overrides it with a reason, which is kept with the
referral (and in its history). An override given while consent is on record is not needed and is
not stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peercli.core.errors import PeerError, UsageError
from peercli.core.vocab import REFERRAL_STATUSES, ReferralStatus

if TYPE_CHECKING:
    from peercli.core.matching import Match

_STATUS_WORDS: dict[str, ReferralStatus] = {s: s for s in REFERRAL_STATUSES} | {
    "no-show": "no_show", "noshow": "no_show", "no show": "no_show", "missed": "no_show",
    "went": "attended", "attending": "attended", "continue": "continuing", "ongoing": "continuing",
    "decline": "declined", "refused": "declined", "close": "closed", "done": "closed",
    "suggest": "suggested", "refer": "referred",
}

CONSENT_NOT_NEEDED = ("share consent is on record; --override-consent was not needed and is not "
                      "stored")


def parse_status(text: str) -> ReferralStatus:
    """A status as typed ("no-show", "Attended") -> its stored form; ValueError if unknown."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    status = _STATUS_WORDS.get(key) or _STATUS_WORDS.get(key.replace(" ", "_"))
    if status is None:
        raise ValueError(f"unknown status '{text}' (use {', '.join(REFERRAL_STATUSES)})")
    return status


def override_reason(override_consent: bool, reason: str | None) -> str | None:
    """The override reason from ``--override-consent --reason``: both or neither (UsageError)."""
    if override_consent and not (reason and reason.strip()):
        raise UsageError('--override-consent needs --reason "why", which is kept with the referral')
    if reason is not None and not override_consent:
        raise UsageError("--reason only applies with --override-consent")
    return reason.strip() if override_consent and reason else None


def consent_refusal(consumer_id: int) -> PeerError:
    return PeerError(
        f"consumer #{consumer_id} has not given share consent, and a referral shares their "
        f"details with the group. Record it first: peer consumer consent {consumer_id} grant "
        "share (or, if you must refer without it, add --override-consent --reason \"why\"). "
        "Nothing was saved."
    )


@dataclass(frozen=True)
class ConsentDecision:
    """What to store as the override reason, and a note for the worker (or None)."""

    stored_override: str | None
    note: str | None


def decide_consent(consumer_id: int, consented: bool, override: str | None) -> ConsentDecision:
    """The share-consent rule: consent on record, or an override with its reason, else refused."""
    if consented:
        return ConsentDecision(None, CONSENT_NOT_NEEDED if override else None)
    if not override:
        raise consent_refusal(consumer_id)
    return ConsentDecision(override, None)


def referral_reasons(match: Match) -> tuple[str, ...]:
    """The reasons kept with a referral: the match's, noting a failed filter first."""
    if match.passed:
        return match.reasons
    return (f"did not pass the match filters: {match.filtered_by}", *match.reasons)


def referral_warnings(matches: Sequence[Match]) -> list[str]:
    """What a worker should know before referring anyway: filters failed, groups inactive."""
    out: list[str] = []
    for m in matches:
        if not m.passed:
            out.append(f"group #{m.group.id} does not pass the match filters ({m.filtered_by}); "
                       "referring anyway, with that noted in the reasons")
        if m.group.status != "active":
            out.append(f"group #{m.group.id} is marked inactive")
    return out
