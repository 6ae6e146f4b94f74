"""Workforce utilization (DESIGN §4.1) against values worked by hand or by exact enumeration."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access import codes
from data_access.schema import columns
from pipeline.stats.utilization import utilization, utilization_statistics

YEAR = 2024


def workforce(rows: list[tuple]) -> pd.DataFrame:
    """rows: (agency, category, race, sex, headcount)."""
    frame = pd.DataFrame(rows, columns=["agency_code", "job_category", "race_ethnicity", "sex", "headcount"])
    return frame.assign(fiscal_year=YEAR)


def availability(rows: list[tuple]) -> pd.DataFrame:
    """rows: (agency or None for the statewide default, category, race, sex, availability)."""
    frame = pd.DataFrame(rows, columns=["agency_code", "job_category", "race_ethnicity", "sex", "availability"])
    return frame.assign(fiscal_year=YEAR)


def row(out: pd.DataFrame, agency: str, category: str, dimension: str, group: str) -> pd.Series:
    hit = out[(out["agency_code"] == agency) & (out["job_category"] == category)
              & (out["group_dimension"] == dimension) & (out["group_code"] == group)]
    assert len(hit) == 1, (agency, category, dimension, group, len(hit))
    return hit.iloc[0]


def binomial_cdf_exact(n: int, total: int, a: Fraction) -> float:
    """P(X ≤ n) for X ~ Binomial(total, a), summed exactly with math.comb and fractions."""
    return float(sum(math.comb(total, k) * a**k * (1 - a) ** (total - k) for k in range(n + 1)))


def two_group_cell(n: int, total: int, a: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One DSS professionals cell: n Black women, the rest White men; availability a for Black women."""
    wf = workforce([("DSS", "professionals", "black", "female", n),
                    ("DSS", "professionals", "white", "male", total - n)])
    av = availability([(None, "professionals", "black", "female", a),
                       (None, "professionals", "white", "male", 1 - a)])
    return wf, av


# --- exact binomial p-values -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("n", "total", "a", "expected"),
    [
        # N=4, a=0.5, n=0: P(X=0) = 0.5^4 = 1/16 = 0.0625
        (0, 4, 0.5, 0.0625),
        # N=10, a=0.3, n=1: 0.7^10 + 10·0.3·0.7^9 = 0.0282475249 + 10·0.3·0.040353607
        #   = 0.0282475249 + 0.121060821 = 0.1493083459
        (1, 10, 0.3, 0.1493083459),
        # N=5, a=0.2, n=0: 0.8^5 = 0.32768
        (0, 5, 0.2, 0.32768),
        # N=3, a=0.5, n=1: (C(3,0) + C(3,1))/2^3 = (1 + 3)/8 = 0.5
        (1, 3, 0.5, 0.5),
        # N=5, a=0.4, n=5: every outcome is ≤ 5, P = 1
        (5, 5, 0.4, 1.0),
    ],
)
def test_p_value_worked_by_hand(n, total, a, expected):
    wf, av = two_group_cell(n, total, a)
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "black_female")
    assert got["p_value"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("n", "total", "a"),
    [(3, 40, Fraction(1, 4)), (0, 25, Fraction(3, 20)), (12, 30, Fraction(1, 2)), (7, 200, Fraction(1, 10)),
     (50, 60, Fraction(9, 10)), (1, 1, Fraction(1, 3))],
)
def test_p_value_matches_exact_enumeration(n, total, a):
    wf, av = two_group_cell(n, total, float(a))
    got = row(utilization(wf, av), "DSS", "professionals", "race_ethnicity", "black")
    assert got["p_value"] == pytest.approx(binomial_cdf_exact(n, total, a), rel=1e-9)


# --- the other §4.1 figures ----------------------------------------------------------------------------

