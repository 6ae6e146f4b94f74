"""Noise-aware benchmark statuses (DESIGN §4.4): the three required properties by seeded simulation, the trend
against an independent computation, and the impact-ratio metric's fixed comparison on a hand-made fixture."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from data_access import codes
from pipeline.stats.benchmarks import benchmark_progress
from pipeline.stats.metrics import metric_series

RUNS = 300
BASELINE_YEAR, TARGET_YEAR = 2019, 2030
# higher_is_better: a share to raise from 30 % to 50 %; lower_is_better: the same gap to close downwards.
DIRECTIONS = {"higher_is_better": (0.30, 0.50), "lower_is_better": (0.50, 0.30)}


def simulate(seed: int, runs: int, points: int, baseline: float, target: float, mean, noise_sd: float,
             every_year: bool = False) -> pd.Series:
    """Status in the last year (or, indexed by points so far, every year) of `runs` noisy series of `points`
    years from the baseline year: mean(t) + normal noise."""
    rng = np.random.default_rng(seed)
    years = np.arange(BASELINE_YEAR, BASELINE_YEAR + points)
    values = mean(years - BASELINE_YEAR)[None, :] + rng.normal(0, noise_sd, (runs, points))
    data = pd.DataFrame({"metric_key": np.repeat([f"k{i}" for i in range(runs)], points), "scope": "state",
                         "scope_id": "09", "year": np.tile(years, runs), "value": values.ravel()})
    bench = pd.DataFrame({"metric_key": [f"k{i}" for i in range(runs)], "scope": "state", "scope_id": "",
                          "baseline_year": BASELINE_YEAR, "baseline_value": baseline, "target_year": TARGET_YEAR,
                          "target_value": target})
    out = benchmark_progress(data, bench)
    if every_year:
        return out.set_index(out["year"] - BASELINE_YEAR + 1)["status"]
    return out[out["year"] == years[-1]]["status"]


@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_a_series_on_its_planned_path_reads_on_track_or_met(direction):
    baseline, target = DIRECTIONS[direction]
    pace = (target - baseline) / (TARGET_YEAR - BASELINE_YEAR)
    # Six years from the baseline, year-to-year noise as large as a whole year of the required pace.
    status = simulate(11, RUNS, 6, baseline, target, lambda t: baseline + pace * t, abs(pace))
    assert status.isin(["on_track", "met"]).mean() >= 0.80, status.value_counts().to_dict()


@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_a_flat_series_two_noise_sds_short_of_target_is_rarely_met(direction):
    baseline, target = DIRECTIONS[direction]
    noise = 0.01
    target = baseline + 2 * noise * np.sign(target - baseline)  # the gap is exactly 2 noise SDs: the worst case
    status = simulate(12, RUNS, 10, baseline, target, lambda t: baseline + 0 * t, noise, every_year=True)
    met = (status == "met").groupby(level=0).mean()  # by points since the baseline: 1 … 10
    assert len(met) == 10 and (met <= 0.05).all(), met.to_dict()


@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_a_series_moving_away_at_the_required_pace_reads_moving_away(direction):
    baseline, target = DIRECTIONS[direction]
    pace = (target - baseline) / (TARGET_YEAR - BASELINE_YEAR)
    # Five points, year-to-year noise half a year of the pace.
    status = simulate(13, RUNS, 5, baseline, target, lambda t: baseline - pace * t, abs(pace) / 2)
    assert (status == "moving_away").mean() >= 0.80, status.value_counts().to_dict()


def test_every_status_is_one_of_the_published_codes():
    everything = pd.concat([simulate(seed, 30, points, 0.3, 0.5, lambda t, s=slope: 0.3 + s * t, 0.02)
                            for seed, (points, slope) in enumerate([(2, 0), (5, 0.05), (5, 0.002), (5, 0),
                                                                    (5, -0.03), (8, 0.02)])])
    assert set(everything) == set(codes.BENCHMARK_STATUSES)


# ---------------------------------------------------------------- the trend, computed independently
def test_slope_interval_and_fitted_value_agree_with_polyfit_and_statsmodels():
    years = np.array([2019, 2020, 2021, 2022, 2023, 2024])
    values = np.array([0.31, 0.29, 0.34, 0.36, 0.35, 0.40])
    data = pd.DataFrame({"metric_key": "k", "scope": "state", "scope_id": "09", "year": years, "value": values})
    bench = pd.DataFrame([{"metric_key": "k", "scope": "state", "scope_id": "", "baseline_year": 2019,
                           "baseline_value": 0.30, "target_year": 2030, "target_value": 0.52}])
    row = benchmark_progress(data, bench).iloc[-1]
    # By hand: least squares by numpy.polyfit, the slope's standard error from the residuals, Student t.
    (slope, intercept), residuals, *_ = np.polyfit(years, values, 1, full=True)
    se = np.sqrt(residuals[0] / (len(years) - 2) / ((years - years.mean()) ** 2).sum())
    half = stats.t.ppf(0.95, len(years) - 2) * se
    assert row["slope"] == pytest.approx(slope, rel=1e-9)
    assert (row["slope_ci_low"], row["slope_ci_high"]) == pytest.approx((slope - half, slope + half), rel=1e-9)
    assert row["fitted_value"] == pytest.approx(intercept + slope * 2024, rel=1e-9)
    # And statsmodels' OLS 90 % interval.
    fit = sm.OLS(values, sm.add_constant(years - 2019.0)).fit()
    assert (row["slope_ci_low"], row["slope_ci_high"]) == pytest.approx(tuple(fit.conf_int(0.10)[1]), rel=1e-9)
    assert row["required_slope"] == pytest.approx(0.22 / 11)
    # slope 0.0177 (0.0083, 0.0271) against 0.02 a year: beyond noise, and the pace is within the interval
    assert row["status"] == "on_track"


# ---------------------------------------------------------------- impact ratio: a fixed comparison
def _actions() -> pd.DataFrame:
    """DOC separations, 2022: pooled rows (job_category ALL) and one job category's rows (must be ignored)."""
    rows = [("ALL", "black", 50, 10, True), ("ALL", "white", 150, 15, False), ("ALL", "hispanic", 40, 0, False),
            ("ALL", "female", 120, 12, False), ("professionals", "black", 20, 9, False),
            ("professionals", "white", 30, 1, False)]
    frame = pd.DataFrame(rows, columns=["job_category", "group_code", "pool", "selected", "suppressed"])
    frame["group_dimension"] = np.where(frame["group_code"] == "female", "sex", "race_ethnicity")
    return frame.assign(fiscal_year=2022, agency_code="DOC", action="separation", impact_ratio=0.0,
                        reference_group="white")


