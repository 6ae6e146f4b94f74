"""Simplify the town coverage, dissolve regions and counties, serialise compact GeoJSON (DESIGN §3, §8).

The town polygons form a *coverage* (no overlaps, shared edges vertex-for-vertex identical). Every step
here keeps it one: `shapely.coverage_simplify` simplifies each shared edge once for both neighbours,
coordinates are rounded to a grid (identical vertices round identically), and regions and counties are
unions of the simplified towns, so their borders are town borders.
"""
from __future__ import annotations

import json
import logging

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import BoundaryError
from geo.towns import towns

log = logging.getLogger(__name__)

# Visvalingam-Whyatt tolerance: triangles smaller than about tolerance² are removed. 0.001° moves no
# vertex more than ~120 m (half a pixel when the whole state fills a 800-px map; the Census 500k file is
# itself generalised to ~250 m) and changes no town's area by more than 0.2 %, while removing a quarter of
# the vertices: the 2017 500k town layer is ~47 KB gzip, far inside the 200 KB budget of DESIGN §8.
DEFAULT_TOLERANCE_DEG = 0.001
COORD_DECIMALS = 5  # 1e-5° ≈ 1.1 m north-south, 0.8 m east-west at 41.5° N
LEVELS = ("town", "region", "county")
LAYER_COLUMNS = ("id", "name", "geometry")
EXPECTED_FEATURES = {"town": 169, "region": 9, "county": 8}


def _valid_coverage(geoms: np.ndarray) -> np.ndarray:
    """Return the geometries as a valid coverage, repairing overlaps and unmatched edges if needed."""
    if shapely.coverage_is_valid(geoms):
        return geoms
    log.warning("town boundaries are not a clean coverage (overlaps or unmatched shared edges); cleaning")
    cleaned = shapely.coverage_clean(geoms)
    if shapely.coverage_is_valid(cleaned) and not shapely.is_empty(cleaned).any():
        return cleaned
    raise BoundaryError(
        "The town boundaries overlap or their shared edges do not match, and automatic cleaning did not "
        "repair them; simplifying would leave gaps and slivers. Use the Census cartographic boundary file."
    )


def _round_coverage(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round coordinates to a 10**-decimals grid, keeping the coverage valid."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    rounded = shapely.remove_repeated_points(rounded)
    if shapely.is_valid(rounded).all() and shapely.coverage_is_valid(rounded):
        return rounded
    snapped = shapely.set_precision(geoms, 10.0**-decimals)
    if shapely.is_valid(snapped).all() and shapely.coverage_is_valid(snapped):
        return snapped
    raise BoundaryError(f"Rounding coordinates to {decimals} decimals breaks the town coverage.")


def simplify_towns(gdf: gpd.GeoDataFrame, tolerance_deg: float = DEFAULT_TOLERANCE_DEG) -> gpd.GeoDataFrame:
    """Simplify normalised towns as one coverage (shared borders stay shared) and round coordinates."""
    if tolerance_deg < 0:
        raise ValueError("tolerance_deg must be >= 0")
    geoms = _valid_coverage(np.asarray(gdf.geometry.values, dtype=object))
    simplified = shapely.coverage_simplify(geoms, tolerance_deg) if tolerance_deg > 0 else geoms
    if shapely.is_empty(simplified).any() or not shapely.coverage_is_valid(simplified):
        raise BoundaryError(f"Simplifying with tolerance {tolerance_deg}° broke the town coverage.")
    out = gdf.copy()
    out["geometry"] = gpd.GeoSeries(_round_coverage(simplified, COORD_DECIMALS), index=gdf.index, crs=gdf.crs)
    return out


def _dissolve(towns_gdf: gpd.GeoDataFrame, key: str, names: dict[str, str]) -> gpd.GeoDataFrame:
    """Union the towns of each `key` value into one feature with columns id, name, geometry."""
    ids, geoms = [], []
    for value, group in towns_gdf.groupby(key, sort=True):
        parts = np.asarray(group.geometry.values, dtype=object)
        merged = shapely.coverage_union_all(parts)
        if not merged.is_valid:
            merged = shapely.union_all(parts)
        ids.append(str(value))
        geoms.append(merged)
    return gpd.GeoDataFrame(
        {"id": ids, "name": [names[i] for i in ids]}, geometry=geoms, crs=towns_gdf.crs
    )


def dissolve_layers(towns_gdf: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Town, region (9 planning regions) and county (8 legacy counties) layers: id, name, geometry."""
    table = towns()
    town_layer = gpd.GeoDataFrame(
        {"id": towns_gdf["town_geoid"].astype(str), "name": towns_gdf["town_name"].astype(str)},
        geometry=towns_gdf.geometry.values,
        crs=towns_gdf.crs,
    ).sort_values("id", ignore_index=True)
    region_names = dict(zip(table["region_id"], table["region_name"]))
    county_names = dict(zip(table["county_id"], table["county_name"]))
    return {
        "town": town_layer,
        "region": _dissolve(towns_gdf, "region_id", region_names),
        "county": _dissolve(towns_gdf, "county_id", county_names),
    }


def _rounded(coords: object, decimals: int) -> list:
    """Nested GeoJSON coordinate arrays with every number rounded."""
    if isinstance(coords[0], (float, int)):
        return [round(float(value), decimals) for value in coords]
    return [_rounded(part, decimals) for part in coords]


def _feature(feature_id: str, name: str, geom: shapely.Geometry, decimals: int) -> dict:
    """One GeoJSON feature with the geography id as feature id and properties id, name."""
    mapped = shapely.geometry.mapping(geom)
    geometry = {"type": mapped["type"], "coordinates": _rounded(mapped["coordinates"], decimals)}
    return {"type": "Feature", "id": feature_id, "properties": {"id": feature_id, "name": name},
            "geometry": geometry}


def layer_geojson(layer: gpd.GeoDataFrame, decimals: int = COORD_DECIMALS) -> str:
    """Compact GeoJSON FeatureCollection text of one layer (RFC 7946: counter-clockwise outer rings)."""
    if layer.crs is not None and not layer.crs.equals("EPSG:4326"):
        layer = layer.to_crs("EPSG:4326")
    layer = layer.sort_values("id", ignore_index=True)
    oriented = shapely.orient_polygons(np.asarray(layer.geometry.values, dtype=object), exterior_cw=False)
    features = [
        _feature(str(fid), str(name), geom, decimals)
        for fid, name, geom in zip(layer["id"], layer["name"], oriented)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def layers_geojson(layers: dict[str, gpd.GeoDataFrame], decimals: int = COORD_DECIMALS) -> dict[str, str]:
    """Compact GeoJSON text per geography level, ready for the release `geometry` table."""
    return {level: layer_geojson(layer, decimals) for level, layer in layers.items()}