def test_figures_and_flags_worked_by_hand():
    # N = 40, n = 4, a = 0.25
    # share = 4/40 = 0.1; ratio = 0.1/0.25 = 0.4; expected = 40·0.25 = 10; shortfall = 10 − 4 = 6
    # z = (4 − 10)/√(40·0.25·0.75) = −6/√7.5 = −6/2.738613 = −2.190890
    # p = P(X ≤ 4 | 40, 0.25) ≈ 0.016 (exact sum below) < 0.05
    wf, av = two_group_cell(4, 40, 0.25)
    got = row(utilization(wf, av), "DSS", "professionals", "race_ethnicity", "black")
    assert got["headcount"] == 4 and got["total"] == 40
    assert got["share"] == pytest.approx(0.1)
    assert got["utilization_ratio"] == pytest.approx(0.4)
    assert got["expected"] == pytest.approx(10.0)
    assert got["shortfall"] == pytest.approx(6.0)
    assert got["z_score"] == pytest.approx(-2.190890, abs=1e-6)
    assert got["p_value"] == pytest.approx(binomial_cdf_exact(4, 40, Fraction(1, 4)), rel=1e-9)
    assert got["p_value"] < 0.05
    assert got["flag_80pct"] and got["flag_2sd"] and got["flag_significant"]


def test_overrepresented_group_is_not_flagged():
    # White men: n = 36 of 40 against a = 0.75: ratio 0.9/0.75 = 1.2, z = (36 − 30)/√7.5 = +2.19
    wf, av = two_group_cell(4, 40, 0.25)
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "white_male")
    assert got["utilization_ratio"] == pytest.approx(1.2)
    assert got["z_score"] == pytest.approx(2.190890, abs=1e-6)
    assert not (got["flag_80pct"] or got["flag_2sd"] or got["flag_significant"])


def test_each_convention_can_flag_on_its_own():
    # N = 100, n = 19, a = 0.2: ratio 0.95 (no 80 % flag), z = −1/4 = −0.25 (no 2 SD flag)
    wf, av = two_group_cell(19, 100, 0.2)
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "black_female")
    assert not (got["flag_80pct"] or got["flag_2sd"] or got["flag_significant"])
    # N = 5, n = 0, a = 0.3: ratio 0 < 0.8 flags, z = −1.5/√1.05 = −1.46 does not, p = 0.7^5 = 0.168 does not
    wf, av = two_group_cell(0, 5, 0.3)
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "black_female")
    assert got["flag_80pct"] and not got["flag_2sd"] and not got["flag_significant"]
    assert got["p_value"] == pytest.approx(0.7**5)


# --- ALL rows: headcount-weighted availability ---------------------------------------------------------

@pytest.fixture
def two_agencies():
    wf = workforce([
        ("DSS", "professionals", "black", "female", 6), ("DSS", "professionals", "white", "male", 24),
        ("DSS", "technicians", "black", "male", 4), ("DSS", "technicians", "white", "female", 6),
        ("DOT", "professionals", "black", "female", 4), ("DOT", "professionals", "white", "male", 16),
    ])
    av = availability([
        # statewide defaults: professionals Black 10 %, technicians Black 40 %
        (None, "professionals", "black", "female", 0.1), (None, "professionals", "white", "male", 0.9),
        (None, "technicians", "black", "male", 0.4), (None, "technicians", "white", "female", 0.6),
        # DSS has its own professionals set: Black 20 % (DOT keeps the statewide 10 %)
        ("DSS", "professionals", "black", "female", 0.2), ("DSS", "professionals", "white", "male", 0.8),
    ])
    return utilization(wf, av)


def test_agency_set_overrides_statewide_default(two_agencies):
    assert row(two_agencies, "DSS", "professionals", "race_ethnicity", "black")["availability"] == pytest.approx(0.2)
    assert row(two_agencies, "DOT", "professionals", "race_ethnicity", "black")["availability"] == pytest.approx(0.1)
    assert row(two_agencies, "DSS", "technicians", "race_ethnicity", "black")["availability"] == pytest.approx(0.4)


def test_all_categories_weight_availability_by_category_headcount(two_agencies):
    # DSS × ALL, Black: a = (0.2·30 + 0.4·10)/(30 + 10) = (6 + 4)/40 = 0.25; n = 6 + 4 = 10 of 40
    got = row(two_agencies, "DSS", codes.ALL, "race_ethnicity", "black")
    assert (got["headcount"], got["total"]) == (10, 40)
    assert got["availability"] == pytest.approx(0.25)
    assert got["utilization_ratio"] == pytest.approx((10 / 40) / 0.25)


