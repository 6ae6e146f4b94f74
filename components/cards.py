"""Overview cards: one per domain, with value, target, status (symbol and word) and a small trend."""
from __future__ import annotations

from dataclasses import dataclass, field

import dash_bootstrap_components as dbc
from dash import dcc, html

from .i18n import _
from .status_words import status_counts, status_text

# Badge colour and text colour of each status (DESIGN §4.4); the badge always shows the symbol and word too.
STATUS_COLOURS = {
    "met": ("success", None),
    "on_track": ("primary", None),
    "improving_too_slowly": ("warning", "dark"),
    "no_detectable_change": ("secondary", None),
    "moving_away": ("danger", None),
    "insufficient_data": ("light", "dark"),
}


@dataclass(frozen=True)
class DomainCard:
    domain: str
    title: str
    href: str
    headline: str = ""
    value_text: str = "—"
    target_text: str = ""
    status: str | None = None
    summary: str = ""
    years: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    target: float | None = None
    status_counts: dict[str, int] = field(default_factory=dict)


def sparkline(years: list[int], values: list[float], target: float | None, title: str) -> dict:
    """A small trend line with the target as a dashed line (a plain figure dict: no validation cost)."""
    data = [{"type": "scatter", "x": years, "y": values, "mode": "lines+markers", "name": title,
             "line": {"color": "#0072B2"}, "hovertemplate": "%{x}: %{y:.3g}<extra></extra>"}]
    if target is not None and years:
        data.append({"type": "scatter", "x": [years[0], years[-1]], "y": [target, target], "mode": "lines",
                     "name": _("target"), "line": {"color": "#555555", "dash": "dash", "width": 1},
                     "hoverinfo": "skip"})
    layout = {"height": 90, "margin": {"l": 0, "r": 0, "t": 4, "b": 0}, "showlegend": False,
              "xaxis": {"visible": False}, "yaxis": {"visible": False}, "plot_bgcolor": "white"}
    return {"data": data, "layout": layout}


def status_badge(status: str | None) -> dbc.Badge | None:
    if not status:
        return None
    colour, text = STATUS_COLOURS.get(status, ("secondary", None))
    return dbc.Badge(status_text(status), color=colour, text_color=text, className="fs-6 border")


def domain_card(card: DomainCard) -> dbc.Card:
    """One domain's card; the whole card links to its page."""
    counts = status_counts(card.status_counts)
    body = [
        html.H2(card.title, className="h5 card-title"),
        html.P(card.headline, className="small text-body-secondary mb-1"),
        html.P(card.value_text, className="display-6 mb-1 card-value"),
        html.P(card.target_text, className="small mb-1"),
        status_badge(card.status),
        html.Div(dcc.Graph(figure=sparkline(card.years, card.values, card.target, card.headline),
                           config={"displayModeBar": False, "staticPlot": True}),
                 className="mt-2", **{"aria-hidden": "true"})
        if card.years else None,
        html.P(card.summary, className="small mt-2 card-summary"),
        html.P(_("Benchmarks in this domain: %(counts)s.", counts=counts) if counts else "",
               className="small text-body-secondary"),
        dcc.Link(_("Open the details →"), href=card.href, className="stretched-link small"),
    ]
    return dbc.Card(dbc.CardBody([b for b in body if b is not None]), className="h-100 shadow-sm",
                    id=f"card-{card.domain}")


def card_grid(cards: list[DomainCard]) -> dbc.Row:
    return dbc.Row([dbc.Col(domain_card(c), xs=12, md=6, xl=4, className="mb-3") for c in cards])
