"""CSV for spreadsheets: cells that a spreadsheet would run as a formula are neutralised.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (also after leading
spaces) is a formula to Excel, LibreOffice and Google Sheets, and a visitor's User-Agent or
name can be one (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Such a cell gets a leading `'`,
which spreadsheets show as text and do not display. Plain numbers (`+14254147755`, `-3.5`) are
left as they are: as a formula they are only that number, and an E.164 phone number stays
usable. Every cell is quoted, so a `;` or `,` inside a value cannot start a new cell in a
spreadsheet that splits on another separator.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    stripped = text.lstrip(" ")
    if stripped.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer whose rows pass through `cell` and whose cells are all quoted."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[object]):
        return self._writer.writerow([cell(value) for value in row])


def writer(out) -> SafeWriter:
    return SafeWriter(out)
