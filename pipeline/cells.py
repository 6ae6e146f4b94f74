"""Cell rules of DESIGN §2.2, vectorised over a column: each bad cell is reported with its line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl

from .contract import YEAR_RANGE, Col
from .csvread import MAX_LISTED, Problems, RawTable

INT_RE = r"-?\d+"
DECIMAL_RE = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
THOUSANDS_RE = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
DATE_RE = r"\d{4}-\d{2}-\d{2}"
NA_STANDINS = {"NA", "N/A", "n/a", "na", "NaN", "nan", "null", "NULL", "None", "none", "-", "--", ".", "?"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 500
MAX_WHOLE = 2**53 - 1  # the largest whole number a float64 (and so every later step) holds exactly


def report(table: RawTable, problems: Problems, mask: np.ndarray | pd.Series, column: str, rule: str) -> None:
    """Add one problem per True cell of mask (listing stops at the cap; the count goes on)."""
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    if rows.size == 0:
        return
    room = max(0, MAX_LISTED - len(problems.items))
    values = table.frame[column].to_numpy()
    for i in rows[:room]:
        problems.add(table.file, int(table.lines[i]), column, values[i], rule)
    problems.total += max(0, len(rows) - room)


def convert(table: RawTable, col: Col, problems: Problems, known: dict[str, set[str] | dict]) -> pd.Series:
    """Check one column's cells and return them converted (NA where blank or bad)."""
    text = table.frame[col.name]
    blank = (text == "").to_numpy()
    if col.required:
        report(table, problems, blank, col.name, "a value is required here")
    standin = text.isin(NA_STANDINS).to_numpy() & (col.kind != "text")
    report(table, problems, standin, col.name, "a missing value must be left empty, not written as a placeholder")
    present = ~blank & ~standin
    checker = _CHECKERS[col.kind]
    return checker(table, col, problems, text, present, known)


def _numbers(table, col, problems, text, present, pattern: str, what: str, whole: bool = False) -> pd.Series:
    matches = text.str.fullmatch(pattern).to_numpy(dtype=bool)
    thousands = present & ~matches & text.str.fullmatch(THOUSANDS_RE).to_numpy(dtype=bool)
    report(table, problems, thousands, col.name, "thousands separators are not allowed (write 1234.5, not 1,234.5)")
    report(table, problems, present & ~matches & ~thousands, col.name, f"not {what}")
    values = _to_float(text.where(present & matches))
    limit = MAX_WHOLE if whole else np.finfo(np.float64).max
    overflow = present & matches & ~(np.abs(values.to_numpy()) <= limit)
    report(table, problems, overflow, col.name,
           f"too large to hold: a whole number here must lie within ±{limit:,.0f}" if whole
           else "too large to hold as a number (beyond ±1.8e308)")
    values = values.where(~overflow)
    if not col.signed:
        report(table, problems, (values < 0).to_numpy(dtype=bool), col.name, "must not be negative")
    if col.maximum is not None:
        report(
            table,
            problems,
            (values.abs() > col.maximum).to_numpy(dtype=bool),
            col.name,
            f"implausibly large (more than {col.maximum:,.0f})",
        )
        values = values.where(~(values.abs() > col.maximum))
    return values


def _to_float(text: pd.Series) -> pd.Series:
    """Numbers from text cells already matched as plain numbers (others NA): parsed by polars, NaN where NA."""
    parsed = pl.from_pandas(text).cast(pl.Float64, strict=False).to_numpy()
    return pd.Series(np.asarray(parsed, dtype=np.float64), index=text.index, name=text.name)


def _int(table, col, problems, text, present, known) -> pd.Series:
    values = _numbers(table, col, problems, text, present, INT_RE, "a whole number", whole=True)
    return values.astype("Int64")


def _float(table, col, problems, text, present, known) -> pd.Series:
    return _numbers(table, col, problems, text, present, DECIMAL_RE, "a plain decimal number (like 0.183)").astype(
        float
    )


def _share(table, col, problems, text, present, known) -> pd.Series:
    values = _float(table, col, problems, text, present, known)
    report(table, problems, (values > 1).to_numpy(dtype=bool), col.name, "a share must lie between 0 and 1")
    return values


