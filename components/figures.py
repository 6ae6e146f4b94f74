"""Pure figure builders for the drill-down pages: lists in, a lean plotly figure out (no I/O).

Each figure is built in one go from traces and a layout dict: plotly copies and validates its template on
every `update_layout(template=…)`, and the built-in templates carry defaults for every trace type, which
costs tens of milliseconds per chart; a small template given to the constructor costs about one.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol, get_group_symbol

from .formatting import count
from .i18n import NUMBER_LOCALES, _, language

NEUTRAL = "#555555"
MET_COLOUR = "#0072B2"  # Okabe–Ito blue
NOT_MET_COLOUR = "#D55E00"  # Okabe–Ito vermillion
UNKNOWN_COLOUR = "#BBBBBB"
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "triangle-down", "star", "hexagon")
ROW_HEIGHT = 26
_AXIS = {"showline": True, "linecolor": "#444444", "ticks": "outside", "tickcolor": "#444444",
         "showgrid": False, "zeroline": False, "automargin": True}
# simple_white's look, without its per-trace defaults.
TEMPLATE = {"layout": {"plot_bgcolor": "white", "paper_bgcolor": "white", "font": {"color": "#222222"},
                       "xaxis": _AXIS, "yaxis": _AXIS, "hovermode": "closest"}}
# Plotly's decimal and thousands marks per language (layout.separators), from the same Babel locale as the
# text (components.i18n.NUMBER_LOCALES): 1,234.5 in both (Spanish as es_US).
SEPARATORS = {lang: get_decimal_symbol(loc) + get_group_symbol(loc) for lang, loc in NUMBER_LOCALES.items()}


def separators() -> str:
    """The decimal and thousands marks of the viewer's language, as plotly's `layout.separators`."""
    return SEPARATORS.get(language(), SEPARATORS["en"])


def localize(figure: go.Figure | Mapping | None) -> go.Figure | dict | None:
    """The figure with the viewer's number marks; a figure that lacks them is copied, never changed in place."""
    marks = separators()
    if isinstance(figure, go.Figure):
        if (figure.layout.separators or SEPARATORS["en"]) == marks:  # plotly's default marks are English
            return figure
        spec = figure.to_dict()
        spec["layout"]["separators"] = marks
        return go.Figure(spec, _validate=False)
    if isinstance(figure, Mapping):
        layout = figure.get("layout") or {}
        layout = layout if isinstance(layout, Mapping) else layout.to_plotly_json()
        if (layout.get("separators") or SEPARATORS["en"]) == marks:
            return figure
        return {**figure, "layout": {**layout, "separators": marks}}
    return figure


@dataclass(frozen=True)
class Series:
    """One line of a trend chart."""
    name: str
    x: Sequence
    y: Sequence
    colour: str = "#0072B2"
    dash: str = "solid"
    symbol: str = "circle"


@dataclass(frozen=True)
class Axis:
    """Axis title and tick format (e.g. ".0%" for shares, "" with a suffix for measures)."""
    title: str = ""
    tickformat: str = ""
    ticksuffix: str = ""
    extra: dict = field(default_factory=dict)

    def layout(self, **more: object) -> dict:
        out = {"title": {"text": self.title}, "tickformat": self.tickformat, "ticksuffix": self.ticksuffix}
        return {**out, **self.extra, **more}


def _number(value: object) -> bool:
    """A finite number (not None, NaN or NA)."""
    return isinstance(value, (int, float)) and math.isfinite(value)


def _height(rows: int, minimum: int = 220) -> int:
    return max(minimum, 90 + ROW_HEIGHT * rows)


def _line(axis: str, value: float, text: str, colour: str = NEUTRAL) -> tuple[dict, dict]:
    """A dashed reference line across the plot at x (axis "x") or y (axis "y"), with its label."""
    other = "y" if axis == "x" else "x"
    shape = {"type": "line", "xref": "x" if axis == "x" else "paper", "yref": "y" if axis == "y" else "paper",
             f"{axis}0": value, f"{axis}1": value, f"{other}0": 0, f"{other}1": 1, "layer": "above",
             "line": {"color": colour, "dash": "dash", "width": 2}}
    label = {"text": text, "showarrow": False, "xref": shape["xref"], "yref": shape["yref"],
             axis: value, other: 1 if axis == "x" else 0, "font": {"size": 12},
             "yanchor": "bottom", "xanchor": "center" if axis == "x" else "left"}
    return shape, label


