"""The town layer the package ships (DESIGN §3): made by `geo import` from the Census 2017 cartographic file.

`geo/ct_towns_2017_simplified.geojson` is the `town` level that `import_boundaries` produces from
`cb_2017_09_cousub_500k` (see geo/TOWNS_SOURCE.md). A build with no CT_EQUITY_BOUNDARIES and nothing imported
uses it, so maps draw with no network and nothing beside the repository. Regenerate it with
`python3 -m geo.shipped SOURCE_FILE` (same source, same bytes).
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely.geometry

from geo.boundaries import import_boundaries
from geo.errors import BoundaryError
from geo.layers import dissolve_layers, layers_geojson
from geo.towns import TOWN_COUNT, towns

SHIPPED_TOWNS = Path(__file__).with_name("ct_towns_2017_simplified.geojson")
SOURCE_URL = "https://www2.census.gov/geo/tiger/GENZ2017/shp/cb_2017_09_cousub_500k.zip"
VINTAGE = 2017


def shipped_town_text(source: Path) -> str:
    """The shipped file's text made from a Census boundary file: the `geo import` town level, newline-ended."""
    return import_boundaries(Path(source))["town"] + "\n"


def write_shipped_towns(source: Path, target: Path = SHIPPED_TOWNS) -> Path:
    """Regenerate the shipped town layer from `source` (deterministic: the same source gives the same bytes)."""
    target = Path(target)
    target.write_text(shipped_town_text(source), encoding="utf-8", newline="\n")
    return target


def _shipped_towns(path: Path) -> gpd.GeoDataFrame:
    """The shipped town layer as normalised towns (town_geoid, town_name, region_id, county_id, geometry)."""
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BoundaryError(f"The shipped town layer {path} is missing or damaged ({exc}).") from exc
    table = towns().set_index("town_geoid")
    ids = [str(f["id"]) for f in features]
    if len(ids) != TOWN_COUNT or set(ids) != set(table.index):
        raise BoundaryError(f"The shipped town layer {path} does not hold exactly the {TOWN_COUNT} towns.")
    return gpd.GeoDataFrame(
        {
            "town_geoid": ids,
            "town_name": table.loc[ids, "town_name"].to_numpy(),
            "region_id": table.loc[ids, "region_id"].to_numpy(),
            "county_id": table.loc[ids, "county_id"].to_numpy(),
        },
        geometry=[shapely.geometry.shape(f["geometry"]) for f in features],
        crs="EPSG:4326",
    )


@lru_cache(maxsize=2)
def shipped_layers(path: Path = SHIPPED_TOWNS) -> dict[str, str]:
    """Town, region and county GeoJSON from the shipped town layer (already simplified: only dissolved)."""
    return layers_geojson(dissolve_layers(_shipped_towns(Path(path))))


def main(argv: list[str] | None = None) -> int:
    """`python3 -m geo.shipped SOURCE [TARGET]`: regenerate the shipped town layer."""
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        print("usage: python3 -m geo.shipped SOURCE_BOUNDARY_FILE [TARGET]", file=sys.stderr)
        return 2
    target = write_shipped_towns(Path(args[0]), *(Path(a) for a in args[1:]))
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
