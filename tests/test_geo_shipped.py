"""The town layer shipped in geo/ (DESIGN §3): the default of every build and of `ct-equity demo`, offline.

Expected values come from the project's town table (geo/ct_towns.csv, itself checked against the Census/CTData
crosswalk), from shapely measuring the shipped polygons, and — when ../shared is beside the repository — from
the independent Census 2017 file that the layer was made from.
"""
from __future__ import annotations

import hashlib
import json
import socket
from collections import defaultdict

import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import shape
from sqlalchemy import select

from data_access.settings import load_settings
from geo.shipped import SHIPPED_TOWNS, shipped_layers, shipped_town_text, write_shipped_towns
from geo.towns import towns
from tests.conftest import shared_reference

CT_BOX = (-73.8, 40.9, -71.7, 42.1)  # Connecticut's extent with a small margin (lon/lat)


@pytest.fixture(scope="module")
def features() -> list[dict]:
    return json.loads(SHIPPED_TOWNS.read_text(encoding="utf-8"))["features"]


def test_the_shipped_layer_holds_the_169_towns_by_their_2022_geoids(features):
    table = towns()
    assert len(features) == 169
    by_id = {f["id"]: f["properties"]["name"] for f in features}
    assert by_id == dict(zip(table["town_geoid"], table["town_name"]))
    assert all(f["properties"]["id"] == f["id"] for f in features)


def test_the_shipped_layer_is_small_valid_and_a_clean_coverage(features):
    assert SHIPPED_TOWNS.stat().st_size < 200_000
    geoms = [shape(f["geometry"]) for f in features]
    assert all(g.is_valid and not g.is_empty for g in geoms)
    assert shapely.coverage_is_valid(geoms), "shared borders must stay shared (no gaps or slivers)"
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    assert CT_BOX[0] < minx < maxx < CT_BOX[2] and CT_BOX[1] < miny < maxy < CT_BOX[3]
    # RFC 7946: counter-clockwise outer rings
    for geom in geoms:
        for polygon in getattr(geom, "geoms", [geom]):
            assert polygon.exterior.is_ccw


def test_the_shipped_layer_is_documented_beside_it():
    note = (SHIPPED_TOWNS.parent / "TOWNS_SOURCE.md").read_text(encoding="utf-8")
    for fact in ("cb_2017_09_cousub_500k", "https://www2.census.gov/geo/tiger/GENZ2017/shp/cb_2017_09_cousub_500k.zip",
                 "public domain", "python3 -m geo.shipped"):
        assert fact in note


def test_regions_and_counties_are_unions_of_the_shipped_towns(features):
    layers = shipped_layers()
    assert layers["town"] + "\n" == SHIPPED_TOWNS.read_text(encoding="utf-8")
    table = towns().set_index("town_geoid")
    area = {f["id"]: shape(f["geometry"]).area for f in features}
    for level, key, count in (("region", "region_id", 9), ("county", "county_id", 8)):
        expected: dict[str, float] = defaultdict(float)
        for geoid, value in area.items():
            expected[table.loc[geoid, key]] += value
        parts = {f["id"]: shape(f["geometry"]).area for f in json.loads(layers[level])["features"]}
        assert len(parts) == count and set(parts) == set(expected)
        for part_id, value in parts.items():
            assert value == pytest.approx(expected[part_id], rel=1e-6), (level, part_id)


def test_regenerating_from_the_census_file_gives_the_same_bytes(tmp_path):
    reference = shared_reference("geo/ct_towns.geojson")
    target = write_shipped_towns(reference, tmp_path / "towns.geojson")
    assert target.read_bytes() == SHIPPED_TOWNS.read_bytes()
    assert shipped_town_text(reference) == SHIPPED_TOWNS.read_text(encoding="utf-8")
    # Made from the Census file, not a copy of it.
    assert hashlib.sha256(reference.read_bytes()).digest() != hashlib.sha256(SHIPPED_TOWNS.read_bytes()).digest()


def test_the_shipped_towns_match_the_census_towns_in_area(features):
    reference = json.loads(shared_reference("geo/ct_towns.geojson").read_text(encoding="utf-8"))["features"]
    census = {r["properties"]["GEOID_2022"]: shape(r["geometry"]).area for r in reference}
    for feature in features:
        assert shape(feature["geometry"]).area == pytest.approx(census[feature["id"]], rel=0.01), feature["id"]


def test_the_build_prefers_the_variable_then_an_import_then_the_shipped_layer(tmp_path, monkeypatch):
    from geo.boundaries import save_layers
    from pipeline import build

    settings = load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path)})
    assert build.boundary_layers(settings) == shipped_layers()
    imported = {level: json.dumps({"type": "FeatureCollection", "features": [{"id": str(i)} for i in range(n)]})
                for level, n in (("town", 169), ("region", 9), ("county", 8))}
    save_layers(imported, tmp_path / "boundaries")
    assert build.boundary_layers(settings) == imported
    seen = []
    monkeypatch.setattr(build, "import_boundaries", lambda path: seen.append(path) or {"town": "from the file"})
    chosen = load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_BOUNDARIES": "/x/towns.zip"})
    assert build.boundary_layers(chosen) == {"town": "from the file"} and str(seen[0]) == "/x/towns.zip"


def test_ct_equity_demo_draws_169_towns_with_no_network(tmp_path, monkeypatch):
    import cli
    from data_access.db import get_engine
    from data_access.releases import list_releases
    from data_access.schema import geometry

    def refuse(*_args, **_kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    served = []
    monkeypatch.setattr(cli.serve, "callback", lambda **kwargs: served.append(kwargs))
    monkeypatch.delenv("CT_EQUITY_BOUNDARIES", raising=False)
    env = {"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_BOOTSTRAP_DRAWS": "20", "CT_EQUITY_DATABASE_URL": ""}
    done = CliRunner().invoke(cli.main, ["demo"], env=env)
    assert done.exit_code == 0, done.output
    assert served, "the demo goes on to serve"
    engine = get_engine(f"sqlite:///{tmp_path / 'ct_equity.sqlite'}")
    (release,) = list_releases(engine)
    assert release.status == "published"
    with engine.connect() as conn:
        rows = dict(conn.execute(select(geometry.c.geography_level, geometry.c.geojson)
                                 .where(geometry.c.release_id == release.release_id)).all())
    counts = {level: len(json.loads(text)["features"]) for level, text in rows.items()}
    assert counts == {"town": 169, "region": 9, "county": 8}
    assert {f["id"] for f in json.loads(rows["town"])["features"]} == set(towns()["town_geoid"])


def test_the_published_demo_fixture_draws_169_towns(app_env):
    from data_access import access_queries as aq
    from data_access.queries import current_settings

    shapes = aq.town_shapes(current_settings(), app_env["release_id"])
    assert shapes is not None and len(shapes) == 169