def test_all_agencies_weight_availability_by_agency_headcount(two_agencies):
    # ALL × professionals, Black: a = (0.2·30 + 0.1·20)/50 = (6 + 2)/50 = 0.16; n = 6 + 4 = 10 of 50
    got = row(two_agencies, codes.ALL, "professionals", "race_ethnicity", "black")
    assert (got["headcount"], got["total"]) == (10, 50)
    assert got["availability"] == pytest.approx(0.16)
    # ALL × ALL, Black: a = (0.2·30 + 0.4·10 + 0.1·20)/60 = (6 + 4 + 2)/60 = 0.2; n = 14 of 60
    got = row(two_agencies, codes.ALL, codes.ALL, "race_ethnicity", "black")
    assert (got["headcount"], got["total"]) == (14, 60)
    assert got["availability"] == pytest.approx(0.2)
    # sex dimension sums over race: female availability at ALL × ALL =
    #   (0.2·30 [DSS prof Black women] + 0.6·10 [DSS tech White women] + 0.1·20 [DOT prof Black women])/60
    #   = (6 + 6 + 2)/60 = 0.233333
    got = row(two_agencies, codes.ALL, codes.ALL, "sex", "female")
    assert got["availability"] == pytest.approx(14 / 60)
    assert got["headcount"] == 6 + 6 + 4


def test_every_group_of_the_code_lists_has_a_row(two_agencies):
    cells = two_agencies.groupby(["agency_code", "job_category"]).size()
    # 7 race + 3 sex + 21 race×sex + 1 all = 32 rows per cell
    assert (cells == len(codes.RACE_ETHNICITY) + len(codes.SEX) + len(codes.RACE_SEX) + 1).all()
    # DSS, DOT and ALL; professionals, technicians (DSS, ALL only) and ALL
    assert len(cells) == 3 + 2 + 3
    hispanic = row(two_agencies, "DSS", "professionals", "race_ethnicity", "hispanic")
    assert hispanic["headcount"] == 0 and hispanic["share"] == 0.0


def test_output_columns_follow_the_schema(two_agencies):
    assert list(two_agencies.columns) == [c for c in columns("workforce_utilization") if c != "suppressed"]


def test_all_dimension_row(two_agencies):
    got = row(two_agencies, "DSS", "professionals", "all", codes.ALL)
    assert (got["headcount"], got["total"], got["share"], got["availability"]) == (30, 30, 1.0, 1.0)
    assert np.isnan([got["utilization_ratio"], got["z_score"], got["p_value"]]).all()
    assert not (got["flag_80pct"] or got["flag_2sd"] or got["flag_significant"])


def test_group_headcounts_add_up_to_the_total(two_agencies):
    for dimension in ("race_ethnicity", "sex", "race_sex"):
        part = two_agencies[two_agencies["group_dimension"] == dimension]
        sums = part.groupby(["agency_code", "job_category"]).agg(n=("headcount", "sum"), total=("total", "first"))
        assert (sums["n"] == sums["total"]).all(), dimension


# --- edge cases ----------------------------------------------------------------------------------------

def test_cell_with_zero_total_has_no_rows_and_zero_rows_count_as_absent():
    wf = workforce([("DSS", "professionals", "white", "male", 5), ("DSS", "technicians", "white", "male", 0)])
    av = availability([(None, "professionals", "white", "male", 1.0), (None, "technicians", "white", "male", 1.0)])
    out = utilization(wf, av)
    assert "technicians" not in set(out["job_category"])
    assert row(out, "DSS", codes.ALL, "all", codes.ALL)["total"] == 5


def test_zero_headcount_group_p_value():
    # n = 0 of N = 5 with a = 0.4: p = 0.6^5 = 0.07776, share 0, ratio 0, shortfall = expected = 2
    wf, av = two_group_cell(0, 5, 0.4)
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "black_female")
    assert (got["headcount"], got["share"], got["utilization_ratio"]) == (0, 0.0, 0.0)
    assert got["shortfall"] == pytest.approx(2.0)
    assert got["p_value"] == pytest.approx(0.07776)


