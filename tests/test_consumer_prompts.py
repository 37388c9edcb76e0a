"""The interactive intake, driven through prompt_toolkit pipe input as a person would type it."""

from __future__ import annotations

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from peercli.cli import runtime

DOWN, SPACE, ENTER = "\x1b[B", " ", "\r"


@pytest.fixture
def terminal(monkeypatch):
    """Pretend a person is at a terminal, typing into a pipe."""
    monkeypatch.setattr(runtime, "can_prompt", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def test_interactive_intake_asks_for_missing_fields(peer, terminal, query):
    terminal.send_text(
        "Riley Park" + ENTER                      # name
        + "555-0142" + ENTER                      # phone
        + "02139" + ENTER                         # postal code
        + "\x15English, Spanish" + ENTER          # languages (Ctrl-U clears the default)
        + "bereavement, walking" + ENTER          # interests
        + "Tue evening; Sat 10-14" + ENTER        # availability
        + DOWN + SPACE + ENTER                    # formats: in person (default) + online
        + "Make one friend" + ENTER               # goal
        + "2w" + ENTER                            # follow-up cadence
        + DOWN + SPACE + DOWN + SPACE + ENTER     # consent: store (default) + contact + share
    )
    result = peer("consumer", "add", "--json")
    import json

    record = json.loads(result.stdout)
    assert record["name"] == "Riley Park"
    assert record["interests"] == ["grief", "walking"]
    assert record["availability"] == [
        {"day": "TU", "start": "17:00", "end": "21:00"},
        {"day": "SA", "start": "10:00", "end": "14:00"},
    ]
    assert record["formats"] == ["in_person", "online"]
    assert record["languages"] == ["en", "es"]
    assert {k for k, v in record["consent"].items() if v["granted"]} == {"store", "contact", "share"}
    assert (record["phone"], record["postal_code"], record["cadence_days"]) == (
        "555-0142", "02139", 14)
    assert record["goals"] == "Make one friend"


def test_interactive_asks_only_what_flags_leave_out(peer, terminal):
    terminal.send_text(
        ENTER + ENTER           # phone, postal code: skipped
        + ENTER                 # languages: accept default English
        + "Sat morning" + ENTER   # availability
        + ENTER                 # formats: accept default (in person)
        + ENTER + ENTER         # goal, cadence: skipped
        + ENTER                 # consent: accept default (store)
    )
    record = peer.json("consumer", "add", "Ana", "--interests", "art")
    assert record["name"] == "Ana" and record["interests"] == ["art"]
    assert record["availability"] == [{"day": "SA", "start": "08:00", "end": "12:00"}]
    assert record["formats"] == ["in_person"]
    assert record["languages"] == ["en"]
    assert record["consent"]["store"]["granted"] is True
    assert (record["phone"], record["postal_code"], record["cadence_days"]) == (None, None, 7)


def test_invalid_availability_is_asked_again(peer, terminal):
    terminal.send_text(
        ENTER * 3 + "Funday 9-5" + ENTER + "\x15" + "Mon 9-5" + ENTER + ENTER * 4
    )
    record = peer.json("consumer", "add", "Ana", "--interests", "art")
    assert record["availability"] == [{"day": "MO", "start": "09:00", "end": "17:00"}]


def test_cancelling_writes_nothing(peer, terminal, query):
    peer("consumer", "add", "Ana", "--interests", "art", "--available", "Mon", "--formats",
         "online", "--languages", "en", "--consent", "store")
    terminal.send_text("Bo" + ENTER + "\x03")  # name typed, Ctrl-C at the interests prompt
    result = peer("consumer", "add", ok=False)
    assert result.exit_code == 130
    assert result.stderr == "Cancelled — nothing was saved.\n" and result.stdout == ""
    assert [r["name"] for r in query("SELECT name FROM consumers")] == ["Ana"]


def test_archive_asks_on_a_terminal(peer, terminal, query):
    peer("consumer", "add", "Ana", "--interests", "art", "--available", "Mon", "--formats",
         "online", "--languages", "en", "--consent", "store")
    terminal.send_text("y")
    peer("consumer", "archive", "Ana")
    assert query("SELECT status FROM consumers")[0]["status"] == "archived"
