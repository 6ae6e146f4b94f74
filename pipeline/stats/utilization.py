"""Workforce utilization against availability (DESIGN §4.1), vectorised over cells.

Conventions where the design is silent:

- Absent workforce rows count as 0 headcount. Every group of the code lists gets a row (even with
  headcount 0) in every (year, agency, category) cell whose total is > 0.
- Availability of a (year, agency, category) cell: the agency's own row set when it has any row for that
  (year, category), else the statewide default set (blank ``agency_code``). A race×sex cell absent from
  the chosen set has availability 0. With neither set, availability is missing (NaN) and so are the
  statistics; flags are then False.
- ``ALL`` rows sum headcounts and weight availability by category headcount, a = Σ a_c·N_c / Σ N_c over the
  cells aggregated; if any contributing cell with N_c > 0 lacks availability, the aggregate's is NaN.
- Group availability is clipped to [0, 1] (sets may sum to 1 ± 0.01).
- Every flag requires shortfall ≥ 1 (one whole person; 1e-9 tolerance for floating-point N·a).
- a = 0: utilization_ratio and z are NaN (undefined), p = P(X ≤ n | a = 0) = 1, flags False.
  a = 1: z is NaN (zero variance); p is the exact binomial value (1 when n = N, 0 when n < N).
  Never ±inf: every undefined quotient is NaN (stored as NULL).
- The ``all`` dimension row (group_code ``ALL``) has headcount = total, share 1, availability 1 and
  NaN statistics (ratio, expected, shortfall, z, p) with all flags False.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from data_access import codes
from data_access.schema import columns

CELL_KEYS = ["fiscal_year", "agency_code", "job_category"]
N_RACE = len(codes.RACE_ETHNICITY)
N_SEX = len(codes.SEX)
N_CELLS = N_RACE * N_SEX
GROUP_DIMENSION = np.array(["race_ethnicity"] * N_RACE + ["sex"] * N_SEX + ["race_sex"] * N_CELLS + ["all"])
GROUP_CODE = np.array(list(codes.RACE_ETHNICITY) + list(codes.SEX) + list(codes.RACE_SEX) + [codes.ALL])
OUTPUT_COLUMNS = [c for c in columns("workforce_utilization") if c != "suppressed"]
SHORTFALL_TOLERANCE = 1e-9  # N·a computed in floating point: a shortfall of exactly 1 must count as 1


def race_sex_cell(frame: pd.DataFrame) -> np.ndarray:
    """Index 0..20 of each row's race×sex cell in ``codes.RACE_SEX`` order; unknown codes raise."""
    race = pd.Categorical(frame["race_ethnicity"], categories=codes.RACE_ETHNICITY).codes.astype(np.int64)
    sex = pd.Categorical(frame["sex"], categories=codes.SEX).codes.astype(np.int64)
    if (race < 0).any() or (sex < 0).any():
        raise ValueError("race_ethnicity or sex outside the code lists (DESIGN §2.1)")
    return race * N_SEX + sex


