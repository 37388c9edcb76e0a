"""``peer group`` driven as a specialist would: import each format, re-import, refuse bad files,
browse, search, and keep hand-entered groups. Asserts on stored rows and the JSON contract."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "groups.sample.csv"
FIXTURES = ROOT / "tests" / "fixtures"
NOW = "2026-11-21T10:00"  # a Saturday

HEADER = ("id,name,topics,schedule,format,address,city,postal_code,online_url,languages,"
          "status\n")


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEER_NOW", NOW)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample_rows() -> int:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def small_csv(tmp_path: Path, name: str = "county.csv", extra: str = "") -> Path:
    return write(tmp_path, name, HEADER
                 + "A1,Tuesday Grief Circle,bereavement,Tuesdays 6-7:30pm,In person,"
                   "1 Main St,Riverton,97401,,English,active\n"
                 + "A2,Online Anxiety Group,anxiety,Mon/Wed/Fri noon-1pm,Zoom,,,,"
                   "https://meet.example.org/a,\"Spanish, en\",active\n"
                 + "A3,Walk and Talk,walking,1st & 3rd Thu 18:30-20:00,,2 Oak Ave,Riverton,"
                   "97402,,,active\n"
                 + extra)


# -- import: counts, re-import, updates, retire ----------------------------------------------


def test_import_sample_then_reimport_is_all_unchanged(peer, query):
    n = sample_rows()
    first = peer.json("group", "import", str(SAMPLE))
    assert first["inserted"] == n and first["updated"] == 0 and first["errors"] == []
    assert query("SELECT count(*) AS n FROM groups")[0]["n"] == n
    assert query("SELECT count(*) AS n FROM groups_fts")[0]["n"] == n
    no_meeting = "SELECT count(*) AS n FROM groups WHERE id NOT IN (SELECT group_id FROM meetings)"
    assert query(no_meeting)[0]["n"] == 0
    again = peer.json("group", "import", str(SAMPLE))
    assert (again["inserted"], again["updated"], again["unchanged"], again["retired"]) == (
        0, 0, n, 0)
    audits = query("SELECT action, entity, entity_id FROM audit WHERE action = 'import'")
    assert [(a["entity"], a["entity_id"]) for a in audits] == [("group", "groups.sample")] * 2


def test_edited_row_updates_in_place_keeping_the_id(peer, query, tmp_path):
    path = small_csv(tmp_path)
    peer("group", "import", str(path))
    before = query("SELECT id FROM groups WHERE source_key = 'A1'")[0]["id"]
    path.write_text(path.read_text().replace("Tuesdays 6-7:30pm", "Wednesdays 6-7:30pm"))
    summary = peer.json("group", "import", str(path))
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (0, 1, 2)
    row = query("SELECT id FROM groups WHERE source_key = 'A1'")[0]
    assert row["id"] == before
    meetings = query("SELECT byday, day_mask FROM meetings WHERE group_id = ?", before)
    assert [(m["byday"], m["day_mask"]) for m in meetings] == [('["WE"]', 1 << 2)]
    assert query("SELECT rowid FROM groups_fts WHERE groups_fts MATCH 'grief'")[0][0] == before


def test_retire_missing_marks_absent_groups_inactive(peer, query, tmp_path):
    path = small_csv(tmp_path)
    peer("group", "import", str(path))
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("A2,")))
    plain = peer.json("group", "import", str(path))
    assert plain["retired"] == 0
    assert query("SELECT status FROM groups WHERE source_key = 'A2'")[0]["status"] == "active"
    summary = peer.json("group", "import", str(path), "--retire-missing")
    assert summary["retired"] == 1 and summary["unchanged"] == 2
    assert query("SELECT status FROM groups WHERE source_key = 'A2'")[0]["status"] == "inactive"
    # Listed again: it comes back.
    path.write_text("".join(lines))
    back = peer.json("group", "import", str(path))
    assert back["updated"] == 1
    assert query("SELECT status FROM groups WHERE source_key = 'A2'")[0]["status"] == "active"


def test_dry_run_reports_the_same_counts_and_leaves_the_db_byte_identical(peer, db_path, tmp_path):
    path = small_csv(tmp_path)
    peer("group", "import", str(path))
    path.write_text(path.read_text().replace("Tuesdays", "Thursdays")
                    + "A4,New Group,art,Fridays 2pm,,3 Elm St,Riverton,97401,,,active\n")
    before = digest(db_path)
    dry = peer.json("group", "import", str(path), "--dry-run")
    assert digest(db_path) == before
    assert (dry["inserted"], dry["updated"], dry["unchanged"], dry["dry_run"]) == (1, 1, 2, True)
    human = peer("group", "import", str(path), "--dry-run")
    assert "would be 1 inserted, 1 updated, 2 unchanged" in human.stdout
    assert digest(db_path) == before
    real = peer.json("group", "import", str(path))
    assert {k: real[k] for k in ("inserted", "updated", "unchanged", "retired")} == {
        k: dry[k] for k in ("inserted", "updated", "unchanged", "retired")}


BAD_ROWS = (
    "B1,Bad Day Group,grief,Funday 6pm,,1 Main St,Riverton,97401,,,active\n"
    ",,grief,Tuesdays 6pm,,1 Main St,Riverton,97401,,,active\n"
    "B3,Late Group,grief,Tuesdays 25:00,,1 Main St,Riverton,97401,,,active\n"
    "B4,Too,many,fields,here,x,y,z,w,v,u,t,s\n"
)


def test_file_with_bad_rows_is_refused_with_line_numbers_and_nothing_written(
        peer, db_path, query, tmp_path):
    peer("group", "import", str(small_csv(tmp_path, "first.csv")))
    path = small_csv(tmp_path, "county.csv", BAD_ROWS)
    before = digest(db_path)
    result = peer("group", "import", str(path), ok=False)
    assert result.exit_code == 1
    assert digest(db_path) == before
    assert query("SELECT count(*) AS n FROM groups WHERE source = 'county'")[0]["n"] == 0
    err = result.stderr
    assert "line 5:" in err and "Funday" in err
    assert "line 6:" in err and "missing name" in err
    assert "line 7:" in err and "25:00" in err
    assert "line 8:" in err and "wrong number of fields" in err
    assert "nothing was written" in err and "--skip-invalid" in err
    # --json: the JSON (with every error) on stdout, and still exit 1.
    refused = peer("group", "import", str(path), "--json", ok=False)
    assert refused.exit_code == 1
    data = json.loads(refused.stdout)
    assert [e["line"] for e in data["errors"]] == [5, 6, 7, 8]
    # the good rows are first.csv's groups under another file name: recognised, not inserted
    assert data["written"] is False and data["inserted"] == 0 and data["same_group"] == 3
    assert digest(db_path) == before


def test_skip_invalid_imports_good_rows_and_writes_private_rejects(peer, query, tmp_path):
    path = small_csv(tmp_path, "county.csv", BAD_ROWS)
    result = peer("group", "import", str(path), "--skip-invalid")
    rejects = tmp_path / "county.rejects.csv"
    assert str(rejects) in result.stderr.replace("\n", "")
    assert query("SELECT count(*) AS n FROM groups")[0]["n"] == 3
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    with rejects.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["line"] for r in rows] == ["5", "6", "7", "8"]
    assert "Funday" in rows[0]["reason"] and rows[0]["name"] == "Bad Day Group"
    assert rows[0]["schedule"] == "Funday 6pm"
    named = tmp_path / "out" / "bad.csv"
    named.parent.mkdir()
    data = peer.json("group", "import", str(path), "--skip-invalid", "--rejects", str(named))
    assert data["rejects_file"] == str(named) and data["unchanged"] == 3
    assert stat.S_IMODE(named.stat().st_mode) == 0o600


def test_skip_invalid_does_not_retire_groups_whose_rows_were_rejected(peer, query, tmp_path):
    path = small_csv(tmp_path)
    peer("group", "import", str(path))
    path.write_text(path.read_text().replace("Tuesdays 6-7:30pm", "Tuesdays 25:00"))
    data = peer.json("group", "import", str(path), "--skip-invalid", "--retire-missing")
    assert data["retired"] == 0 and data["retire_skipped"] is True
    assert query("SELECT count(*) AS n FROM groups WHERE status = 'active'")[0]["n"] == 3


# -- formats, mapping, delimiters, encodings -------------------------------------------------


def test_each_format_is_detected_and_imported(peer, query, tmp_path):
    native = peer.json("group", "import", str(small_csv(tmp_path)))
    assert (native["format"], native["inserted"]) == ("native", 3)
    feed = peer.json("group", "import", str(FIXTURES / "meetingguide" / "feed.json"))
    assert feed["format"] == "meetingguide" and feed["inserted"] > 0 and feed["errors"] == []
    tsml = peer.json("group", "import", str(FIXTURES / "meetingguide" / "tsml-export.csv"))
    assert tsml["format"] == "tsml-csv" and tsml["inserted"] > 0
    folder = tmp_path / "county-hsds"
    shutil.copytree(FIXTURES / "hsds", folder)
    hsds = peer.json("group", "import", str(folder))
    assert hsds["format"] == "hsds" and hsds["inserted"] > 0 and hsds["errors"] == []
    archive = tmp_path / "county-hsds.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"county-hsds/{f.name}")
    zipped = peer.json("group", "import", str(archive))
    assert zipped["format"] == "hsds"
    assert (zipped["inserted"], zipped["unchanged"]) == (0, hsds["inserted"])
    sources = {r["source"]: r["n"] for r in query(
        "SELECT source, count(*) AS n FROM groups GROUP BY source")}
    assert sources["county"] == 3
    assert sources[feed["source"]] == feed["inserted"]
    assert sources[hsds["source"]] == hsds["inserted"]


def test_forced_format_and_source(peer, query, tmp_path):
    data = peer.json("group", "import", str(small_csv(tmp_path)), "--format", "native",
                     "--source", "county-2026")
    assert data["source"] == "county-2026"
    assert query("SELECT DISTINCT source FROM groups")[0]["source"] == "county-2026"
    bad = peer("group", "import", str(small_csv(tmp_path)), "--format", "xlsx", ok=False)
    assert bad.exit_code == 1 and "native, tsml-csv, meetingguide, hsds" in bad.stderr


def test_map_and_delimiter(peer, query, tmp_path):
    path = write(tmp_path, "their.csv",
                 "Ref;Gathering;Meets on;Starts;Subject;Town\n"
                 "X1;Art Together;Thursday;2pm;art;Riverton\n"
                 "X2;Song Circle;Sat;10:00;music;Millbrook\n")
    data = peer.json("group", "import", str(path), "--delimiter", ";",
                     "--map", "Gathering=name", "--map", "Meets on=days", "--map", "Starts=time",
                     "--map", "Subject=topics")
    assert data["inserted"] == 2 and data["errors"] == []
    rows = query("SELECT name, city, source_key FROM groups ORDER BY source_key")
    assert [(r["name"], r["city"], r["source_key"]) for r in rows] == [
        ("Art Together", "Riverton", "X1"), ("Song Circle", "Millbrook", "X2")]
    meeting = query("SELECT start_minute, end_minute, day_mask FROM meetings ORDER BY group_id")[0]
    assert (meeting["start_minute"], meeting["end_minute"], meeting["day_mask"]) == (
        14 * 60, 15 * 60, 1 << 3)  # default duration: one hour
    unknown = peer("group", "import", str(path), "--delimiter", ";", "--map", "Nope=name", ok=False)
    assert "no column 'Nope'" in unknown.stderr
    assert peer("group", "import", str(path), "--map", "Gathering", ok=False).exit_code == 1
    assert "one character" in peer("group", "import", str(path), "--delimiter", ";;",
                                   ok=False).stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_spreadsheet_encodings(peer, query, tmp_path, encoding):
    text = (HEADER + "E1,Café “Coffee” Club,loneliness,Wednesdays 10am,,1 Main St,Riverton,"
            "97401,,,active\n")
    peer("group", "import", str(write(tmp_path, "enc.csv", text, encoding)))
    assert query("SELECT name FROM groups")[0]["name"] == "Café “Coffee” Club"


def test_whole_file_problems_are_one_clear_error(peer, db_path, tmp_path):
    peer("group", "add", "Seed", "--schedule", "Mon 6pm")
    before = digest(db_path)
    missing = peer("group", "import", str(tmp_path / "nope.csv"), ok=False)
    assert missing.exit_code == 1 and "not found" in missing.stderr
    noname = peer("group", "import", str(write(tmp_path, "x.csv", "foo,bar\n1,2\n")), ok=False)
    assert "does not name a group" in noname.stderr
    assert digest(db_path) == before
    assert "Traceback" not in missing.stderr + noname.stderr


# -- browsing --------------------------------------------------------------------------------


CONTRACT_KEYS = {"id", "name", "topics", "format", "meetings", "next_meeting", "status"}


def test_list_json_contract_and_next_meeting(peer, tmp_path):
    peer("group", "import", str(small_csv(tmp_path)))
    groups = peer.json("group", "list")
    assert [g["name"] for g in groups] == [
        "Online Anxiety Group", "Tuesday Grief Circle", "Walk and Talk"]
    for g in groups:
        assert CONTRACT_KEYS <= set(g)
    grief = groups[1]
    assert grief["topics"] == ["grief"]
    assert grief["format"] == "in_person"
    assert grief["meetings"] == [
        {"freq": "WEEKLY", "interval": 1, "byday": ["TU"], "start": "18:00", "end": "19:30"}]
    assert grief["next_meeting"] == "2026-11-24T18:00"  # the Tuesday after Sat 21 Nov
    walk = groups[2]
    assert walk["meetings"][0]["byday"] == ["1TH", "3TH"]
    assert walk["next_meeting"] == "2026-12-03T18:30"
    assert groups[0]["format"] == "online" and groups[0]["languages"] == ["es", "en"]


def test_list_filters(peer, tmp_path):
    peer("group", "import", str(small_csv(tmp_path)))
    peer("group", "add", "Hybrid Art", "--schedule", "Tue 2pm", "--format", "hybrid",
         "--topics", "art", "--languages", "Vietnamese")

    def names(*flags: str) -> list[str]:
        return [g["name"] for g in peer.json("group", "list", *flags)]

    assert names("--topic", "loss") == ["Tuesday Grief Circle"]  # through the vocabulary
    assert names("--day", "Wednesday") == ["Online Anxiety Group"]
    assert names("--day", "tue") == ["Hybrid Art", "Tuesday Grief Circle"]
    assert names("--format", "online") == ["Hybrid Art", "Online Anxiety Group"]
    assert names("--format", "hybrid") == ["Hybrid Art"]
    assert names("--language", "Spanish") == ["Online Anxiety Group"]
    assert names("--language", "vi") == ["Hybrid Art"]
    assert "Walk and Talk" in names("--language", "en")  # no language given: English-or-unknown
    assert names("--source", "manual") == ["Hybrid Art"]
    assert names("--topic", "grief", "--day", "Mon") == []
    assert peer("group", "list", "--day", "Funday", ok=False).exit_code == 1
    assert "--language" in peer("group", "list", "--language", "Klingonese", ok=False).stderr
    out = peer("group", "list").stdout
    assert "Tuesday Grief Circle" in out and "Tue 18:00-19:30" in out and "Tue 24 Nov 18:00" in out


def test_show_with_upcoming_dates(peer, tmp_path):
    peer("group", "import", str(small_csv(tmp_path)))
    shown = peer.json("group", "show", "walk")
    assert CONTRACT_KEYS <= set(shown)
    assert shown["upcoming"][:3] == ["2026-12-03T18:30", "2026-12-17T18:30", "2027-01-07T18:30"]
    assert shown["schedule"] == ["1st & 3rd Thu 18:30-20:00"]
    text = peer("group", "show", "Tuesday").stdout
    assert "#" in text and "Tuesday Grief Circle" in text and "Tue 24 Nov 18:00" in text
    assert "no group matches" in peer("group", "show", "zzz", ok=False).stderr


def test_search_ranks_and_survives_hostile_text(peer, tmp_path):
    peer("group", "import", str(small_csv(tmp_path)))
    assert [g["name"] for g in peer.json("group", "search", "grief")] == ["Tuesday Grief Circle"]
    assert [g["name"] for g in peer.json("group", "search", "bereavement")] == [
        "Tuesday Grief Circle"]  # topics are searched by label and slug
    assert [g["name"] for g in peer.json("group", "search", "anx")] == ["Online Anxiety Group"]
    for hostile in ('grief "', "AND", "OR grief", "NEAR(", "name:grief", "*", '"', "grief -x", "^", "a:b"):
        result = peer("group", "search", hostile, "--json")
        assert isinstance(json.loads(result.stdout), list), hostile
    assert [g["name"] for g in peer.json("group", "search", 'grief "')] == ["Tuesday Grief Circle"]


# -- hand-entered groups ---------------------------------------------------------------------


def test_add_edit_retire_roundtrip(peer, query):
    added = peer.json("group", "add", "Knit Night", "--schedule", "Thursdays 7pm",
                      "--topics", "crafts, knitting", "--address", "5 Birch St",
                      "--city", "Riverton", "--languages", "English, Spanish",
                      "--newcomers", "yes", "--accessibility", "wheelchair")
    assert added["source"] == "manual" and added["source_key"] == f"manual:{added['id']}"
    assert added["format"] == "in_person"
    assert added["meetings"] == [
        {"freq": "WEEKLY", "interval": 1, "byday": ["TH"], "start": "19:00", "end": "20:00"}]
    assert added["next_meeting"] == "2026-11-26T19:00"
    assert added["languages"] == ["en", "es"] and added["open_to_newcomers"] is True
    edited = peer.json("group", "edit", "knit", "--schedule", "last Sunday of the month 2 PM",
                       "--online-url", "https://meet.example.org/k", "--format", "hybrid")
    assert edited["id"] == added["id"]
    assert edited["meetings"][0]["byday"] == ["-1SU"]
    assert edited["next_meeting"] == "2026-11-29T14:00"
    assert set(edited["changed"]) == {"meetings", "online_url", "format"}
    assert edited["languages"] == ["en", "es"]  # untouched
    assert query("SELECT day_mask FROM meetings WHERE group_id = ?", added["id"])[0][0] == 1 << 6
    retired = peer.json("group", "retire", "Knit", "--yes")
    assert retired["status"] == "inactive" and retired["next_meeting"] is None
    assert peer.json("group", "list") == []
    assert len(peer.json("group", "list", "--all")) == 1
    actions = [r["action"] for r in query("SELECT action FROM audit WHERE entity = 'group'")]
    assert actions == ["create", "update", "retire"]
    fields = json.loads(query("SELECT fields FROM audit WHERE action = 'update'")[0]["fields"])
    assert fields == ["format", "meetings", "online_url"]


def test_add_and_edit_validate_every_flag_before_writing(peer, db_path):
    peer("group", "add", "Seed", "--schedule", "Mon 6pm")
    before = digest(db_path)
    cases = [
        (("group", "add", "X"), "--schedule"),
        (("group", "add", "X", "--schedule", "Funday 6pm"), "Funday"),
        (("group", "add", "X", "--schedule", "Mon 6pm", "--format", "teleport"), "--format"),
        (("group", "add", "X", "--schedule", "Mon 6pm", "--languages", "Elvish"), "--languages"),
        (("group", "add", "X", "--schedule", "Mon 6pm", "--email", "nope"), "--email"),
        (("group", "add", "X", "--schedule", "Mon 6pm", "--timezone", "Mars/Base"), "Mars/Base"),
        (("group", "add", " ", "--schedule", "Mon 6pm"), "name is empty"),
        (("group", "edit", "Seed"), "nothing to change"),
        (("group", "edit", "Seed", "--newcomers", "maybe"), "--newcomers"),
        (("group", "retire", "Seed"), "--yes"),
    ]
    for args, expected in cases:
        result = peer(*args, ok=False)
        usage = expected in ("--schedule", "nothing to change")  # a required part is missing
        assert result.exit_code == (2 if usage else 1), args
        assert expected in result.stderr, (args, result.stderr)
    assert digest(db_path) == before


def test_edit_of_imported_group_survives_reimport_of_the_same_file(peer, query, tmp_path):
    path = small_csv(tmp_path)
    peer("group", "import", str(path))
    peer("group", "edit", "Tuesday Grief", "--notes", "Room changed to 3")
    again = peer.json("group", "import", str(path))
    assert again["unchanged"] == 3
    assert query("SELECT notes FROM groups WHERE source_key = 'A1'")[0]["notes"] == (
        "Room changed to 3")


def test_a_file_named_manual_needs_a_source(peer, query, tmp_path):
    path = small_csv(tmp_path, "manual.csv")
    result = peer("group", "import", str(path), ok=False)
    assert result.exit_code == 1 and "--source" in result.stderr
    assert peer.json("group", "import", str(path), "--source", "county")["inserted"] == 3


def test_progress_bar_only_for_big_files_on_a_terminal(tmp_path, monkeypatch):
    from peercli.cli.commands import group_import as group_cmd

    small = small_csv(tmp_path)
    assert group_cmd._Progress(small, True).bar is None  # small file
    big = write(tmp_path, "big.csv", "x" * group_cmd.PROGRESS_MIN_BYTES)
    assert group_cmd._Progress(big, True).bar is None  # stderr is not a terminal here
    assert group_cmd._Progress(big, False).bar is None  # --json
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    bar = group_cmd._Progress(big, True)
    assert bar.bar is not None
    bar.update(5000)
    assert bar.bar.tasks[0].completed == 5000


def test_fellowship_sets_the_topic_of_a_meeting_guide_feed(peer, tmp_path):
    feed = Path(__file__).parent / "fixtures" / "meetingguide" / "feed.json"
    peer("group", "import", str(feed), "--fellowship", "na", "--source", "na-feed")
    topics = {t for g in peer.json("group", "list", "--source", "na-feed") for t in g["topics"]}
    assert "drug-recovery" in topics and "alcohol-recovery" not in topics
    result = peer("group", "import", str(feed), "--fellowship", "knitters", ok=False)
    assert result.exit_code == 1 and "unknown fellowship 'knitters'" in result.stderr
