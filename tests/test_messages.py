"""Issue 16, "Messages and output": counts read as English, human output on stdout, what
changed and only that, one score formatting, contradictory flags refused, global options
anywhere, every `db check` problem with its remedy, missing arguments are usage errors."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Any

import pytest

from peercli.core.wording import plural, plural_noun

SRC = Path(__file__).resolve().parents[1] / "src" / "peercli"


# -- plurals --------------------------------------------------------------------------------
@pytest.mark.parametrize(("count", "noun", "expected"), [
    (1, "topic", "1 topic"), (0, "topic", "0 topics"), (2, "topic", "2 topics"),
    (1, "recurring meeting", "1 recurring meeting"), (3, "recurring meeting", "3 recurring meetings"),
    (1, "unit", "1 unit"), (5, "active consumer", "5 active consumers"),
    (1, "person", "1 person"), (2, "person", "2 people"), (4, "check-in", "4 check-ins"),
    (2, "entry", "2 entries"), (2, "day", "2 days"), (2, "box", "2 boxes"),
    (1204, "row", "1,204 rows"), (2, "business day", "2 business days"),
])
def test_plural(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


def test_plural_explicit_form() -> None:
    assert plural_noun(2, "criterion", "criteria") == "criteria"
    assert plural_noun(1, "criterion", "criteria") == "criterion"


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal in a module (f-string parts too), with its line."""
    out: list[tuple[int, str]] = []
    kinds = {tokenize.STRING} | ({tokenize.FSTRING_MIDDLE}  # type: ignore[attr-defined]
                                 if hasattr(tokenize, "FSTRING_MIDDLE") else set())
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
        if tok.type in kinds:
            out.append((tok.start[0], tok.string))
    return out


# "(s)" that are not a lazy plural: a URL scheme, and a column header people write in sheets.
NOT_PLURALS = re.compile(r"http\(s\)|Day\(s\)")


def test_no_lazy_plurals_in_the_code() -> None:
    """No "(s)" in any string peer can show: counts go through core.wording.plural."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for line, text in _strings(path):
            if re.search(r"[A-Za-z]\(s\)", NOT_PLURALS.sub("", text)):
                found.append(f"{path.relative_to(SRC)}:{line}: {text[:60]}")
    assert not found, "use peercli.core.wording.plural instead of '(s)':\n" + "\n".join(found)


def test_the_scan_would_catch_one(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('A = f"{n} topic(s)"\nB = "see http(s) links"\n', "utf-8")
    hits = [t for _, t in _strings(probe) if re.search(r"[A-Za-z]\(s\)", NOT_PLURALS.sub("", t))]
    assert hits == [" topic(s)"] or hits == ['f"{n} topic(s)"']


def _consumer(peer: Any, name: str = "Sam", *extra: str) -> None:
    peer("--no-input", "consumer", "add", name, "--interests", "grief", "--available",
         "Tue evenings", "--consent", "store,contact,share", *extra)


def test_home_counts_read_as_english(peer: Any) -> None:
    _consumer(peer)
    out = peer().stdout
    assert "1 active consumer, 0 active groups." in out
    assert "(s)" not in out


def test_report_counts_read_as_english(peer: Any) -> None:
    _consumer(peer)
    peer("--no-input", "checkin", "Sam", "--mode", "phone", "--minutes", "10", "--mood", "3")
    out = peer("report").stdout
    assert "(s)" not in out
    assert "1 contact, 1 unit, 1 person" in out
    assert "0 contacts, 0 units, 0 people" in out


# -- fixtures for the CLI tests ---------------------------------------------------------------
@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small laptop's terminal: 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def referred(peer: Any, make_group: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    """Sam, referred (by `peer refer`) to one group that meets on Tuesdays; the group's id."""
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    gid = make_group("Tuesday Grief Circle", topics=("grief",), format="in_person",
                     city="Riverton", meetings=())
    peer("group", "edit", str(gid), "--schedule", "Tuesdays 6:30-8pm")
    _consumer(peer)
    peer("refer", "Sam", str(gid))
    return int(gid)


