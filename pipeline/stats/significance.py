"""Significance tests of selection rates, vectorised over many 2×2 tables (DESIGN §4.2).

- ``fisher_two_sided``: the two-sided Fisher exact test, computed exactly as ``scipy.stats.fisher_exact``
  computes it for one table (the observed tail from the hypergeometric cdf, the far tail found by binary
  search on the probability mass), but over arrays, with the relative tolerance of R's ``fisher.test``
  (1e-7) for tables as probable as the observed one. ``fisher_exact`` costs about a millisecond a call and
  a scale-10 build holds hundreds of thousands of tables; tests/test_adverse_impact.py checks this function
  against ``scipy.stats.fisher_exact`` on thousands of random tables. Tables with at most SMALL_SUPPORT possible
  values of the top-left cell (most of them: a group of a few people) are summed over every possible table
  instead, as R's ``fisher.test`` does, the probabilities built by the ratio of neighbouring terms.
- ``cmh_parts`` / ``cmh_p``: the Cochran–Mantel–Haenszel test of a common odds ratio of 1 across strata,
  the statistic of ``statsmodels.stats.contingency_tables.StratifiedTable.test_null_odds()`` (without
  continuity correction): (Σ (a − E a))² / Σ Var a, chi-square with one degree of freedom. Its parts are
  sums over strata, so pooled rows are group-by sums of per-stratum parts. A stratum with an empty row or
  column carries no information (a = E a, Var a = 0) and adds nothing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import chdtrc, gammaln
from scipy.stats import hypergeom

RELATIVE_TOLERANCE = 1e-7
SEARCH_STEPS = 64  # more than enough halvings of any table's support (counts < 2**63)
SMALL_SUPPORT = 256  # tables with at most this many possible values of the top-left cell are enumerated
CHUNK_CELLS = 1 << 20  # tables × possible values enumerated at once (bounds the memory of a large build)


def fisher_two_sided(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Two-sided Fisher exact p of the 2×2 tables [[a, b], [c, d]] (arrays of counts); 1 when a margin is 0."""
    tables = np.stack([np.asarray(x, dtype=np.int64).ravel() for x in (a, b, c, d)], axis=1)
    if len(tables) == 0:
        return np.zeros(0)
    distinct, inverse = _distinct(tables)
    return _fisher_unique(distinct)[inverse]


def _distinct(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a (n × 4) count array and each row's index among them (one table computed once)."""
    inverse = pd.DataFrame(tables).groupby([0, 1, 2, 3], sort=False).ngroup().to_numpy()
    first = np.full(inverse.max() + 1, len(tables), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(tables)))
    return tables[first], inverse


