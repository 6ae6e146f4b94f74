"""`validate_release()` (issue #14): each rule refuses a table corrupted for it, and nothing is written.

The clean tables are those of the published demo release (built once per session); each case corrupts one
value by hand, so the expected message (table, column, value, rule) is known before the check runs.
"""
from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from data_access.db import get_engine
from data_access.releases import current_release_id, list_releases
from pipeline.release_checks import ReleaseCheckError, key_columns, range_rule, release_problems, validate_release

HARTFORD = "0911037070"


@pytest.fixture(scope="module")
def clean(published_demo) -> dict[str, pd.DataFrame]:
    """The demo release's tables as the build computed them (they passed the checks to be written)."""
    return published_demo["result"].tables


def _copy(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in tables.items()}


def test_the_demo_release_passes_every_check(clean):
    assert release_problems(clean) == []
    validate_release(clean)


def test_keys_and_ranges_come_from_the_schema():
    assert key_columns("town_measures") == ["year", "town_geoid", "measure_id"]
    assert range_rule("workforce_utilization", "share")[:2] == (0.0, 1.0)
    assert range_rule("contracting", "minority_share")[:2] == (0.0, 1.0)
    assert range_rule("training", "completion_rate")[:2] == (0.0, 1.0)
    assert range_rule("selection_rates", "fisher_p")[:2] == (0.0, 1.0)
    assert range_rule("workforce_utilization", "headcount")[:2] == (0.0, None)
    assert range_rule("selection_rates", "impact_ratio")[:2] == (0.0, None)
    assert range_rule("workforce_utilization", "z_score") is None  # signed by nature
    assert range_rule("benchmark_progress", "progress") is None
    assert range_rule("town_measures", "year") is None  # a key


def _first(frame: pd.DataFrame, **where) -> int:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    return frame.index[mask][0]


def dup_row(t):
    frame = t["workforce_utilization"]
    t["workforce_utilization"] = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    return "workforce_utilization: fiscal_year+agency_code+job_category+group_dimension+group_code=("


def drop_key_column(t):
    t["town_measures"] = t["town_measures"].drop(columns="measure_id")
    return "town_measures: measure_id=(column missing) — every key column of the table is present"


def empty_key(t):
    t["segregation_indices"].loc[t["segregation_indices"].index[3], "group_code"] = None
    return "segregation_indices: group_code=(empty, row 3) — key columns are never empty"


def town_missing(t):
    frame = t["town_measures"]
    year, measure = frame["year"].max(), "broadband"
    drop = (frame["year"] == year) & (frame["measure_id"] == measure) & (frame["town_geoid"] == HARTFORD)
    t["town_measures"] = frame[~drop]
    return f"town_measures: town_geoid=168 towns for year {year}, measure_id broadband — every year × measure_id"


def towns_table_short(t):
    t["towns"] = t["towns"][t["towns"]["town_geoid"] != HARTFORD]
    return "towns: town_geoid=168 towns — the release names all 169 towns"


def town_layer_short(t):
    frame = t["geometry"].copy()
    row = _first(frame, geography_level="town")
    layer = json.loads(frame.loc[row, "geojson"])
    layer["features"] = layer["features"][1:]
    frame.loc[row, "geojson"] = json.dumps(layer)
    t["geometry"] = frame
    return "geometry: geojson=168 town features — the town layer holds 169 towns"


def unknown_agency(t):
    t["selection_rates"].loc[t["selection_rates"].index[0], "agency_code"] = "XYZ"
    return "selection_rates: agency_code=XYZ — agency_code must be a known code"


def unknown_job(t):
    t["workforce_utilization"].loc[t["workforce_utilization"].index[5], "job_category"] = "astronauts"
    return "workforce_utilization: job_category=astronauts — job_category must be a known code"


def unknown_group(t):
    t["segregation_indices"].loc[t["segregation_indices"].index[0], "group_code"] = "martian"
    return "segregation_indices: group_code=martian — group_code must be a known code"


def unknown_measure(t):
    t["access_by_group"].loc[t["access_by_group"].index[0], "measure_id"] = "moon_dust"
    return "access_by_group: measure_id=moon_dust — measure_id must be a known code"


def county_as_region(t):
    frame = t["access_by_group"]
    frame.loc[_first(frame, geography_level="region"), "geography_id"] = "09003"  # Hartford County, not a region
    return "access_by_group: geography_id=09003 (geography_level region) — geography_id must be an id of the"


