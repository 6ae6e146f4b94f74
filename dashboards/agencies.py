"""`/agencies` — every agency at a glance: workforce, hiring, contracting, equity plan, training (DESIGN §6)."""
from __future__ import annotations

from functools import lru_cache

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, html

from components.formatting import SUPPRESSED
from components.panel import chart_panel
from components.shell import labelled_select, notice, page_header, release_line, synthetic_notice
from data_access import queries
from data_access import workforce_queries as wq
from data_access.queries import DataUnavailable
from data_access.viewer import Viewer

from ._agency_list import LIST_LABELS, agency_overview, list_summary, list_table
from ._helpers import DB_DOWN, NOT_AVAILABLE, pick, query_string, settings, skip_if_shown, view_state, viewer
from ._workforce import RENDERED_VIEWS, link_grid, page_location, with_flags

dash.register_page(__name__, path="/agencies", name="Agencies", order=2,
                   title="State agencies at a glance — CT Equity Benchmarks")

PATH = "/agencies"
ALL_PEERS = "all"
SOURCE = ("Sources: workforce_utilization, selection_rates, contracting, equity_plans and training release tables. "
          "Set-aside goals: CGS 4a-60g (25 % small contractors, 6.25 % minority business enterprises).")


def _choices(release_id: str, year, peer, strict: bool) -> tuple[str, str] | None:
    years = [str(y) for y in wq.workforce_years(settings(), release_id)]
    peers = sorted(set(wq.agency_list(settings(), release_id)["peer_group"]))
    chosen_year = pick(year, years, None if strict else (years[0] if years else None))
    chosen_peer = pick(peer or ALL_PEERS, [ALL_PEERS, *peers], None if strict else ALL_PEERS)
    return None if chosen_year is None or chosen_peer is None else (chosen_year, chosen_peer)


def params(release_id: str, year: str, peer: str) -> dict:
    """The page's query in its canonical order (the default peer filter is left out)."""
    return {"release": release_id, "year": year, "peer": None if peer == ALL_PEERS else peer}


def layout(release: str | None = None, year: str | None = None, peer: str | None = None,
           view: dict | None = None, **_query):
    """Filters pinned to one release; the table is filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year, "peer": peer})
    header = page_header("State agencies at a glance",
                         "Which agencies are furthest from a representative workforce, fair hiring, the set-aside "
                         "goals, a published equity plan and trained staff?")
    try:
        info = queries.resolve_release(settings(), viewer(), release)
        if info is None:
            return [*header, notice("No release has been published yet.")]
        chosen = _choices(info.release_id, year, peer, strict=False)
        if chosen is None:
            return [synthetic_notice(info.synthetic), *header, notice("This release has no workforce figures.")]
        releases = queries.visible_releases(settings(), viewer())
        years = wq.workforce_years(settings(), info.release_id)
        peers = sorted(set(wq.agency_list(settings(), info.release_id)["peer_group"]))
    except DataUnavailable:
        return notice(DB_DOWN, "danger")
    return html.Div([
        page_location("agencies-url"),
        synthetic_notice(info.synthetic),
        *header,
        dbc.Row([
            dbc.Col(labelled_select("agencies-release", "Data release",
                                    [(r.release_id, f"{r.release_id} ({r.status})") for r in releases],
                                    info.release_id), md=5),
            dbc.Col(labelled_select("agencies-year", "Fiscal year", [(str(y), str(y)) for y in years], chosen[0]),
                    md=3),
            dbc.Col(labelled_select("agencies-peer", "Peer group",
                                    [(ALL_PEERS, "All peer groups"), *[(p, p.capitalize()) for p in peers]],
                                    chosen[1]), md=4),
        ], className="g-2"),
        html.Div(id="agencies-content", **{"aria-live": "polite"}),
        release_line(info.release_id, info.status, f"{info.published_at:%Y-%m-%d}" if info.published_at else None),
    ])


def overview_frame(release_id: str, year: int, peer: str) -> pd.DataFrame:
    """The list's rows for the year and peer group (all queries masked for the viewer)."""
    agencies = wq.agency_list(settings(), release_id)
    if peer != ALL_PEERS:
        agencies = agencies[agencies["peer_group"] == peer]
    cells = with_flags(wq.utilization_year(settings(), release_id, viewer(), year, "race_ethnicity"), "significant")
    heads = wq.utilization_slice(settings(), release_id, viewer(), year, "all", "ALL")
    hires = wq.selection_year(settings(), release_id, viewer(), year, "hire", "race_ethnicity")
    return agency_overview(agencies, cells, heads, hires, wq.contracting_rows(settings(), release_id),
                           wq.plan_rows(settings(), release_id), wq.training_rows(settings(), release_id, viewer()),
                           year, SUPPRESSED.format(k=settings().suppression_k))


def agency_grid(overview: pd.DataFrame, release_id: str, year: int) -> html.Div:
    """The visible, sortable list: each agency's name links to its scorecard for the same release and year."""
    hrefs = [dash.get_relative_path(f"/agencies/{code}") + query_string(release=release_id, year=year)
             for code in overview["agency_code"]]
    caption = (f"Fiscal year {year}. Cells: job category × race/ethnicity groups below availability by the exact "
               "binomial test (p < 0.05). ✔ goal met, ✖ not met. Hire impact ratio: ▼ below four-fifths and "
               "statistically significant, △ below four-fifths but not statistically significant, ✓ no adverse "
               "impact indicated, ◆ reference group. Sort or filter by any column.")
    return html.Div([html.P(caption, className="small", id="agencies-caption"),
                     link_grid("agencies-table", list_table(overview), LIST_LABELS["agency_name"], hrefs)])


@lru_cache(maxsize=RENDERED_VIEWS)
def rendered(database_url: str, viewer_: Viewer, release_id: str, year: int, peer: str) -> html.Section:
    """The list of one view, kept per process: a release never changes, so the key fixes the output."""
    overview = overview_frame(release_id, year, peer)
    summary = list_summary(overview, year, None if peer == ALL_PEERS else peer)
    return chart_panel("agencies-list", "Agencies", summary, list_table(overview), None, None, SOURCE,
                       extra=[agency_grid(overview, release_id, year)])


@callback(
    Output("agencies-content", "children"),
    Output("agencies-url", "search"),
    Output("shell-view", "data", allow_duplicate=True),
    Input("agencies-release", "value"),
    Input("agencies-year", "value"),
    Input("agencies-peer", "value"),
    prevent_initial_call="initial_duplicate",
)
def show(release, year, peer):
    """The agency table for the chosen filters; the filters go into the URL."""
    try:
        info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
        if info is None or info.release_id != release:
            return notice(NOT_AVAILABLE, "warning"), dash.no_update, dash.no_update
        chosen = _choices(info.release_id, year, peer, strict=True)
        if chosen is None:
            return notice(NOT_AVAILABLE, "warning"), dash.no_update, dash.no_update
        panel = rendered(settings().database_url, viewer(), info.release_id, int(chosen[0]), chosen[1])
    except DataUnavailable:
        return notice(DB_DOWN, "danger"), dash.no_update, dash.no_update
    query = params(info.release_id, chosen[0], chosen[1])
    return panel, query_string(**query), view_state(PATH, **query)
