"""`/access` and `/towns/<geoid>` pure transforms: rank ranges, sentences, geography, the map builder, the long
table."""
from __future__ import annotations

import json
import math
from xml.etree import ElementTree

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.formatting import by_unit
from components.maps import (
    SEQUENTIAL,
    MapValues,
    MapView,
    class_colours,
    clockwise_rings,
    town_map,
    town_map_patch,
)
from components.tables import TableLink, long_table_html
from dashboards.access.town_transforms import compare_word, population_rows
from dashboards.access.transforms import (
    difference_text,
    fit_view,
    group_lens,
    interval_text,
    map_values,
    rank_ranges,
    region_bounds,
    summary_sentence,
)
from data_access.access_queries import shape_summary


# ---------------------------------------------------------------- ranks
def towns(values, moes):
    return pd.DataFrame({"town_geoid": [f"t{i}" for i in range(len(values))],
                         "town_name": list("ABCDEFGH"[: len(values)]), "value": values, "moe": moes})


def test_rank_ranges_from_overlapping_intervals_worked_by_hand():
    # A 90±2=[88,92]  B 89±1=[88,90]  C 80±1=[79,81]  D 70 (no moe)=[70,70]  E 79±0.5=[78.5,79.5]  F missing
    frame = towns([90, 89, 80, 70, 79, None], [2, 1, 1, None, 0.5, None])
    ranked = rank_ranges(frame, higher_is_better=True).set_index("town_name")
    # A: nobody is surely above (no low > 92) → best 1; C, D, E lie surely below (high < 88) → worst 5−3 = 2.
    # B: same as A.  C: A and B lie surely above (88 > 81) → best 3; only D lies surely below 79 → worst 4.
    # E: A, B surely above (C's low 79 is not > 79.5) → best 3; D below → worst 4.  D: all four above → 5.
    assert ranked["rank_text"].to_dict() == {"A": "1–2", "B": "1–2", "C": "3–4", "E": "3–4", "D": "5",
                                             "F": "—"}
    assert list(ranked.index) == ["A", "B", "C", "E", "D", "F"]  # best first, missing last


def test_rank_ranges_when_lower_is_better():
    frame = towns([90, 89, 80, 70, 79], [2, 1, 1, None, 0.5])
    ranked = rank_ranges(frame, higher_is_better=False).set_index("town_name")
    # D (70) is surely below everyone → rank 1 alone; A, B are surely worse than C, D, E → ranks 4–5.
    assert ranked["rank_text"].to_dict() == {"D": "1", "E": "2–3", "C": "2–3", "B": "4–5", "A": "4–5"}


def test_rank_intervals_are_clipped_to_the_unit_range():
    ranked = rank_ranges(towns([1.0, 99.5], [3.0, 2.0]), True, (0.0, 100.0)).set_index("town_name")
    assert ranked.loc["A", "low"] == 0.0 and ranked.loc["B", "high"] == 100.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 10, allow_nan=False)),
                min_size=1, max_size=25))
def test_point_rank_always_lies_inside_the_rank_range(pairs):
    frame = pd.DataFrame({"town_geoid": [f"t{i}" for i in range(len(pairs))],
                          "value": [p[0] for p in pairs], "moe": [p[1] for p in pairs]})
    ranked = rank_ranges(frame, higher_is_better=True).reset_index(drop=True)
    for _, row in ranked.iterrows():
        # Every town tied with this one could take any of the tied positions.
        tied = ranked.index[ranked["value"] == row["value"]]
        assert row["rank_best"] <= tied.min() + 1 and tied.max() + 1 <= row["rank_worst"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=30, unique=True))
def test_without_margins_distinct_values_get_exact_ranks(values):
    frame = pd.DataFrame({"town_geoid": [str(v) for v in values], "value": values,
                          "moe": [None] * len(values)})
    ranked = rank_ranges(frame, higher_is_better=True)
    expected = [str(i + 1) for i in range(len(values))]  # sorted descending: ranks 1..n, no ranges
    assert ranked["rank_text"].tolist() == expected


# ---------------------------------------------------------------- words
def test_summary_sentence_in_plain_words():
    frame = pd.DataFrame({"town_name": ["Xton", "Yville", "Zburg"], "value": [61.2, 97.8, 80.0],
                          "moe": [9.0, 1.0, 2.0], "reliability": ["low", "high", "high"]})
    weighted = pd.Series({"weighted_value": 85.04, "ci_low": 84.6, "ci_high": 85.4})
    text = summary_sentence(frame, "Households with broadband", "percent", "higher_is_better", 2024,
                            weighted=weighted)
    assert text == ("In 2024, households with broadband ranged from 61.2 % in Xton to 97.8 % in Yville "
                    "across 3 towns. Higher is better. Weighted by population, the figure for Connecticut "
                    "is 85.0 % (84.6–85.4 %). 1 town has a low-reliability estimate (marked ◉).")


