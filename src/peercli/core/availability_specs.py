"""The pieces the free-time grammar builds: a time spec (a range, a bound, a part of the day, a
fixed window such as "anytime" or a shift), a group of days with its specs, and the rules that
decide which specs of a group count ("anytime after 5" is after 5)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from peercli.core.availability_windows import WHOLE_DAY
from peercli.core.availability_words import EXPECTED
from peercli.core.phrase_lexer import Token
from peercli.core.timeparse import PARTS_OF_DAY


@dataclass
class Spec:
    """One time spec of a group: kind range/after/before/part/window/at/shift."""

    kind: str
    first: Token
    second: Token | None = None
    part: str | None = None
    spans: tuple[tuple[int, int], ...] = ()  # fixed hours (a part, "anytime", a shift)
    narrows: bool = False  # an after/before right after a part narrows that part
    fragment: str = ""


def part_spec(tok: Token, part: str) -> Spec:
    return Spec("part", tok, part=part, spans=(PARTS_OF_DAY[part],))


@dataclass
class Group:
    days: set[int] = field(default_factory=set)
    specs: list[Spec] = field(default_factory=list)


def describes_part(tok: Token, nxt: Token | None) -> bool:
    """"weekday evenings", "weekend mornings": the singular group word belongs to the part of
    the day after it, so after a separator it starts its own group ("weekends + weekday
    evenings")."""
    word = tok.text.strip().lower()
    return tok.kind == "days" and word in ("weekday", "weekend", "wkday", "wkend") and (
        nxt is not None and nxt.kind == "part")


def effective_specs(specs: list[Spec]) -> list[Spec]:
    """A stated time wins over what it sits in: "anytime after 5" is after 5, and "Sunday
    afternoon 2-5" is 2-5 (the part of the day only settles am/pm)."""
    if len(specs) < 2:
        return specs
    out = [s for s in specs if not (s.kind == "window" and s.spans == (WHOLE_DAY,))] or specs
    if any(s.kind in ("range", "at") for s in out) and not any(s.narrows for s in out):
        out = [s for s in out if s.kind != "part"] or out
    parts = [s for s in out if s.kind == "part"]
    bounds = [s for s in out if s.kind in ("after", "before") and not s.narrows]
    if len(parts) == 1 and bounds and len(parts) + len(bounds) == len(out):
        # "after 7pm on weeknights": the bound narrows the part wherever it is written
        out = parts + [replace(b, narrows=True) for b in bounds]
    return out


def reason_for(tok: Token) -> str:
    if tok.kind == "word" and len(tok.text) >= 3 and tok.text.lower().rstrip("s.").endswith("day"):
        return "not a day of the week; expected Mon..Sun, weekdays or weekends"
    return EXPECTED
