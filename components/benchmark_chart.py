"""The chart of one benchmark (DESIGN §4.4): observed points, the planned path, the fitted trend and its band.

Pure `(rows, year, options) -> go.Figure`, no I/O; `rows` are one benchmark's `benchmark_progress` rows of one
scope (every year), already masked for the viewer.

- **Observed points**: the rows up to `year` with a value that are not flagged `suppressed` — a suppressed value
  is never drawn (`data_access.suppression.mask_for_viewer` decides what a viewer may see: the public's rows
  keep the flag and lose the value; a viewer entitled to the figures gets them unflagged).
- **Planned path**: the straight line from (baseline_year, baseline_value) to (target_year, target_value).
- **Trend**: the OLS line of the points from the baseline year to `year`, as the pipeline fitted it (it goes
  through `fitted_value` at `year` with slope `slope`), drawn from the baseline year to `year`.
- **Band**: the 90 % confidence band of that fitted line. It is computed from the table's own columns and the
  years of the points: for an OLS line, se(ŷ(x)) = se(slope)·√(Sxx/n + (x − x̄)²), so the band's half-width is the
  slope interval's half-width (slope_ci_high − slope_ci_low)/2, which already holds the t quantile at n − 2
  degrees of freedom, times √(Sxx/n + (x − x̄)²). It is drawn only when every point since the baseline is
  visible (a row whose trend runs through a suppressed point is suppressed itself, §5), so the band never
  depends on a hidden value. The tests check it against statsmodels' band recomputed from the points.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .charts import AXIS, FONT
from .i18n import _

OBSERVED = "#222222"
TREND = "#0072B2"
BAND = "rgba(0, 114, 178, 0.18)"
PLANNED = "#555555"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def visible_points(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows up to `year` whose value may be drawn: a value, and not flagged suppressed."""
    hidden = rows["suppressed"].fillna(False).astype(bool) if "suppressed" in rows else False
    keep = (rows["year"] <= year) & rows["value"].notna() & ~hidden
    return rows[keep].sort_values("year")


def planned_path(row: Mapping) -> tuple[list[int], list[float]]:
    """(years, values) of the straight planned path from the baseline to the target."""
    return ([int(row["baseline_year"]), int(row["target_year"])],
            [float(row["baseline_value"]), float(row["target_value"])])


def planned_value(row: Mapping, year: int) -> float:
    """Where the planned path stands in a year."""
    (y0, y1), (v0, v1) = planned_path(row)
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


def trend_band(rows: pd.DataFrame, year: int) -> pd.DataFrame | None:
    """The fitted trend as of `year` and its 90 % band, per year from the baseline year to `year`.

    None when there is no trend to draw: no visible row in `year`, fewer than 3 points since the baseline (the
    table has no slope then) or any point since the baseline not visible.
    """
    at = rows[rows["year"] == year]
    if at.empty:
        return None
    row = at.iloc[0]
    if bool(row.get("suppressed", False)) or any(_missing(row[c]) for c in
                                                  ("fitted_value", "slope", "slope_ci_low", "slope_ci_high")):
        return None
    baseline_year = int(row["baseline_year"])
    since = rows[(rows["year"] >= baseline_year) & (rows["year"] <= year)]
    if len(visible_points(since, year)) != len(since) or len(since) < 3:
        return None
    used = since["year"].to_numpy(dtype=float)
    mean, sxx = used.mean(), float(((used - used.mean()) ** 2).sum())
    half_slope = (float(row["slope_ci_high"]) - float(row["slope_ci_low"])) / 2
    years = np.arange(baseline_year, year + 1)
    fitted = float(row["fitted_value"]) + float(row["slope"]) * (years - year)
    half = half_slope * np.sqrt(sxx / len(used) + (years - mean) ** 2)
    return pd.DataFrame({"year": years, "fitted": fitted, "low": fitted - half, "high": fitted + half})


