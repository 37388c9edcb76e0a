"""One set of group field rules (importers/records.py), for imported and hand-entered groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.importers.records import (
    NAME_MAX,
    FieldProblem,
    GroupRecord,
    RecordStream,
    RowError,
    field_problems,
)

HEADER = "id,name,topics,schedule,format,email,notes\n"


def _record(**kw: object) -> GroupRecord:
    return GroupRecord(source="s", source_key=str(kw.pop("key", "k")), name=str(kw.pop("name", "A")),
                       **kw)  # type: ignore[arg-type]


def test_a_good_record_has_no_problems():
    assert _record(email="a@b.org", facilitation="peer-led", format="hybrid").problems() == []


@pytest.mark.parametrize(("fields", "field", "text"), [
    ({"name": "   "}, "name", "the group name is empty"),
    ({"name": "x" * (NAME_MAX + 1)}, "name", "the group name is longer than 200 characters"),
    ({"email": "call the office"}, "email", "email: 'call the office' is not an email address"),
    ({"format": "carrier"}, "format", "format: 'carrier' is not in_person, online or hybrid"),
    ({"status": "gone"}, "status", "status: 'gone' is not active or inactive"),
    ({"facilitation": "boss"}, "facilitation", "facilitation: 'boss' is not peer-led"),
    ({"notes": "x" * 10_001}, "notes", "notes is longer than 10,000 characters"),
])
def test_each_rule(fields, field, text):
    [problem] = field_problems(fields)
    assert problem.field == field and problem.text().startswith(text)


def test_flag_naming_and_braces_in_values():
    [problem] = field_problems({"email": "{who}"})
    assert problem.text("--email") == "--email: '{who}' is not an email address"


def test_only_the_given_fields_are_checked():
    assert field_problems({}) == []
    assert field_problems({"email": None, "facilitation": None}) == []


@given(st.text(min_size=1, max_size=NAME_MAX).filter(str.strip))
def test_any_reasonable_name_passes(name):
    assert field_problems({"name": name}) == []


def test_a_stream_turns_a_record_breaking_a_rule_into_a_row_error():
    good, bad = _record(key="1"), _record(key="2", email="nope", name="y" * 300)
    stream = RecordStream("native", "s", iter([(2, good), (3, bad)]))
    items = list(stream)
    assert items[0] == good
    assert isinstance(items[1], RowError) and items[1].line == 3
    assert "longer than 200" in items[1].message and "email: 'nope'" in items[1].message


def test_import_refuses_rows_breaking_the_rules_like_other_row_errors(peer, tmp_path: Path):
    path = tmp_path / "groups.csv"
    long_name = "L" * 201
    path.write_text(HEADER + "1,Good,grief,Mon 6pm,in_person,a@b.org,\n"
                    f"2,{long_name},grief,Tue 6pm,in_person,,\n"
                    "3,Bad mail,grief,Wed 6pm,in_person,not-an-address,\n", encoding="utf-8")
    result = peer("group", "import", str(path), "--json", ok=False)
    assert result.exit_code == 1
    import json

    data = json.loads(result.stdout)
    assert data["written"] is False
    assert peer.json("group", "list") == []
    assert [(e["line"], "200" in e["message"] or "email" in e["message"])
            for e in data["errors"]] == [(3, True), (4, True)]
    skipped = peer.json("group", "import", str(path), "--skip-invalid")
    assert skipped["inserted"] == 1 and len(skipped["errors"]) == 2


def test_hand_entered_groups_get_the_same_rules(peer):
    long_name = peer("group", "add", "N" * 201, "--schedule", "Mon 6pm", ok=False)
    assert long_name.exit_code == 1 and "longer than 200 characters" in long_name.stderr
    mail = peer("group", "add", "G", "--schedule", "Mon 6pm", "--email", "nope", ok=False)
    assert "--email: 'nope' is not an email address" in mail.stderr
    notes = peer("group", "add", "G", "--schedule", "Mon 6pm", "--notes", "n" * 10_001, ok=False)
    assert "--notes is longer than 10,000 characters" in notes.stderr


def test_problem_text_defaults_to_the_field_name():
    assert FieldProblem("email", "{what}: bad").text() == "email: bad"
