"""One embeddable chart from its URL parameters, for the public: the embed page, its code and its image.

Every chart is rebuilt on the server from allow-listed parameters, with the anonymous viewer and a published
(or retired) release only, from the same memoized queries and pure transforms as its page. Anything not on
the lists makes the chart "not available" (None), never an error.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import dash

from components.card_trends import card_trends
from components.cards import card_grid
from components.charts import utilization_heatmap
from components.formatting import number, suppressed
from components.i18n import _
from components.panel import ChartParts
from dashboards._shared import query_string
from dashboards.access.parts import TABLE_LABELS as MAP_LABELS
from dashboards.access.parts import map_figure, map_summary, map_table
from dashboards.access.transforms import ALL_REGIONS, EVERYONE
from dashboards.contracting import transforms as ct
from dashboards.disparities import transforms as dt
from dashboards.overview.transforms import CARD_LABELS, cards_sentence, cards_table, domain_cards
from dashboards.workforce import transforms as wf
from data_access import access_queries as aq
from data_access import codes, queries
from data_access import public_queries as pq
from data_access import workforce_queries as wq
from data_access.releases import ReleaseInfo
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS

from .signing import Unavailable, choose

IMAGE_WIDTH = 1000
LEVELS = ("region", "county")


@dataclass(frozen=True)
class Rendered:
    """A chart ready to show: its parts, release, full parameters (release pinned) and its page's address."""

    parts: ChartParts
    info: ReleaseInfo
    params: dict[str, str]
    page: str
    image_size: tuple[int, int] = (IMAGE_WIDTH, 600)


def _height(figure) -> int:
    height = figure.get("layout", {}).get("height") if isinstance(figure, dict) else figure.layout.height
    return int(height or 600)


# ---------------------------------------------------------------- the charts
def overview_cards(settings: Settings, rid: str, p: dict, image: bool) -> tuple[ChartParts, dict, str]:
    """The six domain cards of a year (year); as an image, their trends as small multiples."""
    progress = queries.benchmark_progress(settings, rid, "state")
    years = sorted({str(int(y)) for y in progress["year"]}, reverse=True) if not progress.empty else []
    year = choose(p.get("year"), years, years[0] if years else None)
    link = query_string(release=rid, year=year)
    cards = domain_cards(progress, int(year), queries.measures(settings, rid), link)
    figure = card_trends(cards, int(year)) if image else None
    parts = ChartParts("overview-cards", _("Statewide benchmarks by domain, %(year)s", year=year),
                       cards_sentence(cards, int(year)), cards_table(cards), figure, CARD_LABELS,
                       _("Source: release table benchmark_progress (statewide benchmarks)."),
                       extra=None if image else [card_grid(cards)])
    return parts, {"year": year}, "/" + query_string(release=rid, year=year)


def agency_utilization(settings: Settings, rid: str, p: dict, image: bool) -> tuple[ChartParts, dict, str]:
    """An agency's job category × group utilization heat map (agency, year, dimension, convention)."""
    agencies = wq.agency_list(settings, rid)
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


def access_map(settings: Settings, rid: str, p: dict, image: bool) -> tuple[ChartParts, dict, str]:
    """The town map of a measure (measure, year, group lens, region); as an image, geometry inline."""
    measures = aq.access_measures(settings, rid)
    measure_id = choose(p.get("measure"), measures["measure_id"].tolist(),
                        measures["measure_id"].iloc[0] if not measures.empty else None)
    measure = measures[measures["measure_id"] == measure_id].iloc[0]
    years = [str(y) for y in measure["years"]]
    year = choose(p.get("year"), years, years[-1])
    rows = aq.group_access(settings, rid, measure_id, int(year))
    groups = [g for g in codes.POPULATION_GROUPS if g in set(rows["group_code"]) and g != "total"]
    group = choose(p.get("group"), [EVERYONE, *groups], EVERYONE)
    towns = aq.town_list(settings, rid)
    region = choose(p.get("region"), [ALL_REGIONS, *towns["region_id"].unique().tolist()], ALL_REGIONS)
    region = None if region == ALL_REGIONS else region
    frame = aq.town_values(settings, rid, ANONYMOUS, measure_id, int(year))
    shapes = aq.town_shapes(settings, rid)
    if shapes is None and image:
        raise Unavailable("no boundaries")
    figure = None
    if shapes is not None:
        geojson = (json.loads(queries.geometry_layer(settings, rid, "town")[0]) if image
                   else dash.get_relative_path(f"/geo/{rid}/town.geojson"))
        figure = map_figure(frame, shapes, towns, measure, int(year), region, geojson)
    area = (_("Connecticut's towns") if region is None
            else _("towns of the %(region)s", region=towns.loc[towns["region_id"] == region, "region_name"].iloc[0]))
    source = str(measure["source"] or "release table town_measures").rstrip(".")
    parts = ChartParts(
        "access-map", f"{measure['label']}, {year}: {area}",
        map_summary(frame, rows, towns, measure, int(year), region, group),
        map_table(frame, measure, int(year), region, settings.suppression_k), figure, MAP_LABELS,
        (_("Towns are shaded by map class (darker = worse); ◉ marks a low-reliability estimate; grey means no "
           "estimate. Source: %(source)s.", source=source) if shapes is not None else
         _("This release has no town boundaries, so no map. Source: %(source)s.", source=source)))
    params = {"measure": measure_id, "year": year, "group": None if group == EVERYONE else group,
              "region": region}
    return parts, params, "/access" + query_string(release=rid, **params)


