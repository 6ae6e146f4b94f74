"""Adverse impact (DESIGN §4.2): seeded simulations of the decision rule, hand-worked fixtures, and the
significance tests against SciPy, statsmodels and the textbook formulas."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, fisher_exact
from statsmodels.stats.contingency_tables import StratifiedTable

from data_access import codes
from pipeline.demo.agencies import scaled_agencies
from pipeline.demo.detection import detection_table
from pipeline.demo.generate import write_demo_inputs
from pipeline.stats.selection import selection_rates
from pipeline.stats.significance import cmh_p, cmh_parts, fisher_two_sided
from pipeline.summary import headline_figures
from tests.selection_fixtures import actions, row

RACE_SHARE = np.array([0.17, 0.58, 0.14, 0.06, 0.005, 0.005, 0.03])  # codes.RACE_ETHNICITY order
SEX_SHARE = np.array([0.49, 0.49, 0.02])
BLACK = codes.RACE_ETHNICITY.index("black")


def simulate(rng: np.random.Generator, n: int, pool_range: tuple[float, float], rate, ratio: float = 1.0,
             categories: int = 4, action: str = "hire") -> pd.DataFrame:
    """n agencies × one action; applicants by race × sex spread over job categories; every group hired at
    the comparison's true rate except Black applicants, hired at ``ratio`` × that rate."""
    size = np.exp(rng.uniform(np.log(pool_range[0]), np.log(pool_range[1]), n))
    mix = rng.dirichlet(np.full(categories, 2.0), n)
    cell = np.outer(RACE_SHARE, SEX_SHARE).ravel()
    pool = rng.poisson(size[:, None, None] * mix[:, :, None] * cell[None, None, :])
    true_rate = np.broadcast_to(np.asarray(rate, dtype=float).reshape(-1, 1, 1), pool.shape).copy()
    true_rate[:, :, BLACK * 3:(BLACK + 1) * 3] *= ratio
    selected = rng.binomial(pool, true_rate)
    agency, category, group = np.indices(pool.shape).reshape(3, -1)
    frame = pd.DataFrame({
        "fiscal_year": 2024, "agency_code": np.char.add("A", agency.astype(str)),
        "job_category": np.asarray(codes.JOB_CATEGORIES)[category], "action": action,
        "race_ethnicity": np.repeat(codes.RACE_ETHNICITY, 3)[group], "sex": np.tile(codes.SEX, 7)[group],
        "pool": pool.ravel(), "selected": selected.ravel(),
    })
    return frame[frame["pool"] > 0]


def agency_rows(out: pd.DataFrame) -> pd.DataFrame:
    """Each agency × action comparison's headline rows: the agency's rows pooled over job categories."""
    return out[(out["agency_code"] != codes.ALL) & (out["job_category"] == codes.ALL)]


# --- seeded simulations of the decision rule ------------------------------------------------------------

def test_equal_true_rates_flag_at_most_one_comparison_in_ten():
    rng = np.random.default_rng(2024)
    n = 500
    rate = rng.uniform(0.05, 0.6, n)  # each comparison its own true rate, the same for every group
    out = selection_rates(simulate(rng, n, (40, 8000), rate))
    headline = agency_rows(out).groupby("agency_code")["adverse_impact"].any()
    every_row = out[out["agency_code"] != codes.ALL].groupby("agency_code")["adverse_impact"].any()
    four_fifths = agency_rows(out).groupby("agency_code")["flag_four_fifths"].any()
    print(f"\nequal true rates, {n} comparisons: any adverse_impact on the pooled rows {headline.mean():.3f}, "
          f"on any row incl. job categories {every_row.mean():.3f}; any below four-fifths {four_fifths.mean():.3f}")
    assert len(headline) == n
    assert headline.mean() <= 0.10
    assert every_row.mean() <= 0.10  # job-category rows add no chances: they need their pooled row's finding
    assert four_fifths.mean() > 0.5  # the four-fifths ratio alone would have flagged most of them


