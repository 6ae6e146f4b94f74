"""Synthetic EEO casework: discrimination complaints, accommodation requests and affirmative action goals.

Complaints arrive in proportion to each agency's headcount (hundreds a year statewide) across the internal
process, the Commission on Human Rights and Opportunities (chro) and the EEOC; about a third name more than
one basis, most often retaliation added to another; internal investigations mostly close within about three
months, the agencies' outside cases take much longer, and some are still open past the limit when the data
end. Accommodation requests are mostly granted, in a few working days to a few weeks. Goals of each plan year
come from the agency's own under-utilized cells of the year before (shortfall of at least one person and a
ratio below 0.8), and are met or not by the hires and promotions the personnel actions record.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access import codes
from pipeline.stats.casework import ct_holidays

FISCAL_YEARS = tuple(range(2019, 2026))
DATA_END = dt.date(2025, 6, 30)  # the extract's date: later closings and decisions are still open
PLAN_YEARS = (2024, 2025)
COMPLAINTS_PER_EMPLOYEE = 0.011
FORUM_ODDS = (0.58, 0.28, 0.14)  # codes.FORUMS order
# Median days to close and the spread (log scale) per forum.
CLOSE_DAYS = {"internal": (62, 0.55), "chro": (240, 0.5), "eeoc": (300, 0.5)}
BASIS_WEIGHTS = {
    "race": 0.22, "color": 0.03, "national_origin": 0.05, "ancestry": 0.02, "sex": 0.16, "sexual_orientation": 0.03,
    "gender_identity": 0.02, "religion": 0.03, "age": 0.11, "disability": 0.17, "marital_status": 0.01,
    "veteran": 0.02, "genetic_information": 0.005, "retaliation": 0.085, "other": 0.04,
}
COMPANION = {"race": "color", "national_origin": "ancestry", "sex": "sexual_orientation", "age": "disability"}
RETALIATION_ADDED, COMPANION_ADDED = 0.27, 0.08
ISSUE_WEIGHTS = {
    "hiring": 0.07, "promotion": 0.10, "discharge": 0.12, "harassment": 0.22, "terms_conditions": 0.16,
    "pay": 0.06, "discipline": 0.14, "accommodation": 0.08, "other": 0.05,
}
OUTCOME_ODDS = {  # codes.COMPLAINT_OUTCOMES order: no_cause, settled, withdrawn, cause_found, admin., dismissed
    "internal": (0.55, 0.10, 0.12, 0.13, 0.05, 0.05),
    "chro": (0.45, 0.25, 0.08, 0.04, 0.10, 0.08),
    "eeoc": (0.50, 0.18, 0.07, 0.03, 0.12, 0.10),
}
REQUESTS_PER_EMPLOYEE = 0.018
KIND_ODDS = (0.86, 0.08, 0.06)  # codes.ACCOMMODATION_KINDS order
DECISION_ODDS = (0.72, 0.12, 0.07, 0.09)  # codes.ACCOMMODATION_DECISIONS order
DECISION_WORKING_DAYS = (9, 0.7)  # median working days to a decision and the log spread
GOAL_RATIO = 0.8


def _dates(year: int, n: int, rng: np.random.Generator) -> np.ndarray:
    start = np.datetime64(f"{year - 1}-07-01")
    return start + rng.integers(0, 366 if year % 4 == 0 else 365, n).astype("timedelta64[D]")


def _pick(weights: dict[str, float], rng: np.random.Generator) -> str:
    names = list(weights)
    p = np.array(list(weights.values()))
    return names[rng.choice(len(names), p=p / p.sum())]


def _bases(rng: np.random.Generator) -> str:
    first = _pick(BASIS_WEIGHTS, rng)
    bases = [first]
    if first in COMPANION and rng.random() < COMPANION_ADDED / 0.2:
        bases.append(COMPANION[first])
    if first != "retaliation" and rng.random() < RETALIATION_ADDED:
        bases.append("retaliation")
    return ";".join(sorted(bases, key=codes.COMPLAINT_BASES.index))


def _issues(rng: np.random.Generator) -> str:
    issues = {_pick(ISSUE_WEIGHTS, rng)}
    if rng.random() < 0.25:
        issues.add(_pick(ISSUE_WEIGHTS, rng))
    return ";".join(sorted(issues, key=codes.COMPLAINT_ISSUES.index))


def _headcounts(workforce: pd.DataFrame) -> pd.DataFrame:
    return workforce.groupby(["fiscal_year", "agency_code"], as_index=False)["headcount"].sum()


def complaints_frame(workforce: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Complaints filed in fiscal years 2019–2025 with forum, dates, bases, issues and (once closed) outcome."""
    rows = []
    end = np.datetime64(DATA_END)
    for cell in _headcounts(workforce).itertuples(index=False):
        if cell.fiscal_year not in FISCAL_YEARS:
            continue
        n = rng.poisson(cell.headcount * COMPLAINTS_PER_EMPLOYEE)
        filed = np.sort(_dates(cell.fiscal_year, n, rng))
        for i, day in enumerate(filed):
            forum = codes.FORUMS[rng.choice(3, p=FORUM_ODDS)]
            median, spread = CLOSE_DAYS[forum]
            closed = day + np.timedelta64(max(3, int(rng.lognormal(np.log(median), spread))), "D")
            is_closed = closed <= end
            outcome = codes.COMPLAINT_OUTCOMES[rng.choice(6, p=OUTCOME_ODDS[forum])]
            rows.append({
                "complaint_id": f"{cell.agency_code}-{cell.fiscal_year}-{i + 1:04d}",
                "agency_code": cell.agency_code, "forum": forum, "filed_on": str(day),
                "closed_on": str(closed) if is_closed else "", "bases": _bases(rng), "issues": _issues(rng),
                "outcome": outcome if is_closed else "",
            })
    return pd.DataFrame(rows, columns=["complaint_id", "agency_code", "forum", "filed_on", "closed_on", "bases",
                                       "issues", "outcome"])


