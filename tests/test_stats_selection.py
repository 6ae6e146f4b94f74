"""Selection rates and adverse impact (DESIGN §4.2) against hand-worked and exactly enumerated values."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from data_access import codes
from data_access.schema import columns
from pipeline.stats.selection import selection_rates
from pipeline.stats.significance import fisher_two_sided
from tests.selection_fixtures import actions, fisher_by_enumeration, row

FLAG_COLUMNS = ["flag_four_fifths", "flag_significant", "practically_significant", "adverse_impact"]


# --- the Uniform Guidelines' worked examples ----------------------------------------------------------

@pytest.fixture
def ugesp_hiring():
    # Uniform Guidelines Q&A example: 80 of 120 White applicants hired, 12 of 40 Black applicants hired.
    return selection_rates(actions([("hire", "white", "male", 120, 80), ("hire", "black", "male", 40, 12)]))


def test_ugesp_example_adverse_impact(ugesp_hiring):
    # White rate 80/120 = 66.7 % (the highest eligible rate: reference); Black rate 12/40 = 30 %
    # impact ratio = 30/66.7 = 0.45 < 0.8 → below four-fifths
    black = row(ugesp_hiring, "hire", "race_ethnicity", "black")
    assert black["rate"] == pytest.approx(0.30)
    assert black["reference_group"] == "white" and black["reference_eligible"]
    assert black["impact_ratio"] == pytest.approx(0.45)
    assert black["flag_four_fifths"]
    # one more Black hire: 13/40 = 32.5 %, 32.5/66.7 = 0.4875 — still < 0.8, so practically significant
    assert black["practically_significant"]
    assert black["flag_significant"] and black["adverse_impact"]
    white = row(ugesp_hiring, "hire", "race_ethnicity", "white")
    assert white["impact_ratio"] == 1.0
    assert not white[FLAG_COLUMNS].any()


def test_ugesp_example_z_against_the_others(ugesp_hiring):
    # Black against all other groups (here: White) pooled: pooled rate = 92/160 = 0.575
    # SE = √(0.575·0.425·(1/40 + 1/120)) = √(0.244375·0.0333333) = √0.00814583 = 0.0902542
    # z = (0.30 − 0.666667)/0.0902542 = −4.06259 (negative: Black applicants worse off); White +4.06259
    assert row(ugesp_hiring, "hire", "race_ethnicity", "black")["z_score"] == pytest.approx(-4.06259, abs=1e-5)
    assert row(ugesp_hiring, "hire", "race_ethnicity", "white")["z_score"] == pytest.approx(4.06259, abs=1e-5)


def test_ugesp_example_fisher(ugesp_hiring):
    black = row(ugesp_hiring, "hire", "race_ethnicity", "black")
    assert black["fisher_p"] == pytest.approx(fisher_by_enumeration(12, 28, 80, 40), rel=1e-9)
    assert black["fisher_p"] == pytest.approx(fisher_exact([[12, 28], [80, 40]]).pvalue, rel=1e-9)
    assert np.isnan(black["cmh_p"])  # a single-stratum row has no CMH test


def test_ugesp_four_fifths_boundary():
    # 29 CFR 1607.4(D) / Q&A: hiring rates White 60 %, American Indian 45 %, Hispanic 48 %, Black 51 %.
    # Ratios against White: 45/60 = 0.75 (below), 48/60 = 0.80 (not: the rule is "less than
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
    # exactly 4/5 in rates that do not divide evenly in binary: 120/400 = 0.3 vs 15/40 = 0.375 → 0.8
    out = selection_rates(actions([("hire", "white", "male", 40, 15), ("hire", "black", "male", 400, 120)]))
    got = row(out, "hire", "race_ethnicity", "black")
    assert got["impact_ratio"] == pytest.approx(0.8) and not got["flag_four_fifths"]


@pytest.mark.parametrize(
    ("action", "reference", "group", "practically"),
    [
        # hire: reference 50/100 = 50 %; group 12/32 = 37.5 % → 0.75 flagged; one more hire 13/32 = 40.6 %
        #   → 0.8125 ≥ 0.8, so the flag hangs on one person: not practically significant
        ("hire", (100, 50), (32, 12), False),
        # hire: reference 50 %; group 12/40 = 30 % → 0.6; one more 13/40 = 32.5 % → 0.65, still < 0.8
        ("hire", (100, 50), (40, 12), True),
        # separation (retention compared): reference 10 of 100 left, retention 90 %; group 15 of 50 left,
        #   retention 70 % → 0.7/0.9 = 0.778 flagged; one more kept 36/50 = 72 % → 0.8: not practically
        ("separation", (100, 10), (50, 15), False),
        # separation: group 20 of 50 left, retention 60 % → 0.667; one more kept 62 % → 0.689, still < 0.8
        ("separation", (100, 10), (50, 20), True),
    ],
)
def test_flip_flop_rule(action, reference, group, practically):
    out = selection_rates(actions([(action, "white", "male", *reference), (action, "black", "male", *group)]))
    got = row(out, action, "race_ethnicity", "black")
    assert got["reference_group"] == "white"
    assert got["flag_four_fifths"]
    assert bool(got["practically_significant"]) is practically


def test_separation_compares_retention():
    # White 10 of 100 left (retention 90 %, the most favourable: reference); Black 10 of 50 (retention 80 %)
    # ratio = 0.8/0.9 = 0.888889; `rate` stays the separation rate
    # pooled retention 130/150 = 0.866667; SE = √(0.866667·0.133333·(1/50 + 1/100)) = √0.00346667 = 0.0588784
    # z = (0.8 − 0.9)/0.0588784 = −1.69842 (negative: Black employees worse off, they leave more often)
    out = selection_rates(actions([("separation", "white", "male", 100, 10), ("separation", "black", "male", 50, 10)]))
    got = row(out, "separation", "race_ethnicity", "black")
    assert got["rate"] == pytest.approx(0.2)
    assert got["reference_group"] == "white"
    assert got["impact_ratio"] == pytest.approx(0.8 / 0.9)
    assert got["z_score"] == pytest.approx(-1.69842, abs=1e-5)
    assert got["fisher_p"] == pytest.approx(fisher_by_enumeration(40, 10, 90, 10), rel=1e-9)



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

def test_pool_below_thirty_is_never_the_reference():
    # Asian women 29/29 = 100 % (pool 29 < 30: not eligible); White women 50/100 = 50 % is the reference.
    # The Asian ratio is 1.0/0.5 = 2.0 (a small group doing better than the reference), never flagged.
    out = selection_rates(actions([("promotion", "asian", "female", 29, 29),
                                   ("promotion", "white", "female", 100, 50)]))
    assert row(out, "promotion", "race_ethnicity", "white")["impact_ratio"] == 1.0
    asian = row(out, "promotion", "race_ethnicity", "asian")
    assert asian["reference_group"] == "white" and not asian["reference_eligible"]
    assert asian["impact_ratio"] == pytest.approx(2.0)
    assert not asian[FLAG_COLUMNS].any()


def test_two_percent_of_the_pool():
    # total pool 2,000 → 2 % = 40: a 40-applicant group is eligible, a 39-applicant group is not
    out = selection_rates(actions([("hire", "white", "male", 1921, 192), ("hire", "black", "male", 40, 10),
                                   ("hire", "asian", "male", 39, 10)]))
    assert row(out, "hire", "race_ethnicity", "black")["reference_eligible"]
    assert not row(out, "hire", "race_ethnicity", "asian")["reference_eligible"]
    # Black 10/40 = 25 % beats White 192/1921 = 10 %: Black is the reference, Asian (25.6 %) is not
    assert row(out, "hire", "race_ethnicity", "white")["reference_group"] == "black"


def test_no_eligible_reference():
    # 20 and 25 applicants: nobody may be the reference, so there is no ratio and no four-fifths flag;
    # the test against the other group still exists (3/20 against 10/25)
    out = selection_rates(actions([("hire", "asian", "female", 20, 3), ("hire", "white", "female", 25, 10)]))
    for group in ("asian", "white"):
        got = row(out, "hire", "race_ethnicity", group)
        assert pd.isna(got["reference_group"]) and not got["reference_eligible"]
        assert np.isnan(got["impact_ratio"])
        assert not got[FLAG_COLUMNS].any()
    asian = row(out, "hire", "race_ethnicity", "asian")
    assert asian["fisher_p"] == pytest.approx(fisher_exact([[3, 17], [10, 15]]).pvalue, rel=1e-9)
    # the sex dimension pools them (45 women ≥ 30), so it has a reference
    assert row(out, "hire", "sex", "female")["reference_group"] == "female"


def test_sex_x_is_never_the_reference_nor_flagged():
    # x: 500 applicants, all hired; women 20 of 100. Reference: female (x is never eligible);
    # x's ratio is 1.0/0.2 = 5; a low x rate (men x below) is never flagged either
    out = selection_rates(actions([("hire", "white", "x", 500, 500), ("hire", "white", "female", 100, 20)]))
    x = row(out, "hire", "sex", "x")
    assert row(out, "hire", "sex", "female")["reference_group"] == "female"
    assert not x["reference_eligible"] and x["impact_ratio"] == pytest.approx(5.0)
    out = selection_rates(actions([("hire", "white", "x", 500, 5), ("hire", "white", "female", 500, 250)]))
    x = row(out, "hire", "sex", "x")
    assert x["impact_ratio"] == pytest.approx(0.02) and x["z_score"] < -10
    assert not x[FLAG_COLUMNS].any()
    assert not row(out, "hire", "race_sex", "white_x")[FLAG_COLUMNS].any()


def test_ties_go_to_the_larger_pool_then_to_code_order():
    # White 25/50 and Black 30/60: both 50 %, Black has the larger pool → Black is the reference
    out = selection_rates(actions([("hire", "white", "male", 50, 25), ("hire", "black", "male", 60, 30),
                                   ("hire", "asian", "male", 50, 10)]))
    assert row(out, "hire", "race_ethnicity", "asian")["reference_group"] == "black"
    # Hispanic 25/50 and White 25/50: same rate, same pool → Hispanic (earlier in codes.RACE_ETHNICITY)
    out = selection_rates(actions([("hire", "white", "male", 50, 25), ("hire", "hispanic", "male", 50, 25)]))
    assert row(out, "hire", "race_ethnicity", "white")["reference_group"] == "hispanic"
    assert row(out, "hire", "race_sex", "white_male")["reference_group"] == "hispanic_male"
    # women and men at the same retention and pool → female (earlier in codes.SEX)
    out = selection_rates(actions([("separation", "white", "male", 50, 5), ("separation", "white", "female", 50, 5)]))
    assert row(out, "separation", "sex", "male")["reference_group"] == "female"


def test_a_single_group():
    # only White applicants: White is its own reference (ratio 1); there are no others to test against
    got = row(selection_rates(actions([("hire", "white", "male", 100, 50)])), "hire", "race_ethnicity", "white")
    assert got["reference_group"] == "white" and got["impact_ratio"] == 1.0
    assert np.isnan(got["z_score"]) and np.isnan(got["fisher_p"])
    assert not got[FLAG_COLUMNS].any()


def test_all_groups_at_the_same_rate():
    out = selection_rates(actions([("hire", race, "female", 40, 10) for race in ("white", "black", "asian")]))
    groups = out[(out["group_dimension"] == "race_ethnicity") & (out["job_category"] == "professionals")]
    assert (groups["impact_ratio"] == 1.0).all() and (groups["z_score"] == 0.0).all()
    assert np.allclose(groups["fisher_p"], 1.0)
    assert not groups[FLAG_COLUMNS].to_numpy().any()


# --- zero rates ----------------------------------------------------------------------------------------

def test_nobody_selected_gives_no_ratio():
    # nobody hired: the reference's rate is 0, so every ratio would divide by zero → empty (never 0)
    out = selection_rates(actions([("hire", "white", "male", 60, 0), ("hire", "black", "male", 40, 0)]))
    for group in ("white", "black"):
        got = row(out, "hire", "race_ethnicity", group)
        assert np.isnan(got["impact_ratio"]) and got["z_score"] == 0.0 and got["fisher_p"] == 1.0
        assert not got[FLAG_COLUMNS].any()
    assert not np.isinf(out.select_dtypes("number").to_numpy(dtype=float)).any()


# --- grain: job categories, agencies and ALL -----------------------------------------------------------

def test_rows_per_category_and_pooled():
    frame = pd.concat([
        actions([("hire", "white", "male", 60, 40), ("hire", "black", "male", 20, 6)], "DSS", "professionals"),
        actions([("hire", "white", "male", 60, 40), ("hire", "black", "male", 20, 6)], "DSS", "technicians"),
        actions([("hire", "white", "male", 10, 1), ("hire", "black", "male", 10, 5)], "DOT", "professionals"),
    ])
    out = selection_rates(frame)
    assert list(out.columns) == [c for c in columns("selection_rates") if c != "suppressed"]
    keys = set(zip(out["agency_code"], out["job_category"]))
    assert keys == {("DSS", "professionals"), ("DSS", "technicians"), ("DSS", "ALL"), ("DOT", "professionals"),
                    ("DOT", "ALL"), ("ALL", "professionals"), ("ALL", "technicians"), ("ALL", "ALL")}
    black = row(out, "hire", "race_ethnicity", "black", category="ALL")  # DSS: 12 of 40
    assert (black["pool"], black["selected"]) == (40, 12)
    statewide = row(out, "hire", "race_ethnicity", "black", agency=codes.ALL, category=codes.ALL)
    # ALL: White 81/130 = 62.3 % (reference), Black 17/50 = 34 % → ratio 0.34/0.623077 = 0.545679
    assert (statewide["pool"], statewide["selected"]) == (50, 17)
    assert statewide["impact_ratio"] == pytest.approx((17 / 50) / (81 / 130))
    professionals = row(out, "hire", "race_ethnicity", "black", agency=codes.ALL)  # DSS + DOT professionals
    assert (professionals["pool"], professionals["selected"]) == (30, 11)
    one_stratum = out[(out["agency_code"] != codes.ALL) & (out["job_category"] != codes.ALL)]
    pooled = out[(out["agency_code"] == codes.ALL) | (out["job_category"] == codes.ALL)]
    assert one_stratum["cmh_p"].isna().all() and pooled["cmh_p"].notna().any()
    assert set(out["group_dimension"]) == {"race_ethnicity", "sex", "race_sex"}
    assert (out["pool"] > 0).all()


def test_empty_input():
    out = selection_rates(actions([]))
    assert out.empty and list(out.columns) == [c for c in columns("selection_rates") if c != "suppressed"]


# --- properties ----------------------------------------------------------------------------------------

group_counts = st.tuples(st.integers(0, 90), st.integers(0, 90)).map(lambda t: (max(t), min(t)))  # (pool, selected)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(codes.ACTIONS), st.lists(group_counts, min_size=len(codes.RACE_ETHNICITY),
                                                 max_size=len(codes.RACE_ETHNICITY)))
def test_impact_ratio_properties(action, counts):
    out = selection_rates(actions([(action, race, "female", pool, selected)
                                   for race, (pool, selected) in zip(codes.RACE_ETHNICITY, counts)]))
    eligible = out[out["reference_eligible"].astype(bool)]
    assert (eligible["pool"] >= 30).all()
    ratios = eligible["impact_ratio"].dropna()
    assert ((ratios >= 0) & (ratios <= 1 + 1e-12)).all()
    flagged = out[out["flag_four_fifths"]]
    assert (flagged["impact_ratio"] < 0.8 + 1e-12).all() and flagged["reference_eligible"].all()
    assert not out["practically_significant"][~out["flag_four_fifths"]].any()
    expected = out["flag_four_fifths"] & out["flag_significant"] & out["practically_significant"]
    assert (out["adverse_impact"] == expected).all()
    assert not (out["flag_significant"] & (out["z_score"] >= 0)).any()
    for _, got in out[out["reference_group"] == out["group_code"]].iterrows():
        assert got["reference_eligible"] and (got["impact_ratio"] == 1.0 or np.isnan(got["impact_ratio"]))
    assert ((out["fisher_p"].dropna() >= 0) & (out["fisher_p"].dropna() <= 1)).all()
    assert not np.isinf(out.select_dtypes("number").to_numpy(dtype=float)).any()
    np.testing.assert_allclose(out["rate"], out["selected"] / out["pool"])