def race_sex_wide(
    frame: pd.DataFrame, keys: list[str], value_columns: list[str]
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Sum value columns into one (keys × 21 race×sex cells) matrix each; returns (key frame, matrices)."""
    grouped = frame.groupby(keys, sort=True)
    key_index = grouped.ngroup().to_numpy()
    key_frame = grouped.size().index.to_frame(index=False)[keys]
    flat = key_index * N_CELLS + race_sex_cell(frame)
    size = len(key_frame) * N_CELLS
    matrices = [
        np.bincount(flat, weights=frame[c].to_numpy(dtype=np.float64), minlength=size).reshape(-1, N_CELLS)
        for c in value_columns
    ]
    return key_frame, matrices


def _statewide_rows(availability: pd.DataFrame) -> np.ndarray:
    agency = availability["agency_code"]
    return (agency.isna() | (agency.astype(object) == "")).to_numpy(dtype=bool)


def _availability_sets(key_frame: pd.DataFrame, rows: pd.DataFrame, keys: list[str]):
    """Availability matrix of each key in key_frame from rows keyed by ``keys``, and which keys have a set."""
    if rows.empty:
        return np.zeros((len(key_frame), N_CELLS)), np.zeros(len(key_frame), dtype=bool)
    set_keys, (matrix,) = race_sex_wide(rows, keys, ["availability"])
    position = pd.MultiIndex.from_frame(set_keys).get_indexer(pd.MultiIndex.from_frame(key_frame[keys]))
    found = position >= 0
    return np.where(found[:, None], matrix[np.maximum(position, 0)], 0.0), found


def _resolve_availability(key_frame: pd.DataFrame, availability: pd.DataFrame) -> np.ndarray:
    """(keys × 21) availability: the agency's own set, else the statewide default, else NaN."""
    statewide = _statewide_rows(availability)
    own, has_own = _availability_sets(key_frame, availability[~statewide], CELL_KEYS)
    default, has_default = _availability_sets(
        key_frame, availability[statewide], ["fiscal_year", "job_category"])
    chosen = np.where(has_own[:, None], own, default)
    return np.where((has_own | has_default)[:, None], chosen, np.nan)


def _rollup(key_frame: pd.DataFrame, values: np.ndarray, by: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Sum values over the keys not in ``by``, which become ``ALL``."""
    grouped = pd.DataFrame(values).groupby([key_frame[k].to_numpy() for k in by], sort=True).sum()
    rolled = grouped.index.to_frame(index=False)
    rolled.columns = by
    for key in CELL_KEYS:
        if key not in by:
            rolled[key] = codes.ALL
    return rolled[CELL_KEYS], grouped.to_numpy()


def _with_all_rows(key_frame: pd.DataFrame, values: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Append agency ``ALL``, category ``ALL`` and both-``ALL`` rows (column sums) to a keyed matrix."""
    frames, blocks = [key_frame], [values]
    for by in (["fiscal_year", "agency_code"], ["fiscal_year", "job_category"], ["fiscal_year"]):
        rolled_keys, rolled = _rollup(key_frame, values, by)
        frames.append(rolled_keys)
        blocks.append(rolled)
    return pd.concat(frames, ignore_index=True), np.vstack(blocks)


def by_group(cells: np.ndarray) -> np.ndarray:
    """Columns race (7), sex (3), race×sex (21) from a (keys × 21) race×sex matrix."""
    cube = cells.reshape(-1, N_RACE, N_SEX)
    return np.hstack([cube.sum(axis=2), cube.sum(axis=1), cells])


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def utilization_statistics(n: np.ndarray, total: np.ndarray, a: np.ndarray) -> dict[str, np.ndarray]:
    """§4.1 statistics for headcount n of total N against availability a (arrays; NaN a allowed)."""
    known = ~np.isnan(a)
    safe_a = np.where(known, a, 0.0)
    share = _divide(n, total)
    expected = np.where(known, total * safe_a, np.nan)
    variance = total * safe_a * (1.0 - safe_a)
    z_score = np.where(known, _divide(n - total * safe_a, np.sqrt(variance)), np.nan)
    p_value = np.where(known, binom.cdf(n, total, safe_a), np.nan)
    ratio = np.where(known & (safe_a > 0), _divide(share, safe_a), np.nan)
    return {
        "share": share,
        "utilization_ratio": ratio,
        "expected": expected,
        "shortfall": expected - n,
        "z_score": z_score,
        "p_value": p_value,
    }


def _flags(stats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The three §4.1 conventions, each only with a shortfall of at least one whole person."""
    with np.errstate(invalid="ignore"):
        whole_person = stats["shortfall"] >= 1.0 - SHORTFALL_TOLERANCE
        return {
            "flag_80pct": (stats["utilization_ratio"] < 0.8) & whole_person,
            "flag_2sd": (stats["z_score"] <= -2.0) & whole_person,
            "flag_significant": (stats["p_value"] < 0.05) & whole_person,
        }


def kept_keys(keys: pd.DataFrame, width: int, keep: np.ndarray) -> dict[str, object]:
    """The key columns of the kept rows of keys × `width` groups (row-major): only kept rows are ever copied — at
    scale 50 a copy of every key × group is gigabytes."""
    rows = np.flatnonzero(keep) // width
    return {k: keys[k].array.take(rows) for k in keys.columns}


def _long_columns(keys: pd.DataFrame, values: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of one row per key × group with total > 0: the keys, group, headcount, total and availability."""
    headcount, weight, missing = values[:, :N_CELLS], values[:, N_CELLS:2 * N_CELLS], values[:, -1]
    total = headcount.sum(axis=1)
    counts = np.hstack([by_group(headcount), total[:, None]])
    availability = np.clip(_divide(by_group(weight), total[:, None]), 0.0, 1.0)
    availability[missing > 0] = np.nan
    availability = np.hstack([availability, np.ones((len(keys), 1))])
    n_groups = counts.shape[1]
    keep = np.repeat(total > 0, n_groups)
    return {
        **kept_keys(keys, n_groups, keep),
        "group_dimension": np.tile(GROUP_DIMENSION, len(keys))[keep],
        "group_code": np.tile(GROUP_CODE, len(keys))[keep],
        "headcount": counts.ravel()[keep].round().astype(np.int64),
        "total": np.repeat(total, n_groups)[keep].round().astype(np.int64),
        "availability": availability.ravel()[keep],
    }


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})


def utilization(workforce: pd.DataFrame, availability: pd.DataFrame) -> pd.DataFrame:
    """The workforce_utilization table (without ``suppressed``): every cell × group with total > 0."""
    if workforce.empty:
        return _empty()
    key_frame, (headcount,) = race_sex_wide(workforce, CELL_KEYS, ["headcount"])
    avail = _resolve_availability(key_frame, availability)
    total = headcount.sum(axis=1, keepdims=True)
    missing = (np.isnan(avail).any(axis=1) & (total[:, 0] > 0)).astype(np.float64)
    weight = np.nan_to_num(avail) * total
    keys, values = _with_all_rows(key_frame, np.hstack([headcount, weight, missing[:, None]]))
    data = _long_columns(keys, values)
    stats = utilization_statistics(data["headcount"].astype(np.float64), data["total"].astype(np.float64),
                                   data["availability"])
    is_all = data["group_dimension"] == "all"
    for name in ("utilization_ratio", "expected", "shortfall", "z_score", "p_value"):
        stats[name][is_all] = np.nan
    data.update(stats, **_flags(stats))
    data["fiscal_year"] = np.asarray(data["fiscal_year"], dtype=np.int64)
    return pd.DataFrame({c: data[c] for c in OUTPUT_COLUMNS})
