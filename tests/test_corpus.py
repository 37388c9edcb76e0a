"""The phrase corpora (tests/corpus/*.txt): every schedule and free-time phrase written the way
county sheets and people write them reads as expected, with a warning exactly when the reading
was a guess by the documented rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from peercli.core.availability import AvailabilityError, format_windows, read_availability
from peercli.core.schedule import ScheduleError, describe_meeting, read_schedule

CORPUS = Path(__file__).parent / "corpus"
TODAY = date(2026, 11, 28)


@dataclass(frozen=True)
class Case:
    phrase: str
    reading: str
    warn: bool
    note: str | None
    line: int


def load(name: str) -> list[Case]:
    cases: list[Case] = []
    reading, warn, note = "", False, None
    for n, raw in enumerate((CORPUS / name).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("= "):
            parts = [p.strip() for p in line[2:].split(" ! ")]
            reading, warn, note = parts[0], "warn" in parts[1:], None
            for p in parts[1:]:
                if p.startswith("note="):
                    note = p[5:]
            continue
        cases.append(Case(line, reading, warn, note, n))
    return cases


SCHEDULES = load("schedules.txt")
FREE_TIME = load("free_time.txt")


def _guess_warnings(warnings: tuple[str, ...]) -> list[str]:
    return [w for w in warnings if w.startswith("read ")]


def test_corpus_sizes() -> None:
    assert len(SCHEDULES) >= 300
    assert len(FREE_TIME) >= 150


@pytest.mark.parametrize("case", SCHEDULES, ids=lambda c: f"{c.line}:{c.phrase}")
def test_schedule_corpus(case: Case) -> None:
    if case.reading.startswith("ERROR"):
        with pytest.raises(ScheduleError) as info:
            read_schedule(case.phrase, today=TODAY)
        assert info.value.fragment == case.reading[6:]
        assert case.reading[6:] in str(info.value)
        return
    r = read_schedule(case.phrase, today=TODAY)
    got = "UNKNOWN" if not r.known else "; ".join(describe_meeting(m) for m in r.meetings)
    assert got == case.reading
    assert bool(_guess_warnings(r.warnings)) == case.warn, r.warnings
    if case.note is not None:
        assert case.note.casefold() in [n.casefold() for n in r.notes]
    if not r.known:
        assert r.notes and r.warnings


@pytest.mark.parametrize("case", FREE_TIME, ids=lambda c: f"{c.line}:{c.phrase}")
def test_free_time_corpus(case: Case) -> None:
    if case.reading.startswith("ERROR"):
        with pytest.raises(AvailabilityError) as info:
            read_availability(case.phrase)
        assert info.value.fragment == case.reading[6:]
        return
    r = read_availability(case.phrase)
    assert format_windows(r.windows) == case.reading
    assert bool(_guess_warnings(r.warnings)) == case.warn, r.warnings
