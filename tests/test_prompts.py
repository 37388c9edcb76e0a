"""The conventions every prompt keeps (docs/prompts.md), driven through prompt_toolkit pipe input:
a "no" is not an error, irreversible actions ask for the name typed, Ctrl-C / Ctrl-D cancel with
one line and exit 130 leaving the database byte-identical, and the same without a terminal."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from peercli.cli import runtime

ENTER, CTRL_C, CTRL_D, DOWN, SPACE = "\r", "\x03", "\x04", "\x1b[B", " "
CANCELLED = "Cancelled — nothing was saved.\n"
#: every intake flag, so adding a person at a "terminal" asks nothing
FULL_INTAKE = ("--consent", "all", "--interests", "grief", "--available", "Tue evening",
               "--formats", "in_person", "--languages", "en")


def digest(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    for suffix in ("-wal", "-journal"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            h.update(extra.read_bytes())
    return h.hexdigest()


@pytest.fixture
def terminal(monkeypatch):
    """A person at a terminal, typing into a pipe."""
    monkeypatch.setattr(runtime, "can_prompt", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


@pytest.fixture
def sam(peer, monkeypatch) -> int:
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00:00")
    return int(peer.json("consumer", "add", "Sam Rivera", *FULL_INTAKE)["id"])


@pytest.fixture
def group(make_group) -> int:
    return make_group("Tuesday Grief Circle")


# -- a "no" is not an error -------------------------------------------------------------------

DECLINABLE = [
    ("consumer", "archive", "Sam"),
    ("group", "retire", "Tuesday"),
]


@pytest.mark.parametrize("command", DECLINABLE, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("answer", ["n", ENTER])  # an explicit no, or Enter on the default (No)
def test_declining_changes_nothing_and_exits_0(peer, terminal, sam, group, db_path, command,
                                               answer):
    before = digest(db_path)
    terminal.send_text(answer)
    result = peer(*command)
    assert result.exit_code == 0
    assert result.stdout == "Nothing changed.\n"
    assert "Error" not in result.stderr
    assert digest(db_path) == before


@pytest.mark.parametrize("command", DECLINABLE, ids=lambda c: " ".join(c[:2]))
def test_declining_with_json_says_so_in_json(peer, terminal, sam, group, db_path, command):
    before = digest(db_path)
    terminal.send_text("n")
    result = peer(*command, "--json")
    assert json.loads(result.stdout) == {"changed": False, "reason": "declined"}
    assert digest(db_path) == before


@pytest.mark.parametrize("command", [*DECLINABLE, ("consumer", "forget", "Sam")],
                         ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("as_json", [False, True])
def test_without_a_terminal_refuses_naming_yes(peer, sam, group, db_path, command, as_json):
    before = digest(db_path)
    result = peer(*command, *(["--json"] if as_json else []), ok=False)
    assert result.exit_code == 1
    assert result.stdout == ""  # the JSON contract: nothing but JSON on stdout, and no JSON here
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--yes" in lines[0]
    assert digest(db_path) == before


def test_yes_skips_every_question(peer, sam, group, query):
    peer("consumer", "archive", "Sam", "--yes")
    peer("group", "retire", "Tuesday", "--yes")
    assert query("SELECT status FROM consumers")[0]["status"] == "archived"
    assert query("SELECT status FROM groups")[0]["status"] == "inactive"
    peer("consumer", "forget", str(sam), "--yes")
    assert query("SELECT count(*) AS n FROM consumers")[0]["n"] == 0


def test_yes_at_the_question_archives(peer, terminal, sam, query):
    terminal.send_text("y")
    result = peer("consumer", "archive", "Sam")
    assert "Archived consumer" in result.stdout  # what was done: stdout
    assert query("SELECT status FROM consumers")[0]["status"] == "archived"


# -- erasing asks for the name, typed ---------------------------------------------------------

def test_forget_mismatch_says_so_and_keeps_the_person(peer, terminal, sam, db_path):
    before = digest(db_path)
    terminal.send_text("Sam Rivers" + ENTER)
    result = peer("consumer", "forget", "Sam")
    assert result.stdout.startswith("Nothing changed: ")
    assert "neither the name nor the id" in result.stdout
    assert "cannot be undone" in result.stderr  # the warning before the question
    assert digest(db_path) == before


def test_forget_mismatch_with_json(peer, terminal, sam):
    terminal.send_text("y" + ENTER)
    result = peer("consumer", "forget", "Sam", "--json")
    assert json.loads(result.stdout) == {"changed": False, "reason": "not_confirmed"}


@pytest.mark.parametrize("typed", ["Sam Rivera", "sam rivera", " Sam   Rivera ", "{id}", "#{id}"])
def test_forget_erases_when_the_name_or_id_is_typed(peer, terminal, sam, query, typed):
    terminal.send_text(typed.format(id=sam) + ENTER)
    result = peer("consumer", "forget", "Sam")
    assert "Erased consumer" in result.stdout
    assert query("SELECT count(*) AS n FROM consumers")[0]["n"] == 0


def test_typed_confirmation_rule():
    from peercli.core.confirm import typed_confirmation

    def verdict(answer: str) -> str:
        return typed_confirmation(answer, name="Zoë  Ｏkafor", record_id=12)

    assert verdict("zoë okafor") == "match"  # case, width and runs of spaces ignored
    assert verdict("12") == verdict("#12") == verdict(" # 12 ") == "match"
    assert verdict("") == verdict("   ") == "empty"
    for wrong in ("Zoë", "y", "yes", "1", "123", "zoe okafor", "Zoë Okafor!"):
        assert verdict(wrong) == "mismatch", wrong


# -- Ctrl-C / Ctrl-D: one line, exit 130, the database byte-identical -------------------------

@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
@pytest.mark.parametrize("flow, keys", [
    (("consumer", "add"), "Bo" + ENTER),                        # at a text prompt
    (("consumer", "add", "Bo", "--interests", "art", "--available", "Mon"), ""),  # a checkbox
    (("checkin", "Sam"), ""),                                   # a list (mode)
    (("checkin", "Sam", "--mode", "phone"), ENTER),            # minutes, then the mood list
    (("consumer", "archive", "Sam"), ""),                       # a y/N question
    (("consumer", "forget", "Sam"), "Sam Ri"),                  # the typed confirmation
], ids=["text", "checkbox", "select", "mood", "confirm", "typed"])
def test_cancel_at_any_prompt(peer, terminal, sam, db_path, flow, keys, key):
    before = digest(db_path)
    terminal.send_text(keys + key)
    result = peer(*flow, ok=False)
    assert result.exit_code == 130
    assert result.stderr.endswith(CANCELLED) and result.stdout == ""
    assert result.stderr.count("Cancelled") == 1
    assert not any(word in result.stderr for word in ("Error", "Aborted", "by user"))
    assert digest(db_path) == before


def test_cancel_late_in_the_checkin_saves_nothing(peer, terminal, sam, db_path, query):
    """Every question answered but the last: still nothing saved."""
    before = digest(db_path)
    terminal.send_text(ENTER + ENTER + "4" + ENTER + "a note" + ENTER + ENTER + ENTER
                       + "did" + ENTER + ENTER + ENTER + CTRL_C)
    result = peer("checkin", "Sam", ok=False)
    assert result.exit_code == 130 and result.stderr.endswith(CANCELLED)
    assert digest(db_path) == before
    assert query("SELECT count(*) AS n FROM checkins")[0]["n"] == 0


def test_ctrl_c_during_a_long_import_keeps_nothing(peer, db_path, tmp_path, monkeypatch, query):
    peer("consumer", "add", "Ana", *FULL_INTAKE)
    before = digest(db_path)
    listing = tmp_path / "groups.csv"
    listing.write_text("id,name,schedule\n" + "".join(
        f"g{i},Group {i},Mon 18:00-19:00\n" for i in range(50)), encoding="utf-8")
    from peercli.store import groups

    real = groups._RowWriter.insert
    calls = []

    def interrupted(self, *args, **kwargs):  # the person presses Ctrl-C at row 20
        calls.append(1)
        if len(calls) == 20:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(groups._RowWriter, "insert", interrupted)
    result = peer("group", "import", str(listing), ok=False)
    assert result.exit_code == 130
    assert result.stderr == CANCELLED and result.stdout == ""
    assert digest(db_path) == before
    assert query("SELECT count(*) AS n FROM groups")[0]["n"] == 0


# -- restore says what the backup holds and what it replaces ----------------------------------

def test_restore_prompt_shows_both_sides(peer, terminal, sam, db_path, tmp_path, monkeypatch):
    peer("checkin", "Sam", "--mode", "phone", "--minutes", "10")
    backup = tmp_path / "b.db"
    peer("db", "backup", str(backup))
    monkeypatch.setenv("PEER_NOW", "2026-11-25T16:45:00")
    peer("consumer", "add", "Jo Park", *FULL_INTAKE)
    peer("checkin", "Jo", "--mode", "phone", "--minutes", "10")
    peer("checkin", "Jo", "--mode", "phone", "--minutes", "15")
    before = digest(db_path)
    terminal.send_text("n")
    result = peer("db", "restore", str(backup))
    assert result.stdout == "Nothing changed.\n"
    assert digest(db_path) == before
    rows = {line.split()[0]: line.replace(",", "").split() for line in result.stderr.splitlines()
            if line.startswith("  ") and line.split()[0] in ("people", "check-ins", "referrals")}
    # label, backup count, "last", date, time, current count, "last", date, time
    assert rows["people"][1] == "1" and rows["people"][5] == "2"
    assert rows["people"][3:5] == ["2026-11-21", "10:00"]
    assert rows["people"][7:9] == ["2026-11-25", "16:45"]
    assert rows["check-ins"][1] == "1" and rows["check-ins"][5] == "3"
    assert rows["referrals"][1:4] == ["0", "last", "never"]
    assert "kept aside" in result.stderr


def test_restore_prompt_yes_restores(peer, terminal, sam, db_path, tmp_path):
    backup = tmp_path / "b.db"
    peer("db", "backup", str(backup))
    peer("consumer", "add", "Jo Park", *FULL_INTAKE)
    terminal.send_text("y")
    peer("db", "restore", str(backup))
    names = [r[0] for r in sqlite3.connect(db_path).execute("SELECT name FROM consumers")]
    assert names == ["Sam Rivera"]


def test_restore_of_a_damaged_file_says_why_before_asking(peer, terminal, sam, db_path,
                                                          tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    before = digest(db_path)
    result = peer("db", "restore", str(bad), ok=False)
    assert result.exit_code == 1 and "Error" in result.stderr
    assert digest(db_path) == before


# -- an ambiguous name: a pick list at a terminal, the one-line error without ---------------

@pytest.fixture
def two_jos(peer, sam) -> tuple[int, int]:
    park = peer.json("consumer", "add", "Jo Park", *FULL_INTAKE, "--postal-code", "02139")["id"]
    smith = peer.json("consumer", "add", "Joanna Smith", *FULL_INTAKE)["id"]
    return park, smith


def test_ambiguous_name_offers_a_pick_list(peer, terminal, two_jos, query):
    _, smith = two_jos
    terminal.send_text("2" + ENTER)  # the second in the list (by name: Jo Park, Joanna Smith)
    peer("checkin", "Jo", "--mode", "phone", "--minutes", "10")
    assert [r["consumer_id"] for r in query("SELECT consumer_id FROM checkins")] == [smith]


@pytest.mark.parametrize("command", [
    ("consumer", "show", "Jo"), ("timeline", "Jo"), ("consumer", "edit", "Jo", "--phone", "555"),
    ("match", "Jo"), ("plan", "show", "Jo")])
def test_every_command_that_names_a_person_offers_the_list(peer, terminal, two_jos, command):
    terminal.send_text(DOWN + DOWN + ENTER)  # the arrows work too: "none of these" cancels
    result = peer(*command, ok=False)
    assert (result.exit_code, result.stderr) == (130, CANCELLED)


def test_ambiguous_name_without_a_terminal_lists_the_ids(peer, two_jos, db_path):
    park, smith = two_jos
    before = digest(db_path)
    result = peer("checkin", "Jo", "--mode", "phone", "--minutes", "10", ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"#{park} Jo Park" in lines[0] and f"#{smith} Joanna" in lines[0]
    assert digest(db_path) == before


def test_pick_list_shows_facts_that_tell_people_apart_never_notes(peer, two_jos, monkeypatch):
    from peercli.store import lookup
    from peercli.store.db import open_db

    park, smith = two_jos
    peer("consumer", "edit", str(park), "--note", "SECRET NOTE")
    peer("checkin", str(park), "--mode", "phone", "--minutes", "10")
    seen = []
    conn = open_db(Path(__import__("os").environ["PEER_DB"]))
    try:
        with lookup.choosing(lambda noun, text, cands: seen.extend(cands) or park):
            assert lookup.resolve(conn, "consumer", "jo")["id"] == park
    finally:
        conn.close()
    facts = {c.id: c.facts for c in seen}
    assert facts[park][:2] == ("postal code 02139", "last contact 2026-11-21")
    assert facts[smith][0] == "no contact yet"
    assert "SECRET" not in repr(seen)


# -- a second person with the same name -------------------------------------------------------

def test_same_name_warns_in_json_and_adds(peer, sam):
    record = peer.json("consumer", "add", "sam  RIVERA", "--consent", "store")
    assert {"field": "name", "message": f"#{sam} already has this name; tell them apart by id "
            "(or add an initial to the name)"} in record["warnings"]
    result = peer("consumer", "add", "Sam Rivera", "--consent", "store")
    assert f"#{sam}" in result.stderr and "already has this name" in result.stderr


def test_same_name_asks_at_a_terminal(peer, terminal, sam, db_path, query):
    before = digest(db_path)
    terminal.send_text("n")
    result = peer("consumer", "add", "Sam Rivera", *FULL_INTAKE)
    assert result.stdout == "Nothing changed.\n"
    assert digest(db_path) == before
    terminal.send_text("y")
    peer("consumer", "add", "Sam Rivera", *FULL_INTAKE)
    assert query("SELECT count(*) AS n FROM consumers")[0]["n"] == 2


def test_same_name_yes_does_not_ask(peer, terminal, sam, query):
    record = peer.json("consumer", "add", "Sam Rivera", *FULL_INTAKE, "--yes")
    assert record["warnings"][0]["field"] == "name"


# -- Tab completion: the user's language first -------------------------------------------------

def _completions(words, typed):
    from prompt_toolkit.document import Document

    from peercli.cli.prompts import _last_item_completer

    return [c.text for c in _last_item_completer(words).get_completions(Document(typed), None)]


@pytest.mark.parametrize("language, first", [("en", "depression"), ("es", "depresión")])
def test_topic_completion_puts_the_language_first(language, first):
    from peercli.core.completion import order_for_language
    from peercli.importers.userfiles import load_vocabulary

    words = order_for_language(load_vocabulary(shipped_only=True).completions(), language)
    found = [w for w in _completions(words, "grief, dep") if w.lower().startswith("depres")]
    assert found[0].lower() == first


def test_completion_language_rule():
    from peercli.core.completion import completion_language, locale_language, word_language

    assert completion_language(["es", "en"], "en", {"LANG": "en_US.UTF-8"}) == "es"
    assert completion_language([], "es", {"LANG": "en_US.UTF-8"}) == "es"
    assert completion_language([], None, {"LANG": "es_MX.UTF-8"}) == "es"
    assert completion_language([], None, {"LC_ALL": "fr_CA", "LANG": "es_MX"}) == "fr"
    assert completion_language([], None, {"LANG": "C.UTF-8"}) == "en"
    assert completion_language([], None, {}) == "en"
    assert locale_language({"LANG": "POSIX"}) is None
    assert [word_language(w) for w in ("depresión", "duelo", "Depression", "grief")] == [
        "es", "es", "en", "en"]


def test_intake_completes_in_the_persons_language(peer, terminal, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    seen = []
    from peercli.cli import prompts

    real = prompts.text

    def spy(message, **kwargs):
        if kwargs.get("completions"):
            seen.append([w for w in kwargs["completions"] if w.lower().startswith("depres")])
        return real(message, **kwargs)

    monkeypatch.setattr(prompts, "text", spy)
    terminal.send_text(ENTER * 2 + "\x15Spanish" + ENTER + "duelo" + ENTER + ENTER * 5)
    record = peer.json("consumer", "add", "Ana")
    assert record["languages"] == ["es"] and record["interests"] == ["grief"]
    assert seen[0][0] == "depresión"


# -- the interactive check-in -------------------------------------------------------------------

@pytest.fixture
def screen(monkeypatch):
    """A terminal whose screen is kept (plain text, 80 columns) to read what the prompts drew."""
    import io

    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    monkeypatch.setattr(runtime, "can_prompt", lambda: True)
    drawn = io.StringIO()
    drawn.isatty = lambda: True  # type: ignore[method-assign]
    out = Vt100_Output(drawn, lambda: Size(rows=24, columns=80), term="xterm")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=out):
        yield pipe, drawn


def _visible(raw: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]", "", raw)


def test_checkin_says_whom_it_is_for_first(peer, terminal, sam):
    terminal.send_text(ENTER * 12)
    result = peer("checkin", "Sam")
    assert result.stderr.splitlines()[0] == f"Check-in with #{sam} Sam Rivera"


def test_a_digit_picks_at_the_mood_and_mode_lists(peer, terminal, sam, query):
    terminal.send_text("3" + ENTER      # mode: 3) video
                       + ENTER         # minutes: 30
                       + "4" + ENTER   # mood: 4) good
                       + ENTER * 9)
    peer("checkin", "Sam")
    row = query("SELECT mode, mood FROM checkins")[0]
    assert (row["mode"], row["mood"]) == ("video", 4)


def test_mood_zero_skips(peer, terminal, sam, query):
    terminal.send_text(ENTER + ENTER + "5" + "0" + ENTER + ENTER * 9)  # 5, then changed to 0
    peer("checkin", "Sam")
    assert query("SELECT mood FROM checkins")[0]["mood"] is None


def test_multi_select_echoes_what_was_ticked(peer, screen, sam, make_group, make_referral):
    pipe, drawn = screen
    make_referral(sam, make_group("Tuesday Grief Circle"))
    make_referral(sam, make_group("Saturday Walkers"))
    pipe.send_text(ENTER + ENTER + ENTER            # mode, minutes, mood
                   + SPACE + DOWN + SPACE + ENTER   # attended: both
                   + ENTER * 8)
    peer("checkin", "Sam")
    shown = _visible(drawn.getvalue())
    assert "Attended: Tuesday Grief Circle (referred), Saturday Walkers (referred)" in shown
    assert "selections" not in shown


def test_multi_select_with_nothing_ticked_says_none(peer, screen, sam, make_group,
                                                    make_referral):
    pipe, drawn = screen
    make_referral(sam, make_group("Tuesday Grief Circle"))
    pipe.send_text(ENTER * 3 + ENTER + ENTER * 8)
    peer("checkin", "Sam")
    assert "Attended: none" in _visible(drawn.getvalue())


def test_validation_window_wraps():
    """The error window of a text prompt grows and wraps (prompt_toolkit cuts it at one line)."""
    import questionary

    from peercli.cli.prompts import _wrap_validation_errors

    question = questionary.text("Minutes:", validate=lambda s: "x" * 200)
    _wrap_validation_errors(question)
    windows = [w for w in question.application.layout.find_all_windows()
               if "ValidationToolbar" in getattr(getattr(w.content, "text", None),
                                                 "__qualname__", "")]
    assert windows and all(w.height is None and w.wrap_lines() for w in windows)


def test_validation_messages_break_between_words():
    from peercli.cli.prompts import _validator

    def parse(text: str) -> None:
        raise ValueError("cannot read the date 'sometime' (use 7d, 2w, 1m, 'in 3 days', "
                         "tomorrow, 'next tuesday' or a date like 2026-12-01)")

    message = _validator(parse, required=False)("sometime")
    assert isinstance(message, str)
    lines = message.splitlines()
    assert len(lines) == 2 and all(len(line) < 80 for line in lines)
    assert lines[1].startswith("tuesday'")  # the word is whole on the next line


def test_restore_prompt_reads_an_encrypted_backup(peer, terminal, sam, db_path, tmp_path,
                                                  monkeypatch):
    from peercli.store import cipher

    if not cipher.available():
        pytest.skip("SQLCipher is not installed")
    passphrase = "correct horse battery staple"
    monkeypatch.setenv("PEER_NEW_PASSPHRASE", passphrase)
    peer("db", "encrypt", "--no-keyring")
    monkeypatch.delenv("PEER_NEW_PASSPHRASE")
    monkeypatch.setenv("PEER_PASSPHRASE", passphrase)
    backup = tmp_path / "secret.db"
    peer("db", "backup", str(backup))
    assert cipher.file_kind(backup) == "other"
    peer("consumer", "add", "Jo Park", *FULL_INTAKE)
    before = digest(db_path)
    terminal.send_text("n")
    result = peer("db", "restore", str(backup))
    assert result.stdout == "Nothing changed.\n" and digest(db_path) == before
    people = next(line.replace(",", "").split() for line in result.stderr.splitlines()
                  if line.strip().startswith("people"))
    assert (people[1], people[5]) == ("1", "2")


def test_ctrl_c_while_the_command_line_is_read(peer, monkeypatch):
    from peercli.cli.app import PeerGroup

    def interrupted(self, ctx, args):
        raise KeyboardInterrupt

    monkeypatch.setattr(PeerGroup, "parse_args", interrupted)
    result = peer("consumer", "list", ok=False)
    assert (result.exit_code, result.stderr, result.stdout) == (130, CANCELLED, "")


def test_group_pick_list_facts(peer, make_group, db_path):
    from peercli.store import lookup
    from peercli.store.db import open_db

    first = make_group("Grief Circle", city="Riverton", format="online")
    second = make_group("Grief Walkers", postal_code="02139")
    conn = open_db(db_path)
    seen = []
    try:
        with lookup.choosing(lambda noun, text, cands: seen.extend(cands) or second):
            assert lookup.resolve(conn, "group", "grief")["id"] == second
        with (lookup.choosing(lambda noun, text, cands: None),  # no terminal: the error
              pytest.raises(Exception, match=f"#{first} Grief Circle, #{second}")):
            lookup.resolve(conn, "group", "grief")
    finally:
        conn.close()
    assert {c.id: c.facts for c in seen} == {first: ("Riverton", "online"),
                                            second: ("02139", "in person")}
