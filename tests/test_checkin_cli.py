"""`peer checkin` driven as a specialist would: flags, the interactive flow, amendments, refusals."""

from __future__ import annotations

import hashlib
import json
import stat
import sys
from pathlib import Path

import pytest

NOW = "2026-11-21T10:00:00"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)


def digest(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    wal = Path(f"{path}-wal")
    if wal.exists():
        h.update(wal.read_bytes())
    return h.hexdigest()






@pytest.fixture
def sam(peer) -> int:
    return peer.json("consumer", "add", "Sam Rivera", "--every", "14d", "--consent", "all")["id"]


def test_checkin_by_flags_stores_the_contact(peer, query, sam):
    record = peer.json("checkin", "Sam", "--mode", "call", "--minutes", "23", "--mood", "4",
                       "--who5", "3,4,2,5,1", "--note", "Talked about the grief group")
    assert {k: record[k] for k in ("id", "consumer_id", "at", "mode", "minutes", "units", "mood",
                                   "next_followup_on")} == {
        "id": 1, "consumer_id": sam, "at": NOW, "mode": "phone", "minutes": 23, "units": 2,
        "mood": 4, "next_followup_on": "2026-12-05"}  # today + the 14-day cadence
    assert (record["who5"], record["who5_score"], record["who5_percent"]) == ([3, 4, 2, 5, 1], 15, 60)
    row = query("SELECT * FROM checkins")[0]
    assert (row["units"], row["who5"], row["who5_score"]) == (2, "[3, 4, 2, 5, 1]", 15)
    assert row["note"] == "Talked about the grief group" and row["amends_id"] is None
    audit = query("SELECT fields FROM audit WHERE entity = 'checkin'")[0]["fields"]
    assert "minutes" in json.loads(audit) and "grief" not in audit


def test_human_output_flags_poor_wellbeing(peer, sam):
    result = peer("checkin", "Sam", "--mode", "phone", "--minutes", "8", "--who5", "2,2,2,3,3")
    assert "Saved check-in #1" in result.stdout  # what was done: stdout; warnings: stderr
    assert "8 min (1 unit)" in result.stdout
    assert "WHO-5 12/25 (48%)" in result.stdout
    assert "suggests poor wellbeing" in result.stderr
    assert "next follow-up Sat 2026-12-05" in result.stdout


def test_start_end_and_at(peer, sam):
    record = peer.json("checkin", "Sam", "--mode", "video", "--start", "14:00", "--end", "14:50",
                       "--at", "yesterday")
    assert (record["at"], record["minutes"], record["units"]) == ("2026-11-20T14:00:00", 50, 3)
    record = peer.json("checkin", "Sam", "--mode", "text", "--minutes", "5", "--at",
                       "2026-11-19 16:30", "--next", "next tuesday")
    assert (record["at"], record["units"], record["next_followup_on"]) == (
        "2026-11-19T16:30:00", 0, "2026-11-24")


def test_attended_marks_referral_with_event_or_records_plain_attendance(
        peer, query, db_path, sam, make_group, make_referral):
    grief = make_group("Tuesday Grief Circle")
    walk = make_group("Saturday Walkers")
    art = make_group("Art Studio")
    ref = make_referral(sam, grief)
    cont = make_referral(sam, art, status="continuing")
    record = peer.json("checkin", "Sam", "--mode", "in person", "--minutes", "30",
                       "--attended", "Tuesday", "--attended", "Saturday", "--attended", "art")
    assert [(a["group_id"], a["referral_id"]) for a in record["attended"]] == [
        (grief, ref), (walk, None), (art, cont)]
    statuses = {r["id"]: r["status"] for r in query("SELECT id, status FROM referrals")}
    assert statuses == {ref: "attended", cont: "continuing"}
    events = query("SELECT referral_id, status, at FROM referral_events ORDER BY id")
    assert [(e["referral_id"], e["status"]) for e in events] == [
        (ref, "referred"), (cont, "continuing"), (ref, "attended")]
    assert events[-1]["at"] == NOW
    rows = query("SELECT group_id, referral_id, checkin_id, attended_on FROM attendance ORDER BY id")
    assert [tuple(r) for r in rows] == [(grief, ref, 1, "2026-11-21"), (walk, None, 1, "2026-11-21"),
                                        (art, cont, 1, "2026-11-21")]
    # going again: linked to the (now attended) referral, status and history unchanged
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "10", "--attended", "Tuesday")
    last = query("SELECT referral_id, checkin_id FROM attendance ORDER BY id DESC LIMIT 1")[0]
    assert tuple(last) == (ref, 2)
    assert query("SELECT status FROM referrals WHERE id = ?", ref)[0]["status"] == "attended"
    assert query("SELECT count(*) AS n FROM referral_events")[0]["n"] == 3


