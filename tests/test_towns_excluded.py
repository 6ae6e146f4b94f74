"""Public aggregates over towns leave out suppressed towns (DESIGN §5, issue #13): attacked by subtraction.

Fixture (one measure-year, Capitol region 09110 = Hartford, West Hartford, Avon; Bridgeport in 09120):

| town          | value | white | black | total | suppressed |
|---------------|-------|-------|-------|-------|------------|
| Hartford      | 10    | 60    | 40    | 100   | no         |
| West Hartford | 20    | 200   | 100   | 300   | no         |
| Avon          | 50    | 80    | 20    | 100   | yes        |
| Bridgeport    | 40    | 0     | 100   | 100   | no         |

With Avon in the Capitol figure: total = (1000 + 6000 + 5000)/500 = 24, and an outsider who knows Hartford's and
West Hartford's values and every town's population gets Avon back: (24·500 − 1000 − 6000)/100 = 50.
Without Avon: total = 7000/400 = 17.5, white = (600 + 4000)/260 = 17.6923…, black = (400 + 2000)/140 = 17.1428…;
state total = (1000 + 6000 + 4000)/500 = 22; Capitol towns_excluded = 1, Bridgeport region 0, state 1.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.towns import towns as town_table
from pipeline.stats.access import access_by_group
from pipeline.stats.indices import inequality_indices
from tests.test_stats_access import pick, population

HARTFORD, WEST_HARTFORD, AVON, BRIDGEPORT = "0911037070", "0911082590", "0911002060", "0912008070"
TOWNS = town_table()
POPULATION = population([
    (HARTFORD, "white", 60), (HARTFORD, "black", 40), (HARTFORD, "total", 100),
    (WEST_HARTFORD, "white", 200), (WEST_HARTFORD, "black", 100), (WEST_HARTFORD, "total", 300),
    (AVON, "white", 80), (AVON, "black", 20), (AVON, "total", 100),
    (BRIDGEPORT, "white", 0), (BRIDGEPORT, "black", 100), (BRIDGEPORT, "total", 100),
])
TOTALS = {HARTFORD: 100.0, WEST_HARTFORD: 300.0, AVON: 100.0, BRIDGEPORT: 100.0}


def values(avon: float = 50.0, suppressed: bool = True) -> pd.DataFrame:
    """The town_measures rows of the fixture, Avon's value given and marked suppressed (or not)."""
    return pd.DataFrame({
        "year": 2023, "measure_id": "m", "town_geoid": [HARTFORD, WEST_HARTFORD, AVON, BRIDGEPORT],
        "value": [10.0, 20.0, avon, 40.0], "numerator": np.nan, "denominator": np.nan,
        "moe": [1.0, 2.0, 3.0, 4.0], "suppressed": [False, False, suppressed, False],
    })


def subtract(weighted: float, known: dict[str, float], target: str, members: list[str]) -> float:
    """The attack: a geography's population-weighted mean times its population, less the known towns."""
    population = sum(TOTALS[t] for t in members)
    return (weighted * population - sum(known[t] * TOTALS[t] for t in members if t != target)) / TOTALS[target]


def test_the_attack_recovers_a_town_that_is_left_in_the_public_aggregate():
    """Control: marked not suppressed, Avon is in the Capitol figure (24) and comes back by subtraction."""
    out = access_by_group(values(suppressed=False), POPULATION, TOWNS, draws=20)
    capitol = pick(out, "region", "09110", "total")
    assert capitol["weighted_value"] == pytest.approx(24.0) and capitol["towns_excluded"] == 0
    known = {HARTFORD: 10.0, WEST_HARTFORD: 20.0}
    assert subtract(capitol["weighted_value"], known, AVON, [HARTFORD, WEST_HARTFORD, AVON]) == pytest.approx(50.0)


