"""Selection rates and adverse impact (DESIGN §4.2), vectorised over agencies, actions and groups.

Rules where the design is silent:

- Counts are summed over job categories. Rows exist for each (year, agency or ``ALL``, action,
  dimension, group) with pool > 0; dimensions are race_ethnicity, sex and race_sex.
- Reference group: among groups of the same dimension with pool ≥ 5, the highest rate for hire and
  promotion, the lowest for separation. Ties go to the larger pool, then to the earlier code in
  ``codes.RACE_ETHNICITY`` / ``codes.SEX`` / ``codes.RACE_SEX``. No group with pool ≥ 5 → reference_group
  None and NaN statistics, flags False.
- impact_ratio = rate/reference_rate (favourable) or reference_rate/rate (separation). When both rates
  are 0 the rates are equal and the ratio is 1. When only the denominator is 0 (a group with pool < 5
  hired while the reference hired nobody, or separated nobody while the reference lost some) the
  ratio is undefined: NaN. Groups with pool < 5 can therefore have a ratio above 1; groups that could
  be the reference never do.
- flag_four_fifths compares exact integers (5·a·d < 4·b·c for ratio a·d/(b·c)), so a ratio of exactly
  4/5 is never flagged by rounding.
- z_score: pooled two-proportion z of the group against the reference, negative = the group is worse
  off (a lower rate for hire/promotion, a higher one for separation); 0 when the pooled rate is 0 or 1.
- fisher_p: two-sided Fisher exact test of [[group selected, not], [reference selected, not]]: the sum
  of the hypergeometric probabilities of all tables with the same margins that are no more likely than
  the observed one (relative tolerance 1e-7, as R's fisher.test; agrees with ``scipy.stats.fisher_exact``
  to ~1e-10). It is vectorised over the distinct tables because ``fisher_exact`` costs about 1 ms a call
  and a 10× build has ~200,000 distinct tables.
- practically_significant ("flip-flop", 29 CFR 1607.4(D)): for a flagged group, one more selection in
  the group (hire/promotion) or one fewer separation in the group (separation), with the reference
  unchanged; True only if the ratio would still be < 0.8. False for unflagged rows.
- The reference row itself: ratio 1, z 0, p 1, flags False.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import hypergeom

from data_access import codes
from data_access.schema import columns

from .utilization import N_CELLS, by_group, race_sex_wide

KEYS = ["fiscal_year", "agency_code", "action"]
MIN_REFERENCE_POOL = 5
FISHER_TOLERANCE = 1e-7
CHUNK = 1_000_000
LOG_FACTORIAL_TABLE_LIMIT = 4_000_000
DIMENSIONS = (
    ("race_ethnicity", codes.RACE_ETHNICITY),
    ("sex", codes.SEX),
    ("race_sex", codes.RACE_SEX),
)
OUTPUT_COLUMNS = [c for c in columns("selection_rates") if c != "suppressed"]


def fisher_two_sided(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Two-sided Fisher exact p of 2×2 tables [[a, b], [c, d]] (arrays of counts), memoised by table."""
    tables = np.stack([a, b, c, d], axis=1).astype(np.int64)
    if len(tables) == 0:
        return np.zeros(0)
    unique, inverse = np.unique(tables, axis=0, return_inverse=True)
    largest = int(unique.sum(axis=1).max())
    table = gammaln(np.arange(largest + 1) + 1.0) if largest <= LOG_FACTORIAL_TABLE_LIMIT else None
    cumulative = np.cumsum(_support(unique)[1] + 1)
    p_values = np.empty(len(unique))
    start = 0
    while start < len(unique):  # chunks of about CHUNK enumerated tables bound the memory
        done = cumulative[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(cumulative, done + CHUNK, side="right")))
        p_values[start:stop] = _fisher_chunk(unique[start:stop], table)
        start = stop
    return p_values[inverse.ravel()]


