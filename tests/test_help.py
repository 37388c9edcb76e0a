"""Every command's --help, walked from the command table: one plain layout at 80 columns, a
one-line summary, real examples that parse, no placeholders, no ragged spacing."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from peercli.cli import app as app_module
from peercli.cli.helptext import EXAMPLES, summary


def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def every_command() -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = [((), None)]
    for name in app_module.COMMANDS:
        found += list(walk(app_module.load_command(name), (name,)))
    return found


PATHS = [path for path, _ in every_command()]


def help_of(path: tuple[str, ...]) -> Any:
    result = CliRunner().invoke(app_module.app, [*path, "--help"], prog_name="peer",
                                terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, (path, result.output, result.exception)
    assert result.exception is None
    return result


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "peer")
def test_help_is_one_plain_layout_at_80_columns(path: tuple[str, ...]) -> None:
    out = help_of(path).stdout
    lines = out.splitlines()
    assert lines[0].startswith("Usage: peer" + "".join(" " + p for p in path)), lines[0]
    assert "Traceback" not in out
    # one-line summary right under the usage line
    assert lines[1] == "" and lines[2].startswith("  ") and lines[2].strip(), out
    assert lines[3] == "", f"the summary of `peer {' '.join(path)}` is more than one line"
    assert lines[2].rstrip().endswith((".", ")")), lines[2]
    # no Rich boxes, no placeholders, no ragged spacing, nothing too wide
    assert not set("╭╮╰╯│─") & set(out), out
    assert not re.search(r"\{\w+\}", out), out
    section = ""
    for line in lines:
        assert len(line) <= 80, line
        assert line == line.rstrip(), repr(line)
        if re.match(r"^[A-Z][a-z]+:$", line):
            section = line
        gaps = re.findall(r"\S( {2,})\S", line)
        if section in ("Arguments:", "Options:", "Commands:"):
            assert len(gaps) <= 1, line  # the one gap is the column between term and text
        else:
            assert not gaps, line
        assert not re.search(r"\S '(\s|$)|(^|\s)' \S", line.replace("' '", "")), line
    # examples, as gh shows them: 2-3 real invocations
    assert "\nExamples:\n" in out, out
    shown = out.split("\nExamples:\n", 1)[1]
    assert 2 <= len([x for x in shown.splitlines() if x.startswith("  $ peer")]) <= 3, shown


def test_every_command_has_examples_and_no_stale_ones() -> None:
    paths = {" ".join(p) for p in PATHS}
    assert set(EXAMPLES) == paths


def _resolve(argv: list[str]) -> tuple[Any, Any]:
    """Parse argv as peer would, down to the command that would run: (command, its context)."""
    root = typer.main.get_command(app_module.app)
    ctx = root.make_context("peer", list(argv))
    command: Any = root
    while hasattr(command, "commands") or command is root:
        args = [*ctx._protected_args, *ctx.args]
        if not args:
            break
        name, command, rest = command.resolve_command(ctx, args)
        ctx = command.make_context(name, rest, parent=ctx)
    return command, ctx


@pytest.mark.parametrize("path", sorted(EXAMPLES), ids=lambda p: p or "peer")
def test_examples_are_real_invocations(path: str) -> None:
    """Each example parses: the command exists, every flag is real, arguments are complete."""
    for example in EXAMPLES[path]:
        line = example.replace("\\\n", " ")
        words = shlex.split(line.split("|")[0], comments=True)
        words = [w for w in words if not re.match(r"^[A-Z_]+=", w)]  # an env var first
        assert words[0] == "peer", example
        command, ctx = _resolve(words[1:])
        assert command is not None, example
        if path:  # an example of `peer X` runs X (or one of its sub-commands)
            assert ctx.command_path.startswith("peer " + path.split()[0]), (example, path)


def test_summaries_are_one_line_sentences() -> None:
    for path, command in every_command():
        if command is None:
            continue
        text = summary(command.help)
        assert text and len(text) <= 76, (path, text)
    for name, (_, line) in app_module.COMMANDS.items():
        assert len(line) <= 66, (name, line)  # beside the names, within 78 columns
        # peer --help says what `peer NAME --help` says (without loading NAME to say it)
        assert line == summary(app_module.load_command(name).help), name


def test_help_of_the_top_level_loads_no_command_and_no_rich() -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "peercli", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()}
    assert not {m for m in imported if m.startswith("peercli.cli.commands.")}
    assert not {m for m in imported if m == "rich" or m.startswith("rich.")}
    assert "Examples:" in proc.stdout


def test_checkin_help_keeps_its_brackets() -> None:
    """Help text is not Rich markup: 'peer checkin NAME [flags]' stays as written."""
    out = help_of(("checkin",)).stdout
    assert "NAME [flags]" in " ".join(out.split())
    usage = help_of(("checkin", "log")).stdout.splitlines()[0]
    assert usage == "Usage: peer checkin log [OPTIONS] CONSUMER"


@pytest.mark.parametrize("path", [p for p in PATHS if p], ids=" ".join)
def test_a_usage_error_names_arguments_as_help_does(path: tuple[str, ...]) -> None:
    """A mistyped flag prints Click's usage line: it names arguments as --help does
    (CONSUMER, not {consumer}); `peer checkin --x` is `peer checkin log`'s error, and so on."""
    result = CliRunner().invoke(app_module.app, [*path, "--no-such-flag"], prog_name="peer",
                                terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 2, result.output
    usage = next(line for line in result.output.splitlines() if line.startswith("Usage:"))
    shown = usage.split("[OPTIONS]", 1)[1].split()
    assert all(re.fullmatch(r"\[?[A-Z_.]+\]?(\.\.\.)?", p) for p in shown), usage
    if usage.startswith(f"Usage: peer {' '.join(path)} [OPTIONS]"):  # not a default sub-command
        assert usage == help_of(path).stdout.splitlines()[0], (usage, path)


def test_a_missing_argument_is_named_as_help_names_it() -> None:
    result = CliRunner().invoke(app_module.app, ["calendar"], prog_name="peer",
                                env={"PEER_NO_INPUT": "1"})
    assert result.exit_code == 2
    assert "Missing argument 'CONSUMER'." in result.output, result.output
