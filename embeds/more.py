"""Embeds of every other public chart (DESIGN §7): workforce, disparities, contracting trend, agencies, the
scorecard, equity plans, the access side panels and the town profile.

Each builder allow-lists its parameters exactly as its page's filters do (a missing one takes the page's
default, anything else is unavailable), queries for the anonymous viewer and returns the very ChartParts the
page shows, built by the same function. Signature: `(settings, release_id, params, image) ->
(ChartParts, chosen parameters, page address)`; `_embed_charts.render` resolves the release and calls them.
"""
from __future__ import annotations

from collections.abc import Callable

import dash
import pandas as pd

from components.formatting import suppressed
from components.panel import ChartParts
from dashboards._shared import query_string
from dashboards.access import parts as am
from dashboards.access import town_parts as tp
from dashboards.access import transforms as ac
from dashboards.agencies import listing as al
from dashboards.agencies import parts as ap
from dashboards.contracting import transforms as ct
from dashboards.disparities import transforms as dt
from dashboards.plans import parts as pp
from dashboards.plans import transforms as pl
from dashboards.workforce import parts as wp
from dashboards.workforce import transforms as wf
from data_access import access_queries as aq
from data_access import codes, queries
from data_access import public_queries as pq
from data_access import workforce_queries as wq
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS

from .render import BUILDERS as BASE_BUILDERS
from .signing import CHART_PARAMS, Unavailable, choose

Built = tuple[ChartParts, dict, str]
Builder = Callable[[Settings, str, dict, bool], Built]
LEVELS = ("region", "county")


def _own(chart_id: str, params: dict) -> dict:
    """The chart's own parameters out of a page's query (the release is pinned by `render`)."""
    return {k: params.get(k) for k in CHART_PARAMS[chart_id] if k != "release"}


