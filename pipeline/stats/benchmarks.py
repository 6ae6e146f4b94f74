"""Benchmarks and measures of progress (DESIGN §4.4): progress, trend with interval, noise-aware status.

The status asks "is the gap closing beyond noise?", as Healthy People 2030 and Eurostat's SDG reports do: the
OLS trend of the points from the baseline year to the year (at least 3) has a 90 % t-interval for its slope,
and that interval is judged in the benchmark's direction against the pace the plan requires. The direction
is the way from baseline to target (a target equal to its baseline means "keep at or above").
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from data_access import codes, schema
from pipeline.stats.metrics import scope_id_of

MIN_POINTS = 3
CONFIDENCE = 0.90
TOLERANCE = 1e-9
STATUSES = codes.BENCHMARK_STATUSES


def trend(years: np.ndarray, values: np.ndarray, ci: float = CONFIDENCE) -> tuple[float, float, float, float]:
    """OLS slope, its two-sided ``ci`` t-interval (n − 2 degrees of freedom) and the intercept.

    Needs at least 3 points; a perfect fit gives an interval of zero width.
    """
    fit = stats.linregress(np.asarray(years, dtype=float), np.asarray(values, dtype=float))
    half = _t_quantile(0.5 + ci / 2, len(years) - 2) * fit.stderr
    return float(fit.slope), float(fit.slope - half), float(fit.slope + half), float(fit.intercept)


@lru_cache(maxsize=256)
def _t_quantile(q: float, dof: int) -> float:
    return float(stats.t.ppf(q, dof))


def required_slope(baseline: float, target: float, baseline_year: int, target_year: int) -> float:
    """The yearly pace of the planned path from baseline to target."""
    return (target - baseline) / (target_year - baseline_year)


def status_of(fitted: float, n_points: int, baseline: float, target: float, low: float, high: float,
              required: float) -> str:
    """Status of a benchmark in one year (DESIGN §4.4), judged in the direction from baseline to target.

    ``insufficient_data`` with fewer than 3 points since the baseline; ``met`` when the fitted value has reached
    the target; then by the slope interval [low, high]: wholly on the right side of 0 and reaching the required
    pace → ``on_track``, wholly on the right side but below the pace → ``improving_too_slowly``, wholly on the
    wrong side → ``moving_away``, containing 0 → ``no_detectable_change``.
    """
    if n_points < MIN_POINTS:
        return "insufficient_data"
    sign = 1.0 if target >= baseline else -1.0
    if sign * (fitted - target) >= -TOLERANCE * max(1.0, abs(target)):  # reached, up to rounding
        return "met"
    low, high = sorted((sign * low, sign * high))
    if low > 0:
        return "on_track" if high >= sign * required else "improving_too_slowly"
    if high < 0:
        return "moving_away"
    return "no_detectable_change"


def benchmark_progress(series: pd.DataFrame, benchmarks: pd.DataFrame, ci: float = CONFIDENCE) -> pd.DataFrame:
    """One row per benchmark per year with a value: progress, trend since the baseline, status, suppression.

    ``series`` holds [metric_key, scope, scope_id, year, value] and optionally ``suppressed`` (the value was
    read from a suppressed cell). A row is suppressed when its value is, or when its trend runs through a
    suppressed point (slope and fitted value together with the visible points would give that point back).
    State benchmarks match the series whatever their scope_id (blank or ``09``).
    """
    if "suppressed" not in series.columns:
        series = series.assign(suppressed=False)
    series = series.assign(scope_id=[scope_id_of(s, i) for s, i in zip(series["scope"], series["scope_id"])])
    series = series[series["value"].notna()]
    by_key = {key: part.sort_values("year") for key, part in series.groupby(["metric_key", "scope", "scope_id"])}
    rows = []
    for bench in benchmarks.itertuples(index=False):
        scope_id = scope_id_of(bench.scope, bench.scope_id)
        own = by_key.get((bench.metric_key, bench.scope, scope_id))
        if own is None:
            continue
        years, values = own["year"].to_numpy(dtype=int), own["value"].to_numpy(dtype=float)
        hidden = own["suppressed"].fillna(False).to_numpy(dtype=bool)
        for i in range(len(years)):
            rows.append(_progress_row(bench, scope_id, years[: i + 1], values[: i + 1], hidden[: i + 1], ci))
    columns = schema.columns("benchmark_progress")
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)[columns].reset_index(drop=True)


def _progress_row(bench, scope_id: str, years: np.ndarray, values: np.ndarray, hidden: np.ndarray,
                  ci: float) -> dict:
    baseline, target = float(bench.baseline_value), float(bench.target_value)
    baseline_year, target_year, year = int(bench.baseline_year), int(bench.target_year), int(years[-1])
    since = years >= baseline_year
    value = float(values[-1])
    slope = low = high = fitted = float("nan")
    if since.sum() >= MIN_POINTS:
        slope, low, high, intercept = trend(years[since], values[since], ci)
        fitted = intercept + slope * year
    required = required_slope(baseline, target, baseline_year, target_year)
    gap = target - baseline
    return {
        "metric_key": bench.metric_key, "scope": bench.scope, "scope_id": scope_id, "year": year,
        "value": value, "baseline_year": baseline_year, "baseline_value": baseline,
        "target_value": target, "target_year": target_year,
        "progress": (value - baseline) / gap if gap != 0 else float("nan"),
        "fitted_value": fitted, "slope": slope, "slope_ci_low": low, "slope_ci_high": high,
        "required_slope": required,
        "status": status_of(fitted, int(since.sum()), baseline, target, low, high, required),
        "suppressed": bool(hidden[-1] or (since.sum() >= MIN_POINTS and hidden[since].any())),
    }
