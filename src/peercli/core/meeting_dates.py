"""When a meeting next takes place: `next_occurrences` and `next_meeting`, computed with
python-dateutil's rrule from the meeting's RRULE parts. "Every other" meetings without a dtstart
of their own count their parity from EPOCH (Monday 2024-01-01), never from today."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from peercli.core.meeting import EPOCH, Meeting, split_byday


def _anchor(m: Meeting, after: date) -> date:
    """A dtstart for the rule: the meeting's own, or EPOCH; moved by whole periods (which keeps
    "every other" parity) to shortly before `after`, so the rule need not walk years. Without a
    dtstart of its own the series has no beginning, so the anchor may also move back."""
    from dateutil.relativedelta import relativedelta

    anchor = m.dtstart or EPOCH
    if m.freq == "MONTHLY":
        months = (after.year - anchor.year) * 12 + after.month - anchor.month
        k = months // m.interval - 1
        if m.dtstart is not None:
            k = max(0, k)
        if k == 0:
            return anchor
        shifted_month: date = anchor + relativedelta(months=k * m.interval)
        return shifted_month.replace(day=1)
    period = m.interval * (7 if m.freq == "WEEKLY" else 1)
    k = (after - anchor).days // period - 1
    if m.dtstart is not None:
        k = max(0, k)
    shifted = anchor + timedelta(days=k * period)
    if m.freq == "WEEKLY" and k:
        shifted -= timedelta(days=shifted.weekday())  # whole week, still before `after`
    return shifted


def next_occurrences(
    m: Meeting, after: datetime, count: int = 3, *, local_tz: str | None = None
) -> list[datetime]:
    """The next `count` meeting starts strictly after `after`, as naive datetimes.

    Times are the meeting's wall-clock times. When `local_tz` (an IANA name) is given and the
    meeting has another time zone, `after` is read in `local_tz` and the results converted to it.
    "Every other" meetings without dtstart count their parity from EPOCH (Monday 2024-01-01).
    """
    from dateutil import rrule

    if count <= 0:
        return []
    if after.tzinfo is not None:
        after = after.replace(tzinfo=None)
    zones = None
    if local_tz and m.timezone and local_tz != m.timezone:
        from zoneinfo import ZoneInfo

        zones = ZoneInfo(local_tz), ZoneInfo(m.timezone)
        after = after.replace(tzinfo=zones[0]).astimezone(zones[1]).replace(tzinfo=None)
    freq = {"WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY, "DAILY": rrule.DAILY}[m.freq]
    byweekday = None
    if m.byday:
        wd = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
        byweekday = [wd[day](nth) if nth else wd[day] for nth, day in map(split_byday, m.byday)]
    dtstart = datetime.combine(_anchor(m, after.date()), time(m.start // 60, m.start % 60))
    until = datetime.combine(m.until, time(23, 59, 59)) if m.until else None
    rule = rrule.rrule(
        freq, dtstart=dtstart, interval=m.interval, byweekday=byweekday, until=until,
        wkst=rrule.MO, bymonth=m.bymonth or None,
    )
    if m.exdates:
        skipped = set(m.exdates)
        results = []
        for occ in rule.xafter(after, inc=False):
            if occ.date() not in skipped:
                results.append(occ)
                if len(results) >= count:
                    break
    else:
        results = list(rule.xafter(after, count=count, inc=False))
    if zones is not None:
        local, own = zones
        results = [r.replace(tzinfo=own).astimezone(local).replace(tzinfo=None) for r in results]
    return results


def next_meeting(
    meetings: Iterable[Meeting], after: datetime, *, local_tz: str | None = None
) -> datetime | None:
    """The soonest start strictly after `after` among `meetings`, or None."""
    firsts = [
        occ[0] for m in meetings if (occ := next_occurrences(m, after, 1, local_tz=local_tz))
    ]
    return min(firsts, default=None)