def test_summary_sentence_for_a_region_with_counts_and_a_missing_town():
    frame = pd.DataFrame({"town_name": ["A", "B", "C"], "value": [12.0, 30.5, None], "moe": [None] * 3,
                          "reliability": [None] * 3})
    text = summary_sentence(frame, "Travel time to a state service office", "minutes", "lower_is_better",
                            2023, area="Capitol Planning Region")
    assert text.startswith("In 2023, travel time to a state service office ranged from 12.0 min in A to "
                           "30.5 min in B across the 2 towns of the Capitol Planning Region. "
                           "Lower is better.")
    assert "no margin of error" in text and text.endswith("1 town has no estimate.")


@pytest.mark.parametrize("value,low,high,unit,expected", [
    (85.2, 83.1, 87.3, "percent", "85.2 % (83.1–87.3 %)"),
    (14.0, 12.5, 15.5, "minutes", "14.0 min (12.5–15.5 min)"),
    (95.3, 95.3, 95.3, "percent", "95.3 %"),  # a zero-width interval says nothing: value alone
    (None, 1, 2, "percent", "—"),
])
def test_interval_text(value, low, high, unit, expected):
    assert interval_text(value, low, high, unit) == expected


@pytest.mark.parametrize("difference,unit,short,expected", [
    (-10.24, "percent", False, "−10.2 percentage points"),
    (2.7, "percent", True, "+2.7 pts"),
    (3.0, "minutes", False, "+3.0 minutes"),
    (0.0, "ratio", False, "0.00"),
])
def test_difference_text(difference, unit, short, expected):
    assert difference_text(difference, unit, short) == expected


def test_percent_measures_are_stored_as_0_to_100():
    assert by_unit(61.2, "percent") == "61.2 %"


def lens_rows(group_ci, ref_ci):
    base = {"geography_level": "state", "geography_id": "09", "reference_group": "white"}
    return pd.DataFrame([
        {**base, "group_code": "hispanic", "weighted_value": 72.0, "ci_low": group_ci[0],
         "ci_high": group_ci[1], "ratio": 0.9, "difference": -8.0},
        {**base, "group_code": "white", "weighted_value": 80.0, "ci_low": ref_ci[0], "ci_high": ref_ci[1],
         "ratio": 1.0, "difference": 0.0},
    ])


def test_group_lens_sentence_and_table():
    sentence, table = group_lens(lens_rows((70, 74), (79, 81)), "hispanic", [("state", "09", "Connecticut")],
                                 "Households with broadband", "percent", "higher_is_better")
    assert table == [["Connecticut", "72.0 % (70.0–74.0 %)", "80.0 % (79.0–81.0 %)", "0.90", "−8.0 pts"]]
    assert ("Hispanic or Latino residents 72.0 % (70.0–74.0 %) against 80.0 % (79.0–81.0 %) for White"
            in sentence)
    assert "worse, beyond the uncertainty of the estimates (ratio 0.90, −8.0 percentage points)" in sentence


def test_group_lens_says_when_the_gap_may_be_noise():
    sentence, _ = group_lens(lens_rows((60, 80), (75, 85)), "hispanic", [("state", "09", "Connecticut")],
                             "Households with broadband", "percent", "higher_is_better")
    assert "intervals overlap, so the gap may be noise" in sentence


@pytest.mark.parametrize("low,high,ref_low,ref_high,direction,expected", [
    (80, 82, 85, 86, "higher_is_better", "worse"),
    (80, 82, 85, 86, "lower_is_better", "better"),
    (80, 85, 85, 86, "higher_is_better", "about the same"),  # touching intervals overlap
    (90, 92, 85, 86, "higher_is_better", "better"),
])
def test_compare_word(low, high, ref_low, ref_high, direction, expected):
    assert compare_word(low, high, ref_low, ref_high, direction) == expected


def test_population_rows_share_of_total():
    population = pd.DataFrame({"year": [2024] * 3, "group_code": ["hispanic", "total", "lep"],
                               "population": [250, 1000, 80], "moe": [40, None, 30]})
    rows = population_rows(population, 2024, ("hispanic", "total", "lep"))
    # 250 / 1000 = 25.0 %; 80 / 1000 = 8.0 %; the total has no share of itself.
    assert rows == [["Hispanic or Latino", "250", "± 40", "25.0 %"], ["All residents", "1,000", "—", "—"],
                    ["Limited English proficient", "80", "± 30", "8.0 %"]]


