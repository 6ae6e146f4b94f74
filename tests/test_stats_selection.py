"""Selection rates and adverse impact (DESIGN §4.2) against hand-worked and exactly enumerated values."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from data_access import codes
from data_access.schema import columns
from pipeline.stats.selection import fisher_two_sided, selection_rates

YEAR = 2024


def actions(rows: list[tuple], agency: str = "DSS", category: str = "professionals") -> pd.DataFrame:
    """rows: (action, race, sex, pool, selected)."""
    frame = pd.DataFrame(rows, columns=["action", "race_ethnicity", "sex", "pool", "selected"])
    return frame.assign(fiscal_year=YEAR, agency_code=agency, job_category=category)


def row(out: pd.DataFrame, action: str, dimension: str, group: str, agency: str = "DSS") -> pd.Series:
    hit = out[(out["agency_code"] == agency) & (out["action"] == action)
              & (out["group_dimension"] == dimension) & (out["group_code"] == group)]
    assert len(hit) == 1, (agency, action, dimension, group, len(hit))
    return hit.iloc[0]


def fisher_by_enumeration(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher p of [[a, b], [c, d]]: exact hypergeometric probabilities (math.comb, fractions) of
    all tables with the observed margins, summed over those no more probable than the observed table."""
    row1, row2, col1 = a + b, c + d, a + c
    denominator = math.comb(row1 + row2, col1)

    def probability(x: int) -> Fraction:
        return Fraction(math.comb(row1, x) * math.comb(row2, col1 - x), denominator)

    observed = probability(a)
    support = range(max(0, col1 - row2), min(row1, col1) + 1)
    return float(sum(p for p in map(probability, support) if p <= observed))


# --- the Uniform Guidelines' worked examples ----------------------------------------------------------

@pytest.fixture
def ugesp_hiring():
    # Uniform Guidelines Q&A example: 80 of 120 White applicants hired, 12 of 40 Black applicants hired.
    return selection_rates(actions([("hire", "white", "male", 120, 80), ("hire", "black", "male", 40, 12)]))


def test_ugesp_example_adverse_impact(ugesp_hiring):
    # White rate 80/120 = 66.7 % (the highest: reference); Black rate 12/40 = 30 %
    # impact ratio = 30/66.7 = 0.45 < 0.8 → adverse impact under the four-fifths rule
    black = row(ugesp_hiring, "hire", "race_ethnicity", "black")
    assert black["rate"] == pytest.approx(0.30)
    assert black["reference_group"] == "white"
    assert black["impact_ratio"] == pytest.approx(0.45)
    assert black["flag_four_fifths"]
    # one more Black hire: 13/40 = 32.5 %, 32.5/66.7 = 0.4875 — still < 0.8, so practically significant
    assert black["practically_significant"]
    white = row(ugesp_hiring, "hire", "race_ethnicity", "white")
    assert (white["impact_ratio"], white["z_score"], white["fisher_p"]) == (1.0, 0.0, 1.0)
    assert not (white["flag_four_fifths"] or white["flag_significant"] or white["practically_significant"])


def test_ugesp_example_pooled_z(ugesp_hiring):
    # pooled rate = (80 + 12)/(120 + 40) = 92/160 = 0.575
    # SE = √(0.575·0.425·(1/40 + 1/120)) = √(0.244375·0.0333333) = √0.00814583 = 0.0902542
    # z = (0.30 − 0.666667)/0.0902542 = −0.366667/0.0902542 = −4.06259 (negative: Black applicants worse off)
    black = row(ugesp_hiring, "hire", "race_ethnicity", "black")
    assert black["z_score"] == pytest.approx(-4.06259, abs=1e-5)


def test_ugesp_example_fisher(ugesp_hiring):
    black = row(ugesp_hiring, "hire", "race_ethnicity", "black")
    assert black["fisher_p"] == pytest.approx(fisher_by_enumeration(12, 28, 80, 40), rel=1e-9)
    assert black["flag_significant"]


