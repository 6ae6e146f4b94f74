"""Import Census town boundaries: read, normalise to the 169 towns, simplify, dissolve, serialise (DESIGN §3).

`import_boundaries(path)` is the one call the build uses; `save_layers`/`load_layers` keep its result in a
data directory between `ct-equity geo import` and `ct-equity build`.

A file without a CRS is read as NAD83 (EPSG:4269), the CRS of every Census TIGER and cartographic file,
when its coordinates are longitudes and latitudes (NAD83 and WGS84 differ by about a metre in CT, below
the 5-decimal rounding); a file without a CRS and with projected coordinates is refused.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.errors import BoundaryError
from geo.layers import (
    DEFAULT_TOLERANCE_DEG,
    EXPECTED_FEATURES,
    LEVELS,
    dissolve_layers,
    layers_geojson,
    simplify_towns,
)
from geo.towns import geoid_lookup, towns

__all__ = [
    "BoundaryError",
    "dissolve_layers",
    "geometry_rows",
    "import_boundaries",
    "layers_geojson",
    "load_layers",
    "normalise_towns",
    "read_boundaries",
    "save_layers",
    "simplify_towns",
]

SUFFIXES = (".zip", ".shp", ".geojson", ".json", ".gpkg")
INNER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
GEOID_COLUMNS = ("geoid", "geoid20", "geoid_2022", "geoid22", "town_geoid", "geoid_2020", "geoid10")
FIPS_PARTS = ("statefp", "countyfp", "cousubfp")
ASSUMED_CRS = "EPSG:4269"
TARGET_CRS = "EPSG:4326"
CT_BOUNDS = (-74.0, 40.8, -71.5, 42.3)  # lon/lat box around Connecticut with a margin
WATER_COUSUB = "00000"
LIST_CAP = 20


def _zip_member(path: Path) -> str:
    """The GDAL path of the boundary file inside a zip archive (a shapefile first)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise BoundaryError(f"{path} is not a readable zip archive ({exc}).") from exc
    for suffix in INNER_SUFFIXES:
        members = sorted(n for n in names if n.lower().endswith(suffix))
        if members:
            return f"/vsizip/{path}/{members[0]}"
    raise BoundaryError(f"{path} contains no shapefile (.shp), GeoPackage or GeoJSON.")


def _polygon_layer(source: str) -> str | None:
    """The first polygon layer of a multi-layer source (a GeoPackage), else None for the default layer."""
    layers = pyogrio.list_layers(source)
    if len(layers) <= 1:
        return None
    for name, geometry_type in layers:
        if geometry_type and "polygon" in str(geometry_type).lower():
            return str(name)
    return str(layers[0][0])


def read_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read a boundary file (.zip shapefile, .shp, .geojson/.json, .gpkg) with a GEOID-like column."""
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(f"Boundary file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BoundaryError(
            f"Unsupported boundary format '{suffix or path.name}'; use one of {', '.join(SUFFIXES)}."
        )
    try:
        source = _zip_member(path) if suffix == ".zip" else str(path)
        gdf = gpd.read_file(source, layer=_polygon_layer(source))
    except BoundaryError:
        raise
    except Exception as exc:  # pyogrio, zipfile and sqlite raise several error types for unreadable data
        first_line = str(exc).splitlines()[0] if str(exc) else repr(exc)
        raise BoundaryError(f"Cannot read boundary file {path}: {first_line}") from exc
    _geoid_values(gdf)
    return gdf


def _column(gdf: pd.DataFrame, lower_name: str) -> str | None:
    """The column whose lower-cased name is `lower_name`, if any."""
    return next((c for c in gdf.columns if str(c).lower() == lower_name), None)


def _as_text(values: pd.Series, width: int) -> pd.Series:
    """Codes as zero-padded text (a numeric column has lost its leading zeros)."""
    if pd.api.types.is_numeric_dtype(values):
        values = values.astype("Int64")
    text = values.astype(str).str.strip()
    return text.where(~text.str.fullmatch(r"\d+"), text.str.zfill(width))


def _geoid_values(gdf: pd.DataFrame) -> pd.Series:
    """The 10-digit GEOID of each row: from a GEOID-like column, else STATEFP + COUNTYFP + COUSUBFP."""
    for name in GEOID_COLUMNS:
        column = _column(gdf, name)
        if column is not None:
            return _as_text(gdf[column], 10)
    for suffix in ("", "20", "10"):
        parts = [_column(gdf, part + suffix) for part in FIPS_PARTS]
        if all(parts):
            widths = (2, 3, 5)
            pieces = [_as_text(gdf[col], w) for col, w in zip(parts, widths)]
            return pieces[0] + pieces[1] + pieces[2]
    raise BoundaryError(
        "The boundary file has no GEOID column (looked for GEOID, GEOID20, GEOID_2022, town_geoid, or "
        f"STATEFP + COUNTYFP + COUSUBFP); its columns are: {', '.join(map(str, gdf.columns))}."
    )


def _listed(items: list[str]) -> str:
    """A capped, comma-separated list."""
    shown = ", ".join(items[:LIST_CAP])
    return shown + (f" … and {len(items) - LIST_CAP} more" if len(items) > LIST_CAP else "")


def _check_towns(raw: pd.Series, geoids: pd.Series) -> None:
    """Raise one BoundaryError naming unknown, duplicated and missing towns."""
    names = dict(zip(towns()["town_geoid"], towns()["town_name"]))
    problems = []
    unknown = sorted(set(raw[geoids.isna()]))
    if unknown:
        problems.append(f"{len(unknown)} GEOID(s) are not Connecticut towns: {_listed(unknown)}")
    counts = geoids.dropna().value_counts()
    duplicated = sorted(counts[counts > 1].index)
    if duplicated:
        items = [f"{names[g]} ({g}) in {counts[g]} rows" for g in duplicated]
        problems.append(f"{len(duplicated)} town(s) appear more than once: {_listed(items)}")
    missing = sorted(set(names) - set(geoids.dropna()))
    if missing:
        items = [f"{names[g]} ({g})" for g in missing]
        problems.append(f"{len(missing)} of the 169 towns are missing: {_listed(items)}")
    if problems:
        raise BoundaryError(f"The boundary file does not hold exactly the 169 towns: {'; '.join(problems)}.")


def _to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 (a CRS-less lon/lat file is taken as NAD83) and check it lies in CT."""
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryError("The boundary file has no CRS and projected coordinates; add its .prj file.")
        gdf = gdf.set_crs(ASSUMED_CRS)
    if not gdf.crs.equals(TARGET_CRS):
        gdf = gdf.to_crs(TARGET_CRS)
    minx, miny, maxx, maxy = gdf.total_bounds
    lo_x, lo_y, hi_x, hi_y = CT_BOUNDS
    if not (lo_x <= minx and maxx <= hi_x and lo_y <= miny and maxy <= hi_y):
        raise BoundaryError(
            f"The boundaries do not lie in Connecticut after reprojection (bounds {minx:.3f}, {miny:.3f}, "
            f"{maxx:.3f}, {maxy:.3f}); is the file's CRS right?"
        )
    return gdf


