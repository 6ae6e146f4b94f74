"""Residential dissimilarity and Theil inequality across towns (DESIGN §4.3)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import xlogy

from data_access import codes, schema
from pipeline.stats.access import membership, population_lookup, population_vector, public_towns, with_total


def segregation_indices(
    town_population: pd.DataFrame, towns: pd.DataFrame, reference_group: str = "white"
) -> pd.DataFrame:
    """Index of dissimilarity D = ½ Σ_t |P_tg/P_g − P_tr/P_r| of each race group from the reference.

    One row per population year × geography (state, region, county) × race group present that year, other
    than the reference. ``total`` and ``lep`` are not residential groups of the same kind (LEP counts cover
    ages 5+ only), so they get no index. D is NaN when the group or the reference has no population there.
    """
    matrix, geos = membership(towns)
    geoids = pd.Index(towns["town_geoid"])
    frames = []
    lookup = population_lookup(town_population)
    for year in sorted(set(town_population["year"].astype(int))):
        this_year = {group: {year: by_year[year]} for group, by_year in lookup.items() if year in by_year}
        reference = _shares(matrix, population_vector(this_year, reference_group, year, geoids))
        for group in (g for g in codes.RACE_ETHNICITY if g in this_year and g != reference_group):
            shares = _shares(matrix, population_vector(this_year, group, year, geoids))
            out = geos.copy()
            out["year"], out["group_code"], out["reference_group"] = int(year), group, reference_group
            out["dissimilarity"] = 0.5 * np.abs(shares - reference).sum(axis=0)
            frames.append(out)
    if not frames:
        return pd.DataFrame(columns=schema.columns("segregation_indices"))
    return pd.concat(frames, ignore_index=True)[schema.columns("segregation_indices")]


def _shares(matrix: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Each town's share of its geography's population (town × geography), NaN columns when the total is 0."""
    weighted = matrix * population[:, None]
    totals = weighted.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, weighted / np.where(totals > 0, totals, 1.0), np.nan)


def theil(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted Theil T = Σ (w_t/W)(v_t/μ) ln(v_t/μ), μ = Σ w_t v_t / W; 0 when μ = 0, NaN when W = 0."""
    total = weights.sum()
    if total <= 0:
        return float("nan")
    mean = (weights * values).sum() / total
    if mean == 0:
        return 0.0
    ratio = values / mean
    return float((weights / total * xlogy(ratio, ratio)).sum())


def inequality_indices(
    town_measures: pd.DataFrame, town_population: pd.DataFrame, towns: pd.DataFrame
) -> pd.DataFrame:
    """Population-weighted Theil index of each measure across towns, with its state between/within split.

    ``theil`` for the state, every region and every county; at state level also ``theil_between`` (Theil of
    the region means, weighted by region population) and ``theil_within`` (Σ_r (P_r μ_r / P μ)·T_r), so that
    between + within = theil. Weights: total population of the matching population year (see
    access_by_group). Measure-years with a negative town value are skipped (Theil needs v ≥ 0). Towns marked
    ``suppressed`` are left out of every index, and ``towns_excluded`` counts them per geography (DESIGN §5).
    """
    population = population_lookup(with_total(town_population))
    matrix, geos = membership(towns)
    geoids = pd.Index(towns["town_geoid"])
    regions = towns["region_id"].to_numpy()
    frames = []
    for (year, measure_id), rows in town_measures.groupby(["year", "measure_id"], sort=True):
        rows = rows[rows["value"].notna()].drop_duplicates("town_geoid")
        if (rows["value"] < 0).any():  # judged on every town, so that skipping says nothing of a hidden one
            continue
        rows, excluded = public_towns(rows, geoids, matrix)
        position = geoids.get_indexer(rows["town_geoid"])
        rows, position = rows[position >= 0], position[position >= 0]
        if rows.empty:
            continue
        values = rows["value"].to_numpy(dtype=float)
        weights = population_vector(population, "total", int(year), geoids)[position]
        local = matrix[position]
        present = np.flatnonzero(local.sum(axis=0) > 0)
        out = geos.iloc[present].assign(index_name="theil", towns_excluded=excluded[present])
        out["value"] = [theil(values, weights * local[:, j]) for j in present]
        between, within = theil_decomposition(values, weights, regions[position])
        extra = pd.DataFrame({
            "geography_level": "state", "geography_id": codes.STATE_ID,
            "index_name": ["theil_between", "theil_within"], "value": [between, within],
            "towns_excluded": int(excluded[0]),  # column 0 of the membership matrix is the state
        })
        out = pd.concat([out, extra], ignore_index=True)
        out["year"], out["measure_id"] = int(year), measure_id
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=schema.columns("inequality_indices"))
    return pd.concat(frames, ignore_index=True)[schema.columns("inequality_indices")]


def theil_decomposition(values: np.ndarray, weights: np.ndarray, parts: np.ndarray) -> tuple[float, float]:
    """Between-part and within-part Theil (between + within = theil of the whole)."""
    total = weights.sum()
    if total <= 0:
        return float("nan"), float("nan")
    mean = (weights * values).sum() / total
    if mean == 0:
        return 0.0, 0.0
    between = within = 0.0
    for part in np.unique(parts):
        inside = parts == part
        part_weight = weights[inside].sum()
        if part_weight <= 0:
            continue
        part_mean = (weights[inside] * values[inside]).sum() / part_weight
        ratio = part_mean / mean
        between += part_weight / total * float(xlogy(ratio, ratio))
        if part_mean > 0:
            within += part_weight * part_mean / (total * mean) * theil(values[inside], weights[inside])
    return between, within
