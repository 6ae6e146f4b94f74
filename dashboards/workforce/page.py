"""`/workforce` — representation against availability, statewide → agency → job category (DESIGN §4.1, §6)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from components.formatting import suppressed
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
from dashboards._shared.workforce import (
    CONVENTIONS,
    DEFAULT_CONVENTION,
    DEFAULT_DIMENSION,
    DIMENSIONS,
    category_phrase,
    job_label,
    workforce_href,
)
from data_access import codes, queries
from data_access import workforce_queries as wq
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from .parts import level_cells, level_parts, representation_parts, trend_parts
from .selection import CHART_ID, selection_view
from .transforms import Choice, convention_options, dimension_options

dash.register_page(
    __name__, path="/workforce", name=N_("Workforce"), order=1,
    title=lambda **_kw: _("Workforce representation — CT Equity Benchmarks"),
)

PATH = "/workforce"


def _suppressed_text() -> str:
    return suppressed(settings().suppression_k)


def choose(release_id: str, year, agency, category, dimension, convention, strict: bool) -> Choice | None:
    """Allow-list every filter; strict (callbacks) rejects unknown values, else they fall back to defaults."""
    years = [str(y) for y in wq.workforce_years(settings(), release_id)]
    agencies = catalog.agency_list(settings(), release_id)
    names = dict(zip(agencies["agency_code"], agencies["agency_name"]))
    chosen = {
        "year": pick(year, years, None if strict else (years[0] if years else None)),
        "agency": pick(agency or codes.ALL, [codes.ALL, *names], None if strict else codes.ALL),
        "category": pick(category or codes.ALL, [codes.ALL, *codes.JOB_CATEGORIES], None if strict else codes.ALL),
        "dimension": pick(dimension or DEFAULT_DIMENSION, DIMENSIONS, None if strict else DEFAULT_DIMENSION),
        "convention": pick(convention or DEFAULT_CONVENTION, CONVENTIONS, None if strict else DEFAULT_CONVENTION),
    }
    if None in chosen.values():
        return None
    return Choice(
        release_id,
        int(chosen["year"]),
        chosen["agency"],
        chosen["category"],
        chosen["dimension"],
        chosen["convention"],
        names.get(chosen["agency"], "state workforce"),
    )


def _filters(choice: Choice, releases, years: list[int], agencies: pd.DataFrame) -> dbc.Row:
    agency_options = [(codes.ALL, _("Statewide (all agencies)")),
                      *zip(agencies["agency_code"], agencies["agency_name"])]
    categories = [(codes.ALL, job_label(codes.ALL)), *[(c, job_label(c)) for c in codes.JOB_CATEGORIES]]
    return filters_row(
        [
            dbc.Col(
                release_select("workforce-release", releases, choice.release_id),
                md=6,
                lg=4,
            ),
            dbc.Col(
                labelled_select("workforce-year", _("Fiscal year"), [(str(y), str(y)) for y in years],
                                str(choice.year)),
                md=6,
                lg=2,
            ),
            dbc.Col(labelled_select("workforce-agency", _("Agency"), agency_options, choice.agency), md=6, lg=6),
            dbc.Col(labelled_select("workforce-category", _("Job category"), categories, choice.category), md=6, lg=4),
            dbc.Col(
                labelled_select("workforce-dimension", _("Groups"), dimension_options(), choice.dimension), md=6, lg=3
            ),
            dbc.Col(
                labelled_select(
                    "workforce-convention",
                    _("Under-representation test"),
                    convention_options(),
                    choice.convention,
                ),
                md=6,
                lg=5,
            ),
        ]
    )


@guarded()
def layout(
    release: str | None = None,
    year: str | None = None,
    agency: str | None = None,
    category: str | None = None,
    dimension: str | None = None,
    convention: str | None = None,
    view: dict | None = None,
    **_query,
):
    """Filters pinned to one release; the content is filled by the callback below."""
    skip_if_shown(
        view,
        PATH,
        {
            "release": release,
            "year": year,
            "agency": agency,
            "category": category,
            "dimension": dimension,
            "convention": convention,
        },
    )
    title = _("Workforce representation")
    question = _("Does the state workforce reflect the qualified labour pool — statewide, by agency and by job "
                 "category?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    choice = choose(info.release_id, year, agency, category, dimension, convention, strict=False)
    if choice is None:
        return empty_page(title, question, _("This release has no workforce figures."), info)
    releases = queries.visible_releases(settings(), viewer())
    years = wq.workforce_years(settings(), info.release_id)
    agencies = catalog.agency_list(settings(), info.release_id)
    return page_skeleton(
        info, title, question, _filters(choice, releases, years, agencies),
        [html.Nav(id="workforce-breadcrumb", **{"aria-label": _("Breadcrumb")}),
         html.Div(id="workforce-content", **{"aria-live": "polite"})],
        location="workforce-url",
    )


def _link(path: str) -> str:
    return dash.get_relative_path(path)


def breadcrumb(choice: Choice) -> html.Ol:
    """Statewide › Agency › Category, each level a link except the current one."""
    levels = [
        (
            _("Statewide"),
            workforce_href(choice.release_id, choice.year, dimension=choice.dimension, convention=choice.convention),
        )
    ]
    if choice.agency != codes.ALL:
        levels.append(
            (
                choice.agency_name,
                workforce_href(
                    choice.release_id,
                    choice.year,
                    choice.agency,
                    dimension=choice.dimension,
                    convention=choice.convention,
                ),
            )
        )
    if choice.category != codes.ALL:
        levels.append((job_label(choice.category), None))
    items = []
    for i, (text, href) in enumerate(levels):
        last = i == len(levels) - 1
        items.append(
            html.Li(
                text if last else dcc.Link(text, href=_link(href)),
                className="breadcrumb-item" + (" active" if last else ""),
                **({"aria-current": "page"} if last else {}),
            )
        )
    return html.Ol(items, className="breadcrumb")


def _representation(choice: Choice, cells: pd.DataFrame) -> html.Section:
    return parts_panel(representation_parts(choice, cells, _suppressed_text()),
                       **embed_options("workforce-representation", choice.params))


def _trend(choice: Choice, cells: pd.DataFrame) -> html.Section:
    return parts_panel(trend_parts(choice, cells, _suppressed_text()),
                       **embed_options("workforce-trend", choice.params))


def _selection(choice: Choice) -> html.Section:
    """Hires, promotions and separations of the view's scope: adverse impact, pooled or for the job category."""
    return parts_panel(selection_view(settings(), viewer(), choice, _suppressed_text(), _link),
                       **embed_options(CHART_ID, choice.params))


