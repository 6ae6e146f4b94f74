"""`/equity-plans` — the central directory of agency equity plans: status, links, commitments (DESIGN §6)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from components.figures import Axis, count_bars
from components.panel import chart_panel
from components.shell import labelled_select, notice, page_header, release_line, synthetic_notice, url_sync
from data_access import public_queries as pq
from data_access import queries
from data_access.queries import DataUnavailable

from . import _plans as pl
from ._helpers import DB_DOWN, NOT_AVAILABLE, pick, query_string, settings, skip_if_shown, view_state, viewer

dash.register_page(__name__, path="/equity-plans", name="Equity plans", order=7,
                   title="Agency equity plans — CT Equity Benchmarks")

PATH = "/equity-plans"
SOURCE = "Source: agencies' reports to the Office of Equity and Opportunity; release table equity_plans."
DARK_TEXT = ("drafting", "approved", "not_started", pl.NO_PLAN)  # light badges need dark text (contrast)
STATUS_BADGES = {"published": "primary", "approved": "info", "submitted": "secondary", "drafting": "light",
                 "not_started": "warning", pl.NO_PLAN: "light"}


def _lists(release_id: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    plans = pq.equity_plans(settings(), release_id)
    agencies = pq.agencies(settings(), release_id)
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
    statuses = [(pl.ALL, "Any status"), *pl.STATUS_WORDS.items(), (pl.NO_PLAN, pl.NO_PLAN_WORDS)]
    return dbc.Row([
        dbc.Col(labelled_select("plans-release", "Data release",
                                [(r.release_id, f"{r.release_id} ({r.status})") for r in releases],
                                info.release_id), md=6, xl=3),
        dbc.Col(labelled_select("plans-year", "Plan year", [(y, y) for y in chosen["years"]], chosen["year"]),
                md=3, xl=2),
        dbc.Col(labelled_select("plans-status", "Plan status", statuses, chosen["status"]), md=3, xl=2),
        dbc.Col(labelled_select("plans-peer", "Peer group",
                                [(pl.ALL, "All peer groups"),
                                 *[(p, p.capitalize()) for p in chosen["peers"]]],
                                chosen["peer"]), md=6, xl=2),
        dbc.Col(html.Div([
            dbc.Label("Search agencies", html_for="plans-search"),
            dcc.Input(id="plans-search", type="search", value=chosen["q"], debounce=0.5,
                      maxLength=pl.SEARCH_MAX,
                      placeholder="Name or code", className="form-control",
                      autoComplete="off"),
        ], className="mb-2"), md=6, xl=3),
    ], className="g-2")


def layout(release: str | None = None, year: str | None = None, status: str | None = None,
           peer: str | None = None, q: str | None = None, view: dict | None = None, **_query):
    """Filters pinned to one release; the directory is filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year, "status": status, "peer": peer, "q": q})
    header = page_header("Agency equity plans",
                         "Has every state agency published its equity plan, and is it keeping its "
                         "commitments?")
    try:
        info = queries.resolve_release(settings(), viewer(), release)
        if info is None:
            return [*header, notice("No release has been published yet.")]
        chosen = _choose(info.release_id, year, status, peer, q, strict=False)
        if chosen is None:
            return [synthetic_notice(info.synthetic), *header,
                    notice("This release has no equity plans (equity_plans.csv was not supplied).")]
        releases = queries.visible_releases(settings(), viewer())
    except DataUnavailable:
        return notice(DB_DOWN, "danger")
    return html.Div([
        url_sync("plans-url"), synthetic_notice(info.synthetic), *header,
        html.P("Every executive-branch agency writes an equity plan each year. This is the one place to find "
               "them all: follow a link to read a published plan."),
        _filters(releases, info, chosen),
        html.Div(id="plans-content", **{"aria-live": "polite"}),
        release_line(info.release_id, info.status,
                     f"{info.published_at:%Y-%m-%d}" if info.published_at else None),
    ])


@callback(Output("plans-content", "children"), Output("plans-url", "search"),
          Output("shell-view", "data", allow_duplicate=True),
          Input("plans-release", "value"), Input("plans-year", "value"), Input("plans-status", "value"),
          Input("plans-peer", "value"), Input("plans-search", "value"),
          prevent_initial_call="initial_duplicate")
