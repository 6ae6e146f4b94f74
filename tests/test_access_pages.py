"""`/access` and `/towns/<geoid>` without a browser, on the published demo: layouts, callbacks, queries, downloads."""
from __future__ import annotations

import importlib
import json
import math
from xml.etree import ElementTree

import numpy as np
import pytest

from tests.layouts import by_id, texts, walk

HARTFORD = "0911037070"


# ---------------------------------------------------------------- layouts and callbacks (demo release)
@pytest.fixture
def pages(app_env):
    """The app and its page modules, on the published demo release."""
    import app as app_module

    with app_module.app.server.test_request_context("/"):
        yield {"app": app_module.app, "access": importlib.import_module("dashboards.access.page"),
               "towns": importlib.import_module("dashboards.access.towns"), "release": app_env["release_id"]}


def body_rows(table) -> list:
    """The rows of a table's body."""
    return next(part for part in table.children if type(part).__name__ == "Tbody").children


def long_rows(component, id_) -> list[list[str]]:
    """Cell texts of the body rows of a long table (one escaped HTML string in a dcc.Markdown)."""
    markdown = next(n for n in walk(component)
                    if type(n).__name__ == "Markdown" and f'id="{id_}"' in n.children)
    table = ElementTree.fromstring(markdown.children)
    return [["".join(td.itertext()) for td in tr] for tr in table.find("tbody")]


def test_access_layout_with_boundaries(pages):
    page = pages["access"].layout(release=pages["release"], measure="broadband", year="2024")
    trace = by_id(page, "access-map").figure["data"][0]
    assert trace["geojson"] == f"/geo/{pages['release']}/clockwise/town.geojson" and len(trace["locations"]) == 169
    assert trace["type"] == "choropleth"  # plotly's d3-geo map: SVG, no map library, no tiles
    assert "Synthetic demo data" in texts(page)
    assert by_id(page, "access-measure").value == "broadband" and by_id(page, "access-year").value == "2024"


