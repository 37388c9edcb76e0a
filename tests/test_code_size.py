"""The size rule, enforced: no function in src/ longer than 80 lines, no module longer than 500.

A long function mixes concerns (read, map fields, build, report) and a long module mixes jobs;
split them by meaning (docs/architecture.md, "Size"). Cyclomatic complexity (at most 20) is
held by ruff's C90 rule in pyproject.toml, which `.ci/run` runs.

The lists below are the known exceptions, by name: empty now, and kept honest both ways: a
function or module over the limit that is not listed fails, and so does a listed one that is no
longer over it (so the lists cannot go stale). importers/ and store/ may have no exception.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "peercli"

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 500

# "path relative to src/peercli:function" (methods as Class.method)
LONG_FUNCTIONS: set[str] = set()
LONG_MODULES: set[str] = set()


def _modules() -> list[tuple[str, str]]:
    return [(p.relative_to(SRC).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(SRC.rglob("*.py"))]


def _functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, int]]:
    """(qualified name, length in lines) of every function, nested ones included."""
    out: list[tuple[str, int]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            out.append((name, (node.end_lineno or node.lineno) - node.lineno + 1))
            out.extend(_functions(node, name + "."))
        elif isinstance(node, ast.ClassDef):
            out.extend(_functions(node, prefix + node.name + "."))
        else:
            out.extend(_functions(node, prefix))
    return out


def long_functions() -> dict[str, int]:
    return {f"{rel}:{name}": lines
            for rel, text in _modules()
            for name, lines in _functions(ast.parse(text))
            if lines > MAX_FUNCTION_LINES}


def long_modules() -> dict[str, int]:
    return {rel: n for rel, text in _modules()
            if (n := len(text.splitlines())) > MAX_MODULE_LINES}


def test_no_new_function_is_longer_than_80_lines():
    found = long_functions()
    new = {k: v for k, v in found.items() if k not in LONG_FUNCTIONS}
    assert not new, (
        f"functions over {MAX_FUNCTION_LINES} lines: {new}; split them by concern "
        "(docs/architecture.md, 'Size')")


def test_no_new_module_is_longer_than_500_lines():
    found = long_modules()
    new = {k: v for k, v in found.items() if k not in LONG_MODULES}
    assert not new, (
        f"modules over {MAX_MODULE_LINES} lines: {new}; split them along their seams "
        "(docs/architecture.md, 'Size')")


def test_every_listed_exception_is_still_over_the_limit():
    """An entry that is no longer over the limit (split, renamed or removed) fails: prune it."""
    stale = (LONG_FUNCTIONS - set(long_functions())) | (LONG_MODULES - set(long_modules()))
    assert not stale, f"no longer over the size limit, remove from the exception lists: {stale}"


def test_importers_and_store_have_no_exceptions():
    layers = ("importers/", "store/")
    assert not [f for f in LONG_FUNCTIONS if f.startswith(layers)]
    assert not [m for m in LONG_MODULES if m.startswith(layers)]


def test_the_rule_sees_a_long_function_and_nested_ones():
    body = "\n".join(f"        x = {i}" for i in range(MAX_FUNCTION_LINES))
    source = f"class A:\n    def f(self):\n        def g():\n            pass\n{body}\n"
    names = dict(_functions(ast.parse(source)))
    assert names["A.f"] > MAX_FUNCTION_LINES and names["A.f.g"] == 2


def test_complexity_is_checked_by_ruff_for_all_of_src():
    import tomllib

    config = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    assert "C90" in lint["extend-select"]
    assert lint["mccabe"]["max-complexity"] <= 20
    assert not any(("C90" in rules or "C901" in rules) and path.startswith("src")
                   for path, rules in lint.get("per-file-ignores", {}).items())
