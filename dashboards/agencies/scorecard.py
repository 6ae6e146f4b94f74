"""`/agencies/<code>` — one agency's scorecard against the state and its peer group (DESIGN §4.1–§4.5, §6)."""

from __future__ import annotations

from urllib.parse import unquote

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components.charts import utilization_heatmap
from components.formatting import number
from components.i18n import N_, _
from components.panel import chart_panel
from components.shell import labelled_select, notice, synthetic_notice
from components.skeleton import filters_row, page_skeleton, release_select
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
from dashboards._shared.briefing import briefing_link
from dashboards._shared.workforce import (
    CONVENTIONS,
    DEFAULT_CONVENTION,
    DEFAULT_DIMENSION,
    DIMENSIONS,
    SUPPRESSED_CELL,
    TABLE_LABELS,
    heatmap_frame,
    job_label,
    level_links,
    next_level_rows,
    order_groups,
    utilization_summary,
    utilization_table,
    with_flags,
    workforce_href,
)
from data_access import codes, queries
from data_access import workforce_queries as wq
from embeds.button import embed_options

from .panels import (
    benchmark_panel,
    casework_panels,
    contracting_panels,
    k_text,
    plan_panel,
    selection_panel,
    training_panel,
)

dash.register_page(
    __name__,
    path_template="/agencies/<code>",
    name=N_("Agency scorecard"),
    nav=False,
    title=lambda **_kw: _("Agency scorecard — CT Equity Benchmarks"),
)


def find_agency(code: object, agencies: pd.DataFrame) -> pd.Series | None:
    """The agency row for a code from the URL (case-insensitive), or None for anything else."""
    if not isinstance(code, str) or not 0 < len(code) <= 16:
        return None
    rows = agencies[agencies["agency_code"] == code.upper()]
    return rows.iloc[0] if not rows.empty else None


def no_such_agency(code: object) -> list:
    shown = unquote(code)[:40] if isinstance(code, str) else ""
    return [
        html.H1(_("No such agency"), className="h2"),
        notice(
            _("There is no agency with the code “%(code)s” in this release.", code=shown)
            if shown
            else _("That agency is not available."),
            "warning",
        ),
        html.P(dcc.Link(_("See the list of all agencies →"), href=dash.get_relative_path("/agencies"))),
    ]


def params(release_id: str, year: str, dimension: str, convention: str, category: str = codes.ALL) -> dict:
    """The scorecard's query in its canonical order; default dimension, convention and job category are left out."""
    return {
        "release": release_id,
        "year": str(year),
        "dimension": None if dimension == DEFAULT_DIMENSION else dimension,
        "convention": None if convention == DEFAULT_CONVENTION else convention,
        "category": None if category == codes.ALL else category,
    }


def _choices(release_id: str, year, dimension, convention, strict: bool,
             category=None) -> tuple[str, str, str, str] | None:
    years = [str(y) for y in wq.workforce_years(settings(), release_id)]
    chosen = (
        pick(year, years, None if strict else (years[0] if years else None)),
        pick(dimension or DEFAULT_DIMENSION, DIMENSIONS, None if strict else DEFAULT_DIMENSION),
        pick(convention or DEFAULT_CONVENTION, CONVENTIONS, None if strict else DEFAULT_CONVENTION),
        pick(category or codes.ALL, [codes.ALL, *codes.JOB_CATEGORIES], None if strict else codes.ALL),
    )
    return None if None in chosen else chosen


@guarded()
def layout(
    code: str | None = None,
    release: str | None = None,
    year: str | None = None,
    dimension: str | None = None,
    convention: str | None = None,
    category: str | None = None,
    view: dict | None = None,
    **_query,
):
    """The agency's header and filters, pinned to one release; the scorecard is filled by the callback."""
    skip_if_shown(
        view, f"/agencies/{code}",
        {"release": release, "year": year, "dimension": dimension, "convention": convention, "category": category},
    )
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return notice(_("No release has been published yet."))
    agency = find_agency(code, catalog.agency_list(settings(), info.release_id))
    if agency is None:
        return html.Div([synthetic_notice(info.synthetic), *no_such_agency(code)])
    chosen = _choices(info.release_id, year, dimension, convention, strict=False, category=category)
    releases = queries.visible_releases(settings(), viewer())
    years = wq.workforce_years(settings(), info.release_id)
    if chosen is None:
        return notice(_("This release has no workforce figures."))
    back = html.P(
        dcc.Link(
            _("← All agencies"),
            href=dash.get_relative_path("/agencies") + query_string(release=info.release_id, year=chosen[0]),
        ),
        className="mb-1 small",
    )
    question = _(
        "How does the %(agency)s compare with the state and the other %(peer_group)s agencies?",
        agency=agency["agency_name"],
        peer_group=agency["peer_group"],
    )
    filters = filters_row(
        [
            dbc.Col(release_select("agency-release", releases, info.release_id), md=6, lg=4),
            dbc.Col(
                labelled_select("agency-year", _("Fiscal year"), [(str(y), str(y)) for y in years], chosen[0]),
                md=6,
                lg=2,
            ),
            dbc.Col(
                labelled_select(
                    "agency-dimension", _("Groups"), [(k, _(v)) for k, v in DIMENSIONS.items()], chosen[1]
                ),
                md=6,
                lg=3,
            ),
            dbc.Col(
                labelled_select(
                    "agency-convention",
                    _("Under-representation test"),
                    [(k, _(c.label)) for k, c in CONVENTIONS.items()],
                    chosen[2],
                ),
                md=6,
                lg=3,
            ),
            dbc.Col(category_select(chosen[3]), md=6, lg=4),
        ]
    )
    return page_skeleton(
        info,
        agency["agency_name"],
        question,
        filters,
        [html.Div(id="agency-content", **{"aria-live": "polite"})],
        location="agency-url",
        before=[dcc.Store(id="agency-code", data=agency["agency_code"])],
        lead=[back],
        intro=[briefing_link(agency["agency_code"], info.release_id, "agency-briefing")],
    )


