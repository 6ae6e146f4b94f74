"""Derived benchmark values inherit suppression (DESIGN §5), tested by attack through every public channel.

The release of tests/benchmark_fixture.py has a small agency (SMAL) whose two Hispanic employees are a
suppressed cell. Its benchmark `workforce.share.hispanic` once published their share beside the agency's
visible total: share × total gave the 2 back. Every channel an anonymous caller has — the API's JSON and
CSV, and the data-access queries behind the overview, agency pages and embeds — is checked for every
benchmark, year and scope against the cells the value is read from.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import benchmark_fixture as fx
from tests.disclosure_gather import benchmark_channels
from tests.test_api import all_rows

FIGURES, KEY = fx.FIGURES, fx.KEY


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


def test_no_channel_shows_a_benchmark_figure_read_from_a_suppressed_cell(client, release, tables):
    settings, rid = release
    problems, hidden = fx.exposure_problems(tables, benchmark_channels(client, settings, rid, fx.AGENCIES))
    truth = tables["benchmark_progress"]
    # Not vacuous: hidden rows in every family that can be suppressed, and visible rows beside them.
    assert set(truth.loc[hidden, "metric_key"].str.split(".").str[0]) == {"workforce", "selection", "training"}
    assert (~hidden).sum() >= 20 and (hidden == truth["suppressed"]).all()
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


def test_what_changed_reports_the_new_statuses_and_never_a_hidden_one(tables):
    from data_access import codes
    from data_access.changes import compare_table
    from data_access.suppression import mask_for_viewer
    from data_access.viewer import ANONYMOUS
    from pipeline.stats.benchmarks import benchmark_progress
    from pipeline.stats.metrics import metric_series

    bench = fx.benchmarks().assign(target_value=0.0)  # every target now below its baseline: statuses flip
    new = benchmark_progress(metric_series(bench, tables), bench)
    old = tables["benchmark_progress"]
    report = compare_table("benchmark_progress", mask_for_viewer(old, "benchmark_progress", ANONYMOUS),
                           mask_for_viewer(new, "benchmark_progress", ANONYMOUS))
    flips = report["status_changes"]
    assert flips and {f["new"] for f in flips} <= set(codes.BENCHMARK_STATUSES)
    hidden = {tuple(r) for r in old.loc[old["suppressed"], KEY].itertuples(index=False)}
    assert not [f for f in flips if tuple(f["key"][k] for k in KEY) in hidden]
    assert not [m for m in report["largest_moves"] if tuple(m["key"][k] for k in KEY) in hidden]
