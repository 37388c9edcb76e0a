"""Property-based fuzzing (issue 12): every command's arguments and every importer, with hostile
input. Whatever comes in: no traceback, exit code 0, 1 or 2, and after any refused command the
database files are byte-identical.

The command list is read from the CLI itself (every leaf command, every option), so a command
added later is fuzzed too. ``PEER_DEBUG=1`` makes the last-resort handler re-raise, so an
unexpected exception fails here instead of hiding behind the one-line message.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOW = "2026-11-21T10:00"
SLOW = {"demo"}  # builds its own throwaway database; covered by its own tests
FUZZ = settings(max_examples=int(os.environ.get("PEER_FUZZ_EXAMPLES", "100")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def leaf_commands() -> list[tuple[tuple[str, ...], Any]]:
    from peercli.cli.app import COMMANDS, load_command

    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, (*path, name))
        else:
            found.append((path, cmd))

    for name in COMMANDS:
        if name not in SLOW:
            walk(load_command(name), (name,))
    return found


LEAVES = leaf_commands()

# Values an attacker or a clumsy user types: ids at and past the edges, other scripts' digits,
# dates at the calendar's ends, offsets, escape sequences, huge and empty text.
NASTY = [
    "1", "#1", "2", "0", "-1", "00001", str(2**63 - 1), str(2**63), "9" * 30, "1" * 5000,
    "²", "٣", "１", "1.5", "1e999", "NaN", "inf", "", " ", "-", "--", "#", "%", "_", "*",
    "'; DROP TABLE consumers; --", "Robert'); DELETE FROM consents;--", "\\", "\"",
    "2026-11-20", "2026-11-20T10:00:00+05:00", "2026-02-30", "0001-01-01", "9999-12-31",
    "1899-12-31 10:00", "99999999d", "99999999999 hours ago", "tomorrow", "next tuesday",
    "yesterday 3pm", "25:99", "Mondays 6-7pm", "every day at noon", "2026-13",
    "\x1b]0;title\x07", "\x1b[2J", "\x1b]52;c;aGVsbG8=\x07", "\u202egnp.exe", "\x9b31m",
    "a\nb", "a\rb", "\t", "x" * 10_000, "grief", "phone", "store,contact,share", "grant",
    "revoke", "attended", "in_person", "online", "csv", "json", "sam@example.org",
    "+1 555 0100", "http://example.org", "javascript:alert(1)", "file:///etc/passwd",
    "/etc/passwd", "../../outside", "/dev/null", "/proc/self/mem", "Sam",
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
            max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def argv_for(path: tuple[str, ...], cmd: Any, draw: Any) -> list[str]:
    argv = list(path)
    for param in cmd.params:
        if param.param_type_name == "argument":
            count = 1 if param.nargs == 1 else draw(st.integers(0, 2))
            if not param.required and draw(st.booleans()):
                continue
            argv.extend(draw(VALUES) for _ in range(count))
        elif getattr(param, "is_flag", False):
            if draw(st.integers(0, 3)) == 0:
                argv.append(param.opts[0])
        elif draw(st.integers(0, 2)) == 0:
            argv.extend([param.opts[0], draw(VALUES)])
    return argv


def db_state(db_path: Path) -> tuple[str, ...]:
    parts = []
    for suffix in ("", "-wal"):
        p = Path(f"{db_path}{suffix}")
        parts.append(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-")
    return tuple(parts)


@pytest.fixture
def world(peer, db_path, tmp_path, monkeypatch) -> Path:
    """A small database (a person with consent, a group, a referral, a check-in), commands run
    from an empty folder, no editor, no terminal, unexpected exceptions re-raised."""
    monkeypatch.setenv("PEER_NOW", NOW)
    monkeypatch.setenv("PEER_DEBUG", "1")
    monkeypatch.setenv("VISUAL", "false")
    monkeypatch.setenv("EDITOR", "false")
    listing = tmp_path / "groups.csv"
    listing.write_text("id,name,topics,schedule,format,city\n"
                       "g1,Grief Circle,grief,Mondays 6-7pm,in_person,Springfield\n",
                       encoding="utf-8")
    peer("group", "import", str(listing))
    peer("consumer", "add", "Sam", "--interests", "grief", "--phone", "555-0100")
    peer("consumer", "consent", "1", "grant", "store,contact,share")
    peer("refer", "1", "1")
    peer("checkin", "1", "--mode", "phone", "--minutes", "10")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return db_path


def run_checked(peer, db_path: Path, argv: list[str], stdin: bytes | None = None) -> None:
    before = db_state(db_path)
    result = peer(*argv, ok=False, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr, (argv, result.stderr)
    if result.exit_code != 0:
        assert db_state(db_path) == before, (argv, result.stderr)


@FUZZ
@given(data=st.data())
def test_every_command_survives_hostile_arguments(peer, world, data):
    path, cmd = data.draw(st.sampled_from(LEAVES), label="command")
    argv = argv_for(path, cmd, data.draw)
    stdin = data.draw(st.one_of(st.none(), st.binary(max_size=64)), label="stdin")
    run_checked(peer, world, argv, stdin)


@pytest.mark.parametrize("path,cmd", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_each_command_once_with_the_nastiest_values(peer, world, path, cmd):
    """Deterministic: every leaf command with every argument and option set to each of a few
    worst cases (so no command depends on hypothesis picking it)."""
    for value in ("9" * 30, "²", "\x1b]0;x\x07", "2026-11-20T10:00:00+05:00", "-1", ""):
        argv = list(path)
        for param in cmd.params:
            if param.param_type_name == "argument":
                argv.extend([value] * (1 if param.nargs == 1 else 2))
            elif not getattr(param, "is_flag", False):
                argv.extend([param.opts[0], value])
        run_checked(peer, world, argv)


# ---------------------------------------------------------------------------------------------
# Importers: arbitrary bytes and structured-but-wrong content, straight into iter_records.

CSV_HEADERS = ["id,name,topics,schedule,format,city",
               "Meeting Name,Day,Time,End Time,Location,Address,Types",
               "name,day,time,format,latitude,longitude,online_url,languages"]
CELLS = st.one_of(st.sampled_from(NASTY), st.text(max_size=30),
                  st.sampled_from(["\ufeff", "\x00", "\r", "\"", "\"\"", "=cmd|' /C calc'!A0"]))


@st.composite
def csv_bytes(draw: Any) -> bytes:
    header = draw(st.sampled_from(CSV_HEADERS))
    n = len(header.split(","))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=n + 2), max_size=5))
    text = header + "\n" + "\n".join(
        ",".join('"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c for c in r)
        for r in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**80), 2**80),
                         st.floats(allow_nan=True, allow_infinity=True), CELLS)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["name", "day", "time", "end_time", "types", "latitude",
                                     "longitude", "meeting_name", "weekday_tinyint",
                                     "start_time", "id", "location", "conference_url",
                                     "timezone", "formatted_address", "region"]), inner,
                    max_size=6)), max_leaves=20)


@st.composite
def json_bytes(draw: Any) -> bytes:
    import json

    value = draw(st.lists(JSON_VALUES, max_size=4))
    text = json.dumps(value)
    if draw(st.integers(0, 4)) == 0:  # damage it
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "]", "[" * 3000, "9" * 5000, ",", "\x00"]))
    return text.encode("utf-8")


@st.composite
def zip_bytes(draw: Any) -> bytes:
    import io
    import json

    buffer = io.BytesIO()
    members = draw(st.lists(st.sampled_from(
        ["datapackage.json", "services.csv", "schedules.csv", "locations.csv",
         "../evil.csv", "/etc/passwd", "a/../../b.csv", "pkg/datapackage.json"]),
        min_size=1, max_size=5, unique=True))
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in members:
            if name.endswith("datapackage.json"):
                body = json.dumps({"resources": [
                    {"name": draw(st.sampled_from(["service", "schedule", "location"])),
                     "path": draw(st.sampled_from(NASTY + ["services.csv"]))}]})
            else:
                body = draw(csv_bytes()).decode("latin-1")
            zf.writestr(name, body)
    return buffer.getvalue()


CONTENT = st.one_of(csv_bytes(), json_bytes(), zip_bytes(), st.binary(max_size=200))


@FUZZ
@given(content=CONTENT, fmt=st.sampled_from([None, "native", "tsml-csv", "meetingguide",
                                             "hsds", "bmlt", "ics", "hsds-json"]),
       suffix=st.sampled_from([".csv", ".json", ".zip", ".ics", ".txt", ""]))
def test_every_importer_refuses_or_reads_any_file(tmp_path_factory, content, fmt, suffix):
    from peercli.importers import FORMATS, ImportFileError, RowError, iter_records
    from peercli.importers.records import GroupRecord

    if fmt is not None and fmt not in FORMATS:
        fmt = None
    path = tmp_path_factory.mktemp("fuzz") / f"listing{suffix}"
    path.write_bytes(content)
    try:
        stream = iter_records(path, format=fmt)
        for item in stream:
            assert isinstance(item, GroupRecord | RowError)
    except ImportFileError:
        pass


@FUZZ
@given(content=CONTENT, suffix=st.sampled_from([".csv", ".json", ".zip", ""]),
       extra=st.sampled_from([(), ("--skip-invalid",), ("--dry-run",), ("--format", "hsds"),
                              ("--format", "meetingguide"), ("--delimiter", ";")]))
def test_group_import_of_any_file_is_all_or_nothing(peer, world, content, suffix, extra):
    path = world.parent / f"fuzz{suffix}"
    path.write_bytes(content)
    run_checked(peer, world, ["group", "import", str(path), *extra, "--force"])
