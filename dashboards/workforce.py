"""`/workforce` — representation against availability, statewide → agency → job category (DESIGN §4.1, §6)."""

from __future__ import annotations

from functools import lru_cache

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from components.charts import representation_bars, trend_lines
from components.formatting import SUPPRESSED
from components.panel import chart_panel
from components.shell import labelled_select, notice, page_header, release_line, synthetic_notice
from data_access import codes, queries
from data_access import workforce_queries as wq
from data_access.queries import DataUnavailable
from data_access.viewer import Viewer

from ._helpers import DB_DOWN, NOT_AVAILABLE, pick, query_string, settings, skip_if_shown, view_state, viewer
from ._workforce import (
    CONVENTIONS,
    DEFAULT_CONVENTION,
    DEFAULT_DIMENSION,
    DIMENSIONS,
    RENDERED_VIEWS,
    TABLE_LABELS,
    Choice,
    bars_frame,
    category_phrase,
    job_label,
    level_frame,
    link_grid,
    next_level_rows,
    order_groups,
    page_location,
    trend_frame,
    trend_summary,
    utilization_summary,
    utilization_table,
    with_flags,
    workforce_href,
)

dash.register_page(
    __name__, path="/workforce", name="Workforce", order=1, title="Workforce representation — CT Equity Benchmarks"
)

PATH = "/workforce"
SOURCE = "Source: workforce_utilization release table (headcount against availability of the qualified labour pool)."


def _suppressed_text() -> str:
    return SUPPRESSED.format(k=settings().suppression_k)


def choose(release_id: str, year, agency, category, dimension, convention, strict: bool) -> Choice | None:
    """Allow-list every filter; strict (callbacks) rejects unknown values, else they fall back to defaults."""
    years = [str(y) for y in wq.workforce_years(settings(), release_id)]
    agencies = wq.agency_list(settings(), release_id)
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
    agency_options = [(codes.ALL, "Statewide (all agencies)"), *zip(agencies["agency_code"], agencies["agency_name"])]
    categories = [(codes.ALL, job_label(codes.ALL)), *[(c, job_label(c)) for c in codes.JOB_CATEGORIES]]
    return dbc.Row(
        [
            dbc.Col(
                labelled_select(
                    "workforce-release",
                    "Data release",
                    [(r.release_id, f"{r.release_id} ({r.status})") for r in releases],
                    choice.release_id,
                ),
                md=6,
                lg=4,
            ),
            dbc.Col(
                labelled_select("workforce-year", "Fiscal year", [(str(y), str(y)) for y in years], str(choice.year)),
                md=6,
                lg=2,
            ),
            dbc.Col(labelled_select("workforce-agency", "Agency", agency_options, choice.agency), md=6, lg=6),
            dbc.Col(labelled_select("workforce-category", "Job category", categories, choice.category), md=6, lg=4),
            dbc.Col(
                labelled_select("workforce-dimension", "Groups", list(DIMENSIONS.items()), choice.dimension), md=6, lg=3
            ),
            dbc.Col(
                labelled_select(
                    "workforce-convention",
                    "Under-representation test",
                    [(k, c.label) for k, c in CONVENTIONS.items()],
                    choice.convention,
                ),
                md=6,
                lg=5,
            ),
        ],
        className="g-2",
    )


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
    header = page_header(
        "Workforce representation",
        "Does the state workforce reflect the qualified labour pool — statewide, by agency and by job category?",
    )
    try:
        info = queries.resolve_release(settings(), viewer(), release)
        if info is None:
            return [*header, notice("No release has been published yet.")]
        choice = choose(info.release_id, year, agency, category, dimension, convention, strict=False)
        if choice is None:
            return [synthetic_notice(info.synthetic), *header, notice("This release has no workforce figures.")]
        releases = queries.visible_releases(settings(), viewer())
        years = wq.workforce_years(settings(), info.release_id)
        agencies = wq.agency_list(settings(), info.release_id)
    except DataUnavailable:
        return notice(DB_DOWN, "danger")
    return html.Div(
        [
            page_location("workforce-url"),
            synthetic_notice(info.synthetic),
            *header,
            _filters(choice, releases, years, agencies),
            html.Nav(id="workforce-breadcrumb", **{"aria-label": "Breadcrumb"}),
            html.Div(id="workforce-content", **{"aria-live": "polite"}),
            release_line(info.release_id, info.status, f"{info.published_at:%Y-%m-%d}" if info.published_at else None),
        ]
    )


def _link(path: str) -> str:
    return dash.get_relative_path(path)