def _next_level(choice: Choice) -> html.Section | None:
    """The table one level down: agencies (statewide view) or job categories (an agency's view)."""
    level = level_cells(settings(), viewer(), choice)
    if level is None:
        return None
    return parts_panel(level_parts(choice, *level, _suppressed_text(), _link),
                       **embed_options("workforce-level", choice.params))


def rendered(choice: Choice) -> list:
    """The content of one view for the request's viewer (its figures come from the shared query cache; a repeated
    request is answered by the response cache before it gets here)."""
    return content(choice)


def content(choice: Choice) -> list:
    """Everything below the filters for one valid choice."""
    cells = queries.workforce_cells(settings(), choice.release_id, viewer(), choice.agency, choice.dimension)
    now = cells[(cells["fiscal_year"] == choice.year) & (cells["job_category"] == choice.category)]
    if now.empty:
        values = {"category": category_phrase(choice.category).lower(), "year": choice.year,
                  "agency": choice.agency_name}
        text = (_("Connecticut's state agencies reported no employees in %(category)s in %(year)s.", **values)
                if choice.agency == codes.ALL else
                _("the %(agency)s reported no employees in %(category)s in %(year)s.", **values))
        return [notice(text, "info"), _next_level(choice), _selection(choice)]
    scorecard = None
    if choice.agency != codes.ALL:
        scorecard = html.P(
            dcc.Link(
                _("Open the full scorecard of the %(agency)s →", agency=choice.agency_name),
                href=_link(f"/agencies/{choice.agency}" + query_string(release=choice.release_id, year=choice.year)),
            )
        )
    return [scorecard, _representation(choice, cells), _next_level(choice), _trend(choice, cells), _selection(choice)]


@callback(
    Output("workforce-content", "children"),
    Output("workforce-breadcrumb", "children"),
    Output("workforce-url", "search"),
    Output("shell-view", "data", allow_duplicate=True),
    Input("workforce-release", "value"),
    Input("workforce-year", "value"),
    Input("workforce-agency", "value"),
    Input("workforce-category", "value"),
    Input("workforce-dimension", "value"),
    Input("workforce-convention", "value"),
    prevent_initial_call="initial_duplicate",
)
@guarded(unchanged=2, cleared=1)
def show(release, year, agency, category, dimension, convention):
    """The view for the chosen filters; the filters go into the URL."""
    info = chosen_release(release)
    choice = choose(info.release_id, year, agency, category, dimension, convention, strict=True)
    if choice is None:
        raise NotAvailable("filters")
    body = rendered(choice)
    return body, breadcrumb(choice), query_string(**choice.params), view_state(PATH, **choice.params)
