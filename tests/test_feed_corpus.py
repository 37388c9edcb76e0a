"""Hostile and odd feeds, shaped like the real ones (tests/corpus/feeds/): empty arrays, nulls
everywhere, wrong types, huge strings, duplicated ids, mixed time zones, "24:00" and "7:00 PM",
weekday 0/8, RRULE oddities (COUNT, BYMONTHDAY, DAILY, INTERVAL=0, a broken BYDAY), missing
DTSTART, a calendar-defined VTIMEZONE, an unknown TZID. Each file either imports, saying what it
read by a rule, or is refused with lines naming the record and field, exit 1, the database
byte-identical — never a traceback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer

CORPUS = Path(__file__).parent / "corpus" / "feeds"

# file -> ("imports" | "refused", a text the output must contain (warnings/errors/stderr))
EXPECT: dict[str, tuple[str, str]] = {
    "bmlt-all-nulls.json": ("refused", "meeting 1 (line 4): missing meeting_name"),
    "bmlt-duplicate-ids.json": ("refused", "duplicate: the same id '1'"),
    "bmlt-empty-meetings.json": ("imports", "the file lists no groups"),
    "bmlt-huge-name.json": ("refused", "name is longer than 200 characters"),
    "bmlt-jsonp-truncated.json": ("refused", "invalid JSON at line 1"),
    "bmlt-meetings-not-a-list.json": ("refused", '"meetings" is not a list'),
    "bmlt-mixed-time-zones.json": ("imports", "time_zone 'Mars/Olympus' is not an IANA zone"),
    "bmlt-odd-times.json": ("refused", "start_time '7:00 PM' is not a time HH:MM:SS"),
    "bmlt-venue-odd.json": ("imports", "venue_type '9' is not 1, 2 or 3"),
    "bmlt-weekday-0-and-8.json": ("refused", "weekday_tinyint '8' is not 1-7"),
    "bmlt-wrong-types.json": ("refused", "start_time '1900' is not a time"),
    "hsds-json-duplicate-ids.json": ("refused", "duplicate: the same id 's1'"),
    "hsds-json-empty-services.json": ("refused", "no HSDS services found"),
    "hsds-json-nulls.json": ("refused", "service 1 (line 1): missing name"),
    "hsds-json-service-list-page.json": ("refused", "service 2 (line 1): expected a JSON object"),
    "hsds-json-wrong-types.json": ("refused", 'Could not read schedule "25:00"'),
    "ics-bad-rrule.ics": ("imports", "RRULE could not be read (Expected weekday"),
    "ics-bymonthday.ics": ("imports", "BYMONTHDAY cannot be kept"),
    "ics-count.ics": ("imports", ""),
    "ics-custom-vtimezone.ics": ("imports", "TZID 'Custom Central' is not a time zone"),
    "ics-daily.ics": ("imports", ""),
    "ics-fifth-monday-and-yearly.ics": ("imports", "FREQ=YEARLY cannot be kept"),
    "ics-huge-summary.ics": ("refused", "name is longer than 200 characters"),
    "ics-missing-dtstart.ics": ("imports", "no DTSTART; skipped"),
    "ics-no-events.ics": ("imports", "the file lists no groups"),
    "ics-past-midnight.ics": ("imports", "its end is cut to 24:00"),
    "ics-unknown-tzid.ics": ("imports", "TZID 'Atlantis/Lost' is not a time zone"),
    "ics-unterminated.ics": ("refused", "no VCALENDAR in the file"),
    "ics-until-before-start.ics": ("imports", "until is before"),
    "mg-all-nulls.json": ("imports", "no day and time"),
    "mg-array-of-scalars.json": ("refused", "meeting 2 (line 3): expected a JSON object"),
    "mg-bad-timezone.json": ("refused", "Mars/Base"),
    "mg-days-out-of-range.json": ("refused", "day '7' is not 0-6"),
    "mg-deep-nesting.json": ("refused", "nested more than 32 levels"),
    "mg-duplicate-slugs.json": ("refused", "duplicate: the same id 'm'"),
    "mg-empty-array.json": ("imports", "the file lists no groups"),
    "mg-huge-notes.json": ("refused", "notes is longer than 10,000 characters"),
    "mg-huge-numbers.json": ("refused", "a number with 201 digits"),
    "mg-not-json.json": ("refused", "cannot tell what mg-not-json.json is"),
    "mg-object-not-array.json": ("refused", "expected a JSON array of meetings"),
    "mg-odd-times.json": ("refused", "a meeting cannot start at 24:00"),
    "mg-wrong-types.json": ("imports", "conference_url '12345' is not an http(s) link"),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_corpus_file_has_an_expectation() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_feed(peer: Any, make_group: Any, db_path: Path, name: str) -> None:
    make_group("Already Here")  # a database with something in it
    outcome, needle = EXPECT[name]
    before = _digest(db_path)
    result = peer("group", "import", str(CORPUS / name), "--source", "t", "--json", ok=False)
    text = result.stdout + result.stderr
    assert "Traceback" not in text and result.exception is None or \
        isinstance(result.exception, SystemExit), text
    if outcome == "refused":
        assert result.exit_code == 1, text
        assert _digest(db_path) == before
        assert needle in text
        if not result.stdout.strip():  # a whole-file problem: one line
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        return
    assert result.exit_code == 0, text
    data = json.loads(result.stdout)
    assert data["written"] is True and data["errors"] == []
    assert needle in " ".join(w["message"] for w in data["warnings"])
    human = peer("group", "import", str(CORPUS / name), "--source", "t2", ok=False)
    assert human.exit_code == 0 and "Traceback" not in human.stderr


def test_an_empty_feed_retires_nothing(peer: Any, tmp_path: Path) -> None:
    feed = tmp_path / "aa.json"
    feed.write_text(json.dumps([{"slug": "a", "name": "Morning Serenity", "day": 1,
                                 "time": "07:00", "address": "1 Main St"}]))
    peer("group", "import", str(feed), "--source", "aa")
    feed.write_text("[]")
    result = peer.json("group", "import", str(feed), "--source", "aa", "--retire-missing")
    assert result["retired"] == 0 and result["retire_skipped"] is True
    refreshed = peer.json("group", "refresh", "aa", "--force")[0]
    assert refreshed["retired"] == 0
    assert any("empty" in n for n in refreshed["notes"])
    assert peer.json("group", "show", "Morning")["status"] == "active"


@pytest.mark.parametrize("body, needle", [
    (b"<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>",
     "answered with a web page (HTML), not a directory feed"),
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage\x00", ""),
])
def test_hostile_bodies_from_a_url(peer: Any, db_path: Path, make_group: Any, body: bytes,
                                   needle: str) -> None:
    make_group("Already Here")
    before = _digest(db_path)
    with FeedServer() as server:
        server.files["feed.json"] = body
        result = peer("group", "import", server.url("/feeds/feed.json"), ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert _digest(db_path) == before
