"""The person-centred recovery plan, the pure rules: goal statuses, target dates, plan reviews.

A plan is a list of goals in the person's own words (kept exactly as typed), each with steps and
an optional target date. A goal's status is active, met, changed (replaced by a reworded goal)
or dropped; every change is kept as a snapshot. A plan with at least one goal is reviewed every N
days (``peer config set plan-review-days N``, default 90), counted from the last review, or from
the day the plan's first goal was written when it has never been reviewed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from peercli.core.vocab import GOAL_STATUSES
from peercli.core.wording import plural

_STATUS_WORDS: dict[str, str] = {
    "active": "active", "open": "active", "reopen": "active", "reopened": "active",
    "working": "active", "in progress": "active",
    "met": "met", "done": "met", "achieved": "met", "reached": "met", "complete": "met",
    "completed": "met",
    "changed": "changed", "reworded": "changed", "replaced": "changed", "revised": "changed",
    "dropped": "dropped", "abandoned": "dropped", "stopped": "dropped", "closed": "dropped",
}
MAX_TARGET_YEARS = 5
_SPAN = re.compile(r"^(?:in\s+)?(\d+)\s*(d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)$")


def parse_goal_status(text: str) -> str:
    key = re.sub(r"\s+", " ", text.strip().lower())
    if key in _STATUS_WORDS:
        return _STATUS_WORDS[key]
    raise ValueError(f"unknown goal status '{text}' (use {', '.join(GOAL_STATUSES)})")


def parse_goal_text(text: str) -> str:
    """The goal in the person's own words: kept as typed (only outer spaces trimmed)."""
    clean = text.strip()
    if not clean:
        raise ValueError("empty: write the goal in the person's own words")
    if len(clean) > 500:
        raise ValueError(f"is {len(clean)} characters; keep a goal under 500")
    return clean


def _after(today: date, number: int, unit: str) -> date:
    """``today`` plus ``number`` days, weeks, months or years (OverflowError past year 9999)."""
    if unit.startswith(("y", "m")):
        from dateutil.relativedelta import relativedelta

        months = number * 12 if unit.startswith("y") else number
        later: date = today + relativedelta(months=months)
        return later
    if unit.startswith("w"):
        return today + timedelta(weeks=number)
    return today + timedelta(days=number)


def parse_target(text: str, today: date) -> date:
    """A target date: 2027-03-01, or a span from today: 90d, 6w, 3m, 1y, "in 6 months".

    A date in the past is refused (a target is ahead); more than five years ahead is refused.
    """
    raw = re.sub(r"\s+", " ", text.strip().lower())
    result: date | None = None
    match = _SPAN.match(raw)
    if match:
        number, unit = int(match.group(1)), match.group(2)
        try:
            result = _after(today, number, unit)
        except (OverflowError, ValueError):  # beyond the calendar: far past the limit below
            raise ValueError(f"'{text}' is more than {MAX_TARGET_YEARS} years ahead") from None
    else:
        try:
            result = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"cannot read the target date '{text}' (use 2027-03-01, or 90d, 6w, "
                             "3m, 1y)") from None
    if result < today:
        raise ValueError(f"'{text}' is {result.isoformat()}, in the past: a target date is ahead")
    if (result - today).days > MAX_TARGET_YEARS * 366:
        raise ValueError(f"'{text}' is {result.isoformat()}, more than {MAX_TARGET_YEARS} years "
                         "ahead")
    return result


def parse_review_day(text: str, today: date) -> date:
    """The day a plan was reviewed: today (default), yesterday, or a date not in the future."""
    raw = text.strip().lower()
    if raw == "today":
        return today
    if raw == "yesterday":
        return today - timedelta(days=1)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"cannot read the date '{text}' (use YYYY-MM-DD, today or yesterday)"
                         ) from None
    if day > today:
        raise ValueError(f"'{text}' is in the future: record a review after it happens")
    return day


@dataclass(frozen=True)
class PlanState:
    """What ``peer due`` needs about one person's plan."""

    consumer_id: int
    started_on: date
    last_review_on: date | None


def review_due_on(state: PlanState, every_days: int) -> date:
    base = state.last_review_on if state.last_review_on is not None else state.started_on
    return base + timedelta(days=every_days)


def reviews_due(
    plans: Iterable[PlanState], today: date, every_days: int, within_days: int = 0
) -> dict[int, list[tuple[date, str]]]:
    """Per consumer, (due date, reason) when the plan review falls due by today + within_days."""
    horizon = today + timedelta(days=max(0, within_days))
    out: dict[int, list[tuple[date, str]]] = {}
    for plan in plans:
        due_on = review_due_on(plan, every_days)
        if due_on > horizon:
            continue
        if plan.last_review_on is None:
            since = f"plan written {plan.started_on.isoformat()}, never reviewed"
        else:
            since = f"last reviewed {plan.last_review_on.isoformat()}"
        offset = (today - due_on).days
        when = ("due today" if offset == 0 else f"{plural(offset, 'day')} overdue"
                if offset > 0 else f"due {due_on.isoformat()}")
        out.setdefault(plan.consumer_id, []).append(
            (due_on, f"recovery plan review {when} ({since}; every {plural(every_days, 'day')})"))
    return out


def status_label(status: str) -> str:
    return {"active": "active", "met": "met ✓", "changed": "changed", "dropped": "dropped"}.get(
        status, status)
