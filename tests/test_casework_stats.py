"""Hand-worked casework fixtures (DESIGN §4.6): complaints by view, goals set and met, working days."""
from __future__ import annotations

import datetime as dt

import holidays
import pandas as pd
import pytest

from pipeline.stats.aap import aap_goal_table, goals_met_share
from pipeline.stats.casework import accommodation_stats, complaint_stats, fiscal_year, working_days

LATER = dt.date(2025, 1, 15)  # the build runs after fiscal year 2024 has ended


def complaints(*rows: tuple) -> pd.DataFrame:
    names = ["complaint_id", "agency_code", "forum", "filed_on", "closed_on", "bases", "issues", "outcome"]
    return pd.DataFrame(rows, columns=names).astype(object).where(lambda f: f.notna(), None)


def row(table: pd.DataFrame, **equal: object) -> pd.Series:
    mask = pd.Series(True, index=table.index)
    for column, value in equal.items():
        mask &= table[column] == value
    assert mask.sum() == 1, equal
    return table[mask].iloc[0]


def test_connecticut_fiscal_years_start_in_july():
    dates = pd.to_datetime(pd.Series(["2023-06-30", "2023-07-01", "2024-06-30", "2024-07-01"]))
    assert fiscal_year(dates).tolist() == [2023, 2024, 2024, 2025]


def test_a_race_and_retaliation_complaint_open_120_days_counts_once_per_view_and_is_over_the_limit():
    # Filed 2 March 2024, still open: at the end of FY2024 (30 June 2024) it is 29 + 30 + 31 + 30 = 120 days
    # old (2 → 31 March 29 days, April 30, May 31, June 30), past the 90-day limit.
    table = complaint_stats(complaints(("C-1", "DOC", "internal", "2024-03-02", None, "race;retaliation",
                                        "discipline", None)), limit_days=90, today=LATER)
    fy = table[table["fiscal_year"] == 2024]
    for dimension, category in (("all", "ALL"), ("basis", "race"), ("basis", "retaliation"),
                                ("issue", "discipline")):
        for agency, forum in (("DOC", "internal"), ("DOC", "ALL"), ("ALL", "internal"), ("ALL", "ALL")):
            got = row(fy, agency_code=agency, forum=forum, dimension=dimension, category=category)
            assert (got["filed"], got["closed"], got["open_at_year_end"], got["over_limit_open"]) == (1, 0, 1, 1)
    basis = fy[(fy["dimension"] == "basis") & (fy["agency_code"] == "ALL") & (fy["forum"] == "ALL")]
    assert basis["filed"].sum() == 2  # the basis view does not add up to `all`: one complaint, two bases
    assert row(fy, agency_code="ALL", forum="chro", dimension="all", category="ALL")["filed"] == 0
    assert fy[fy["dimension"] == "outcome"]["closed"].sum() == 0


def test_a_complaint_open_exactly_90_days_at_year_end_is_not_over_the_limit():
    # 1 April 2024 → 30 June 2024 is 29 + 31 + 30 = 90 days: on the limit, not past it.
    table = complaint_stats(complaints(("C-1", "DOC", "chro", "2024-04-01", None, "age", "pay", None)),
                            limit_days=90, today=LATER)
    got = row(table, fiscal_year=2024, agency_code="ALL", forum="ALL", dimension="all", category="ALL")
    assert (got["open_at_year_end"], got["over_limit_open"]) == (1, 0)


