"""CSV text that is safe to open in a spreadsheet: formula injection neutralised, blanks never read as 0."""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_value(value: object) -> object:
    """Neutralise spreadsheet formula injection: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
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


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """CSV text (header plus rows, CRLF line ends as RFC 4180) of dict rows in the given column order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue()
