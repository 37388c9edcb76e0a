"""Referrals in the store: a consumer sent to a group, with the score and reasons of that moment,
and an append-only history of status changes (creation included).

Statuses are ``core.vocab.REFERRAL_STATUSES``; the *open* ones are ``OPEN_REFERRAL_STATUSES``.
A second referral of a consumer to a group they already have an open referral to is not
created: the open one is returned (`create_or_reuse`) so the history stays in one place; after a
referral is declined, no_show or closed, a new one may be made.

:func:`refer` is the whole workflow behind ``peer refer`` and the picker of ``peer match``: the
share-consent rule (``core.referrals``), scoring, and one transaction. Values arrive validated;
this module only reads and writes rows, auditing field names only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peercli.core.scores import canonical_score
from peercli.core.vocab import OPEN_REFERRAL_STATUSES
from peercli.store.db import audit, dumps_list, loads_list, now_iso

if TYPE_CHECKING:
    from datetime import datetime

    from peercli.core.matching import Match
    from peercli.core.topics import Vocabulary


@dataclass(frozen=True)
class NewReferral:
    consumer_id: int
    group_id: int
    score: float | None
    reasons: tuple[str, ...]
    status: str = "referred"
    note: str | None = None
    consent_override_reason: str | None = None
    consent_basis: str | None = None  # "release", "share" or "override"
    release_id: int | None = None
    goal_id: int | None = None


def open_referral(conn: sqlite3.Connection, consumer_id: int, group_id: int) -> sqlite3.Row | None:
    marks = ", ".join("?" for _ in OPEN_REFERRAL_STATUSES)
    row: sqlite3.Row | None = conn.execute(
        f"SELECT * FROM referrals WHERE consumer_id = ? AND group_id = ? AND status IN ({marks}) "
        "ORDER BY id DESC LIMIT 1",
        (consumer_id, group_id, *OPEN_REFERRAL_STATUSES),
    ).fetchone()
    return row


def _event_note(note: str | None, override: str | None) -> str | None:
    parts = []
    if override:
        parts.append(f"share consent overridden: {override}")
    if note:
        parts.append(note)
    return "; ".join(parts) or None


def insert_referral(conn: sqlite3.Connection, new: NewReferral) -> int:
    stamp = now_iso()
    cur = conn.execute(
        "INSERT INTO referrals (consumer_id, group_id, status, score, reasons, "
        "consent_override_reason, consent_basis, release_id, goal_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.consumer_id, new.group_id, new.status,
         None if new.score is None else canonical_score(new.score), dumps_list(new.reasons),
         new.consent_override_reason, new.consent_basis, new.release_id, new.goal_id,
         stamp, stamp),
    )
    referral_id = int(cur.lastrowid or 0)
    conn.execute(
        "INSERT INTO referral_events (referral_id, status, at, note) VALUES (?, ?, ?, ?)",
        (referral_id, new.status, stamp, _event_note(new.note, new.consent_override_reason)),
    )
    fields = ["consumer_id", "group_id", "status", "score", "reasons"]
    if new.note:
        fields.append("note")
    if new.consent_override_reason:
        fields.append("consent_override_reason")
    fields += [k for k in ("consent_basis", "release_id", "goal_id") if getattr(new, k)]
    audit(conn, "create", "referral", referral_id, fields)
    return referral_id


def create_or_reuse(conn: sqlite3.Connection, new: NewReferral) -> tuple[int, bool]:
    """(referral id, created). An open referral to the same group is reused: a 'suggested' one
    moves to the new status (with an event); any other is left as it is."""
    existing = open_referral(conn, new.consumer_id, new.group_id)
    if existing is None:
        return insert_referral(conn, new), True
    if existing["status"] == "suggested" and new.status != "suggested":
        set_status(conn, existing["id"], new.status,
                   _event_note(new.note, new.consent_override_reason),
                   consent_override_reason=new.consent_override_reason)
        if new.consent_basis:  # the consent the referral now relies on
            conn.execute(
                "UPDATE referrals SET consent_basis = ?, release_id = ?, "
                "goal_id = coalesce(?, goal_id) WHERE id = ?",
                (new.consent_basis, new.release_id, new.goal_id, existing["id"]))
    return existing["id"], False


def set_status(
    conn: sqlite3.Connection, referral_id: int, status: str, note: str | None = None, *,
    consent_override_reason: str | None = None,
) -> None:
    """Change the status (or, with the same status, add a note): always one new event row."""
    stamp = now_iso()
    fields = ["status"]
    if consent_override_reason:
        conn.execute(
            "UPDATE referrals SET status = ?, updated_at = ?, consent_override_reason = ? "
            "WHERE id = ?", (status, stamp, consent_override_reason, referral_id))
        fields.append("consent_override_reason")
    else:
        conn.execute("UPDATE referrals SET status = ?, updated_at = ? WHERE id = ?",
                     (status, stamp, referral_id))
    conn.execute(
        "INSERT INTO referral_events (referral_id, status, at, note) VALUES (?, ?, ?, ?)",
        (referral_id, status, stamp, note),
    )
    if note:
        fields.append("note")
    audit(conn, "update", "referral", referral_id, fields)
    # Updating the referral is the specialist acting on it: its group-change alerts are seen.
    conn.execute("UPDATE change_alerts SET acknowledged_at = ?, acknowledged_by = ? "
                 "WHERE referral_id = ? AND acknowledged_at IS NULL",
                 (stamp, "referral update", referral_id))


_SELECT = (
    "SELECT r.*, c.name AS consumer_name, g.name AS group_name FROM referrals r "
    "JOIN consumers c ON c.id = r.consumer_id JOIN groups g ON g.id = r.group_id"
)


def _dicts(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], *, events: bool
           ) -> list[dict[str, Any]]:
    history: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    if events and rows:
        for e in conn.execute(
            "SELECT referral_id, status, at, note FROM referral_events WHERE referral_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY referral_id, id",
            (json.dumps([r["id"] for r in rows]),),
        ):
            history[e["referral_id"]].append({"status": e["status"], "at": e["at"],
                                              "note": e["note"]})
    out = []
    for r in rows:
        d: dict[str, Any] = {
            "id": r["id"],
            "consumer_id": r["consumer_id"],
            "consumer_name": r["consumer_name"],
            "group_id": r["group_id"],
            "group_name": r["group_name"],
            "status": r["status"],
            "score": None if r["score"] is None else canonical_score(r["score"]),
            "reasons": loads_list(r["reasons"]),
            "consent_override_reason": r["consent_override_reason"],
            "consent_basis": r["consent_basis"],
            "release_id": r["release_id"],
            "goal_id": r["goal_id"],
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        }
        if events:
            d["events"] = history[r["id"]]
        out.append(d)
    return out


def referral_dict(conn: sqlite3.Connection, referral_id: int) -> dict[str, Any] | None:
    rows = conn.execute(f"{_SELECT} WHERE r.id = ?", (referral_id,)).fetchall()
    return _dicts(conn, rows, events=True)[0] if rows else None


def list_referrals(
    conn: sqlite3.Connection, *, consumer_id: int | None = None, status: str | None = None,
    events: bool = False,
) -> list[dict[str, Any]]:
    """Newest change first."""
    where: list[str] = []
    params: list[object] = []
    if consumer_id is not None:
        where.append("r.consumer_id = ?")
        params.append(consumer_id)
    if status is not None:
        where.append("r.status = ?")
        params.append(status)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = conn.execute(f"{_SELECT}{clause} ORDER BY r.updated_at DESC, r.id DESC",
                        params).fetchall()
    return _dicts(conn, rows, events=events)


# -- the referral workflow -------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralOutcome:
    """What :func:`refer` did: each referral's JSON shape (plus ``created``: False when an open
    one was reused), a note about consent (or None), and warnings about the groups."""

    records: list[dict[str, Any]]
    consent_note: str | None
    warnings: list[str]


def refer(
    conn: sqlite3.Connection,
    consumer_id: int,
    groups: Sequence[int | Match],
    *,
    now: datetime,
    vocabulary: Vocabulary,
    note: str | None = None,
    override: str | None = None,
    goal_id: int | None = None,
) -> ReferralOutcome:
    """Refer a consumer to ``groups`` (ids, scored now; or matches already scored), in one
    transaction. Refused (PeerError, nothing written) without share consent unless ``override``
    gives the reason, which is then kept with each referral. An open referral to the same group
    is reused (a "suggested" one moves to "referred").

    Consent is weighed per group (``core.consent``): a release covering the group or its
    organisation, else the general share consent where the programme's policy allows it; each
    record says which one it used (``consent_basis``, ``release_id``, ``consent_used``)."""
    from peercli.core.consent import GroupRef, decide_referral_consent
    from peercli.core.referrals import referral_reasons, referral_warnings
    from peercli.store.consumers import has_consent
    from peercli.store.db import write
    from peercli.store.releases import releases_for
    from peercli.store.settings import current_settings

    made: list[tuple[int, bool]] = []
    with write(conn):
        matches = _scored(conn, consumer_id, groups, now, vocabulary)
        policy = current_settings(conn).get("consent-policy") or "share"
        organizations = dict(conn.execute(
            "SELECT id, organization FROM groups WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([m.group.id for m in matches]),)).fetchall())
        bases, consent_note = decide_referral_consent(
            consumer_id, policy, releases_for(conn, consumer_id),
            has_consent(conn, consumer_id, "share"),
            [GroupRef(m.group.id, m.group.name, organizations.get(m.group.id)) for m in matches],
            now.date(), override)
        for m in matches:
            basis = bases[m.group.id]
            made.append(create_or_reuse(conn, NewReferral(
                consumer_id=consumer_id, group_id=m.group.id, score=m.score,
                reasons=referral_reasons(m), status="referred", note=note,
                consent_override_reason=override if basis.kind == "override" else None,
                consent_basis=basis.kind, release_id=basis.release_id, goal_id=goal_id,
            )))
    records = []
    for (referral_id, created), m in zip(made, matches, strict=True):
        record = referral_dict(conn, referral_id) or {}
        record["created"] = created
        record["consent_used"] = bases[m.group.id].description
        records.append(record)
    return ReferralOutcome(records, consent_note, referral_warnings(matches))


def _scored(conn: sqlite3.Connection, consumer_id: int, groups: Sequence[int | Match],
            now: datetime, vocabulary: Vocabulary) -> list[Match]:
    """Matches for ``groups``: ids are scored now (near misses allowed), matches kept."""
    ids = [g for g in groups if isinstance(g, int)]
    if not ids:
        return [g for g in groups if not isinstance(g, int)]
    from peercli.core.matching import MatchOptions, score_group
    from peercli.importers.userfiles import load_topic_relations
    from peercli.store.match_profiles import load_consumer, load_groups

    profile = load_consumer(conn, consumer_id)
    options = MatchOptions(near_misses=True, vocabulary=vocabulary,
                           relations=load_topic_relations())
    scored = {g.id: score_group(profile, g, now, options) for g in load_groups(conn, ids)}
    return [scored[g] if isinstance(g, int) else g for g in groups]
