"""A county sheet as it comes: mixed schedule columns, listings without a fixed time, online
locations, a Facilitator column of people's names, ambiguous times; then matching on it."""

from __future__ import annotations

from pathlib import Path

import pytest

SHEET = Path(__file__).parent / "fixtures" / "county_mixed.csv"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")  # a Saturday


def _groups(peer) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {g["name"]: g for g in peer.json("group", "list")}


def test_the_whole_sheet_imports_with_meetings_notes_and_warnings(peer) -> None:  # type: ignore[no-untyped-def]
    result = peer.json("group", "import", str(SHEET))
    assert result["inserted"] == 8 and result["errors"] == []
    warnings = result["warnings"]
    assert all({"line", "field", "message"} <= set(w) for w in warnings)
    by_line = {(w["line"], w["field"]) for w in warnings}
    assert (3, "facilitation") in by_line  # Jane Doe is not a facilitation
    assert (6, "schedule") in by_line or (6, "days") in by_line  # call for times
    assert (9, "days") in by_line  # a bare 7 read by rule
    assert any("19:00" in w["message"] and w["line"] == 9 for w in warnings)
    groups = _groups(peer)
    assert groups["Friday Grief Lunch"]["meetings"][0]["start"] == "13:00"
    assert groups["Evening Loss Group"]["meetings"][0]["start"] == "19:00"
    assert groups["Evening Loss Group"]["format"] == "online"
    widows = groups["Widows Coffee"]["meetings"]
    assert widows == [{"freq": "WEEKLY", "interval": 1, "byday": ["TH"], "start": None,
                       "end": None, "approximate": True, "part_of_day": "evening"}]
    assert groups["Widows Coffee"]["schedule_known"] is True
    share = groups["Grief Share"]
    assert share["meetings"] == [] and share["schedule_known"] is False
    assert groups["Duelo en Español"]["meetings"][0]["start"] == "18:00"
    assert groups["Summer Walk and Talk"]["meetings"][0]["bymonth"] == [6, 7, 8]
    assert groups["Bereaved Parents"]["format"] == "online"
    shown = peer.json("group", "show", "Friday Grief Lunch")
    assert "Jane Doe" in (shown.get("notes") or "")


def test_human_import_output_names_lines_and_fields(peer) -> None:  # type: ignore[no-untyped-def]
    out = peer("group", "import", str(SHEET), "--dry-run")
    assert "line 3 (facilitation)" in out.stderr + out.stdout
    assert "'Day(s)' -> days" in out.stdout + out.stderr
    assert "'Facilitator' -> facilitation" in out.stdout + out.stderr


def test_match_offers_unlisted_times_below_confirmed_ones(peer) -> None:  # type: ignore[no-untyped-def]
    peer.json("group", "import", str(SHEET))
    peer.json("consumer", "add", "Sam", "--interests", "grief", "--available",
              "Tue evening; Thu evening; Mon evening", "--formats", "in_person,online")
    results = peer.json("match", "Sam", "--limit", "20")
    names = [r["name"] for r in results]
    assert "Tuesday Grief Circle" in names and "Widows Coffee" in names
    assert "Grief Share" in names  # schedule unknown: still offered
    confirmed = [n for n in names if n in ("Tuesday Grief Circle", "Evening Loss Group")]
    unlisted = [n for n in names if n in ("Widows Coffee", "Grief Share")]
    assert max(names.index(n) for n in confirmed) < min(names.index(n) for n in unlisted)
    widows = next(r for r in results if r["name"] == "Widows Coffee")
    assert any("time not listed — call to confirm" in reason for reason in widows["reasons"])
    assert widows["next_meeting"] is None


def test_summer_only_meeting_says_when_it_resumes(peer) -> None:  # type: ignore[no-untyped-def]
    peer.json("group", "import", str(SHEET))
    peer.json("consumer", "add", "Ana", "--interests", "grief", "--available", "Sat morning")
    results = peer.json("match", "Ana", "--limit", "20")
    walk = next(r for r in results if r["name"] == "Summer Walk and Talk")
    assert "resumes in June" in walk["reasons"]
    assert walk["next_meeting"].startswith("2027-06-")


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_other_separators_are_detected(peer, tmp_path: Path, sep: str) -> None:  # type: ignore[no-untyped-def]
    text = SHEET.read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    path = tmp_path / "sheet.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = peer.json("group", "import", str(path), "--dry-run")
    assert result["inserted"] == 8 and result["errors"] == []