def test_note_from_stdin(peer, query, sam):
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "10", "--note", "-",
         input="Went to the walk.\nWants to try the art group.\n")
    assert query("SELECT note FROM checkins")[0]["note"] == (
        "Went to the walk.\nWants to try the art group.")


def test_note_in_editor_uses_private_temp_file_removed_afterwards(peer, query, sam, tmp_path,
                                                                   monkeypatch):
    seen = tmp_path / "seen.json"
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import json, os, stat, sys\n"
        "p = sys.argv[1]\n"
        "info = {'path': p, 'file': stat.S_IMODE(os.stat(p).st_mode),\n"
        "        'dir': stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode)}\n"
        f"open({str(seen)!r}, 'w').write(json.dumps(info))\n"
        "open(p, 'w').write('Written in the editor\\n')\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setattr("peercli.cli.runtime.can_prompt", lambda: True)  # a terminal
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "10", "--edit")
    info = json.loads(seen.read_text())
    assert (info["file"], info["dir"]) == (0o600, 0o700)
    assert not Path(info["path"]).exists() and not Path(info["path"]).parent.exists()
    assert query("SELECT note FROM checkins")[0]["note"] == "Written in the editor"


def test_failing_editor_saves_nothing(peer, query, sam, monkeypatch):
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c 'raise SystemExit(3)'")
    monkeypatch.setattr("peercli.cli.runtime.can_prompt", lambda: True)  # a terminal
    result = peer("checkin", "Sam", "--mode", "phone", "--minutes", "10", "--edit", ok=False)
    assert result.exit_code == 1 and "exited with status 3" in result.stderr
    assert query("SELECT count(*) AS n FROM checkins")[0]["n"] == 0


def test_interactive_flow_enter_accepts_defaults(peer, query, db_path, sam, monkeypatch,
                                                 make_group, make_referral):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    import peercli.cli.runtime

    grief = make_group("Tuesday Grief Circle")
    make_group("Saturday Walkers")
    ref = make_referral(sam, grief)
    peer("checkin", "Sam", "--mode", "video", "--minutes", "15")  # last mode used: video
    monkeypatch.setattr(peercli.cli.runtime, "can_prompt", lambda: True)
    keys = [
        "\r",                      # mode: default = last used (video)
        "\r",                      # minutes: default 30
        "\x1b[B" * 4 + "\r",       # mood: skip -> 1 -> 2 -> 3 -> 4
        " \r",                     # tick the open referral to the grief circle
        "Went to the circle\r",    # note
        "\r",                      # next follow-up: default today + cadence
        "\x1b[B\r",                # place of service: skip -> office
        "Listened, shared\r",      # what you did
        "\r", "\r",                # response, next step: skipped
        "6,5,4,5,6,4,5,6,3,5\r",   # BARC-10
    ]
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        with create_app_session(input=pipe, output=DummyOutput()):
            peer("checkin", "Sam")
    row = query("SELECT * FROM checkins ORDER BY id DESC LIMIT 1")[0]
    assert (row["mode"], row["minutes"], row["units"], row["mood"]) == ("video", 30, 2, 4)
    assert row["note"] == "Went to the circle"
    assert row["next_followup_on"] == "2026-12-05"
    assert (row["place"], row["intervention"], row["response"]) == ("office", "Listened, shared",
                                                                     None)
    assert (row["barc10_total"], row["service_code"]) == (49, "H0038")
    assert query("SELECT status FROM referrals WHERE id = ?", ref)[0]["status"] == "attended"
    assert query("SELECT referral_id FROM attendance")[0]["referral_id"] == ref