def _clean_geometry(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Valid (Multi)Polygons in canonical vertex order, so every file format gives the same result."""
    geoms = np.array(gdf.geometry.values, dtype=object)
    bad = [
        f"{name} ({geoid})" for name, geoid, geom in zip(gdf["town_name"], gdf["town_geoid"], geoms)
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon")
    ]
    if bad:
        raise BoundaryError(f"These towns have no polygon geometry: {_listed(bad)}.")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    single = (shapely.get_type_id(geoms) == 6) & (shapely.get_num_geometries(geoms) == 1)
    geoms[single] = shapely.get_geometry(geoms[single], 0)  # GeoPackages store one-part MultiPolygons
    return gpd.GeoSeries(shapely.normalize(geoms), index=gdf.index, crs=gdf.crs)


def normalise_towns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The 169 towns: town_geoid (2022 scheme), town_name, region_id, county_id, geometry in EPSG:4326."""
    raw = _geoid_values(gdf)
    land = ~raw.str.endswith(WATER_COUSUB)
    gdf, raw = gdf.loc[land], raw[land]
    geoids = raw.map(geoid_lookup())
    _check_towns(raw, geoids)
    gdf = _to_wgs84(gdf)
    table = towns().set_index("town_geoid")
    out = gpd.GeoDataFrame(
        {
            "town_geoid": geoids.to_numpy(),
            "town_name": table.loc[geoids, "town_name"].to_numpy(),
            "region_id": table.loc[geoids, "region_id"].to_numpy(),
            "county_id": table.loc[geoids, "county_id"].to_numpy(),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    )
    out["geometry"] = _clean_geometry(out)
    return out.sort_values("town_geoid", ignore_index=True)


def import_boundaries(path: Path, tolerance_deg: float = DEFAULT_TOLERANCE_DEG) -> dict[str, str]:
    """Read, normalise, simplify and dissolve a boundary file into GeoJSON text per level."""
    towns_gdf = simplify_towns(normalise_towns(read_boundaries(Path(path))), tolerance_deg)
    return layers_geojson(dissolve_layers(towns_gdf))


def geometry_rows(layers_json: dict[str, str]) -> list[dict[str, str]]:
    """Rows for the release `geometry` table (without release_id): geography_level, geojson, sha256."""
    return [
        {"geography_level": level, "geojson": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}
        for level, text in layers_json.items()
    ]


def save_layers(layers_json: dict[str, str], directory: Path) -> list[Path]:
    """Write each level to `<directory>/<level>.geojson` atomically; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for level, text in layers_json.items():
        target = directory / f"{level}.geojson"
        handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{level}.", suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
        paths.append(target)
    return paths


def load_layers(directory: Path) -> dict[str, str] | None:
    """The saved layers, or None when any level is missing; a damaged file is a BoundaryError."""
    paths = {level: Path(directory) / f"{level}.geojson" for level in LEVELS}
    if not all(p.is_file() for p in paths.values()):
        return None
    layers = {level: p.read_text(encoding="utf-8") for level, p in paths.items()}
    for level, text in layers.items():
        try:
            count = len(json.loads(text)["features"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BoundaryError(
                f"{paths[level]} is damaged ({exc}); run `ct-equity geo import FILE` again."
            ) from exc
        if count != EXPECTED_FEATURES[level]:
            raise BoundaryError(
                f"{paths[level]} has {count} features, expected {EXPECTED_FEATURES[level]}; "
                "run `ct-equity geo import FILE` again."
            )
    return layers
