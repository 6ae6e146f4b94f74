"""The queries the /casework page and the scorecard panels call, checked against counts taken from the raw CSVs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access import casework_queries as cq
from data_access.viewer import ANONYMOUS, Viewer

YEAR = 2024


@pytest.fixture(scope="module")
def raw(demo_inputs) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(demo_inputs / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("complaints", "accommodations", "aap_goals", "equity_plans", "agencies")}


def fiscal(dates: pd.Series) -> pd.Series:
    dates = pd.to_datetime(dates.replace("", None))
    return dates.dt.year + (dates.dt.month >= 7)


@pytest.fixture
def release(published_demo):
    return published_demo["settings"], published_demo["release_id"]


def test_complaints_by_basis_count_each_complaint_under_each_of_its_bases(release, raw):
    complaints = raw["complaints"]
    filed = complaints[fiscal(complaints["filed_on"]) == YEAR]
    view = cq.complaint_view(*release, ANONYMOUS, "ALL", "basis").set_index(["fiscal_year", "category"])
    for basis in ("race", "retaliation", "disability"):
        expected = filed["bases"].str.split(";").map(lambda items, b=basis: b in items).sum()
        assert view.loc[(YEAR, basis), "filed"] == expected
    every = cq.complaint_view(*release, ANONYMOUS, "ALL", "all").set_index("fiscal_year")
    assert every.loc[YEAR, "filed"] == len(filed)
    assert view.loc[YEAR, "filed"].sum() > len(filed)  # several bases: the basis view does not add up to all


def test_forums_and_closing_time_with_the_limit(release, raw):
    complaints = raw["complaints"]
    closed = complaints[fiscal(complaints["closed_on"]) == YEAR]
    days = (pd.to_datetime(closed["closed_on"]) - pd.to_datetime(closed["filed_on"])).dt.days
    forums = cq.complaint_forums(*release, ANONYMOUS, "ALL").set_index(["fiscal_year", "forum"])
    assert forums.loc[(YEAR, "ALL"), "closed"] == len(closed)
    timing = cq.closing_time(*release, ANONYMOUS, "ALL").set_index(["fiscal_year", "forum"])
    assert timing.loc[(YEAR, "ALL"), "median_days_to_close"] == days.median()
    assert timing.loc[(YEAR, "ALL"), "closed_within_limit_share"] == pytest.approx((days <= 90).mean())
    assert (timing["limit_days"] == 90).all()


def test_accommodations_statewide(release, raw):
    requests = raw["accommodations"]
    rows = cq.accommodation_rows(*release, ANONYMOUS, "ALL").set_index(["fiscal_year", "kind"])
    asked = requests[fiscal(requests["requested_on"]) == YEAR]
    assert rows.loc[(YEAR, "ALL"), "requests"] == len(asked)
    assert rows.loc[(YEAR, "disability"), "requests"] == (asked["kind"] == "disability").sum()
    assert (rows["limit_days"] == 20).all()


def test_goals_set_and_met_with_the_commissions_decision(release, raw):
    goals = raw["aap_goals"].astype({"goal": int, "achieved": int, "plan_year": int})
    state = cq.aap_summary(*release, ANONYMOUS, "ALL").set_index("plan_year")
    plan = goals[goals["plan_year"] == 2025]
    assert state.loc[2025, "goals_set"] == len(plan)
    assert state.loc[2025, "goals_met"] == (plan["achieved"] >= plan["goal"]).sum()
    plans = raw["equity_plans"]
    assert state.loc[2025, "decided_approved"] == ((plans["plan_year"] == "2025")
                                                   & (plans["aap_decision"] == "approved")).sum()
    own = cq.aap_summary(*release, ANONYMOUS, "DOC").set_index("plan_year")
    mine = plans[(plans["agency_code"] == "DOC") & (plans["plan_year"] == "2025")].iloc[0]
    assert own.loc[2025, "aap_decision"] == mine["aap_decision"]
    assert (own.loc[2025, "aap_basis"] or "") == mine["aap_basis"]
    cells = cq.aap_goals_by_cell(*release, ANONYMOUS, "DOC", 2025)
    assert len(cells) == ((goals["agency_code"] == "DOC") & (goals["plan_year"] == 2025)).sum()


def test_the_scorecard_comparison_hides_the_agencys_hidden_years(release, raw):
    agencies = raw["agencies"]
    small = "OHA"
    peers = tuple(agencies.loc[(agencies["peer_group"] == agencies.set_index("agency_code").loc[small, "peer_group"])
                               & (agencies["agency_code"] != small), "agency_code"])
    public = cq.casework_comparison(*release, ANONYMOUS, small, peers)
    key = "complaints.closed_within_limit_share"
    mine = public[(public["metric_key"] == key) & (public["scope"] == "agency")]
    assert mine["suppressed"].any()
    assert mine.loc[mine["suppressed"], "value"].isna().all()
    insider = cq.casework_comparison(*release, Viewer("agency", frozenset({small})), small, peers)
    theirs = insider[(insider["metric_key"] == key) & (insider["scope"] == "agency")]
    assert theirs["value"].notna().sum() > mine["value"].notna().sum()
    state = public[(public["metric_key"] == key) & (public["scope"] == "state")].set_index("year")
    complaints = raw["complaints"]
    closed = complaints[fiscal(complaints["closed_on"]) == YEAR]
    days = (pd.to_datetime(closed["closed_on"]) - pd.to_datetime(closed["filed_on"])).dt.days
    assert state.loc[YEAR, "value"] == pytest.approx((days <= 90).mean())
    peer = public[(public["metric_key"] == key) & (public["scope"] == "peer")]
    assert (peer["excluded"] >= 0).all() and set(public["metric_key"]) == {
        key, "accommodations.decided_within_limit_share", "aap.goals_met_share"}


def test_the_peer_row_adds_up_the_visible_other_agencies_and_counts_the_hidden_ones():
    """What the scorecard's peer line shows: per year the sum over the other agencies of the group that the viewer
    may see, with how many were left out as suppressed; the agency's and the state's own rows as they are."""
    frame = pd.DataFrame({
        "fiscal_year": [2024, 2024, 2024, 2024, 2025, 2025, 2025, 2025],
        "agency_code": ["OWN", "P1", "P2", "ALL", "OWN", "P1", "P2", "ALL"],
        "suppressed": [False, False, True, False, True, True, True, False],
        "closed": [10, 20, None, 100, None, None, None, 90],
        "closed_within_limit_share": [0.5, 0.25, None, 0.4, None, None, None, 0.5],
    })
    counts = cq._within(frame, "closed_within_limit_share", "closed")
    parts = cq._scope_rows(frame, "fiscal_year", counts, "OWN", ("P1", "P2"))
    rows = pd.DataFrame([dict(zip(["year", "scope", "excluded", "suppressed", "total", "within"], values))
                         for part in parts for values in zip(*part)])
    peer = rows[rows["scope"] == "peer"].set_index("year")
    assert list(peer.index) == [2024]  # in 2025 every peer is hidden: no peer figure at all
    assert peer.loc[2024, "total"] == 20 and peer.loc[2024, "within"] == 5 and peer.loc[2024, "excluded"] == 1
    own = rows[rows["scope"] == "agency"].set_index("year")
    assert own.loc[2024, "within"] == 5 and bool(own.loc[2025, "suppressed"]) and np.isnan(own.loc[2025, "total"])
    assert list(rows[rows["scope"] == "state"]["total"]) == [100, 90]
    assert [s for s in rows["scope"]] == ["agency", "agency", "peer", "state", "state"]