def test_interactive_flow_asks_only_for_what_is_missing(peer, query, sam, monkeypatch):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    import peercli.cli.runtime

    monkeypatch.setattr(peercli.cli.runtime, "can_prompt", lambda: True)
    with create_pipe_input() as pipe:
        # minutes (erase the default 30), note (skipped), next (erase the default date)
        pipe.send_text("\x7f\x7f45\r" + "\r" + "\x7f" * 10 + "3d\r" + "\r" * 5)
        with create_app_session(input=pipe, output=DummyOutput()):
            peer("checkin", "Sam", "--mode", "phone", "--mood", "3")
    row = query("SELECT * FROM checkins")[0]
    assert (row["mode"], row["minutes"], row["mood"], row["note"]) == ("phone", 45, 3, None)
    assert row["next_followup_on"] == "2026-11-24"


def test_off_terminal_names_the_missing_flags(peer, db_path, sam):
    before = digest(db_path)
    result = peer("checkin", "Sam", "--minutes", "10", ok=False)
    assert result.exit_code == 2 and "missing --mode" in result.stderr  # a usage error
    result = peer("checkin", "Sam", "--mode", "phone", ok=False)
    assert result.exit_code == 2 and "missing --minutes" in result.stderr
    assert digest(db_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "phone", "--minutes", "10", "--mood", "9"], "--mood: '9' is not a mood"),
        (["--mode", "phone", "--minutes", "10", "--who5", "3,4,2,5"], "has 4 items"),
        (["--mode", "phone", "--minutes", "10", "--who5", "3,4,2,5,6"], "WHO-5 item '6'"),
        (["--mode", "phone", "--minutes", "10", "--next", "2026-11-01"], "--next: '2026-11-01'"),
        (["--mode", "phone", "--minutes", "10", "--attended", "Nowhere"],
         "no group matches 'Nowhere'"),
        (["--mode", "pigeon", "--minutes", "10"], "--mode: unknown mode 'pigeon'"),
        (["--mode", "phone", "--minutes", "-5"], "--minutes: '-5' is negative"),
        (["--mode", "phone", "--start", "15:00", "--end", "14:00"],
         "the start '15:00' is not before the end '14:00'"),
        (["--mode", "phone", "--start", "15:00"], "--end is missing"),
        (["--mode", "phone", "--minutes", "10", "--start", "9:00", "--end", "9:30"], "either"),
        (["--mode", "phone", "--minutes", "10", "--at", "tomorrow 9am"], "in the future"),
        (["--mode", "phone", "--start", "11:00", "--end", "11:30"], "in the future"),
    ],
)
def test_bad_values_are_refused_and_nothing_written(peer, db_path, sam, args, message,
                                                    make_group, make_referral):
    group = make_group("Tuesday Grief Circle")
    make_referral(sam, group)
    before = digest(db_path)
    result = peer("checkin", "Sam", *args, ok=False)
    usage = message in ("--end is missing", "either")  # flags that contradict or lack a half
    assert result.exit_code == (2 if usage else 1), result.output
    assert message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output
    assert digest(db_path) == before


def test_archived_consumer_is_refused(peer, db_path, sam):
    peer("consumer", "archive", "Sam", "--yes")
    before = digest(db_path)
    result = peer("checkin", "Sam", "--mode", "phone", "--minutes", "10", ok=False)
    assert "archived" in result.stderr and "--undo" in result.stderr
    assert digest(db_path) == before


