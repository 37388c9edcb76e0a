"""Spreadsheet-safe CSV cells: what ``peer`` writes cannot run as a formula, and reads back exactly.

A cell that starts with = + - @, tab or carriage return (optionally after quotes we added
before) gets one more leading single quote on export; importers remove exactly one. So
"=SUM(A1)" is written "'=SUM(A1)" and read back "=SUM(A1)", and a cell that really began
"'=" round-trips too.
"""

from __future__ import annotations

import re

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def neutralise_cell(value: str) -> str:
    """Make a CSV cell inert in spreadsheets: "=SUM(A1)" -> "'=SUM(A1)"."""
    return "'" + value if _FORMULA.match(value) else value


def restore_cell(value: str) -> str:
    """Inverse of :func:`neutralise_cell` (for importers): "'=SUM(A1)" -> "=SUM(A1)"."""
    return value[1:] if value[:1] == "'" and _NEUTRALISED.match(value) else value