def test_impact_ratio_is_retention_against_all_other_groups_pooled():
    keys = ["selection.separation.impact_ratio.black", "selection.separation.impact_ratio.hispanic"]
    bench = pd.DataFrame({"metric_key": keys, "scope": "agency", "scope_id": "DOC"})
    out = metric_series(bench, {"selection_rates": _actions()}).set_index("metric_key")
    # black: retention 40/50 = 0.8; the others (white, hispanic) kept (150 − 15 + 40)/(150 + 40) = 175/190
    # → 0.8 · 190/175 = 152/175. Hispanic lost nobody: retention 1 against (40 + 135)/200 = 0.875 → 8/7, never 0.
    assert out.loc[keys[0], "value"] == pytest.approx(152 / 175)
    assert out.loc[keys[1], "value"] == pytest.approx(8 / 7)
    # The black row is suppressed, so is the benchmark value read from it; the hispanic one is not.
    assert out.loc[keys[0], "suppressed"] and not out.loc[keys[1], "suppressed"]


def test_impact_ratio_for_hires_and_without_others():
    hires = _actions().assign(action="hire")
    bench = pd.DataFrame({"metric_key": ["selection.hire.impact_ratio.black", "selection.hire.impact_ratio.female"],
                          "scope": "agency", "scope_id": "DOC"})
    out = metric_series(bench, {"selection_rates": hires}).set_index("metric_key")
    # black hired 10/50 = 0.2 against (15 + 0)/(150 + 40) = 15/190 → 0.2 · 190/15 = 38/15
    assert out.loc["selection.hire.impact_ratio.black", "value"] == pytest.approx(38 / 15)
    # female is the only row of its dimension: no other group to compare with, so no value (never 0 or 1)
    assert "selection.hire.impact_ratio.female" not in out.index


def test_every_status_has_a_word_and_its_own_symbol_in_both_languages(settings_for, tmp_path):
    from app import app
    from components.formatting import STATUS_LABELS, status_label

    settings_for(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert tuple(STATUS_LABELS) == codes.BENCHMARK_STATUSES
    english = [status_label(code) for code in codes.BENCHMARK_STATUSES]
    with app.server.test_request_context("/?lang=es"):
        spanish = [status_label(code) for code in codes.BENCHMARK_STATUSES]
    assert len({symbol for _, symbol in english}) == 6 and all(symbol for _, symbol in english)
    assert len({word for word, _ in english}) == len({word for word, _ in spanish}) == 6
    assert all(es[0] != en[0] and es[1] == en[1] for en, es in zip(english, spanish))
    assert spanish[2] == ("Mejorando, pero demasiado despacio", "↝")
