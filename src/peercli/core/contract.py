"""The JSON contract: the shapes ``--json`` prints, as TypedDicts, and the pure match shape.

Scripts depend on these keys (docs/json.md lists them). The ``*_dict`` functions in the store
and core return these types, so a renamed or dropped key is a type error, and
``tests/test_contract.py`` checks the printed JSON against them. More keys may be added; the
ones here keep their meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from peercli.core.scores import canonical_score

if TYPE_CHECKING:
    from peercli.core.matching import Match


class WindowDict(TypedDict):
    day: str  # "MO" .. "SU"
    start: str  # "HH:MM"
    end: str  # "HH:MM" ("24:00" for the end of the day)


class ConsentStateDict(TypedDict):
    granted: bool  # False when revoked or past expires_on
    at: str
    expires_on: str | None


class WarningDict(TypedDict):
    """A reading that was a guess by a documented rule ("line" only for imports)."""

    line: NotRequired[int]
    field: str
    message: str


class ConsumerDict(TypedDict):
    id: int
    name: str
    pronouns: str | None
    interests: list[str]
    availability: list[WindowDict]
    formats: list[str]
    languages: list[str]
    access_needs: list[str]
    eligible: list[str]
    phone: str | None
    email: str | None
    contact_preference: str | None
    postal_code: str | None
    goals: str | None
    notes: str | None
    cadence_days: int
    consent: dict[str, ConsentStateDict]
    status: str
    created_at: str
    updated_at: str
    warnings: NotRequired[list[WarningDict]]  # consumer add/edit: --available read by rule


class GroupDict(TypedDict):
    id: int
    name: str
    topics: list[str]
    format: str
    meetings: list[dict[str, object]]  # {"freq", "interval", "byday", "start", "end", ...}
    warnings: NotRequired[list[WarningDict]]  # group add/edit: --schedule read by rule
    schedule: list[str]
    next_meeting: str | None
    status: str
    organization: str | None
    description: str | None
    facilitation: str | None
    audience: list[str]
    languages: list[str]
    accessibility: list[str]
    open_to_newcomers: bool | None
    cost: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    latitude: float | None
    longitude: float | None
    online_url: str | None
    online_phone: str | None
    regions: list[str]
    proof_of_attendance: bool | None
    feedback_url: str | None
    feedback_emails: list[str]
    schedule_known: bool  # False: the listing gives no schedule at all ("meetings": [])
    phone: str | None
    email: str | None
    website: str | None
    notes: str | None
    source: str
    source_key: str
    last_verified: str | None
    created_at: str
    updated_at: str


class MatchDict(TypedDict):
    group_id: int
    name: str
    score: float  # 0..1
    reasons: list[str]
    next_meeting: str | None
    format: str
    when: str
    near_miss: bool
    distance_km: float | None
    attends: str | None
    address: str | None
    city: str | None
    online_url: str | None
    breakdown: dict[str, Any]
    current: str | None  # "referred 12 Nov", "attending": already in the person's plan
    approximate: bool  # fits only by a meeting whose time is not listed (call to confirm)
    related_topics: list[str]  # group topics close to an interest (not shared)
    stale: bool  # listing not verified for longer than the freshness limit
    ruled_out_by: str | None  # near misses only: the one thing that rules the group out
    change: str | None  # near misses only: the change to the record that would open it
    proof_of_attendance: bool | None  # the listing signs attendance slips; None: not said
    sources: list[str]  # the sources listing the group (the same group from several: all)


class ConsumerMatchDict(TypedDict):
    consumer_id: int
    name: str
    score: float
    reasons: list[str]
    near_miss: bool


class _CheckinBase(TypedDict):
    id: int
    consumer_id: int
    at: str
    mode: str
    minutes: int
    units: int
    mood: int | None
    next_followup_on: str | None
    who5: list[int] | None
    who5_score: int | None
    who5_percent: int | None
    note: str | None
    amends_id: int | None
    amend_reason: str | None
    created_at: str
    # the service note's parts and its signature (docs/notes-and-plans.md)
    place: str | None
    service_code: str | None
    service_kind: str | None
    goal_ids: list[int]
    intervention: str | None
    response: str | None
    next_step: str | None
    barc10: list[int] | None
    barc10_total: int | None
    group_session_id: int | None
    signed_at: str | None
    signed_by: str | None
    signed_credential: str | None
    late: bool | None


class CheckinDict(_CheckinBase, total=False):
    attended: list[dict[str, Any]]  # with the check-in that recorded attendance


class DueDict(TypedDict):
    consumer_id: int
    name: str
    due_on: str
    days_overdue: int
    contact_consent: bool
    reason: str
    reasons: list[str]


class TopGroupDict(TypedDict):
    group_id: int
    name: str
    referrals: int


ReportDict = TypedDict("ReportDict", {
    "month": str | None,
    "from": str,
    "to": str,
    "contacts": int,
    "minutes": int,
    "units": int,
    "consumers_served": int,
    "new_consumers": int,
    "checkins_by_mode": dict[str, int],
    "referrals": dict[str, int],
    "referrals_made": int,
    "referrals_attended": int,
    "average_mood_change": float | None,
    "mood_consumers": int,
    "top_groups": list[TopGroupDict],
    # service notes, plans and BARC-10 (docs/notes-and-plans.md)
    "units_by_service_code": dict[str, int],
    "by_service_kind": dict[str, dict[str, int]],
    "notes": dict[str, int],
    "plan_reviews": dict[str, int],
    "barc10": dict[str, float | int | None],
})


class ImportErrorDict(TypedDict):
    line: int
    message: str


class ImportResultDict(TypedDict):
    inserted: int
    updated: int
    unchanged: int
    retired: int
    errors: list[dict[str, Any]]  # each {"line", "message"} (ImportErrorDict), maybe more
    source: str
    rows_read: int
    unknown_topics: list[str]
    unknown_topics_count: int
    dry_run: bool
    written: bool
    retire_skipped: bool
    #: listings recognised as a group another source already lists (linked, not inserted)
    same_group: int
    same_groups: list[dict[str, Any]]  # SameGroupDict each
    changes: NotRequired[list[dict[str, Any]]]  # on a re-import: ChangeDict each


class SameGroupDict(TypedDict):
    group_id: int  # the group it was linked to
    name: str  # as this source names it
    listed_by: str  # the source that listed the group first
    source_key: str  # this source's key for the listing
    reason: str  # "same name, schedule and address"


class ChangeDict(TypedDict):
    group_id: int
    name: str
    what: str  # core.changes.CHANGE_KINDS
    before: str | None
    after: str | None
    message: str


# -- the match shape (pure: from a core.matching.Match) ----------------------------------------


def when_text(match: Match) -> str:
    """The meetings that fit (else all), described: "Tuesdays 18:00-19:30 (+2 more)"."""
    from peercli.core.schedule import describe_meeting

    meetings = match.fitting or match.group.meetings
    if not meetings:
        return "schedule unknown"
    text = "; ".join(describe_meeting(m) for m in meetings[:2])
    if len(meetings) > 2:
        text += f" (+{len(meetings) - 2} more)"
    return text


def where_text(match: Match) -> str:
    """Where the person would take part: "online", or the place with its distance."""
    g = match.group
    if match.attends == "online" or (match.attends is None and g.format == "online"):
        return "online" if g.format == "online" else "hybrid (join online)"
    place = ", ".join(p for p in (g.address, g.city) if p) or "in person"
    if match.distance_km is not None:
        km = "<1" if match.distance_km < 1 else f"{round(match.distance_km)}"
        place += f" ({km} km)"
    if g.format == "hybrid":
        place += " · or online"
    return place


def match_dict(match: Match) -> MatchDict:
    """The JSON contract for one match (group_id, name, score, reasons, next_meeting, format)."""
    g = match.group
    return {
        "group_id": g.id,
        "name": g.name,
        "score": canonical_score(match.score),
        "reasons": list(match.reasons),
        "next_meeting": match.next_meeting.isoformat() if match.next_meeting else None,
        "format": g.format,
        "when": when_text(match),
        "near_miss": match.near_miss,
        "distance_km": None if match.distance_km is None else round(match.distance_km, 1),
        "attends": match.attends,
        "address": g.address,
        "city": g.city,
        "online_url": g.online_url,
        "breakdown": dict(match.breakdown),
        "current": match.current,
        "approximate": not match.time_listed,
        "related_topics": list(match.related_topics),
        "stale": match.stale,
        "ruled_out_by": match.ruled_out_by,
        "change": match.change,
        "proof_of_attendance": g.proof_of_attendance,
        "sources": list(g.sources),
    }
