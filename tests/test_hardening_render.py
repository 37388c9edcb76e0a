"""Issue 12 item 12: text from listings and records never reaches the terminal raw: escape
sequences (clear screen, window title, OSC 52 clipboard), C1 controls and bidi overrides are
shown escaped in tables, records, messages and errors; JSON escapes them too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.safetext import terminal_safe

EVIL = "\x1b]0;pwned\x07Ev\x1b[2Jil\x1b]52;c;aGVsbG8=\x07\x9b31m\u202egnp.exe\x08\x7f"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


@pytest.fixture
def hostile_group(peer, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    path = tmp_path / "county.csv"
    path.write_text(
        "id,name,description,organization,topics,schedule,format,city\n"
        f'g1,"Grief {EVIL} circle","desc {EVIL}","Org {EVIL}",grief,'
        f'Mondays 6pm,in_person,"Town {EVIL}"\n',
        encoding="utf-8")
    peer("group", "import", str(path))
    return path


def assert_clean(result) -> None:
    for stream in (result.stdout, result.stderr):
        assert not RAW.search(stream), repr(stream)


def test_group_list_and_show_escape_control_characters(peer, hostile_group):
    listed = peer("group", "list")
    assert_clean(listed)
    assert "Grief" in listed.stdout and "\\x1b" in listed.stdout  # shown, visibly escaped
    shown = peer("group", "show", "1")
    assert_clean(shown)
    assert "\\x1b" in shown.stdout
    assert_clean(peer("group", "search", "grief", ok=False))


def test_json_output_escapes_control_characters_but_keeps_the_data(peer, hostile_group):
    result = peer("group", "show", "1", "--json")
    assert not RAW.search(result.stdout)
    data = json.loads(result.stdout)
    assert EVIL in data["name"]  # the value itself is kept exactly


def test_errors_escape_what_the_user_typed(peer):
    result = peer("group", "show", f"x{EVIL}", ok=False)
    assert result.exit_code in (1, 2)
    assert_clean(result)
    result = peer("consumer", "show", f"x{EVIL}", ok=False)
    assert_clean(result)


def test_record_notes_are_escaped(peer, monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    peer("consumer", "add", "Sam", "--notes", f"note {EVIL}", ok=False)
    for args in (("consumer", "show", "Sam"), ("consumer", "list"), ("due",), ()):
        assert_clean(peer(*args, ok=False))


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_terminal_safe_leaves_no_control_character(text):
    out = terminal_safe(text)
    assert not RAW.search(out.replace("\n", ""))
    assert "\t" not in out


@pytest.mark.parametrize("text", ["plain", "naïve café", "日本語", "a\nb", "emoji 🙂", ""])
def test_terminal_safe_keeps_ordinary_text(text):
    assert terminal_safe(text) == text
