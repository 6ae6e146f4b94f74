"""The disparities page's embeddable charts: groups in one place, the ratio trend and the two indices."""
from __future__ import annotations

from dashboards._shared import measure_and_year, query_string
from data_access import codes
from data_access import public_queries as pq
from data_access.settings import Settings
from embeds.registry import Builder, Built, own_params, register_chart
from embeds.signing import choose

from . import transforms as dt

LEVELS = ("region", "county")
CHARTS = ("disparities-ratio-trend", "disparities-dissimilarity", "disparities-theil-split",
          "disparities-theil-trend")


def disparities_groups(settings: Settings, rid: str, p: dict, image: bool) -> Built:
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


def _disparity_choice(settings: Settings, rid: str, p: dict) -> dt.Choice:
    measures = pq.disparity_measures(settings, rid)
    measure, year = measure_and_year(measures, p)
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
        return parts, own_params(chart_id, choice.params), "/disparities" + query_string(**choice.params)
    return build


register_chart("disparities-groups", ("release", "measure", "year", "level", "area", "group"), disparities_groups)
register_chart("disparities-ratio-trend", ("release", "measure", "area", "group"),
               disparities("disparities-ratio-trend"))
register_chart("disparities-dissimilarity", ("release", "measure", "year", "level"),
               disparities("disparities-dissimilarity"))
register_chart("disparities-theil-split", ("release", "measure", "year"), disparities("disparities-theil-split"))
register_chart("disparities-theil-trend", ("release", "measure", "area"), disparities("disparities-theil-trend"))
