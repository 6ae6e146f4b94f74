"""The disparities page's embeddable charts: groups in one place, the ratio trend and the two indices."""
from __future__ import annotations

from dashboards._shared import EMBED, query_string
from data_access import public_queries as pq
from data_access.settings import Settings
from embeds.registry import Builder, Built, own_params, register_chart
from embeds.signing import Unavailable

from . import filters
from . import transforms as dt

CHARTS = ("disparities-ratio-trend", "disparities-dissimilarity", "disparities-theil-split",
          "disparities-theil-trend")


def _choice(settings: Settings, rid: str, p: dict) -> dt.Choice:
    """The view an embed's address names, on the page's own lists (`filters`); anything else is unavailable."""
    choice = filters.choose(settings, rid, filters.options(settings, rid), p.get("measure"), p.get("year"),
                            p.get("level"), p.get("area"), p.get("group"), EMBED)
    if choice is None:
        raise Unavailable("not on the lists")
    return choice


def disparities_groups(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """Group-weighted access of every group in one place (measure, year, level, area, group)."""
    choice = _choice(settings, rid, p)
    access = pq.access_groups(settings, rid, choice.measure["measure_id"])
    parts = dt.group_parts(choice, access, dt.reference_of(access, settings.reference_group))
    params = {k: str(v) for k, v in choice.params.items() if k != "release"}
    return parts, params, "/disparities" + query_string(**choice.params)


def disparities(chart_id: str) -> Builder:
    """The ratio trend, dissimilarity, Theil split or Theil trend panel of a `/disparities` view."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        choice = _choice(settings, rid, p)
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