def test_ugesp_four_fifths_boundary():
    # 29 CFR 1607.4(D) / Q&A: hiring rates White 60 %, American Indian 45 %, Hispanic 48 %, Black 51 %.
    # Ratios against White: 45/60 = 0.75 (adverse impact), 48/60 = 0.80 (not: the rule is "less than
    # four-fifths"), 51/60 = 0.85 (not).
    out = selection_rates(actions([
        ("hire", "white", "female", 100, 60), ("hire", "aian", "female", 100, 45),
        ("hire", "hispanic", "female", 100, 48), ("hire", "black", "female", 100, 51),
    ]))
    expected = {"aian": (0.75, True), "hispanic": (0.80, False), "black": (0.85, False)}
    for group, (ratio, flagged) in expected.items():
        got = row(out, "hire", "race_ethnicity", group)
        assert got["reference_group"] == "white"
        assert got["impact_ratio"] == pytest.approx(ratio)
        assert bool(got["flag_four_fifths"]) is flagged, group
    # exactly 4/5 in rates that do not divide evenly in binary: 24/80 = 0.3 vs 3/8 = 0.375 → 0.3/0.375 = 0.8
    out = selection_rates(actions([("hire", "white", "male", 8, 3), ("hire", "black", "male", 80, 24)]))
    got = row(out, "hire", "race_ethnicity", "black")
    assert got["impact_ratio"] == pytest.approx(0.8) and not got["flag_four_fifths"]


@pytest.mark.parametrize(
    ("action", "reference", "group", "practically"),
    [
        # hire: reference 10/20 = 50 %; group 3/8 = 37.5 % → 0.75 flagged; one more hire 4/8 = 50 % → 1.0
        #   ≥ 0.8, so the flag hangs on one person: not practically significant
        ("hire", (20, 10), (8, 3), False),
        # hire: reference 10/20 = 50 %; group 2/8 = 25 % → 0.5; one more 3/8 → 0.75, still < 0.8
        ("hire", (20, 10), (8, 2), True),
        # separation: reference (lowest) 10/100 = 10 %; group 4/24 = 16.7 % → 0.1/0.1667 = 0.6 flagged;
        #   one fewer separation 3/24 = 12.5 % → 0.1/0.125 = 0.8 ≥ 0.8: not practically significant
        ("separation", (100, 10), (24, 4), False),
        # separation: reference 10 %; group 10/50 = 20 % → 0.5; one fewer 9/50 = 18 % → 0.556, still < 0.8
        ("separation", (100, 10), (50, 10), True),
    ],
)
def test_flip_flop_rule(action, reference, group, practically):
    out = selection_rates(actions([(action, "white", "male", *reference), (action, "black", "male", *group)]))
    got = row(out, action, "race_ethnicity", "black")
    assert got["reference_group"] == "white"
    assert got["flag_four_fifths"]
    assert bool(got["practically_significant"]) is practically


def test_separation_reference_is_the_lowest_rate():
    # White 10/100 = 10 % (lowest: reference); Black 10/50 = 20 %: ratio = 10 %/20 % = 0.5
    # pooled rate 20/150 = 0.133333; SE = √(0.133333·0.866667·(1/50 + 1/100)) = √0.00346667 = 0.0588784
    # z = −(0.20 − 0.10)/0.0588784 = −1.69842 (negative: Black employees worse off, they leave more often)
    out = selection_rates(actions([("separation", "white", "male", 100, 10), ("separation", "black", "male", 50, 10)]))
    got = row(out, "separation", "race_ethnicity", "black")
    assert got["reference_group"] == "white"
    assert got["impact_ratio"] == pytest.approx(0.5)
    assert got["z_score"] == pytest.approx(-1.69842, abs=1e-5)
    assert got["fisher_p"] == pytest.approx(fisher_by_enumeration(10, 40, 10, 90), rel=1e-9)


# --- Fisher's exact test against independent routes ---------------------------------------------------

def test_fisher_tea_tasting_by_hand():
    # [[3, 1], [1, 3]]: margins 4, 4, 4, 4; P(x) = C(4,x)·C(4,4−x)/C(8,4) = 1, 16, 36, 16, 1 (/70) for x = 0..4.
    # Observed x = 3 has 16/70; tables no more probable: x = 0, 1, 3, 4 → (1 + 16 + 16 + 1)/70 = 34/70
    assert fisher_two_sided(np.array([3]), np.array([1]), np.array([1]), np.array([3]))[0] == pytest.approx(34 / 70)


@pytest.mark.parametrize(
    "table",
    [(12, 28, 80, 40), (0, 5, 7, 3), (5, 0, 0, 5), (1, 9, 11, 3), (3, 3, 3, 3), (0, 10, 0, 25), (10, 0, 25, 0),
     (2, 1, 40, 160), (37, 213, 90, 310), (0, 1, 5, 5)],
)
def test_fisher_matches_enumeration_and_scipy(table):
    got = fisher_two_sided(*(np.array([v]) for v in table))[0]
    assert got == pytest.approx(fisher_by_enumeration(*table), rel=1e-9)
    assert got == pytest.approx(fisher_exact(np.array(table).reshape(2, 2)).pvalue, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 30)] * 4), min_size=1, max_size=8))
