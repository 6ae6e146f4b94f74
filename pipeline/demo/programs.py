"""Synthetic contracting set-aside spend, agency equity plans and DEI training completion."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access import codes

FISCAL_YEARS = tuple(range(2019, 2026))
PLAN_YEARS = (2024, 2025)
# Rough eligible (set-aside base) spend per employee by peer group, in dollars.
SPEND_PER_EMPLOYEE = {
    "human services": 45_000, "public safety": 25_000, "health": 40_000, "education": 30_000,
    "infrastructure": 250_000, "general government": 80_000,
}
PLAN_STATUS_ODDS = {
    2024: (0.10, 0.20, 0.20, 0.15, 0.35),  # codes.PLAN_STATUS order
    2025: (0.05, 0.25, 0.20, 0.15, 0.35),
}
AAP_DECISION_ODDS = {  # codes.AAP_DECISIONS order: the Commission decides a plan year's plans over the year
    2024: (0.04, 0.06, 0.55, 0.25, 0.10),
    2025: (0.06, 0.34, 0.35, 0.17, 0.08),
}
AAP_BASIS_ODDS = (0.25, 0.35, 0.40)  # codes.AAP_BASES order, for approved and conditionally approved plans
SUBMISSION_WINDOW = {2024: (dt.date(2024, 9, 1), 100), 2025: (dt.date(2025, 3, 1), 180)}


def contracts_frame(agencies: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Fiscal year × agency eligible, small-business and minority-business spend (dollars, 2 decimals)."""
    n = len(agencies)
    per_employee = agencies["peer_group"].map(SPEND_PER_EMPLOYEE).to_numpy(float)
    base = agencies["size"].to_numpy(float) * per_employee * rng.lognormal(0, 0.3, n)
    small0, small_slope = rng.uniform(0.10, 0.36, n), rng.uniform(-0.006, 0.025, n)
    minority0, minority_slope = rng.uniform(0.12, 0.40, n), rng.uniform(-0.01, 0.02, n)
    frames = []
    for step, year in enumerate(FISCAL_YEARS):
        eligible = np.round(base * 1.03**step * rng.lognormal(0, 0.08, n), 2)
        small_share = np.clip(small0 + small_slope * step + rng.normal(0, 0.015, n), 0.02, 0.6)
        minority_of_small = np.clip(minority0 + minority_slope * step + rng.normal(0, 0.02, n), 0.02, 0.7)
        small = np.round(eligible * small_share, 2)
        frames.append(pd.DataFrame({
            "fiscal_year": year,
            "agency_code": agencies["agency_code"].to_numpy(),
            "eligible_spend": eligible,
            "small_business_spend": small,
            "minority_business_spend": np.round(small * minority_of_small, 2),
        }))
    return pd.concat(frames, ignore_index=True)


def _plan_row(code: str, year: int, status: str, rng: np.random.Generator) -> dict[str, object]:
    level = codes.PLAN_STATUS.index(status)
    start, window = SUBMISSION_WINDOW[year]
    submitted = start + dt.timedelta(days=int(rng.integers(0, window))) if level >= 2 else None
    approved = submitted + dt.timedelta(days=int(rng.integers(20, 90))) if level >= 3 else None
    total = int(rng.integers(6, 25)) if level >= 1 else 0
    met_share = (0.0, 0.0, 0.15, 0.35, 0.65)[level] * rng.uniform(0.4, 1.4)
    slug = code.lower().replace("_", "-")
    return {
        "agency_code": code,
        "plan_year": year,
        "status": status,
        "submitted_on": submitted.isoformat() if submitted else "",
        "approved_on": approved.isoformat() if approved else "",
        "url": f"https://portal.ct.gov/{slug}/equity-plan/{year}" if status == "published" else "",
        "commitments_total": total,
        "commitments_met": min(round(total * met_share), total),
        **_aap_decision(year, rng),
    }


def _aap_decision(year: int, rng: np.random.Generator) -> dict[str, str]:
    """The Commission's decision on the agency's affirmative action plan and, when approved, its basis."""
    decision = codes.AAP_DECISIONS[rng.choice(len(codes.AAP_DECISIONS), p=AAP_DECISION_ODDS[year])]
    basis = codes.AAP_BASES[rng.choice(len(codes.AAP_BASES), p=AAP_BASIS_ODDS)]
    return {"aap_decision": decision, "aap_basis": basis if decision in codes.AAP_APPROVED else ""}


def equity_plans_frame(agencies: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every agency's equity plan for 2024 and 2025: status, ISO dates, URL, commitments, AAP decision and basis."""
    rows = []
    for code in agencies["agency_code"]:
        for year in PLAN_YEARS:
            status = codes.PLAN_STATUS[rng.choice(len(codes.PLAN_STATUS), p=PLAN_STATUS_ODDS[year])]
            rows.append(_plan_row(code, year, status, rng))
    return pd.DataFrame(rows)


def training_frame(employees: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Fiscal year × agency employees (from the workforce) and DEI training completions."""
    table = employees.sort_values(["fiscal_year", "agency_code"], ignore_index=True)
    agencies = np.sort(table["agency_code"].unique())
    start = dict(zip(agencies, rng.uniform(0.20, 0.60, len(agencies))))
    slope = dict(zip(agencies, rng.uniform(0.02, 0.09, len(agencies))))
    step = table["fiscal_year"].to_numpy() - FISCAL_YEARS[0]
    dip = np.where(table["fiscal_year"].to_numpy() == 2020, 0.10, 0.0)  # pandemic interruption
    rate = table["agency_code"].map(start).to_numpy() + table["agency_code"].map(slope).to_numpy() * step - dip
    completed = rng.binomial(table["employees"].to_numpy(), np.clip(rate, 0.05, 0.98))
    return table.assign(completed=completed)[["fiscal_year", "agency_code", "employees", "completed"]]
