"""CSV text that is safe to open in a spreadsheet: formula injection neutralised, blanks never read as 0."""
from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Look-alikes some spreadsheets read as operators and NFKC does not fold: minus sign, dashes, heavy signs.
LOOK_ALIKES = frozenset("\u2212\u2010\u2011\u2012\u2013\u2014\u2795\u2796\u2797")
# Invisible or blank characters a cell may start with before its operator (a spreadsheet skips them).
LEADING_BLANKS = " \u00a0\u2060\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200E)))


def _is_formula_start(char: str) -> bool:
    """An operator, or a character that folds to one (fullwidth ＝＋－＠, small ﹦﹢﹣﹫) or looks like one."""
    return char in FORMULA_START or char in LOOK_ALIKES or unicodedata.normalize("NFKC", char).startswith(FORMULA_START)


def safe_csv_value(value: object) -> object:
    """Neutralise spreadsheet formula injection: text that a spreadsheet would run gets a leading quote."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r\n" or _is_formula_start(value.lstrip(LEADING_BLANKS)[:1] or " "):
        return "'" + value
    return value


def csv_cell(value: object) -> str:
    """One cell: missing as empty, booleans as true/false, floats in shortest round-trip form, text made safe."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(safe_csv_value(value)) if isinstance(value, str) else str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]],
             headers: Sequence[str] | None = None) -> str:
    """CSV text (header plus rows, CRLF line ends as RFC 4180) of dict rows in the given column order; the header
    row is `headers` (the column names a reader sees, e.g. translated) when given, else the column keys."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(c) for c in (headers if headers is not None else columns)])
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue()
