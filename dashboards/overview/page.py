"""`/` — statewide overview: one card per domain with benchmark status and trend (DESIGN §6)."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from components.cards import card_grid
from components.i18n import N_, _
from components.panel import embed_controls
from components.shell import labelled_select
from components.skeleton import empty_page, page_skeleton, release_select
from dashboards._shared import (
    NotAvailable,
    catalog,
    guarded,
    pick,
    query_string,
    settings,
    skip_if_shown,
    view_state,
    viewer,
)
from dashboards._shared.briefing import briefing_link
from data_access import queries
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from .transforms import domain_cards

dash.register_page(__name__, path="/", name=N_("Overview"), order=0,
                   title=lambda **_kw: _("Statewide overview — CT Equity Benchmarks"))

PATH = "/"


def _years(release_id: str) -> list[str]:
    progress = queries.benchmark_progress(settings(), release_id, "state")
    return sorted({str(int(y)) for y in progress["year"]}, reverse=True) if not progress.empty else []


@guarded()
def layout(release: str | None = None, year: str | None = None, view: dict | None = None, **_query):
    """Controls pinned to one release; the cards are filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year})
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(_("Statewide overview"), _("Is Connecticut closing its equity gaps?"),
                          _("No release has been published yet. An administrator publishes one with "
                            "`ct-equity releases publish ID`."))
    releases = queries.visible_releases(settings(), viewer())
    years = _years(info.release_id)
    chosen_year = pick(year, years, years[0] if years else None)
    filters = html.Div([
        release_select("overview-release", releases, info.release_id),
        labelled_select("overview-year", _("Year"), [(y, y) for y in years], chosen_year),
    ], className="d-flex flex-wrap gap-3")
    return page_skeleton(info, _("Statewide overview"), _("Is Connecticut closing its equity gaps, benchmark by "
                                                          "benchmark?"), filters,
                         [html.Div(id="overview-cards", **{"aria-live": "polite"})], location="overview-url",
                         intro=[briefing_link("state", info.release_id, "overview-briefing")])


@callback(
    Output("overview-cards", "children"),
    Output("overview-url", "search"),
    Output("shell-view", "data"),
    Input("overview-release", "value"),
    Input("overview-year", "value"),
)
@guarded(unchanged=2)
def show_cards(release: str, year: str):
    """Cards for the chosen release and year; the filters go into the URL."""
    info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
    if info is None or info.release_id != release:
        raise NotAvailable(release)
    years = _years(info.release_id)
    chosen = pick(year, years)
    if chosen is None:
        raise NotAvailable(year)
    progress = queries.benchmark_progress(settings(), info.release_id, "state")
    params = {"release": info.release_id, "year": chosen}
    cards = domain_cards(progress, int(chosen), catalog.measures(settings(), info.release_id),
                         query_string(**params))
    controls = html.Div(embed_controls("overview-cards", **embed_options("overview-cards", params)),
                        className="mb-3")
    return [card_grid(cards), controls], query_string(**params), view_state(PATH, **params)