def share_above_one(t):
    t["workforce_utilization"].loc[t["workforce_utilization"].index[7], "share"] = 1.2
    return "workforce_utilization: share=1.2 — shares, rates, p-values and availability lie in [0, 1]"


def negative_rate(t):
    frame = t["selection_rates"]
    frame.loc[frame.index[frame["rate"].notna()][0], "rate"] = -0.1
    return "selection_rates: rate=-0.1 — shares, rates, p-values and availability lie in [0, 1]"


def p_above_one(t):
    frame = t["selection_rates"]
    frame.loc[frame.index[frame["fisher_p"].notna()][0], "fisher_p"] = 1.5
    return "selection_rates: fisher_p=1.5 — shares, rates"


def negative_count(t):
    t["workforce_utilization"].loc[t["workforce_utilization"].index[2], "headcount"] = -3
    return "workforce_utilization: headcount=-3 — counts, ratios, populations, margins, spend and days are never"


def negative_ratio(t):
    frame = t["workforce_utilization"]
    frame.loc[frame.index[frame["utilization_ratio"].notna()][0], "utilization_ratio"] = -0.5
    return "workforce_utilization: utilization_ratio=-0.5 — counts, ratios"


def infinite_ratio(t):
    frame = t["selection_rates"]
    frame.loc[frame.index[frame["impact_ratio"].notna()][0], "impact_ratio"] = np.inf
    return "selection_rates: impact_ratio=inf — figures are finite (empty when undefined, never infinite)"


def negative_spend(t):
    t["contracting"].loc[t["contracting"].index[0], "eligible_spend"] = -100.0
    return "contracting: eligible_spend=-100.0 — counts, ratios"


CASES = [dup_row, drop_key_column, empty_key, town_missing, towns_table_short, town_layer_short, unknown_agency,
         unknown_job, unknown_group, unknown_measure, county_as_region, share_above_one, negative_rate, p_above_one,
         negative_count, negative_ratio, infinite_ratio, negative_spend]


@pytest.mark.parametrize("corrupt", CASES, ids=[c.__name__ for c in CASES])
def test_each_rule_refuses_its_corrupted_table(clean, corrupt):
    tables = _copy(clean)
    expected = corrupt(tables)
    with pytest.raises(ReleaseCheckError) as caught:
        validate_release(tables)
    problems = caught.value.problems
    assert any(line.startswith(expected) for line in problems), problems
    assert len(problems) == 1, problems  # one corruption, one problem: the clean tables hold no other


def test_a_long_list_is_capped_per_rule(clean):
    tables = _copy(clean)
    tables["workforce_utilization"]["share"] = 2.0
    problems = release_problems(tables)
    rows = len(tables["workforce_utilization"])
    assert problems == ["workforce_utilization: share=2.0 — shares, rates, p-values and availability lie in [0, 1]",
                        f"workforce_utilization: share — … and {rows - 1} more rows breaking: shares, rates, "
                        "p-values and availability lie in [0, 1]"]


@pytest.fixture
def refused_build(clean, published_demo, demo_inputs, tmp_path, monkeypatch):
    """A copy of the published demo database, and a build whose computed tables hold one bad share."""
    import pipeline.build as build

    database = tmp_path / "copy.sqlite"
    with sqlite3.connect(published_demo["settings"].database_url.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(database) as target:
        source.backup(target)
    url = f"sqlite:///{database}"
    before = [(r.release_id, r.status) for r in list_releases(get_engine(url))]

    def corrupted(*_args, **_kwargs):
        tables = _copy(clean)
        share_above_one(tables)
        return tables

    monkeypatch.setattr(build, "assemble_tables", corrupted)
    env = {**published_demo["env"], "CT_EQUITY_DATABASE_URL": url, "CT_EQUITY_DATA_DIR": str(tmp_path)}
    return url, before, env


def test_the_cli_exits_2_and_the_database_keeps_its_published_release(refused_build, demo_inputs,
                                                                      published_demo):
    import cli

    url, before, env = refused_build
    done = CliRunner().invoke(cli.main, ["build", "--inputs", str(demo_inputs), "--publish"], env=env)
    assert done.exit_code == 2
    assert "problem(s) in the computed release tables; nothing was written" in done.output
    assert "workforce_utilization: share=1.2 — shares, rates" in done.output
    engine = get_engine(url)
    assert [(r.release_id, r.status) for r in list_releases(engine)] == before
    assert current_release_id(engine) == published_demo["release_id"]
