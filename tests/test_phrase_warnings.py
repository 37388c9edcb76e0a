"""Readings that were a guess by rule are reported: group add/edit and consumer add/edit, in
human output and in --json ("warnings": [{"field", "message"}]); the intake prompt takes Enter
for "no free time"; a zero-length window is refused."""

from __future__ import annotations

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from peercli.cli import runtime

ENTER = "\r"


@pytest.fixture
def terminal(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(runtime, "can_prompt", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def test_enter_at_free_time_saves_the_person_without_free_time(peer, terminal) -> None:  # type: ignore[no-untyped-def]
    terminal.send_text(ENTER * 8)  # phone, postal code, languages, free time skipped, defaults
    record = peer.json("consumer", "add", "Ana", "--interests", "art")
    assert record["name"] == "Ana" and record["availability"] == []
    assert record["warnings"] == []


def test_consumer_add_reports_an_ambiguous_time(peer) -> None:  # type: ignore[no-untyped-def]
    record = peer.json("consumer", "add", "Sam", "--available", "after 7 on Mondays")
    assert record["availability"] == [{"day": "MO", "start": "19:00", "end": "24:00"}]
    (w,) = record["warnings"]
    assert w["field"] == "available" and "19:00" in w["message"] and "7am" in w["message"]
    human = peer("consumer", "edit", "Sam", "--available", "Tue 9-11")
    assert "--available" in human.stderr and "09:00" in human.stderr


def test_consumer_with_clear_times_has_no_warnings(peer) -> None:  # type: ignore[no-untyped-def]
    record = peer.json("consumer", "add", "Lee", "--available", "M/W after 5")
    assert record["warnings"] == []
    assert [w["start"] for w in record["availability"]] == ["17:00", "17:00"]


def test_zero_length_window_is_refused_and_nothing_is_written(peer) -> None:  # type: ignore[no-untyped-def]
    for phrase in ("Tue 10:00-10:00", "Tue 7pm-7pm", "Tue 10-10"):
        result = peer("consumer", "add", "Kim", "--available", phrase, ok=False)
        assert result.exit_code == 1 and "--available" in result.stderr
        assert "Traceback" not in result.stderr
    assert peer.json("consumer", "list") == []


def test_group_add_reports_guesses_and_keeps_asides(peer) -> None:  # type: ignore[no-untyped-def]
    record = peer.json("group", "add", "Evening Circle", "--schedule",
                       "Tue 7 (closed on holidays)")
    assert record["meetings"][0]["start"] == "19:00"
    (w,) = record["warnings"]
    assert w["field"] == "schedule" and "19:00" in w["message"]
    assert "closed on holidays" in (record.get("notes") or peer.json(
        "group", "show", "Evening Circle").get("notes") or "")
    human = peer("group", "edit", "Evening Circle", "--schedule", "Thursday evenings")
    assert "time not listed" in human.stderr
    shown = peer.json("group", "show", "Evening Circle")
    assert shown["meetings"][0]["approximate"] is True
    assert shown["meetings"][0]["part_of_day"] == "evening"


def test_group_add_with_no_fixed_schedule(peer) -> None:  # type: ignore[no-untyped-def]
    record = peer.json("group", "add", "Drop-in Support", "--schedule", "call for times")
    assert record["meetings"] == [] and record["schedule_known"] is False
    assert record["warnings"]


def test_accented_words_are_quoted_whole(peer) -> None:  # type: ignore[no-untyped-def]
    result = peer("group", "add", "X", "--schedule", "Miércoles blah 6pm", ok=False)
    assert '"blah"' in result.stderr
    result = peer("consumer", "add", "Y", "--available", "Miércolez por la tarde", ok=False)
    assert '"Miércolez"' in result.stderr
