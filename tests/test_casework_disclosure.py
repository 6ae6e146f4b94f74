"""Disclosure control of the casework tables, tested by attack (DESIGN §5): forums, agencies, the basis / issue
/ outcome views, the years and the shares never give a hidden count back, to outsiders or to another agency."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data_access import suppression
from data_access.suppression import mask_for_viewer, primary_suppression, suppression_flags
from data_access.viewer import ANONYMOUS, Viewer
from pipeline.assemble import casework_tables
from pipeline.stats.casework import complaint_stats
from pipeline.validate import validate_inputs
from tests import casework_attack as ca

K = 5
TABLES = {
    "complaint_stats": (ca.complaint_values, ca.complaint_equations),
    "accommodation_stats": (ca.accommodation_values, ca.accommodation_equations),
    "aap_goals": (ca.goal_values, ca.goal_equations),
}


@pytest.fixture(scope="module")
def tables(demo_inputs):
    from data_access.settings import load_settings

    frames = validate_inputs(demo_inputs)
    built = casework_tables(frames, load_settings({}), today=dt.date(2026, 1, 1))
    return {name: frame.reset_index(drop=True) for name, frame in built.items()}


def leaked(frame: pd.DataFrame, name: str, known_rows: np.ndarray) -> int:
    """How many hidden figures the attacker works out, given the rows it can read."""
    values_of, equations_of = TABLES[name]
    values = values_of(frame)
    known = np.repeat(known_rows[:, None], values.shape[1], axis=1)
    learnt = ca.attack(values, known, equations_of(frame, values))
    return int((learnt & ~known.ravel() & ~np.isnan(values.ravel())).sum())


@pytest.mark.parametrize("name", list(TABLES))
def test_an_outsider_recovers_no_hidden_casework_figure(tables, name):
    frame = tables[name]
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    assert 0 < hidden.sum() < len(frame)
    assert leaked(frame, name, ~hidden) == 0


@pytest.mark.parametrize("name", list(TABLES))
def test_an_agency_insider_recovers_no_other_agencys_hidden_figure(tables, name):
    frame = tables[name]
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    for agency in ("DOC", "DSS", "OHA"):  # a large, a middle-sized and a small agency
        own = (frame["agency_code"] == agency).to_numpy()
        values_of, equations_of = TABLES[name]
        values = values_of(frame)
        known = np.repeat((~hidden | own)[:, None], values.shape[1], axis=1)
        learnt = ca.attack(values, known, equations_of(frame, values)).reshape(values.shape)
        others = ~own & hidden
        assert not (learnt[others] & ~np.isnan(values[others])).any(), agency


def test_the_attack_bites_without_complementary_or_year_suppression(demo_inputs):
    """The same attack finds hidden counts when only primary cells are hidden, or when a series' later years
    stay visible (open at year end then comes back from the next year's filed and closed)."""
    frame = complaint_stats(validate_inputs(demo_inputs)["complaints"], 90, dt.date(2026, 1, 1))
    frame = frame.reset_index(drop=True)
    primary = primary_suppression(frame, "complaint_stats", K).to_numpy()
    assert leaked(frame, "complaint_stats", ~primary) > 0
    later = suppression.LATER_YEARS.pop("complaint_stats")
    try:
        without_years = suppression_flags(frame, "complaint_stats", K).to_numpy()
    finally:
        suppression.LATER_YEARS["complaint_stats"] = later
    assert leaked(frame, "complaint_stats", ~without_years) > 0
    assert leaked(frame, "complaint_stats", ~suppression_flags(frame, "complaint_stats", K).to_numpy()) == 0


def _complaint_row(**figures) -> dict:
    row = {"fiscal_year": 2024, "agency_code": "DOC", "forum": "internal", "dimension": "all", "category": "ALL",
           "filed": 40, "closed": 30, "open_at_year_end": 20, "median_days_to_close": 60.0,
           "p90_days_to_close": 120.0, "closed_within_limit_share": 0.5, "over_limit_open": 10}
    return {**row, **figures}


@pytest.mark.parametrize(("figures", "hidden"), [
    ({}, False),
    ({"over_limit_open": 3}, True),  # three complaints open past the limit
    ({"open_at_year_end": 2, "over_limit_open": 0}, True),
    ({"closed_within_limit_share": 29 / 30}, True),  # the share tells that one complaint took too long
    ({"closed_within_limit_share": 1 / 30}, True),  # … or that one closed in time
    ({"closed_within_limit_share": 1.0}, False),  # none past the limit: zero is not a small count
    ({"filed": 0, "closed": 0, "open_at_year_end": 0, "over_limit_open": 0,
      "closed_within_limit_share": None}, False),
])
def test_primary_suppression_of_a_complaint_row(figures, hidden):
    frame = pd.DataFrame([_complaint_row(**figures)])
    assert primary_suppression(frame, "complaint_stats", K).tolist() == [hidden]


def test_primary_suppression_of_accommodations_and_goals():
    requests = pd.DataFrame({"requests": [30, 30, 30], "decided": [20, 20, 4], "granted_share": [0.9, 0.5, 1.0],
                             "denied_share": [0.1, 0.5, 0.0], "decided_within_limit_share": [1.0, 1.0, 1.0],
                             "pending_at_year_end": [6, 6, 6]})
    # 18 granted and 2 denied: the denied share gives 2 away; 10 and 10 are fine; 4 decided is small.
    assert primary_suppression(requests, "accommodation_stats", K).tolist() == [True, False, True]
    goals = pd.DataFrame({"goal": [3, 3, 77], "achieved": [0, 2, 78], "met": [0, 0, 24]})
    assert primary_suppression(goals, "aap_goals", K).tolist() == [False, True, False]


def test_viewers_see_the_casework_their_role_allows(tables):
    frame = tables["complaint_stats"]
    hidden = frame[frame["suppressed"]]
    agency = hidden[hidden["agency_code"] != "ALL"]["agency_code"].iat[0]
    public = mask_for_viewer(frame, "complaint_stats", ANONYMOUS)
    assert public.loc[hidden.index, "filed"].isna().all()
    assert public.loc[hidden.index, ["closed", "median_days_to_close", "closed_within_limit_share"]].isna().all().all()
    statewide = mask_for_viewer(frame, "complaint_stats", Viewer("statewide"))
    assert statewide.loc[hidden.index, "closed"].notna().all() and not statewide["suppressed"].any()
    insider = mask_for_viewer(frame, "complaint_stats", Viewer("agency", frozenset({agency})))
    own = hidden.index[hidden["agency_code"] == agency]
    other = hidden.index[hidden["agency_code"] != agency]
    assert insider.loc[own, "closed"].notna().all() and insider.loc[other, "closed"].isna().all()


def test_goals_hide_what_was_achieved_not_the_goal(tables):
    frame = tables["aap_goals"]
    public = mask_for_viewer(frame, "aap_goals", ANONYMOUS)
    hidden = frame["suppressed"]
    assert public.loc[hidden, ["achieved", "met"]].isna().all().all()
    assert public.loc[hidden, "goal"].notna().all()  # the plan's goal is public; the selections are not
