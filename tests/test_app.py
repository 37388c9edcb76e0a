"""The root command: lazy command table in step with the modules, help, version, home."""

from __future__ import annotations

from importlib import import_module

import typer
import typer.main

from peercli.cli import app as app_module


def test_command_table_matches_what_modules_register():
    modules = {m for mods, _ in app_module.COMMANDS.values() for m in mods}
    registered: set[str] = set()
    for module in modules:
        holder = typer.Typer()
        holder.callback()(lambda: None)
        import_module(f"peercli.cli.commands.{module}").register(holder)
        registered |= set(typer.main.get_command(holder).commands)
    assert registered == set(app_module.COMMANDS)
    for name in app_module.COMMANDS:
        assert app_module.load_command(name).name == name


def test_help_lists_every_command_without_loading_them(peer):
    app_module._BUILT.clear()
    out = peer("--help").stdout
    for name in app_module.COMMANDS:
        assert name in out
    assert app_module._BUILT == {}  # nothing was imported to print the list


def test_every_command_has_help(peer):
    for name in app_module.COMMANDS:
        result = peer(name, "--help")
        assert f"Usage: peer {name}" in " ".join(result.stdout.split()), name
        assert "--help" in result.stdout, name


def test_unknown_command_is_a_usage_error(peer):
    result = peer("frobnicate", ok=False)
    assert result.exit_code == 2


def test_version(peer):
    assert peer("--version").stdout.startswith("peer ")


def test_readme_names_every_command():
    """The README's command table must not drift from the code: every command is in it."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = []
    for name in app_module.COMMANDS:
        rows = [line for line in readme.splitlines() if line.startswith(f"| `peer {name}")]
        if not rows:
            missing.append(f"peer {name}")
        for sub in getattr(app_module.load_command(name), "commands", {}):
            if sub == "log":  # `peer checkin log X` is written `peer checkin X`
                continue
            if not any(re.search(rf"[`/ ]{re.escape(sub)}\b", row.split("|")[1]) for row in rows):
                missing.append(f"peer {name} {sub}")
    assert missing == []


def test_registering_twice_adds_nothing_twice():
    """register(root) is idempotent and touches only root: no duplicate commands, ever."""
    modules = sorted({m for mods, _ in app_module.COMMANDS.values() for m in mods})
    holder = typer.Typer()
    holder.callback()(lambda: None)
    for _ in range(2):
        for module in modules:
            import_module(f"peercli.cli.commands.{module}").register(holder)
    names = [c.name for c in holder.registered_commands] + [
        g.name for g in holder.registered_groups]
    assert sorted(names) == sorted(app_module.COMMANDS)
    consumer = typer.main.get_command(holder).commands["consumer"]
    assert {"export", "forget", "add"} <= set(consumer.commands)
    from peercli.cli.commands import consumer as consumer_module

    subs = [c.name for c in consumer_module.app.registered_commands]
    assert len(subs) == len(set(subs))
