"""Selection rates and adverse impact (DESIGN §4.2), vectorised over comparisons.

A *comparison* is one (fiscal_year, agency_code or ``ALL``, job_category or ``ALL``, action,
group_dimension); its groups are the dimension's codes with pool > 0. Rules where the design is silent:

- Favourable outcome: selection for hire and promotion, retention (pool − selected) for separation.
  ``rate`` is always selected/pool (the separation rate for separations); every comparison below is on the
  favourable rate.
- ``reference_eligible``: pool ≥ max(30, 2 % of the comparison's total pool) and sex not ``x`` (``x`` and
  the race×sex codes ending in ``_x``). The reference is the eligible group with the highest favourable
  rate; ties go to the larger pool, then to the earlier code in ``codes``. No eligible group → no
  reference, no ratio, no four-fifths flag.
- ``impact_ratio`` = favourable rate / the reference's, compared in exact integers; a reference with a
  favourable rate of 0 gives an empty ratio (never 0 or ∞). The reference row's own ratio is 1.
- ``flag_four_fifths``: ratio < 0.8 for a reference-eligible focal group (5·f_g·n_ref < 4·f_ref·n_g).
- ``practically_significant`` (flagged rows only): one more favourable outcome for the focal group
  (reference unchanged) still leaves the ratio < 0.8.
- ``z_score`` and ``fisher_p``: the group against all the other groups of its comparison pooled, on the
  collapsed 2×2 table [[f_g, n_g − f_g], [f_others, n_others − f_others]]; z is the pooled two-proportion z
  (negative = the group has fewer favourable outcomes), 0 when the pooled rate is 0 or 1; both empty for a
  group alone in its comparison.
- ``cmh_p`` (pooled rows only: job_category ``ALL`` and/or agency_code ``ALL``): Cochran–Mantel–Haenszel
  test of the same group-versus-others tables stratified by job category (agency rows), by agency
  (statewide rows of one category) or by agency × job category (statewide pooled rows).
- ``flag_significant``: p < 0.05 (``fisher_p`` for single-stratum rows, ``cmh_p`` for pooled rows) and
  the group at the disadvantage: Σ over strata of (f_g − E f_g) < 0, the direction of the test itself
  (for one stratum the sign of z), so differences in job mix alone (Simpson's paradox) flag nothing.
  The p compared with 0.05 is Holm-adjusted across the reference-eligible groups of the comparison (the
  published ``fisher_p`` and ``cmh_p`` stay unadjusted): testing every group of a dimension at 5 % each
  flagged about one agency × action in five when every group had the same true rate, against the
  §4.2 property of at most one in ten (tests/test_adverse_impact.py).
- A job category's row is significant only when the same group's row pooled over job categories is
  (a hierarchical, "gatekeeping" test): the categories are where a user looks *behind* a pooled finding, and
  testing each of them at 5 % again would give every comparison many more chances of a false finding.
- ``adverse_impact`` = flag_four_fifths and flag_significant and practically_significant.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_access import codes
from data_access.schema import columns

from .significance import cmh_p, cmh_parts, fisher_two_sided
from .utilization import by_group, kept_keys, race_sex_wide

KEYS = ["fiscal_year", "agency_code", "job_category", "action"]
MIN_REFERENCE_POOL = 30
MIN_REFERENCE_SHARE = 0.02
FOUR_FIFTHS = (4, 5)
ALPHA = 0.05
DIMENSIONS = (
    ("race_ethnicity", codes.RACE_ETHNICITY),
    ("sex", codes.SEX),
    ("race_sex", codes.RACE_SEX),
)
GROUP_CODES = np.asarray([c for _, group_codes in DIMENSIONS for c in group_codes], dtype=object)
GROUP_DIMENSIONS = np.asarray([d for d, group_codes in DIMENSIONS for _ in group_codes], dtype=object)
SEX_X = np.asarray([c == "x" or c.endswith("_x") for c in GROUP_CODES])
# The pooled levels: which keys stay (the others become ALL) — agency rows pooled over categories,
# statewide rows of one category pooled over agencies, statewide rows pooled over both.
POOLED_LEVELS = (
    ("fiscal_year", "agency_code", "action"),
    ("fiscal_year", "job_category", "action"),
    ("fiscal_year", "action"),
)
OUTPUT_COLUMNS = [c for c in columns("selection_rates") if c != "suppressed"]
FLAGS = ("reference_eligible", "flag_four_fifths", "flag_significant", "practically_significant", "adverse_impact")


def _slices() -> list[slice]:
    out, start = [], 0
    for _, group_codes in DIMENSIONS:
        out.append(slice(start, start + len(group_codes)))
        start += len(group_codes)
    return out


SLICES = _slices()


def _dimension_totals(values: np.ndarray) -> np.ndarray:
    """Each column replaced by the total of its dimension's columns (rows × groups)."""
    out = np.empty_like(values)
    for part in SLICES:
        out[:, part] = values[:, part].sum(axis=1, keepdims=True)
    return out


