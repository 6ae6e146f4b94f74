"""What changed between two releases (DESIGN §6 /methodology, §7 API): a pure comparison of table frames.

Rows are matched on each table's primary key. A row is *changed* when any other column differs: numbers
by more than TOLERANCE (missing on one side only counts as a difference), anything else by equality. Give
it frames already masked for the viewer, so that a change never reveals a suppressed value.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Float, Integer

from .schema import RELEASE_ID, RELEASE_TABLES, columns

TOLERANCE = 1e-9
TOP_MOVES = 10
# The figure whose moves matter most in each table.
HEADLINE = {
    "workforce_utilization": "utilization_ratio",
    "selection_rates": "impact_ratio",
    "town_measures": "value",
    "access_by_group": "weighted_value",
    "benchmark_progress": "value",
    "contracting": "small_share",
    "complaint_stats": "closed_within_limit_share",
    "accommodation_stats": "decided_within_limit_share",
    "aap_goals": "met",
}
# Categorical columns whose changes are reported one by one.
STATUS = {
    "benchmark_progress": ("status",),
    "town_measures": ("reliability",),
    "contracting": ("small_met", "minority_met"),
    "equity_plans": ("status", "aap_decision", "aap_basis"),
}


def key_of(table_name: str) -> list[str]:
    """The primary key of a release table, without release_id."""
    return [c.name for c in RELEASE_TABLES[table_name].primary_key.columns if c.name != RELEASE_ID]


def _numeric(table_name: str, column: str) -> bool:
    return isinstance(RELEASE_TABLES[table_name].c[column].type, Integer | Float | Boolean)


def _plain(value: object) -> object:
    """A JSON-ready Python scalar (None for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _as_float(series: pd.Series) -> np.ndarray:
    """Numbers (booleans as 0/1) as floats, missing as NaN."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _differs(table_name: str, column: str, old: pd.Series, new: pd.Series) -> np.ndarray:
    """True where old and new values of a column differ (beyond TOLERANCE for numbers)."""
    if _numeric(table_name, column):
        a, b = _as_float(old), _as_float(new)
        missing_a, missing_b = np.isnan(a), np.isnan(b)
        with np.errstate(invalid="ignore"):
            moved = np.abs(a - b) > TOLERANCE
        return (missing_a != missing_b) | (~missing_a & ~missing_b & moved)
    a = old.astype(object).where(old.notna(), None).to_numpy()
    b = new.astype(object).where(new.notna(), None).to_numpy()
    return np.array([x != y for x, y in zip(a, b, strict=True)], dtype=bool)


def _frame(table_name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """The frame with exactly the table's columns (a missing table or column counts as empty/missing)."""
    names = columns(table_name)
    if frame is None:
        return pd.DataFrame(columns=names, dtype=object)
    return frame.reindex(columns=names).reset_index(drop=True)


def _keys(frame: pd.DataFrame, key: list[str]) -> list[dict]:
    """Key columns of each row as plain dicts."""
    rows = zip(*(frame[k].tolist() for k in key), strict=True)
    return [{k: _plain(v) for k, v in zip(key, row, strict=True)} for row in rows]


def _aligned(table_name: str, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Old and new rows side by side on the key (suffixes _old/_new), with `_merge` saying where each is."""
    key = key_of(table_name)
    left = old.assign(**{k: old[k].astype(object) for k in key})
    right = new.assign(**{k: new[k].astype(object) for k in key})
    merged = left.merge(right, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    return merged.sort_values(key, kind="stable", ignore_index=True)


def compare_table(table_name: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> dict:
    """Rows added, removed and changed, the largest moves of the headline figure and status changes."""
    key = key_of(table_name)
    merged = _aligned(table_name, _frame(table_name, old), _frame(table_name, new))
    both = merged[merged["_merge"] == "both"].reset_index(drop=True)
    values = [c for c in columns(table_name) if c not in key]
    flags = {c: _differs(table_name, c, both[f"{c}_old"], both[f"{c}_new"]) for c in values}
    changed_mask = np.logical_or.reduce(list(flags.values())) if flags else np.zeros(len(both), dtype=bool)
    changed = [{"key": k, "columns": [c for c in values if flags[c][i]]}
               for i, k in zip(np.flatnonzero(changed_mask), _keys(both[changed_mask], key), strict=True)]
    return {
        "key_columns": key,
        "counts": {"added": int((merged["_merge"] == "right_only").sum()),
                   "removed": int((merged["_merge"] == "left_only").sum()),
                   "changed": len(changed), "unchanged": int(len(both) - len(changed))},
        "added": _keys(merged[merged["_merge"] == "right_only"], key),
        "removed": _keys(merged[merged["_merge"] == "left_only"], key),
        "changed": changed,
        "largest_moves": largest_moves(table_name, both, key),
        "status_changes": status_changes(table_name, both, key, flags),
    }


def largest_moves(table_name: str, both: pd.DataFrame, key: list[str], top: int = TOP_MOVES) -> list[dict]:
    """The `top` largest absolute changes of the table's headline figure (rows visible in both releases)."""
    column = HEADLINE.get(table_name)
    if column is None or both.empty:
        return []
    old, new = _as_float(both[f"{column}_old"]), _as_float(both[f"{column}_new"])
    change = new - old
    moved = np.flatnonzero(~np.isnan(change) & (np.abs(change) > TOLERANCE))
    order = moved[np.argsort(-np.abs(change[moved]), kind="stable")][:top]
    keys = _keys(both.iloc[order], key)
    return [{"key": k, "column": column, "old": float(old[i]), "new": float(new[i]), "change": float(change[i])}
            for k, i in zip(keys, order, strict=True)]


def status_changes(table_name: str, both: pd.DataFrame, key: list[str], flags: dict[str, np.ndarray]) -> list[dict]:
    """Rows whose status-like column changed (benchmark status, town reliability, contracting goals met)."""
    out = []
    for column in STATUS.get(table_name, ()):
        rows = np.flatnonzero(flags[column])
        for k, i in zip(_keys(both.iloc[rows], key), rows, strict=True):
            out.append({"key": k, "column": column, "old": _plain(both[f"{column}_old"].iat[i]),
                        "new": _plain(both[f"{column}_new"].iat[i])})
    return out


def compare_releases(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict:
    """Per release table present in either release: see `compare_table` (geometry is not compared)."""
    names = [n for n in RELEASE_TABLES if n != "geometry" and (n in old or n in new)]
    return {name: compare_table(name, old.get(name), new.get(name)) for name in names}


BENCHMARK_KEY = ["metric_key", "scope", "scope_id"]
STATUS_CHANGE_COLUMNS = [*BENCHMARK_KEY, "old_year", "old_status", "old_suppressed", "year", "status", "value",
                         "suppressed"]


def latest_benchmark_rows(progress: pd.DataFrame | None) -> pd.DataFrame:
    """Each benchmark's row of its latest year (a benchmark's status is the status of its latest year)."""
    frame = _frame("benchmark_progress", progress)
    if frame.empty:
        return frame
    ordered = frame.sort_values([*BENCHMARK_KEY, "year"], kind="stable")
    return ordered.drop_duplicates(BENCHMARK_KEY, keep="last").reset_index(drop=True)


def benchmark_status_changes(old: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame:
    """Benchmarks in both releases whose latest status differs, with old and new status, year and value.

    Give it benchmark_progress frames masked for the viewer: a status suppressed for the viewer reads as
    missing (`*_suppressed` true), so it is never compared or shown; two hidden statuses are never a change.
    """
    left, right = latest_benchmark_rows(old), latest_benchmark_rows(new)
    left = left.assign(**{k: left[k].astype(object) for k in BENCHMARK_KEY})
    right = right.assign(**{k: right[k].astype(object) for k in BENCHMARK_KEY})
    both = left.merge(right, on=BENCHMARK_KEY, how="inner", suffixes=("_old", "_new"))
    if both.empty:
        return pd.DataFrame(columns=STATUS_CHANGE_COLUMNS)
    moved = _differs("benchmark_progress", "status", both["status_old"], both["status_new"])
    rows = both[moved].sort_values(BENCHMARK_KEY, kind="stable", ignore_index=True)
    out = pd.DataFrame({
        **{k: rows[k] for k in BENCHMARK_KEY},
        "old_year": rows["year_old"], "old_status": rows["status_old"].map(_plain),
        "old_suppressed": rows["suppressed_old"].fillna(False).astype(bool),
        "year": rows["year_new"], "status": rows["status_new"].map(_plain), "value": rows["value_new"].map(_plain),
        "suppressed": rows["suppressed_new"].fillna(False).astype(bool),
    })
    for column in ("old_status", "status", "value"):  # missing as None, never NaN
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out["value"] = out["value"].where(~out["suppressed"], None)  # never a figure the viewer may not see
    return out[STATUS_CHANGE_COLUMNS]
