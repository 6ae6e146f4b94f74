"""Questions the service-access pages ask (DESIGN §4.3, §6): one memoized function per question."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely

from .cache import memoize
from .queries import geometry_layer, measure_years, read_table
from .settings import Settings
from .viewer import Viewer

ACCESS_DOMAINS = ("service_access", "language_access")
# Figures hidden from viewers without the statewide role when a town value is marked suppressed.
TOWN_HIDDEN = ("value", "numerator", "denominator", "moe", "cv", "reliability", "class_break")
SHAPE_COLUMNS = ["town_geoid", "min_lon", "min_lat", "max_lon", "max_lat", "label_lon", "label_lat"]


def _mask_towns(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Blank the figures of suppressed town values for viewers who may not see them."""
    if frame.empty or viewer.role in ("statewide", "admin"):
        return frame
    hide = frame["suppressed"].fillna(False).astype(bool)
    if not hide.any():
        return frame
    out = frame.copy()
    for column in TOWN_HIDDEN:
        out[column] = out[column].astype(object).where(~hide, None)
    return out


@memoize
def town_list(settings: Settings, release_id: str) -> pd.DataFrame:
    """The release's 169 towns: town_geoid, town_name, region_id, region_name, county_id, county_name."""
    return read_table(settings, "towns", release_id).sort_values("town_geoid", ignore_index=True)


@memoize
def access_measures(settings: Settings, release_id: str) -> pd.DataFrame:
    """Access measures that have town values, with the years they cover.

    Columns: measure_id, domain, label, unit, direction, description, source, years (sorted list of int).
    """
    catalogue = read_table(settings, "measures", release_id)
    years = measure_years(settings, "town_measures", release_id)
    keep = catalogue["domain"].isin(ACCESS_DOMAINS) & catalogue["measure_id"].isin(years.index)
    out = catalogue[keep].copy()
    out["years"] = out["measure_id"].map(years)
    out["_domain"] = out["domain"].map(ACCESS_DOMAINS.index)
    return out.sort_values(["_domain", "label"], ignore_index=True).drop(columns="_domain")


@memoize
def town_values(settings: Settings, release_id: str, viewer: Viewer, measure_id: str,
                year: int) -> pd.DataFrame:
    """Every town's value of one measure-year with its towns-table names (169 rows, masked for the viewer).

    Columns: town_geoid, town_name, region_id, region_name, value, numerator, denominator, moe, cv,
    reliability, class_break, suppressed. Towns without a value keep their row with a missing value.
    """
    values = read_table(settings, "town_measures", release_id, measure_id=measure_id, year=int(year))
    values = _mask_towns(values, viewer).drop(columns=["year", "measure_id"])
    towns = town_list(settings, release_id)[["town_geoid", "town_name", "region_id", "region_name"]]
    return towns.merge(values, on="town_geoid", how="left")


@memoize
def group_access(settings: Settings, release_id: str, measure_id: str, year: int) -> pd.DataFrame:
    """access_by_group rows of one measure-year: every geography level and group."""
    return read_table(settings, "access_by_group", release_id, measure_id=measure_id, year=int(year))


@memoize
def geography_totals(settings: Settings, release_id: str, level: str, geography_id: str) -> pd.DataFrame:
    """Population-weighted means (group `total`) of every measure and year for one state or region."""
    return read_table(settings, "access_by_group", release_id, geography_level=level,
                      geography_id=geography_id, group_code="total")


@memoize
def town_profile(settings: Settings, release_id: str, viewer: Viewer, town_geoid: str) -> pd.DataFrame:
    """Every measure and year of one town (masked for the viewer)."""
    return _mask_towns(read_table(settings, "town_measures", release_id, town_geoid=town_geoid), viewer)


@memoize
def town_population(settings: Settings, release_id: str, town_geoid: str) -> pd.DataFrame:
    """Population by group and year of one town, with its margin of error."""
    return read_table(settings, "town_population", release_id, town_geoid=town_geoid)


@memoize
def town_shapes(settings: Settings, release_id: str) -> pd.DataFrame | None:
    """Bounding box and an inside label point of every town from the release's town layer (None without)."""
    layer = geometry_layer(settings, release_id, "town")
    if layer is None:
        return None
    return shape_summary(layer[0])


def shape_summary(geojson_text: str) -> pd.DataFrame:
    """Per feature of a GeoJSON FeatureCollection: its id, bounds and a point inside it."""
    features = json.loads(geojson_text)["features"]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    bounds = shapely.bounds(geoms)
    points = shapely.get_coordinates(shapely.point_on_surface(geoms))
    data = np.column_stack([bounds, points])
    frame = pd.DataFrame(data, columns=SHAPE_COLUMNS[1:])
    frame.insert(0, "town_geoid", [str(f.get("id") or f["properties"]["id"]) for f in features])
    return frame.sort_values("town_geoid", ignore_index=True)