# ---------------------------------------------------------------- /workforce
def _workforce_choice(settings: Settings, rid: str, p: dict) -> wf.Choice:
    years = [str(y) for y in wq.workforce_years(settings, rid)]
    agencies = wq.agency_list(settings, rid)
    names = dict(zip(agencies["agency_code"], agencies["agency_name"]))
    agency = choose(p.get("agency"), [codes.ALL, *names], codes.ALL)
    return wf.Choice(rid, int(choose(p.get("year"), years, years[0] if years else None)), agency,
                     choose(p.get("category"), [codes.ALL, *codes.JOB_CATEGORIES], codes.ALL),
                     choose(p.get("dimension"), list(wf.DIMENSIONS), wf.DEFAULT_DIMENSION),
                     choose(p.get("convention"), list(wf.CONVENTIONS), wf.DEFAULT_CONVENTION),
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
        return parts, _own(chart_id, choice.params), "/workforce" + query_string(**choice.params)
    return build


# ---------------------------------------------------------------- /disparities
def _measure_and_year(measures: pd.DataFrame, p: dict) -> tuple[pd.Series, str]:
    """The measure (default: the first) and one of its years (default: the latest) of an address."""
    ids = measures["measure_id"].tolist()
    measure_id = choose(p.get("measure"), ids, ids[0] if ids else None)
    years = sorted({str(y) for ys in measures["years"] for y in ys}, reverse=True)
    year = choose(p.get("year"), years, years[0] if years else None)
    return measures[measures["measure_id"] == measure_id].iloc[0], year


def _disparity_choice(settings: Settings, rid: str, p: dict) -> dt.Choice:
    measures = pq.disparity_measures(settings, rid)
    measure, year = _measure_and_year(measures, p)
    ids = measures["measure_id"].tolist()
    geos = pq.geographies(settings, rid)
    area = choose(p.get("area"), geos["geography_id"].tolist(), codes.STATE_ID)
    present = set(pq.access_groups(settings, rid, ids[0])["group_code"])  # the page lists the first one's
    groups = [g for g in dt.ACCESS_GROUPS if g in present and g != "total"]
    group = choose(p.get("group"), groups, next((g for g in groups if g != settings.reference_group), None))
    place = geos[geos["geography_id"] == area].iloc[0]
    return dt.Choice(rid, measure, int(year),
                     choose(p.get("level"), list(LEVELS), "region"), place["geography_level"], area,
                     place["geography_name"], group)


def disparities(chart_id: str) -> Builder:
    """The ratio trend, dissimilarity, Theil split or Theil trend panel of a `/disparities` view."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        choice = _disparity_choice(settings, rid, p)
        measure_id = choice.measure["measure_id"]
        access = pq.access_groups(settings, rid, measure_id)
        reference = dt.reference_of(access, settings.reference_group)
        if chart_id == "disparities-ratio-trend":
            parts = dt.ratio_parts(choice, access, reference)
        elif chart_id == "disparities-dissimilarity":
            parts = dt.dissimilarity_parts(choice, pq.dissimilarity(settings, rid), pq.geographies(settings, rid),
                                           reference)
        elif chart_id == "disparities-theil-split":
            parts = dt.theil_split_parts(choice, pq.inequality(settings, rid, measure_id))
        else:
            parts = dt.theil_trend_parts(choice, pq.inequality(settings, rid, measure_id))
        return parts, _own(chart_id, choice.params), "/disparities" + query_string(**choice.params)
    return build


# ---------------------------------------------------------------- /contracting, /agencies
def contracting_trend(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """Both set-aside shares over the years, statewide and of one agency (agency)."""
    frame, agencies = pq.contracting(settings, rid), pq.agencies(settings, rid)
    if frame.empty:
        raise Unavailable("no contracting figures")
    agency = choose(p.get("agency"), [codes.ALL, *agencies["agency_code"]], codes.ALL)
    params = {"agency": None if agency == codes.ALL else agency}
    return ct.trend_parts(frame, agencies, agency), params, "/contracting" + query_string(release=rid, **params)


def agencies_list(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """Every agency's headline figures (year, peer group)."""
    years = [str(y) for y in wq.workforce_years(settings, rid)]
    peers = sorted(set(wq.agency_list(settings, rid)["peer_group"]))
    year = choose(p.get("year"), years, years[0] if years else None)
    peer = choose(p.get("peer"), [al.ALL_PEERS, *peers], al.ALL_PEERS)
    overview = al.overview_frame(settings, ANONYMOUS, rid, int(year), peer)
    params = {"year": year, "peer": None if peer == al.ALL_PEERS else peer}
    return (al.list_parts(overview, rid, int(year), peer, dash.get_relative_path), params,
            "/agencies" + query_string(release=rid, **params))


def scorecard(chart_id: str) -> Builder:
    """One chart of an agency's scorecard (agency, year; dimension for selection), for the public."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        agencies = wq.agency_list(settings, rid)
        code = choose((p.get("agency") or "").upper() or None, agencies["agency_code"].tolist(), None)
        agency = agencies[agencies["agency_code"] == code].iloc[0]
        years = [str(y) for y in wq.workforce_years(settings, rid)]
        year = choose(p.get("year"), years, years[0] if years else None)
        dimension = choose(p.get("dimension"), list(wf.DIMENSIONS), wf.DEFAULT_DIMENSION)
        parts = _scorecard_parts(settings, rid, chart_id, agency, int(year), dimension)
        page_dimension = None if dimension == wf.DEFAULT_DIMENSION else dimension
        params = {"agency": code, "year": year,
                  **({"dimension": page_dimension} if chart_id == "agency-selection" else {})}
        return parts, params, f"/agencies/{code}" + query_string(release=rid, year=year, dimension=page_dimension)
    return build


def _scorecard_parts(settings: Settings, rid: str, chart_id: str, agency: pd.Series, year: int,
                     dimension: str) -> ChartParts:
    code, text = agency["agency_code"], suppressed(settings.suppression_k)
    if chart_id == "agency-selection":
        return ap.selection_parts(wq.agency_selection(settings, rid, ANONYMOUS, code), year, dimension, text)
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


# ---------------------------------------------------------------- /equity-plans
def plans(chart_id: str) -> Builder:
    """The plan status counts or the directory (year, status, peer group, search)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        plan_rows, agencies = pq.equity_plans(settings, rid), pq.agencies(settings, rid)
        years = sorted({str(int(y)) for y in plan_rows["plan_year"]}, reverse=True)
        year = choose(p.get("year"), years, years[0] if years else None)
        status = choose(p.get("status"), [pl.ALL, *pl.STATUS_WORDS, pl.NO_PLAN], pl.ALL)
        peer = choose(p.get("peer"), [pl.ALL, *sorted(set(agencies["peer_group"]))], pl.ALL)
        if len(p.get("q") or "") > pl.SEARCH_MAX:
            raise Unavailable("search too long")
        search = pl.clean_search(p.get("q"))
        everyone, shown = pp.plan_views(plan_rows, agencies, int(year), status, peer, search)
        parts = (pp.status_parts(everyone, shown, int(year), status, peer, search) if chart_id == "plans-status"
                 else pp.directory_parts(shown, int(year)))
        params = {"year": year, "status": None if status == pl.ALL else status,
                  "peer": None if peer == pl.ALL else peer, "q": search or None}
        return parts, params, "/equity-plans" + query_string(release=rid, **params)
    return build


# ---------------------------------------------------------------- /access side panels, /towns/<geoid>
def _access_choice(settings: Settings, rid: str, p: dict) -> ac.Choice:
    measures = aq.access_measures(settings, rid)
    measure, year = _measure_and_year(measures, p)
    first = measures.iloc[0]
    present = set(aq.group_access(settings, rid, first["measure_id"], first["years"][-1])["group_code"])
    groups = [g for g in codes.POPULATION_GROUPS if g in present and g != "total"]
    regions = aq.town_list(settings, rid)["region_id"].unique().tolist()
    region = choose(p.get("region"), [ac.ALL_REGIONS, *regions], ac.ALL_REGIONS)
    return ac.Choice(rid, measure, int(year),
                     choose(p.get("group"), [ac.EVERYONE, *groups], ac.EVERYONE),
                     None if region == ac.ALL_REGIONS else region)


def access_side(chart_id: str) -> Builder:
    """The ranked towns or the group lens of an `/access` view (measure, year, group, region)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        choice = _access_choice(settings, rid, p)
        measure = choice.measure
        towns = aq.town_list(settings, rid)
        rows = aq.group_access(settings, rid, measure["measure_id"], choice.year)
        if chart_id == "access-ranked":
            frame = aq.town_values(settings, rid, ANONYMOUS, measure["measure_id"], choice.year)
            parts = am.ranked_parts(frame, rows, towns, measure, choice.year, choice.region,
                                    query_string(**choice.params), dash.get_relative_path)
        else:
            parts = am.lens_parts(rows, towns, measure, choice.year, choice.region, choice.group)
            if parts is None:
                raise Unavailable("no group lens")
        return parts, _own(chart_id, choice.params), "/access" + query_string(**choice.params)
    return build


def town_profile(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """One town's access measures against its region and the state (geoid, year)."""
    towns = aq.town_list(settings, rid)
    geoid = choose(p.get("geoid"), towns["town_geoid"].tolist(), None)
    town = towns[towns["town_geoid"] == geoid].iloc[0]
    measures = aq.access_measures(settings, rid)
    values = aq.town_profile(settings, rid, ANONYMOUS, geoid)
    if measures.empty or values.empty:
        raise Unavailable("no measures")
    years = [str(y) for y in sorted({int(y) for y in values["year"]})]
    year = int(choose(p.get("year"), years, years[-1]))
    region = aq.geography_totals(settings, rid, "region", town["region_id"])
    state = aq.geography_totals(settings, rid, "state", codes.STATE_ID)
    parts = tp.profile_parts(town, measures, values, region, state, year)
    return parts, {"geoid": geoid, "year": str(year)}, f"/towns/{geoid}" + query_string(release=rid, year=year)


BUILDERS: dict[str, Builder] = {
    **{c: workforce(c) for c in ("workforce-representation", "workforce-trend", "workforce-level")},
    **{c: disparities(c) for c in ("disparities-ratio-trend", "disparities-dissimilarity",
                                   "disparities-theil-split", "disparities-theil-trend")},
    "contracting-trend": contracting_trend,
    "agencies-list": agencies_list,
    **{c: scorecard(c) for c in ("agency-selection", "agency-contracting-small", "agency-contracting-minority",
                                 "agency-plans", "agency-training", "agency-benchmarks")},
    **{c: plans(c) for c in ("plans-status", "plans-directory")},
    **{c: access_side(c) for c in ("access-ranked", "access-lens")},
    "town-profile": town_profile,
}
assert set(BUILDERS) == set(CHART_PARAMS) - set(BASE_BUILDERS) and not set(BUILDERS) & set(BASE_BUILDERS)
