"""Issue 12, wrong behaviour found on the way: --edit without a terminal, back-dated check-ins'
next follow-up, crash leftovers of the note editor."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

NOW = "2026-11-21T10:00"


@pytest.fixture
def sam(peer, monkeypatch) -> None:
    monkeypatch.setenv("PEER_NOW", NOW)
    peer("consumer", "add", "Sam")
    peer("consumer", "consent", "1", "grant", "store,contact,share")


@pytest.mark.parametrize("how", ["no terminal", "--no-input", "PEER_NO_INPUT"])
def test_edit_without_a_terminal_is_refused_not_hung(peer, sam, monkeypatch, tmp_path, how,
                                                     query):
    marker = tmp_path / "editor-ran"
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c \"open({str(marker)!r}, 'w')\"")
    args = ["checkin", "Sam", "--mode", "phone", "--minutes", "10", "--edit"]
    if how == "--no-input":
        monkeypatch.setattr("peercli.cli.runtime.can_prompt", lambda: False)
        args = ["--no-input", *args]
    elif how == "PEER_NO_INPUT":
        monkeypatch.setenv("PEER_NO_INPUT", "1")
    result = peer(*args, ok=False)
    assert result.exit_code == 1 and "--edit" in result.stderr and "terminal" in result.stderr
    assert not marker.exists()
    assert query("SELECT count(*) FROM checkins")[0][0] == 0


def test_back_dated_checkin_next_follow_up_counts_from_the_contact(peer, sam):
    data = peer.json("checkin", "Sam", "--mode", "phone", "--minutes", "10",
                     "--at", "2026-11-01 10:00")
    assert data["next_followup_on"] == "2026-11-08"  # the contact + 7 days, not today + 7
    due = peer.json("due")
    assert [d["consumer_id"] for d in due] == [1]


def test_note_folder_of_a_killed_peer_is_swept(peer, sam):
    import subprocess

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = Path(tempfile.gettempdir()) / f"peer-note-{dead.pid}-test"
    folder.mkdir(mode=0o700)
    (folder / "checkin-note.txt").write_text("private words")
    alive = Path(tempfile.gettempdir()) / f"peer-note-{os.getpid()}-test"
    alive.mkdir(mode=0o700)
    try:
        peer("consumer", "list")
        assert not folder.exists()
        assert alive.exists()  # a running peer's note is left alone
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)


def test_due_and_home_set_apart_people_without_contact_consent(peer, sam, monkeypatch):
    peer("consumer", "add", "Kim")
    peer("consumer", "consent", "Kim", "grant", "store,contact")
    peer("consumer", "consent", "Sam", "revoke", "contact")
    due = {d["name"]: d for d in peer.json("due")}
    assert due["Sam"]["contact_consent"] is False
    assert due["Sam"]["reasons"][0] == "no contact consent — do not call"
    assert due["Kim"]["contact_consent"] is True
    human = peer("due").stdout
    head, _, apart = human.partition("No contact consent")
    assert "Kim" in head and "Sam" not in head and "Sam" in apart
    home = peer().stdout
    assert "Sam" not in home and "do not call" in home


def test_expired_contact_consent_also_means_do_not_call(peer, sam, monkeypatch):
    peer("consumer", "consent", "Sam", "grant", "contact", "--expires", "2026-11-25")
    assert peer.json("due")[0]["contact_consent"] is True
    monkeypatch.setenv("PEER_NOW", "2026-11-30T10:00")
    assert peer.json("due")[0]["contact_consent"] is False


def test_consent_expiring_in_the_past_is_refused(peer, sam):
    result = peer("consumer", "consent", "Sam", "grant", "contact", "--expires", "2026-11-20",
                  ok=False)
    assert result.exit_code == 1 and "--expires" in result.stderr and "past" in result.stderr


def test_unknown_access_need_is_noted_and_synonyms_read(peer, sam):
    result = peer("consumer", "add", "Lee", "--access", "wheelchiar, sign language")
    assert "wheelchiar" in result.stderr and "not a known access need" in result.stderr
    noted = peer.json("consumer", "add", "Lee Two", "--access", "wheelchiar")["warnings"]
    assert [w["field"] for w in noted] == ["access"] and "wheelchiar" in noted[0]["message"]
    lee = peer.json("consumer", "show", "Lee")
    assert lee["access_needs"] == ["wheelchiar", "asl"]
    quiet = peer("consumer", "add", "Mo", "--access", "ramp")
    assert "not a known" not in quiet.stderr
    assert peer.json("consumer", "show", "Mo")["access_needs"] == ["step-free"]


@pytest.mark.parametrize("flag,value", [
    ("--email", "sam@"), ("--email", "not an email"), ("--email", "a@b"), ("--email", "x" * 300),
    ("--phone", "call me maybe"), ("--phone", "12"), ("--phone", "5" * 50),
    ("--phone", "555\x1b[2J"), ("--postal-code", "1" * 50), ("--pronouns", "she\nher"),
    ("--note", "x" * 10_001), ("--goal", "stop \x1b]52;c;aGk=\x07"),
    ("--contact-preference", "y" * 500),
])
def test_consumer_fields_are_checked(peer, sam, flag, value, query):
    result = peer("consumer", "add", "Lee", flag, value, ok=False)
    assert result.exit_code == 1 and flag in result.stderr
    assert query("SELECT count(*) FROM consumers")[0][0] == 1


@pytest.mark.parametrize("name", ["Sam\nR", "Sam\x1b[2J", "Sam\u202eR", "Sam\tR", "x" * 201])
def test_names_with_control_characters_or_too_long_are_refused(peer, sam, name, query):
    result = peer("consumer", "add", name, ok=False)
    assert result.exit_code == 1
    result = peer("consumer", "edit", "Sam", "--name", name, ok=False)
    assert result.exit_code == 1
    assert [r[0] for r in query("SELECT name FROM consumers")] == ["Sam"]


@pytest.mark.parametrize("flag,value", [("--email", "sam.rivera+peer@example.org"),
                                        ("--phone", "+1 (555) 010-0100 ext 12"),
                                        ("--note", "line one\r\nline two\ttabbed")])
def test_ordinary_values_still_accepted(peer, sam, flag, value):
    peer("consumer", "add", "Lee", flag, value)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd",
                                 "data:text/html,<b>x</b>", "ftp://example.org/x", "http://"])
def test_group_urls_are_http_or_https(peer, sam, url, query):
    result = peer("group", "add", "Grief Circle", "--format", "online", "--online-url", url,
                  "--schedule", "Mondays 6pm", ok=False)
    assert result.exit_code == 1 and "http" in result.stderr
    result = peer("group", "add", "Grief Circle", "--website", url, "--schedule", "Mondays 6pm",
                  ok=False)
    assert result.exit_code == 1
    assert query("SELECT count(*) FROM groups")[0][0] == 0
    peer("group", "add", "Grief Circle", "--format", "online", "--online-url",
         "https://zoom.us/j/123", "--schedule", "Mondays 6pm")