def test_a_large_clear_disparity_is_found():
    # Black applicants hired at 0.6 × the others' rate; Black pool ≥ 400 and overall rate ≥ 20 %
    rng = np.random.default_rng(7)
    size = 400 / RACE_SHARE[BLACK]
    out = selection_rates(simulate(rng, 200, (size * 1.1, size * 3), rng.uniform(0.2, 0.5, 200), ratio=0.6))
    black = agency_rows(out)
    black = black[(black["group_code"] == "black") & (black["pool"] >= 400)]
    print(f"\n0.6 × rate, pool ≥ 400, rate ≥ 20 %: found in {black['adverse_impact'].mean():.3f} of {len(black)}")
    assert len(black) >= 150
    assert black["adverse_impact"].mean() >= 0.8


@pytest.mark.parametrize(("pool", "rate", "at_most"), [(100, 0.1, 0.5), (200, 0.2, 1.0), (400, 0.1, 1.0),
                                                       (1000, 0.1, 1.0)])
def test_detection_at_smaller_pools_and_rates(pool, rate, at_most):
    # Small numbers are rightly uncertain: the rate is reported (run with -s), and a pool of 100 at 10 %
    # must not look reliably detectable.
    rng = np.random.default_rng(pool)
    size = pool / RACE_SHARE[BLACK]
    out = selection_rates(simulate(rng, 200, (size, size * 1.0001), rate, ratio=0.6))
    black = agency_rows(out)
    black = black[black["group_code"] == "black"]
    print(f"\n0.6 × rate, Black pool about {pool}, rate {rate:.0%}: found in {black['adverse_impact'].mean():.3f}")
    assert black["adverse_impact"].mean() <= at_most


# --- hand-worked fixtures ---------------------------------------------------------------------------------

def test_a_group_that_lost_nobody_gives_no_ratio_of_zero():
    # White 0 of 100 left (retention 100 %: reference); Black 10 of 50 (retention 80 %: ratio 0.8, not
    # below four-fifths); Asian 20 of 40 (retention 50 %: ratio 0.5). Under the old separation-rate ratio
    # (reference rate 0 / group rate) every ratio was 0.
    out = selection_rates(actions([("separation", "white", "male", 100, 0), ("separation", "black", "male", 50, 10),
                                   ("separation", "asian", "male", 40, 20)]))
    assert row(out, "separation", "race_ethnicity", "white")["impact_ratio"] == 1.0
    black = row(out, "separation", "race_ethnicity", "black")
    asian = row(out, "separation", "race_ethnicity", "asian")
    assert black["reference_group"] == "white"
    assert black["impact_ratio"] == pytest.approx(0.8) and not black["flag_four_fifths"]
    assert asian["impact_ratio"] == pytest.approx(0.5) and asian["flag_four_fifths"]
    assert (out["impact_ratio"].dropna() > 0).all()


def test_a_small_lucky_group_is_not_the_reference():
    # Pool of 10,000: White 9,000 applicants, 1,800 hired (20 %); Black 858, 172 hired (20.05 %);
    # Asian 142 applicants, 40 hired (28.2 %, lucky). 2 % of 10,000 = 200 > 142: Asian may not be the
    # reference, so the reference is Black (172/858 = 0.20047 > 0.2) and nobody is below four-fifths.
    out = selection_rates(actions([("hire", "white", "female", 9000, 1800), ("hire", "black", "female", 858, 172),
                                   ("hire", "asian", "female", 142, 40)]))
    asian = row(out, "hire", "race_ethnicity", "asian")
    assert not asian["reference_eligible"]
    assert asian["reference_group"] == "black"
    white = row(out, "hire", "race_ethnicity", "white")
    assert white["impact_ratio"] == pytest.approx(0.2 / (172 / 858))
    assert not out["flag_four_fifths"].any() and not out["adverse_impact"].any()


