"""`/contracting` — small and minority business set-aside attainment by agency over time (DESIGN §4.5)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
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
from data_access import codes, queries
from data_access import public_queries as pq
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from . import transforms as ct

dash.register_page(__name__, path="/contracting", name=N_("Contracting"), order=6,
                   title=lambda **_kw: _("Small and minority business contracting — CT Equity Benchmarks"))

PATH = "/contracting"
ALL_PEERS = "all"
SOURCE = ct.SOURCE


def statute(small_goal: float, minority_goal: float) -> html.P:
    """The statute behind the goals, cited on the page with the goals in use."""
    marker = "\x00"
    law = _("Connecticut's set-aside law, %(statute)s, directs each agency to award at least %(small)s of its "
            "eligible contract spending to small contractors, and %(minority)s of it to minority business "
            "enterprises.", statute=marker, small=ct.goal_text(small_goal), minority=ct.goal_text(minority_goal))
    before, _sep, after = law.partition(marker)
    reading = _("Bars show each agency's share; the dashed line is the goal; ✔ and ✖ say whether it was met.")
    return html.P([before, html.Strong("CGS 4a-60g"), f"{after} {reading}"], id="contracting-statute")


def _choices(release_id: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    frame = pq.contracting(settings(), release_id)
    agencies = catalog.agencies(settings(), release_id)
    years = sorted({str(int(y)) for y in frame["fiscal_year"]}, reverse=True)
    peers = sorted(set(agencies["peer_group"]))
    return frame, agencies, years, peers


def _pick_all(release_id: str, year, peer, agency, strict: bool) -> dict | None:
    frame, agencies, years, peers = _choices(release_id)
    codes_ = [codes.ALL, *agencies["agency_code"]]
    chosen = {"year": pick(year, years, None if strict else (years[0] if years else None)),
              "peer": pick(ALL_PEERS if peer in (None, "") else peer, [ALL_PEERS, *peers],
                           None if strict else ALL_PEERS),
              "agency": pick(codes.ALL if agency in (None, "") else agency, codes_,
                             None if strict else codes.ALL)}
    if None in chosen.values():
        return None
    return {**chosen, "frame": frame, "agencies": agencies, "years": years, "peers": peers}


@guarded()
def layout(release: str | None = None, year: str | None = None, peer: str | None = None,
           agency: str | None = None, view: dict | None = None, **_query):
    """Filters pinned to one release; the charts are filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year, "peer": peer, "agency": agency})
    title = _("Small and minority business contracting")
    question = _("Are state agencies meeting the set-aside goals for small and minority businesses?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    chosen = _pick_all(info.release_id, year, peer, agency, strict=False)
    if chosen is None:
        return empty_page(title, question,
                          _("This release has no contracting figures (contracts.csv was not supplied)."), info)
    releases = queries.visible_releases(settings(), viewer())
    agencies = chosen["agencies"]
    filters = filters_row([
        dbc.Col(release_select("contracting-release", releases, info.release_id), md=6, xl=3),
        dbc.Col(labelled_select("contracting-year", _("Fiscal year"),
                                [(y, ct.fiscal_year(int(y))) for y in chosen["years"]], chosen["year"]),
                md=3, xl=2),
        dbc.Col(labelled_select("contracting-peer", _("Peer group"),
                                [(ALL_PEERS, _("All peer groups")),
                                 *[(p, peer_group_label(p).capitalize()) for p in chosen["peers"]]],
                                chosen["peer"]), md=3, xl=3),
        dbc.Col(labelled_select("contracting-agency", _("Agency for the trend"),
                                [(codes.ALL, ct.statewide()),
                                 *zip(agencies["agency_code"], agencies["agency_name"])],
                                chosen["agency"]), md=6, xl=4),
    ])
    return page_skeleton(info, title, question, filters,
                         [html.Div(id="contracting-content", **{"aria-live": "polite"})], location="contracting-url",
                         intro=[statute(settings().small_business_goal, settings().minority_business_goal)])


@callback(Output("contracting-content", "children"), Output("contracting-url", "search"),
          Output("shell-view", "data", allow_duplicate=True),
          Input("contracting-release", "value"), Input("contracting-year", "value"),
          Input("contracting-peer", "value"), Input("contracting-agency", "value"),
          prevent_initial_call="initial_duplicate")
@guarded(unchanged=2)
def show(release, year, peer, agency):
    """Statewide line, two ranked charts and the trend for the chosen filters; the filters go into the URL."""
    info = chosen_release(release)
    chosen = _pick_all(info.release_id, year, peer, agency, strict=True)
    if chosen is None:
        raise NotAvailable("filters")
    content = panels(chosen, info.release_id)
    params = {"release": info.release_id, "year": chosen["year"],
              "peer": None if chosen["peer"] == ALL_PEERS else chosen["peer"],
              "agency": None if chosen["agency"] == codes.ALL else chosen["agency"]}
    return content, query_string(**params), view_state(PATH, **params)


def panels(chosen: dict, release_id: str = "") -> list:
    """The statewide line, the ranked chart of each goal and the trend."""
    year, frame = int(chosen["year"]), chosen["frame"]
    peer = None if chosen["peer"] == ALL_PEERS else chosen["peer"]
    rows = ct.agency_rows(frame, chosen["agencies"], year, peer)
    return [
        dbc.Alert(ct.statewide_sentence(frame, year), color="light", className="border",
                  id="contracting-statewide"),
        ranked_panel(rows, "small", year, peer, release_id),
        ranked_panel(rows, "minority", year, peer, release_id),
        trend_panel(frame, chosen["agencies"], chosen["agency"], release_id),
    ]


def ranked_panel(rows: pd.DataFrame, kind: str, year: int, peer: str | None,
                 release_id: str = "") -> html.Section:
    """The ranked chart of one goal, with its image download and embed code for this view."""
    params = {"release": release_id, "year": str(year), "peer": peer}
    return parts_panel(ct.ranked_parts(rows, kind, year, peer),
                       **embed_options(f"contracting-{kind}", params))


def trend_panel(frame: pd.DataFrame, agencies: pd.DataFrame, agency: str, release_id: str = "") -> html.Section:
    """Both shares over the years, statewide and of the chosen agency, with embed code for this view."""
    params = {"release": release_id, "agency": None if agency == codes.ALL else agency}
    return parts_panel(ct.trend_parts(frame, agencies, agency), **embed_options("contracting-trend", params))
