"""The casework page's embeddable charts: complaints, forums, days to close, accommodations, goals (public role)."""
from __future__ import annotations

from dashboards._shared import casework as tr
from dashboards._shared import catalog, query_string
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS
from embeds.registry import Builder, Built, register_chart
from embeds.signing import Unavailable, choose

from . import parts as cp

PARAMS = ("release", "agency", "by", "year")


def casework(chart_id: str) -> Builder:
    """One casework chart of the statewide or an agency view (agency, view, plan year)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        agencies = catalog.agencies(settings, rid)
        names = dict(zip(agencies["agency_code"], agencies["agency_name"]))
        agency = choose(p.get("agency"), [tr.ALL, *names], tr.ALL)
        view = choose(p.get("by"), list(tr.VIEWS), "basis")
        years = cp.plan_years(settings, rid, ANONYMOUS, agency)
        year = choose(p.get("year"), years, years[0]) if years else None
        place, k = cp.where(names, agency), settings.suppression_k
        if chart_id == "casework-complaints":
            parts = cp.complaints_parts(settings, rid, ANONYMOUS, agency, view, place, k)
        elif chart_id == "casework-forums":
            parts = cp.forums_parts(settings, rid, ANONYMOUS, agency, place, k)
        elif chart_id == "casework-closing":
            parts = cp.closing_parts(settings, rid, ANONYMOUS, agency, place, k)
        elif chart_id == "casework-accommodations":
            parts = cp.accommodations_parts(settings, rid, ANONYMOUS, agency, place, k)
        elif year is None:
            raise Unavailable("no affirmative action plan")
        else:
            parts = cp.goals_parts(settings, rid, ANONYMOUS, agency, int(year), place, k)
        params = {"agency": None if agency == tr.ALL else agency, "by": None if view == "basis" else view,
                  "year": year}
        return parts, params, "/casework" + query_string(release=rid, **params)
    return build


CHARTS = ("casework-complaints", "casework-forums", "casework-closing", "casework-accommodations", "casework-goals")
for _chart in CHARTS:
    register_chart(_chart, PARAMS, casework(_chart))