def _fisher_unique(tables: np.ndarray) -> np.ndarray:
    a, b, c, d = tables.T
    total, row, column = a + b + c + d, a + b, a + c
    low, high = np.maximum(0, column - (c + d)), np.minimum(row, column)
    p_values = np.ones(len(tables))
    live = high > low  # with one possible table (a margin of 0 among them) the p-value is 1
    small = live & (high - low < SMALL_SUPPORT)
    p_values[small] = _fisher_enumerated(a[small], row[small], column[small], total[small], low[small], high[small])
    live &= ~small
    a, total, row, column, low, high = (x[live] for x in (a, total, row, column, low, high))

    rest = total - row - column

    def log_pmf(x: np.ndarray) -> np.ndarray:  # up to a constant of each table, which every comparison cancels
        return -(gammaln(x + 1.0) + gammaln(row - x + 1.0) + gammaln(column - x + 1.0) + gammaln(rest + x + 1.0))

    mode = np.clip(((column + 1) * (row + 1)) // (total + 2), low, high)
    threshold = log_pmf(a) + np.log1p(RELATIVE_TOLERANCE)
    as_probable_as_mode = log_pmf(mode) <= threshold
    below = a < mode
    # Far tail: below the mode, the first x in (mode, high] with pmf ≤ threshold (high + 1 if none);
    # above it, the last x in [low, mode) with pmf ≤ threshold (low − 1 if none). pmf(inside) > threshold.
    inside, outside = mode.copy(), np.where(below, high + 1, low - 1)
    for _ in range(SEARCH_STEPS):
        open_ = np.abs(outside - inside) > 1
        if not open_.any():
            break
        middle = np.where(open_, (inside + outside) // 2, inside)
        small = log_pmf(middle) <= threshold
        outside = np.where(open_ & small, middle, outside)
        inside = np.where(open_ & ~small, middle, inside)
    p = np.ones(len(a))
    tail = ~as_probable_as_mode
    for side, near_tail, far_tail in ((below, hypergeom.cdf, hypergeom.sf), (~below, hypergeom.sf, hypergeom.cdf)):
        rows = tail & side
        shift = 0 if side is below else 1
        p[rows] = near_tail(a[rows] - shift, total[rows], row[rows], column[rows])
        reach = rows & (outside >= low) & (outside <= high)
        p[reach] += far_tail(outside[reach] - (1 - shift), total[reach], row[reach], column[reach])
    p_values[live] = np.minimum(p, 1.0)
    return p_values


def _fisher_enumerated(a, row, column, total, low, high) -> np.ndarray:
    """Two-sided p of tables with few possible values of the top-left cell: the sum of the probabilities of every
    table at most as probable as the observed one, over the sum of all (R's ``fisher.test``, same tolerance).

    Probabilities are built in logs from low to high by the ratio of neighbouring terms,
    P(x+1)/P(x) = (row − x)(column − x) / ((x + 1)(rest + x + 1)); tables are taken in groups of similar support,
    padded to a power of two, a chunk at a time."""
    out = np.ones(len(a))
    size = high - low + 1
    width = np.maximum(1, 2 ** np.ceil(np.log2(size))).astype(np.int64)
    for padded in np.unique(width):
        members = np.flatnonzero(width == padded)
        step = max(1, CHUNK_CELLS // int(padded))
        for start in range(0, len(members), step):
            part = members[start:start + step]
            out[part] = _enumerated_part(a[part], row[part], column[part], total[part], low[part], size[part],
                                         int(padded))
    return out


def _enumerated_part(a, row, column, total, low, size, padded: int) -> np.ndarray:
    steps = np.arange(padded - 1)[None, :]
    x = (low[:, None] + steps).astype(np.float64)
    rest = (total - row - column)[:, None].astype(np.float64)
    row, column = row[:, None].astype(np.float64), column[:, None].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # steps past the support: masked below
        ratio = np.log((row - x) * (column - x)) - np.log((x + 1.0) * (rest + x + 1.0))
    valid = np.arange(padded)[None, :] < size[:, None]
    log_p = np.concatenate([np.zeros((len(a), 1)), np.cumsum(np.where(valid[:, 1:], ratio, 0.0), axis=1)], axis=1)
    log_p = np.where(valid, log_p, -np.inf)
    observed = np.take_along_axis(log_p, (a - low)[:, None], axis=1)
    weight = np.exp(log_p - log_p.max(axis=1, keepdims=True))
    tail = np.where(log_p <= observed + np.log1p(RELATIVE_TOLERANCE), weight, 0.0).sum(axis=1)
    return np.minimum(tail / weight.sum(axis=1), 1.0)


def cmh_parts(a: np.ndarray, row: np.ndarray, column: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per stratum, a − E a and Var a of the top-left cell a (row and column totals, table total) given the margins."""
    a, row, column, total = (np.asarray(x, dtype=np.float64) for x in (a, row, column, total))
    informative = (total > 1) & (row > 0) & (row < total) & (column > 0) & (column < total)
    safe = np.where(informative, total, 2.0)
    deviation = np.where(informative, a - row * column / safe, 0.0)
    variance = np.where(informative, row * (safe - row) * column * (safe - column) / (safe**2 * (safe - 1)), 0.0)
    return deviation, variance


def cmh_p(deviation: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """p-value of the CMH statistic (Σ deviation)² / Σ variance (sums already taken); NaN with no information."""
    deviation, variance = np.asarray(deviation, dtype=np.float64), np.asarray(variance, dtype=np.float64)
    informative = variance > 0
    p_values = np.full(np.shape(variance), np.nan)
    p_values[informative] = chdtrc(1.0, deviation[informative] ** 2 / variance[informative])  # chi-square sf, 1 df
    return p_values
