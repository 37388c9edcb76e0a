"""The dependency rule, enforced: cli -> store -> importers -> core, never upwards.

`core/` holds the pure rules: it may not import the database, the terminal, or the layers above
it. `importers/` turns files into records and may use only `core/`. `store/` owns SQLite and may
not reach up into the terminal. Every import in a module counts, including those inside
functions (the lazy imports that keep start-up fast).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "peercli"

TERMINAL = {"typer", "click", "rich", "questionary", "prompt_toolkit"}
DATABASE = {"sqlite3", "sqlite_utils"}
NETWORK = {"urllib", "http", "socket", "ssl", "requests"}

# layer -> (peercli layers it may not import, third-party/stdlib top-level modules it may not import)
FORBIDDEN: dict[str, tuple[set[str], set[str]]] = {
    "core": ({"store", "cli", "importers"}, TERMINAL | DATABASE | NETWORK),
    "importers": ({"store", "cli"}, TERMINAL | DATABASE),
    "store": ({"cli"}, TERMINAL),
}


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """Every module `source` imports, absolute, with its line; relative imports resolved."""
    package = module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from peercli import store` names a layer through its members
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
    return found


def violations(source: str, module: str) -> list[str]:
    """The imports in `source` (the module `module`, e.g. 'peercli.core.schedule') that break
    the dependency rule, as 'module:line imports X'."""
    parts = module.split(".")
    layer = parts[1] if len(parts) > 2 else ""
    if layer not in FORBIDDEN:
        return []
    layers, libraries = FORBIDDEN[layer]
    bad = []
    for line, name in imported_modules(source, module):
        top = name.split(".")
        if top[0] == "peercli" and len(top) > 1 and top[1] in layers or top[0] in libraries:
            bad.append(f"{module}:{line} imports {name}")
    return bad


def all_modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts)
        out.append((name.removesuffix(".__init__"), path))
    return out


def test_every_layer_exists():
    assert {p.name for p in SRC.iterdir() if p.is_dir()} >= {"core", "importers", "store", "cli"}


@pytest.mark.parametrize("module,path", all_modules(), ids=lambda v: str(v).split("/")[-1])
def test_module_keeps_the_dependency_rule(module, path):
    assert violations(path.read_text(encoding="utf-8"), module) == []


@pytest.mark.parametrize("module,source,expected", [
    ("peercli.core.schedule", "import sqlite3\n", "imports sqlite3"),
    ("peercli.core.schedule", "def f():\n    from rich.markup import escape\n", "imports rich"),
    ("peercli.core.schedule", "from peercli.store import db\n", "imports peercli.store"),
    ("peercli.core.schedule", "from ..store.db import open_db\n", "imports peercli.store.db"),
    ("peercli.core.schedule", "from peercli import cli\n", "imports peercli.cli"),
    ("peercli.core.schedule", "import urllib.request\n", "imports urllib.request"),
    ("peercli.importers.native", "from peercli.store.groups import x\n", "imports peercli.store"),
    ("peercli.store.groups", "import typer\n", "imports typer"),
    ("peercli.store.groups", "from peercli.cli.render import console\n", "imports peercli.cli"),
])
def test_the_checker_catches_each_kind_of_violation(module, source, expected):
    found = violations(source, module)
    assert found and expected in found[0], found


@pytest.mark.parametrize("module,source", [
    ("peercli.core.schedule", "from peercli.core.timeparse import read_clock\n"),
    ("peercli.importers.native", "from peercli.core import schedule\n"),
    ("peercli.store.groups", "import sqlite3\nfrom peercli.importers.records import GroupRecord\n"),
    ("peercli.cli.app", "import typer\nfrom peercli.store import db\n"),
])
def test_the_checker_allows_downward_imports(module, source):
    assert violations(source, module) == []
