"""Benchmarks and measures of progress (DESIGN §4.4): progress, trend with interval, status."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from data_access import schema
from pipeline.stats.metrics import scope_id_of

MIN_POINTS = 3
STATUSES = ("met", "on_track", "off_track", "insufficient_data")


def trend(years: np.ndarray, values: np.ndarray, ci: float = 0.90) -> tuple[float, float, float, float]:
    """OLS slope, its two-sided ``ci`` t-interval (n − 2 degrees of freedom) and the intercept.

    Needs at least 3 points; a perfect fit gives an interval of zero width.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    fit = stats.linregress(x, y)
    residuals = y - (fit.intercept + fit.slope * x)
    dof = len(x) - 2
    sxx = ((x - x.mean()) ** 2).sum()
    se = math.sqrt((residuals**2).sum() / dof / sxx)
    half = stats.t.ppf(0.5 + ci / 2, dof) * se
    return float(fit.slope), float(fit.slope - half), float(fit.slope + half), float(fit.intercept)


def status_of(
    value: float, n_points: int, baseline: float, target: float, target_year: int,
    slope: float, low: float, high: float, intercept: float,
) -> str:
    """Status of a benchmark in one year (DESIGN §4.4).

    ``met``: the value has reached the target in the benchmark's direction (target above baseline → value ≥
    target; below → value ≤ target; a target equal to its baseline means "keep at or above"). Otherwise
    ``insufficient_data`` with fewer than 3 points; ``on_track`` when the trend line reaches the target by
    target_year and the slope interval lies wholly on the right side of 0; ``off_track`` otherwise.
    """
    rising = target >= baseline
    if (value >= target) if rising else (value <= target):
        return "met"
    if n_points < MIN_POINTS:
        return "insufficient_data"
    predicted = intercept + slope * target_year
    if rising and predicted >= target and low > 0:
        return "on_track"
    if not rising and predicted <= target and high < 0:
        return "on_track"
    return "off_track"


def benchmark_progress(
    series: pd.DataFrame, benchmarks: pd.DataFrame, ci: float = 0.90, window: int | None = None
) -> pd.DataFrame:
    """One row per benchmark per year with a value: progress, trend slope with interval, status.

    progress = (value − baseline)/(target − baseline) (NaN when target = baseline). The trend is the OLS line
    through the points up to and including that year: all of them, or the last ``window`` (≥ 3) when given.
    State benchmarks match the series whatever their scope_id (blank or ``09``).
    """
    series = series.assign(scope_id=[scope_id_of(s, i) for s, i in zip(series["scope"], series["scope_id"])])
    series = series[series["value"].notna()]
    rows = []
    for bench in benchmarks.itertuples(index=False):
        scope_id = scope_id_of(bench.scope, bench.scope_id)
        own = series[(series["metric_key"] == bench.metric_key) & (series["scope"] == bench.scope)
                     & (series["scope_id"] == scope_id)].sort_values("year")
        years, values = own["year"].to_numpy(dtype=int), own["value"].to_numpy(dtype=float)
        for i in range(len(years)):
            rows.append(_progress_row(bench, scope_id, years[: i + 1], values[: i + 1], ci, window))
    columns = schema.columns("benchmark_progress")
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)[columns].reset_index(drop=True)


def _progress_row(bench, scope_id: str, years: np.ndarray, values: np.ndarray, ci: float, window) -> dict:
    if window is not None:
        years, values = years[-max(window, MIN_POINTS):], values[-max(window, MIN_POINTS):]
    baseline, target = float(bench.baseline_value), float(bench.target_value)
    value = float(values[-1])
    slope = low = high = intercept = float("nan")
    if len(years) >= MIN_POINTS:
        slope, low, high, intercept = trend(years, values, ci)
    gap = target - baseline
    return {
        "metric_key": bench.metric_key, "scope": bench.scope, "scope_id": scope_id, "year": int(years[-1]),
        "value": value, "baseline_year": int(bench.baseline_year), "baseline_value": baseline,
        "target_value": target, "target_year": int(bench.target_year),
        "progress": (value - baseline) / gap if gap != 0 else float("nan"),
        "slope": slope, "slope_ci_low": low, "slope_ci_high": high,
        "status": status_of(value, len(years), baseline, target, int(bench.target_year),
                            slope, low, high, intercept),
    }
