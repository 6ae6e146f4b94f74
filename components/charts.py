"""Figure builders for the workforce and agency pages: pure `(frame, options) -> go.Figure`, no I/O.

Frames arrive with readable labels, colours and texts already chosen; the builders only draw. Ratios against
parity use a colour-blind-safe diverging scale centred on 1.0 (DESIGN §11).

Figures are built from plain dicts in a "simple white" look without a plotly template: applying a named template
deep-copies it on every figure (~30 ms each), and validating every property costs ~12 ms a figure — both far
over the drill-down budget (DESIGN §8). The tests rebuild each figure with validation on. Reference lines are
layout shapes with an explicit width (a template's shape defaults can make them invisible).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .formatting import number
from .i18n import _

# ColorBrewer RdBu (colour-blind safe): red below parity, white at 1.0, blue above.
DIVERGING = [[0.0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"], [1.0, "#2166ac"]]
RATIO_SPAN = 0.5  # the diverging scale runs from 1 − span to 1 + span; beyond that it saturates
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#222222"}
AXIS = {"showline": True, "linecolor": "#444444", "ticks": "outside", "tickcolor": "#444444", "showgrid": False,
        "zeroline": False, "automargin": True}


def _layout(options: Mapping, height: int, **extra: object) -> dict:
    """The shared look: white background, axis lines with outside ticks, a horizontal legend on top."""
    layout = {"template": "none", "height": options.get("height", height), "font": FONT,
              "paper_bgcolor": "white", "plot_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
              "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
              "xaxis": dict(AXIS), "yaxis": dict(AXIS)}
    layout.update(extra)
    return layout


def _line(axis: str, value: float, dash: str = "dash", colour: str = "#333333", width: float = 1.5,
          x_axis: str = "x", y_axis: str = "y") -> dict:
    """A reference line across the plot: `axis` 'x' draws a vertical line at x = value, 'y' a horizontal one."""
    spans = {"x": (f"{x_axis}", f"{y_axis} domain"), "y": (f"{x_axis} domain", f"{y_axis}")}[axis]
    other = "y" if axis == "x" else "x"
    return {"type": "line", "layer": "below", f"{axis}0": value, f"{axis}1": value, f"{other}0": 0, f"{other}1": 1,
            "xref": spans[0], "yref": spans[1], "line": {"dash": dash, "color": colour, "width": width}, "opacity": 1}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from trusted dicts without plotly's per-property validation (16× faster; the tests validate)."""
    return go.Figure(data=data, layout=layout, _validate=False)


def _values(series: pd.Series) -> list:
    """Plotly-ready values: missing numbers become None (never 0)."""
    return [None if pd.isna(v) else float(v) for v in series]


