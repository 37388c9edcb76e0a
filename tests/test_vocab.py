"""Each vocabulary is defined once, in core/vocab.py: the SQL CHECK lists of a fresh database
agree with it, and the parsers, help and reports use it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from peercli.core import vocab

# (table, column) -> the vocabulary its CHECK (column IN (...)) must list, in order.
EXPECTED = {
    ("consumers", "status"): vocab.CONSUMER_STATUSES,
    ("consents", "kind"): vocab.CONSENT_KINDS,
    ("groups", "format"): vocab.FORMATS,
    ("groups", "status"): vocab.GROUP_STATUSES,
    ("meetings", "freq"): vocab.MEETING_FREQS,
    ("referrals", "status"): vocab.REFERRAL_STATUSES,
    ("checkins", "mode"): vocab.CHECKIN_MODES,
    ("checkins", "service_kind"): vocab.SERVICE_KINDS,
    ("plan_goals", "status"): vocab.GOAL_STATUSES,
    ("release_events", "action"): vocab.RELEASE_ACTIONS,
}

_CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)", re.IGNORECASE)


def _check_lists(db: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every ``CHECK (column IN ('a', 'b'))`` of text values in the live schema."""
    from peercli.store.db import open_db

    open_db(db).close()
    conn = sqlite3.connect(db)
    try:
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for table, sql in tables:
        for column, values in _CHECK_IN.findall(sql):
            items = tuple(v.strip() for v in values.split(","))
            if all(item.startswith("'") for item in items):
                found[(table, column)] = tuple(item.strip("'") for item in items)
    return found


def test_sql_check_lists_are_the_vocabularies(tmp_path: Path) -> None:
    found = _check_lists(tmp_path / "fresh.db")
    assert found == EXPECTED


def test_the_check_extraction_sees_a_drifted_list(tmp_path: Path) -> None:
    """The comparison can fail: a schema listing one more mode is noticed."""
    found = _check_lists(tmp_path / "fresh.db")
    drifted = {**found, ("checkins", "mode"): (*vocab.CHECKIN_MODES, "carrier-pigeon")}
    assert drifted != EXPECTED


@pytest.mark.parametrize("mode", vocab.CHECKIN_MODES)
def test_every_mode_parses_to_itself_and_has_a_label(mode: str) -> None:
    from peercli.core.checkins import MODE_LABELS, parse_mode

    assert parse_mode(mode) == mode
    assert mode in MODE_LABELS


@pytest.mark.parametrize("fmt", vocab.FORMATS)
def test_every_format_parses_to_itself(fmt: str) -> None:
    assert vocab.parse_format(fmt) == fmt


@pytest.mark.parametrize("status", vocab.REFERRAL_STATUSES)
def test_every_referral_status_parses_to_itself(status: str) -> None:
    from peercli.core.referrals import parse_status

    assert parse_status(status) == status


def test_open_statuses_are_referral_statuses() -> None:
    assert set(vocab.OPEN_REFERRAL_STATUSES) <= set(vocab.REFERRAL_STATUSES)
    assert set(vocab.ATTENDABLE_REFERRAL_STATUSES) <= set(vocab.OPEN_REFERRAL_STATUSES)
    assert vocab.AWAITING_OUTCOME_STATUS in vocab.ATTENDABLE_REFERRAL_STATUSES


def test_report_counts_every_mode() -> None:
    from peercli.core.reports import MODES

    assert tuple(MODES) == vocab.CHECKIN_MODES


def test_help_lists_the_vocabularies(peer) -> None:
    help_text = " ".join(peer("checkin", "log", "--help").stdout.split())
    for mode in vocab.CHECKIN_MODES:
        assert mode in help_text
    help_text = " ".join(peer("referral", "list", "--help").stdout.split())
    for status in vocab.REFERRAL_STATUSES:
        assert status in help_text