def test_fisher_vectorised_matches_enumeration(tables):
    got = fisher_two_sided(*np.array(tables).T)
    expected = [fisher_by_enumeration(*t) if sum(t) else 1.0 for t in tables]
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_fisher_large_tables_match_scipy():
    rng = np.random.default_rng(7)
    tables = rng.integers(0, 3000, size=(40, 4))
    got = fisher_two_sided(*tables.T)
    expected = [fisher_exact(t.reshape(2, 2)).pvalue for t in tables]
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-300)


# --- choice of the reference group ---------------------------------------------------------------------

def test_pool_below_five_is_never_the_reference():
    # Asian women 3/3 = 100 % (pool 3 < 5: not eligible); White women 5/10 = 50 % is the reference.
    # The Asian ratio is 1.0/0.5 = 2.0 (a small group doing better than the reference).
    out = selection_rates(actions([("promotion", "asian", "female", 3, 3), ("promotion", "white", "female", 10, 5)]))
    assert row(out, "promotion", "race_ethnicity", "white")["impact_ratio"] == 1.0
    asian = row(out, "promotion", "race_ethnicity", "asian")
    assert asian["reference_group"] == "white"
    assert asian["impact_ratio"] == pytest.approx(2.0)
    assert not asian["flag_four_fifths"]


def test_no_eligible_reference():
    out = selection_rates(actions([("hire", "asian", "female", 3, 1), ("hire", "white", "female", 4, 1)]))
    for group in ("asian", "white"):
        got = row(out, "hire", "race_ethnicity", group)
        assert pd.isna(got["reference_group"])
        assert np.isnan([got["impact_ratio"], got["z_score"], got["fisher_p"]]).all()
        assert not (got["flag_four_fifths"] or got["flag_significant"] or got["practically_significant"])
    # the sex dimension pools them (7 women ≥ 5), so it has a reference
    assert row(out, "hire", "sex", "female")["reference_group"] == "female"


def test_ties_go_to_the_larger_pool_then_to_code_order():
    # White 5/10 and Black 10/20: both 50 %, Black has the larger pool → Black is the reference
    out = selection_rates(actions([("hire", "white", "male", 10, 5), ("hire", "black", "male", 20, 10),
                                   ("hire", "asian", "male", 10, 2)]))
    assert row(out, "hire", "race_ethnicity", "asian")["reference_group"] == "black"
    # Hispanic 5/10 and White 5/10: same rate, same pool → Hispanic (earlier in codes.RACE_ETHNICITY)
    out = selection_rates(actions([("hire", "white", "male", 10, 5), ("hire", "hispanic", "male", 10, 5)]))
    assert row(out, "hire", "race_ethnicity", "white")["reference_group"] == "hispanic"
    assert row(out, "hire", "race_sex", "white_male")["reference_group"] == "hispanic_male"
    # women and men at the same rate and pool → female (earlier in codes.SEX)
    out = selection_rates(actions([("separation", "white", "male", 10, 1), ("separation", "white", "female", 10, 1)]))
    assert row(out, "separation", "sex", "male")["reference_group"] == "female"


def test_all_groups_at_the_same_rate():
    out = selection_rates(actions([("hire", race, "female", 20, 5) for race in ("white", "black", "asian")]))
    groups = out[out["group_dimension"] == "race_ethnicity"]
    assert (groups["impact_ratio"] == 1.0).all() and (groups["z_score"] == 0.0).all()
    assert np.allclose(groups["fisher_p"], 1.0)
    assert not groups[["flag_four_fifths", "flag_significant", "practically_significant"]].to_numpy().any()


# --- zero rates ----------------------------------------------------------------------------------------

def test_nobody_selected_means_equal_rates():
    out = selection_rates(actions([("hire", "white", "male", 20, 0), ("hire", "black", "male", 10, 0)]))
    got = row(out, "hire", "race_ethnicity", "black")
    assert (got["impact_ratio"], got["z_score"], got["fisher_p"]) == (1.0, 0.0, 1.0)
    assert not got["flag_four_fifths"]