def simpson_fixture() -> pd.DataFrame:
    # Equal rates inside each job category: professionals 20 % for everyone, service 60 % for everyone.
    # White applicants mostly apply to professional jobs, Black applicants to service jobs, so pooled over
    # categories White 140/500 = 28 % against Black 260/500 = 52 %: ratio 0.538 and a collapsed Fisher p
    # far below 0.05, yet within every category the two groups are treated the same.
    return pd.concat([
        actions([("hire", "white", "male", 400, 80), ("hire", "black", "male", 100, 20)], "DSS", "professionals"),
        actions([("hire", "white", "male", 100, 60), ("hire", "black", "male", 400, 240)], "DSS",
                "service_maintenance"),
    ])


def test_job_mix_alone_is_not_adverse_impact():
    out = selection_rates(simpson_fixture())
    white = row(out, "hire", "race_ethnicity", "white", category=codes.ALL)
    assert (white["pool"], white["selected"]) == (500, 140)
    assert white["impact_ratio"] == pytest.approx(0.28 / 0.52) and white["flag_four_fifths"]
    assert white["fisher_p"] < 1e-12 and white["z_score"] < 0  # the collapsed table misleads
    # within each stratum a = E a exactly, so the CMH statistic is 0 and p = 1
    assert white["cmh_p"] == pytest.approx(1.0)
    assert not white["flag_significant"] and not white["adverse_impact"]
    assert not out["adverse_impact"].any()


def test_cmh_p_agrees_with_statsmodels_and_the_textbook_formula():
    # Black against White in three job categories of one agency (hire):
    #   professionals [[10, 30], [40, 60]], technicians [[5, 25], [20, 30]], service [[30, 20], [35, 15]]
    strata = {"professionals": ((40, 10), (100, 40)), "technicians": ((30, 5), (50, 20)),
              "service_maintenance": ((50, 30), (50, 35))}
    frame = pd.concat([actions([("hire", "black", "male", *black), ("hire", "white", "male", *white)], "DSS", job)
                       for job, (black, white) in strata.items()])
    got = row(selection_rates(frame), "hire", "race_ethnicity", "black", category=codes.ALL)
    tables = [np.array([[s, n - s], [sw, nw - sw]]) for (n, s), (nw, sw) in strata.values()]
    expected = StratifiedTable(tables).test_null_odds().pvalue
    # Textbook CMH (no continuity correction), by hand:
    #   professionals: n = 140, row 40, column 50: E = 40·50/140 = 14.285714; V = 40·100·50·90/(140²·139)
    #                  = 18,000,000/2,724,400 = 6.606960; a − E = −4.285714
    #   technicians:   n = 80, row 30, column 25: E = 9.375; V = 30·50·25·55/(80²·79) = 2,062,500/505,600
    #                  = 4.079312; a − E = −4.375
    #   service:       n = 100, row 50, column 65: E = 32.5; V = 50·50·65·35/(100²·99) = 5,687,500/990,000
    #                  = 5.744949; a − E = −2.5
    #   Σ(a − E) = −11.160714, ΣV = 16.431221, X² = 124.561538/16.431221 = 7.580794, p = P(χ²₁ > 7.580794)
    by_hand = chi2.sf(11.160714**2 / 16.431221, 1)
    assert got["cmh_p"] == pytest.approx(expected, rel=1e-9)
    assert got["cmh_p"] == pytest.approx(by_hand, rel=1e-5)
    assert got["cmh_p"] == pytest.approx(0.0058999, rel=1e-3)
    assert got["flag_significant"]


