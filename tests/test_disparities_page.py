"""`/disparities`: group rows, sentences and tables, dissimilarity and Theil indices, the dot-whisker figure and the
indices callback under hostile inputs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboards.disparities import transforms as dt
from tests.public_pages import HOSTILE, component_ids, default_args, is_notice, page


# ---------------------------------------------------------------- /disparities: pure transforms
def access_rows(hispanic_ci=(79.0, 83.1)) -> pd.DataFrame:
    base = {"year": 2025, "geography_level": "region", "geography_id": "09110", "measure_id": "broadband",
            "reference_group": "white"}
    rows = [  # ratio = value / white value: 81.2 / 90.4 = 0.8982…; difference = 81.2 − 90.4 = −9.2
        {"group_code": "total", "weighted_value": 88.0, "ci_low": 87.0, "ci_high": 89.0, "ratio": 0.9735,
         "difference": -2.4},
        {"group_code": "white", "weighted_value": 90.4, "ci_low": 89.0, "ci_high": 91.7, "ratio": 1.0,
         "difference": 0.0},
        {"group_code": "hispanic", "weighted_value": 81.2, "ci_low": hispanic_ci[0],
         "ci_high": hispanic_ci[1], "ratio": 81.2 / 90.4, "difference": -9.2},
        {"group_code": "lep", "weighted_value": 80.0, "ci_low": 78.0, "ci_high": 82.0, "ratio": 80 / 90.4,
         "difference": -10.4},
    ]
    other_place = {**base, "geography_id": "09120", "group_code": "hispanic", "weighted_value": 50.0,
                   "ci_low": 49.0, "ci_high": 51.0, "ratio": 0.5, "difference": -40.0}
    return pd.DataFrame([{**base, **r} for r in rows] + [other_place])


def test_group_rows_keep_one_place_in_chart_order():
    rows = dt.group_rows(access_rows(), 2025, "region", "09110")
    assert rows["group_code"].tolist() == ["hispanic", "white", "lep", "total"]  # race groups, LEP, everyone


def test_group_sentence_reads_like_the_design_example():
    rows = dt.group_rows(access_rows(), 2025, "region", "09110")
    text = dt.group_sentence(rows, "hispanic", "white", "the Capitol Planning Region",
                             "Households with broadband", "percent", "higher_is_better")
    assert text == ("Hispanic or Latino residents of the Capitol Planning Region live where “Households "
                    "with broadband” is 81.2 % (79.0–83.1 %) on average, against 90.4 % for White residents "
                    "— a ratio of 0.90. Higher is better for this measure; the two 90 % intervals do not "
                    "overlap, so the gap is larger than sampling noise.")


@pytest.mark.parametrize("ci,words", [
    ((79.0, 83.1), "do not overlap"),      # 83.1 < 89.0 (white's low end)
    ((79.0, 89.5), "overlap, so the gap may be sampling noise"),   # 89.5 ≥ 89.0
    ((81.2, 81.2), "one of the two figures"),  # only one side without width is not "no margin of error"
])
def test_group_sentence_says_whether_the_intervals_overlap(ci, words):
    rows = dt.group_rows(access_rows(ci), 2025, "region", "09110")
    if ci[0] == ci[1]:
        rows.loc[rows["group_code"] == "hispanic", ["ci_low", "ci_high"]] = [None, None]
    text = dt.group_sentence(rows, "hispanic", "white", "X", "M", "percent", "lower_is_better")
    assert words in text and "Lower is better" in text


def test_group_sentence_for_the_reference_and_a_missing_group():
    rows = dt.group_rows(access_rows(), 2025, "region", "09110")
    assert dt.group_sentence(rows, "white", "white", "X", "M", "percent", "higher_is_better").endswith(
        "they are the reference group for the ratios.")
    assert dt.group_sentence(rows, "asian", "white", "X", "M", "percent", "higher_is_better").startswith(
        "There is no group-weighted figure for Asian residents of X")


def test_group_table_holds_the_rounded_figures_and_marks_the_reference():
    table = dt.group_table(dt.group_rows(access_rows(), 2025, "region", "09110"), "white")
    first = table.iloc[0]
    assert first["group"] == "Hispanic or Latino" and first["ratio"] == 0.9 and first["difference"] == -9.2
    assert table.iloc[1]["group"] == "White (reference)"


@pytest.mark.parametrize("value,low,high,unit,text", [
    (81.234, 79.01, 83.1, "percent", "81.2 % (79.0–83.1 %)"),
    (23.4, 21.0, 25.0, "minutes", "23.4 min (21.0–25.0 min)"),
    (9.4, 9.4, 9.4, "minutes", "9.4 min"),  # no width: no interval
    (0.9, None, 1.0, "ratio", "0.90"),
    (None, 1.0, 2.0, "percent", "—"),
])
def test_measure_interval(value, low, high, unit, text):
    assert dt.measure_interval(value, low, high, unit) == text


def seg_rows() -> pd.DataFrame:
    rows = [("state", "09", "black", 0.56), ("state", "09", "asian", 0.27),
            ("region", "09110", "black", 0.48), ("region", "09120", "hispanic", 0.62),
            ("region", "09120", "black", 0.55), ("county", "09001", "black", 0.9)]
    return pd.DataFrame([{"year": 2025, "geography_level": lv, "geography_id": gid, "group_code": g,
                          "reference_group": "white", "dissimilarity": d} for lv, gid, g, d in rows])


PLACES = pd.DataFrame({"geography_level": ["state", "region", "region"],
                       "geography_id": ["09", "09110", "09120"],
                       "geography_name": ["Connecticut", "Capitol Planning Region",
                                          "Greater Bridgeport Planning Region"]})


def test_dissimilarity_table_and_sentence():
    table = dt.dissimilarity_table(seg_rows(), 2025, PLACES)
    bridgeport = "Greater Bridgeport Planning Region"
    assert table["place"].tolist() == ["Connecticut", "Connecticut", "Capitol Planning Region", bridgeport,
                                       bridgeport]
    assert "Hartford" not in " ".join(table["place"])  # the county row is not among the places asked for
    text = dt.dissimilarity_sentence(table, 2025, "white", "Connecticut", "region")
    assert text.startswith("Across Connecticut's towns in 2025, Black or African American residents live "
                           "most apart from White residents: a dissimilarity of 0.56 means 56 % of either "
                           "group")
    assert text.endswith("the highest index is for Hispanic or Latino residents in the Greater Bridgeport "
                         "Planning Region (0.62).")


def theil_rows() -> pd.DataFrame:
    values = {(2024, "theil"): 0.008, (2024, "theil_between"): 0.002, (2024, "theil_within"): 0.006,
              (2025, "theil"): 0.010, (2025, "theil_between"): 0.004, (2025, "theil_within"): 0.006}
    rows = [{"year": y, "measure_id": "m", "geography_level": "state", "geography_id": "09", "index_name": n,
             "value": v} for (y, n), v in values.items()]
    rows.append({"year": 2025, "measure_id": "m", "geography_level": "region", "geography_id": "09110",
                 "index_name": "theil", "value": 0.5})
    return pd.DataFrame(rows)


def test_theil_split_stacks_to_the_total_and_says_the_between_share():
    split = dt.theil_split(theil_rows())
    assert split["year"].tolist() == [2024, 2025]
    np.testing.assert_allclose(split["between"] + split["within"], split["total"])
    np.testing.assert_allclose(split["between_share"], [0.25, 0.40])  # 0.002/0.008, 0.004/0.010
    assert dt.theil_sentence(split, 2025, "M") == (
        "In 2025 the Theil index of “M” across Connecticut's towns is 0.01. 40.0 % of this inequality lies "
        "between planning regions and 60.0 % within them; the index is up from 0.008 in 2024.")
    assert dt.theil_sentence(split, 2019, "M").startswith("There is no Theil index")


def test_theil_split_of_a_hand_worked_decomposition():
    # Towns 1 and 1 (weights 1, 1) in region A, town 3 (weight 2) in region B: μ = (1 + 1 + 6) / 4 = 2.
    # T = 2·¼·(½·ln ½) + ½·(1.5·ln 1.5) = −0.173287 + 0.304099 = 0.130812. Inside each region the values
    # are equal, so all of it lies between the regions: between = T, within = 0.
    total = 2 * 0.25 * 0.5 * np.log(0.5) + 0.5 * 1.5 * np.log(1.5)
    assert total == pytest.approx(0.130812, abs=1e-6)
    rows = pd.DataFrame({"year": 2025, "measure_id": "m", "geography_level": "state", "geography_id": "09",
                         "index_name": ["theil", "theil_between", "theil_within"],
                         "value": [total, total, 0.0]})
    sentence = dt.theil_sentence(dt.theil_split(rows), 2025, "M")
    assert "is 0.131. 100.0 % of this inequality lies between planning regions and 0.0 % within" in sentence


def test_place_series_and_change_sentence():
    frame = pd.concat([access_rows().assign(year=2019, ratio=0.8), access_rows()])
    series = dt.place_series(frame, [("region", "09110", "Capitol"), ("state", "09", "Connecticut")], "ratio",
                             group_code="hispanic")
    assert series["place"].tolist() == ["Capitol", "Capitol"]
    text = dt.change_sentence(series, "ratio", "Capitol", "the Capitol", "the ratio", lambda v: f"{v:.2f}")
    assert text == "The ratio in the Capitol moved from 0.80 in 2019 to 0.90 in 2025."
    missing = dt.change_sentence(series, "ratio", "Connecticut", "Connecticut", "the ratio", str)
    assert missing.startswith("There is no")


# ---------------------------------------------------------------- the indices callback on the published demo
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
def test_hostile_inputs_to_the_disparity_indices(app_env, value):
    from dashboards._shared import NOT_AVAILABLE

    module = page("disparities")
    valid = default_args("disparities", "disparities", ["release", "measure", "year", "level", "area"])
    assert component_ids(module.show_indices(*valid))["disparities-theil-split-summary"].children
    for position in range(len(valid)):
        args = list(valid)
        args[position] = value
        assert is_notice(module.show_indices(*args), NOT_AVAILABLE), (position, value)


# ---------------------------------------------------------------- figures
def test_dot_whisker_draws_each_interval_and_the_reference():
    from components.figures import Axis, dot_whisker

    figure = dot_whisker(["Hispanic or Latino", "White (reference)"], [81.2, 90.4], [79.0, 89.0],
                         [83.1, 91.7], ["#E69F00", "#999999"], Axis("Broadband"), (90.4, "White (reference)"))
    whiskers, dots = figure.data
    assert list(whiskers.x) == [79.0, 83.1, None, 89.0, 91.7, None]
    assert list(dots.x) == [81.2, 90.4] and list(dots.marker.color) == ["#E69F00", "#999999"]
    assert figure.layout.shapes[0].x0 == 90.4
    low, high = figure.layout.xaxis.range
    assert low < 79.0 and high > 91.7  # the whiskers are not cut off at the edge
