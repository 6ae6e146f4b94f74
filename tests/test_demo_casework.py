"""The demo's casework inputs are realistic: volumes, several bases, open cases, decisions, goals from gaps."""
from __future__ import annotations

import pandas as pd
import pytest

from data_access import codes
from pipeline.demo.benchmarks import effective_availability
from pipeline.demo.generate import demo_frames


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo_frames(seed=2024, scale=1)


def test_hundreds_of_complaints_a_year_across_the_three_forums(frames):
    complaints = frames["complaints.csv"]
    year = pd.to_datetime(complaints["filed_on"])
    fiscal = year.dt.year + (year.dt.month >= 7)
    per_year = complaints.groupby(fiscal).size()
    assert per_year.between(200, 600).all() and set(per_year.index) == set(range(2019, 2026))
    share = complaints["forum"].value_counts(normalize=True)
    assert set(share.index) == set(codes.FORUMS) and share["internal"] > share["chro"] > share["eeoc"] > 0.05


def test_a_share_name_several_bases_retaliation_most_often_added(frames):
    bases = frames["complaints.csv"]["bases"].str.split(";")
    several = bases[bases.str.len() > 1]
    assert 0.15 < len(several) / len(bases) < 0.5
    added = several.explode().value_counts()
    assert added.index[0] == "retaliation"


def test_some_complaints_are_still_open_past_the_limit_when_the_data_end(frames):
    complaints = frames["complaints.csv"]
    open_ = complaints[complaints["closed_on"] == ""]
    age = (pd.Timestamp("2025-06-30") - pd.to_datetime(open_["filed_on"])).dt.days
    assert (age > 90).sum() >= 20 and (age <= 90).sum() >= 20
    assert (open_["outcome"] == "").all()
    closed = complaints[complaints["closed_on"] != ""]
    days = (pd.to_datetime(closed["closed_on"]) - pd.to_datetime(closed["filed_on"])).dt.days
    internal = days[closed["forum"] == "internal"]
    assert (days >= 0).all() and 0.6 < (internal <= 90).mean() < 0.95


def test_most_accommodation_requests_are_granted(frames):
    requests = frames["accommodations.csv"]
    decided = requests[requests["decision"].isin(["granted", "alternative_granted", "denied"])]
    granted = decided["decision"].isin(["granted", "alternative_granted"]).mean()
    assert 0.8 < granted < 0.97 and len(requests) > 1000
    assert requests["kind"].value_counts().index[0] == "disability"
    assert ((requests["decision"] == "") == (requests["decided_on"] == "")).all()


def test_goals_come_from_the_agencys_own_under_utilized_cells_of_the_year_before(frames):
    goals = frames["aap_goals.csv"]
    staff = frames["workforce.csv"]
    staff = staff.assign(availability=effective_availability(staff, frames["availability.csv"]))
    checked = 0
    for goal in goals.sample(60, random_state=1).itertuples(index=False):
        cell = staff[(staff["fiscal_year"] == goal.plan_year - 1) & (staff["agency_code"] == goal.agency_code)
                     & (staff["job_category"] == goal.job_category)]
        column, group = ("race_ethnicity", goal.race_ethnicity) if goal.race_ethnicity else ("sex", goal.sex)
        mine = cell[cell[column] == group]
        expected = (mine["availability"] * cell["headcount"].sum()).sum()
        assert expected - mine["headcount"].sum() >= 1 and mine["headcount"].sum() < 0.8 * expected
        checked += 1
    assert checked == 60
    met = goals["achieved"] >= goals["goal"]
    assert 0.15 < met.mean() < 0.7
    assert set(goals["action"]) == set(codes.AAP_ACTIONS) and set(goals["plan_year"]) == {2024, 2025}


def test_the_commissions_basis_is_given_only_for_approved_plans(frames):
    plans = frames["equity_plans.csv"]
    approved = plans["aap_decision"].isin(codes.AAP_APPROVED)
    assert (plans.loc[approved, "aap_basis"] != "").all() and (plans.loc[~approved, "aap_basis"] == "").all()
    assert set(plans["aap_decision"]) >= {"approved", "conditionally_approved", "pending", "disapproved"}


def test_the_casework_benchmarks_start_from_the_release_figures(frames):
    """The demo's baselines (worked out from the raw files) equal the values the release tables give."""
    import datetime as dt
    import io

    from data_access.settings import load_settings
    from pipeline.assemble import casework_tables
    from pipeline.stats.metrics import metric_series

    typed = {name[:-4]: pd.read_csv(io.StringIO(frames[name].to_csv(index=False)), dtype=str,
                                    keep_default_na=False).replace("", None)
             for name in ("complaints.csv", "accommodations.csv", "aap_goals.csv")}
    typed["aap_goals"] = typed["aap_goals"].astype({"plan_year": int, "goal": int, "achieved": int})
    tables = casework_tables(typed, load_settings({}), today=dt.date(2026, 1, 1))
    marks = frames["benchmarks.csv"]
    marks = marks[marks["metric_key"].str.startswith(("complaints.", "accommodations.", "aap."))]
    assert len(marks) == 3
    series = metric_series(marks, tables).set_index(["metric_key", "year"])["value"]
    for mark in marks.itertuples(index=False):
        assert series[(mark.metric_key, int(mark.baseline_year))] == pytest.approx(mark.baseline_value, abs=1e-4)