def test_amend_keeps_the_original_and_only_the_newest_counts(peer, query, sam):
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "20", "--mood", "2", "--note", "first")
    amended = peer.json("checkin", "amend", "1", "--minutes", "45", "--reason", "typo in minutes")
    assert (amended["id"], amended["amends_id"], amended["minutes"], amended["units"]) == (2, 1, 45, 3)
    assert (amended["mood"], amended["note"], amended["mode"], amended["at"]) == (2, "first", "phone",
                                                                                 NOW)
    original = query("SELECT * FROM checkins WHERE id = 1")[0]
    assert (original["minutes"], original["units"], original["amends_id"]) == (20, 1, None)
    # a second amendment, given the original's id, amends the newest version (a linear chain)
    again = peer.json("checkin", "amend", "#1", "--mood", "3", "--next", "3d", "--reason", "misheard")
    assert (again["amends_id"], again["minutes"], again["mood"]) == (2, 45, 3)
    assert again["next_followup_on"] == "2026-11-24"
    effective = query("SELECT id, minutes FROM effective_checkins")
    assert [tuple(r) for r in effective] == [(3, 45)]
    shown = peer.json("checkin", "show", "2")
    assert shown["id"] == 1 and shown["original"]["minutes"] == 20
    assert [a["id"] for a in shown["amendments"]] == [2, 3]
    assert [a["amend_reason"] for a in shown["amendments"]] == ["typo in minutes", "misheard"]
    assert shown["effective"]["id"] == 3
    human = peer("checkin", "show", "1").stdout
    assert "original" in human and "amendment #3" in human and "reason: misheard" in human
    assert "20 min" in human and "45 min" in human


def test_effective_checkins_helper(peer, sam):
    from peercli.cli import runtime
    from peercli.store.checkins import effective_checkins

    peer("checkin", "Sam", "--mode", "phone", "--minutes", "20")
    peer("checkin", "Sam", "--mode", "text", "--minutes", "5", "--at", "yesterday 9am")
    peer("checkin", "amend", "1", "--minutes", "30", "--reason", "r")
    runtime.reset(None, False)
    try:
        rows = effective_checkins(runtime.conn(), "at >= ?", ("2026-11-21",))
        assert [(r["id"], r["minutes"]) for r in rows] == [(3, 30)]
        assert [r["id"] for r in effective_checkins(runtime.conn())] == [2, 3]
    finally:
        runtime.RUNTIME.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["amend", "1", "--minutes", "30"], "missing --reason"),
        (["amend", "1", "--reason", "x"], "nothing to amend"),
        (["amend", "1", "--minutes", "20", "--reason", "x"], "already has those values"),
        (["amend", "9", "--minutes", "30", "--reason", "x"], "no check-in with id 9"),
        (["amend", "abc", "--minutes", "30", "--reason", "x"], "'abc' is not a check-in id"),
        (["amend", "1", "--mood", "9", "--reason", "x"], "--mood: '9'"),
        (["amend", "1", "--next", "yesterday", "--reason", "x"], "--next"),
        (["show", "9"], "no check-in with id 9"),
    ],
)
def test_amend_and_show_refusals(peer, db_path, sam, args, message):
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "20")
    before = digest(db_path)
    result = peer("checkin", *args, ok=False)
    assert result.exit_code == (2 if message == "missing --reason" else 1)
    assert message in result.stderr
    assert digest(db_path) == before


def test_consumer_named_like_a_subcommand_is_reachable(peer, query):
    peer("consumer", "add", "Amend")
    peer("checkin", "log", "amend", "--mode", "phone", "--minutes", "10")
    peer("checkin", "1", "--mode", "text", "--minutes", "5")
    assert [r["consumer_id"] for r in query("SELECT consumer_id FROM checkins")] == [1, 1]


def test_help_explains_both_forms(peer):
    out = peer("checkin", "--help").stdout
    assert "peer checkin NAME" in out and "amend" in out and "show" in out
    assert "--minutes" in peer("checkin", "log", "--help").stdout
    assert "--reason" in peer("checkin", "amend", "--help").stdout


def test_database_files_stay_private(peer, db_path, sam):
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "20")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