def _support(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest value of the top-left cell given the margins, and the width of its range."""
    a, b, c, d = tables.T
    low = np.maximum(0, (a + c) - (c + d))
    high = np.minimum(a + b, a + c)
    return low, high - low


def _log_factorial(values: np.ndarray, table: np.ndarray | None) -> np.ndarray:
    return table[values] if table is not None else gammaln(values + 1.0)


def _fisher_chunk(tables: np.ndarray, table: np.ndarray | None) -> np.ndarray:
    """Enumerate every table with the observed margins; sum those no more likely than the observed.

    Each table's probability is taken relative to the observed one, log(P(y)/P(x)), from log-factorials
    (the y-free factors of the hypergeometric probability cancel); the observed probability itself comes
    from ``scipy.stats.hypergeom.logpmf``.
    """
    a, b, c, d = tables.T
    total, row, column = a + b + c + d, a + b, a + c
    low, width = _support(tables)
    lengths = width + 1
    owner = np.repeat(np.arange(len(tables)), lengths)
    value = low[owner] + np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)

    def log_denominator(x, row, column, rest):
        return (_log_factorial(x, table) + _log_factorial(row - x, table)
                + _log_factorial(column - x, table) + _log_factorial(rest + x, table))

    rest = total - row - column
    observed = log_denominator(a, row, column, rest)
    relative = observed[owner] - log_denominator(value, row[owner], column[owner], rest[owner])
    as_extreme = relative <= np.log1p(FISHER_TOLERANCE)
    weights = np.where(as_extreme, np.exp(np.minimum(relative, 0.0)), 0.0)
    p_values = np.exp(hypergeom.logpmf(a, total, row, column)) * np.bincount(owner, weights, len(tables))
    p_values[width == 0] = 1.0  # the margins allow only the observed table
    return np.minimum(p_values, 1.0)


def _choose_reference(pool: np.ndarray, selected: np.ndarray, favourable: np.ndarray):
    """Column index of each row's reference group and whether it has one (pool ≥ 5 only)."""
    rate = np.divide(selected, pool, out=np.zeros_like(selected), where=pool > 0)
    eligible = pool >= MIN_REFERENCE_POOL
    score = np.where(eligible, np.where(favourable[:, None], rate, -rate), -np.inf)
    best = score.max(axis=1)
    candidate = eligible & (score == best[:, None])
    largest_pool = np.where(candidate, pool, -1.0).max(axis=1)
    candidate &= pool == largest_pool[:, None]
    return candidate.argmax(axis=1), np.isfinite(best)


def _ratio_terms(pool, selected, ref_pool, ref_selected, favourable):
    """Integer numerator and denominator of the impact ratio: a·d/(b·c) with rates a/b and c/d."""
    group_term, ref_term = selected * ref_pool, ref_selected * pool
    return np.where(favourable, group_term, ref_term), np.where(favourable, ref_term, group_term)


def _impact(pool, selected, ref_pool, ref_selected, favourable) -> dict[str, np.ndarray]:
    numerator, denominator = _ratio_terms(pool, selected, ref_pool, ref_selected, favourable)
    ratio = np.divide(numerator, denominator, out=np.full(len(pool), np.nan), where=denominator > 0)
    ratio[(numerator == 0) & (denominator == 0)] = 1.0
    flagged = (denominator > 0) & (5 * numerator < 4 * denominator)
    moved = np.where(favourable, selected + 1, np.maximum(selected - 1, 0))
    new_num, new_den = _ratio_terms(pool, moved, ref_pool, ref_selected, favourable)
    still_flagged = (new_den > 0) & (5 * new_num < 4 * new_den)
    return {"impact_ratio": ratio, "flag_four_fifths": flagged, "practically_significant": flagged & still_flagged}


def _pooled_z(pool, selected, ref_pool, ref_selected, favourable) -> np.ndarray:
    pooled = (selected + ref_selected) / (pool + ref_pool)
    error = np.sqrt(pooled * (1.0 - pooled) * (1.0 / pool + 1.0 / ref_pool))
    difference = selected / pool - ref_selected / ref_pool
    z_score = np.divide(difference, error, out=np.zeros(len(pool)), where=error > 0)
    return np.where(favourable, z_score, -z_score)


def compare_with_reference(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Statistics of each row (pool, selected, ref_pool, ref_selected, favourable, is_reference) vs its reference."""
    pool, selected = frame["pool"].to_numpy(np.float64), frame["selected"].to_numpy(np.float64)
    ref_pool, ref_selected = frame["ref_pool"].to_numpy(np.float64), frame["ref_selected"].to_numpy(np.float64)
    favourable = frame["favourable"].to_numpy(bool)
    stats = _impact(pool, selected, ref_pool, ref_selected, favourable)
    stats["z_score"] = _pooled_z(pool, selected, ref_pool, ref_selected, favourable)
    stats["fisher_p"] = fisher_two_sided(selected, pool - selected, ref_selected, ref_pool - ref_selected)
    stats["flag_significant"] = stats["fisher_p"] < 0.05
    is_reference = frame["is_reference"].to_numpy(bool)
    for name, value in (("impact_ratio", 1.0), ("z_score", 0.0), ("fisher_p", 1.0)):
        stats[name][is_reference] = value
    for name in ("flag_four_fifths", "flag_significant", "practically_significant"):
        stats[name][is_reference] = False
    return stats


def _dimension_rows(keys: pd.DataFrame, pool: np.ndarray, selected: np.ndarray, dimension: str, group_codes):
    """Long rows of one dimension (pool > 0) with their reference group's counts."""
    favourable = keys["action"].isin(codes.FAVOURABLE_ACTIONS).to_numpy()
    reference, has_reference = _choose_reference(pool, selected, favourable)
    rows = np.arange(len(keys))
    width = pool.shape[1]
    keep = (pool > 0).ravel()
    frame = keys.loc[keys.index.repeat(width)].reset_index(drop=True)[keep]
    reference_code = np.where(has_reference, np.asarray(group_codes, dtype=object)[reference], None)
    return frame.assign(
        group_dimension=dimension,
        group_code=np.tile(np.asarray(group_codes, dtype=object), len(keys))[keep],
        pool=pool.ravel()[keep].round().astype(np.int64),
        selected=selected.ravel()[keep].round().astype(np.int64),
        reference_group=np.repeat(reference_code, width)[keep],
        ref_pool=np.repeat(pool[rows, reference], width)[keep],
        ref_selected=np.repeat(selected[rows, reference], width)[keep],
        has_reference=np.repeat(has_reference, width)[keep],
        favourable=np.repeat(favourable, width)[keep],
        is_reference=((np.arange(width)[None, :] == reference[:, None]) & has_reference[:, None]).ravel()[keep],
    )


def _with_all_agencies(key_frame: pd.DataFrame, values: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    grouped = pd.DataFrame(values).groupby(
        [key_frame["fiscal_year"].to_numpy(), key_frame["action"].to_numpy()], sort=True).sum()
    rolled = grouped.index.to_frame(index=False)
    rolled.columns = ["fiscal_year", "action"]
    rolled["agency_code"] = codes.ALL
    keys = pd.concat([key_frame, rolled[KEYS]], ignore_index=True)
    return keys, np.vstack([values, grouped.to_numpy()])


def _long_rows(personnel_actions: pd.DataFrame) -> pd.DataFrame:
    key_frame, (pool, selected) = race_sex_wide(personnel_actions, KEYS, ["pool", "selected"])
    keys, values = _with_all_agencies(key_frame, np.hstack([pool, selected]))
    pool, selected = by_group(values[:, :N_CELLS]), by_group(values[:, N_CELLS:])
    blocks, start = [], 0
    for dimension, group_codes in DIMENSIONS:
        stop = start + len(group_codes)
        blocks.append(_dimension_rows(keys, pool[:, start:stop], selected[:, start:stop], dimension, group_codes))
        start = stop
    return pd.concat(blocks, ignore_index=True)


def selection_rates(personnel_actions: pd.DataFrame) -> pd.DataFrame:
    """The selection_rates table (without ``suppressed``): rates and adverse impact per group."""
    if personnel_actions.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})
    frame = _long_rows(personnel_actions)
    frame["rate"] = frame["selected"] / frame["pool"]
    compared = frame[frame["has_reference"]]
    stats = compare_with_reference(compared)
    for name in ("impact_ratio", "z_score", "fisher_p"):
        frame[name] = np.nan
        frame.loc[compared.index, name] = stats[name]
    for name in ("flag_four_fifths", "flag_significant", "practically_significant"):
        frame[name] = False
        frame.loc[compared.index, name] = stats[name]
    frame = frame.sort_values(KEYS, kind="stable").reset_index(drop=True)
    frame["fiscal_year"] = frame["fiscal_year"].astype(np.int64)
    return frame[OUTPUT_COLUMNS]