def ring_area(ring: list) -> float:
    """Twice the signed area of a lon/lat ring: > 0 counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def test_the_map_reads_the_towns_with_clockwise_outer_rings(pages):
    client = pages["app"].server.test_client()
    stored = client.get(f"/geo/{pages['release']}/town.geojson")
    served = client.get(f"/geo/{pages['release']}/clockwise/town.geojson")
    assert served.status_code == 200 and served.mimetype == "application/geo+json"
    assert served.headers["ETag"] != stored.headers["ETag"]  # a browser keeps the two layers apart
    assert "immutable" in served.headers["Cache-Control"]
    before, after = stored.get_json()["features"], served.get_json()["features"]
    assert [f["id"] for f in after] == [f["id"] for f in before] and len(after) == 169
    for old, new in zip(before, after, strict=True):
        polygons = [new["geometry"]["coordinates"]] if new["geometry"]["type"] == "Polygon" \
            else new["geometry"]["coordinates"]
        assert all(ring_area(polygon[0]) < 0 for polygon in polygons), new["id"]  # outer rings clockwise
        assert all(ring_area(hole) > 0 for polygon in polygons for hole in polygon[1:]), new["id"]
        assert sorted(map(tuple, polygons[0][0])) == sorted(map(tuple, (
            [old["geometry"]["coordinates"]] if old["geometry"]["type"] == "Polygon"
            else old["geometry"]["coordinates"])[0][0]))  # the same points
    again = client.get(f"/geo/{pages['release']}/clockwise/town.geojson",
                       headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/geo/no-such-release/clockwise/town.geojson").status_code == 404


def test_access_layout_without_boundaries_explains_the_import(pages, monkeypatch):
    monkeypatch.setattr(pages["access"].aq, "town_shapes", lambda *_: None)
    page = pages["access"].layout(release=pages["release"])
    words = texts(page)
    assert "ct-equity geo import FILE" in words and "CT_EQUITY_BOUNDARIES" in words
    assert by_id(page, "access-map").figure == {}
    # The ranked table still comes, and the map callback leaves the empty map alone.
    notice, _, _, ranked = pages["access"].update_panel("broadband", "2024", "everyone", "all",
                                                        pages["release"])
    assert notice is None and len(long_rows(ranked, "access-table")) == 169
    figure, search, _ = pages["access"].update_map("broadband", "2024", "everyone", "all", pages["release"])
    assert type(figure).__name__ == "NoUpdate" and "measure=broadband" in search


@pytest.mark.parametrize("measure,year,group,region,release", [
    ("'; DROP TABLE town_measures;--", "2024", "everyone", "all", None),
    ("broadband", "1999", "everyone", "all", None),
    ("broadband", "2024", "total", "all", None),  # `total` is not a lens choice
    ("broadband", "2024", "everyone", "09999", None),
    ({"measure": 1}, ["2024"], 3, None, None),
    ("broadband", "2024", "everyone", "all", "not-a-release"),
])
def test_callbacks_reject_what_the_lists_do_not_offer(pages, measure, year, group, region, release):
    access = pages["access"]
    release = release or pages["release"]
    notice, *_ = access.update_panel(measure, year, group, region, release)
    assert "not available" in texts(notice)
    assert all(type(v).__name__ == "NoUpdate"
               for v in access.update_map(measure, year, group, region, release))
    click = {"points": [{"location": HARTFORD}]}
    assert all(type(v).__name__ == "NoUpdate"
               for v in access.open_town(click, measure, year, group, region, release))


@pytest.mark.parametrize("click", [None, {}, {"points": []}, {"points": [{"location": "0911000000"}]},
                                   {"points": [{"location": {"$ne": 1}}]}, {"points": "x"}, "x"])
def test_map_click_checks_the_town(pages, click):
    result = pages["access"].open_town(click, "broadband", "2024", "everyone", "all", pages["release"])
    assert all(type(v).__name__ == "NoUpdate" for v in result)


def test_map_click_opens_the_town_with_the_filters(pages):
    click = {"points": [{"location": HARTFORD}]}
    path, search = pages["access"].open_town(click, "uninsured", "2024", "hispanic", "09110",
                                             pages["release"])
    assert path == f"/towns/{HARTFORD}" and "measure=uninsured" in search and "region=09110" in search


def test_group_lens_panel_for_a_region(pages):
    _, summary, lens, ranked = pages["access"].update_panel("uninsured", "2024", "hispanic", "09110",
                                                            pages["release"])
    assert "Capitol Planning Region" in summary
    rows = body_rows(by_id(lens, "access-lens-table"))
    assert [r.children[0].children for r in rows] == ["Connecticut", "Capitol Planning Region"]
    assert len(long_rows(ranked, "access-table")) == 38  # the region's towns


def test_filter_patch_has_no_geometry(pages):
    patch, search, view = pages["access"].update_map("uninsured", "2023", "everyone", "09150",
                                                     pages["release"])
    text = json.dumps(patch.to_plotly_json())
    assert "coordinates" not in text and len(text.encode()) < 10_000
    assert view["query"]["measure"] == "uninsured" and "region=09150" in search


def test_show_data_table_when_opened(pages):
    is_open, table, label, expanded = pages["access"].show_data(1, "broadband", "2024", "everyone", "all",
                                                                pages["release"])
    assert is_open and label == "Hide data" and expanded == "true"
    assert len(long_rows(table, "access-data-table")) == 169
    assert pages["access"].show_data(2, "broadband", "2024", "everyone", "all", pages["release"])[0] is False


@pytest.mark.parametrize("geoid", ["0911000000", "'; DROP TABLE towns;--", "<script>alert(1)</script>",
                                   "09110370701234", "", None, "0" * 5000])
def test_unknown_town_is_a_clear_page(pages, geoid):
    page = pages["towns"].layout(geoid=geoid)
    words = texts(page)
    assert "Town not found" in words and "no Connecticut town with that code" in words
    assert by_id(page, "towns-back").href == "/access"


def test_town_profile_against_region_and_state(pages):
    page = pages["towns"].layout(geoid=HARTFORD, release=pages["release"], measure="uninsured", year="2024",
                                 region="bogus")
    words = texts(page)
    assert "Hartford" in words and "Capitol Planning Region" in words
    rows = body_rows(by_id(page, "towns-measures"))
    labels = [r.children[0].children for r in rows]
    assert "Households with broadband" in labels and len(labels) == 8
    assert all(r.children[5].children in ("better", "worse", "about the same") for r in rows)
    back = by_id(page, "towns-back").href
    assert "measure=uninsured" in back and "year=2024" in back and "bogus" not in back
    population = body_rows(by_id(page, "towns-population"))
    assert population[0].children[0].children == "Hispanic or Latino"


def test_queries_give_169_towns_with_label_points(pages):
    from data_access import access_queries as aq
    from data_access.queries import current_settings
    from data_access.viewer import ANONYMOUS

    values = aq.town_values(current_settings(), pages["release"], ANONYMOUS, "broadband", 2024)
    shapes = aq.town_shapes(current_settings(), pages["release"])
    assert len(values) == 169 and values["value"].notna().all()
    assert len(shapes) == 169 and set(shapes["town_geoid"]) == set(values["town_geoid"])
    assert shapes["label_lon"].between(-73.8, -71.7).all() and shapes["label_lat"].between(40.9, 42.1).all()
    assert not math.isnan(np.nanmean(values["moe"].astype(float)))


def test_download_is_exactly_the_towns_shown(pages):
    sent = pages["access"].download(1, "office_distance", "2024", "everyone", "09160", pages["release"])
    lines = sent["content"].strip().splitlines()
    assert lines[0].startswith("Year,Measure,Town GEOID,Town,Planning region,Value,Margin of error (90 %)")
    assert len(lines) == 1 + 21  # the Northwest Hills Planning Region has 21 towns
    assert sent["filename"].endswith("-office_distance-2024.csv")
    refused = pages["access"].download(1, "office_distance", "2024", "lep", "09160", "not-a-release")
    assert type(refused).__name__ == "NoUpdate"


def test_database_down_gives_a_notice_not_a_traceback(pages, monkeypatch):
    from data_access.queries import DataUnavailable

    def down(*_args):
        raise DataUnavailable("OperationalError")

    monkeypatch.setattr(pages["access"].queries, "resolve_release", down)
    assert "not answering" in texts(pages["access"].layout())
    notice = pages["access"].update_panel("broadband", "2024", "everyone", "all", "r")[0]
    assert "not answering" in texts(notice)
    assert "not answering" in texts(pages["towns"].layout(geoid=HARTFORD))


def test_ranked_table_links_every_town_to_its_profile(pages):
    _, _, _, ranked = pages["access"].update_panel("uninsured", "2024", "everyone", "09110", pages["release"])
    markdown = next(n for n in walk(ranked) if type(n).__name__ == "Markdown")
    links = ElementTree.fromstring(markdown.children).findall("tbody/tr/td/dccLink")
    assert len(links) == 38 and all(a.get("href").startswith("/towns/09110") for a in links)
    assert all("measure=uninsured" in a.get("href") and "region=09110" in a.get("href") for a in links)
