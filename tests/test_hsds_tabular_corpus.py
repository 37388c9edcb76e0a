"""Hostile HSDS tabular packages (3.0 and 1.1/2.0), made from the project's fixtures with one
thing broken each: every one imports with warnings naming what was read by a rule, or is refused
naming the table, record or field — exit 1, database byte-identical, never a traceback."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIX = Path(__file__).parent / "fixtures"


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header)
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _edit(table: str, change: Callable[[dict[str, str], int], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        header, rows = _rows(folder / table)
        for i, row in enumerate(rows):
            change(row, i)
        _write(folder / table, header, rows)
    return apply


def _set(table: str, **values: str) -> Callable[[Path], None]:
    return _edit(table, lambda row, i: row.update(values) if i == 0 else None)


def _only_header(table: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        header, _ = _rows(folder / table)
        _write(folder / table, header, [])
    return apply


def _delete(table: str) -> Callable[[Path], None]:
    return lambda folder: (folder / table).unlink()


def _raw(table: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / table).write_bytes(data)


def _duplicate_first(table: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        header, rows = _rows(folder / table)
        _write(folder / table, header, [rows[0], *rows])
    return apply


# name -> (fixture folder, breakage, "imports" | "refused", text the output must contain)
CASES: dict[str, tuple[str, Callable[[Path], None], str, str]] = {
    "3.0 byday XX": ("hsds", _set("schedules.csv", byday="XX"), "any", "XX"),
    "3.0 opens 25:00": ("hsds", _set("schedules.csv", opens_at="25:00"), "any", "25:00"),
    "3.0 freq YEARLY": ("hsds", _set("schedules.csv", freq="YEARLY"), "any", "YEARLY"),
    "3.0 interval 0": ("hsds", _set("schedules.csv", interval="0"), "any", ""),
    "3.0 closes before opens": ("hsds", _set("schedules.csv", opens_at="20:00",
                                              closes_at="18:00"), "any", ""),
    "3.0 count abc": ("hsds", _set("schedules.csv", count="abc"), "any", ""),
    "3.0 no services": ("hsds", _only_header("services.csv"), "imports",
                        "the file lists no groups"),
    "3.0 no schedules table": ("hsds", _delete("schedules.csv"), "imports", "schedule"),
    "3.0 duplicate service": ("hsds", _duplicate_first("services.csv"), "refused", "duplicate"),
    "3.0 huge name": ("hsds", _set("services.csv", name="N" * 50_000), "refused",
                      "column 'name' is 50,000 characters long"),
    "3.0 nulls everywhere": ("hsds", _edit("services.csv", lambda r, i: r.update(
        {k: "" for k in r if k != "id"})), "refused", "name"),
    "3.0 broken datapackage": ("hsds", _raw("datapackage.json", b"{not json"), "any", ""),
    "3.0 undecodable services": ("hsds", _raw("services.csv", b"id,name\n1,\xff\xfe\xfa\n"),
                                 "any", ""),
    "1.1 weekday 0 and 8": ("hsds11", _edit("data/regular_schedules.csv", lambda r, i: r.update(
        weekday=str(i * 8))), "any", ""),
    "1.1 24:00 and 7:00 PM": ("hsds11", _edit("data/regular_schedules.csv", lambda r, i: r.update(
        opens_at=("24:00", "7:00 PM")[i % 2], closes_at="")), "any", ""),
    "1.1 weekday Funday": ("hsds11", _set("data/regular_schedules.csv", weekday="Funday"),
                           "any", "Funday"),
    "1.1 no services": ("hsds11", _only_header("data/services.csv"), "imports",
                        "the file lists no groups"),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_package(peer: Any, make_group: Any, db_path: Path, tmp_path: Path,
                         case: str) -> None:
    fixture, breakage, outcome, needle = CASES[case]
    folder = tmp_path / "pkg"
    shutil.copytree(FIX / fixture, folder)
    breakage(folder)
    make_group("Already Here")
    before = _digest(db_path)
    result = peer("group", "import", str(folder), "--source", "t", "--json", ok=False)
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "unexpected problem" not in text, text
    assert result.exit_code in (0, 1), text
    if outcome != "any":
        assert result.exit_code == (0 if outcome == "imports" else 1), text
    assert needle in text, text
    if result.exit_code == 1:
        assert _digest(db_path) == before
        assert result.stderr.strip(), "a refusal says why"
        if not result.stdout.strip():
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    else:
        data = json.loads(result.stdout)
        assert data["written"] is True
