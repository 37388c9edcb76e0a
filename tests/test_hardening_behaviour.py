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