def test_a_checkin_of_a_few_minutes_is_one_unit(peer: Any, narrow: None) -> None:
    _consumer(peer)
    out = peer("--no-input", "checkin", "Sam", "--mode", "phone", "--minutes", "8").stdout
    assert ", 8 min (1 unit)" in out
    assert "(1 units)" not in out


# -- referral: a note alone ---------------------------------------------------------------------
def test_a_note_without_a_new_status_says_so(peer: Any, referred: int, narrow: None) -> None:
    out = peer("referral", "update", "1", "referred", "--note", "left a voicemail").stdout
    assert out == "✓ Referral #1: note added (still referred).\n"
    changed = peer("referral", "update", "1", "attended", "--note", "went").stdout
    assert changed == "✓ Referral #1: referred → attended (note added).\n"
    plain = peer("referral", "update", "1", "continuing").stdout
    assert plain == "✓ Referral #1: attended → continuing\n"


# -- edits echo what changed, and only that ----------------------------------------------------
def test_consumer_edit_echoes_only_the_changed_fields(peer: Any, narrow: None) -> None:
    _consumer(peer)
    out = peer("consumer", "edit", "Sam", "--interests", "grief, walking", "--every", "14",
               "--available", "Tue evenings", "--postal-code", "97401").stdout
    assert out.splitlines() == [
        "✓ Updated consumer #1 Sam",
        "  interests: grief → grief, walking",
        "  postal code: — → 97401",
        "  follow-up: every 7 days → every 14 days",
    ]
    again = peer("consumer", "edit", "Sam", "--interests", "walking, grief")
    assert again.stdout == "Nothing changed: #1 Sam already has those values.\n"
    data = peer.json("consumer", "edit", "Sam", "--email", "sam@example.org")
    assert data["changed"] == ["email"] and data["email"] == "sam@example.org"
    assert peer.json("consumer", "edit", "Sam", "--email", "sam@example.org")["changed"] == []


def test_group_edit_echoes_only_the_changed_fields(peer: Any, make_group: Any,
                                                   narrow: None) -> None:
    gid = make_group("Hope Circle", city="Riverton", format="in_person")
    out = peer("group", "edit", str(gid), "--city", "Eugene", "--cost", "free").stdout
    assert out.splitlines() == [f"✓ Updated group #{gid} Hope Circle",
                                "  city: Riverton → Eugene", "  cost: — → free"]
    same = peer("group", "edit", str(gid), "--city", "Eugene").stdout
    assert same == f"Nothing changed: group #{gid} Hope Circle already has those values.\n"


def test_group_show_labels_a_lone_postal_code(peer: Any, make_group: Any, narrow: None) -> None:
    lone = make_group("Postal Only", postal_code="97401")
    street = make_group("Street", address="12 Main St", city="Riverton", postal_code="97401")
    town = make_group("Town", city="Riverton")
    assert "  postal code   97401" in peer("group", "show", str(lone)).stdout
    assert "address" not in peer("group", "show", str(lone)).stdout
    assert "  address       12 Main St, Riverton, 97401" in peer("group", "show", str(street)).stdout
    assert "  city          Riverton" in peer("group", "show", str(town)).stdout


def test_the_report_header_says_its_period_once(peer: Any, narrow: None) -> None:
    month = peer("report", "--month", "2026-11").stdout.splitlines()[0]
    assert month == "Report November 2026"
    span = peer("report", "--from", "2026-11-03", "--to", "2026-11-16").stdout.splitlines()[0]
    assert span == "Report 2026-11-03 to 2026-11-16"


# -- human output on stdout ----------------------------------------------------------------------
def test_due_with_nobody_due_says_so_on_stdout(peer: Any) -> None:
    result = peer("due")
    assert result.stdout == "Nobody is due today.\n" and result.stderr == ""
    assert peer("due", "--days", "1").stdout == "Nobody is due in the next 1 day.\n"
    assert peer("due", "--days", "7").stdout == "Nobody is due in the next 7 days.\n"