def accommodations_frame(workforce: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Reasonable-accommodation requests: kind, request date, decision and its date (working days later)."""
    rows = []
    end = np.datetime64(DATA_END)
    holidays = ct_holidays()
    for cell in _headcounts(workforce).itertuples(index=False):
        if cell.fiscal_year not in FISCAL_YEARS:
            continue
        n = rng.poisson(cell.headcount * REQUESTS_PER_EMPLOYEE)
        asked = np.sort(_dates(cell.fiscal_year, n, rng))
        for i, day in enumerate(asked):
            median, spread = DECISION_WORKING_DAYS
            days = max(1, int(rng.lognormal(np.log(median), spread)))
            decided = np.busday_offset(day, days, roll="forward", holidays=holidays)
            decision = codes.ACCOMMODATION_DECISIONS[rng.choice(4, p=DECISION_ODDS)]
            done = decided <= end
            rows.append({
                "request_id": f"R-{cell.agency_code}-{cell.fiscal_year}-{i + 1:04d}",
                "agency_code": cell.agency_code, "requested_on": str(day),
                "decided_on": str(decided) if done else "",
                "kind": codes.ACCOMMODATION_KINDS[rng.choice(3, p=KIND_ODDS)],
                "decision": decision if done else "",
            })
    return pd.DataFrame(rows, columns=["request_id", "agency_code", "requested_on", "decided_on", "kind",
                                       "decision"])


def _shortfalls(workforce: pd.DataFrame, year: int) -> pd.DataFrame:
    """Under-utilized (agency, category, race or sex) cells of one fiscal year, with their shortfall."""
    rows = workforce[workforce["fiscal_year"] == year]
    total = rows.groupby(["agency_code", "job_category"])["headcount"].transform("sum")
    rows = rows.assign(total=total, expected=rows["availability"] * total)
    parts = []
    for column in ("race_ethnicity", "sex"):
        cells = rows[rows[column] != "x"].groupby(["agency_code", "job_category", column], as_index=False)[
            ["headcount", "expected", "total"]].agg({"headcount": "sum", "expected": "sum", "total": "first"})
        cells = cells.rename(columns={column: "group"}).assign(column=column)
        parts.append(cells)
    cells = pd.concat(parts, ignore_index=True)
    short = cells["expected"] - cells["headcount"]
    flagged = (short >= 1) & (cells["headcount"] < GOAL_RATIO * cells["expected"])
    return cells[flagged].assign(shortfall=short[flagged])


def _selections(actions: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = actions[(actions["fiscal_year"] == year) & actions["action"].isin(codes.AAP_ACTIONS)]
    parts = []
    for column in ("race_ethnicity", "sex"):
        grouped = rows.groupby(["agency_code", "job_category", "action", column], as_index=False)["selected"].sum()
        grouped = grouped.rename(columns={column: "group"}).assign(column=column)
        parts.append(grouped)
    totals = rows.groupby(["agency_code", "job_category", "action"])["selected"].sum().rename("all_selected")
    return pd.concat(parts, ignore_index=True).join(totals, on=["agency_code", "job_category", "action"])


def aap_goals_frame(workforce: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """Hiring and promotion goals of each plan year for last year's under-utilized cells, and what was achieved.

    `workforce` carries an `availability` column (the agency's own or the statewide default). A goal is the
    group's fair part of the cell's selections that year at availability (at least 1, at most the shortfall);
    `achieved` is the group's selections in the cell in the plan year.
    """
    out = []
    for plan_year in PLAN_YEARS:
        cells = _shortfalls(workforce, plan_year - 1)
        picks = _selections(actions, plan_year)
        goals = cells.merge(picks, on=["agency_code", "job_category", "group", "column"])
        goals = goals[goals["all_selected"] > 0]
        share = goals["expected"] / goals["total"]
        goal = np.clip(np.ceil(goals["all_selected"] * share), 1, np.ceil(goals["shortfall"])).astype(int)
        race = goals["column"] == "race_ethnicity"
        out.append(pd.DataFrame({
            "agency_code": goals["agency_code"], "plan_year": plan_year, "job_category": goals["job_category"],
            "action": goals["action"], "race_ethnicity": goals["group"].where(race, ""),
            "sex": goals["group"].where(~race, ""), "goal": goal, "achieved": goals["selected"].astype(int),
        }))
    frame = pd.concat(out, ignore_index=True)
    return frame.sort_values(["plan_year", "agency_code", "job_category", "action", "race_ethnicity", "sex"],
                             ignore_index=True)


def _fiscal(dates: pd.Series) -> pd.Series:
    return dates.dt.year + (dates.dt.month >= 7).astype(int)


def casework_benchmarks(complaints: pd.DataFrame, requests: pd.DataFrame, goals: pd.DataFrame,
                        complaint_days: int = 90, accommodation_days: int = 20) -> pd.DataFrame:
    """Statewide benchmarks on the three casework keys, with baselines from the demo data (limits: defaults)."""
    closed = complaints[complaints["closed_on"] != ""]
    end, start = pd.to_datetime(closed["closed_on"]), pd.to_datetime(closed["filed_on"])
    first = closed[_fiscal(end) == 2019]
    complaint_share = ((end - start).dt.days[first.index] <= complaint_days).mean()
    decided = requests[requests["decision"].isin(["granted", "alternative_granted", "denied"])]
    answered = pd.to_datetime(decided["decided_on"])
    first = decided[_fiscal(answered) == 2019]
    days = np.busday_count(pd.to_datetime(first["requested_on"]).to_numpy(dtype="datetime64[D]"),
                           answered[first.index].to_numpy(dtype="datetime64[D]"), holidays=ct_holidays())
    plan = goals[goals["plan_year"] == 2024]
    rows = [
        ("complaints.closed_within_limit_share", 2019, complaint_share, 2028, 0.85),
        ("accommodations.decided_within_limit_share", 2019, (days <= accommodation_days).mean(), 2028, 0.95),
        ("aap.goals_met_share", 2024, (plan["achieved"] >= plan["goal"]).mean(), 2028, 0.5),
    ]
    return pd.DataFrame([{"metric_key": key, "scope": "state", "scope_id": "", "baseline_year": base,
                          "baseline_value": round(float(value), 4), "target_year": target,
                          "target_value": goal} for key, base, value, target, goal in rows])
