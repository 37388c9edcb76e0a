"""The timeline of one consumer and the trend of their mood and WHO-5, the pure part.

Events come from the store (``store/timeline.py``) as plain values; ordering, one-line
descriptions and the trend arithmetic are here, tested with plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peercli.core.checkins import MODE_LABELS

# --- trend -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Trend:
    """A series of (when, value) with its latest value and the change vs the first and previous."""

    points: tuple[tuple[str, float], ...]
    lo: float
    hi: float

    @property
    def values(self) -> list[float]:
        return [v for _, v in self.points]

    @property
    def latest(self) -> float:
        return self.points[-1][1]

    @property
    def first(self) -> float:
        return self.points[0][1]

    @property
    def previous(self) -> float | None:
        return self.points[-2][1] if len(self.points) > 1 else None

    @property
    def change_from_first(self) -> float:
        return self.latest - self.first

    @property
    def change_from_previous(self) -> float | None:
        return None if self.previous is None else self.latest - self.previous


def build_trend(points: Iterable[tuple[str, float | None]], lo: float, hi: float) -> Trend | None:
    """Points in time order, skipping missing values; None when there is nothing to draw."""
    kept = tuple(sorted(((at, float(v)) for at, v in points if v is not None), key=lambda p: p[0]))
    return Trend(kept, lo, hi) if kept else None


def _num(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def trend_to_dict(trend: Trend | None) -> dict[str, object] | None:
    if trend is None:
        return None
    return {
        "points": [{"at": at, "value": _num(v)} for at, v in trend.points],
        "latest": _num(trend.latest),
        "first": _num(trend.first),
        "previous": _num(trend.previous),
        "change_from_first": _num(trend.change_from_first),
        "change_from_previous": _num(trend.change_from_previous),
        "scale": [_num(trend.lo), _num(trend.hi)],
    }


# --- timeline ----------------------------------------------------------------------------------

# When two events share a timestamp, the story reads in this order.
_KIND_ORDER = {"intake": 0, "consent": 1, "plan": 2, "checkin": 3, "attendance": 4,
               "referral": 5, "amendment": 6}


@dataclass(frozen=True)
class TimelineEvent:
    at: str
    kind: str
    summary: str
    ref_id: int | None = None
    data: dict[str, object] = field(default_factory=dict, compare=False)


def order_events(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Chronological, with a stable order for events at the same moment."""
    return sorted(events, key=lambda e: (e.at[:16], _KIND_ORDER.get(e.kind, 9), e.ref_id or 0))


def first_line(text: str | None, limit: int = 80) -> str:
    if not text:
        return ""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_checkin(mode: str, minutes: int, mood: int | None, who5_score: int | None,
                     note: str | None, *, amended: bool = False, barc10_total: int | None = None,
                     goals: Sequence[str] = ()) -> str:
    """One line for a check-in: "phone, 25 min, mood 4/5, WHO-5 60%, BARC-10 49/60 [G1] — went
    to the group"."""
    parts = [MODE_LABELS.get(mode, mode), f"{minutes} min"]
    if mood is not None:
        parts.append(f"mood {mood}/5")
    if who5_score is not None:
        parts.append(f"WHO-5 {who5_score * 4}%")
    if barc10_total is not None:
        parts.append(f"BARC-10 {barc10_total}/60")
    line = first_line(note)
    tags = f" [{', '.join(goals)}]" if goals else ""
    return (", ".join(parts) + (" (amended)" if amended else "") + tags
            + (f" — {line}" if line else ""))