def _figure(traces: list[dict], height: int, xaxis: dict, yaxis: dict, legend: bool = False,
            lines: Sequence[tuple[dict, dict]] = (), **layout: object) -> go.Figure:
    """One figure from its traces and layout, without plotly's per-property validation (a ranked chart of every
    agency took ~50 ms to validate; tests/test_figure_builders.py rebuilds each builder's figure validated)."""
    marks = {"shapes": [s for s, _ in lines], "annotations": [a for _, a in lines]} if lines else {}
    return go.Figure(_validate=False, data=traces, layout={
        "template": TEMPLATE, "height": height, "margin": {"l": 10, "r": 30, "t": 50, "b": 40},
        "showlegend": legend, "font": {"size": 13}, "modebar": {"orientation": "v"},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": xaxis, "yaxis": yaxis, **marks, **layout})


def _categories(labels: Sequence[str]) -> dict:
    """A categorical axis listing the labels top to bottom."""
    return {"categoryorder": "array", "categoryarray": list(reversed(labels)), "title": {"text": ""}}


def dot_whisker(labels: Sequence[str], values: Sequence[float], lows: Sequence[float], highs: Sequence[float],
                colours: Sequence[str], axis: Axis, reference: tuple[float, str] | None = None) -> go.Figure:
    """Horizontal dots with interval whiskers, one row per label (first label on top), a reference line."""
    rows = [(label, value, low, high, colour)
            for label, value, low, high, colour in zip(labels, values, lows, highs, colours, strict=True)
            if _number(value)]
    whisker_x, whisker_y = [], []
    for label, _value, low, high, _colour in rows:
        if _number(low) and _number(high):
            whisker_x += [low, high, None]
            whisker_y += [label, label, None]
    whiskers = {"type": "scatter", "x": whisker_x, "y": whisker_y, "mode": "lines", "hoverinfo": "skip",
                "line": {"color": "#333333", "width": 2}, "name": _("%(level)s interval", level="90 %")}
    dots = {"type": "scatter", "x": [r[1] for r in rows], "y": [r[0] for r in rows], "mode": "markers",
            "name": _("value"), "marker": {"color": [r[4] for r in rows], "size": 12,
                                        "line": {"color": "#222222", "width": 1}},
            "hovertemplate": "%{y}: %{x:.1f}<extra></extra>"}
    lines = [_line("x", reference[0], reference[1])] if reference and _number(reference[0]) else []
    extent = [x for x in [*whisker_x, *dots["x"], *(s["x0"] for s, _ in lines)] if _number(x)]
    pad = (max(extent) - min(extent)) * 0.06 or 1.0 if extent else 0.0
    span = {"range": [min(extent) - pad, max(extent) + pad]} if extent else {}
    return _figure([whiskers, dots], _height(len(labels)), axis.layout(**span), _categories(labels),
                   lines=lines)


def ranked_bars(labels: Sequence[str], values: Sequence[float | None], texts: Sequence[str],
                met: Sequence[bool | None], goal: float | None, goal_text: str, axis: Axis) -> go.Figure:
    """Horizontal bars in the order given (first on top), a dashed goal line, met or not written on them."""
    colours = [UNKNOWN_COLOUR if m is None else MET_COLOUR if m else NOT_MET_COLOUR for m in met]
    bars = {"type": "bar", "x": [v if v is not None else 0 for v in values], "y": list(labels),
            "orientation": "h", "text": list(texts), "textposition": "outside", "cliponaxis": False,
            "marker": {"color": colours}, "hovertemplate": "%{y}: %{text}<extra></extra>"}
    top = max([v for v in values if v is not None] + [goal or 0, 0.01])
    lines = [_line("x", goal, goal_text, "#222222")] if goal is not None else []
    return _figure([bars], _height(len(labels)), axis.layout(range=[0, top * 1.45]), _categories(labels),
                   lines=lines)


def trend_lines(series: Sequence[Series], axis: Axis, hlines: Sequence[tuple[float, str]] = ()) -> go.Figure:
    """Lines over years, each with its own colour, dash and marker, and labelled horizontal lines (goals)."""
    traces = [{"type": "scatter", "x": list(line.x), "y": list(line.y), "mode": "lines+markers",
               "name": line.name, "line": {"color": line.colour, "dash": line.dash, "width": 2.5},
               "marker": {"symbol": line.symbol, "size": 8},
               "hovertemplate": f"{line.name[:40]}, %{{x}}: %{{y:.3g}}<extra></extra>"}
              for line in series]
    lines = [_line("y", value, text) for value, text in hlines]
    return _figure(traces, 340, {"dtick": 1, "tickformat": "d", "title": {"text": ""}}, axis.layout(),
                   legend=True, lines=lines)


def stacked_bars(x: Sequence, parts: Sequence[tuple[str, Sequence[float], str]], axis: Axis) -> go.Figure:
    """Bars over x stacked from parts (name, values, colour); the stack height is the sum of the parts."""
    traces = [{"type": "bar", "x": list(x), "y": list(values), "name": name,
               "marker": {"color": colour, "pattern": {"shape": pattern, "fgcolor": "#ffffff"}},
               "hovertemplate": f"{name}, %{{x}}: %{{y:.4f}}<extra></extra>"}
              for (name, values, colour), pattern in zip(parts, ("", "/", "x", "."), strict=False)]
    return _figure(traces, 340, {"dtick": 1, "tickformat": "d", "title": {"text": ""}}, axis.layout(),
                   legend=True, barmode="stack")


def group_dots(places: Sequence[str], groups: Sequence[tuple[str, Sequence[float], str]],
               axis: Axis) -> go.Figure:
    """One row per place (first on top), one dot per group (name, values by place, colour) with its symbol."""
    traces = [{"type": "scatter", "x": list(values), "y": list(places), "mode": "markers", "name": name,
               "marker": {"color": colour, "symbol": symbol, "size": 11,
                          "line": {"color": "#222222", "width": 1}},
               "hovertemplate": f"{name[:40]}, %{{y}}: %{{x:.2f}}<extra></extra>"}
              for (name, values, colour), symbol in zip(groups, SYMBOLS * 3, strict=False)]
    return _figure(traces, _height(len(places), 260), axis.layout(), _categories(places), legend=True)


def count_bars(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str], axis: Axis) -> go.Figure:
    """Horizontal bars of counts in the order given (first on top), with the count written on each bar."""
    bars = {"type": "bar", "x": list(counts), "y": list(labels), "orientation": "h",
            "text": [count(c) for c in counts], "textposition": "outside", "cliponaxis": False,
            "marker": {"color": list(colours)}, "hovertemplate": "%{y}: %{x}<extra></extra>"}
    return _figure([bars], _height(len(labels), 200), axis.layout(range=[0, max([*counts, 1]) * 1.2]),
                   _categories(labels))