def utilization_panel(release_id: str, agency: pd.Series, year: int, dimension: str, convention: str):
    """Job category × group heat map of utilization ratios, with links into `/workforce`."""
    code, name = agency["agency_code"], agency["agency_name"]
    cells = queries.workforce_cells(settings(), release_id, viewer(), code, dimension)
    now = cells[cells["fiscal_year"] == year]
    if now.empty:
        return notice(_("No workforce figures for the %(agency)s in %(year)s.", agency=name, year=year))
    order = {c: i for i, c in enumerate((codes.ALL, *codes.JOB_CATEGORIES))}
    now = order_groups(now, dimension).sort_values("job_category", key=lambda s: s.map(order), kind="stable")
    flagged = with_flags(now, convention)
    text = k_text()
    rows = next_level_rows(
        flagged[flagged["job_category"] != codes.ALL],
        "job_category",
        {c: job_label(c) for c in codes.JOB_CATEGORIES},
        text,
    )
    links = level_links(
        rows,
        lambda job: dash.get_relative_path(workforce_href(release_id, year, code, job, dimension, convention)),
        _("Job category"),
        _("Open a job category for its groups, availability and trend over the years."),
        "agency-categories",
    )
    note = html.P(
        _(
            "▼ = under-represented under %(rule)s; “%(mark)s” = %(suppressed)s; red = below availability, blue = "
            "above, white = parity (%(parity)s); grey with a ratio = fewer than one employee expected, so the ratio "
            "says little.",
            rule=_(CONVENTIONS[convention].rule),
            mark=_(SUPPRESSED_CELL),
            suppressed=text,
            parity=number(1.0, 1),
        ),
        className="small",
    )
    return chart_panel(
        "agency-utilization",
        _("Utilization by job category and group, %(year)s", year=year),
        utilization_summary(flagged, convention, codes.ALL, _("at the %(agency)s", agency=name), text),
        utilization_table(flagged, text),
        utilization_heatmap(heatmap_frame(flagged, dimension == "race_sex")),
        TABLE_LABELS,
        _("Source: %(tables)s release table.", tables="workforce_utilization"),
        extra=[note, links],
        **embed_options(
            "agency-utilization",
            {"release": release_id, "agency": code, "year": year, "dimension": dimension, "convention": convention},
        ),
    )


def category_select(chosen: str):
    """The job category of the hiring, promotion and separation panel: all (pooled) or one, to open the rows
    behind a pooled finding."""
    options = [(codes.ALL, job_label(codes.ALL)), *[(c, job_label(c)) for c in codes.JOB_CATEGORIES]]
    return labelled_select("agency-category", _("Job category for hiring, promotion and separation"), options, chosen)


def rendered(release_id: str, code: str, year: int, dimension: str, convention: str,
             category: str = codes.ALL) -> list:
    """The scorecard of one view for the request's viewer (its figures come from the shared query cache; a repeated
    request is answered by the response cache before it gets here)."""
    agency = find_agency(code, catalog.agency_list(settings(), release_id))
    return scorecard(release_id, agency, year, dimension, convention, category)


def scorecard(release_id: str, agency: pd.Series, year: int, dimension: str, convention: str,
              category: str = codes.ALL) -> list:
    """Every section of the scorecard for one valid choice."""
    return [
        html.H2(_("Workforce"), className="h3 mt-3"),
        utilization_panel(release_id, agency, year, dimension, convention),
        selection_panel(release_id, agency, year, dimension, category),
        html.H2(_("Benchmarks, contracting, equity plan and training"), className="h3 mt-3"),
        benchmark_panel(release_id, agency, year),
        contracting_panels(release_id, agency, year),
        plan_panel(release_id, agency, year),
        training_panel(release_id, agency, year),
        html.H2(_("Casework: complaints, accommodations and affirmative action goals"), className="h3 mt-3"),
        *casework_panels(release_id, agency, year),
    ]


@callback(
    Output("agency-content", "children"),
    Output("agency-url", "search"),
    Output("shell-view", "data", allow_duplicate=True),
    Input("agency-release", "value"),
    Input("agency-year", "value"),
    Input("agency-dimension", "value"),
    Input("agency-convention", "value"),
    Input("agency-category", "value"),
    State("agency-code", "data"),
    prevent_initial_call="initial_duplicate",
)
@guarded(unchanged=2)
def show(release, year, dimension, convention, category, code=None):
    """The scorecard for the chosen filters; the filters go into the URL."""
    info = chosen_release(release)
    agency = find_agency(code, catalog.agency_list(settings(), info.release_id))
    chosen = _choices(info.release_id, year, dimension, convention, strict=True, category=category)
    if agency is None or chosen is None:
        raise NotAvailable("filters")
    body = rendered(info.release_id, agency["agency_code"], int(chosen[0]), chosen[1], chosen[2], chosen[3])
    query = params(info.release_id, *chosen)
    return body, query_string(**query), view_state(f"/agencies/{agency['agency_code']}", **query)
