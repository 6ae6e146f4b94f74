"""Derived benchmark values inherit suppression (DESIGN §5), tested by attack through every public channel.

The release of tests/benchmark_fixture.py has a small agency (SMAL) whose two Hispanic employees are a
suppressed cell. Its benchmark `workforce.share.hispanic` once published their share beside the agency's
visible total: share × total gave the 2 back. Every channel an anonymous caller has — the API's JSON and
CSV, and the data-access queries behind the overview, agency pages and embeds — is checked for every
benchmark, year and scope against the cells the value is read from.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime

import pandas as pd
import pytest

from tests import benchmark_fixture as fx
from tests.test_api import all_rows

FIGURES = ("value", "progress", "fitted_value", "slope", "slope_ci_low", "slope_ci_high", "status")
KEY = ["metric_key", "scope", "scope_id", "year"]


@pytest.fixture(scope="module")
def tables():
    return fx.release_tables()


@pytest.fixture
def release(settings_for, tmp_path, tables):
    """The fixture release written to a fresh SQLite database and published."""
    from data_access.db import get_engine
    from data_access.releases import publish, write_release

    settings = settings_for(f"sqlite:///{tmp_path / 'bench.sqlite'}", SUPPRESSION_K=str(fx.K))
    engine = get_engine(settings.database_url)
    record = {"release_id": "bench-1", "created_at": datetime.now(UTC), "inputs_sha256": "0" * 64,
              "code_version": "test", "notes": "", "synthetic": True}
    write_release(engine, record, tables)
    publish(engine, "bench-1")
    return settings, "bench-1"


@pytest.fixture
def client(release):
    from app import app

    return app.server.test_client()


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def test_share_times_visible_total_no_longer_gives_back_two_people(client, tables):
    """The attack of issue #13: SMAL's Hispanic share × SMAL's visible total = its suppressed headcount."""
    wu = tables["workforce_utilization"]
    cell = wu[(wu["agency_code"] == "SMAL") & (wu["job_category"] == "ALL") & (wu["group_code"] == "hispanic")]
    assert cell["suppressed"].all() and set(cell["headcount"]) == {2}, "the fixture's small cell"
    totals = {r["fiscal_year"]: r["total"] for r in all_rows(
        client, "/api/v1/workforce-utilization?agency_code=SMAL&job_category=ALL&group_dimension=all&limit=1000")}
    assert all(t is not None for t in totals.values()) and len(totals) == len(fx.YEARS), "totals stay visible"
    shares = all_rows(client, "/api/v1/benchmark-progress?metric_key=workforce.share.hispanic&scope=agency"
                              "&scope_id=SMAL&limit=1000")
    assert len(shares) == len(fx.YEARS)
    recovered = [row["value"] * totals[row["year"]] for row in shares if row["value"] is not None]
    assert not recovered, f"share × total recovers the hidden headcount: {recovered}"
    assert all(row["suppressed"] and all(row[c] is None for c in FIGURES) for row in shares)


def _channels(client, settings, rid: str) -> dict[str, pd.DataFrame]:
    """Every benchmark row an anonymous caller can obtain, per channel."""
    from data_access import queries
    from data_access import workforce_queries as wq

    json_rows = pd.DataFrame(all_rows(client, "/api/v1/benchmark-progress?limit=1000"))
    text = client.get("/api/v1/benchmark-progress?limit=1000&format=csv").get_data(as_text=True)
    csv_rows = pd.DataFrame(list(csv.DictReader(io.StringIO(text))))
    for column in ("year", "value"):
        csv_rows[column] = pd.to_numeric(csv_rows[column], errors="coerce")
    pages = pd.concat([queries.benchmark_progress(settings, rid, scope) for scope in ("state", "agency", "region")]
                      + [wq.agency_benchmarks(settings, rid, code) for code in fx.AGENCIES], ignore_index=True)
    return {"api json": json_rows, "api csv": csv_rows, "page queries": pages}


def test_no_channel_shows_a_benchmark_figure_read_from_a_suppressed_cell(client, release, tables):
    settings, rid = release
    truth = tables["benchmark_progress"]
    hidden = truth.apply(lambda row: fx.hidden_from_public(tables, row), axis=1)
    # Not vacuous: hidden rows in every family that can be suppressed, and visible rows beside them.
    families = set(truth.loc[hidden, "metric_key"].str.split(".").str[0])
    assert families == {"workforce", "selection", "training"} and (~hidden).sum() >= 20
    problems = []
    for channel, shown in _channels(client, settings, rid).items():
        shown = shown.assign(year=shown["year"].astype(int), scope_id=shown["scope_id"].fillna("").astype(str))
        merged = truth[KEY].assign(is_hidden=hidden.to_numpy(), true_value=truth["value"]).merge(
            shown, on=KEY, how="left", indicator=True)
        seen = merged[merged["_merge"] == "both"]
        if channel != "page queries":
            assert len(seen) == len(truth), f"{channel} lacks benchmark rows"
        for row in seen.itertuples():
            shown_figures = [c for c in FIGURES if not _blank(getattr(row, c))]
            if row.is_hidden and shown_figures:
                problems.append((channel, row.metric_key, row.scope_id, row.year, shown_figures))
            if not row.is_hidden and (_blank(row.value) or abs(float(row.value) - row.true_value) > 1e-9):
                problems.append((channel, row.metric_key, row.scope_id, row.year, "visible value missing or wrong"))
    assert not problems, f"{len(problems)} problems, e.g. {problems[:6]}"


def test_agency_users_see_their_own_benchmarks_and_statewide_users_all(release, tables):
    from data_access.suppression import mask_for_viewer
    from data_access.viewer import Viewer

    truth = tables["benchmark_progress"]
    hidden = truth["suppressed"].astype(bool)
    assert hidden.any()
    own = mask_for_viewer(truth, "benchmark_progress", Viewer("agency", frozenset({"SMAL"})))
    smal = (truth["scope"] == "agency") & (truth["scope_id"] == "SMAL")
    assert own.loc[smal, "value"].notna().all() and not own.loc[smal, "suppressed"].any()
    assert own.loc[hidden & ~smal, "value"].isna().all(), "another agency's or the state's hidden rows stay hidden"
    everything = mask_for_viewer(truth, "benchmark_progress", Viewer("statewide"))
    assert everything["value"].notna().all() and not everything["suppressed"].any()
