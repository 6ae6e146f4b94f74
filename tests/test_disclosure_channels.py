"""Disclosure by attack across channels: what an anonymous caller gathers from the API (JSON and CSV)
and from the pages' downloads never lets subtraction recover a suppressed count."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from tests.test_api import all_rows
from tests.test_suppression import attack, empty_x, workforce_equations

YEAR = 2024


@pytest.fixture
def client(app_env):
    from app import app

    return app.server.test_client()


def test_the_api_gives_an_outsider_nothing_to_subtract(client, published_demo):
    from data_access.queries import read_table

    truth = read_table(published_demo["settings"], "workforce_utilization", published_demo["release_id"],
                       fiscal_year=YEAR).reset_index(drop=True)
    public = pd.DataFrame(all_rows(client, f"/api/v1/workforce-utilization?fiscal_year={YEAR}&limit=1000"))
    assert len(public) == len(truth)
    key = ["agency_code", "job_category", "group_dimension", "group_code"]
    seen = truth[key].merge(public[[*key, "headcount", "suppressed"]], on=key, how="left")
    known = seen["headcount"].notna().to_numpy()
    assert truth["suppressed"].sum() > 0 and (~known).sum() == truth["suppressed"].sum()
    assert (seen.loc[seen["suppressed"].astype(bool), "headcount"].isna()).all()
    learnt = attack(truth["headcount"].to_numpy(dtype=float), known, workforce_equations(truth))
    assert not (learnt & ~known & ~empty_x(truth)).any()  # an empty sex x row is hidden, but its 0 is no secret


def test_csv_and_json_channels_show_the_same_cells(client):
    url = f"/api/v1/workforce-utilization?fiscal_year={YEAR}&agency_code=FOIC&limit=1000"
    rows = all_rows(client, url)
    text = client.get(url + "&format=csv").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows) > 0
    for json_row, csv_row in zip(rows, table):
        shown = "" if json_row["headcount"] is None else str(json_row["headcount"])
        assert csv_row["headcount"] == shown
        if json_row["suppressed"]:
            assert csv_row["share"] == "" and csv_row["headcount"] == ""
    assert np.any([r["suppressed"] for r in rows]), "FOIC is small: some of its cells must be suppressed"


def test_no_benchmark_value_read_from_a_suppressed_cell_reaches_an_outsider(client, published_demo):
    """Every benchmark, year and scope of the demo against its source cells (DESIGN §5: derived tables inherit
    suppression), through the API's JSON and CSV and the queries behind the overview, agency pages and embeds."""
    from data_access import workforce_queries as wq
    from data_access.queries import read_table
    from tests.benchmark_fixture import exposure_problems
    from tests.disclosure_gather import benchmark_channels

    settings, rid = published_demo["settings"], published_demo["release_id"]
    tables = {t: read_table(settings, t, rid) for t in ("benchmark_progress", "workforce_utilization",
                                                         "selection_rates", "training")}
    agencies = wq.agency_list(settings, rid)["agency_code"].tolist()
    problems, hidden = exposure_problems(tables, benchmark_channels(client, settings, rid, agencies))
    assert hidden.any() and (~hidden).sum() > 100, "the demo has benchmarks over suppressed and visible cells"
    assert not problems, f"{len(problems)} problems, e.g. {problems[:6]}"


CASEWORK = {"complaint-stats": "complaint_stats", "accommodation-stats": "accommodation_stats",
            "aap-goals": "aap_goals"}
CASEWORK_FIGURES = {"complaint_stats": "closed", "accommodation_stats": "decided", "aap_goals": "achieved"}


@pytest.mark.parametrize("slug", list(CASEWORK))
def test_the_casework_api_and_queries_give_an_outsider_nothing_to_subtract(client, published_demo, slug):
    """Complaints, accommodations and goals as the API and the page queries serve them to the public: the
    attack over forums, agencies, views and years (tests/casework_attack.py) recovers no hidden figure."""
    from data_access import casework_queries as cq
    from data_access.queries import read_table
    from data_access.viewer import ANONYMOUS
    from tests import casework_attack as ca
    from tests.test_casework_disclosure import TABLES

    table = CASEWORK[slug]
    settings, rid = published_demo["settings"], published_demo["release_id"]
    truth = read_table(settings, table, rid)
    key = {"complaint_stats": ["fiscal_year", "agency_code", "forum", "dimension", "category"],
           "accommodation_stats": ["fiscal_year", "agency_code", "kind"],
           "aap_goals": ["plan_year", "agency_code", "job_category", "action", "group_dimension", "group_code"]}[table]
    truth = truth.sort_values(key, ignore_index=True)
    public = pd.DataFrame(all_rows(client, f"/api/v1/{slug}?limit=1000"))
    assert len(public) == len(truth)
    figure = CASEWORK_FIGURES[table]
    seen = truth[key].merge(public[[*key, figure, "suppressed"]], on=key, how="left")
    assert (seen["suppressed"] == truth["suppressed"]).all() and truth["suppressed"].any()
    assert seen.loc[seen["suppressed"], figure].isna().all()
    reader = {"complaint_stats": cq.complaint_rows, "accommodation_stats": cq.accommodation_rows,
              "aap_goals": cq.aap_goal_rows}[table]
    pages = pd.concat([reader(settings, rid, ANONYMOUS, code) for code in truth["agency_code"].unique()])
    paged = truth[key].merge(pages[[*key, "suppressed"]], on=key, how="left")
    assert (paged["suppressed"] == seen["suppressed"]).all()  # the page queries hide exactly what the API hides
    values_of, equations_of = TABLES[table]
    values = values_of(truth)
    known = np.repeat((~seen["suppressed"].to_numpy(dtype=bool))[:, None], values.shape[1], axis=1)
    learnt = ca.attack(values, known, equations_of(truth, values))
    assert not (learnt & ~known.ravel() & ~np.isnan(values.ravel())).any()
