"""The scorecard's panels beyond utilization: selection, contracting, equity plan, training, own benchmarks,
casework.

Each panel is its chart's ChartParts (`_agency_parts`) for this viewer, with the Embed button and image link of
the same chart for the public.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.formatting import suppressed
from components.i18n import _
from components.panel import parts_panel
from components.shell import notice
from dashboards._shared import catalog, settings, viewer
from dashboards._shared.selection import selection_parts
from data_access import codes
from data_access import workforce_queries as wq
from embeds.button import embed_options

from .casework import BUILDERS, CHARTS, casework_inputs, casework_link, none_on_record, on_record
from .parts import KINDS, benchmark_parts, contracting_parts, plan_parts, training_parts


def k_text() -> str:
    return suppressed(settings().suppression_k)


def _options(chart_id: str, release_id: str, agency: pd.Series, year: int, **extra: object) -> dict:
    """The Embed button and image link of one scorecard chart, for this agency and view."""
    return embed_options(chart_id, {"release": release_id, "agency": agency["agency_code"], "year": year, **extra})


def selection_panel(release_id: str, agency: pd.Series, year: int, dimension: str,
                    category: str = codes.ALL) -> html.Section:
    """Hires, promotions and separations headlined by adverse impact, for all job categories or one."""
    rows = wq.agency_selection(settings(), release_id, viewer(), agency["agency_code"], category)
    extra = {"category": category} if category != codes.ALL else {}
    return parts_panel(selection_parts(rows, year, dimension, k_text(), category),
                       **_options("agency-selection", release_id, agency, year, dimension=dimension, **extra))


def contracting_panels(release_id: str, agency: pd.Series, year: int) -> dbc.Row:
    """Small- and minority-business shares against their set-aside goals, the peer group and the state."""
    frame = wq.contracting_comparison(settings(), release_id, agency["agency_code"])
    if frame.empty:
        return dbc.Row(dbc.Col(notice(_("This release has no contracting figures."))))
    return dbc.Row([dbc.Col(parts_panel(contracting_parts(frame, agency, year, kind),
                                        **_options(f"agency-contracting-{kind}", release_id, agency, year)), lg=6)
                    for kind in KINDS])


def plan_panel(release_id: str, agency: pd.Series, year: int):
    """Equity plan and affirmative-action plan status against the peer group and the state."""
    frame = wq.plan_comparison(settings(), release_id, agency["agency_code"])
    if frame.empty:
        return notice(_("This release has no equity-plan figures."))
    return parts_panel(plan_parts(frame, agency, year), **_options("agency-plans", release_id, agency, year))


def training_panel(release_id: str, agency: pd.Series, year: int):
    """Equity training completion against the peer group and the state."""
    frame = wq.training_comparison(settings(), release_id, viewer(), agency["agency_code"])
    if frame.empty:
        return notice(_("This release has no training figures."))
    return parts_panel(training_parts(frame, agency, year, k_text()),
                       **_options("agency-training", release_id, agency, year))


def benchmark_panel(release_id: str, agency: pd.Series, year: int):
    """The agency's own benchmarks: status in symbol and word, and whether the gap closes beyond noise."""
    progress = wq.agency_benchmarks(settings(), release_id, agency["agency_code"])
    return parts_panel(benchmark_parts(progress, agency, year),
                       **_options("agency-benchmarks", release_id, agency, year))


def casework_panels(release_id: str, agency: pd.Series, year: int) -> list:
    """Complaints, accommodations and affirmative action goals against the peer group and the state, as this
    viewer may see them; a notice for each one the agency has no rows of."""
    inputs = casework_inputs(settings(), release_id, viewer(), agency, catalog.agency_list(settings(), release_id))
    link = casework_link(release_id, agency["agency_code"], dash.get_relative_path)
    shown = [chart_id for chart_id in CHARTS if on_record(inputs, chart_id)]
    if not shown:
        return [notice(_("No discrimination complaints, accommodation requests or affirmative action goals of the "
                         "%(agency)s are on record in this release.", agency=agency["agency_name"])), link]
    return [parts_panel(BUILDERS[chart_id](inputs, agency, [link]), **_options(chart_id, release_id, agency, year))
            if chart_id in shown else notice(none_on_record(chart_id, agency["agency_name"]))
            for chart_id in CHARTS]
