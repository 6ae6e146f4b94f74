"""Service-access statistics (DESIGN §4.3) against hand-worked and independent references."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access import schema
from geo.towns import towns as town_table
from pipeline.stats.access import access_by_group, class_breaks, town_measure_table
from pipeline.stats.indices import inequality_indices, segregation_indices, theil, theil_decomposition
from tests.conftest import shared_reference

HARTFORD, WEST_HARTFORD, BRIDGEPORT = "0911037070", "0911082590", "0912008070"
TOWNS = town_table()


def population(rows: list[tuple], year: int = 2023) -> pd.DataFrame:
    """(town_geoid, group, population) rows as a town_population frame."""
    frame = pd.DataFrame(rows, columns=["town_geoid", "group", "population"])
    frame["population"] = frame["population"].astype(float)
    return frame.assign(year=year, moe=np.nan)[["year", "town_geoid", "group", "population", "moe"]]


def measures(values: dict[str, float], moe: dict[str, float] | None = None, year: int = 2023,
             measure_id: str = "m") -> pd.DataFrame:
    """A town_measures frame of one measure and year."""
    moe = moe or {}
    return pd.DataFrame({
        "year": year, "town_geoid": list(values), "measure_id": measure_id,
        "value": [float(v) for v in values.values()], "numerator": np.nan, "denominator": np.nan,
        "moe": [float(moe.get(t, np.nan)) for t in values],
    })


def pick(frame: pd.DataFrame, level: str, geo_id: str, group: str) -> pd.Series:
    row = frame[(frame["geography_level"] == level) & (frame["geography_id"] == geo_id)
                & (frame["group_code"] == group)]
    assert len(row) == 1
    return row.iloc[0]


# ---------------------------------------------------------------- real data (ACS 2019–2023 by town)
@pytest.fixture(scope="module")
def real_population() -> pd.DataFrame:
    path = shared_reference("data/ct/population_by_race_ethnicity_acs2019_2023.csv")  # skips, or fails in CI
    raw = pd.read_csv(path, dtype={"town_geoid_2022": str})
    raw = raw[raw["geography_level"] == "town"]
    groups = {"white": "white", "black": "black", "latino": "hispanic", "other_race": "asian",
              "total_pop": "total"}
    return pd.DataFrame({
        "year": 2023, "town_geoid": raw["town_geoid_2022"].to_numpy(),
        "group": raw["group"].map(groups).to_numpy(),
        "population": raw["estimate"].astype(float).to_numpy(), "moe": raw["moe"].astype(float).to_numpy(),
    })


@pytest.fixture(scope="module")
def white_share(real_population: pd.DataFrame) -> pd.DataFrame:
    wide = real_population.pivot(index="town_geoid", columns="group", values="population")
    return measures((wide["white"] / wide["total"]).to_dict(), measure_id="white_share")


# ---------------------------------------------------------------- town table: cv, reliability, class
@pytest.mark.parametrize(
    ("value", "moe", "cv", "reliability"),
    [
        (100.0, 0.12 * 1.645 * 100, 0.12, "high"),  # cv exactly 12 % is still high
        (100.0, 0.13 * 1.645 * 100, 0.13, "medium"),
        (100.0, 0.40 * 1.645 * 100, 0.40, "medium"),
        (100.0, 0.41 * 1.645 * 100, 0.41, "low"),
        (-50.0, 0.05 * 1.645 * 50, 0.05, "high"),  # cv uses |value|
        (100.0, np.nan, np.nan, None),  # no moe published: not a survey estimate
        (0.0, 5.0, np.nan, "low"),  # zero estimate with an error: unbounded relative error
        (0.0, 0.0, np.nan, "high"),
    ],
)
def test_town_measure_table_cv_and_reliability(value, moe, cv, reliability):
    known = pd.DataFrame({"measure_id": ["m"]})
    out = town_measure_table(measures({HARTFORD: value}, {HARTFORD: moe}), known)
    assert list(out.columns) == [c for c in schema.columns("town_measures") if c != "suppressed"]
    row = out.iloc[0]
    assert (math.isnan(row["cv"]) and math.isnan(cv)) or row["cv"] == pytest.approx(cv)
    assert (pd.isna(row["reliability"]) and reliability is None) or row["reliability"] == reliability


def test_town_measure_table_custom_tiers_and_unknown_measure_dropped():
    frame = pd.concat([measures({HARTFORD: 100.0}, {HARTFORD: 0.2 * 1.645 * 100}),
                       measures({HARTFORD: 1.0}, measure_id="unknown")])
    out = town_measure_table(frame, pd.DataFrame({"measure_id": ["m"]}), cv_high=0.25)
    assert out["measure_id"].tolist() == ["m"]
    assert out["reliability"].tolist() == ["high"]


def test_class_breaks_quintiles_by_hand():
    # 10 distinct values in 5 quantile classes: two values per class.
    values = pd.Series([5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 10.0, 4.0, 8.0, 6.0])
    assert class_breaks(values).tolist() == [2, 0, 4, 1, 3, 0, 4, 1, 3, 2]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 1.0, 1.0, 2.0], [0, 0, 0, 1]),  # fewer distinct values than k
        ([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], [0, 0, 0, 0, 0, 0, 1, 1, 2, 2]),  # ties: classes stay consecutive
        ([3.0, 3.0, 3.0], [0, 0, 0]),
        ([3.0, np.nan, 4.0], [0, None, 1]),
    ],
)
def test_class_breaks_ties_and_missing(values, expected):
    out = class_breaks(pd.Series(values, dtype=float))
    assert [None if pd.isna(v) else int(v) for v in out] == expected


def test_class_breaks_other_scheme_and_unknown_scheme():
    values = pd.Series(np.arange(11, dtype=float))  # 0..10, equal intervals of width 5: ≤ 5 and > 5
    assert class_breaks(values, scheme="equal_interval", k=2).tolist() == [0] * 6 + [1] * 5
    with pytest.raises(ValueError, match="scheme"):
        class_breaks(values, scheme="natural_breaks")


def test_class_breaks_match_pandas_qcut_on_real_towns(white_share):
    # Independent route: pandas' quantile cut of the 169 towns' shares (all distinct).
    out = town_measure_table(white_share, pd.DataFrame({"measure_id": ["white_share"]}))
    expected = pd.qcut(out["value"], 5, labels=False)
    assert out["class_break"].astype(int).tolist() == expected.tolist()


# ---------------------------------------------------------------- group-weighted access
THREE_TOWNS = population([
    (HARTFORD, "white", 100), (WEST_HARTFORD, "white", 300), (BRIDGEPORT, "white", 0),
    (HARTFORD, "black", 50), (WEST_HARTFORD, "black", 50), (BRIDGEPORT, "black", 100),
    (HARTFORD, "total", 150), (WEST_HARTFORD, "total", 350), (BRIDGEPORT, "total", 100),
])
THREE_VALUES = {HARTFORD: 10.0, WEST_HARTFORD: 20.0, BRIDGEPORT: 40.0}


def test_weighted_access_by_hand():
    out = access_by_group(measures(THREE_VALUES), THREE_TOWNS, TOWNS, draws=50)
    assert list(out.columns) == schema.columns("access_by_group")
    # State, white: (10·100 + 20·300 + 40·0) / 400 = 7000/400 = 17.5
    white = pick(out, "state", "09", "white")
    assert white["weighted_value"] == pytest.approx(17.5)
    assert white["ratio"] == pytest.approx(1.0) and white["difference"] == pytest.approx(0.0)
    # State, black: (10·50 + 20·50 + 40·100) / 200 = 5500/200 = 27.5; ratio 27.5/17.5, difference 10
    black = pick(out, "state", "09", "black")
    assert black["weighted_value"] == pytest.approx(27.5)
    assert black["ratio"] == pytest.approx(27.5 / 17.5) and black["difference"] == pytest.approx(10.0)
    assert black["reference_group"] == "white"
    # State, total: (10·150 + 20·350 + 40·100) / 600 = 12500/600
    assert pick(out, "state", "09", "total")["weighted_value"] == pytest.approx(12500 / 600)
    # Capitol region (Hartford, West Hartford), black: (10·50 + 20·50) / 100 = 15
    assert pick(out, "region", "09110", "black")["weighted_value"] == pytest.approx(15.0)
    assert pick(out, "county", "09003", "white")["weighted_value"] == pytest.approx(17.5)
    # Bridgeport region: no white residents → NaN, not a division error; black = Bridgeport's value
    bridgeport_white = pick(out, "region", "09120", "white")
    assert math.isnan(bridgeport_white["weighted_value"]) and math.isnan(bridgeport_white["ci_low"])
    bridgeport_black = pick(out, "region", "09120", "black")
    assert bridgeport_black["weighted_value"] == pytest.approx(40.0) and math.isnan(bridgeport_black["ratio"])
    # only geographies with towns that have a value appear; no town level
    assert set(out["geography_level"]) == {"state", "region", "county"}
    assert set(out.loc[out["geography_level"] == "region", "geography_id"]) == {"09110", "09120"}


def test_group_absent_everywhere_has_no_rows_and_total_derived_from_race_groups():
    no_total = THREE_TOWNS[THREE_TOWNS["group"] != "total"]
    out = access_by_group(measures(THREE_VALUES), no_total, TOWNS, draws=10)
    assert set(out["group_code"]) == {"white", "black", "total"}
    # total = white + black: Hartford 150, West Hartford 350, Bridgeport 100 → same as the given total
    assert pick(out, "state", "09", "total")["weighted_value"] == pytest.approx(12500 / 600)


def test_reference_group_absent_gives_missing_ratio_but_keeps_reference_code():
    black_only = THREE_TOWNS[THREE_TOWNS["group"] == "black"]
    out = access_by_group(measures(THREE_VALUES), black_only, TOWNS, draws=10, reference_group="white")
    row = pick(out, "state", "09", "black")
    assert row["weighted_value"] == pytest.approx(27.5)
    assert math.isnan(row["ratio"]) and math.isnan(row["difference"]) and row["reference_group"] == "white"


def test_other_reference_group():
    out = access_by_group(measures(THREE_VALUES), THREE_TOWNS, TOWNS, draws=10, reference_group="black")
    assert pick(out, "state", "09", "white")["ratio"] == pytest.approx(17.5 / 27.5)


@pytest.mark.parametrize(
    ("measure_year", "expected"),
    [
        (2020, 10.0),  # the same year
        (2021, 10.0),  # latest earlier year (2020)
        (2022, 30.0),  # the same year
        (2019, 10.0),  # before every population year: the earliest (2020)
        (2030, 30.0),  # latest earlier year (2022)
    ],
)
def test_population_year_rule(measure_year, expected):
    # 2020: all white residents in Hartford (value 10); 2022: all in Bridgeport (value 30).
    pop = pd.concat([
        population([(HARTFORD, "white", 100), (BRIDGEPORT, "white", 0)], year=2020),
        population([(HARTFORD, "white", 0), (BRIDGEPORT, "white", 100)], year=2022),
    ])
    values = measures({HARTFORD: 10.0, BRIDGEPORT: 30.0}, year=measure_year)
    out = access_by_group(values, pop, TOWNS, draws=10)
    assert pick(out, "state", "09", "white")["weighted_value"] == pytest.approx(expected)


def test_bootstrap_is_seeded_and_contains_the_estimate():
    moe = {HARTFORD: 4.0, WEST_HARTFORD: 6.0, BRIDGEPORT: 9.0}
    first = access_by_group(measures(THREE_VALUES, moe), THREE_TOWNS, TOWNS, draws=400, seed=7)
    again = access_by_group(measures(THREE_VALUES, moe), THREE_TOWNS, TOWNS, draws=400, seed=7)
    other = access_by_group(measures(THREE_VALUES, moe), THREE_TOWNS, TOWNS, draws=400, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"].dropna(), other["ci_low"].dropna())
    valid = first.dropna(subset=["weighted_value"])
    assert (valid["ci_low"] < valid["weighted_value"]).all()
    assert (valid["weighted_value"] < valid["ci_high"]).all()


def test_bootstrap_interval_matches_normal_theory():
    # A weighted mean of independent normals is normal with SE = sqrt(Σ w_t² se_t²) / Σ w_t, so the 90 %
    # interval is the estimate ± 1.645·SE. State black weights 50, 50, 100 (sum 200); se = moe/1.645.
    moe = {HARTFORD: 4.0, WEST_HARTFORD: 6.0, BRIDGEPORT: 9.0}
    out = access_by_group(measures(THREE_VALUES, moe), THREE_TOWNS, TOWNS, draws=40000, seed=1)
    se = math.sqrt((50 * 4 / 1.645) ** 2 + (50 * 6 / 1.645) ** 2 + (100 * 9 / 1.645) ** 2) / 200
    row = pick(out, "state", "09", "black")
    assert row["ci_low"] == pytest.approx(27.5 - 1.645 * se, abs=0.03 * 1.645 * se)
    assert row["ci_high"] == pytest.approx(27.5 + 1.645 * se, abs=0.03 * 1.645 * se)


def test_towns_without_moe_are_fixed():
    out = access_by_group(measures(THREE_VALUES), THREE_TOWNS, TOWNS, draws=200)
    valid = out.dropna(subset=["weighted_value"])
    assert (valid["ci_low"] == valid["weighted_value"]).all()
    assert (valid["ci_high"] == valid["weighted_value"]).all()
    # Only Bridgeport has a moe: the Capitol region (Hartford, West Hartford) keeps a zero-width interval.
    mixed = access_by_group(measures(THREE_VALUES, {BRIDGEPORT: 5.0}), THREE_TOWNS, TOWNS, draws=200)
    capitol = pick(mixed, "region", "09110", "black")
    assert capitol["ci_low"] == capitol["ci_high"] == capitol["weighted_value"]
    state = pick(mixed, "state", "09", "black")
    assert state["ci_low"] < state["weighted_value"] < state["ci_high"]


def test_town_without_a_value_is_left_out():
    values = measures({**THREE_VALUES, BRIDGEPORT: np.nan})
    out = access_by_group(values, THREE_TOWNS, TOWNS, draws=10)
    # black over Hartford and West Hartford only: (10·50 + 20·50)/100 = 15
    assert pick(out, "state", "09", "black")["weighted_value"] == pytest.approx(15.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 1e5), st.floats(0, 1e5)), min_size=3, max_size=3))
def test_weighted_access_lies_between_town_extremes(rows):
    geoids = [HARTFORD, WEST_HARTFORD, BRIDGEPORT]
    values = {g: v for g, (v, _, _) in zip(geoids, rows)}
    pop = population([(g, "white", w) for g, (_, w, _) in zip(geoids, rows)]
                     + [(g, "black", b) for g, (_, _, b) in zip(geoids, rows)])
    out = access_by_group(measures(values), pop, TOWNS, draws=5).dropna(subset=["weighted_value"])
    low, high = min(values.values()), max(values.values())
    assert ((out["weighted_value"] >= low - 1e-9 * (1 + abs(low)))
            & (out["weighted_value"] <= high + 1e-9 * (1 + abs(high)))).all()


# ---------------------------------------------------------------- dissimilarity
def test_dissimilarity_two_towns_by_hand():
    pop = population([(HARTFORD, "white", 80), (HARTFORD, "black", 20),
                      (WEST_HARTFORD, "white", 20), (WEST_HARTFORD, "black", 80)])
    out = segregation_indices(pop, TOWNS[TOWNS["town_geoid"].isin([HARTFORD, WEST_HARTFORD])])
    assert list(out.columns) == schema.columns("segregation_indices")
    # ½ (|20/100 − 80/100| + |80/100 − 20/100|) = ½ (0.6 + 0.6) = 0.6
    assert pick(out, "state", "09", "black")["dissimilarity"] == pytest.approx(0.6)
    assert set(out["group_code"]) == {"black"}


def test_dissimilarity_single_town_zero_group_and_excluded_groups():
    pop = population([(HARTFORD, "white", 80), (HARTFORD, "black", 20), (HARTFORD, "asian", 0),
                      (HARTFORD, "total", 100), (HARTFORD, "lep", 7), (BRIDGEPORT, "white", 10),
                      (BRIDGEPORT, "black", 0), (BRIDGEPORT, "asian", 0)])
    out = segregation_indices(pop, TOWNS[TOWNS["town_geoid"].isin([HARTFORD, BRIDGEPORT])])
    assert set(out["group_code"]) == {"black", "asian"}  # no total, lep or reference rows
    assert pick(out, "region", "09110", "black")["dissimilarity"] == pytest.approx(0.0)  # one town: D = 0
    assert math.isnan(pick(out, "region", "09120", "black")["dissimilarity"])  # no black residents there
    assert math.isnan(pick(out, "state", "09", "asian")["dissimilarity"])


def test_dissimilarity_matches_two_group_formula_on_real_towns(real_population):
    # Independent route (Duncan & Duncan, two-group form): with T_t = g_t + r_t, p_t = g_t/T_t, p = G/T,
    # D = Σ_t T_t |p_t − p| / (2 T p (1 − p)).
    out = segregation_indices(real_population, TOWNS)
    wide = real_population.pivot(index="town_geoid", columns="group", values="population")
    for group in ("black", "hispanic", "asian"):
        both = wide[group] + wide["white"]
        p_t, p = wide[group] / both, wide[group].sum() / both.sum()
        expected = (both * (p_t - p).abs()).sum() / (2 * both.sum() * p * (1 - p))
        assert pick(out, "state", "09", group)["dissimilarity"] == pytest.approx(expected, rel=1e-12)
    assert len(out) == 3 * (1 + 9 + 8)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=12))
def test_dissimilarity_between_zero_and_one(rows):
    geoids = TOWNS["town_geoid"].tolist()[: len(rows)]
    pop = population([(g, "white", w) for g, (w, _) in zip(geoids, rows)]
                     + [(g, "black", b) for g, (_, b) in zip(geoids, rows)])
    values = segregation_indices(pop, TOWNS[TOWNS["town_geoid"].isin(geoids)])["dissimilarity"].dropna()
    assert ((values >= 0) & (values <= 1 + 1e-12)).all()


# ---------------------------------------------------------------- Theil
def test_theil_three_towns_by_hand():
    # v = 1, 2, 4 with weights 1, 1, 2: P = 4, μ = (1 + 2 + 8)/4 = 11/4.
    # T = ¼·(4/11)·ln(4/11) + ¼·(8/11)·ln(8/11) + ½·(16/11)·ln(16/11)
    #   = ¼·0.363636·(−1.011601) + ¼·0.727273·(−0.318454) + ½·1.454545·0.374693
    #   = −0.091964 − 0.057901 + 0.272504 = 0.122639
    assert theil(np.array([1.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0])) == pytest.approx(0.122639, abs=1e-6)
    # A town with value 0 adds 0: v = 0, 2 with equal weights, μ = 1: T = ½·0 + ½·2·ln 2 = ln 2
    assert theil(np.array([0.0, 2.0]), np.array([1.0, 1.0])) == pytest.approx(math.log(2))
    assert theil(np.array([0.0, 0.0]), np.array([1.0, 1.0])) == 0.0  # all equal (zero): no inequality
    assert math.isnan(theil(np.array([1.0]), np.array([0.0])))


def test_theil_decomposition_by_hand():
    # Regions: A = {1, 2} (weights 1, 1), B = {4} (weight 2). μ = 11/4, μ_A = 3/2, μ_B = 4.
    # between = (2/4)(6/11)ln(6/11) + (2/4)(16/11)ln(16/11) = −0.165310 + 0.272504 = 0.107194
    # T_A = ½(2/3)ln(2/3) + ½(4/3)ln(4/3) = −0.135155 + 0.191788 = 0.056633 (T_B = 0: one town)
    # within = (P_A μ_A / P μ)·T_A + (P_B μ_B / P μ)·0 = (2·1.5/11)·0.056633 = 0.015445
    # between + within = 0.107194 + 0.015445 = 0.122639 = T of the three towns (above).
    between, within = theil_decomposition(np.array([1.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0]),
                                          np.array(["A", "A", "B"]))
    assert between == pytest.approx(0.5 * 6 / 11 * math.log(6 / 11) + 0.5 * 16 / 11 * math.log(16 / 11))
    t_a = 0.5 * (2 / 3) * math.log(2 / 3) + 0.5 * (4 / 3) * math.log(4 / 3)
    assert within == pytest.approx(3 / 11 * t_a)
    assert between + within == pytest.approx(0.122639, abs=1e-6)


def test_inequality_indices_real_towns_decompose_exactly(white_share, real_population):
    out = inequality_indices(white_share, real_population, TOWNS)
    assert list(out.columns) == schema.columns("inequality_indices")
    state = out[out["geography_level"] == "state"].set_index("index_name")["value"]
    assert state["theil_between"] + state["theil_within"] == pytest.approx(state["theil"], abs=1e-12)
    # Independent route: T = Σ s_t ln(s_t / w_t), s_t = the town's share of Σ P·v, w_t its population share.
    wide = real_population.pivot(index="town_geoid", columns="group", values="population")
    values = white_share.set_index("town_geoid")["value"].reindex(wide.index)
    s, w = wide["total"] * values / (wide["total"] * values).sum(), wide["total"] / wide["total"].sum()
    assert state["theil"] == pytest.approx((s * np.log(s / w)).sum(), rel=1e-10)
    assert len(out) == 1 + 9 + 8 + 2
    # A region's Theil only uses its own towns.
    capitol = TOWNS.loc[TOWNS["region_id"] == "09110", "town_geoid"]
    s_c, w_c = s[capitol] / s[capitol].sum(), w[capitol] / w[capitol].sum()
    expected = (s_c * np.log(s_c / w_c)).sum()
    region = out[(out["geography_level"] == "region") & (out["geography_id"] == "09110")]["value"].iloc[0]
    assert region == pytest.approx(expected, rel=1e-10)


def test_inequality_skips_negative_measures_and_handles_single_town_and_zero():
    pop = population([(HARTFORD, "total", 100), (WEST_HARTFORD, "total", 100), (BRIDGEPORT, "total", 50)])
    frame = pd.concat([
        measures({HARTFORD: 0.0, WEST_HARTFORD: 2.0, BRIDGEPORT: 5.0}, measure_id="ok"),
        measures({HARTFORD: -1.0, WEST_HARTFORD: 2.0}, measure_id="negative"),
    ])
    out = inequality_indices(frame, pop, TOWNS)
    assert set(out["measure_id"]) == {"ok"}
    by = out.set_index(["geography_level", "geography_id", "index_name"])["value"]
    assert by[("region", "09120", "theil")] == 0.0  # one town (Bridgeport): no inequality
    # Capitol: v = 0, 2 equal weights → ln 2 (the zero town adds 0)
    assert by[("region", "09110", "theil")] == pytest.approx(math.log(2))
    assert by[("state", "09", "theil_between")] + by[("state", "09", "theil_within")] == pytest.approx(
        by[("state", "09", "theil")], abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e4), st.floats(0.5, 1e5), st.integers(0, 3)),
                min_size=1, max_size=20))
def test_theil_between_plus_within_is_total(rows):
    values, weights, parts = (np.array(column) for column in zip(*rows))
    between, within = theil_decomposition(values, weights, parts)
    total = theil(values, weights)
    assert between + within == pytest.approx(total, abs=1e-12)
    assert total >= -1e-12 and between >= -1e-12 and within >= -1e-12


def test_ratio_interval_matches_the_delta_method():
    # ratio R = B / W of two weighted means sharing towns; by the delta method
    # Var R ≈ Var B / W² + B² Var W / W⁴ − 2 B Cov(B, W) / W³, with weights black (50, 50, 100)/200 and
    # white (100, 300, 0)/400 over Hartford 10, West Hartford 20, Bridgeport 40; small errors keep R near-linear.
    moe = {HARTFORD: 0.8, WEST_HARTFORD: 0.6, BRIDGEPORT: 1.0}
    out = access_by_group(measures(THREE_VALUES, moe), THREE_TOWNS, TOWNS, draws=40000, seed=3)
    se = np.array([moe[HARTFORD], moe[WEST_HARTFORD], moe[BRIDGEPORT]]) / 1.645
    b, w = np.array([50, 50, 100]) / 200, np.array([100, 300, 0]) / 400
    big_b, big_w = 27.5, 17.5
    var_b, var_w, cov = (b**2 * se**2).sum(), (w**2 * se**2).sum(), (b * w * se**2).sum()
    sd = math.sqrt(var_b / big_w**2 + big_b**2 * var_w / big_w**4 - 2 * big_b * cov / big_w**3)
    row = pick(out, "state", "09", "black")
    assert row["ratio"] == pytest.approx(big_b / big_w)
    assert row["ratio_ci_low"] == pytest.approx(big_b / big_w - 1.645 * sd, abs=0.05 * 1.645 * sd)
    assert row["ratio_ci_high"] == pytest.approx(big_b / big_w + 1.645 * sd, abs=0.05 * 1.645 * sd)
    white = pick(out, "state", "09", "white")  # the reference against itself: exactly 1 in every draw
    assert white["ratio_ci_low"] == pytest.approx(1.0) and white["ratio_ci_high"] == pytest.approx(1.0)


def test_ratio_interval_is_empty_without_a_reference_and_fixed_without_moe():
    out = access_by_group(measures(THREE_VALUES), THREE_TOWNS, TOWNS, draws=50)
    black = pick(out, "state", "09", "black")
    assert black["ratio_ci_low"] == pytest.approx(black["ratio"]) == pytest.approx(black["ratio_ci_high"])
    bridgeport = pick(out, "region", "09120", "black")  # no white residents there: no ratio, no interval
    assert math.isnan(bridgeport["ratio_ci_low"]) and math.isnan(bridgeport["ratio_ci_high"])