def breadcrumb(choice: Choice) -> html.Ol:
    """Statewide › Agency › Category, each level a link except the current one."""
    levels = [
        (
            "Statewide",
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
    now = order_groups(
        cells[(cells["fiscal_year"] == choice.year) & (cells["job_category"] == choice.category)], choice.dimension
    )
    flagged = with_flags(now, choice.convention)
    text = _suppressed_text()
    where = "statewide" if choice.agency == codes.ALL else choice.agency_name
    figure = representation_bars(
        bars_frame(flagged, text), {"x_title": "Share of employees (bar) and availability (|)"}
    )
    return chart_panel(
        "workforce-representation",
        f"Share of employees against availability: {job_label(choice.category)}, {where}, {choice.year}",
        utilization_summary(flagged, choice.convention, choice.category, choice.place, text),
        utilization_table(flagged, text),
        figure,
        TABLE_LABELS,
        SOURCE,
    )


def _trend(choice: Choice, cells: pd.DataFrame) -> html.Section:
    rows = order_groups(cells[cells["job_category"] == choice.category], choice.dimension)
    lines = trend_frame(rows.sort_values("fiscal_year", kind="stable"))
    references = [(1.0, "parity (1.0)")] + ([(0.8, "four-fifths (0.8)")] if choice.convention == "80pct" else [])
    figure = trend_lines(
        lines,
        {
            "tickformat": ".2f",
            "y_title": "Utilization ratio",
            "reference_lines": references,
            "highlight_x": choice.year,
        },
    )
    table = utilization_table(
        with_flags(rows.sort_values(["fiscal_year"], kind="stable"), choice.convention), _suppressed_text()
    )
    return chart_panel(
        "workforce-trend",
        "Over the years: utilization ratio of each group",
        trend_summary(rows, choice.year, choice.category, choice.place),
        table,
        figure,
        TABLE_LABELS,
        SOURCE + " Lines break where a year's figure is suppressed.",
    )


def _next_level(choice: Choice) -> html.Section | None:
    """The table one level down: agencies (statewide view) or job categories (an agency's view)."""
    text = _suppressed_text()
    if choice.agency == codes.ALL:
        frame = wq.utilization_slice(
            settings(), choice.release_id, viewer(), choice.year, choice.dimension, choice.category
        )
        frame = frame[frame["agency_code"] != codes.ALL]
        agencies = wq.agency_list(settings(), choice.release_id)
        names, unit, label = dict(zip(agencies["agency_code"], agencies["agency_name"])), "agency_code", "Agency"

        def href(code: str) -> str:
            return _link(
                workforce_href(
                    choice.release_id, choice.year, code, choice.category, choice.dimension, choice.convention
                )
            )
    elif choice.category == codes.ALL:
        cells = queries.workforce_cells(settings(), choice.release_id, viewer(), choice.agency, choice.dimension)
        frame = cells[(cells["fiscal_year"] == choice.year) & (cells["job_category"] != codes.ALL)]
        names, unit, label = {c: job_label(c) for c in codes.JOB_CATEGORIES}, "job_category", "Job category"

        def href(code: str) -> str:
            return _link(
                workforce_href(choice.release_id, choice.year, choice.agency, code, choice.dimension, choice.convention)
            )
    else:
        return None
    rows = next_level_rows(with_flags(frame, choice.convention), unit, names, text)
    caption = html.P(
        f"Open a row to see its {'job categories' if unit == 'agency_code' else 'groups'} "
        f"({CONVENTIONS[choice.convention].label.lower()}; {choice.year}).",
        className="small",
    )
    table = [
        caption,
        link_grid("workforce-level-table", level_frame(rows, label, text), label, [href(r.code) for r in rows]),
    ]
    flagged = sum(1 for r in rows if r.flagged)
    among = "" if choice.category == codes.ALL else f" among {job_label(choice.category)}"
    where = "" if unit == "agency_code" else f" of the {choice.agency_name}"
    summary = (
        f"In {choice.year}, {flagged} of {len(rows)} {'agencies' if unit == 'agency_code' else 'job categories'}"
        f"{where} have at least one group under-represented{among} under {CONVENTIONS[choice.convention].rule}."
    )
    return chart_panel(
        "workforce-level",
        "Agencies" if unit == "agency_code" else "Job categories",
        summary,
        level_frame(rows, label, text),
        None,
        None,
        SOURCE,
        extra=table,
    )


@lru_cache(maxsize=RENDERED_VIEWS)
def rendered(database_url: str, viewer_: Viewer, choice: Choice) -> list:
    """The content of one view, kept per process: a release never changes, so the key fixes the output."""
    return content(choice)


def content(choice: Choice) -> list:
    """Everything below the filters for one valid choice."""
    cells = queries.workforce_cells(settings(), choice.release_id, viewer(), choice.agency, choice.dimension)
    now = cells[(cells["fiscal_year"] == choice.year) & (cells["job_category"] == choice.category)]
    if now.empty:
        where = "Connecticut's state agencies" if choice.agency == codes.ALL else f"the {choice.agency_name}"
        return [
            notice(
                f"{where} reported no employees in {category_phrase(choice.category).lower()} in {choice.year}.", "info"
            ),
            _next_level(choice),
        ]
    scorecard = None
    if choice.agency != codes.ALL:
        scorecard = html.P(
            dcc.Link(
                f"Open the full scorecard of the {choice.agency_name} →",
                href=_link(f"/agencies/{choice.agency}" + query_string(release=choice.release_id, year=choice.year)),
            )
        )
    return [scorecard, _representation(choice, cells), _next_level(choice), _trend(choice, cells)]


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
def show(release, year, agency, category, dimension, convention):
    """The view for the chosen filters; the filters go into the URL."""
    try:
        info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
        if info is None or info.release_id != release:
            return notice(NOT_AVAILABLE, "warning"), None, dash.no_update, dash.no_update
        choice = choose(info.release_id, year, agency, category, dimension, convention, strict=True)
        if choice is None:
            return notice(NOT_AVAILABLE, "warning"), None, dash.no_update, dash.no_update
        body = rendered(settings().database_url, viewer(), choice)
    except DataUnavailable:
        return notice(DB_DOWN, "danger"), None, dash.no_update, dash.no_update
    return body, breadcrumb(choice), query_string(**choice.params), view_state(PATH, **choice.params)