def _stratum_parts(pool: np.ndarray, favourable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per stratum and group: CMH parts (f − E f, Var f) of the group-versus-others 2×2 table."""
    return cmh_parts(favourable, pool, _dimension_totals(favourable), _dimension_totals(pool))


def _pool_to(keys: pd.DataFrame, values: list[np.ndarray], kept: tuple[str, ...]):
    """Sum matrices over the keys not kept (which become ALL)."""
    grouped = pd.DataFrame(np.hstack(values)).groupby([keys[k].to_numpy() for k in kept], sort=True).sum()
    rolled = grouped.index.to_frame(index=False)
    rolled.columns = list(kept)
    for key in KEYS:
        if key not in kept:
            rolled[key] = codes.ALL
    summed = grouped.to_numpy()
    width = values[0].shape[1]
    return rolled[KEYS], [summed[:, i * width:(i + 1) * width] for i in range(len(values))]


def _levels(personnel_actions: pd.DataFrame):
    """Key frame, pool and favourable matrices (rows × 31 groups), CMH parts, and which rows are pooled."""
    key_frame, (pool_cells, selected_cells) = race_sex_wide(personnel_actions, KEYS, ["pool", "selected"])
    favourable_action = key_frame["action"].isin(codes.FAVOURABLE_ACTIONS).to_numpy()[:, None]
    pool = by_group(pool_cells)
    favourable = by_group(np.where(favourable_action, selected_cells, pool_cells - selected_cells))
    deviation, variance = _stratum_parts(pool, favourable)
    frames, blocks = [key_frame], [[pool, favourable, deviation, variance]]
    for kept in POOLED_LEVELS:
        rolled, summed = _pool_to(key_frame, [pool, favourable, deviation, variance], kept)
        frames.append(rolled)
        blocks.append(summed)
    pooled = np.concatenate([np.zeros(len(key_frame), bool), *(np.ones(len(f), bool) for f in frames[1:])])
    keys = pd.concat(frames, ignore_index=True)
    pool, favourable, deviation, variance = (np.vstack([b[i] for b in blocks]) for i in range(4))
    return keys, pool, favourable, deviation, variance, pooled


def _reference(pool: np.ndarray, favourable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row and dimension: eligible groups (rows × 31), the reference column per group, whether one exists."""
    total = _dimension_totals(pool)
    eligible = (pool >= np.maximum(MIN_REFERENCE_POOL, MIN_REFERENCE_SHARE * total)) & ~SEX_X[None, :]
    rate = np.divide(favourable, pool, out=np.zeros_like(favourable), where=pool > 0)
    reference = np.zeros(pool.shape, dtype=np.int64)
    has_reference = np.zeros(pool.shape, dtype=bool)
    for part in SLICES:
        score = np.where(eligible[:, part], rate[:, part], -np.inf)
        best = score.max(axis=1, keepdims=True)
        candidate = eligible[:, part] & (score == best)
        largest = np.where(candidate, pool[:, part], -1.0).max(axis=1, keepdims=True)
        candidate &= pool[:, part] == largest
        reference[:, part] = part.start + candidate.argmax(axis=1)[:, None]
        has_reference[:, part] = np.isfinite(best)
    return eligible, reference, has_reference


def _below_four_fifths(favourable, pool, ref_favourable, ref_pool) -> np.ndarray:
    low, high = FOUR_FIFTHS
    return high * favourable * ref_pool < low * ref_favourable * pool


def _versus_others(pool: np.ndarray, favourable: np.ndarray) -> dict[str, np.ndarray]:
    """z and two-sided Fisher p of each group against all the other groups of its comparison pooled."""
    others_pool = _dimension_totals(pool) - pool
    shown = (pool > 0) & (others_pool > 0)
    # Worked on the shown cells only, as vectors: fewer and smaller temporaries than whole matrices.
    n, m = pool[shown], others_pool[shown]
    del others_pool
    f = favourable[shown]
    g = (_dimension_totals(favourable) - favourable)[shown]
    pooled = (f + g) / (n + m)
    error = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n + 1.0 / m))
    z_score, fisher_p = np.full(pool.shape, np.nan), np.full(pool.shape, np.nan)
    z_score[shown] = np.divide(f / n - g / m, error, out=np.zeros_like(error), where=error > 0)
    fisher_p[shown] = fisher_two_sided(f, n - f, g, m - g)
    return {"z_score": z_score, "fisher_p": fisher_p}


