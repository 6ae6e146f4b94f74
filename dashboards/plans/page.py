"""`/equity-plans` — the central directory of agency equity plans: status, links, commitments (DESIGN §6)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

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
from data_access import public_queries as pq
from data_access import queries
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from . import transforms as pl
from .parts import directory_parts, plan_views, status_parts

dash.register_page(__name__, path="/equity-plans", name=N_("Equity plans"), order=7,
                   title=lambda **_kw: _("Agency equity plans — CT Equity Benchmarks"))

PATH = "/equity-plans"


def _lists(release_id: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    plans = pq.equity_plans(settings(), release_id)
    agencies = catalog.agencies(settings(), release_id)
    years = sorted({str(int(y)) for y in plans["plan_year"]}, reverse=True)
    return plans, agencies, years, sorted(set(agencies["peer_group"]))


def _choose(release_id: str, year, status, peer, q, strict: bool) -> dict | None:
    plans, agencies, years, peers = _lists(release_id)
    too_long = isinstance(q, str) and len(q) > pl.SEARCH_MAX
    if strict and (too_long or not (q is None or isinstance(q, str))):
        return None
    chosen = {"year": pick(year, years, None if strict else (years[0] if years else None)),
              "status": pick(pl.ALL if status in (None, "") else status,
                             [pl.ALL, *pl.STATUS_WORDS, pl.NO_PLAN], None if strict else pl.ALL),
              "peer": pick(pl.ALL if peer in (None, "") else peer, [pl.ALL, *peers],
                           None if strict else pl.ALL),
              "q": pl.clean_search(q)}
    if None in chosen.values():
        return None
    return {**chosen, "plans": plans, "agencies": agencies, "years": years, "peers": peers}


def _filters(releases, info, chosen: dict) -> dbc.Row:
    statuses = [(pl.ALL, _("Any status")), *[(s, pl.status_words(s)) for s in [*pl.STATUS_WORDS, pl.NO_PLAN]]]
    return filters_row([
        dbc.Col(release_select("plans-release", releases, info.release_id), md=6, xl=3),
        dbc.Col(labelled_select("plans-year", _("Plan year"), [(y, y) for y in chosen["years"]], chosen["year"]),
                md=3, xl=2),
        dbc.Col(labelled_select("plans-status", _("Plan status"), statuses, chosen["status"]), md=3, xl=2),
        dbc.Col(labelled_select("plans-peer", _("Peer group"),
                                [(pl.ALL, _("All peer groups")),
                                 *[(p, peer_group_label(p).capitalize()) for p in chosen["peers"]]],
                                chosen["peer"]), md=6, xl=2),
        dbc.Col(html.Div([
            dbc.Label(_("Search agencies"), html_for="plans-search"),
            dcc.Input(id="plans-search", type="search", value=chosen["q"], debounce=0.5,
                      maxLength=pl.SEARCH_MAX,
                      placeholder=_("Name or code"), className="form-control",
                      autoComplete="off"),
        ], className="mb-2"), md=6, xl=3),
    ])


@guarded()
def layout(release: str | None = None, year: str | None = None, status: str | None = None,
           peer: str | None = None, q: str | None = None, view: dict | None = None, **_query):
    """Filters pinned to one release; the directory is filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year, "status": status, "peer": peer, "q": q})
    title = _("Agency equity plans")
    question = _("Has every state agency published its equity plan, and is it keeping its commitments?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    chosen = _choose(info.release_id, year, status, peer, q, strict=False)
    if chosen is None:
        return empty_page(title, question,
                          _("This release has no equity plans (equity_plans.csv was not supplied)."), info)
    releases = queries.visible_releases(settings(), viewer())
    intro = html.P(_("Every executive-branch agency writes an equity plan each year. This is the one place to find "
                     "them all: follow a link to read a published plan."))
    return page_skeleton(info, title, question, _filters(releases, info, chosen),
                         [html.Div(id="plans-content", **{"aria-live": "polite"})], location="plans-url",
                         intro=[intro])


@callback(Output("plans-content", "children"), Output("plans-url", "search"),
          Output("shell-view", "data", allow_duplicate=True),
          Input("plans-release", "value"), Input("plans-year", "value"), Input("plans-status", "value"),
          Input("plans-peer", "value"), Input("plans-search", "value"),
          prevent_initial_call="initial_duplicate")
@guarded(unchanged=2)
def show(release, year, status, peer, q):
    """The summary, status chart and directory for the chosen filters; filters and search go into the URL."""
    info = chosen_release(release)
    if not (q is None or isinstance(q, str)):
        raise NotAvailable(q)
    chosen = _choose(info.release_id, year, status, peer, q, strict=True)
    if chosen is None:
        raise NotAvailable("filters")
    content = panels(chosen, info.release_id)
    params = {"release": info.release_id, "year": chosen["year"],
              "status": None if chosen["status"] == pl.ALL else chosen["status"],
              "peer": None if chosen["peer"] == pl.ALL else chosen["peer"], "q": chosen["q"] or None}
    return content, query_string(**params), view_state(PATH, **params)


def panels(chosen: dict, release_id: str = "") -> list:
    """The status chart and the directory of the agencies the filters keep, each with its Embed button."""
    year = int(chosen["year"])
    everyone, shown = plan_views(chosen["plans"], chosen["agencies"], year, chosen["status"], chosen["peer"],
                                 chosen["q"])
    params = {"release": release_id, "year": chosen["year"], "status": None if chosen["status"] == pl.ALL
              else chosen["status"], "peer": None if chosen["peer"] == pl.ALL else chosen["peer"], "q": chosen["q"]}
    return [parts_panel(status_parts(everyone, shown, year, chosen["status"], chosen["peer"], chosen["q"]),
                        **embed_options("plans-status", params)),
            parts_panel(directory_parts(shown, year), **embed_options("plans-directory", params))]