def test_cmh_on_r_documentation_data():
    # R's ?mantelhaen.test "Rabbits" example (penicillin, 5 strata), documented output with continuity
    # correction: "Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747". The uncorrected
    # statistic, from the same tables by the textbook formula, is (Σ a − Σ E)² / Σ V = 5.657143.
    rabbits = [[[0, 6], [0, 5]], [[3, 3], [0, 6]], [[6, 0], [2, 4]], [[5, 1], [6, 0]], [[2, 0], [5, 0]]]
    tables = np.array(rabbits, dtype=float)
    a, row_total = tables[:, 0, 0], tables[:, 0].sum(axis=1)
    column, total = tables[:, :, 0].sum(axis=1), tables.sum(axis=(1, 2))
    deviation, variance = cmh_parts(a, row_total, column, total)
    corrected = (abs(deviation.sum()) - 0.5) ** 2 / variance.sum()
    assert corrected == pytest.approx(3.9286, abs=1e-4)
    assert chi2.sf(corrected, 1) == pytest.approx(0.04747, abs=1e-5)
    assert cmh_p(deviation.sum(), variance.sum()) == pytest.approx(chi2.sf(5.657143, 1), rel=1e-6)
    statsmodels_p = StratifiedTable([np.array(t) for t in rabbits]).test_null_odds().pvalue
    assert cmh_p(deviation.sum(), variance.sum()) == pytest.approx(statsmodels_p, rel=1e-9)


def test_strata_with_an_empty_margin_add_nothing():
    # a stratum where nobody was hired (column total 0) or only Black applicants applied (row total = n)
    deviation, variance = cmh_parts(np.array([0.0, 5.0]), np.array([10.0, 5.0]), np.array([0.0, 5.0]),
                                    np.array([30.0, 5.0]))
    assert deviation.tolist() == [0.0, 0.0] and variance.tolist() == [0.0, 0.0]
    assert np.isnan(cmh_p(np.array(0.0), np.array(0.0)))


def test_fisher_p_agrees_with_scipy_on_many_random_tables():
    rng = np.random.default_rng(11)
    tables = np.vstack([rng.integers(0, high, size=(700, 4)) for high in (3, 12, 60, 400, 5000, 60000)])
    tables[::7, 1] = 0  # some zero cells and margins
    got = fisher_two_sided(*tables.T)
    expected = np.array([fisher_exact(t.reshape(2, 2)).pvalue for t in tables])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-300)


def test_fisher_p_agrees_with_scipy_on_both_sides_of_the_enumeration_limit():
    """Tables with up to SMALL_SUPPORT possible values are enumerated, larger ones searched: both are scipy's,
    including symmetric tables (ties with the observed table) and tables at the ends of their support."""
    from pipeline.stats.significance import SMALL_SUPPORT

    tables = []
    for column in (SMALL_SUPPORT - 2, SMALL_SUPPORT - 1, SMALL_SUPPORT, SMALL_SUPPORT + 1):
        for a in (0, 1, column // 3, column // 2, column):
            tables.append([a, 400 - a, column - a, 400 - column + a])  # support size column + 1
    tables += [[5, 5, 5, 5], [3, 7, 7, 3], [0, 10, 10, 0], [120, 130, 130, 120]]
    tables = np.array(tables)
    got = fisher_two_sided(*tables.T)
    expected = np.array([fisher_exact(t.reshape(2, 2)).pvalue for t in tables])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-300)


def test_fisher_p_of_a_selection_row_is_scipys():
    out = selection_rates(actions([("promotion", "black", "female", 60, 9), ("promotion", "white", "female", 140, 40),
                                   ("promotion", "asian", "female", 35, 12)]))
    black = row(out, "promotion", "race_ethnicity", "black")
    # Black against White and Asian pooled: [[9, 51], [52, 123]]
    assert black["fisher_p"] == pytest.approx(fisher_exact([[9, 51], [52, 123]]).pvalue, rel=1e-9)


# --- the demo's planted disparities ----------------------------------------------------------------------

