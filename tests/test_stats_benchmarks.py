"""Benchmark progress, trend and status (DESIGN §4.4) and the metric keys behind them."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from data_access import schema
from pipeline.stats.benchmarks import benchmark_progress, trend
from pipeline.stats.metrics import metric_key_error, metric_series

T_95_1DF = 6.313752  # Student t, 95th percentile, 1 degree of freedom (printed t tables)


def bench(key="k", scope="state", scope_id="", baseline=10.0, target=30.0, baseline_year=2020,
          target_year=2030) -> pd.DataFrame:
    return pd.DataFrame([{
        "metric_key": key, "scope": scope, "scope_id": scope_id, "baseline_year": baseline_year,
        "baseline_value": baseline, "target_year": target_year, "target_value": target,
    }])


def series(values: list[float], start: int = 2020, key="k", scope="state", scope_id="09") -> pd.DataFrame:
    return pd.DataFrame({"metric_key": key, "scope": scope, "scope_id": scope_id,
                         "year": range(start, start + len(values)), "value": values})


# ---------------------------------------------------------------- trend and its interval
def test_trend_three_points_by_hand():
    # (2020, 1), (2021, 2), (2022, 4): x̄ = 2021, ȳ = 7/3, Sxx = 1 + 0 + 1 = 2,
    # Sxy = (−1)(1 − 7/3) + 0 + (1)(4 − 7/3) = 4/3 + 5/3 = 3 → slope = 3/2 = 1.5.
    # Fitted 5/6, 7/3, 23/6 → residuals 1/6, −1/3, 1/6; SSR = 1/36 + 4/36 + 1/36 = 1/6; 1 degree of freedom.
    # SE = sqrt((1/6)/1 / 2) = sqrt(1/12) = 0.288675; 90 % half-width = 6.313752 · 0.288675 = 1.822624.
    slope, low, high, intercept = trend(np.array([2020, 2021, 2022]), np.array([1.0, 2.0, 4.0]))
    assert slope == pytest.approx(1.5)
    assert low == pytest.approx(1.5 - T_95_1DF * math.sqrt(1 / 12), abs=1e-5)
    assert high == pytest.approx(1.5 + T_95_1DF * math.sqrt(1 / 12), abs=1e-5)
    assert intercept + slope * 2021 == pytest.approx(7 / 3)


def test_trend_matches_least_squares_and_closed_form_interval():
    rng = np.random.default_rng(3)
    years = np.arange(2012, 2024)
    values = 0.4 * (years - 2012) + rng.normal(0, 1, len(years))
    design = np.column_stack([np.ones(len(years)), years - 2012.0])
    coef, ssr, *_ = np.linalg.lstsq(design, values, rcond=None)
    se = math.sqrt(ssr[0] / (len(years) - 2) / ((years - years.mean()) ** 2).sum())
    half = stats.t.ppf(0.95, len(years) - 2) * se
    slope, low, high, _ = trend(years, values)
    assert slope == pytest.approx(coef[1], rel=1e-10)
    assert (low, high) == pytest.approx((coef[1] - half, coef[1] + half), rel=1e-10)
    wider = trend(years, values, ci=0.95)
    assert wider[1] < low and wider[2] > high


def test_trend_perfect_fit_has_zero_width_interval():
    slope, low, high, _ = trend(np.array([2020, 2021, 2022, 2023]), np.array([3.0, 5.0, 7.0, 9.0]))
    assert slope == pytest.approx(2.0) and low == pytest.approx(2.0) and high == pytest.approx(2.0)


# ---------------------------------------------------------------- status rules
# Baseline 2020, target year 2030; values from 2020 on. Each expected status is worked by hand in the comment.
@pytest.mark.parametrize(
    ("values", "baseline", "target", "status"),
    [
        # slope = 21/2 = 10.5 (x − x̄ = −1, 0, 1); fitted 2022 = 61/3 + 10.5 = 30.83 ≥ 30
        ([10, 20, 31], 10, 30, "met"),
        ([35], 10, 30, "insufficient_data"),  # above target, but no trend from a single point
        # a perfect line of slope 2 (interval [2, 2]) against a required pace of (28 − 10)/10 = 1.8
        ([10, 12, 14, 16], 10, 28, "on_track"),
        # a perfect line of slope 0.5 against a required pace of 2: surely improving, surely too slowly
        ([10, 10.5, 11, 11.5], 10, 30, "improving_too_slowly"),
        # slope 3.4 with 90 % interval (−6.89, 13.69): fast on average, but not beyond noise
        ([10, 20, 9, 25], 10, 30, "no_detectable_change"),
        ([10, 12], 10, 30, "insufficient_data"),  # fewer than 3 points
        # decreasing target: a perfect fall of 2 a year against a required (10 − 20)/10 = −1
        ([20, 18, 16, 14], 20, 10, "on_track"),
        # slope −5.5; fitted 2022 = 44/3 − 5.5 = 9.17 ≤ 10
        ([20, 15, 9], 20, 10, "met"),
        ([20, 21, 22, 23], 20, 10, "moving_away"),  # a perfect rise of 1 a year, away from a lower target
        ([20, 19.9, 19.8], 20, 10, "improving_too_slowly"),  # right way, −0.1 a year against −1
        ([5, 5, 5], 5, 5, "met"),  # target equal to baseline: keep at or above
        ([5, 4, 3], 5, 5, "moving_away"),  # … and falling below it is moving away
    ],
)
def test_status_rules(values, baseline, target, status):
    out = benchmark_progress(series(values), bench(baseline=baseline, target=target))
    assert out["status"].iloc[-1] == status


def test_noisy_example_interval_by_hand():
    # years 0..3, y = 10, 20, 9, 25: slope = Sxy/Sxx = 17/5 = 3.4; residuals −0.9, 5.7, −8.7, 3.9,
    # SSR = 124.2, SE = sqrt(124.2/2/5) = 3.5242; t(0.95, 2 df) = 2.919986 (t table)
    # → half-width 10.291 → (−6.89, 13.69)
    out = benchmark_progress(series([10, 20, 9, 25]), bench()).iloc[-1]
    assert out["slope"] == pytest.approx(3.4)
    assert out["slope_ci_low"] == pytest.approx(3.4 - 2.919986 * math.sqrt(12.42), abs=1e-4)
    assert out["slope_ci_high"] == pytest.approx(3.4 + 2.919986 * math.sqrt(12.42), abs=1e-4)


def test_one_row_per_year_with_value_progress_and_columns():
    data = series([10, 16, np.nan, 22])
    out = benchmark_progress(data, bench(baseline=10, target=30))
    assert list(out.columns) == schema.columns("benchmark_progress")
    assert out["year"].tolist() == [2020, 2021, 2023]  # the missing 2022 value gives no row
    # progress = (value − 10)/(30 − 10): 0, 6/20, 12/20; required pace (30 − 10)/(2030 − 2020) = 2 a year
    assert out["progress"].tolist() == pytest.approx([0.0, 0.3, 0.6])
    assert out["required_slope"].tolist() == pytest.approx([2.0, 2.0, 2.0])
    # slope at 2023 uses 2020, 2021, 2023: x − x̄ = −4/3, −1/3, 5/3 (Sxx = 14/3), y − ȳ = −6, 0, 6,
    # Sxy = 8 + 0 + 10 = 18 → slope = 18 / (14/3) = 27/7; fitted 2023 = ȳ + slope·5/3 = 16 + 45/7.
    # Residuals −6/7, 9/7, −3/7 → SSR = 126/49, SE = sqrt(SSR/1/Sxx) = 0.7423; half-width 6.3138·SE = 4.687,
    # so the interval (−0.83, 8.54) includes 0.
    assert out["slope"].iloc[-1] == pytest.approx(27 / 7)
    assert out["fitted_value"].iloc[-1] == pytest.approx(16 + 45 / 7)
    se = math.sqrt(126 / 49 / (14 / 3))
    assert out["slope_ci_low"].iloc[-1] == pytest.approx(27 / 7 - T_95_1DF * se, abs=1e-5)
    assert out["status"].tolist() == ["insufficient_data", "insufficient_data", "no_detectable_change"]
    assert out["slope"].iloc[:2].isna().all() and out["fitted_value"].iloc[:2].isna().all()
    assert (out["baseline_year"] == 2020).all() and (out["target_year"] == 2030).all()
    assert (out["scope_id"] == "09").all() and not out["suppressed"].any()


def test_the_trend_starts_at_the_baseline_year():
    # Flat before the 2020 baseline, then a perfect climb of 5 a year: the trend sees only the climb.
    out = benchmark_progress(series([10, 10, 10, 10, 15, 20], start=2017), bench(target=40)).set_index("year")
    assert out.loc[2021, "status"] == "insufficient_data" and math.isnan(out.loc[2021, "slope"])
    assert out.loc[2022, "slope"] == pytest.approx(5.0) and out.loc[2022, "status"] == "on_track"
    assert (out.loc[:2019, "status"] == "insufficient_data").all()


def test_progress_is_missing_when_target_equals_baseline_and_benchmarks_match_their_scope():
    data = pd.concat([series([1, 2, 3], scope="agency", scope_id="DSS"),
                      series([7, 8, 9], scope="agency", scope_id="DOT")])
    out = benchmark_progress(data, bench(scope="agency", scope_id="DOT", baseline=8, target=8))
    assert out["value"].tolist() == [7.0, 8.0, 9.0] and out["progress"].isna().all()
    assert benchmark_progress(series([1.0]), bench(key="other")).empty


# ---------------------------------------------------------------- metric keys
MEASURES = {"pcp_per_1000", "travel.minutes"}


@pytest.mark.parametrize(
    ("key", "scope", "problem"),
    [
        ("workforce.share.hispanic", "state", None),
        ("workforce.share.female", "agency", None),
        ("workforce.share.black_female", "agency", None),
        ("workforce.share.lep", "state", "unknown group"),
        ("workforce.share.hispanic", "region", "does not support scope"),
        ("workforce.underutilized_share", "agency", None),
        ("selection.hire.impact_ratio.black", "state", None),
        ("selection.firing.impact_ratio.black", "state", "unknown action"),
        ("selection.promotion.ratio.black", "state", "unknown metric_key"),
        ("access.pcp_per_1000.ratio.hispanic", "region", None),
        ("access.pcp_per_1000.ratio.lep", "state", None),
        ("access.travel.minutes.value", "state", None),  # a measure id with a dot
        ("access.pcp_per_1000.value", "agency", "does not support scope"),
        ("access.unknown.value", "state", "unknown measure"),
        ("access.pcp_per_1000.ratio.female", "state", "unknown group"),
        ("contracting.small_share", "agency", None),
        ("contracting.minority_share", "region", "does not support scope"),
        ("plans.published_share", "state", None),
        ("plans.published_share", "agency", "does not support scope"),
        ("training.completion", "agency", None),
        ("training.rate", "state", "unknown metric_key"),
        ("workforce.share", "state", "unknown metric_key"),
    ],
)
def test_metric_key_error(key, scope, problem):
    message = metric_key_error(key, scope, MEASURES, None)
    assert message is None if problem is None else problem in message


def test_metric_key_error_with_known_groups():
    assert metric_key_error("access.pcp_per_1000.ratio.asian", "state", MEASURES, {"white", "black"})
    assert metric_key_error("access.pcp_per_1000.ratio.black", "state", MEASURES, {"white", "black"}) is None


def _workforce() -> pd.DataFrame:
    rows = []
    for year, hispanic_share in ((2022, 0.10), (2023, 0.12)):
        rows.append((year, "ALL", "ALL", "race_ethnicity", "hispanic", hispanic_share, None))
        rows.append((year, "DSS", "ALL", "race_ethnicity", "hispanic", hispanic_share + 0.05, None))
    # DSS 2023: four category cells of race and sex, two flagged; a race_sex cell (ignored); an unknown flag
    for category, group, dimension, flag in (
        ("professionals", "hispanic", "race_ethnicity", True), ("professionals", "female", "sex", False),
        ("technicians", "black", "race_ethnicity", True), ("technicians", "male", "sex", False),
        ("technicians", "black_male", "race_sex", True), ("skilled_craft", "asian", "race_ethnicity", None),
        ("technicians", "x", "sex", True),  # sex x is never a tested cell

    ):
        rows.append((2023, "DSS", category, dimension, group, 0.1, flag))
    # A cell without availability has no p-value and an unflagged flag: it is not a tested cell.
    rows.append((2023, "DSS", "skilled_craft", "sex", "female", 0.1, False))
    columns = ["fiscal_year", "agency_code", "job_category", "group_dimension", "group_code", "share",
               "flag_significant"]
    frame = pd.DataFrame(rows, columns=columns).astype({"flag_significant": "boolean"})
    frame["p_value"] = np.where(frame["flag_significant"].isna(), np.nan, 0.5)
    frame.loc[frame.index[-1], "p_value"] = np.nan
    return frame


def test_metric_series_reads_each_table():
    benchmarks = pd.DataFrame([
        ("workforce.share.hispanic", "state", ""), ("workforce.share.hispanic", "agency", "DSS"),
        ("workforce.underutilized_share", "agency", "DSS"),
        ("selection.hire.impact_ratio.black", "state", None),
        ("access.pcp.ratio.black", "region", "09110"), ("access.pcp.value", "state", "09"),
        ("contracting.small_share", "state", ""), ("plans.published_share", "state", ""),
        ("training.completion", "agency", "DOT"),
    ], columns=["metric_key", "scope", "scope_id"])
    tables = {
        "workforce_utilization": _workforce(),
        # State 2023 hires: black 14 of 100, white 60 of 300, hispanic 22 of 100; the yearly impact_ratio
        # column (against a reference that changes) is not what the benchmark reads.
        "selection_rates": pd.DataFrame({
            "fiscal_year": 2023, "agency_code": "ALL", "action": "hire", "group_dimension": "race_ethnicity",
            "group_code": ["black", "white", "hispanic"], "pool": [100, 300, 100], "selected": [14, 60, 22],
            "impact_ratio": [0.7, 1.0, 1.1], "suppressed": False}),
        "access_by_group": pd.DataFrame({
            "year": 2023, "geography_level": ["state", "region", "region", "state"],
            "geography_id": ["09", "09110", "09110", "09"], "measure_id": "pcp",
            "group_code": ["total", "black", "total", "black"], "weighted_value": [5.0, 4.0, 6.0, 3.0],
            "ratio": [1.1, 0.8, 1.2, 0.6]}),
        "contracting": pd.DataFrame({"fiscal_year": [2024, 2024], "agency_code": ["ALL", "DSS"],
                                     "small_share": [0.2, 0.3]}),
        "equity_plans": pd.DataFrame({
            "agency_code": ["A", "B", "C", "A", "B"], "plan_year": [2024] * 3 + [2025] * 2,
            "status": ["published", "drafting", "published", "published", "published"]}),
        "training": pd.DataFrame({"fiscal_year": [2024, 2024], "agency_code": ["ALL", "DOT"],
                                  "completion_rate": [0.5, 0.75]}),
    }
    out = metric_series(benchmarks, tables)
    got = {(r.metric_key, r.scope, r.scope_id, r.year): r.value for r in out.itertuples()}
    assert got == pytest.approx({
        ("workforce.share.hispanic", "state", "09", 2022): 0.10,
        ("workforce.share.hispanic", "state", "09", 2023): 0.12,
        ("workforce.share.hispanic", "agency", "DSS", 2022): 0.15,
        ("workforce.share.hispanic", "agency", "DSS", 2023): 0.17,
        # 2 flagged of the 4 race and sex cells with a known flag
        ("workforce.underutilized_share", "agency", "DSS", 2023): 0.5,
        # black 14/100 against the others' (60 + 22)/(300 + 100) = 0.205: 0.14/0.205 = 28/41
        ("selection.hire.impact_ratio.black", "state", "09", 2023): 28 / 41,
        ("access.pcp.ratio.black", "region", "09110", 2023): 0.8,
        ("access.pcp.value", "state", "09", 2023): 5.0,
        ("contracting.small_share", "state", "09", 2024): 0.2,
        # 2024: 2 of 3 agencies published; 2025: 2 of 2
        ("plans.published_share", "state", "09", 2024): 2 / 3,
        ("plans.published_share", "state", "09", 2025): 1.0,
        ("training.completion", "agency", "DOT", 2024): 0.75,
    })
    assert list(out.columns) == ["metric_key", "scope", "scope_id", "year", "value", "suppressed"]
    assert not out["suppressed"].any()
    # With the agency list, plans count every agency: 2025 is 2 of 4
    with_agencies = metric_series(benchmarks[benchmarks["metric_key"] == "plans.published_share"],
                                  {**tables, "agencies": pd.DataFrame({"agency_code": ["A", "B", "C", "D"]})})
    assert with_agencies["value"].tolist() == pytest.approx([2 / 4, 2 / 4])


def test_metric_series_missing_table_gives_no_rows_and_feeds_progress():
    benchmarks = bench(key="training.completion", baseline=0.5, target=0.9)
    assert metric_series(benchmarks, {}).empty
    training = pd.DataFrame({"fiscal_year": [2021, 2022, 2023], "agency_code": "ALL",
                             "completion_rate": [0.5, 0.7, 0.9]})
    out = benchmark_progress(metric_series(benchmarks, {"training": training}), benchmarks)
    assert out["status"].tolist() == ["insufficient_data", "insufficient_data", "met"]