def test_separation_reference_rate_zero():
    # White 0/10 (lowest: reference), Black 1/10 and Asian 3/10: ratio = 0/rate = 0, flagged.
    # Black: one fewer separation → 0/10, equal to the reference (ratio 1): not practically significant.
    # Asian: one fewer → 2/10, ratio still 0: practically significant.
    out = selection_rates(actions([("separation", "white", "male", 10, 0), ("separation", "black", "male", 10, 1),
                                   ("separation", "asian", "male", 10, 3)]))
    black = row(out, "separation", "race_ethnicity", "black")
    asian = row(out, "separation", "race_ethnicity", "asian")
    assert black["impact_ratio"] == 0.0 and black["flag_four_fifths"] and not black["practically_significant"]
    assert asian["impact_ratio"] == 0.0 and asian["flag_four_fifths"] and asian["practically_significant"]
    # Asian pooled z: p = 3/20 = 0.15, SE = √(0.15·0.85·(1/10 + 1/10)) = √0.0255 = 0.159687,
    # z = −(0.3 − 0)/0.159687 = −1.87867
    assert asian["z_score"] == pytest.approx(-1.87867, abs=1e-5)


def test_favourable_reference_rate_zero_against_small_group():
    # White 0/10 is the only eligible group (reference, rate 0); Asian 1/2 (pool < 5) hired someone:
    # rate/0 is undefined → NaN, not flagged
    out = selection_rates(actions([("hire", "white", "male", 10, 0), ("hire", "asian", "male", 2, 1)]))
    got = row(out, "hire", "race_ethnicity", "asian")
    assert got["reference_group"] == "white"
    assert np.isnan(got["impact_ratio"]) and not got["flag_four_fifths"]
    assert not np.isinf(out.select_dtypes("number").to_numpy(dtype=float)).any()


# --- grain: aggregation and ALL ------------------------------------------------------------------------

def test_counts_sum_over_categories_and_agencies():
    frame = pd.concat([
        actions([("hire", "white", "male", 60, 40), ("hire", "black", "male", 20, 6)], "DSS", "professionals"),
        actions([("hire", "white", "male", 60, 40), ("hire", "black", "male", 20, 6)], "DSS", "technicians"),
        actions([("hire", "white", "male", 10, 1), ("hire", "black", "male", 10, 5)], "DOT", "professionals"),
    ])
    out = selection_rates(frame)
    assert list(out.columns) == [c for c in columns("selection_rates") if c != "suppressed"]
    black = row(out, "hire", "race_ethnicity", "black")  # DSS: 12 of 40
    assert (black["pool"], black["selected"]) == (40, 12)
    statewide = row(out, "hire", "race_ethnicity", "black", agency=codes.ALL)
    # ALL: White 81/130 = 62.3 % (reference), Black 17/50 = 34 % → ratio 0.34/0.623077 = 0.545679
    assert (statewide["pool"], statewide["selected"]) == (50, 17)
    assert statewide["impact_ratio"] == pytest.approx((17 / 50) / (81 / 130))
    assert set(out["group_dimension"]) == {"race_ethnicity", "sex", "race_sex"}
    assert (out["pool"] > 0).all()


def test_empty_input():
    out = selection_rates(actions([]))
    assert out.empty and list(out.columns) == [c for c in columns("selection_rates") if c != "suppressed"]


# --- properties ----------------------------------------------------------------------------------------

group_counts = st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda t: (max(t), min(t)))  # (pool, selected)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(codes.ACTIONS), st.lists(group_counts, min_size=len(codes.RACE_ETHNICITY),
                                                 max_size=len(codes.RACE_ETHNICITY)))
def test_impact_ratio_properties(action, counts):
    out = selection_rates(actions([(action, race, "female", pool, selected)
                                   for race, (pool, selected) in zip(codes.RACE_ETHNICITY, counts)]))
    eligible = out[(out["pool"] >= 5) & out["reference_group"].notna()]
    assert ((eligible["impact_ratio"] >= 0) & (eligible["impact_ratio"] <= 1)).all()
    flagged = out[out["flag_four_fifths"]]
    assert (flagged["impact_ratio"] < 0.8 + 1e-12).all()
    assert not out["practically_significant"][~out["flag_four_fifths"]].any()
    for _, got in out[out["reference_group"] == out["group_code"]].iterrows():
        assert got["impact_ratio"] == 1.0 and got["pool"] >= 5
    assert ((out["fisher_p"].dropna() >= 0) & (out["fisher_p"].dropna() <= 1)).all()
    np.testing.assert_allclose(out["rate"], out["selected"] / out["pool"])