# ---------------------------------------------------------------- geography
SQUARES = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "b", "properties": {"id": "b", "name": "B"},
     "geometry": {"type": "Polygon",
                  "coordinates": [[[-72, 41], [-71, 41], [-71, 42], [-72, 42], [-72, 41]]]}},
    {"type": "Feature", "id": "a", "properties": {"id": "a", "name": "A"},
     "geometry": {"type": "Polygon", "coordinates": [[[-73, 41.5], [-72, 41.5], [-72, 42], [-73, 42],
                                                      [-73, 41.5]]]}},
]})


def test_shape_summary_bounds_and_inside_points():
    shapes = shape_summary(SQUARES)
    assert shapes["town_geoid"].tolist() == ["a", "b"]
    assert shapes.iloc[0][["min_lon", "min_lat", "max_lon", "max_lat"]].tolist() == [-73, 41.5, -72, 42]
    for row in shapes.itertuples():
        assert row.min_lon < row.label_lon < row.max_lon and row.min_lat < row.label_lat < row.max_lat


def test_bounding_box_of_a_region():
    shapes = shape_summary(SQUARES)
    table = pd.DataFrame({"town_geoid": ["a", "b"], "region_id": ["09110", "09120"]})
    assert region_bounds(shapes, table, "09120") == (-72, 41, -71, 42)
    assert region_bounds(shapes, table) == (-73, 41, -71, 42)  # the union of both squares


def test_fit_view_frames_the_bounds_in_the_panels_shape():
    # On the equator Mercator y is the longitude in radians: a 1° × 1° box, 10 % margin, in a 2:1 panel →
    # 2.2° × 1.1° around the same centre.
    view = fit_view((10.0, -0.5, 11.0, 0.5), width_px=800, height_px=400)
    assert (view.west, view.east) == pytest.approx((9.4, 11.6), abs=1e-5)
    assert (view.south, view.north) == pytest.approx((-0.55, 0.55), abs=1e-3)
    # Connecticut in a 640 × 490 panel: the box is wider than the state, in Mercator the panel's shape.
    ct = fit_view((-73.7278, 40.9509, -71.7869, 42.0664))
    assert ct.west < -73.7278 and ct.east > -71.7869 and ct.south < 40.9509 and ct.north > 42.0664
    width = math.radians(ct.east - ct.west)
    height = math.log(math.tan(math.pi / 4 + math.radians(ct.north) / 2)) - \
        math.log(math.tan(math.pi / 4 + math.radians(ct.south) / 2))
    assert width / height == pytest.approx(640 / 490, rel=1e-3)


# ---------------------------------------------------------------- map values and figure
def map_frame():
    return pd.DataFrame({"town_geoid": ["1", "2", "3", "4"], "town_name": ["A", "B", "C", "D"],
                         "region_id": ["r1", "r1", "r2", "r2"], "value": [10.0, 20.0, 30.0, None],
                         "moe": [1.0, 9.0, 2.0, None], "reliability": ["high", "low", "medium", None],
                         "class_break": [0, 1, 2, None]})


def test_map_values_darker_is_worse_in_both_directions():
    up = map_values(map_frame(), "Broadband", "percent", "higher_is_better", 2024)
    down = map_values(map_frame(), "Uninsured", "percent", "lower_is_better", 2024)
    assert up.z == [0, 1, 2, None] and up.missing == ["4"] and up.missing_names == ["D"]
    assert up.colours[0] == SEQUENTIAL[-1]  # lowest broadband = worst = darkest
    assert down.colours[-1] == SEQUENTIAL[-1]  # highest uninsured share = worst = darkest
    assert up.ticktext == ["10.0–10.0 %", "20.0–20.0 %", "30.0–30.0 %"]
    assert up.customdata == [[10.0, 1.0], [20.0, 9.0], [30.0, 2.0], [None, None]]
    assert up.text == ["high", "low", "medium", "not rated"] and up.low == [False, True, False, False]
    assert "%{customdata[0]:.1f} % ± %{customdata[1]:.1f}" in up.hovertemplate


def test_map_values_without_margins_of_error():
    frame = map_frame().assign(moe=None, reliability=None)
    values = map_values(frame, "Travel time", "minutes", "lower_is_better", 2024)
    assert values.customdata == [10.0, 20.0, 30.0, None] and values.text == []
    assert "%{customdata:.1f} min" in values.hovertemplate and "no margin of error" in values.hovertemplate


