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
- *units by service code* sum the effective check-ins' units under the code on the note
  ("not recorded" for check-ins written before notes had a code); *individual / group* follows
  the note's service kind (a check-in in mode "group" is a group service).
- *notes*: effective check-ins in the range that are under sign-off (written by this version):
  signed, signed late (more than the late-after business days after the contact), unsigned.
- *plan reviews*: reviews recorded in the range; plans whose review was overdue at the end of
  the range (or today, if earlier); plans in place then.
- *BARC-10*: assessments in the range, their average total (10-60), and the average change
  (last minus first) for people assessed twice or more in the range.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from peercli.core.contract import ReportDict
from peercli.core.vocab import CHECKIN_MODES, REFERRAL_STATUSES

MODES = CHECKIN_MODES
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
    service_code: str | None = None
    service_kind: str | None = None
    signature_required: bool = False
    signed: bool = False
    signed_late: bool = False
    barc10_total: int | None = None


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
    units_by_service_code: dict[str, int] = field(default_factory=dict)
    by_service_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    plan_reviews: dict[str, int] = field(default_factory=dict)
    barc10: dict[str, float | int | None] = field(default_factory=dict)


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


NO_CODE = "not recorded"


def _service_numbers(rows: Sequence[CheckinRow]) -> tuple[dict[str, int], dict[str, dict[str, int]],
                                                          dict[str, int]]:
    """Units by service code, contacts/units/people by individual or group, and note status."""
    by_code: Counter[str] = Counter()
    for c in rows:
        by_code[c.service_code or NO_CODE] += c.units
    kinds: dict[str, dict[str, int]] = {}
    for kind in ("individual", "group"):
        picked = [c for c in rows if (c.service_kind or ("group" if c.mode == "group"
                                                         else "individual")) == kind]
        kinds[kind] = {"contacts": len(picked), "units": sum(c.units for c in picked),
                       "people": len({c.consumer_id for c in picked})}
    tracked = [c for c in rows if c.signature_required or c.signed]
    notes = {"under_signoff": len(tracked),
             "signed": sum(1 for c in tracked if c.signed),
             "signed_late": sum(1 for c in tracked if c.signed and c.signed_late),
             "unsigned": sum(1 for c in tracked if not c.signed)}
    codes = dict(sorted(by_code.items(), key=lambda kv: (kv[0] == NO_CODE, kv[0])))
    return codes, kinds, notes


def _barc10(rows: Sequence[CheckinRow]) -> dict[str, float | int | None]:
    """BARC-10 in the range: assessments, people, the average total, and the average change
    (last minus first) for people assessed twice or more."""
    scored = sorted((c.consumer_id, c.at, c.id, c.barc10_total) for c in rows
                    if c.barc10_total is not None)
    if not scored:
        return {"assessments": 0, "people": 0, "average_total": None, "average_change": None,
                "change_people": 0}
    per: dict[int, list[int]] = {}
    for consumer_id, _, _, total in scored:
        per.setdefault(consumer_id, []).append(int(total or 0))
    changes = [v[-1] - v[0] for v in per.values() if len(v) >= 2]
    return {"assessments": len(scored), "people": len(per),
            "average_total": round(sum(int(t or 0) for *_, t in scored) / len(scored), 1),
            "average_change": round(sum(changes) / len(changes), 1) if changes else None,
            "change_people": len(changes)}


def build_report(
    period: Period,
    checkins: Iterable[CheckinRow],
    referrals: Iterable[ReferralRow],
    consumer_created: Iterable[str],
    *,
    already_effective: bool = False,
    plan_reviews: dict[str, int] | None = None,
) -> Report:
    """Aggregate the rows for ``period``. ``checkins`` may hold every version of every check-in
    (superseded ones are dropped here) unless ``already_effective`` says they were filtered.
    ``plan_reviews`` ({"done", "overdue", "plans"}) is counted by the store (it needs dates)."""
    rows = list(checkins) if already_effective else effective_checkins(checkins)
    in_range = [c for c in rows if period.contains(c.at)]
    modes = Counter(c.mode for c in in_range)
    made = [r for r in referrals if period.contains(r.created_at)]
    statuses = Counter(r.status for r in made)
    by_group = Counter((r.group_id, r.group_name) for r in made)
    top = sorted(by_group.items(), key=lambda kv: (-kv[1], kv[0][1].casefold(), kv[0][0]))
    average, mood_consumers = _mood_change(in_range)
    codes, kinds, notes = _service_numbers(in_range)
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
        units_by_service_code=codes,
        by_service_kind=kinds,
        notes=notes,
        plan_reviews=dict(plan_reviews or {"done": 0, "overdue": 0, "plans": 0}),
        barc10=_barc10(in_range),
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
        "units_by_service_code": dict(report.units_by_service_code),
        "by_service_kind": {k: dict(v) for k, v in report.by_service_kind.items()},
        "notes": dict(report.notes),
        "plan_reviews": dict(report.plan_reviews),
        "barc10": dict(report.barc10),
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
    rows += [("units_by_service_code", k, str(v)) for k, v in d["units_by_service_code"].items()]
    rows += [(f"service_kind_{kind}", k, str(v)) for kind, numbers in d["by_service_kind"].items()
             for k, v in numbers.items()]
    rows += [("notes", k, str(v)) for k, v in d["notes"].items()]
    rows += [("plan_reviews", k, str(v)) for k, v in d["plan_reviews"].items()]
    rows += [("barc10", k, "" if v is None else f"{v:g}") for k, v in d["barc10"].items()]
    return rows


def bar(value: int, largest: int, width: int = 20) -> str:
    """A proportional bar of full blocks; any non-zero value shows at least one block."""
    if value <= 0 or largest <= 0:
        return ""
    return "█" * max(1, round(value / largest * width))
