"""Town boundary import (DESIGN §3): the real Census file in, 169 towns / 9 regions / 8 counties out.

Expected values come from the boundary file's own attributes (the Census GEOIDs and the crosswalk joined
into it, see shared/data/PROVENANCE.md), from geopandas' own dissolve of the unsimplified file, and from
geometry measured with shapely, never from the code under test.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box, shape

from data_access import schema
from geo.boundaries import (
    BoundaryError,
    dissolve_layers,
    geometry_rows,
    import_boundaries,
    load_layers,
    normalise_towns,
    read_boundaries,
    save_layers,
    simplify_towns,
)
from geo.towns import towns
from tests.conftest import SHARED, shared_reference

BOUNDARIES = SHARED / "geo" / "ct_towns.geojson"  # the independent reference: the Census 2017 file


@pytest.fixture(scope="module", autouse=True)
def _reference_file() -> None:
    """Skip with the reason when ../shared is absent; in CI (CI=true) that is a failure."""
    shared_reference("geo/ct_towns.geojson")
GZIP_BUDGET = 200_000  # DESIGN §8: town geometry ≤ 200 KB gzip


@pytest.fixture(scope="module")
def source() -> gpd.GeoDataFrame:
    """The boundary file as geopandas reads it, untouched by the code under test."""
    return gpd.read_file(BOUNDARIES)


@pytest.fixture(scope="module")
def layers_json() -> dict[str, str]:
    return import_boundaries(BOUNDARIES)


def _parse(text: str) -> gpd.GeoDataFrame:
    """A layer's GeoJSON text as a frame of id, name, geometry (via shapely.geometry.shape)."""
    features = json.loads(text)["features"]
    return gpd.GeoDataFrame(
        {"id": [f["id"] for f in features], "name": [f["properties"]["name"] for f in features]},
        geometry=[shape(f["geometry"]) for f in features],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def parsed(layers_json: dict[str, str]) -> dict[str, gpd.GeoDataFrame]:
    return {level: _parse(text) for level, text in layers_json.items()}


def _geoms(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(frame.geometry.values, dtype=object)


# --- the real file ---------------------------------------------------------------------------------------

def test_town_layer_has_the_169_towns_with_their_file_names(parsed, source):
    towns_layer = parsed["town"]
    assert len(towns_layer) == 169
    assert set(towns_layer["id"]) == set(towns()["town_geoid"])
    # The file carries the 2022 GEOID and the town name from the Census file itself.
    expected = dict(zip(source["GEOID_2022"], source["NAME"]))
    assert dict(zip(towns_layer["id"], towns_layer["name"])) == expected


@pytest.mark.parametrize(
    ("level", "file_column", "name_column", "count"),
    [
        ("region", "planning_region_fips", "planning_region_name", 9),
        ("county", "county_fips", "county_name", 8),
    ],
)
def test_regions_and_counties_dissolve_like_the_unsimplified_file(parsed, source, level, file_column,
                                                                   name_column, count):
    layer = parsed[level].set_index("id")
    reference = source.dissolve(by=file_column, aggfunc="first")  # geopandas' own union of the raw towns
    assert len(layer) == count
    assert set(layer.index) == set(reference.index)
    for geography_id, row in reference.iterrows():
        mine = layer.loc[geography_id, "geometry"]
        assert layer.loc[geography_id, "name"] == row[name_column]
        # simplification moves borders by at most ~120 m: the symmetric difference is a thin ribbon
        assert mine.symmetric_difference(row.geometry).area / row.geometry.area < 0.005


def test_simplified_towns_form_a_coverage_without_gaps_or_overlaps(parsed, source):
    geoms = _geoms(parsed["town"])
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    union = shapely.union_all(geoms)
    assert abs(shapely.area(geoms).sum() - union.area) / union.area < 1e-9
    original_union = shapely.union_all(_geoms(source))
    assert _holes(union) == _holes(original_union)


def _holes(geom: shapely.Geometry) -> int:
    return int(shapely.get_num_interior_rings(shapely.get_parts(geom)).sum())


@pytest.mark.parametrize("level", ["region", "county"])
def test_dissolved_layers_share_the_town_borders(parsed, level):
    towns_union = shapely.union_all(_geoms(parsed["town"]))
    geoms = _geoms(parsed[level])
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    assert shapely.union_all(geoms).symmetric_difference(towns_union).area / towns_union.area < 1e-9
    assert abs(shapely.area(geoms).sum() - towns_union.area) / towns_union.area < 1e-9


def test_simplified_towns_still_look_like_the_towns(parsed, source):
    original = source.set_index("GEOID_2022").geometry
    simplified = parsed["town"].set_index("id").geometry.loc[original.index]
    overlap = shapely.area(shapely.intersection(_geoms(original), _geoms(simplified)))
    union = shapely.area(shapely.union(_geoms(original), _geoms(simplified)))
    assert (overlap / union).min() > 0.98  # every town keeps > 98 % intersection-over-union
    # no border moves by more than 0.002° (~170 m, under a pixel at state zoom)
    assert shapely.hausdorff_distance(_geoms(original), _geoms(simplified)).max() < 0.002
    vertices = shapely.get_num_coordinates(_geoms(simplified)).sum()
    assert vertices < shapely.get_num_coordinates(_geoms(original)).sum()


def test_town_layer_fits_the_gzip_budget(layers_json):
    assert len(gzip.compress(layers_json["town"].encode("utf-8"))) <= GZIP_BUDGET


@pytest.mark.parametrize("level", ["town", "region", "county"])
def test_geojson_is_compact_rounded_and_rfc7946(layers_json, level):
    text = layers_json[level]
    collection = json.loads(text)
    assert text == json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["properties"] == {"id": feature["id"], "name": feature["properties"]["name"]}
        coords = shapely.get_coordinates(shape(feature["geometry"]))
        assert np.all(np.abs(coords * 1e5 - np.round(coords * 1e5)) < 1e-6)  # 5 decimals
        for polygon in shapely.get_parts(shape(feature["geometry"])):
            assert polygon.exterior.is_ccw  # RFC 7946 §3.1.6: outer rings counter-clockwise
            assert not any(ring.is_ccw for ring in polygon.interiors)


def test_geometry_rows_match_the_release_table(layers_json):
    rows = geometry_rows(layers_json)
    assert [set(row) for row in rows] == [set(schema.columns("geometry"))] * 3
    for row in rows:
        assert row["geojson"] == layers_json[row["geography_level"]]
        assert row["sha256"] == hashlib.sha256(row["geojson"].encode("utf-8")).hexdigest()


# --- GEOID schemes and file formats ----------------------------------------------------------------------

def _with_geoid_scheme(source: gpd.GeoDataFrame, scheme: str) -> gpd.GeoDataFrame:
    """Only one way of naming the towns, as a Census file of that vintage would have."""
    if scheme == "legacy":
        return source[["GEOID", "NAME", "geometry"]]
    if scheme == "2022":
        return source.assign(GEOID=source["GEOID_2022"])[["GEOID", "NAME", "geometry"]]
    if scheme == "numeric":  # a GEOID stored as a number has lost its leading zero: 911037070
        return source.assign(GEOID=source["GEOID_2022"].astype("int64"))[["GEOID", "NAME", "geometry"]]
    return source.assign(  # TIGER-style parts, no GEOID column
        STATEFP=source["GEOID"].str[:2], COUNTYFP=source["GEOID"].str[2:5], COUSUBFP=source["GEOID"].str[5:]
    )[["STATEFP", "COUNTYFP", "COUSUBFP", "NAME", "geometry"]]


@pytest.mark.parametrize("scheme", ["legacy", "2022", "numeric", "fips_parts"])
def test_both_geoid_schemes_import_identically(tmp_path, source, layers_json, scheme):
    path = tmp_path / "towns.geojson"
    _with_geoid_scheme(source, scheme).to_file(path, driver="GeoJSON")
    assert import_boundaries(path) == layers_json


@given(choices=st.lists(st.booleans(), min_size=169, max_size=169))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_mix_of_schemes_row_by_row_normalises_to_2022(source, choices):
    mixed = source.assign(GEOID=np.where(choices, source["GEOID"], source["GEOID_2022"]))
    mixed = mixed[["GEOID", "geometry"]]
    out = normalise_towns(mixed)
    assert list(out["town_geoid"]) == sorted(source["GEOID_2022"])


def _write_shapefile(frame: gpd.GeoDataFrame, directory: Path) -> Path:
    directory.mkdir()
    path = directory / "towns.shp"
    frame.to_file(path)
    return path


def _zip_of(shp: Path, target: Path, folder: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for part in shp.parent.glob(shp.stem + ".*"):
            archive.write(part, folder + part.name)
    return target


@pytest.mark.parametrize("kind", ["gpkg", "shp", "zip", "zip_in_folder"])
def test_formats_import_identically(tmp_path, source, layers_json, kind):
    frame = source[["GEOID", "NAME", "geometry"]]
    if kind == "gpkg":
        path = tmp_path / "towns.gpkg"
        frame.to_file(path, driver="GPKG")
    else:
        path = _write_shapefile(frame, tmp_path / "shp")
        if kind == "zip":
            path = _zip_of(path, tmp_path / "towns.zip")
        elif kind == "zip_in_folder":
            path = _zip_of(path, tmp_path / "towns.zip", folder="cb_2017_09_cousub_500k/")
    assert import_boundaries(path) == layers_json


def _close_to(parsed_town: gpd.GeoDataFrame, other_text: str) -> None:
    other = _parse(other_text).set_index("id").geometry.loc[parsed_town["id"]]
    assert shapely.coverage_is_valid(_geoms(other))
    distances = shapely.hausdorff_distance(_geoms(parsed_town), np.asarray(other.values, dtype=object))
    assert distances.max() < 1e-4  # within ~10 m: same towns after a reprojection round trip


def test_a_projected_file_is_reprojected_to_lon_lat(tmp_path, source, parsed):
    path = tmp_path / "towns.gpkg"
    source[["GEOID", "geometry"]].to_crs("EPSG:2234").to_file(path, driver="GPKG")  # CT State Plane, US ft
    _close_to(parsed["town"], import_boundaries(path)["town"])


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_lon_lat_file_without_crs_is_taken_as_nad83(tmp_path, source, parsed):
    shp = _write_shapefile(source[["GEOID", "geometry"]].set_crs(None, allow_override=True), tmp_path / "s")
    assert not shp.with_suffix(".prj").exists()
    _close_to(parsed["town"], import_boundaries(shp)["town"])


def test_a_projected_file_without_crs_is_refused(source):
    projected = source[["GEOID", "geometry"]].to_crs("EPSG:2234").set_crs(None, allow_override=True)
    with pytest.raises(BoundaryError, match="no CRS"):
        normalise_towns(projected)


# --- bad input -------------------------------------------------------------------------------------------

def test_a_missing_town_is_named(source):
    union = source[source["NAME"] == "Union"].iloc[0]
    with pytest.raises(BoundaryError) as error:
        normalise_towns(source[source["NAME"] != "Union"])
    assert "1 of the 169 towns are missing" in str(error.value)
    assert f"Union ({union['GEOID_2022']})" in str(error.value)


def test_a_duplicated_town_is_an_error(source):
    doubled = pd.concat([source, source[source["NAME"] == "Hartford"]], ignore_index=True)
    with pytest.raises(BoundaryError, match=r"more than once: Hartford \(0911037070\) in 2 rows"):
        normalise_towns(gpd.GeoDataFrame(doubled, crs=source.crs))


def test_an_unknown_geoid_is_an_error(source):
    stray = source.iloc[[0]].assign(GEOID="3611912345")  # a New York county subdivision code
    with pytest.raises(BoundaryError, match="not Connecticut towns: 3611912345"):
        normalise_towns(gpd.GeoDataFrame(pd.concat([source, stray], ignore_index=True), crs=source.crs))


def test_a_water_pseudo_area_is_dropped(source):
    water = gpd.GeoDataFrame(
        {"GEOID": ["0900900000"]}, geometry=[box(-72.9, 41.1, -72.8, 41.2)], crs=source.crs
    )
    frame = gpd.GeoDataFrame(pd.concat([source, water], ignore_index=True), crs=source.crs)
    out = normalise_towns(frame)
    assert len(out) == 169
    assert set(out["town_geoid"]) == set(source["GEOID_2022"])


def test_an_invalid_town_polygon_is_made_valid(source):
    bowtie = shapely.Polygon([(-72.6, 41.6), (-72.5, 41.7), (-72.5, 41.6), (-72.6, 41.7)])
    frame = source.copy()
    frame.loc[0, "geometry"] = bowtie
    out = normalise_towns(frame)
    assert shapely.is_valid(_geoms(out)).all()
    fixed = out.set_index("town_geoid").geometry.loc[source.loc[0, "GEOID_2022"]]
    assert fixed.area == pytest.approx(0.005)  # two triangles of ½·0.1·0.05 each


def test_an_invalid_coverage_is_cleaned_before_simplifying(source):
    towns_gdf = normalise_towns(source)
    towns_gdf.loc[5, "geometry"] = shapely.affinity.translate(towns_gdf.loc[5, "geometry"], 0.001, 0.0005)
    assert not shapely.coverage_is_valid(_geoms(towns_gdf))
    simplified = simplify_towns(towns_gdf)
    assert shapely.coverage_is_valid(_geoms(simplified))
    assert len(dissolve_layers(simplified)["region"]) == 9


def test_no_geoid_column_is_an_error(tmp_path, source):
    path = tmp_path / "names.gpkg"
    source[["NAME", "geometry"]].to_file(path, driver="GPKG")
    with pytest.raises(BoundaryError, match=r"no GEOID column.*NAME"):
        read_boundaries(path)
    with pytest.raises(BoundaryError, match="no GEOID column"):
        normalise_towns(source[["NAME", "geometry"]])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("towns.geojson", None, "not found"),
        ("towns.kml", b"<kml/>", "Unsupported boundary format '.kml'"),
        ("towns.geojson", b"this is not json", "Cannot read boundary file"),
        ("towns.zip", b"PK but not really a zip", "not a readable zip"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BoundaryError, match=message):
        read_boundaries(path)


def test_a_zip_without_a_shapefile_is_an_error(tmp_path):
    path = tmp_path / "towns.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no shapes here")
    with pytest.raises(BoundaryError, match="no shapefile"):
        read_boundaries(path)


# --- keeping layers between `geo import` and `build` -----------------------------------------------------

def test_saved_layers_load_back(tmp_path, layers_json):
    directory = tmp_path / "boundaries"
    assert load_layers(directory) is None
    save_layers(layers_json, directory)
    assert sorted(p.name for p in directory.iterdir()) == ["county.geojson", "region.geojson", "town.geojson"]
    assert load_layers(directory) == layers_json
    (directory / "region.geojson").unlink()
    assert load_layers(directory) is None


def test_a_damaged_saved_layer_is_an_error(tmp_path, layers_json):
    save_layers(layers_json, tmp_path)
    (tmp_path / "town.geojson").write_text(layers_json["town"][:1000], encoding="utf-8")
    with pytest.raises(BoundaryError, match=r"town\.geojson is damaged"):
        load_layers(tmp_path)
