"""`/agencies` — every agency at a glance: workforce, hiring, contracting, equity plan, training (DESIGN §6)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from components.data_text import peer_group_label
from components.i18n import N_, _
from components.panel import parts_panel
from components.shell import labelled_select
from components.skeleton import empty_page, filters_row, page_skeleton, release_select
from dashboards._shared import (
    NotAvailable,
    catalog,
    chosen_release,
    guarded,
    pick,
    query_string,
    settings,
    skip_if_shown,
    view_state,
    viewer,
)
from data_access import queries
from data_access import workforce_queries as wq
from data_access.viewer import Viewer
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from .listing import ALL_PEERS, list_parts, overview_frame

dash.register_page(__name__, path="/agencies", name=N_("Agencies"), order=2,
                   title=lambda **_kw: _("State agencies at a glance — CT Equity Benchmarks"))

PATH = "/agencies"


def _choices(release_id: str, year, peer, strict: bool) -> tuple[str, str] | None:
    years = [str(y) for y in wq.workforce_years(settings(), release_id)]
    peers = sorted(set(catalog.agency_list(settings(), release_id)["peer_group"]))
    chosen_year = pick(year, years, None if strict else (years[0] if years else None))
    chosen_peer = pick(peer or ALL_PEERS, [ALL_PEERS, *peers], None if strict else ALL_PEERS)
    return None if chosen_year is None or chosen_peer is None else (chosen_year, chosen_peer)


def params(release_id: str, year: str, peer: str) -> dict:
    """The page's query in its canonical order (the default peer filter is left out)."""
    return {"release": release_id, "year": year, "peer": None if peer == ALL_PEERS else peer}


@guarded()
def layout(release: str | None = None, year: str | None = None, peer: str | None = None,
           view: dict | None = None, **_query):
    """Filters pinned to one release; the table is filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year, "peer": peer})
    title = _("State agencies at a glance")
    question = _("Which agencies are furthest from a representative workforce, fair hiring, the set-aside goals, "
                 "a published equity plan and trained staff?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    chosen = _choices(info.release_id, year, peer, strict=False)
    if chosen is None:
        return empty_page(title, question, _("This release has no workforce figures."), info)
    releases = queries.visible_releases(settings(), viewer())
    years = wq.workforce_years(settings(), info.release_id)
    peers = sorted(set(catalog.agency_list(settings(), info.release_id)["peer_group"]))
    filters = filters_row([
        dbc.Col(release_select("agencies-release", releases, info.release_id), md=5),
        dbc.Col(labelled_select("agencies-year", _("Fiscal year"), [(str(y), str(y)) for y in years], chosen[0]),
                md=3),
        dbc.Col(labelled_select("agencies-peer", _("Peer group"),
                                [(ALL_PEERS, _("All peer groups")),
                                 *[(p, peer_group_label(p).capitalize()) for p in peers]],
                                chosen[1]), md=4),
    ])
    return page_skeleton(info, title, question, filters, [html.Div(id="agencies-content", **{"aria-live": "polite"})],
                         location="agencies-url")


def rendered(viewer_: Viewer, release_id: str, year: int, peer: str) -> html.Section:
    """The list of one view for the viewer (its rows come from the shared query cache; a repeated request is
    answered by the response cache before it gets here)."""
    overview = overview_frame(settings(), viewer_, release_id, year, peer)
    return parts_panel(list_parts(overview, release_id, year, peer, dash.get_relative_path),
                       **embed_options("agencies-list", params(release_id, str(year), peer)))


@callback(
    Output("agencies-content", "children"),
    Output("agencies-url", "search"),
    Output("shell-view", "data", allow_duplicate=True),
    Input("agencies-release", "value"),
    Input("agencies-year", "value"),
    Input("agencies-peer", "value"),
    prevent_initial_call="initial_duplicate",
)
@guarded(unchanged=2)
def show(release, year, peer):
    """The agency table for the chosen filters; the filters go into the URL."""
    info = chosen_release(release)
    chosen = _choices(info.release_id, year, peer, strict=True)
    if chosen is None:
        raise NotAvailable("filters")
    panel = rendered(viewer(), info.release_id, int(chosen[0]), chosen[1])
    query = params(info.release_id, chosen[0], chosen[1])
    return panel, query_string(**query), view_state(PATH, **query)