def wrap(label: str, width: int = 14) -> str:
    """Break a long axis label into lines of about `width` characters (plotly's <br>)."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def utilization_heatmap(frame: pd.DataFrame, options: Mapping | None = None) -> go.Figure:
    """Rows × columns of utilization ratios, diverging around 1.0, each cell labelled with its text.

    frame: row_label, column_label, utilization_ratio (missing = no colour), cell_text.
    """
    options = options or {}
    rows = list(dict.fromkeys(frame["row_label"]))
    columns = list(dict.fromkeys(frame["column_label"]))
    wide = frame.pivot(index="row_label", columns="column_label", values="utilization_ratio")
    texts = frame.pivot(index="row_label", columns="column_label", values="cell_text")
    wide, texts = wide.reindex(index=rows, columns=columns), texts.reindex(index=rows, columns=columns)
    many = len(columns) > 8
    heat = {"type": "heatmap", "z": [_values(wide.loc[r]) for r in rows], "x": [wrap(c) for c in columns], "y": rows,
            "text": [["" if pd.isna(t) else str(t) for t in texts.loc[r]] for r in rows], "texttemplate": "%{text}",
            "textfont": {"size": 11}, "colorscale": DIVERGING, "zmin": 1 - RATIO_SPAN, "zmax": 1 + RATIO_SPAN,
            "zmid": 1.0, "xgap": 2, "ygap": 2, "hoverongaps": False,
            "hovertemplate": "%{y} · %{x}<br>%{text}<extra></extra>",
            "colorbar": {"title": {"text": _("Utilization<br>ratio")}, "tickvals": [0.5, 0.8, 1.0, 1.2, 1.5],
                         "ticktext": [f"≤ {number(0.5, 1)}", number(0.8, 1),
                                      _("%(ratio)s parity", ratio=number(1.0, 1)), number(1.2, 1),
                                      f"≥ {number(1.5, 1)}"]}}
    axis = {"showline": False, "ticks": "", "showgrid": False, "zeroline": False, "automargin": True}
    layout = _layout(options, (230 if many else 150) + 34 * len(rows), plot_bgcolor="#eeeeee",
                     margin={"l": 10, "r": 10, "t": 140 if many else 70, "b": 10},
                     xaxis={**axis, "side": "top", "tickangle": -45 if many else 0},
                     yaxis={**axis, "autorange": "reversed"})
    return _figure([heat], layout)


def representation_bars(frame: pd.DataFrame, options: Mapping | None = None) -> go.Figure:
    """Each group's share of the workforce as a bar in its colour, with its availability as a marker.

    frame: label, share, availability, colour, bar_text (e.g. '12.3 % ▼ under-represented').
    """
    options = options or {}
    labels = frame["label"].tolist()
    shares, available = _values(frame["share"]), _values(frame["availability"])
    ends = [max(v for v in (a, b, 0.0) if v is not None) for a, b in zip(shares, available)]
    data = [
        {"type": "bar", "y": labels, "x": shares, "orientation": "h", "marker": {"color": frame["colour"].tolist()},
         "name": _("Share of employees"),
         "hovertemplate": "%{y}: " + _("%(share)s of employees", share="%{x:.1%}") + "<extra></extra>"},
        {"type": "scatter", "y": labels, "x": available, "mode": "markers", "name": _("Availability"),
         "marker": {"symbol": "line-ns-open", "size": 22, "color": "#000000", "line": {"width": 3, "color": "#000000"}},
         "hovertemplate": "%{y}: " + _("availability %(share)s", share="%{x:.1%}") + "<extra></extra>"},
        {"type": "scatter", "y": labels, "x": ends, "mode": "text", "text": ["  " + t for t in frame["bar_text"]],
         "textposition": "middle right", "showlegend": False, "hoverinfo": "skip", "cliponaxis": False},
    ]
    top = max(ends or [0.1]) or 0.1
    layout = _layout(options, 120 + 32 * len(labels), bargap=0.35,
                     xaxis={**AXIS, "tickformat": ".0%", "range": [0, top * 1.45],
                            "title": {"text": options.get("x_title", _("Share"))}},
                     yaxis={**AXIS, "autorange": "reversed"})
    return _figure(data, layout)


def impact_chart(frame: pd.DataFrame, options: Mapping | None = None) -> go.Figure:
    """Impact ratios of each group, one panel per action, with the four-fifths (0.8) line and parity (1.0).

    frame: panel, label, impact_ratio, colour, symbol (plotly marker symbol), finding_label.
    options: legend (ordered list of (finding_label, symbol) pairs for the legend).
    """
    options = options or {}
    panels = list(dict.fromkeys(frame["panel"])) or [""]
    labels = list(dict.fromkeys(frame["label"]))
    gap, width = 0.04, (1 - 0.04 * (len(panels) - 1)) / len(panels)
    data, shapes, annotations, layout_axes = [], [], [], {}
    for i, panel in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        part = frame[frame["panel"] == panel]
        data.append({"type": "scatter", "x": _values(part["impact_ratio"]), "y": part["label"].tolist(),
                     "xaxis": f"x{suffix}", "yaxis": "y", "mode": "markers", "showlegend": False,
                     "customdata": part["finding_label"].tolist(),
                     "marker": {"color": part["colour"].tolist(), "symbol": part["symbol"].tolist(), "size": 13,
                                "line": {"width": 1.5, "color": "#333333"}},
                     "hovertemplate": "%{y}: %{x:.2f} — %{customdata}<extra>" + str(panel) + "</extra>"})
        start = i * (width + gap)
        layout_axes[f"xaxis{suffix}"] = {**AXIS, "domain": [start, start + width], "range": [0, 1.25],
                                         "tickvals": [0, 0.4, 0.8, 1.0, 1.2], "title": {"text": _("Impact ratio")}}
        shapes += [_line("x", 0.8, x_axis=f"x{suffix}"), _line("x", 1.0, "solid", "#999999", 1, x_axis=f"x{suffix}")]
        annotations.append({"text": str(panel), "x": start + width / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 14}})
    for finding, symbol in options.get("legend", []):
        data.append({"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": _(finding),
                     "marker": {"symbol": symbol, "size": 12, "color": "#666666",
                                "line": {"width": 1.5, "color": "#333333"}}})
    layout = _layout(options, 230 + 26 * len(labels), shapes=shapes, annotations=annotations,
                     margin={"l": 10, "r": 10, "t": 110, "b": 10},
                     legend={"orientation": "h", "yanchor": "bottom", "y": 1.12, "x": 0},
                     yaxis={**AXIS, "autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
                     **layout_axes)
    return _figure(data, layout)


def _series_rows(frame: pd.DataFrame) -> dict[object, np.ndarray]:
    """Each series' row positions, ordered by x (series in order of first appearance, as `groupby(sort=False)`;
    rows without a series left out): found once with numpy instead of a group-by and a sort per series."""
    codes, names = pd.factorize(frame["series"])
    order = np.argsort(frame["x"].to_numpy(), kind="stable")
    return {name: order[codes[order] == code] for code, name in enumerate(names)}


def trend_lines(frame: pd.DataFrame, options: Mapping | None = None) -> go.Figure:
    """One line per series over the years, in the series' colour and dash, with optional reference lines.

    frame: x, y, series, colour; optional dash, width. options: y_title, tickformat (e.g. '.0%'),
    reference_lines (list of (y, label)), highlight_x (a year to mark), y_range.
    """
    options = options or {}
    tick = options.get("tickformat", ".3g")
    data = []
    for series, rows in _series_rows(frame).items():
        xs, ys = frame["x"].to_numpy()[rows].tolist(), frame["y"].iloc[rows]
        first = rows[0]
        dash = frame["dash"].iat[first] if "dash" in frame.columns else "solid"
        width = frame["width"].iat[first] if "width" in frame.columns else 2
        data.append({"type": "scatter", "x": xs, "y": _values(ys), "mode": "lines+markers",
                     "name": str(series), "hovertemplate": f"{series}: %{{y:{tick}}} (%{{x}})<extra></extra>",
                     "line": {"color": frame["colour"].iat[first], "dash": dash or "solid",
                              "width": float(width or 2)}})
    shapes = [_line("y", value) for value, _ in options.get("reference_lines", [])]
    annotations = [{"text": label, "x": 1, "xref": "x domain", "y": value, "yref": "y", "xanchor": "right",
                    "yanchor": "top", "showarrow": False, "font": {"size": 11}}
                   for value, label in options.get("reference_lines", [])]
    if options.get("highlight_x") is not None:
        shapes.append({**_line("x", options["highlight_x"], "solid", "#bbbbbb", 8), "opacity": 0.4})
    layout = _layout(options, 320, shapes=shapes, annotations=annotations,
                     xaxis={**AXIS, "dtick": 1, "title": {"text": options.get("x_title", _("Fiscal year"))}},
                     yaxis={**AXIS, "tickformat": options.get("tickformat", ""),
                            "title": {"text": options.get("y_title", "")}, "range": options.get("y_range")})
    return _figure(data, layout)