def test_no_public_access_aggregate_gives_a_suppressed_town_back():
    out = access_by_group(values(), POPULATION, TOWNS, draws=20)
    capitol, state = pick(out, "region", "09110", "total"), pick(out, "state", "09", "total")
    assert capitol["weighted_value"] == pytest.approx(17.5) and capitol["towns_excluded"] == 1
    assert pick(out, "region", "09110", "white")["weighted_value"] == pytest.approx(4600 / 260)
    assert pick(out, "region", "09110", "black")["weighted_value"] == pytest.approx(2400 / 140)
    assert pick(out, "county", "09003", "total")["towns_excluded"] == 1  # Avon is in Hartford County
    assert state["weighted_value"] == pytest.approx(22.0) and state["towns_excluded"] == 1
    assert pick(out, "region", "09120", "total")["towns_excluded"] == 0
    known = {HARTFORD: 10.0, WEST_HARTFORD: 20.0, BRIDGEPORT: 40.0}
    capitol_towns = [HARTFORD, WEST_HARTFORD, AVON]
    assert subtract(capitol["weighted_value"], known, AVON, capitol_towns) != pytest.approx(50.0)
    assert subtract(state["weighted_value"], known, AVON, [*capitol_towns, BRIDGEPORT]) != pytest.approx(50.0)


def test_public_aggregates_do_not_depend_on_a_suppressed_value_at_all():
    """Every figure (value, interval, ratio, difference) is the same whatever the suppressed town's value."""
    first = access_by_group(values(avon=50.0), POPULATION, TOWNS, draws=50)
    second = access_by_group(values(avon=5000.0), POPULATION, TOWNS, draws=50)
    pd.testing.assert_frame_equal(first, second)
    first = inequality_indices(values(avon=50.0), POPULATION, TOWNS)
    second = inequality_indices(values(avon=5000.0), POPULATION, TOWNS)
    pd.testing.assert_frame_equal(first, second)


def test_inequality_indices_leave_out_suppressed_towns():
    out = inequality_indices(values(), POPULATION, TOWNS).set_index(["geography_level", "geography_id", "index_name"])
    # Capitol without Avon: v = 10, 20 with weights 100, 300; μ = 17.5.
    # T = ¼·(10/17.5)·ln(10/17.5) + ¾·(20/17.5)·ln(20/17.5) = ¼·0.571429·(−0.559616) + ¾·1.142857·0.133531
    #   = −0.079945 + 0.114455 = 0.034510
    capitol = 0.25 * (10 / 17.5) * math.log(10 / 17.5) + 0.75 * (20 / 17.5) * math.log(20 / 17.5)
    assert out.loc[("region", "09110", "theil"), "value"] == pytest.approx(capitol)
    assert capitol == pytest.approx(0.034510, abs=1e-6)
    # State: v = 10, 20, 40 with weights 100, 300, 100; μ = 22; between = Capitol (17.5, 400) vs Bridgeport (40, 100)
    state = sum(w / 500 * (v / 22) * math.log(v / 22) for v, w in ((10, 100), (20, 300), (40, 100)))
    between = 0.8 * (17.5 / 22) * math.log(17.5 / 22) + 0.2 * (40 / 22) * math.log(40 / 22)
    assert out.loc[("state", "09", "theil"), "value"] == pytest.approx(state)
    assert out.loc[("state", "09", "theil_between"), "value"] == pytest.approx(between)
    assert out.loc[("state", "09", "theil_within"), "value"] == pytest.approx(state - between)
    assert out["towns_excluded"].to_dict() == {
        ("region", "09110", "theil"): 1, ("region", "09120", "theil"): 0, ("county", "09003", "theil"): 1,
        ("county", "09001", "theil"): 0, ("state", "09", "theil"): 1, ("state", "09", "theil_between"): 1,
        ("state", "09", "theil_within"): 1}


def test_a_geography_whose_only_towns_are_suppressed_has_no_public_figure():
    frame = values()
    frame = frame[frame["town_geoid"].isin([AVON, BRIDGEPORT])]
    out = access_by_group(frame, POPULATION, TOWNS, draws=10)
    # Capitol's only town with a value is suppressed: no Capitol row that could be Avon's value itself.
    assert not ((out["geography_level"] == "region") & (out["geography_id"] == "09110")).any()
    assert pick(out, "state", "09", "total")["weighted_value"] == pytest.approx(40.0)
    assert pick(out, "state", "09", "total")["towns_excluded"] == 1
