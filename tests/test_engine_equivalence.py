"""The build engine computes the same release tables as the reference outputs of the engine it replaced.

tests/data/engine_reference/ holds every release table of the scale-1 demo (seed 2024), written by
scripts/engine_reference.py with the pandas engine before the polars engine went in (its README names the commit).
Every table is compared value for value: same columns, same rows, text and whole numbers equal, floats equal to
1e-9 relative, missing values in the same places.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scripts.engine_reference import release_tables

REFERENCE = Path(__file__).parent / "data" / "engine_reference"
RTOL = 1e-9
# Columns the input contract gained after the reference was written (content, not engine): the Spanish data labels
# (DESIGN §2). They are checked by tests/test_spanish_labels.py; here the reference's own columns are compared.
ADDED_SINCE_REFERENCE = {"agencies": ["agency_name_es"], "measures": ["label_es", "description_es"]}
# Columns whose values a deliberate change of method altered after the reference was written (not the engine):
# aap_goals.suppressed also hides 0 % / 100 % goals met of fewer than 20 goals (DESIGN §5, tests/test_suppression.py).
CHANGED_SINCE_REFERENCE = {"aap_goals": ["suppressed"]}


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order, whatever order the engine produced them in (the release tables are sets of rows)."""
    frame = frame.reset_index(drop=True)
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])] or list(frame.columns)
    text = frame[keys].astype(object).where(frame[keys].notna(), "\0").astype(str)
    return frame.loc[text.sort_values(keys, kind="stable").index].reset_index(drop=True)


def table_differences(name: str, got: pd.DataFrame, want: pd.DataFrame, limit: int = 5) -> list[str]:
    """Human-readable differences between a computed table and its reference (empty when they agree)."""
    if list(got.columns) != list(want.columns):
        return [f"{name}: columns {list(got.columns)} != reference {list(want.columns)}"]
    if len(got) != len(want):
        return [f"{name}: {len(got)} rows != reference {len(want)}"]
    got, want = _canonical(got), _canonical(want)
    out: list[str] = []
    for column in want.columns:
        a, b = got[column], want[column]
        if _numeric(b) or _numeric(a):
            x = pd.to_numeric(a.astype(object).where(a.notna(), np.nan), errors="coerce").to_numpy(float)
            y = pd.to_numeric(b.astype(object).where(b.notna(), np.nan), errors="coerce").to_numpy(float)
            same = (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=RTOL, atol=0.0) | (x == y)
        else:
            xa, ya = a.astype(object).to_numpy(), b.astype(object).to_numpy()
            same = np.array([(_missing(p) and _missing(q)) or (not _missing(p) and p == q) for p, q in zip(xa, ya)],
                            dtype=bool)
        for i in np.flatnonzero(~same)[:limit]:
            out.append(f"{name}.{column} row {i}: {a.iat[i]!r} != reference {b.iat[i]!r}")
    return out


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, pd.DataFrame]:
    return release_tables(tmp_path_factory.mktemp("engine"))


def test_every_reference_table_is_built(built):
    reference = {path.name.removesuffix(".parquet") for path in REFERENCE.glob("*.parquet")}
    assert len(reference) >= 15
    assert set(built) == reference


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".parquet") for p in REFERENCE.glob("*.parquet")))
def test_table_matches_the_reference_value_for_value(built, name):
    want = pd.read_parquet(REFERENCE / f"{name}.parquet")
    assert len(want) > 0
    added = [c for c in ADDED_SINCE_REFERENCE.get(name, []) if c not in want.columns]
    assert all(c in built[name].columns for c in added)
    changed = CHANGED_SINCE_REFERENCE.get(name, [])
    assert table_differences(name, built[name].drop(columns=[*added, *changed]), want.drop(columns=changed)) == []


def test_the_comparison_sees_a_single_changed_value():
    want = pd.read_parquet(REFERENCE / "workforce_utilization.parquet")
    floats = [c for c in want.columns if pd.api.types.is_float_dtype(want[c])]
    changed = want.copy()
    changed.loc[17, floats[0]] = changed.loc[17, floats[0]] * (1 + 1e-7) + 1e-12
    assert table_differences("workforce_utilization", changed, want)
    flipped = want.copy()
    flipped.loc[3, "suppressed"] = not bool(flipped.loc[3, "suppressed"])
    assert table_differences("workforce_utilization", flipped, want)
    assert table_differences("workforce_utilization", want.iloc[::-1], want) == []
