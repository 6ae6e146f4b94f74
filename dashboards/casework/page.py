"""`/casework` — the EEO officer's casework, statewide or by agency: complaints, accommodations, AAP goals (§6)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from components.i18n import N_, _
from components.panel import parts_panel
from components.shell import labelled_select, notice
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
from dashboards._shared import casework as tr
from data_access import queries
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from . import parts as cp

dash.register_page(__name__, path="/casework", name=N_("Casework"), order=8,
                   title=lambda **_kw: _("Complaints, accommodations and affirmative action — CT Equity Benchmarks"))

PATH = "/casework"
DEFAULT_VIEW = "basis"


def _choose(release_id: str, agency, view, year, strict: bool) -> dict | None:
    """The allow-listed agency (ALL = statewide), complaint view and plan year; None when one is not on its list."""
    agencies = catalog.agencies(settings(), release_id)
    names = dict(zip(agencies["agency_code"], agencies["agency_name"]))
    chosen_agency = pick(tr.ALL if agency in (None, "") else agency, [tr.ALL, *names], None if strict else tr.ALL)
    chosen_view = pick(DEFAULT_VIEW if view in (None, "") else view, list(tr.VIEWS),
                       None if strict else DEFAULT_VIEW)
    if chosen_agency is None or chosen_view is None:
        return None
    years = cp.plan_years(settings(), release_id, viewer(), chosen_agency)
    chosen_year = pick(year, years, None if strict and year not in (None, "") else (years[0] if years else ""))
    if chosen_year is None:
        return None
    return {"agency": chosen_agency, "view": chosen_view, "year": chosen_year, "names": names, "years": years}


def _filters(releases, info, chosen: dict) -> dbc.Row:
    views = [(v, _(words)) for v, words in tr.VIEW_WORDS.items()]
    return filters_row([
        dbc.Col(release_select("casework-release", releases, info.release_id), md=6, xl=3),
        dbc.Col(labelled_select("casework-agency", _("Agency"),
                                [(tr.ALL, _(tr.STATEWIDE)), *sorted(chosen["names"].items(), key=lambda i: i[1])],
                                chosen["agency"]), md=6, xl=4),
        dbc.Col(labelled_select("casework-by", _("Complaints by"), views, chosen["view"]), md=6, xl=2),
        dbc.Col(labelled_select("casework-year", _("Plan year"), [(y, y) for y in chosen["years"]],
                                chosen["year"] or None), md=6, xl=3),
    ])


@guarded()
def layout(release: str | None = None, agency: str | None = None, by: str | None = None,
           year: str | None = None, view: dict | None = None, **_query):
    """Filters pinned to one release; the panels are filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "agency": agency, "by": by, "year": year})
    title = _("The EEO officer's casework")
    question = _("How many discrimination complaints do state agencies receive, how fast are they closed, "
                 "are accommodation requests decided in time, and are affirmative action goals met?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    chosen = _choose(info.release_id, agency, by, year, strict=False)
    releases = queries.visible_releases(settings(), viewer())
    return page_skeleton(info, title, question, _filters(releases, info, chosen),
                         [html.Div(id="casework-content", **{"aria-live": "polite"})], location="casework-url")


@callback(Output("casework-content", "children"), Output("casework-url", "search"),
          Output("shell-view", "data", allow_duplicate=True),
          Input("casework-release", "value"), Input("casework-agency", "value"), Input("casework-by", "value"),
          Input("casework-year", "value"), prevent_initial_call="initial_duplicate")
@guarded(unchanged=2)
def show(release, agency, by, year):
    """The five casework panels for the chosen agency, view and plan year; the filters go into the URL."""
    info = chosen_release(release)
    chosen = _choose(info.release_id, agency, by, year, strict=True)
    if chosen is None:
        raise NotAvailable("filters")
    content = panels(chosen, info.release_id)
    params = _params(chosen)
    return content, query_string(release=info.release_id, **params), view_state(PATH, release=info.release_id,
                                                                              **params)


def _params(chosen: dict) -> dict:
    return {"agency": None if chosen["agency"] == tr.ALL else chosen["agency"],
            "by": None if chosen["view"] == DEFAULT_VIEW else chosen["view"], "year": chosen["year"] or None}


def panels(chosen: dict, release_id: str) -> list:
    """Complaints (by view, by forum, days to close), accommodations and goals, each with its Embed button."""
    s, who, agency = settings(), viewer(), chosen["agency"]
    place, k = cp.where(chosen["names"], agency), s.suppression_k
    params = {"release": release_id, **_params(chosen)}
    out = [
        parts_panel(cp.complaints_parts(s, release_id, who, agency, chosen["view"], place, k),
                    **embed_options("casework-complaints", params)),
        parts_panel(cp.forums_parts(s, release_id, who, agency, place, k), **embed_options("casework-forums", params)),
        parts_panel(cp.closing_parts(s, release_id, who, agency, place, k),
                    **embed_options("casework-closing", params)),
        parts_panel(cp.accommodations_parts(s, release_id, who, agency, place, k),
                    **embed_options("casework-accommodations", params)),
    ]
    if chosen["year"]:
        out.append(parts_panel(cp.goals_parts(s, release_id, who, agency, int(chosen["year"]), place, k),
                               **embed_options("casework-goals", params)))
    else:
        out.append(notice(_("No affirmative action plan is on record (aap_goals.csv was not supplied).")))
    return out
