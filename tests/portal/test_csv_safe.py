"""The CSV cell rule on its own (the consent export test shows it end to end)."""

from __future__ import annotations

import csv
import io

import pytest

from portal import csv_safe


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (" =1", "' =1"),
        ("-", "'-"),
        ("+14254147755", "+14254147755"),
        ("-3.5", "-3.5"),
        ("Mozilla/5.0", "Mozilla/5.0"),
        ("a=b", "a=b"),
        (None, ""),
        (7, "7"),
    ],
)
def test_cells(value, written):
    assert csv_safe.cell(value) == written


def test_rows_are_quoted_and_read_back():
    out = io.StringIO()
    csv_safe.writer(out).writerow(["a;b", "=x", 1])
    assert out.getvalue() == '"a;b","\'=x","1"\r\n'
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["a;b", "'=x", "1"]
