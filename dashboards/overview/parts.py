"""The overview's benchmark detail (`overview-benchmark`): one statewide benchmark's chart, summary and table,
shared by the page and its embed so the two cannot drift apart."""
from __future__ import annotations

import pandas as pd

from components.benchmark_chart import benchmark_figure, planned_value, trend_band, visible_points
from components.formatting import number
from components.i18n import N_, _
from components.panel import ChartParts
from components.status_words import status_text

from .transforms import DOMAINS, format_metric, metric_label

DETAIL_LABELS = {"year": N_("Year"), "value": N_("Observed"), "planned": N_("Planned path"),
                 "trend": N_("Trend since the baseline"), "trend_low": N_("Trend, 90 % band, low end"),
                 "trend_high": N_("Trend, 90 % band, high end"), "status": N_("Status that year")}
ANSWERS = {
    "met": N_("Yes: the trend has reached the target."),
    "on_track": N_("Yes, and fast enough: the trend's %(level)s interval excludes no change and reaches the pace "
                   "the planned path requires."),
    "improving_too_slowly": N_("Yes, but too slowly: the trend's %(level)s interval excludes no change but lies "
                               "wholly below the pace the planned path requires."),
    "no_detectable_change": N_("Not beyond noise: the trend's %(level)s interval includes no change at all."),
    "moving_away": N_("No: the gap is widening beyond year-to-year noise (the trend's %(level)s interval lies "
                      "wholly on the wrong side of no change)."),
    "insufficient_data": N_("Too early to say: fewer than three years of data since the baseline."),
}


def benchmark_choices(progress: pd.DataFrame, measures: pd.DataFrame) -> list[tuple[str, str]]:
    """(metric key, plain words) of every statewide benchmark of the release, domain by domain."""
    if progress.empty:
        return []
    labels = dict(zip(measures["measure_id"], measures["label"])) if not measures.empty else {}
    order = {prefix: i for i, (_d, _t, prefix, _p) in enumerate(DOMAINS)}
    keys = sorted(progress["metric_key"].unique(),
                  key=lambda k: (next((i for p, i in order.items() if k.startswith(p)), len(order)), k))
    return [(k, metric_label(k, labels)) for k in keys]


def _tickformat(key: str) -> str:
    if ".ratio." in key or ".impact_ratio." in key:
        return ".2f"
    if key.startswith("access.") and key.endswith(".value"):
        return ".1f"
    return ".1%"


def detail_summary(rows: pd.DataFrame, key: str, year: int, label: str, units: dict[str, str],
                   suppressed_text: str) -> str:
    """The value against the planned path and target, then "is the gap closing beyond noise?" and the status."""
    first = rows.iloc[0]
    target, target_year = format_metric(key, first["target_value"], units), int(first["target_year"])
    at = rows[rows["year"] == year]
    if at.empty:
        return _("%(benchmark)s has no value for %(year)s; its target is %(target)s by %(target_year)s.",
                 benchmark=label, year=year, target=target, target_year=target_year)
    row = at.iloc[0]
    planned = format_metric(key, planned_value(first, year), units)
    if bool(row["suppressed"]) and (pd.isna(row["value"]) or pd.isna(row["status"])):
        return _("%(benchmark)s in %(year)s: %(suppressed)s, so neither its value nor its status is shown. The "
                 "planned path puts it at %(planned)s that year, on the way to %(target)s by %(target_year)s.",
                 benchmark=label, year=year, suppressed=suppressed_text, planned=planned, target=target,
                 target_year=target_year)
    first_sentence = _("%(benchmark)s was %(value)s in %(year)s; the planned path puts it at %(planned)s that year, "
                       "on the way to %(target)s by %(target_year)s.", benchmark=label,
                       value=format_metric(key, row["value"], units), year=year, planned=planned, target=target,
                       target_year=target_year)
    status = row["status"]
    level = f"{number(90)} %"
    answer = _(ANSWERS[status], level=level) if status in ANSWERS else ""
    return " ".join([first_sentence, _("Is the gap closing beyond noise? %(answer)s", answer=answer),
                     _("Status: %(status)s.", status=status_text(status))])


def detail_table(rows: pd.DataFrame, key: str, year: int, units: dict[str, str], suppressed_text: str) -> pd.DataFrame:
    """What the chart shows, a row per year up to `year`: observed, planned path, trend and band, status."""
    shown = rows[rows["year"] <= year].sort_values("year")
    visible = set(visible_points(shown, year)["year"].astype(int))
    band = trend_band(rows, year)
    trend = {} if band is None else {int(r.year): r for r in band.itertuples()}
    first = rows.iloc[0]

    def fmt(value: object) -> str:
        return format_metric(key, None if value is None or pd.isna(value) else float(value), units)

    return pd.DataFrame({
        "year": shown["year"].astype(int).tolist(),
        "value": [fmt(v) if int(y) in visible else suppressed_text for y, v in zip(shown["year"], shown["value"])],
        "planned": [fmt(planned_value(first, int(y))) for y in shown["year"]],
        "trend": [fmt(trend[int(y)].fitted) if int(y) in trend else "—" for y in shown["year"]],
        "trend_low": [fmt(trend[int(y)].low) if int(y) in trend else "—" for y in shown["year"]],
        "trend_high": [fmt(trend[int(y)].high) if int(y) in trend else "—" for y in shown["year"]],
        "status": [status_text(s) if isinstance(s, str) else "—" for s in shown["status"]],
    }, columns=list(DETAIL_LABELS))


def detail_parts(progress: pd.DataFrame, key: str, year: int, measures: pd.DataFrame,
                 suppressed_text: str) -> ChartParts:
    """One statewide benchmark as of a year: the chart, "is the gap closing beyond noise?", the table."""
    labels = dict(zip(measures["measure_id"], measures["label"])) if not measures.empty else {}
    units = dict(zip(measures["measure_id"], measures["unit"])) if not measures.empty else {}
    rows = progress[progress["metric_key"] == key].sort_values("year")
    label = metric_label(key, labels)
    level = f"{number(90)} %"
    figure = benchmark_figure(rows, year, {"tickformat": _tickformat(key)})
    return ChartParts(
        "overview-benchmark", _("%(benchmark)s: is the gap closing beyond noise?", benchmark=label),
        detail_summary(rows, key, year, label, units, suppressed_text),
        detail_table(rows, key, year, units, suppressed_text), figure, DETAIL_LABELS,
        _("Source: release table benchmark_progress (statewide benchmarks). The trend is the least-squares line of "
          "the values since the baseline year; its band is the %(level)s confidence band of that line.",
          level=level))
