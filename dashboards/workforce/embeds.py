"""The workforce page's embeddable charts: representation bars, trend and the table one level down."""
from __future__ import annotations

import dash

from components.formatting import suppressed
from dashboards._shared import catalog, query_string
from dashboards._shared import workforce as sw
from data_access import codes, queries
from data_access import workforce_queries as wq
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS
from embeds.registry import Builder, Built, own_params, register_chart
from embeds.signing import Unavailable, choose

from . import parts as wp
from . import selection as ws
from . import transforms as wf

CHARTS = ("workforce-representation", "workforce-trend", "workforce-level")


def _workforce_choice(settings: Settings, rid: str, p: dict) -> wf.Choice:
    years = [str(y) for y in wq.workforce_years(settings, rid)]
    agencies = catalog.agency_list(settings, rid)
    names = dict(zip(agencies["agency_code"], agencies["agency_name"]))
    agency = choose(p.get("agency"), [codes.ALL, *names], codes.ALL)
    return wf.Choice(rid, int(choose(p.get("year"), years, years[0] if years else None)), agency,
                     choose(p.get("category"), [codes.ALL, *codes.JOB_CATEGORIES], codes.ALL),
                     choose(p.get("dimension"), list(sw.DIMENSIONS), sw.DEFAULT_DIMENSION),
                     choose(p.get("convention"), list(sw.CONVENTIONS), sw.DEFAULT_CONVENTION),
                     names.get(agency, "state workforce"))


def workforce(chart_id: str) -> Builder:
    """The representation bars, the trend or the table one level down of a `/workforce` view."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        choice = _workforce_choice(settings, rid, p)
        text = suppressed(settings.suppression_k)
        if chart_id == "workforce-level":
            level = wp.level_cells(settings, ANONYMOUS, choice)
            if level is None:
                raise Unavailable("no level below a job category")
            parts = wp.level_parts(choice, *level, text, dash.get_relative_path)
        else:
            cells = queries.workforce_cells(settings, rid, ANONYMOUS, choice.agency, choice.dimension)
            if wp.current_cells(choice, cells).empty:
                raise Unavailable("no employees")
            make = wp.representation_parts if chart_id == "workforce-representation" else wp.trend_parts
            parts = make(choice, cells, text)
        return parts, own_params(chart_id, choice.params), "/workforce" + query_string(**choice.params)
    return build


def workforce_selection(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """The adverse-impact panel of a `/workforce` view (year, agency, job category, groups), for the public."""
    choice = _workforce_choice(settings, rid, p)
    parts = ws.selection_view(settings, ANONYMOUS, choice, suppressed(settings.suppression_k), dash.get_relative_path)
    return parts, own_params(ws.CHART_ID, choice.params), "/workforce" + query_string(**choice.params)


register_chart(ws.CHART_ID, ("release", "year", "agency", "category", "dimension"), workforce_selection)
for _chart in CHARTS:
    register_chart(_chart, ("release", "year", "agency", "category", "dimension", "convention"), workforce(_chart))
