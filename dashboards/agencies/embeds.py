"""The agency pages' embeddable charts: the list of agencies and every chart of an agency's scorecard."""
from __future__ import annotations

import dash
import pandas as pd

from components.charts import utilization_heatmap
from components.formatting import number, suppressed
from components.i18n import _
from components.panel import ChartParts
from dashboards._shared import catalog, query_string
from dashboards._shared import workforce as wf
from dashboards._shared.selection import selection_parts
from data_access import codes, queries
from data_access import workforce_queries as wq
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS
from embeds.registry import Builder, Built, register_chart
from embeds.signing import Unavailable, choose

from . import casework as ac
from . import listing as al
from . import parts as ap

SCORECARD_CHARTS = ("agency-selection", "agency-contracting-small", "agency-contracting-minority", "agency-plans",
                    "agency-training", "agency-benchmarks", *ac.CHARTS)


def agency_utilization(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """An agency's job category × group utilization heat map (agency, year, dimension, convention)."""
    agencies = catalog.agency_list(settings, rid)
    code = choose((p.get("agency") or "").upper() or None, agencies["agency_code"].tolist(), None)
    name = agencies.loc[agencies["agency_code"] == code, "agency_name"].iloc[0]
    years = [str(y) for y in sorted(wq.workforce_years(settings, rid), reverse=True)]
    year = choose(p.get("year"), years, years[0] if years else None)
    dimension = choose(p.get("dimension"), list(wf.DIMENSIONS), wf.DEFAULT_DIMENSION)
    convention = choose(p.get("convention"), list(wf.CONVENTIONS), wf.DEFAULT_CONVENTION)
    cells = queries.workforce_cells(settings, rid, ANONYMOUS, code, dimension)
    now = cells[cells["fiscal_year"] == int(year)]
    if now.empty:
        raise Unavailable(year)
    order = {c: i for i, c in enumerate((codes.ALL, *codes.JOB_CATEGORIES))}
    now = wf.order_groups(now, dimension).sort_values("job_category", key=lambda s: s.map(order),
                                                      kind="stable")
    flagged = wf.with_flags(now, convention)
    text = suppressed(settings.suppression_k)
    parts = ChartParts(
        "agency-utilization", _("Utilization by job category and group at the %(agency)s, %(year)s", agency=name,
                                year=year),
        wf.utilization_summary(flagged, convention, codes.ALL, wf.agency_place(name), text),
        wf.utilization_table(flagged, text),
        utilization_heatmap(wf.heatmap_frame(flagged, dimension == "race_sex")),
        wf.TABLE_LABELS,
        _("▼ = under-represented under %(rule)s. Red = below availability, blue = above, white = parity "
          "(%(parity)s). Source: workforce_utilization release table.", rule=wf.CONVENTIONS[convention].rule,
          parity=number(1.0, 1)))
    params = {"agency": code, "year": year, "dimension": dimension, "convention": convention}
    page_params = {"year": year, "dimension": None if dimension == wf.DEFAULT_DIMENSION else dimension,
                   "convention": None if convention == wf.DEFAULT_CONVENTION else convention}
    return parts, params, f"/agencies/{code}" + query_string(release=rid, **page_params)


def agencies_list(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """Every agency's headline figures (year, peer group)."""
    years = [str(y) for y in wq.workforce_years(settings, rid)]
    peers = sorted(set(catalog.agency_list(settings, rid)["peer_group"]))
    year = choose(p.get("year"), years, years[0] if years else None)
    peer = choose(p.get("peer"), [al.ALL_PEERS, *peers], al.ALL_PEERS)
    overview = al.overview_frame(settings, ANONYMOUS, rid, int(year), peer)
    params = {"year": year, "peer": None if peer == al.ALL_PEERS else peer}
    return (al.list_parts(overview, rid, int(year), peer, dash.get_relative_path), params,
            "/agencies" + query_string(release=rid, **params))


def scorecard(chart_id: str) -> Builder:
    """One chart of an agency's scorecard (agency, year; dimension and job category for selection), for the public."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        agencies = catalog.agency_list(settings, rid)
        code = choose((p.get("agency") or "").upper() or None, agencies["agency_code"].tolist(), None)
        agency = agencies[agencies["agency_code"] == code].iloc[0]
        years = [str(y) for y in wq.workforce_years(settings, rid)]
        year = choose(p.get("year"), years, years[0] if years else None)
        dimension = choose(p.get("dimension"), list(wf.DIMENSIONS), wf.DEFAULT_DIMENSION)
        category = choose(p.get("category") or codes.ALL, [codes.ALL, *codes.JOB_CATEGORIES], codes.ALL)
        parts = _scorecard_parts(settings, rid, chart_id, agency, int(year), dimension, category)
        page_dimension = None if dimension == wf.DEFAULT_DIMENSION else dimension
        page_category = None if category == codes.ALL else category
        params = {"agency": code, "year": year,
                  **({"dimension": page_dimension, "category": page_category}
                     if chart_id == "agency-selection" else {})}
        return parts, params, f"/agencies/{code}" + query_string(release=rid, year=year, dimension=page_dimension,
                                                                 category=page_category)
    return build


def _scorecard_parts(settings: Settings, rid: str, chart_id: str, agency: pd.Series, year: int,
                     dimension: str, category: str = codes.ALL) -> ChartParts:
    code, text = agency["agency_code"], suppressed(settings.suppression_k)
    if chart_id == "agency-selection":
        rows = wq.agency_selection(settings, rid, ANONYMOUS, code, category)
        return selection_parts(rows, year, dimension, text, category)
    if chart_id in ac.CHARTS:
        inputs = ac.casework_inputs(settings, rid, ANONYMOUS, agency, catalog.agency_list(settings, rid))
        if not ac.on_record(inputs, chart_id):
            raise Unavailable("no casework")
        return ac.BUILDERS[chart_id](inputs, agency, [ac.casework_link(rid, code, dash.get_relative_path)])
    if chart_id == "agency-benchmarks":
        return ap.benchmark_parts(wq.agency_benchmarks(settings, rid, code), agency, year)
    if chart_id.startswith("agency-contracting-"):
        frame = wq.contracting_comparison(settings, rid, code)
    elif chart_id == "agency-plans":
        frame = wq.plan_comparison(settings, rid, code)
    else:
        frame = wq.training_comparison(settings, rid, ANONYMOUS, code)
    if frame.empty:
        raise Unavailable("no figures")
    if chart_id.startswith("agency-contracting-"):
        return ap.contracting_parts(frame, agency, year, chart_id.rsplit("-", 1)[1])
    if chart_id == "agency-plans":
        return ap.plan_parts(frame, agency, year)
    return ap.training_parts(frame, agency, year, text)


register_chart("agency-utilization", ("release", "agency", "year", "dimension", "convention"), agency_utilization)
register_chart("agencies-list", ("release", "year", "peer"), agencies_list)
register_chart("agency-selection", ("release", "agency", "year", "dimension", "category"),
               scorecard("agency-selection"))
for _chart in SCORECARD_CHARTS[1:]:
    register_chart(_chart, ("release", "agency", "year"), scorecard(_chart))
