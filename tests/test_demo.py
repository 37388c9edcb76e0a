"""`peer demo` walks the real loop on a throwaway database, shows the group change alert, and
leaves nothing behind (unless --keep); the user's own database is never touched."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest

from peercli.cli.commands import demo as demo_module


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the demo makes its database in (empty before each test)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    return folder


def test_demo_walks_the_real_loop_and_leaves_nothing(peer, db_path, scratch, tmp_path,
                                                     monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    cwd = os.getcwd()
    result = peer("demo")
    out = result.stdout + result.stderr
    headings = re.findall(r"^── (\d+)/9 (.+)\n\$ (peer .+)$", result.stdout, re.MULTILINE)
    assert [h[2].split()[1] for h in headings] == [
        "group", "consumer", "match", "refer", "checkin", "group", "due", "timeline", "report"]
    assert headings[0][2] == "peer group import groups.sample.csv"
    assert 'peer consumer add "Sam Rivera" --interests "bereavement, walking" \\' in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines() if line.startswith(
        ("──", "$ peer", "    --")))
    assert "57 inserted" in out
    assert "Tuesday Grief Circle (#1)" in out                      # the match
    assert "Referral #1: Sam Rivera → Tuesday Grief Circle" in out  # the referral
    assert "Saved check-in #1" in out
    # the county moved the group: refresh reports it and due says whom to tell
    assert "Tuesday Grief Circle moved to Wed 18:30-20:00 (was Tue 18:30-20:00)" in out
    assert re.search(r"moved to Wed .* — tell Sam Rivera", result.stdout)
    assert "Report November 2026" in result.stdout
    assert "was deleted" in result.stdout
    # nothing left behind, nothing of the user's touched
    assert list(scratch.iterdir()) == []
    assert not db_path.exists() and not db_path.parent.exists()
    assert not (tmp_path / "xdg-data").exists() and not (tmp_path / "xdg-config").exists()
    assert os.getcwd() == cwd


def test_keep_leaves_the_database_and_says_where(peer, db_path, scratch):
    result = peer("demo", "--keep")
    [folder] = list(scratch.iterdir())
    db = folder / "peer.db"
    assert f"kept at {db}" in result.stdout
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM groups").fetchone()[0] == 57
        assert conn.execute("SELECT count(*) FROM referrals").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 1
    finally:
        conn.close()
    assert not db_path.exists()
    # the kept database works with the commands it suggests
    assert "Tuesday Grief Circle" in peer("--db", str(db), "referral", "list").stdout


def test_json_gives_each_step_output(peer, db_path, scratch):
    data = json.loads(peer("demo", "--json").stdout)
    assert data["kept"] is False and not Path(data["db"]).exists()
    steps = {" ".join(s["command"].split()[1:3]): s["output"] for s in data["steps"]}
    assert len(data["steps"]) == len(demo_module.STEPS)
    assert steps["group import"]["inserted"] == 57 and steps["group import"]["errors"] == []
    assert steps["consumer add"]["interests"] == ["grief", "walking"]
    assert steps["match Sam"][0]["name"] == "Tuesday Grief Circle"
    [due] = steps["due --days"]
    assert due["name"] == "Sam Rivera" and "moved to Wed" in due["reason"]
    assert steps["report"]["referrals"]["referred"] == 1
    assert list(scratch.iterdir()) == [] and not db_path.exists()


def test_a_failing_step_stops_the_demo_and_still_cleans_up(peer, scratch, monkeypatch):
    steps = (*demo_module.STEPS[:2], demo_module.Step("Refer", ("refer", "Nobody", "1")))
    monkeypatch.setattr(demo_module, "STEPS", steps)
    result = peer("demo", ok=False)
    assert result.exit_code == 1
    assert "Nobody" in result.stderr or "no consumer" in result.stderr.lower()
    assert "Traceback" not in result.stdout + result.stderr
    assert list(scratch.iterdir()) == []


def test_the_users_key_is_never_read(peer, scratch, monkeypatch, tmp_path):
    """An encryption key in the environment is set aside while the demo runs, and restored."""
    key = tmp_path / "missing.key"  # would fail loudly if the demo tried to read it
    monkeypatch.setenv("PEER_KEY_FILE", str(key))
    peer("demo")
    assert os.environ["PEER_KEY_FILE"] == str(key)