def disparities_groups(settings: Settings, rid: str, p: dict, image: bool) -> tuple[ChartParts, dict, str]:
    """Group-weighted access of every group in one place (measure, year, level, area, group)."""
    measures = pq.disparity_measures(settings, rid)
    measure_id = choose(p.get("measure"), measures["measure_id"].tolist(),
                        measures["measure_id"].iloc[0] if not measures.empty else None)
    measure = measures[measures["measure_id"] == measure_id].iloc[0]
    years = [str(y) for y in measure["years"]]
    year = choose(p.get("year"), years, years[-1])
    level = choose(p.get("level"), list(LEVELS), "region")
    geos = pq.geographies(settings, rid)
    area = choose(p.get("area"), geos["geography_id"].tolist(), codes.STATE_ID)
    place = geos[geos["geography_id"] == area].iloc[0]
    access = pq.access_groups(settings, rid, measure_id)
    groups = [g for g in dt.ACCESS_GROUPS if g in set(access["group_code"]) and g != "total"]
    default = next((g for g in groups if g != settings.reference_group), None)
    group = choose(p.get("group"), groups, default)
    choice = dt.Choice(rid, measure, int(year), level, place["geography_level"], area,
                       place["geography_name"], group)
    parts = dt.group_parts(choice, access, dt.reference_of(access, settings.reference_group))
    params = {k: str(v) for k, v in choice.params.items() if k != "release"}
    return parts, params, "/disparities" + query_string(**choice.params)


def contracting_ranked(kind: str) -> Callable[[Settings, str, dict, bool], tuple[ChartParts, dict, str]]:
    """The ranked chart of the small- or minority-business goal (year, peer group)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> tuple[ChartParts, dict, str]:
        frame = pq.contracting(settings, rid)
        agencies = pq.agencies(settings, rid)
        years = sorted({str(int(y)) for y in frame["fiscal_year"]}, reverse=True)
        year = choose(p.get("year"), years, years[0] if years else None)
        peer = choose(p.get("peer"), ["all", *sorted(set(agencies["peer_group"]))], "all")
        peer = None if peer == "all" else peer
        rows = ct.agency_rows(frame, agencies, int(year), peer)
        params = {"year": year, "peer": peer}
        page = "/contracting" + query_string(release=rid, **params)
        return ct.ranked_parts(rows, kind, int(year), peer), params, page
    return build


BUILDERS: dict[str, Callable[[Settings, str, dict, bool], tuple[ChartParts, dict, str]]] = {
    "overview-cards": overview_cards,
    "agency-utilization": agency_utilization,
    "access-map": access_map,
    "disparities-groups": disparities_groups,
    "contracting-small": contracting_ranked("small"),
    "contracting-minority": contracting_ranked("minority"),
}


def builder(chart_id: str) -> Callable[[Settings, str, dict, bool], tuple[ChartParts, dict, str]] | None:
    """The builder of a chart: one of the six above or of the other public charts in `_embed_more`.

    `_embed_more` is imported on first use: it imports the pages' helper modules, and those import this one
    (through `_helpers` and the Embed button), so importing it here at the top would close a circle.
    """
    from .more import BUILDERS as MORE

    return BUILDERS.get(chart_id) or MORE.get(chart_id)


def render(settings: Settings, chart_id: str, params: dict[str, str], image: bool = False) -> Rendered | None:
    """The chart for the public with these (already allow-listed by name) parameters, or None if unavailable.

    `image` builds the figure for a static image: geometry inline, the overview cards as small multiples.
    Raises DataUnavailable when the database does not answer.
    """
    requested = params.get("release")
    info = queries.resolve_release(settings, ANONYMOUS, requested)
    build = builder(chart_id)
    if info is None or (requested and info.release_id != requested) or build is None:
        return None
    try:
        parts, chosen, page = build(settings, info.release_id, params, image)
    except (Unavailable, IndexError):
        return None
    full = {"release": info.release_id, **{k: str(v) for k, v in chosen.items() if v not in (None, "")}}
    width = 800 if chart_id == "access-map" else IMAGE_WIDTH
    size = (width, _height(parts.figure)) if parts.figure is not None else (width, 600)
    return Rendered(parts, info, full, dash.get_relative_path(page), size)
