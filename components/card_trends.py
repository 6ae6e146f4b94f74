"""The overview cards as one static figure (for the chart image): a trend per domain, value and status."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from .cards import DomainCard
from .formatting import status_label
from .i18n import _

COLUMNS = 3
LINE = "#0072B2"
TARGET = "#555555"
AXIS = {"showline": True, "linecolor": "#444444", "ticks": "outside", "tickfont": {"size": 10}}


def _title(card: DomainCard) -> str:
    word, symbol = status_label(card.status) if card.status else (_("no value"), "")
    head = f"<b>{card.title}</b>"
    return f"{head}<br>{card.value_text} · {symbol} {word}".strip() if card.years else f"{head}<br>{word}"


def _tickformat(card: DomainCard) -> str:
    """Ticks in the unit the card's value is written in (shares as percentages)."""
    if card.value_text.endswith("%") and card.values and max(abs(v) for v in card.values) <= 1:
        return ".1%" if max(abs(v) for v in card.values) < 0.1 else ".0%"
    return ".3~g"


def _panel(card: DomainCard, i: int, rows: int, year: int) -> tuple[list[dict], dict, dict]:
    """Traces, axes and title annotation of the i-th card's panel."""
    row, col = divmod(i, COLUMNS)
    axis = "" if i == 0 else str(i + 1)
    width, height = 1 / COLUMNS, 1 / rows
    x0, top = col * width, 1 - row * height
    axes = {f"xaxis{axis}": {**AXIS, "domain": [x0 + 0.04, x0 + width - 0.04], "anchor": f"y{axis}",
                             "dtick": 1},
            f"yaxis{axis}": {**AXIS, "domain": [top - height + 0.08, top - 0.13], "anchor": f"x{axis}",
                             "tickformat": _tickformat(card), "rangemode": "tozero"}}
    title = {"text": _title(card), "x": x0 + width / 2, "y": top, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "top", "showarrow": False, "font": {"size": 12}}
    traces = []
    on = {"xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False}
    if card.years:
        sizes = [9 if y == year else 5 for y in card.years]
        traces.append({"type": "scatter", "x": card.years, "y": card.values, "mode": "lines+markers", **on,
                       "line": {"color": LINE}, "marker": {"size": sizes}})
    if card.target is not None and card.years:
        traces.append({"type": "scatter", "x": [min(card.years), max(card.years)], "y": [card.target] * 2,
                       "mode": "lines", **on, "line": {"color": TARGET, "dash": "dash", "width": 1.5}})
    return traces, axes, title


def card_trends(cards: list[DomainCard], year: int) -> go.Figure:
    """One panel per domain: the headline benchmark over the years, its target dashed, the year marked."""
    rows = max(1, math.ceil(len(cards) / COLUMNS))
    data, layout, notes = [], {}, []
    for i, card in enumerate(cards):
        traces, axes, title = _panel(card, i, rows, year)
        data += traces
        layout.update(axes)
        notes.append(title)
    notes.append({"text": _("Dashed line: the target. Large dot: %(year)s.", year=year), "x": 0, "y": 0,
                  "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top", "yshift": -28,
                  "showarrow": False, "font": {"size": 11}})
    layout.update({"annotations": notes, "height": 280 * rows + 30, "template": "none", "showlegend": False,
                   "margin": {"l": 40, "r": 20, "t": 20, "b": 60}, "paper_bgcolor": "white",
                   "plot_bgcolor": "white", "font": {"family": "system-ui, sans-serif", "color": "#222222"}})
    return go.Figure(data=data, layout=layout)
