"""The second phrase corpora (tests/corpus/listings.txt, said.txt, checkin_times.txt), built apart
from the first: listings and free-time answers written the way other county sheets and other
people write them, and check-in times as typed. Each phrase reads as expected, with a warning
whenever the reading was a guess."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from peercli.core.availability import AvailabilityError, format_windows, read_availability
from peercli.core.checkins import read_at, read_between
from peercli.core.schedule import ScheduleError, describe_meeting, read_schedule

CORPUS = Path(__file__).parent / "corpus"
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 16, 0)


@dataclass(frozen=True)
class Case:
    phrase: str
    reading: str
    warn: bool
    note: str | None
    says: str | None
    line: int


def load(name: str) -> list[Case]:
    cases: list[Case] = []
    reading, warn, note, says = "", False, None, None
    for n, raw in enumerate((CORPUS / name).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("= "):
            parts = [p.strip() for p in line[2:].split(" ! ")]
            reading, warn, note, says = parts[0], "warn" in parts[1:], None, None
            for p in parts[1:]:
                if p.startswith("note="):
                    note = p[5:]
                elif p.startswith("says="):
                    says = p[5:]
            continue
        cases.append(Case(line, reading, warn, note, says, n))
    return cases


LISTINGS = load("listings.txt")
SAID = load("said.txt")


def _guesses(warnings: tuple[str, ...] | list[str]) -> list[str]:
    return [w for w in warnings if w.startswith("read ") and " as " in w and "was meant" in w]


def test_corpus_sizes() -> None:
    assert len(LISTINGS) >= 400
    assert len(SAID) >= 300
    assert len(CHECKINS) >= 60


def check_schedule(case: Case) -> None:
    if case.reading.startswith("ERROR"):
        with pytest.raises(ScheduleError) as info:
            read_schedule(case.phrase, today=TODAY)
        assert info.value.fragment == case.reading[6:]
        assert case.reading[6:] in str(info.value)
        return
    r = read_schedule(case.phrase, today=TODAY)
    got = "UNKNOWN" if not r.known else "; ".join(describe_meeting(m) for m in r.meetings)
    assert got == case.reading, r
    assert bool(_guesses(r.warnings)) == case.warn, r.warnings
    if case.note is not None:
        assert case.note.casefold() in [n.casefold() for n in r.notes], r.notes
    if case.says is not None:
        assert any(case.says in w for w in r.warnings), r.warnings
    if not r.known:
        assert r.notes and r.warnings
    if "(time not listed)" in got:
        assert any("time not listed" in w for w in r.warnings), r.warnings


def check_free_time(case: Case) -> None:
    if case.reading.startswith("ERROR"):
        with pytest.raises(AvailabilityError) as info:
            read_availability(case.phrase)
        assert info.value.fragment == case.reading[6:]
        return
    r = read_availability(case.phrase)
    assert format_windows(r.windows) == case.reading, r
    assert bool(_guesses(r.warnings)) == case.warn, r.warnings
    if case.says is not None:
        assert any(case.says in w for w in r.warnings), r.warnings


@dataclass(frozen=True)
class CheckinCase:
    text: str
    expected: str
    warn: bool
    line: int


def load_checkins() -> list[CheckinCase]:
    out = []
    for n, raw in enumerate((CORPUS / "checkin_times.txt").read_text("utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        text, _, expected = line.partition(" => ")
        expected, _, flag = expected.partition(" ! ")
        out.append(CheckinCase(text, expected, flag == "warn", n))
    return out


CHECKINS = load_checkins()


def check_checkin(case: CheckinCase) -> None:
    if case.text.startswith("@ "):
        def run() -> tuple[str, list[str]]:
            when, warnings = read_at(case.text[2:], NOW)
            return when.strftime("%Y-%m-%d %H:%M"), warnings
    else:
        start, _, end = case.text.partition(" | ")

        def run() -> tuple[str, list[str]]:
            begin, length, warnings = read_between(start, end)
            return f"{begin.strftime('%H:%M')} +{length}", warnings
    if case.expected.startswith("ERROR"):
        with pytest.raises(ValueError) as info:
            run()
        assert case.expected[6:] in str(info.value)
        return
    got, warnings = run()
    assert got == case.expected
    assert bool(_guesses(warnings)) == case.warn, warnings


@pytest.mark.parametrize("case", LISTINGS, ids=lambda c: f"{c.line}:{c.phrase}")
def test_listing(case: Case) -> None:
    check_schedule(case)


@pytest.mark.parametrize("case", SAID, ids=lambda c: f"{c.line}:{c.phrase}")
def test_said(case: Case) -> None:
    check_free_time(case)


@pytest.mark.parametrize("case", CHECKINS, ids=lambda c: f"{c.line}:{c.text}")
def test_checkin_time(case: CheckinCase) -> None:
    check_checkin(case)