def test_demo_planted_disparities_are_found_in_large_agencies(tmp_path):
    write_demo_inputs(tmp_path, seed=2024, scale=1)
    frame = pd.read_csv(tmp_path / "personnel_actions.csv", dtype={"agency_code": str})
    selection = selection_rates(frame)
    table = detection_table(selection, scaled_agencies(1))
    print("\n" + table.to_string(index=False))
    large = table[(table["band"] == "3,000 staff or more") & (table["action"] != "separation")]
    assert large["found"].sum() >= 0.35 * large["planted"].sum()  # 19 of 42 at seed 2024
    assert table["flagged"].sum() <= 0.1 * table["clean"].sum()
    # the build's summary no longer calls every race/ethnicity group adversely impacted in hiring
    (line,) = [x for x in headline_figures({"selection_rates": selection}) if "statewide race/ethnicity" in x]
    print(line)
    hired = [g for g in codes.RACE_ETHNICITY if f"{g} (hire)" in line]
    assert "adverse impact" in line and len(hired) < len(codes.RACE_ETHNICITY) - 1


def test_summary_names_adverse_impact_not_job_mix():
    lines = headline_figures({"selection_rates": selection_rates(simpson_fixture())})
    assert "FY2024 statewide race/ethnicity groups with adverse impact (pooled over job categories): none " \
           "(1 below four-fifths before the significance and one-person checks)" in lines
    assert "FY2024 agency × action comparisons with any adverse impact: 0 of 1" in lines


def test_the_holm_step_agrees_with_statsmodels():
    from statsmodels.stats.multitest import multipletests

    from pipeline.stats.selection import SLICES, _holm

    rng = np.random.default_rng(11)
    p_values = rng.uniform(0, 0.2, (300, SLICES[-1].stop)) ** 2
    tested = rng.random(p_values.shape) > 0.2
    adjusted = _holm(p_values, tested)
    for i in range(0, 300, 7):
        for part in SLICES:
            chosen = tested[i, part]
            if not chosen.any():
                continue
            expected = multipletests(p_values[i, part][chosen], method="holm")[1]
            assert adjusted[i, part][chosen] == pytest.approx(expected)
            assert np.isnan(adjusted[i, part][~chosen]).all()


def test_a_job_category_shows_adverse_impact_only_behind_a_pooled_finding():
    # Category A: Black 10 of 100 hired against White 60 of 200 (ratio 1/3, Fisher p < 0.001); category B
    # reverses it (Black 150 of 200, White 5 of 100), so pooled over categories there is no disadvantage and the
    # category row, on its own significant, is not a finding.
    rows = [("hire", "black", "male", 100, 10, "professionals"), ("hire", "white", "male", 200, 60, "professionals"),
            ("hire", "black", "male", 200, 150, "technicians"), ("hire", "white", "male", 100, 5, "technicians")]
    frame = pd.DataFrame([{"fiscal_year": 2024, "agency_code": "DSS", "job_category": c, "action": a,
                           "race_ethnicity": r, "sex": x, "pool": n, "selected": k} for a, r, x, n, k, c in rows])
    out = selection_rates(frame)
    black = out[(out["agency_code"] == "DSS") & (out["group_dimension"] == "race_ethnicity")
                & (out["group_code"] == "black")].set_index("job_category")
    assert fisher_exact([[10, 90], [60, 140]])[1] < 0.001
    assert black.loc["professionals", "flag_four_fifths"]
    assert not black.loc["professionals", "flag_significant"] and not black.loc["professionals", "adverse_impact"]
    assert not black.loc[codes.ALL, "adverse_impact"]
    # With the same category A but category B also against Black applicants, the pooled row is a finding and
    # the category row behind it shows too.
    frame.loc[2, "selected"], frame.loc[3, "selected"] = 20, 30
    again = selection_rates(frame)
    black = again[(again["agency_code"] == "DSS") & (again["group_dimension"] == "race_ethnicity")
                  & (again["group_code"] == "black")].set_index("job_category")
    assert black.loc[codes.ALL, "adverse_impact"] and black.loc["professionals", "adverse_impact"]
