"""docs/json.md is the JSON contract: every command it documents is run here, and every key its
`Keys:` lines list must be in the output. A key renamed in the code, or documented but never
produced, fails this test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "json.md"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "groups.sample.csv"


def documented() -> dict[str, tuple[set[str], bool]]:
    """Heading (the command as written in the doc) -> (keys, whether they are per element)."""
    out: dict[str, tuple[set[str], bool]] = {}
    heading = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            heading = line[4:].strip()
        elif line.startswith("Keys") and heading:
            keys = set(re.findall(r"`([a-z_]+)`", line.split(":", 1)[1]))
            out[heading] = (keys, "(each element)" in line)
    return out


@pytest.fixture
def loop(peer, monkeypatch) -> dict[str, Any]:
    """The daily loop on the bundled sample directory, so every documented command has data."""
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    outputs: dict[str, Any] = {}
    outputs["group import"] = peer.json("group", "import", str(SAMPLE))
    outputs["consumer add"] = peer.json(
        "consumer", "add", "Sam Rivera", "--interests", "bereavement, walking",
        "--available", "Tue evening", "--formats", "in_person", "--languages", "en",
        "--consent", "all", "--every", "7d")
    outputs["consumer show"] = peer.json("consumer", "show", "Sam")
    outputs["consumer list"] = peer.json("consumer", "list")
    outputs["group list"] = peer.json("group", "list")
    outputs["group show"] = peer.json("group", "show", "Tuesday Grief Circle")
    outputs["match X"] = peer.json("match", "Sam")
    outputs["match --group"] = peer.json("match", "--group", "Tuesday Grief Circle")
    peer.json("refer", "Sam", "Tuesday Grief Circle")
    outputs["calendar"] = peer.json("calendar", "Sam")
    monkeypatch.setenv("PEER_NOW", "2026-11-01T10:00")  # a contact three weeks ago
    outputs["checkin"] = peer.json("checkin", "Sam", "--mode", "phone", "--minutes", "20",
                                   "--mood", "4")
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    outputs["due"] = peer.json("due")
    outputs["report"] = peer.json("report", "--month", "2026-11")
    outputs["db path"] = peer.json("db", "path")
    return outputs


# Which run above answers each documented heading (matched by a phrase in the heading).
HEADING_TO_RUN = [
    ("peer consumer add", ["consumer add", "consumer show"]),
    ("peer consumer list", ["consumer list"]),
    ("peer group import", ["group import"]),
    ("peer group list", ["group list", "group show"]),
    ("peer match --group", ["match --group"]),
    ("peer match X", ["match X"]),
    ("peer checkin", ["checkin"]),
    ("peer due", ["due"]),
    ("peer calendar", ["calendar"]),
    ("peer report", ["report"]),
    ("peer db path", ["db path"]),
]


def test_every_documented_command_is_checked():
    headings = documented()
    assert len(headings) == len(HEADING_TO_RUN)
    for heading in headings:
        assert any(phrase in heading for phrase, _ in HEADING_TO_RUN), heading


def test_every_documented_key_is_in_the_output(loop):
    for heading, (keys, per_element) in documented().items():
        runs = next(runs for phrase, runs in HEADING_TO_RUN if phrase in heading)
        for run in runs:
            data = loop[run]
            objects = data if isinstance(data, list) else [data]
            if per_element or isinstance(data, list):
                assert objects, f"{run}: no elements to check"
            for obj in objects:
                missing = keys - set(obj)
                assert not missing, f"{heading} ({run}) lacks {sorted(missing)}"


def test_the_contract_values_have_their_documented_shapes(loop):
    sam = loop["consumer show"]
    assert sam["interests"] == ["grief", "walking"]
    assert sam["availability"] == [{"day": "TU", "start": "17:00", "end": "21:00"}]
    group = loop["group show"]
    assert group["meetings"][0]["freq"] in {"WEEKLY", "MONTHLY"}
    assert re.fullmatch(r"\d{2}:\d{2}", group["meetings"][0]["start"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", group["next_meeting"])
    best = loop["match X"][0]
    assert best["name"] == "Tuesday Grief Circle" and 0 <= best["score"] <= 1
    assert all(isinstance(r, str) and r for r in best["reasons"])
    assert loop["checkin"]["units"] == 1 and loop["checkin"]["mode"] == "phone"
    due = loop["due"]
    assert due and due[0]["name"] == "Sam Rivera" and due[0]["days_overdue"] > 0
    assert loop["report"]["contacts"] == 1 and isinstance(loop["report"]["referrals"], dict)


def test_calendar_events_have_their_documented_shape(loop):
    calendar = loop["calendar"]
    assert calendar["path"] is None and calendar["warnings"] == []
    event = calendar["events"][0]
    assert event["group"] == "Tuesday Grief Circle"
    assert event["meeting"]["freq"] == "WEEKLY" and event["meeting"]["byday"] == ["TU"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", event["first_start"])
    assert set(event) >= {"uid", "timezone", "location", "url"}


def test_db_path_json_names_the_database_in_use(peer, db_path):
    data = peer.json("db", "path")
    assert data == {"path": str(db_path), "exists": db_path.is_file()}
