"""Service access across towns (DESIGN §4.3): reliability, map classes and group-weighted access."""
from __future__ import annotations

import warnings
import zlib

import mapclassify
import numpy as np
import pandas as pd

from data_access import codes, schema

Z90 = 1.645  # the ACS publishes 90 % margins of error: SE = moe / 1.645
DEFAULT_SEED = 20240701
CV_TOLERANCE = 1e-9  # a cv of exactly 12 % (up to floating-point rounding) is still "high"
GEOGRAPHY_LEVELS = ("state", "region", "county")

# mapclassify schemes that give the same classes on every run (NaturalBreaks, MaxP and the *Sampled
# schemes draw random numbers; UserDefined needs bins): a release must be reproducible from its inputs.
SCHEMES = (
    "quantiles", "equalinterval", "fisherjenks", "jenkscaspall", "jenkscaspallforced", "maximumbreaks",
    "prettybreaks", "boxplot", "headtailbreaks", "percentiles", "stdmean",
)


# ---------------------------------------------------------------- town table: cv, reliability, classes
def town_measure_table(
    town_measures: pd.DataFrame,
    measures: pd.DataFrame,
    cv_high: float = 0.12,
    cv_medium: float = 0.40,
    scheme: str = "quantiles",
    k: int = 5,
) -> pd.DataFrame:
    """Town values with coefficient of variation, reliability tier and map class (town_measures table).

    cv = (moe / 1.645) / |value|; NaN when the moe is missing (the value is not a survey estimate) or the
    value is 0. reliability: ``high`` (cv ≤ cv_high), ``medium`` (cv ≤ cv_medium), ``low`` (above), and
    missing when no moe is published. A zero value with a positive moe is ``low`` (its relative error is
    unbounded); a zero value with a zero moe is ``high``. class_break: see :func:`class_breaks`.
    Rows whose measure_id is not in ``measures`` are dropped.
    """
    frame = town_measures[town_measures["measure_id"].isin(measures["measure_id"])].copy()
    value = frame["value"].astype(float)
    moe = frame["moe"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = (moe / Z90) / value.abs()
    cv = cv.where(moe.notna() & (value != 0) & value.notna())
    tier = np.select(
        [cv <= cv_high + CV_TOLERANCE, cv <= cv_medium + CV_TOLERANCE, cv > cv_medium,
         moe.notna() & (value == 0) & (moe > 0), moe.notna() & (value == 0)],
        ["high", "medium", "low", "low", "high"],
        default="",
    )
    frame["cv"] = cv
    frame["reliability"] = pd.Series(tier, index=frame.index).where(tier != "")
    frame["class_break"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for _, rows in frame.groupby(["year", "measure_id"], sort=False):
        frame.loc[rows.index, "class_break"] = class_breaks(rows["value"], scheme=scheme, k=k)
    columns = [c for c in schema.columns("town_measures") if c != "suppressed"]
    return frame[columns].sort_values(["measure_id", "year", "town_geoid"]).reset_index(drop=True)


def class_breaks(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> pd.Series:
    """Map class of each value (0 = lowest) with a mapclassify scheme; NaN values get no class.

    Ties and fewer distinct values than k are handled: k is lowered to the number of distinct values,
    and classes are numbered densely (empty classes are skipped), so the classes run 0..m−1 with m ≤ k
    for k-based schemes.
    """
    name = scheme.lower().replace("_", "")
    if name not in SCHEMES:
        raise ValueError(f"unknown or non-reproducible map scheme {scheme!r}; use one of {SCHEMES}")
    result = pd.Series(pd.NA, index=values.index, dtype="Int64")
    present = values.dropna().astype(float)
    distinct = present.nunique()
    if distinct == 0:
        return result
    if distinct == 1:
        result[present.index] = 0
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = mapclassify.classify(present.to_numpy(), name, k=min(k, distinct)).yb
    dense = np.unique(raw, return_inverse=True)[1]
    result[present.index] = dense
    return result


# ---------------------------------------------------------------- shared helpers (also used by indices)
def with_total(town_population: pd.DataFrame) -> pd.DataFrame:
    """Population with a ``total`` group for every year that lacks one (sum of the race groups)."""
    race = town_population[town_population["group"].isin(codes.RACE_ETHNICITY)]
    has_total = set(town_population.loc[town_population["group"] == "total", "year"])
    missing = race[~race["year"].isin(has_total)]
    if missing.empty:
        return town_population
    derived = missing.groupby(["year", "town_geoid"], as_index=False)["population"].sum()
    derived["group"] = "total"
    derived["moe"] = np.nan
    return pd.concat([town_population, derived[town_population.columns]], ignore_index=True)


def population_year(available: list[int] | np.ndarray, year: int) -> int | None:
    """Population year for a measure year: the same year, else the latest earlier one, else the earliest."""
    years = sorted(int(y) for y in set(available))
    if not years:
        return None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


PopulationLookup = dict[str, dict[int, pd.Series]]


def population_lookup(town_population: pd.DataFrame) -> PopulationLookup:
    """Population by group, then year: a Series of population indexed by town_geoid."""
    lookup: PopulationLookup = {}
    for (group, year), rows in town_population.groupby(["group", "year"], sort=True):
        lookup.setdefault(str(group), {})[int(year)] = rows.groupby("town_geoid")["population"].sum()
    return lookup


def population_vector(lookup: PopulationLookup, group: str, year: int, geoids: pd.Index) -> np.ndarray:
    """Population of a group aligned to ``geoids``, of the population year matching ``year`` (0 if none)."""
    by_year = lookup.get(group, {})
    chosen = population_year(list(by_year), year)
    if chosen is None:
        return np.zeros(len(geoids))
    return by_year[chosen].reindex(geoids).fillna(0.0).to_numpy(dtype=float)


def membership(towns: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Town × geography 0/1 matrix (rows in ``towns`` order) and its columns (geography_level, _id)."""
    columns = [("state", codes.STATE_ID)]
    columns += [("region", r) for r in sorted(towns["region_id"].unique())]
    columns += [("county", c) for c in sorted(towns["county_id"].unique())]
    matrix = np.zeros((len(towns), len(columns)))
    matrix[:, 0] = 1.0
    for j, (level, geo_id) in enumerate(columns[1:], start=1):
        matrix[:, j] = (towns[f"{level}_id"] == geo_id).to_numpy()
    return matrix, pd.DataFrame(columns, columns=["geography_level", "geography_id"])


def public_towns(rows: pd.DataFrame, geoids: pd.Index, matrix: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of towns whose value the public may see, and how many towns each geography leaves out.

    A town row marked ``suppressed`` (DESIGN §5) stays out of every public aggregate, so that no region, county
    or state figure gives it back by subtraction; the count per geography (``matrix`` column) is
    ``towns_excluded``. Without a ``suppressed`` column every town is public.
    """
    if "suppressed" not in rows.columns:
        return rows, np.zeros(matrix.shape[1], dtype=int)
    hidden = rows["suppressed"].fillna(False).astype(bool).to_numpy()
    position = geoids.get_indexer(rows.loc[hidden, "town_geoid"])
    excluded = matrix[position[position >= 0]].sum(axis=0).astype(int)
    return rows[~hidden], excluded


def _rng(seed: int, year: int, measure_id: str) -> np.random.Generator:
    """A generator per (year, measure): results do not depend on which other measures are in the release."""
    return np.random.default_rng([seed, int(year), zlib.crc32(str(measure_id).encode())])


# ---------------------------------------------------------------- group-weighted access
def access_by_group(
    town_measures: pd.DataFrame,
    town_population: pd.DataFrame,
    towns: pd.DataFrame,
    reference_group: str = "white",
    draws: int = 1000,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Population-weighted access of each group by geography, with a 90 % bootstrap interval.

    weighted_value = Σ v_t·P_tg / Σ P_tg over the geography's towns that have a value. Interval: 5th and 95th
    percentiles of ``draws`` redraws of every town value from Normal(v_t, moe_t/1.645) (towns without a moe
    held fixed), seeded per (seed, year, measure). ``total`` uses the total population (or the sum of the race
    groups when no total is given). The population year is the measure's year, else the latest earlier year,
    else the earliest available (per group). A group with no population in a geography gets NaN.
    """
    population = population_lookup(with_total(town_population))
    groups = [g for g in codes.POPULATION_GROUPS if g in population]
    matrix, geos = membership(towns)
    geoids = pd.Index(towns["town_geoid"])
    parts, by_year = [], {}
    for (year, measure_id), rows in town_measures.groupby(["year", "measure_id"], sort=True):
        if year not in by_year:
            vectors = [population_vector(population, g, int(year), geoids) for g in groups]
            by_year[year] = np.column_stack(vectors or [np.zeros(len(geoids))])
        rows, excluded = public_towns(rows[rows["value"].notna()].drop_duplicates("town_geoid"), geoids, matrix)
        parts.append(_access_one(rows, geoids, matrix, by_year[year], groups, reference_group,
                                 _rng(seed, int(year), measure_id), draws))
        parts[-1]["towns_excluded"] = excluded[parts[-1]["geo"]]
        parts[-1].update(year=int(year), measure_id=measure_id)
    columns = schema.columns("access_by_group")
    if not parts or not groups:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame({key: np.concatenate([np.broadcast_to(p[key], p["group_code"].shape) for p in parts])
                        for key in parts[0] if key != "geo"})
    out["geography_level"] = np.concatenate([geos["geography_level"].to_numpy()[p["geo"]] for p in parts])
    out["geography_id"] = np.concatenate([geos["geography_id"].to_numpy()[p["geo"]] for p in parts])
    out["reference_group"] = reference_group
    return out[columns]


def _access_one(
    rows: pd.DataFrame,
    geoids: pd.Index,
    matrix: np.ndarray,
    population: np.ndarray,
    groups: list[str],
    reference_group: str,
    rng: np.random.Generator,
    draws: int,
) -> dict[str, np.ndarray]:
    """Weighted values, intervals, ratios and differences of one (year, measure), flattened group-major."""
    position = geoids.get_indexer(rows["town_geoid"])
    rows, position = rows[position >= 0], position[position >= 0]
    local = matrix[position]
    geo = np.flatnonzero(local.sum(axis=0) > 0)  # geographies with at least one town with a value
    local = local[:, geo]
    value = rows["value"].to_numpy(dtype=float)
    se = np.abs(np.nan_to_num(rows["moe"].to_numpy(dtype=float) / Z90))
    weights = (local[:, None, :] * population[position][:, :, None]).reshape(len(position), -1)
    totals = weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        normalised = np.where(totals > 0, weights / np.where(totals > 0, totals, 1.0), np.nan)
    point = value @ normalised
    noise = rng.standard_normal((draws, len(value))) * se
    drawn = point + noise @ normalised
    with np.errstate(invalid="ignore"):
        low, high = np.percentile(drawn, [5.0, 95.0], axis=0)
    table = point.reshape(len(groups), len(geo))
    missing = np.full(len(geo), np.nan)
    reference = table[groups.index(reference_group)] if reference_group in groups else missing
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(reference != 0, table / reference, np.nan)
    ratio_low, ratio_high = _ratio_interval(drawn.reshape(draws, len(groups), len(geo)), groups, reference_group)
    return {
        "geo": np.tile(geo, len(groups)), "group_code": np.repeat(np.array(groups, dtype=object), len(geo)),
        "weighted_value": point, "ci_low": low, "ci_high": high,
        "ratio": ratio.ravel(), "ratio_ci_low": ratio_low, "ratio_ci_high": ratio_high,
        "difference": (table - reference).ravel(),
    }


def _ratio_interval(drawn: np.ndarray, groups: list[str], reference_group: str) -> tuple[np.ndarray, np.ndarray]:
    """90 % interval of each group's ratio to the reference from the same bootstrap draws (draws × groups × geo),
    so the two values' shared towns move together; empty where the reference can be 0."""
    size = drawn.shape[1] * drawn.shape[2]
    if reference_group not in groups:
        return np.full(size, np.nan), np.full(size, np.nan)
    reference = drawn[:, [groups.index(reference_group)], :]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(reference > 0, drawn / np.where(reference > 0, reference, 1.0), np.nan)
        low, high = np.percentile(ratios, [5.0, 95.0], axis=0)
    defined = (reference > 0).all(axis=0)
    return np.where(defined, low, np.nan).ravel(), np.where(defined, high, np.nan).ravel()