def _traces(rows: pd.DataFrame, year: int, hover: str, axes: str = "") -> list[dict]:
    """The band, trend, planned path, observed points and target of one benchmark, on axes x<axes>/y<axes>."""
    path_years, path_values = planned_path(rows.sort_values("year").iloc[0])
    on = {"xaxis": f"x{axes}", "yaxis": f"y{axes}"}
    data: list[dict] = []
    band = trend_band(rows, year)
    if band is not None:
        xs = band["year"].tolist()
        data.append({"type": "scatter", "x": xs + xs[::-1], "y": band["high"].tolist() + band["low"].tolist()[::-1],
                     "fill": "toself", "fillcolor": BAND, "line": {"width": 0}, "mode": "lines",
                     "name": _("90 % band of the trend"), "hoverinfo": "skip", "meta": "band", **on})
        data.append({"type": "scatter", "x": xs, "y": band["fitted"].tolist(), "mode": "lines",
                     "line": {"color": TREND, "width": 2.5}, "name": _("Trend since the baseline"), "meta": "fitted",
                     "hovertemplate": f"%{{x}}: %{{y:{hover}}}<extra>{_('trend')}</extra>", **on})
    data.append({"type": "scatter", "x": path_years, "y": path_values, "mode": "lines+markers",
                 "line": {"color": PLANNED, "dash": "dash", "width": 2}, "marker": {"symbol": "diamond", "size": 8},
                 "name": _("Planned path"), "meta": "planned",
                 "hovertemplate": f"%{{x}}: %{{y:{hover}}}<extra>{_('planned path')}</extra>", **on})
    points = visible_points(rows, year)
    data.append({"type": "scatter", "x": points["year"].astype(int).tolist(),
                 "y": points["value"].astype(float).tolist(), "mode": "markers",
                 "marker": {"color": OBSERVED, "size": 9, "symbol": "circle"}, "name": _("Observed"),
                 "meta": "observed", "hovertemplate": f"%{{x}}: %{{y:{hover}}}<extra>{_('observed')}</extra>", **on})
    data.append({"type": "scatter", "x": [path_years[1]], "y": [path_values[1]], "mode": "markers+text",
                 "marker": {"color": OBSERVED, "size": 16, "symbol": "star"}, "text": [_("Target")],
                 "textposition": "top center", "cliponaxis": False, "name": _("Target"), "meta": "target",
                 "hovertemplate": f"%{{x}}: %{{y:{hover}}}<extra>{_('target')}</extra>", **on})
    return data


def _x_range(rows: pd.DataFrame, year: int) -> list[float]:
    path_years, _values = planned_path(rows.sort_values("year").iloc[0])
    start = min([path_years[0], *visible_points(rows, year)["year"].astype(int).tolist()])
    return [start - 0.5, path_years[1] + 0.5]


def _base_layout(height: int, top: int = 40) -> dict:
    return {"template": "none", "height": height, "font": FONT, "paper_bgcolor": "white", "plot_bgcolor": "white",
            "margin": {"l": 10, "r": 10, "t": top, "b": 10},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}}


def benchmark_figure(rows: pd.DataFrame, year: int, options: Mapping | None = None) -> go.Figure:
    """Observed points, planned path, trend with its band and the target of one benchmark, as of `year`.

    Options: `tickformat` / `hoverformat` (d3 formats of the values), `y_title`, `height`.
    """
    options = options or {}
    hover = options.get("hoverformat", options.get("tickformat", ".3~g"))
    layout = {
        **_base_layout(options.get("height", 360)),
        "xaxis": {**AXIS, "dtick": 1, "range": _x_range(rows, year), "title": {"text": _("Year")}},
        "yaxis": {**AXIS, "tickformat": options.get("tickformat", ""), "showgrid": True, "gridcolor": "#eeeeee",
                  "title": {"text": options.get("y_title", "")}},
    }
    return go.Figure(data=_traces(rows, year, hover), layout=layout, _validate=False)


def benchmark_grid(panels: Sequence[tuple[str, pd.DataFrame, str, int]], columns: int = 2) -> go.Figure:
    """Small multiples of `benchmark_figure`: one panel per (title, rows, tickformat, year), one shared legend."""
    rows_of_panels = max(1, math.ceil(len(panels) / columns))
    width, height = 1 / columns, 1 / rows_of_panels
    data, layout, seen = [], _base_layout(60 + 250 * rows_of_panels, top=60), set()
    layout["annotations"] = []
    for i, (title, rows, tickformat, year) in enumerate(panels):
        axes = "" if i == 0 else str(i + 1)
        row, col = divmod(i, columns)
        x0, top = col * width, 1 - row * height
        for trace in _traces(rows, year, tickformat or ".3~g", axes):
            trace.update({"legendgroup": trace["meta"], "showlegend": trace["meta"] not in seen})
            seen.add(trace["meta"])
            data.append(trace)
        layout[f"xaxis{axes}"] = {**AXIS, "domain": [x0 + 0.03, x0 + width - 0.03], "anchor": f"y{axes}",
                                  "dtick": 2, "range": _x_range(rows, year)}
        layout[f"yaxis{axes}"] = {**AXIS, "domain": [top - height + 0.1 / rows_of_panels, top - 0.25 / rows_of_panels],
                                  "anchor": f"x{axes}", "tickformat": tickformat, "showgrid": True,
                                  "gridcolor": "#eeeeee"}
        layout["annotations"].append({"text": f"<b>{title}</b>", "x": x0 + 0.03, "y": top - 0.2 / rows_of_panels,
                                      "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "bottom",
                                      "showarrow": False, "align": "left", "font": {"size": 12}})
    return go.Figure(data=data, layout=layout, _validate=False)