def test_peer_due_redirected_to_a_file_holds_the_sentence(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    target = tmp_path / "today.txt"
    with open(target, "w", encoding="utf-8") as handle:
        done = subprocess.run([sys.executable, "-m", "peercli", "due"], stdout=handle,
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ),
                              timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == "Nobody is due today.\n"


def test_confirmations_are_on_stdout_and_warnings_on_stderr(peer: Any) -> None:
    result = peer("consumer", "add", "Jo", "--interests", "grief, falconry", "--no-input")
    assert result.stdout.startswith("✓ Added consumer #1 Jo\n")
    assert "falconry" in result.stderr and "Note:" not in result.stdout
    assert "✓" not in result.stderr


def test_with_json_stdout_is_the_document_and_messages_go_to_stderr(
        peer: Any, referred: int, tmp_path: Path) -> None:
    import json

    out = tmp_path / "sam.html"
    result = peer("handout", "Sam", "--out", str(out), "--json")
    assert json.loads(result.stdout)["html_path"] == str(out)  # nothing else on stdout
    assert f"Wrote {out}" in result.stderr


def test_no_human_output_command_writes_its_result_to_stderr() -> None:
    """The sweep, kept: command modules print human output with echo/info/success (stdout);
    only errors, warnings (warn), progress, and the context of a question (which is asked on
    the terminal, not written to stdout) use stderr."""
    import ast

    allowed = {"_report_refusal",  # the bad lines listed above an error
               "_echo_restore_plan"}  # what a restore would replace, above its question
    offenders = []
    for path in sorted((SRC / "cli" / "commands").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef) or func.name in allowed:
                continue
            for call in ast.walk(func):
                if isinstance(call, ast.Call) and any(
                        k.arg == "err" and isinstance(k.value, ast.Constant) and k.value.value
                        for k in call.keywords):
                    offenders.append(f"{path.name}:{call.lineno} in {func.name}")
    assert not offenders, "\n".join(offenders)


# -- one score ------------------------------------------------------------------------------------
def test_the_same_score_shows_the_same_everywhere(peer: Any, referred: int,
                                                  narrow: None) -> None:
    from peercli.core.scores import score_text

    referral = peer.json("referral", "show", "1")
    stored = referral["score"]
    assert stored is not None and round(stored, 3) == stored
    listed = peer.json("referral", "list")[0]["score"]
    assert listed == stored
    shown = score_text(stored)
    assert f"(score {shown} when referred)" in peer("referral", "show", "1").stdout
    row = next(line for line in peer("referral", "list").stdout.splitlines() if "Sam" in line)
    assert f" {shown} " in row
    match = next(m for m in peer.json("match", "Sam", "--include-current")
                 if m["group_id"] == referred)
    assert match["score"] == stored
    human = peer("match", "Sam", "--include-current", "--wide").stdout
    assert shown in human


@pytest.mark.parametrize(("score", "shown"), [
    (0.695, "0.70"), (0.69504, "0.70"), (0.6949999, "0.70"), (0.6944, "0.69"), (0.0, "0.00"),
    (1.0, "1.00"), (0.125, "0.13"), (0.1249, "0.13"), (0.1244, "0.12"),
])
def test_score_text_rounds_half_up_from_the_kept_value(score: float, shown: str) -> None:
    from peercli.core.scores import canonical_score, score_text

    assert score_text(score) == shown
    assert score_text(canonical_score(score)) == shown  # stored or live: the same text


def test_score_text_is_the_same_for_a_score_and_its_kept_value() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from peercli.core.scores import canonical_score, score_text

    @given(st.floats(min_value=0, max_value=1))
    def same(score: float) -> None:
        assert score_text(score) == score_text(canonical_score(score))

    same()


# -- calendar -----------------------------------------------------------------------------------
def test_calendar_piped_prints_the_ics(peer: Any, referred: int) -> None:
    result = peer("calendar", "Sam")
    assert result.stdout.startswith("BEGIN:VCALENDAR") and "RRULE:FREQ=WEEKLY" in result.stdout
    assert peer("calendar", "Sam", "-o", "-").stdout.startswith("BEGIN:VCALENDAR")


def test_calendar_at_a_terminal_says_what_it_holds_and_where_to_put_it(
        peer: Any, referred: int, narrow: None, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr("peercli.cli.commands.report.stdout_is_terminal", lambda: True)
    out = peer("calendar", "Sam").stdout
    assert "BEGIN:VCALENDAR" not in out
    assert out.splitlines() == [
        "1 recurring meeting for #1 Sam:",
        "  Tuesday Grief Circle — Tue 18:30-20:00",
        ("Save them with: peer calendar 1 -o calendar-1.ics (or peer calendar 1 > "
        "calendar-1.ics)"),
    ]
    target = tmp_path / "sam.ics"
    wrote = peer("calendar", "Sam", "-o", str(target)).stdout
    assert wrote.splitlines()[0] == f"✓ Wrote 1 recurring meeting to {target}"
    assert target.read_text().startswith("BEGIN:VCALENDAR")


def test_calendar_json(peer: Any, referred: int, tmp_path: Path) -> None:
    data = peer.json("calendar", "Sam")
    assert data["consumer_id"] == 1 and data["path"] is None
    assert [e["group"] for e in data["events"]] == ["Tuesday Grief Circle"]
    target = tmp_path / "sam.ics"
    written = peer.json("calendar", "Sam", "-o", str(target))
    assert written["path"] == str(target) and target.exists()


# -- contradictions and missing arguments: usage errors ---------------------------------------
@pytest.mark.parametrize(("args", "flags"), [
    (["report", "--format", "csv", "--json"], ("--format csv", "--json")),
    (["report", "--format", "table", "--json"], ("--format table", "--json")),
    (["report", "--month", "2026-11", "--from", "2026-11-01"], ("--month", "--from")),
    (["report", "--month", "2026-11", "--to", "2026-11-20"], ("--month", "--to")),
    (["calendar", "Sam", "-o", "-", "--json"], ("-o -", "--json")),
    (["handout", "Sam", "--sms", "--out", "x.html"], ("--sms", "--out")),
    (["notes", "print", "--out", "x.html", "--json"], ("--out", "--json")),
    (["match", "--group", "1", "--explain", "1"], ("--group", "--explain")),
    (["match", "--group", "1", "--format", "online"], ("--group", "--format")),
])
def test_contradictory_flags_are_a_usage_error(peer: Any, args: list[str],
                                               flags: tuple[str, str]) -> None:
    _consumer(peer)
    result = peer(*args, ok=False)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and all(flag in lines[0] for flag in flags), result.stderr


def test_other_contradictions_exit_2(peer: Any) -> None:
    _consumer(peer)
    for args in (["match", "Sam", "--group", "1"],
                 ["checkin", "Sam", "--mode", "phone", "--minutes", "5", "--start", "9:00",
                  "--end", "9:30"],
                 ["notes", "group", "-a", "Sam", "--minutes", "5", "--start", "9:00",
                  "--end", "9:30"]):
        result = peer(*args, ok=False)
        assert result.exit_code == 2 and "not both" in result.stderr, (args, result.stderr)


def test_report_json_with_format_json_is_no_contradiction(peer: Any) -> None:
    assert peer.json("report", "--format", "json")["contacts"] == 0


def test_match_with_no_name_is_a_usage_error(peer: Any) -> None:
    result = peer("match", ok=False)
    assert result.exit_code == 2 and "missing CONSUMER" in result.stderr
    assert result.stdout == ""


def _commands() -> list[tuple[list[str], Any]]:
    from peercli.cli.app import COMMANDS, load_command

    found: list[tuple[list[str], Any]] = []

    def walk(path: list[str], command: Any) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk([*path, name], sub)
        else:
            found.append((path, command))

    for name in COMMANDS:
        walk([name], load_command(name))
    return found


def test_every_missing_required_argument_exits_2(peer: Any) -> None:
    """The sweep: every command that needs an argument (or a required option) and is run
    without any exits 2, off a terminal, with nothing on stdout."""
    checked = []
    for path, command in _commands():
        params = getattr(command, "params", [])
        needs = [p for p in params if getattr(p, "required", False)]
        if not needs and path not in (["consumer", "add"], ["match"]):
            continue
        result = peer("--no-input", *path, ok=False)
        assert result.exit_code == 2, (path, result.exit_code, result.output)
        assert result.stdout == "", (path, result.stdout)
        checked.append(" ".join(path))
    assert {"match", "consumer add", "group show", "checkin log", "notes group",
            "referral update"} <= set(checked)


# -- global options anywhere ------------------------------------------------------------------
def test_db_after_the_command(peer: Any, tmp_path: Path, make_group: Any) -> None:
    other = tmp_path / "other" / "peer.db"
    peer("group", "add", "Elsewhere Circle", "--schedule", "Mon 6pm", "--db", str(other))
    assert peer.json("group", "show", "Elsewhere", "--db", str(other))["name"] == \
        "Elsewhere Circle"
    assert peer.json("group", "list", f"--db={other}")[0]["name"] == "Elsewhere Circle"
    assert peer.json("group", "list") == []  # the default database was not touched
    assert peer.json("--db", str(other), "group", "list")[0]["name"] == "Elsewhere Circle"


def test_no_input_after_the_command(peer: Any) -> None:
    result = peer("consumer", "add", "--no-input", ok=False)
    assert result.exit_code == 2 and "missing NAME" in result.stderr


def test_a_value_that_looks_like_a_global_option_stays_a_value(peer: Any, tmp_path: Path) -> None:
    _consumer(peer)
    peer("consumer", "edit", "Sam", "--note", "--db")
    assert peer.json("consumer", "show", "Sam")["notes"] == "--db"
    assert not (Path.cwd() / "--db").exists()


def test_db_without_a_value_after_the_command_is_a_usage_error(peer: Any) -> None:
    result = peer("group", "list", "--db", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --db needs a value, e.g. --db ~/peer.db"


def test_hoisting_stops_at_double_dash() -> None:
    from typer.main import get_command

    from peercli.cli.app import app, hoist_global_options

    root = get_command(app)
    ctx = root.make_context("peer", [], resilient_parsing=True)
    args = ["consumer", "add", "--", "--db"]
    assert hoist_global_options(root, ctx, args) == args
    moved = hoist_global_options(root, ctx, ["consumer", "list", "--db", "f", "--json"])
    assert moved == ["--db", "f", "consumer", "list", "--json"]


# -- db check: every FAIL and WARN carries its remedy -----------------------------------------
def _check_lines(peer: Any) -> dict[str, str]:
    result = peer("db", "check", ok=False)
    return {line[7:35].strip(): line for line in result.stdout.splitlines()[1:]}


def test_db_check_remedies_for_permissions(peer: Any, db_path: Path) -> None:
    _consumer(peer)
    db_path.parent.chmod(0o755)
    db_path.chmod(0o644)
    result = peer("db", "check", ok=False)
    assert result.exit_code == 1
    lines = {line[7:35].strip(): line for line in result.stdout.splitlines()[1:]}
    assert lines["permissions: data directory"].startswith("  FAIL ")
    assert lines["permissions: data directory"].endswith(f"; fix: chmod 700 {db_path.parent}")
    assert lines["permissions: peer.db"].endswith(f"; fix: chmod 600 {db_path}")
    assert "each FAIL line says how to fix it" in result.stderr
    import json

    checks = {c["name"]: c for c in json.loads(peer("db", "check", "--json", ok=False).stdout)
              ["checks"]}
    assert checks["permissions: peer.db"]["remedy"] == f"chmod 600 {db_path}"
    assert checks["permissions: peer.db"]["level"] == "fail"
    db_path.parent.chmod(0o700)
    db_path.chmod(0o600)


def test_db_check_warns_about_a_plain_database_with_its_remedy(peer: Any) -> None:
    from peercli.store import cipher

    _consumer(peer)
    result = peer("db", "check")
    line = next(x for x in result.stdout.splitlines() if "encryption" in x)
    assert line.startswith("  WARN ")
    assert line.endswith("fix: peer db encrypt") if cipher.version() else \
        "peer db encrypt" in line


def test_db_check_every_problem_has_a_remedy(peer: Any, db_path: Path) -> None:
    """Missing file, damaged file, broken references and a newer schema: each FAIL and WARN
    has a remedy, in the human line and in JSON."""
    import json
    import sqlite3

    def problems() -> list[dict[str, Any]]:
        out = json.loads(peer("db", "check", "--json", ok=False).stdout)
        return [c for c in out["checks"] if c["level"] != "ok"]

    missing = problems()
    assert [c["name"] for c in missing] == ["database file"]
    assert "peer consumer list" in missing[0]["remedy"]
    _consumer(peer)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO consumer_interests (consumer_id, topic) VALUES (999, 'grief')")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    found = {c["name"]: c for c in problems()}
    assert "peer db restore" in found["foreign keys"]["remedy"]
    assert "upgrade peer" in found["schema version"]["remedy"]
    for line in peer("db", "check", ok=False).stdout.splitlines()[1:]:
        if line.startswith(("  FAIL", "  WARN")):
            assert "; fix: " in line, line
    db_path.write_bytes(b"not a database" * 400)
    for c in problems():
        assert c["remedy"], c
        assert c["level"] in ("warn", "fail")


# -- the refactored commands stay thin ------------------------------------------------------------
@pytest.mark.parametrize(("module", "function"), [("notes", "group_session"),
                                                  ("handout", "handout")])
def test_the_command_parses_makes_one_call_and_renders(module: str, function: str) -> None:
    import ast

    tree = ast.parse((SRC / "cli" / "commands" / f"{module}.py").read_text("utf-8"))
    node = next(n for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef) and n.name == function)
    body = node.end_lineno - node.body[0].lineno + 1  # type: ignore[operator]
    branches = sum(isinstance(n, (ast.If, ast.For, ast.While, ast.Try, ast.BoolOp,
                                  ast.IfExp, ast.comprehension)) for n in ast.walk(node))
    assert body <= 30 and branches <= 6, (function, body, branches)


@pytest.mark.parametrize(("args", "flags"), [
    (["group", "import", "x.csv", "--rejects", "bad.csv"], ("--rejects", "--skip-invalid")),
    (["refer", "Sam", "1", "--reason", "verbal ok"], ("--reason", "--override-consent")),
    (["refer", "Sam", "1", "--override-consent"], ("--override-consent", "--reason")),
    (["group", "edit", "1", "--timezone", "America/Chicago"], ("--timezone", "--schedule")),
    (["consent", "add", "Sam", "--recipient", "X", "--purpose", "other"],
     ("--purpose other", "--purpose-detail")),
])
def test_a_flag_without_its_partner_is_a_usage_error(peer: Any, make_group: Any,
                                                     args: list[str],
                                                     flags: tuple[str, str]) -> None:
    make_group("Hope Circle")
    _consumer(peer)
    result = peer(*args, ok=False)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and all(flag in line for flag in flags), line


def test_tables_piped_into_a_file_carry_no_padding_at_line_ends(peer: Any, make_group: Any,
                                                                 narrow: None) -> None:
    """Rich pads every table cell to its column; written to a file or a pipe (CliRunner is
    not a terminal) no line ends in spaces."""
    gid = make_group("Survivors", description="For people who have lost someone. " * 4,
                     city="Riverton", topics=["grief"])
    for args in (("group", "show", str(gid)), ("group", "list")):
        out = peer(*args).stdout
        assert out.strip(), args
        assert [line for line in out.splitlines() if line != line.rstrip()] == [], args
