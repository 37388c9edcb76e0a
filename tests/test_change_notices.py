"""A re-import whose only change is in a group's notes: a sentence about whether, where or how
the group meets ("cancelled", "moved", "new location", "temporarily"...) is a ``notice`` change
that alerts the people referred to it; a cosmetic note edit is "updated" with no alert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from peercli.core.changes import GroupState, diff_groups, notice_sentences

GRIEF = {"slug": "grief-tue", "name": "Tuesday Grief Circle", "day": 2, "time": "18:30",
         "end_time": "20:00", "address": "44 Oak St", "city": "Eugene", "postal_code": "97401",
         "types": ["O"], "notes": "Use the side door."}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEER_NOW", "2026-11-20T10:00:00")


def _setup(peer: Any, tmp_path: Path) -> Path:
    feed = tmp_path / "county.json"
    feed.write_text(json.dumps([GRIEF]), encoding="utf-8")
    peer("group", "import", str(feed))
    peer.json("consumer", "add", "Ana", "--consent", "all")
    peer("refer", "Ana", "Tuesday Grief")
    return feed


@pytest.mark.parametrize("notes", [
    "Use the side door. Cancelled on December 24.",
    "Temporarily meeting in the library while the hall is repaired.",
    "New location from January: 12 Birch Rd.",
    "Use the side door. Moved to room 4 upstairs.",
    "On hiatus until further notice",
    "Reunión cancelada el 24 de diciembre.",
    "Now meets on Zoom only; link from the intergroup.",
])
def test_a_note_that_changes_where_or_whether_alerts(peer: Any, tmp_path: Path,
                                                      notes: str) -> None:
    feed = _setup(peer, tmp_path)
    feed.write_text(json.dumps([dict(GRIEF, notes=notes)]), encoding="utf-8")
    result = peer.json("group", "refresh")[0]
    assert result["updated"] == 1
    notice = [c for c in result["changes"] if c["what"] == "notice"]
    assert len(notice) == 1 and notice[0]["name"] == "Tuesday Grief Circle"
    assert notice[0]["after"] == notes and notice[0]["before"] == "Use the side door."
    assert "the listing now says" in notice[0]["message"]
    due = peer.json("due")
    assert any("Tuesday Grief Circle: the listing now says" in d["reason"]
               and "tell Ana" in d["reason"] for d in due)


@pytest.mark.parametrize("notes", [
    "Use the side-door",  # punctuation and case only
    "Use the side door. Parking behind the church.",
    "Use the side door. Closed meeting: for alcoholics only.",  # AA's 'closed', not shut
    "Use the side door. Ask for Jim at the door.",
    "",
])
def test_a_cosmetic_note_edit_is_updated_without_alert(peer: Any, tmp_path: Path,
                                                       notes: str) -> None:
    feed = _setup(peer, tmp_path)
    feed.write_text(json.dumps([dict(GRIEF, notes=notes)]), encoding="utf-8")
    result = peer.json("group", "refresh")[0]
    assert result["updated"] == 1 and result["changes"] == []
    assert not any("Tuesday Grief" in d["reason"] for d in peer.json("due"))


def test_notice_rule_directly() -> None:
    assert notice_sentences("Cancelled Dec 24.", "cancelled dec 24") == []  # already said
    assert notice_sentences(None, "Closed for the holidays, back Jan 5") == [
        "Closed for the holidays, back Jan 5"]
    assert notice_sentences(None, "Closed on holidays") == []
    assert notice_sentences("x", None) == []
    long = "Temporarily " + "very " * 60 + "far away"
    (said,) = notice_sentences(None, long)
    assert len(said) == 160 and said.endswith("…")
    a = GroupState("G", "in_person", "active", notes="Side door.")
    b = GroupState("G", "in_person", "active", notes="Side door. Suspended in August.")
    assert [c.what for c in diff_groups(a, b)] == ["notice"]
    assert diff_groups(b, a) == []  # a notice removed is not news