def test_map_values_dim_towns_outside_the_region():
    values = map_values(map_frame(), "Broadband", "percent", "higher_is_better", 2024, region_id="r2")
    assert values.highlighted == [2, 3]  # the two towns of r2; plotly dims the others (unselected)
    assert map_values(map_frame(), "Broadband", "percent", "higher_is_better", 2024).highlighted is None


def test_class_colours_are_distinct_and_ordered():
    colours = class_colours(5, darker_is_low=False)
    assert colours[0] == SEQUENTIAL[0] and colours[-1] == SEQUENTIAL[-1] and len(set(colours)) == 5


def full_values(n=169):
    return MapValues(z=[i % 5 for i in range(n)], customdata=[[97.8, 12.3]] * n, text=["medium"] * n,
                     low=[True] * n,
                     missing=[], colours=class_colours(5, True), ticktext=["61.2–97.8 %"] * 5,
                     title="Households with broadband, 2024 — darker = worse (lower)",
                     highlighted=list(range(0, n, 2)))


def test_map_figure_takes_geometry_by_url_and_draws_offline():
    n = 169
    raw = town_map("/geo/r1/clockwise/town.geojson", [f"09110{i:05d}" for i in range(n)], ["T"] * n,
                   [-72.0] * n, [41.5] * n, full_values(), MapView(-73.8, 40.9, -71.7, 42.1))
    fig = go.Figure(raw)  # plotly validates every property of the plain dict (raises on a wrong one)
    trace = fig.data[0]
    # d3-geo traces drawn in SVG: no map library, no tiles, no base layer (land, coasts) to fetch
    assert [t.type for t in fig.data] == ["choropleth", "choropleth", "scattergeo", "scattergeo"]
    assert trace.geojson == "/geo/r1/clockwise/town.geojson" and trace.featureidkey == "id"
    assert len(trace.locations) == n and fig.layout.geo.visible is False
    assert fig.layout.geo.projection.type == "mercator"
    assert fig.layout.geo.lonaxis.range == (-73.8, -71.7) and fig.layout.geo.lataxis.range == (40.9, 42.1)
    assert trace.selectedpoints == tuple(range(0, n, 2)) and trace.unselected.marker.opacity == 0.3


def test_map_patch_is_values_only_and_small():
    patch = town_map_patch(full_values(), MapView(-73.8, 40.9, -71.7, 42.1, "09110"))
    text = json.dumps(patch.to_plotly_json())
    paths = {tuple(op["location"]) for op in patch.to_plotly_json()["operations"]}
    assert ("data", 0, "z") in paths and ("layout", "geo", "lonaxis", "range") in paths
    assert not any(p[-1] in ("geojson", "lat", "lon", "coordinates") for p in paths)
    assert ("data", 0, "locations") not in paths  # the towns drawn never change, only their values
    assert "coordinates" not in text
    assert len(text.encode()) < 10_000, len(text.encode())  # worst case: every town low, half of them dimmed


def test_clockwise_rings_turn_rfc7946_polygons_for_d3():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # counter-clockwise, as RFC 7946 wants outer rings
    hole = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]  # clockwise
    layer = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {"id": "a"},
         "geometry": {"type": "Polygon", "coordinates": [square, hole]}},
        {"type": "Feature", "id": "b", "properties": {"id": "b"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[square[::-1]], [square]]}}]}
    turned = clockwise_rings(layer)
    assert turned["features"][0]["geometry"]["coordinates"] == [square[::-1], hole[::-1]]
    assert turned["features"][1]["geometry"]["coordinates"] == [[square[::-1]], [square[::-1]]]
    assert turned["features"][0]["properties"] == {"id": "a"}
    assert layer["features"][0]["geometry"]["coordinates"][0] == square  # the stored layer is left as it was
    assert clockwise_rings(turned) == turned  # already clockwise: unchanged


# ---------------------------------------------------------------- the long table
def test_long_table_escapes_every_text_and_link():
    hostile = "<script>alert(1)</script>"
    text = long_table_html(["Town", "Value"], [[TableLink(hostile, '/towns/1?a="x"&b=<y>'), hostile]],
                           caption="a & b", numeric=(1,), id_="t")
    assert "<script>" not in text and text.count("&lt;script&gt;") == 2
    table = ElementTree.fromstring(text)  # well-formed: every tag closed, every entity escaped
    link = table.find("tbody/tr/td/dccLink")
    assert link.text == hostile and link.get("href") == '/towns/1?a="x"&b=<y>'
    assert table.find("caption").text == "a & b" and table.find("thead/tr/th").get("scope") == "col"
    assert table.findall("tbody/tr/td")[1].get("class") == "text-end text-nowrap"