def _holm(p_values: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values within each comparison (one row's groups of one dimension); NaN where not tested."""
    out = np.full(p_values.shape, np.nan)
    for part in SLICES:
        family = np.where(tested[:, part] & ~np.isnan(p_values[:, part]), p_values[:, part], np.inf)
        order = np.argsort(family, axis=1, kind="stable")
        ranked = np.take_along_axis(family, order, axis=1)
        size = np.isfinite(family).sum(axis=1, keepdims=True)
        multiplier = np.maximum(size - np.arange(family.shape[1])[None, :], 1)
        adjusted = np.minimum(np.maximum.accumulate(ranked * multiplier, axis=1), 1.0)
        back = np.empty_like(adjusted)
        np.put_along_axis(back, order, adjusted, axis=1)
        out[:, part] = np.where(np.isfinite(family), back, np.nan)
    return out


def adverse_impact_matrices(pool: np.ndarray, favourable: np.ndarray, deviation: np.ndarray, variance: np.ndarray,
                            pooled: np.ndarray, gate: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Every §4.2 figure of each comparison row × group (rows × 31 matrices; ``pooled`` marks CMH rows).

    ``gate`` gives, per row, the row whose significance it needs (a job category's row needs its pooled row;
    -1 = none): a hierarchical test, so a comparison's categories add no chances of a false finding.
    """
    eligible, reference, has_reference = _reference(pool, favourable)
    rows = np.arange(len(pool))[:, None]
    ref_pool, ref_favourable = pool[rows, reference], favourable[rows, reference]
    defined = has_reference & (ref_favourable > 0) & (pool > 0)
    ratio = np.full(pool.shape, np.nan)
    ratio[defined] = (favourable * ref_pool)[defined] / (ref_favourable * pool)[defined]
    four_fifths = defined & eligible & _below_four_fifths(favourable, pool, ref_favourable, ref_pool)
    practical = four_fifths & _below_four_fifths(favourable + 1, pool, ref_favourable, ref_pool)
    stats = _versus_others(pool, favourable)
    cmh = np.full(pool.shape, np.nan)
    cmh[pooled] = cmh_p(deviation[pooled], variance[pooled])
    test_p = _holm(np.where(pooled[:, None], cmh, stats["fisher_p"]), eligible & (pool > 0))
    with np.errstate(invalid="ignore"):
        significant = (test_p < ALPHA) & (deviation < 0)
    if gate is not None:
        gated = gate >= 0
        significant[gated] &= significant[gate[gated]]
    return {
        "reference": np.where(has_reference, reference, -1),
        "reference_eligible": eligible & (pool > 0),
        "impact_ratio": ratio,
        **stats,
        "cmh_p": cmh,
        "flag_four_fifths": four_fifths,
        "flag_significant": significant,
        "practically_significant": practical,
        "adverse_impact": four_fifths & significant & practical,
    }


def _pooled_row(keys: pd.DataFrame) -> np.ndarray:
    """Per row: the index of the row pooled over job categories with the same year, agency and action; -1 for
    rows that are pooled over job categories themselves."""
    pooled_keys = ["fiscal_year", "agency_code", "action"]
    position = keys.reset_index(drop=True).reset_index()
    over_categories = position[position["job_category"] == codes.ALL][[*pooled_keys, "index"]]
    found = position[pooled_keys].merge(over_categories, on=pooled_keys, how="left")["index"]
    gate = found.fillna(-1).to_numpy(dtype=np.int64)
    return np.where(position["job_category"].to_numpy() == codes.ALL, -1, gate)


def selection_rates(personnel_actions: pd.DataFrame) -> pd.DataFrame:
    """The selection_rates table (without ``suppressed``): rates and adverse impact per comparison and group."""
    if personnel_actions.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS})
    keys, pool, favourable, deviation, variance, pooled = _levels(personnel_actions)
    stats = adverse_impact_matrices(pool, favourable, deviation, variance, pooled, _pooled_row(keys))
    # The table is sorted by its keys: sorting the key rows (stable) before they are spread over the groups
    # gives the same order as sorting every row, without a second copy of the table.
    order = keys.sort_values(KEYS, kind="stable").index.to_numpy()
    keys = keys.iloc[order].reset_index(drop=True)
    pool, favourable = pool[order], favourable[order]
    stats = {name: values[order] for name, values in stats.items()}
    favourable_action = keys["action"].isin(codes.FAVOURABLE_ACTIONS).to_numpy()[:, None]
    selected = np.where(favourable_action, favourable, pool - favourable)
    keep = (pool > 0).ravel()
    reference = stats.pop("reference").ravel()[keep]
    data = {
        **kept_keys(keys, pool.shape[1], keep),
        "group_dimension": np.tile(GROUP_DIMENSIONS, len(keys))[keep],
        "group_code": np.tile(GROUP_CODES, len(keys))[keep],
        "pool": pool.ravel()[keep].round().astype(np.int64),
        "selected": selected.ravel()[keep].round().astype(np.int64),
        "reference_group": np.where(reference >= 0, GROUP_CODES[np.maximum(reference, 0)], None),
        **{name: values.ravel()[keep] for name, values in stats.items()},
    }
    data["rate"] = data["selected"] / data["pool"]
    data["fiscal_year"] = np.asarray(data["fiscal_year"], dtype=np.int64)
    return pd.DataFrame({c: data[c] for c in OUTPUT_COLUMNS})
