"""Issue 12 items 3, 5 and 6: output files (consumer export -o, calendar -o, export -o DIR, the
rejects file) never follow symlinks, never replace an existing file without --force, are never
left half-written under their final name, and a rejects file that cannot be written means
nothing was imported."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

NOW = "2026-11-21T10:00"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def referred(peer, monkeypatch, tmp_path) -> None:
    """Sam, consenting, referred to a weekly grief group."""
    monkeypatch.setenv("PEER_NOW", NOW)
    listing = tmp_path / "groups.csv"
    listing.write_text("id,name,topics,schedule,format,city\n"
                       "g1,Grief Circle,grief,Mondays 6-7pm,in_person,Springfield\n",
                       encoding="utf-8")
    peer("group", "import", str(listing))
    peer("consumer", "add", "Sam", "--interests", "grief")
    peer("consumer", "consent", "1", "grant", "store,contact,share")
    peer("refer", "1", "1")


OUTPUTS = {
    "consumer-export": lambda out: ("consumer", "export", "1", "-o", str(out)),
    "calendar": lambda out: ("calendar", "1", "-o", str(out)),
}


@pytest.mark.parametrize("kind", OUTPUTS)
def test_existing_output_file_is_refused_then_replaced_with_force(peer, referred, tmp_path,
                                                                  kind):
    out = tmp_path / "out.txt"
    out.write_text("precious")
    result = peer(*OUTPUTS[kind](out), ok=False)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert "--force" in result.stderr
    assert out.read_text() == "precious"
    peer(*OUTPUTS[kind](out), "--force")
    assert out.read_text() != "precious"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", OUTPUTS)
def test_output_symlink_is_never_followed(peer, referred, tmp_path, kind):
    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    link = tmp_path / "out.ics"
    link.symlink_to(target)
    result = peer(*OUTPUTS[kind](link), ok=False)
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert target.read_text() == "keep me"
    dangling = tmp_path / "dangling.ics"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    assert peer(*OUTPUTS[kind](dangling), ok=False).exit_code == 1
    assert not (tmp_path / "nowhere").exists()
    peer(*OUTPUTS[kind](link), "--force")  # replaces the link itself
    assert target.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text() != "keep me"


@pytest.mark.parametrize("kind", OUTPUTS)
def test_output_written_in_one_step(peer, referred, tmp_path, monkeypatch, kind):
    """Interrupted while writing: nothing under the final name, no temporary file left."""
    from peercli.store import files

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.StagedOutput, "publish", interrupted)
    out = tmp_path / "out.json"
    peer(*OUTPUTS[kind](out), ok=False)
    assert os.listdir(tmp_path) == sorted(os.listdir(tmp_path)) and not out.exists()
    assert not [n for n in os.listdir(tmp_path) if "peer-tmp" in n]


@pytest.mark.parametrize("kind", OUTPUTS)
def test_output_into_a_missing_or_unwritable_folder(peer, referred, tmp_path, kind):
    result = peer(*OUTPUTS[kind](tmp_path / "no" / "such" / "out"), ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        result = peer(*OUTPUTS[kind](locked / "out"), ok=False)
        assert result.exit_code == 1 and "Traceback" not in result.stderr
    finally:
        locked.chmod(0o700)


def test_export_directory_refuses_existing_files_and_symlinks(peer, referred, tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "consumers.csv").symlink_to(victim)
    result = peer("export", "-o", str(out), ok=False)
    assert result.exit_code == 1 and "consumers.csv" in result.stderr
    assert victim.read_text() == "keep me"
    assert os.listdir(out) == ["consumers.csv"]  # nothing else written either
    (out / "consumers.csv").unlink()
    peer("export", "-o", str(out))
    again = peer("export", "-o", str(out), ok=False)
    assert again.exit_code == 1 and "already exists" in again.stderr
    peer("export", "-o", str(out), "--force")
    assert not [n for n in os.listdir(out) if "peer-tmp" in n]


BAD_LISTING = ("id,name,topics,schedule,format,city\n"
               "g1,Good Group,grief,Mondays 6pm,in_person,Springfield\n"
               "g2,,grief,Mondays 6pm,in_person,Springfield\n")


def test_rejects_never_overwrites_the_input(peer, tmp_path, db_path, monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)
    listing = tmp_path / "county.csv"
    listing.write_text(BAD_LISTING, encoding="utf-8")
    before = digest(listing)
    for extra in ((), ("--force",)):
        result = peer("group", "import", str(listing), "--skip-invalid", "--rejects",
                      str(listing), *extra, ok=False)
        assert result.exit_code == 1 and "input" in result.stderr
        assert digest(listing) == before
    assert peer.json("group", "list") == []


def test_existing_rejects_file_is_refused_unless_force(peer, tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)
    listing = tmp_path / "county.csv"
    listing.write_text(BAD_LISTING, encoding="utf-8")
    default = tmp_path / "county.rejects.csv"
    default.write_text("earlier rejects")
    result = peer("group", "import", str(listing), "--skip-invalid", ok=False)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert default.read_text() == "earlier rejects"
    assert peer.json("group", "list") == []  # refused before anything was written
    data = peer.json("group", "import", str(listing), "--skip-invalid", "--force")
    assert data["rejects_file"] == str(default)
    assert "line" in default.read_text()


def test_unwritable_rejects_file_means_nothing_imported(peer, tmp_path, db_path, monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)
    peer("consumer", "list")  # the database exists
    listing = tmp_path / "county.csv"
    listing.write_text(BAD_LISTING, encoding="utf-8")
    before = digest(db_path)
    result = peer("group", "import", str(listing), "--skip-invalid", "--rejects",
                  str(tmp_path / "missing-dir" / "r.csv"), ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert peer.json("group", "list") == []
    assert digest(db_path) == before


def test_rejects_written_after_failure_mid_write_imports_nothing(peer, tmp_path, monkeypatch):
    """The rejects file fails while being written (a full disk): the good rows are not kept."""
    from peercli.store import files

    monkeypatch.setenv("PEER_NOW", NOW)
    listing = tmp_path / "county.csv"
    listing.write_text(BAD_LISTING, encoding="utf-8")

    def full(self):
        raise OSError(28, "No space left on device")

    real = files.StagedOutput.publish
    monkeypatch.setattr(files.StagedOutput, "publish", full)
    result = peer("group", "import", str(listing), "--skip-invalid", ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    monkeypatch.setattr(files.StagedOutput, "publish", real)
    assert peer.json("group", "list") == []


def test_consumer_export_to_stdout_still_works(peer, referred):
    data = json.loads(peer("consumer", "export", "1").stdout)
    assert data["consumer"]["name"] == "Sam"
