"""`peer match --proof-of-attendance`: only groups whose listing says they sign attendance slips
(Meeting Guide POA, a BMLT format naming it), for people with court or programme requirements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from peercli.core.matching import ConsumerProfile, GroupProfile, MatchOptions, score_group
from peercli.core.schedule import Meeting

MON_7PM = Meeting("WEEKLY", 1, ("MO",), 19 * 60, 20 * 60)


def _feed(tmp_path: Path) -> Path:
    rows: list[dict[str, Any]] = []
    for slug, name, types in [("signs", "Court Card Group", ["O", "POA"]),
                              ("plain", "Plain Group", ["O"]),
                              ("closed", "Closed Court Group", ["C", "POA"])]:
        rows.append({"name": name, "slug": slug, "day": 1, "time": "19:00", "end_time": "20:00",
                     "types": types, "address": "1 Main St", "city": "Riverton",
                     "postal_code": "97401", "latitude": 44.05, "longitude": -123.09})
    path = tmp_path / "aa.json"
    path.write_text(json.dumps(rows))
    return path


def _person(peer: Any) -> int:
    data = peer.json("consumer", "add", "Dana", "--interests", "alcohol recovery",
                     "--available", "Mon 18:00-21:00", "--postal-code", "97401",
                     "--formats", "in_person")
    return int(data["id"])


def test_flag_keeps_only_groups_that_sign(peer: Any, tmp_path: Path) -> None:
    peer("group", "import", str(_feed(tmp_path)), "--fellowship", "aa")
    pid = _person(peer)
    everyone = peer.json("match", str(pid))
    assert {m["name"] for m in everyone} >= {"Court Card Group", "Plain Group"}
    only = peer.json("match", str(pid), "--proof-of-attendance")
    assert {m["name"] for m in only} == {"Court Card Group", "Closed Court Group"}
    assert all(m["proof_of_attendance"] is True for m in only)
    assert all("signs attendance slips (proof of attendance)" in m["reasons"] for m in only)
    plain = next(m for m in everyone if m["name"] == "Plain Group")
    assert plain["proof_of_attendance"] is None
    human = peer("match", str(pid), "--proof-of-attendance").stdout
    assert "Court Card Group" in human and "Plain Group" not in human


def test_nothing_signs_is_said_not_crashed(peer: Any, make_group: Any) -> None:
    make_group("Tuesday Grief Circle", topics=("grief",), meetings=(MON_7PM,),
               postal_code="97401")
    pid = peer.json("consumer", "add", "Sam", "--interests", "grief",
                    "--available", "Mon 18:00-21:00")["id"]
    assert peer.json("match", str(pid), "--proof-of-attendance") == []
    result = peer("match", str(pid), "--proof-of-attendance")
    assert "sign attendance slips" in result.stdout  # the result, said: stdout
    assert "Tuesday Grief Circle" not in result.stdout


def test_flag_refused_with_group(peer: Any, make_group: Any) -> None:
    gid = make_group("Tuesday Grief Circle", meetings=(MON_7PM,))
    result = peer("match", "--group", str(gid), "--proof-of-attendance", ok=False)
    assert result.exit_code == 2  # a usage error
    assert "--proof-of-attendance" in result.stderr


def test_filter_rule_directly() -> None:
    person = ConsumerProfile(id=1, name="Dana", interests=("alcohol-recovery",))
    options = MatchOptions(proof_of_attendance=True)
    signs = GroupProfile(id=1, name="A", topics=("alcohol-recovery",), meetings=(MON_7PM,),
                         proof_of_attendance=True)
    unsaid = GroupProfile(id=2, name="B", topics=("alcohol-recovery",), meetings=(MON_7PM,))
    refuses = GroupProfile(id=3, name="C", topics=("alcohol-recovery",), meetings=(MON_7PM,),
                           proof_of_attendance=False)
    from datetime import datetime

    now = datetime(2026, 11, 21, 10, 0)
    assert score_group(person, signs, now, options).passed
    m = score_group(person, unsaid, now, options)
    assert not m.passed and "does not say" in (m.filtered_by or "")
    m = score_group(person, refuses, now, options)
    assert not m.passed and "does not sign" in (m.filtered_by or "")
    assert score_group(person, unsaid, now, MatchOptions()).passed


def test_bmlt_format_naming_court_cards(peer: Any, tmp_path: Path) -> None:
    doc = {"meetings": [
        {"id_bigint": "1", "meeting_name": "Clean Time", "weekday_tinyint": "2",
         "start_time": "19:00:00", "duration_time": "01:00:00", "formats": "O,CC",
         "location_street": "1 Main St", "location_municipality": "Riverton"},
        {"id_bigint": "2", "meeting_name": "No Cards", "weekday_tinyint": "2",
         "start_time": "19:00:00", "duration_time": "01:00:00", "formats": "O",
         "location_street": "2 Main St", "location_municipality": "Riverton"}],
        "formats": [
            {"key_string": "O", "name_string": "Open", "world_id": "OPEN", "id": "17"},
            {"key_string": "CC", "name_string": "Court Cards Signed", "world_id": "",
             "id": "60"}]}
    path = tmp_path / "na.json"
    path.write_text(json.dumps(doc))
    peer("group", "import", str(path))
    groups = {g["name"]: g for g in peer.json("group", "list")}
    assert groups["Clean Time"]["proof_of_attendance"] is True
    assert groups["No Cards"]["proof_of_attendance"] is None
