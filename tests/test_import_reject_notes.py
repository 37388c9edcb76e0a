"""A rejected row is reported once, by its reject: the notes on how its values were read are
not printed next to it (human output and --json warnings); kept rows keep their notes."""

from __future__ import annotations

import csv
import json

import pytest

LISTING = ("name,days,time,email\n"
           ",,,x@example.org\n"          # line 2: rejected (no name); would note 'no schedule'
           "Kept Without Times,,,\n"     # line 3: kept, noted (no schedule given)
           "Bad Email,,,not-an-email\n"  # line 4: rejected (email); would note 'no schedule'
           "Fine,Tue,18:00,\n")          # line 5: kept, nothing to say


@pytest.fixture
def listing(tmp_path):
    path = tmp_path / "county.csv"
    path.write_text(LISTING, encoding="utf-8")
    return path


def test_skip_invalid_prints_no_note_for_a_rejected_row(peer, listing):
    out = peer("group", "import", str(listing), "--skip-invalid").output
    assert "line 3 (days)" in out  # the kept row's note is still there: the test can fail
    assert "line 2 (" not in out and "line 4 (" not in out


def test_json_warnings_leave_out_rejected_rows(peer, listing):
    data = peer.json("group", "import", str(listing), "--skip-invalid")
    assert {e["line"] for e in data["errors"]} == {2, 4}
    assert [w["line"] for w in data["warnings"]] == [3]


def test_a_refused_import_lists_each_bad_row_once(peer, listing):
    bad = peer("group", "import", str(listing), ok=False)
    assert bad.exit_code == 1
    assert bad.stderr.count("line 2") == 1 and bad.stderr.count("line 4") == 1
    data = peer("group", "import", str(listing), "--json", ok=False)
    assert [w["line"] for w in json.loads(data.stdout)["warnings"]] == [3]


def test_a_row_refused_by_a_field_rule_keeps_its_columns_in_the_rejects_file(peer, tmp_path):
    path = tmp_path / "county.csv"
    path.write_text("name,days,time,email,city\n"
                    "Bad Email Group,Mon,18:00,not-an-email,Riverton\n"
                    "Fine,Tue,18:00,,Riverton\n", encoding="utf-8")
    peer("group", "import", str(path), "--skip-invalid")
    with (tmp_path / "county.rejects.csv").open(encoding="utf-8", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["line"] == "2" and "email" in row["reason"]
    assert (row["name"], row["days"], row["email"], row["city"]) == (
        "Bad Email Group", "Mon", "not-an-email", "Riverton")