def test_one_group_only():
    wf = workforce([("DSS", "professionals", "asian", "female", 7)])
    av = availability([(None, "professionals", "asian", "female", 0.5), (None, "professionals", "white", "male", 0.5)])
    out = utilization(wf, av)
    asian = row(out, "DSS", "professionals", "race_sex", "asian_female")
    # share 1, ratio 1/0.5 = 2, z = (7 − 3.5)/√(7·0.25) = 3.5/1.322876 = 2.645751, p = 1
    assert (asian["share"], asian["utilization_ratio"]) == (1.0, 2.0)
    assert asian["z_score"] == pytest.approx(2.645751, abs=1e-6)
    assert asian["p_value"] == pytest.approx(1.0)
    white = row(out, "DSS", "professionals", "race_sex", "white_male")
    # n = 0 of 7 with a = 0.5: p = 0.5^7 = 0.0078125, z = −3.5/1.322876 = −2.645751
    assert white["headcount"] == 0
    assert white["p_value"] == pytest.approx(0.0078125)
    assert white["flag_80pct"] and white["flag_2sd"] and white["flag_significant"]


def test_availability_zero_gives_undefined_ratio_and_p_one():
    # Hispanic men: 3 employees, availability 0 (absent from the set); nobody expected
    wf = workforce([("DSS", "professionals", "hispanic", "male", 3), ("DSS", "professionals", "white", "male", 7)])
    av = availability([(None, "professionals", "white", "male", 1.0)])
    out = utilization(wf, av)
    got = row(out, "DSS", "professionals", "race_sex", "hispanic_male")
    assert got["availability"] == 0.0
    assert np.isnan(got["utilization_ratio"]) and np.isnan(got["z_score"])
    assert got["p_value"] == 1.0  # P(X ≤ 3 | a = 0) = 1
    assert (got["expected"], got["shortfall"]) == (0.0, -3.0)
    assert not (got["flag_80pct"] or got["flag_2sd"] or got["flag_significant"])


def test_availability_one():
    # White men have availability 1 and hold 7 of 10 jobs: under the model no one else could be hired,
    # so P(X ≤ 7 | 10, 1) = 0; the variance N·a·(1 − a) is 0, so z is undefined (NaN).
    wf = workforce([("DSS", "professionals", "hispanic", "male", 3), ("DSS", "professionals", "white", "male", 7)])
    av = availability([(None, "professionals", "white", "male", 1.0)])
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "white_male")
    assert got["utilization_ratio"] == pytest.approx(0.7)
    assert np.isnan(got["z_score"]) and not got["flag_2sd"]
    assert got["p_value"] == 0.0 and got["flag_significant"]
    # and with all 10 jobs: ratio 1, p = 1
    wf = workforce([("DSS", "professionals", "white", "male", 10)])
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "white_male")
    assert (got["utilization_ratio"], got["p_value"]) == (1.0, 1.0)


def test_missing_availability_leaves_statistics_empty_and_spreads_to_all_rows():
    wf = workforce([("DSS", "professionals", "white", "male", 5), ("DSS", "technicians", "black", "male", 5)])
    av = availability([(None, "professionals", "white", "male", 1.0)])  # nothing for technicians
    out = utilization(wf, av)
    tech = row(out, "DSS", "technicians", "race_ethnicity", "black")
    both = row(out, "DSS", codes.ALL, "race_ethnicity", "black")
    for got in (tech, both):
        assert np.isnan([got["availability"], got["utilization_ratio"], got["z_score"], got["p_value"]]).all()
        assert not (got["flag_80pct"] or got["flag_2sd"] or got["flag_significant"])
    assert row(out, "DSS", "professionals", "race_ethnicity", "white")["availability"] == 1.0


def test_no_infinities_anywhere():
    wf = workforce([("DSS", "professionals", "hispanic", "male", 3), ("DSS", "professionals", "white", "male", 7),
                    ("DOT", "technicians", "white", "male", 4)])
    av = availability([(None, "professionals", "white", "male", 1.0), (None, "technicians", "asian", "x", 1.0)])
    numbers = utilization(wf, av).select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()


def test_duplicate_input_rows_are_summed_and_empty_input_gives_empty_table():
    wf = workforce([("DSS", "professionals", "white", "male", 2), ("DSS", "professionals", "white", "male", 3)])
    av = availability([(None, "professionals", "white", "male", 1.0)])
    assert row(utilization(wf, av), "DSS", "professionals", "all", codes.ALL)["total"] == 5
    empty = utilization(wf.iloc[:0], av)
    assert empty.empty and list(empty.columns) == list(utilization(wf, av).columns)


# --- properties ----------------------------------------------------------------------------------------

