"""The access pages' embeddable charts: the town map, the ranked towns, the group lens and the town profile."""
from __future__ import annotations

import dash

from components.i18n import _
from components.panel import ChartParts
from dashboards._shared import EMBED, catalog, query_string
from data_access import access_queries as aq
from data_access import codes, queries
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS
from embeds.registry import Builder, Built, own_params, register_chart
from embeds.signing import Unavailable, choose

from . import filters
from . import parts as am
from . import town_parts as tp
from . import transforms as ac

PARAMS = ("release", "measure", "year", "group", "region")


def _choice(settings: Settings, rid: str, p: dict) -> ac.Choice:
    """The view an embed's address names, on the page's own lists (`filters`); anything else is unavailable."""
    choice = filters.choose(rid, filters.options(settings, rid), p.get("measure"), p.get("year"), p.get("group"),
                            p.get("region"), EMBED)
    if choice is None:
        raise Unavailable("not on the lists")
    return choice


def access_map(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """The town map of a measure (measure, year, group lens, region); as an image, geometry inline."""
    choice = _choice(settings, rid, p)
    measure, measure_id, year, group, region = (choice.measure, choice.measure["measure_id"], choice.year,
                                                choice.group, choice.region)
    rows = aq.group_access(settings, rid, measure_id, year)
    towns = aq.town_list(settings, rid)
    frame = aq.town_values(settings, rid, ANONYMOUS, measure_id, int(year))
    shapes = aq.town_shapes(settings, rid)
    if shapes is None and image:
        raise Unavailable("no boundaries")
    figure = None
    if shapes is not None:
        geojson = (am.inline_geometry(queries.geometry_layer(settings, rid, "town")[0]) if image
                   else am.geometry_url(rid))
        figure = am.map_figure(frame, shapes, towns, measure, int(year), region, geojson)
    area = (_("Connecticut's towns") if region is None
            else _("towns of the %(region)s", region=towns.loc[towns["region_id"] == region, "region_name"].iloc[0]))
    source = str(measure["source"] or "release table town_measures").rstrip(".")
    parts = ChartParts(
        "access-map", f"{measure['label']}, {year}: {area}",
        am.map_summary(frame, rows, towns, measure, int(year), region, group),
        am.map_table(frame, measure, int(year), region, settings.suppression_k), figure, am.TABLE_LABELS,
        (_("Towns are shaded by map class (darker = worse); ◉ marks a low-reliability estimate; grey means no "
           "estimate. Source: %(source)s.", source=source) if shapes is not None else
         _("This release has no town boundaries, so no map. Source: %(source)s.", source=source)))
    params = {k: v for k, v in choice.params.items() if k != "release"}
    return parts, params, "/access" + query_string(**choice.params)


def access_side(chart_id: str) -> Builder:
    """The ranked towns or the group lens of an `/access` view (measure, year, group, region)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        choice = _choice(settings, rid, p)
        measure = choice.measure
        towns = aq.town_list(settings, rid)
        rows = aq.group_access(settings, rid, measure["measure_id"], choice.year)
        if chart_id == "access-ranked":
            frame = aq.town_values(settings, rid, ANONYMOUS, measure["measure_id"], choice.year)
            parts = am.ranked_parts(frame, rows, towns, measure, choice.year, choice.region,
                                    query_string(**choice.params), dash.get_relative_path, settings.suppression_k)
        else:
            parts = am.lens_parts(rows, towns, measure, choice.year, choice.region, choice.group)
            if parts is None:
                raise Unavailable("no group lens")
        return parts, own_params(chart_id, choice.params), "/access" + query_string(**choice.params)
    return build


def town_profile(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """One town's access measures against its region and the state (geoid, year)."""
    towns = aq.town_list(settings, rid)
    geoid = choose(p.get("geoid"), towns["town_geoid"].tolist(), None)
    town = towns[towns["town_geoid"] == geoid].iloc[0]
    measures = catalog.access_measures(settings, rid)
    values = aq.town_profile(settings, rid, ANONYMOUS, geoid)
    if measures.empty or values.empty:
        raise Unavailable("no measures")
    years = [str(y) for y in sorted({int(y) for y in values["year"]})]
    year = int(choose(p.get("year"), years, years[-1]))
    region = aq.geography_totals(settings, rid, "region", town["region_id"])
    state = aq.geography_totals(settings, rid, "state", codes.STATE_ID)
    parts = tp.profile_parts(town, measures, values, region, state, year, settings.suppression_k)
    return parts, {"geoid": geoid, "year": str(year)}, f"/towns/{geoid}" + query_string(release=rid, year=year)


register_chart("access-map", PARAMS, access_map, image_width=800)
for _chart in ("access-ranked", "access-lens"):
    register_chart(_chart, PARAMS, access_side(_chart))
register_chart("town-profile", ("release", "geoid", "year"), town_profile)
