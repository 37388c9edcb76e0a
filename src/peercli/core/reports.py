"""Monthly (or any date range) programme numbers, computed from plain rows: no SQLite, no Rich.

The store layer reads rows into the small records below; :func:`build_report` turns them into a
:class:`Report` for one :class:`Period`. Rules a programme should know:

- *contacts* are effective check-ins dated in the range: when a check-in was amended, only the
  newest version in its amendment chain counts (an amended row is superseded, not a contact).
- *units* are summed as stored on each check-in (15-minute units of service, rounded when saved).
- *referrals* are the ones made (created) in the range, counted by their status today;
  *attended* counts those whose status is attended/continuing or that have an attendance row.
- *average mood change*: for each consumer with two or more moods in the range, the last mood
  minus the first (by check-in time), averaged over those consumers.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from peercli.core.contract import ReportDict
from peercli.core.vocab import CHECKIN_MODES

MODES = CHECKIN_MODES
REFERRAL_STATUSES = (
    "suggested", "referred", "attended", "continuing", "declined", "no_show", "closed",
)
ATTENDED_STATUSES = frozenset({"attended", "continuing"})
TOP_GROUPS = 5

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class Period:
    """An inclusive date range; ``month`` is "YYYY-MM" when the range is one calendar month."""

    start: date
    end: date
    month: str | None = None

    def contains(self, iso: str | None) -> bool:
        """Whether an ISO date or date-time string falls on a day in the range."""
        if not iso:
            return False
        day = iso[:10]
        return self.start.isoformat() <= day <= self.end.isoformat()


def month_period(text: str) -> Period:
    """"2026-11" -> 1..30 November 2026. Raises ValueError quoting the text."""
    m = _MONTH.fullmatch(text.strip())
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1:
        raise ValueError(f"'{text}' is not a month; expected YYYY-MM, e.g. 2026-11")
    year, month = int(m[1]), int(m[2])
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}")


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a date; expected YYYY-MM-DD, e.g. 2026-11-01") from None


def choose_period(
    month: str | None, start: str | None, end: str | None, today: date
) -> Period:
    """The range a report covers, from --month or --from/--to (default: this month).

    Raises ValueError with the flag name first ("--month: ...").
    """
    if month is not None and (start is not None or end is not None):
        raise ValueError("--month: give either --month or --from/--to, not both")
    if month is not None:
        try:
            return month_period(month)
        except ValueError as exc:
            raise ValueError(f"--month: {exc}") from None
    if start is None and end is None:
        return month_period(f"{today.year:04d}-{today.month:02d}")
    if start is None:
        raise ValueError("--from: missing; --to needs a start date too (YYYY-MM-DD)")
    try:
        first = parse_day(start)
    except ValueError as exc:
        raise ValueError(f"--from: {exc}") from None
    try:
        last = parse_day(end) if end is not None else today
    except ValueError as exc:
        raise ValueError(f"--to: {exc}") from None
    if last < first:
        raise ValueError(f"--to: '{last.isoformat()}' is before --from '{first.isoformat()}'")
    return Period(first, last)


@dataclass(frozen=True)
class CheckinRow:
    id: int
    consumer_id: int
    at: str
    mode: str
    minutes: int
    units: int
    mood: int | None = None
    amends_id: int | None = None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    consumer_id: int
    group_id: int
    group_name: str
    status: str
    created_at: str
    attended: bool = False  # an attendance row or an attended/continuing event exists


@dataclass(frozen=True)
class GroupCount:
    group_id: int
    name: str
    referrals: int


@dataclass(frozen=True)
class Report:
    period: Period
    contacts: int
    minutes: int
    units: int
    consumers_served: int
    new_consumers: int
    checkins_by_mode: dict[str, int]
    referrals: dict[str, int]
    referrals_made: int
    referrals_attended: int
    average_mood_change: float | None
    mood_consumers: int
    top_groups: tuple[GroupCount, ...] = field(default_factory=tuple)


def effective_checkins(rows: Iterable[CheckinRow]) -> list[CheckinRow]:
    """Drop superseded versions: a row that another row amends is replaced by that newer row."""
    rows = list(rows)
    amended = {r.amends_id for r in rows if r.amends_id is not None}
    return [r for r in rows if r.id not in amended]


def _mood_change(checkins: Sequence[CheckinRow]) -> tuple[float | None, int]:
    by_consumer: dict[int, list[tuple[str, int, int]]] = {}
    for c in checkins:
        if c.mood is not None:
            by_consumer.setdefault(c.consumer_id, []).append((c.at, c.id, c.mood))
    changes = []
    for moods in by_consumer.values():
        if len(moods) >= 2:
            moods.sort()
            changes.append(moods[-1][2] - moods[0][2])
    if not changes:
        return None, 0
    return round(sum(changes) / len(changes), 2), len(changes)


def build_report(
    period: Period,
    checkins: Iterable[CheckinRow],
    referrals: Iterable[ReferralRow],
    consumer_created: Iterable[str],
    *,
    already_effective: bool = False,
) -> Report:
    """Aggregate the rows for ``period``. ``checkins`` may hold every version of every check-in
    (superseded ones are dropped here) unless ``already_effective`` says they were filtered."""
    rows = list(checkins) if already_effective else effective_checkins(checkins)
    in_range = [c for c in rows if period.contains(c.at)]
    modes = Counter(c.mode for c in in_range)
    made = [r for r in referrals if period.contains(r.created_at)]
    statuses = Counter(r.status for r in made)
    by_group = Counter((r.group_id, r.group_name) for r in made)
    top = sorted(by_group.items(), key=lambda kv: (-kv[1], kv[0][1].casefold(), kv[0][0]))
    average, mood_consumers = _mood_change(in_range)
    return Report(
        period=period,
        contacts=len(in_range),
        minutes=sum(c.minutes for c in in_range),
        units=sum(c.units for c in in_range),
        consumers_served=len({c.consumer_id for c in in_range}),
        new_consumers=sum(1 for at in consumer_created if period.contains(at)),
        checkins_by_mode={m: modes.get(m, 0) for m in (*MODES, *sorted(set(modes) - set(MODES)))},
        referrals={s: statuses.get(s, 0)
                   for s in (*REFERRAL_STATUSES, *sorted(set(statuses) - set(REFERRAL_STATUSES)))},
        referrals_made=len(made),
        referrals_attended=sum(1 for r in made if r.attended or r.status in ATTENDED_STATUSES),
        average_mood_change=average,
        mood_consumers=mood_consumers,
        top_groups=tuple(GroupCount(gid, name, n) for (gid, name), n in top[:TOP_GROUPS]),
    )


def report_to_dict(report: Report) -> ReportDict:
    """The JSON contract: month, contacts, minutes, units, consumers_served, referrals (+ more)."""
    return {
        "month": report.period.month,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "contacts": report.contacts,
        "minutes": report.minutes,
        "units": report.units,
        "consumers_served": report.consumers_served,
        "new_consumers": report.new_consumers,
        "checkins_by_mode": dict(report.checkins_by_mode),
        "referrals": dict(report.referrals),
        "referrals_made": report.referrals_made,
        "referrals_attended": report.referrals_attended,
        "average_mood_change": report.average_mood_change,
        "mood_consumers": report.mood_consumers,
        "top_groups": [
            {"group_id": g.group_id, "name": g.name, "referrals": g.referrals}
            for g in report.top_groups
        ],
    }


def report_rows(report: Report) -> list[tuple[str, str, str]]:
    """Long-form rows (section, item, value) for CSV: one number per line, easy to pivot."""
    d = report_to_dict(report)
    rows: list[tuple[str, str, str]] = [
        ("period", "from", d["from"]),
        ("period", "to", d["to"]),
    ]
    if d["month"]:
        rows.append(("period", "month", d["month"]))
    for key in ("contacts", "minutes", "units", "consumers_served", "new_consumers",
                "referrals_made", "referrals_attended", "mood_consumers"):
        rows.append(("summary", key, str(d[key])))
    mood = d["average_mood_change"]
    rows.append(("summary", "average_mood_change", "" if mood is None else f"{mood:g}"))
    rows += [("checkins_by_mode", k, str(v)) for k, v in d["checkins_by_mode"].items()]
    rows += [("referrals_by_status", k, str(v)) for k, v in d["referrals"].items()]
    rows += [("top_groups", g["name"], str(g["referrals"])) for g in d["top_groups"]]
    return rows


def bar(value: int, largest: int, width: int = 20) -> str:
    """A proportional bar of full blocks; any non-zero value shows at least one block."""
    if value <= 0 or largest <= 0:
        return ""
    return "█" * max(1, round(value / largest * width))