def show(release, year, status, peer, q):
    """The summary, status chart and directory for the chosen filters; filters and search go into the URL."""
    try:
        info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
        if info is None or info.release_id != release or not (q is None or isinstance(q, str)):
            return notice(NOT_AVAILABLE, "warning"), dash.no_update, dash.no_update
        chosen = _choose(info.release_id, year, status, peer, q, strict=True)
        if chosen is None:
            return notice(NOT_AVAILABLE, "warning"), dash.no_update, dash.no_update
        content = panels(chosen)
    except DataUnavailable:
        return notice(DB_DOWN, "danger"), dash.no_update, dash.no_update
    params = {"release": info.release_id, "year": chosen["year"],
              "status": None if chosen["status"] == pl.ALL else chosen["status"],
              "peer": None if chosen["peer"] == pl.ALL else chosen["peer"], "q": chosen["q"] or None}
    return content, query_string(**params), view_state(PATH, **params)


def panels(chosen: dict) -> list:
    """The status chart and the directory of the agencies the filters keep."""
    year = int(chosen["year"])
    everyone = pl.directory(chosen["plans"], chosen["agencies"], year)
    shown = pl.filter_directory(everyone, chosen["status"], chosen["peer"], chosen["q"])
    summary = pl.summary_sentence(everyone, shown, year, pl.filter_words(chosen["status"], chosen["peer"],
                                                                          chosen["q"]))
    counts = pl.status_counts(shown)
    figure = count_bars(counts["status"].tolist(), counts["agencies"].tolist(),
                        [pl.STATUS_COLOURS[s] for s in counts["status_code"]], Axis("Agencies"))
    figure = figure if len(shown) else None
    status_panel = chart_panel("plans-status", f"Where the {year} plans stand", summary,
                               counts.drop(columns="status_code"), figure,
                               {"status": "Plan status", "agencies": "Agencies"}, SOURCE)
    directory_panel = chart_panel(
        "plans-directory", f"Directory of {year} equity plans",
        f"{len(shown)} agencies listed" + (" — no agency matches these filters." if shown.empty else "."),
        pl.directory_table(shown), None, pl.DIRECTORY_LABELS, SOURCE, extra=[directory_html(shown, year)])
    return [status_panel, directory_panel]


def _date(value: object) -> str:
    return value if isinstance(value, str) and value else "—"


def _plan_link(row, year: int):
    url = pl.safe_url(row.url)
    if url is None:
        return html.Span("Not published yet" if row.status != "published" else "No link reported",
                         className="text-body-secondary")
    return html.A("Read the plan", href=url, rel="noopener noreferrer", className="plan-link",
                  **{"aria-label": f"Read the plan: {row.agency_name}, {year} (external site)"})


def directory_html(shown: pd.DataFrame, year: int) -> html.Div:
    """The directory as an accessible table with a plain external link per published plan."""
    headers = ["Agency", "Peer group", "Status", "Submitted", "Approved", "Plan", "Commitments met",
               "Affirmative-action plan"]
    body = []
    for row in shown.itertuples():
        badge = dbc.Badge(pl.status_words(row.status), color=STATUS_BADGES.get(row.status, "light"),
                          text_color="dark" if row.status in DARK_TEXT else None)
        body.append(html.Tr([
            html.Th([row.agency_name, html.Br(),
                     html.Small(row.agency_code, className="text-body-secondary")],
                    scope="row", className="fw-normal"),
            html.Td(str(row.peer_group).capitalize()), html.Td(badge),
            html.Td(_date(row.submitted_on), className="text-nowrap"),
            html.Td(_date(row.approved_on), className="text-nowrap"),
            html.Td(_plan_link(row, year)),
            html.Td(pl.commitments(row.commitments_met, row.commitments_total), className="text-end"),
            html.Td(pl.AAP_WORDS.get(row.aap_status, "—") if isinstance(row.aap_status, str) else "—"),
        ]))
    table = html.Table([
        html.Caption(f"Equity plans for {year}, one row per agency"),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])), html.Tbody(body)],
        className="table table-sm table-striped align-middle", id="plans-directory-table")
    return html.Div(table, className="table-responsive mb-2")
