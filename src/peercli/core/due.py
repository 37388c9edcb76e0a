"""Who is due a follow-up, the pure part: a function of plain records and a fixed ``today``.

The store (``store/due.py``: ``due_inputs``, ``due_list``) reads the records; ``peer due``
and the home screen show the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from peercli.core.contract import DueDict
from peercli.core.wording import plural

#: A referral still "referred" with no attendance is due this many days after it was made.
REFERRAL_GRACE_DAYS = 7


# --- who is due --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FollowupState:
    """What `due` needs to know about one active consumer."""

    consumer_id: int
    name: str
    intake_on: date
    cadence_days: int
    last_contact_on: date | None = None
    next_followup_on: date | None = None
    #: The latest "contact" consent row as (granted, expires_on), None when none was recorded.
    contact_consent: tuple[bool, str | None] | None = None


@dataclass(frozen=True)
class AwaitingReferral:
    """A referral still at "referred", with no attendance recorded."""

    referral_id: int
    consumer_id: int
    group_name: str
    referred_on: date


@dataclass(frozen=True)
class GroupChangeAlert:
    """A change to a group someone has an open referral to, not yet acknowledged (issue 11):
    due the day it was found, until the next check-in or a referral update."""

    consumer_id: int
    message: str
    found_on: date


@dataclass(frozen=True)
class DueItem:
    consumer_id: int
    name: str
    due_on: date
    days_overdue: int
    reasons: tuple[str, ...]
    #: False when contact consent was revoked or has expired: listed apart, "do not call".
    contact_ok: bool = True

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _days(n: int) -> str:
    return plural(n, "day")


def _ago(n: int) -> str:
    return "today" if n == 0 else f"{_days(n)} ago"


def followup_due_on(state: FollowupState) -> tuple[date, str]:
    """The consumer's next follow-up date and why, before comparing with today.

    The latest check-in's next follow-up date wins; else last contact + cadence; a person never
    contacted is due from their intake date.
    """
    if state.next_followup_on is not None:
        return state.next_followup_on, "next"
    if state.last_contact_on is not None:
        return state.last_contact_on + timedelta(days=state.cadence_days), "cadence"
    return state.intake_on, "intake"


def _followup_reason(state: FollowupState, due_on: date, why: str, today: date) -> str:
    if why == "intake":
        days = (today - state.intake_on).days
        return "no contact since intake" + ("" if days <= 0 else f" {_ago(days)}")
    if why == "cadence":
        assert state.last_contact_on is not None
        return f"last contact {_ago((today - state.last_contact_on).days)}"
    offset = (due_on - today).days
    if offset == 0:
        return "follow-up set for today"
    if offset < 0:
        last = state.last_contact_on
        if last is None:
            return f"follow-up set for {due_on.isoformat()}, {_ago(-offset)}"
        since = f"last contact {_ago((today - last).days)}"
        if due_on == last + timedelta(days=state.cadence_days):  # the usual cadence
            return since
        return f"follow-up set for {due_on.isoformat()}, {_ago(-offset)} ({since})"
    return f"follow-up set for {due_on.isoformat()} (in {_days(offset)})"


NO_CONTACT_REASON = "no contact consent — do not call"


def contact_allowed(state: FollowupState, today: date) -> bool:
    """Whether the person may be contacted: not when their contact consent was revoked or has
    expired. (A person with no consent recorded yet is not held back; intake asks for it.)"""
    from peercli.core.consumers import consent_holds

    if state.contact_consent is None:
        return True
    granted, expires_on = state.contact_consent
    return consent_holds(granted, expires_on, today.isoformat())


def compute_due(
    consumers: Iterable[FollowupState],
    referrals: Iterable[AwaitingReferral],
    today: date,
    within_days: int = 0,
    extra: Mapping[int, Sequence[tuple[date, str]]] | None = None,
    alerts: Iterable[GroupChangeAlert] = (),
) -> list[DueItem]:
    """Who needs a follow-up by ``today + within_days``, most overdue first (then by name).

    Each consumer appears once, due on the earliest of their due dates, with one reason per thing
    that is due (follow-up date, referral awaiting an outcome, and each ``extra`` (due date,
    reason) per consumer: unsigned notes, plan reviews), earliest first.
    A referral still "referred" with no attendance is due ``REFERRAL_GRACE_DAYS`` after it was made.
    """
    horizon = today + timedelta(days=max(0, within_days))
    pending: dict[int, list[tuple[date, str]]] = {}
    for ref in referrals:
        due_on = ref.referred_on + timedelta(days=REFERRAL_GRACE_DAYS)
        if due_on <= horizon:
            reason = (f"referred to {ref.group_name} {_ago((today - ref.referred_on).days)}, "
                      "attendance not recorded")
            pending.setdefault(ref.consumer_id, []).append((due_on, reason))
    alert_list = list(alerts)
    items: list[DueItem] = []
    states = list(consumers)
    names = {s.consumer_id: s.name for s in states}
    for alert in alert_list:
        if alert.consumer_id in names and alert.found_on <= horizon:
            reason = f"{alert.message} — tell {names[alert.consumer_id]}"
            pending.setdefault(alert.consumer_id, []).append((alert.found_on, reason))
    for state in states:
        found: list[tuple[date, str]] = []
        due_on, why = followup_due_on(state)
        if due_on <= horizon:
            found.append((due_on, _followup_reason(state, due_on, why, today)))
        found.extend(pending.get(state.consumer_id, []))
        found.extend((day, text) for day, text in (extra or {}).get(state.consumer_id, ())
                     if day <= horizon)
        if not found:
            continue
        found.sort(key=lambda pair: pair[0])
        first = found[0][0]
        reasons = tuple(reason for _, reason in found)
        ok = contact_allowed(state, today)
        if not ok:
            reasons = (NO_CONTACT_REASON, *reasons)
        items.append(DueItem(state.consumer_id, state.name, first, (today - first).days,
                             reasons, ok))
    items.sort(key=lambda item: (item.due_on, item.name.lower(), item.consumer_id))
    return items


def due_item_to_dict(item: DueItem) -> DueDict:
    return {
        "consumer_id": item.consumer_id,
        "name": item.name,
        "due_on": item.due_on.isoformat(),
        "days_overdue": item.days_overdue,
        "contact_consent": item.contact_ok,
        "reason": item.reason,
        "reasons": list(item.reasons),
    }