def test_days_to_close_medians_and_the_share_closed_within_the_limit_by_forum_and_across_forums():
    table = complaint_stats(complaints(
        ("A", "DSS", "internal", "2023-08-01", "2023-09-10", "sex", "pay", "settled"),  # 40 days
        ("B", "DSS", "internal", "2023-08-01", "2023-12-29", "sex;age", "pay", "no_cause"),  # 150 days
        ("C", "DSS", "eeoc", "2023-07-03", "2023-10-01", "disability", "accommodation", "no_cause"),  # 90 days
        ("D", "DSS", "eeoc", "2022-12-01", "2023-07-20", "race", "hiring", "dismissed"),  # FY2023 → FY2024
    ), limit_days=90, today=LATER)
    internal = row(table, fiscal_year=2024, agency_code="DSS", forum="internal", dimension="all", category="ALL")
    assert (internal["filed"], internal["closed"]) == (2, 2)
    assert internal["median_days_to_close"] == 95 and internal["closed_within_limit_share"] == 0.5
    every = row(table, fiscal_year=2024, agency_code="DSS", forum="ALL", dimension="all", category="ALL")
    # Closed in FY2024: 40, 150, 90 and 231 days (1 Dec 2022 → 20 July 2023: 30 + 31 + 28 + 31 + 30 + 31 +
    # 30 + 20 = 231); within 90: 40 and 90.
    assert (every["filed"], every["closed"]) == (3, 4)
    assert every["median_days_to_close"] == 120 and every["closed_within_limit_share"] == 0.5
    fy23 = row(table, fiscal_year=2023, agency_code="DSS", forum="ALL", dimension="all", category="ALL")
    assert (fy23["filed"], fy23["closed"], fy23["open_at_year_end"], fy23["over_limit_open"]) == (1, 0, 1, 1)
    no_cause = row(table, fiscal_year=2024, agency_code="DSS", forum="ALL", dimension="outcome",
                   category="no_cause")
    assert no_cause["closed"] == 2 and pd.isna(no_cause["filed"]) and pd.isna(no_cause["open_at_year_end"])
    sex = row(table, fiscal_year=2024, agency_code="DSS", forum="ALL", dimension="basis", category="sex")
    assert (sex["filed"], sex["closed"], sex["median_days_to_close"]) == (2, 2, 95)


def test_the_year_still_running_is_read_today_not_at_its_end():
    table = complaint_stats(complaints(("A", "DOT", "internal", "2024-09-01", None, "race", "hiring", None)),
                            limit_days=90, today=dt.date(2024, 10, 1))
    got = row(table, fiscal_year=2025, agency_code="ALL", forum="ALL", dimension="all", category="ALL")
    assert (got["open_at_year_end"], got["over_limit_open"]) == (1, 0)  # 30 days old today
    assert table["fiscal_year"].max() == 2025


def test_the_holiday_library_knows_the_two_february_holidays_of_2025():
    ct = holidays.US(subdiv="CT", years=2025)
    assert dt.date(2025, 2, 12) in ct and dt.date(2025, 2, 17) in ct  # Lincoln's and Washington's Birthdays


@pytest.mark.parametrize(("decided_on", "days"), [("2025-03-05", 20), ("2025-03-06", 21)])
def test_working_days_skip_weekends_and_connecticut_holidays(decided_on, days):
    # Requested Monday 3 Feb 2025. Working days after it up to the decision: 3–7 Feb (5, the request day
    # counts as the first day of the clock), 10, 11, 13, 14 Feb (Lincoln's Birthday, Wed 12 Feb, is a state
    # holiday: 9), 18–21 Feb (Washington's Birthday, Mon 17 Feb: 13), 24–28 Feb (18), 3–4 Mar (20): a decision
    # on 5 March is at 20 working days; 6 March is 21. Counting weekdays only would give 22 and 23.
    start = pd.to_datetime(pd.Series(["2025-02-03"]))
    assert working_days(start, pd.to_datetime(pd.Series([decided_on]))).iat[0] == days


def requests(*rows: tuple) -> pd.DataFrame:
    names = ["request_id", "agency_code", "requested_on", "decided_on", "kind", "decision"]
    return pd.DataFrame(rows, columns=names).astype(object).where(lambda f: f.notna(), None)


def test_an_accommodation_decided_in_20_working_days_across_holidays_is_within_the_limit_21_is_not():
    table = accommodation_stats(requests(
        ("R1", "DSS", "2025-02-03", "2025-03-05", "disability", "granted"),
        ("R2", "DSS", "2025-02-03", "2025-03-06", "disability", "denied"),
    ), limit_days=20, today=dt.date(2025, 12, 1))
    got = row(table, fiscal_year=2025, agency_code="DSS", kind="disability")
    assert (got["requests"], got["decided"], got["pending_at_year_end"]) == (2, 2, 0)
    assert got["decided_within_limit_share"] == 0.5
    assert (got["granted_share"], got["denied_share"], got["median_days_to_decision"]) == (0.5, 0.5, 20.5)
    alone = accommodation_stats(requests(("R1", "DSS", "2025-02-03", "2025-03-05", "disability", "granted")),
                                limit_days=20, today=dt.date(2025, 12, 1))
    for kind in ("disability", "ALL"):
        assert row(alone, fiscal_year=2025, agency_code="ALL", kind=kind)["decided_within_limit_share"] == 1.0