def _year(table, col, problems, text, present, known) -> pd.Series:
    values = _numbers(table, col, problems, text, present, INT_RE, "a year (like 2024)", whole=True)
    low, high = YEAR_RANGE
    report(
        table,
        problems,
        ((values < low) | (values > high)).to_numpy(dtype=bool),
        col.name,
        f"year outside the sane range {low}–{high}",
    )
    return values.astype("Int64")


def _choices(table, col, problems, text, present, allowed, rule) -> pd.Series:
    bad = present & ~text.isin(allowed).to_numpy(dtype=bool)
    report(table, problems, bad, col.name, rule)
    return text.where(present & ~bad)


def _code(table, col, problems, text, present, known) -> pd.Series:
    shown = ", ".join(col.choices)
    return _choices(
        table,
        col,
        problems,
        text,
        present,
        set(col.choices),
        f"unknown code (codes are case-sensitive); expected one of: {shown}",
    )


def _agency(table, col, problems, text, present, known) -> pd.Series:
    return _choices(table, col, problems, text, present, known["agency"], "unknown agency_code; not in agencies.csv")


def _measure(table, col, problems, text, present, known) -> pd.Series:
    return _choices(table, col, problems, text, present, known["measure"], "unknown measure_id; not in measures.csv")


def _geoid(table, col, problems, text, present, known) -> pd.Series:
    mapped = text.map(known["geoid"])
    bad = present & mapped.isna().to_numpy()
    report(
        table,
        problems,
        bad,
        col.name,
        "not one of Connecticut's 169 town GEOIDs (10 digits: 09 + county or planning region + COUSUBFP)",
    )
    return mapped.where(present & ~bad)


def _text(table, col, problems, text, present, known) -> pd.Series:
    formula = present & text.str.startswith(FORMULA_START).to_numpy(dtype=bool)
    report(
        table,
        problems,
        formula,
        col.name,
        "text must not start with =, +, -, @ or a tab (a spreadsheet would run it as a formula)",
    )
    control = present & text.str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", regex=True).to_numpy(dtype=bool)
    report(table, problems, control, col.name, "contains control characters")
    limit = int(col.maximum or MAX_TEXT)
    report(
        table,
        problems,
        present & (text.str.len() > limit).to_numpy(dtype=bool),
        col.name,
        f"longer than {limit} characters",
    )
    return text.where(present & ~formula & ~control)


def _date(table, col, problems, text, present, known) -> pd.Series:
    parsed = pd.to_datetime(text.where(text.str.fullmatch(DATE_RE)), format="%Y-%m-%d", errors="coerce")
    bad = present & parsed.isna().to_numpy()
    report(table, problems, bad, col.name, "not an ISO 8601 date (YYYY-MM-DD)")
    return text.where(present & ~bad)


def _url(table, col, problems, text, present, known) -> pd.Series:
    ok = text.str.fullmatch(r"https?://[^\s\"'<>]+").to_numpy(dtype=bool)
    report(table, problems, present & ~ok, col.name, "must be a web address starting with https:// or http://")
    return text.where(present & ok)


def _code_list(table, col, problems, text, present, known) -> pd.Series:
    """A `;`-separated list of codes (complaint bases, issues): every item checked, none repeated."""
    allowed = set(col.choices)
    bad = np.zeros(len(text), dtype=bool)
    values = text.to_numpy(dtype=object)
    verdicts: dict[str, list[tuple[str, str]]] = {}  # each distinct cell checked once
    for cell in {values[i] for i in np.flatnonzero(present)}:
        items = [item.strip() for item in cell.split(";")]
        found = []
        for item in items:
            if item not in allowed:
                found.append((item, (f"unknown code in a ;-separated list (codes are case-sensitive); expected any "
                                     f"of: {', '.join(col.choices)}") if item else "empty item in a ;-separated list"))
        found += [(item, "code listed twice") for item in sorted({item for item in items if items.count(item) > 1})]
        verdicts[cell] = found
    for i in np.flatnonzero(present):
        for item, rule in verdicts[values[i]]:
            problems.add(table.file, int(table.lines[i]), col.name, item, rule)
            bad[i] = True
    return text.where(present & ~bad).str.replace(r"\s*;\s*", ";", regex=True)


_CHECKERS = {
    "codes": _code_list,
    "int": _int,
    "float": _float,
    "share": _share,
    "year": _year,
    "code": _code,
    "agency": _agency,
    "measure": _measure,
    "geoid": _geoid,
    "text": _text,
    "date": _date,
    "url": _url,
}