cell_counts = st.lists(st.integers(0, 40), min_size=len(codes.RACE_SEX), max_size=len(codes.RACE_SEX))
cell_weights = st.lists(st.integers(0, 9), min_size=len(codes.RACE_SEX), max_size=len(codes.RACE_SEX)).filter(
    lambda w: sum(w) > 0)


@settings(max_examples=40, deadline=None)
@given(cell_counts, cell_counts, cell_weights)
def test_ratio_is_share_over_availability(counts_a, counts_b, weights):
    pairs = [(race, sex) for race in codes.RACE_ETHNICITY for sex in codes.SEX]  # codes.RACE_SEX order
    rows = [(agency, "professionals", race, sex, n)
            for agency, counts in (("DSS", counts_a), ("DOT", counts_b)) for (race, sex), n in zip(pairs, counts)]
    av = availability([(None, "professionals", race, sex, w / sum(weights))
                       for (race, sex), w in zip(pairs, weights)])
    out = utilization(workforce(rows), av)
    groups = out[out["group_dimension"] != "all"]
    positive = groups["availability"] > 0
    expected = groups["share"][positive] / groups["availability"][positive]
    np.testing.assert_allclose(groups["utilization_ratio"][positive], expected, rtol=1e-12)
    assert groups["utilization_ratio"][~positive].isna().all()
    np.testing.assert_allclose(groups["share"], groups["headcount"] / groups["total"], rtol=1e-12)
    assert ((groups["p_value"] >= 0) & (groups["p_value"] <= 1)).all()


def test_statistics_function_on_arrays():
    # the same hand-worked case as above, through the array function: N = 40, n = 4, a = 0.25
    stats = utilization_statistics(np.array([4.0]), np.array([40.0]), np.array([0.25]))
    assert stats["z_score"][0] == pytest.approx(-6 / math.sqrt(7.5))
    assert stats["expected"][0] == pytest.approx(10.0)


# --- the whole-person rule (§4.1): no flag without a shortfall of at least one person -------------------

@pytest.mark.parametrize(
    ("n", "total", "a", "flags"),
    [
        # N = 4, n = 0, a = 0.2: expected 0.8, shortfall 0.8 < 1; ratio 0 < 0.8 would flag, and
        # p = 0.8^4 = 0.4096, z = −0.8/√0.64 = −1 would not: with the rule nothing is flagged
        (0, 4, 0.2, (False, False, False)),
        # N = 5, n = 0, a = 0.2: expected 1.0, shortfall exactly 1: the 80 % flag stands (ratio 0);
        # z = −1/√0.8 = −1.118 and p = 0.8^5 = 0.328 do not flag
        (0, 5, 0.2, (True, False, False)),
        # N = 1000, n = 1, a = 0.0015: expected 1.5, shortfall 0.5; ratio 0.001/0.0015 = 0.667 < 0.8 would
        # flag; z = −0.5/√(1000·0.0015·0.9985) = −0.5/1.2238 = −0.41; with the rule nothing is flagged
        (1, 1000, 0.0015, (False, False, False)),
        # N = 40, n = 4, a = 0.25: shortfall 6, every convention flags (the hand-worked case above)
        (4, 40, 0.25, (True, True, True)),
    ],
)
def test_flags_need_a_whole_person_short(n, total, a, flags):
    wf, av = two_group_cell(n, total, a)
    got = row(utilization(wf, av), "DSS", "professionals", "race_sex", "black_female")
    assert got["shortfall"] == pytest.approx(total * a - n)
    assert (bool(got["flag_80pct"]), bool(got["flag_2sd"]), bool(got["flag_significant"])) == flags


def test_no_flag_anywhere_without_a_whole_person_short():
    rng = np.random.default_rng(5)
    rows = [("DSS", "professionals", race, sex, int(rng.integers(0, 6)))
            for race in codes.RACE_ETHNICITY for sex in codes.SEX]
    wf = workforce(rows)
    av = availability([(None, "professionals", race, sex, 1 / len(codes.RACE_SEX))
                       for race in codes.RACE_ETHNICITY for sex in codes.SEX])
    out = utilization(wf, av)
    flagged = out[out[["flag_80pct", "flag_2sd", "flag_significant"]].any(axis=1)]
    assert len(out[out["shortfall"] < 1]) > 0
    assert (flagged["shortfall"] >= 1 - 1e-9).all()