def test_pending_and_withdrawn_requests():
    table = accommodation_stats(requests(
        ("R1", "DOC", "2024-06-10", None, "religious", None),  # pending at the end of FY2024 and after
        ("R2", "DOC", "2024-06-12", "2024-07-02", "pregnancy", "withdrawn"),  # pending at year end, no decision
        ("R3", "DOC", "2024-06-13", "2024-06-20", "pregnancy", "alternative_granted"),
    ), limit_days=20, today=dt.date(2024, 12, 1))
    fy24 = row(table, fiscal_year=2024, agency_code="DOC", kind="ALL")
    assert (fy24["requests"], fy24["decided"], fy24["pending_at_year_end"], fy24["granted_share"]) == (3, 1, 2, 1.0)
    fy25 = row(table, fiscal_year=2025, agency_code="DOC", kind="ALL")
    assert (fy25["requests"], fy25["decided"], fy25["pending_at_year_end"]) == (0, 0, 1)
    assert pd.isna(fy25["granted_share"])


def _plan_goals() -> pd.DataFrame:
    """77 goals of one plan with 78 selections toward them; 24 goals met (worked out below, not by the code)."""
    jobs = ["officials_administrators", "professionals", "technicians", "protective_sworn", "protective_nonsworn",
            "paraprofessionals", "administrative_support", "skilled_craft", "service_maintenance"]
    races = ["hispanic", "black", "asian", "two_or_more"]
    cells = [(j, a, r, s) for j in jobs for a in ("hire", "promotion") for r in races for s in ("female", "male")]
    cells = cells[:77]
    rows = []
    for i, (job, action, race, sex) in enumerate(cells):
        # Goals 0–23 are met (goal 2, achieved 2 → 48 selections); goals 24–53 fall one short (goal 2,
        # achieved 1 → 30 selections); goals 54–76 have none (goal 1, achieved 0). 48 + 30 = 78 selections.
        goal, achieved = (2, 2) if i < 24 else (2, 1) if i < 54 else (1, 0)
        rows.append({"agency_code": "DOC", "plan_year": 2025, "job_category": job, "action": action,
                     "race_ethnicity": race, "sex": sex, "goal": goal, "achieved": achieved})
    return pd.DataFrame(rows)


def test_a_plan_with_77_goals_and_78_selections_meets_24():
    table = aap_goal_table(_plan_goals())
    plan = row(table, agency_code="DOC", job_category="ALL", action="ALL")
    assert (plan["goal"], plan["achieved"], plan["met"]) == (77, 78, 24)
    state = row(table, agency_code="ALL", job_category="ALL", action="ALL")
    assert (state["goal"], state["achieved"], state["met"]) == (77, 78, 24)
    assert goals_met_share(table, "DOC").loc[2025] == pytest.approx(24 / 77)
    hires = row(table, agency_code="DOC", job_category="ALL", action="hire")
    promotions = row(table, agency_code="DOC", job_category="ALL", action="promotion")
    assert hires["goal"] + promotions["goal"] == 77 and hires["met"] + promotions["met"] == 24


def test_a_goal_names_a_race_a_sex_or_both():
    goals = pd.DataFrame([
        {"agency_code": "DOT", "plan_year": 2025, "job_category": "skilled_craft", "action": "hire",
         "race_ethnicity": r, "sex": s, "goal": 3, "achieved": a}
        for r, s, a in (("black", None, 3), (None, "female", 4), ("hispanic", "female", 1))
    ])
    table = aap_goal_table(goals)
    goal_rows = table[table["job_category"] != "ALL"].set_index("group_code")
    assert goal_rows["group_dimension"].to_dict() == {"black": "race_ethnicity", "female": "sex",
                                                      "hispanic_female": "race_sex"}
    assert goal_rows["met"].to_dict() == {"black": 1, "female": 1, "hispanic_female": 0}


@pytest.mark.parametrize("key", ["complaints.closed_within_limit_share", "accommodations.decided_within_limit_share",
                                 "aap.goals_met_share"])
def test_the_casework_benchmark_keys_support_state_and_agency(key):
    from pipeline.stats.metrics import metric_key_error

    assert metric_key_error(key, "state", []) is None and metric_key_error(key, "agency", []) is None
    assert "does not support scope 'region'" in metric_key_error(key, "region", [])
    assert "unknown metric_key" in metric_key_error(key + "s", "state", [])
