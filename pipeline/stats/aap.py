"""Affirmative action plan goals set and met (DESIGN §4.6).

A goal row keeps its `goal` (selections wanted), `achieved` (selections of the group toward it) and `met`
(1 when achieved ≥ goal, else 0). `ALL` rows (job_category, group_dimension `all`, group_code ALL), per
action and across both actions, per agency and statewide, count: `goal` = goals set, `achieved` = the
selections toward them, `met` = goals met. So `met / goal` of an ALL row is the share of goals met.
"""
from __future__ import annotations

import pandas as pd

from data_access import codes
from data_access.schema import columns

FIGURES = {name: [c for c in columns(name) if c != "suppressed"]
           for name in ("complaint_stats", "accommodation_stats", "aap_goals")}

ALL = codes.ALL


def _group(race: pd.Series, sex: pd.Series) -> tuple[pd.Series, pd.Series]:
    both = race.notna() & sex.notna()
    dimension = pd.Series("race_ethnicity", index=race.index).mask(race.isna(), "sex").mask(both, "race_sex")
    code = race.fillna(sex).mask(both, race + "_" + sex)
    return dimension, code


def aap_goal_table(goals: pd.DataFrame) -> pd.DataFrame:
    """The `aap_goals` table: every goal with `met`, and the ALL rows counting goals set and met."""
    if goals.empty:
        return pd.DataFrame(columns=FIGURES["aap_goals"])
    dimension, code = _group(goals["race_ethnicity"], goals["sex"])
    rows = pd.DataFrame({
        "plan_year": goals["plan_year"].astype(int), "agency_code": goals["agency_code"],
        "job_category": goals["job_category"], "action": goals["action"], "group_dimension": dimension,
        "group_code": code, "goal": goals["goal"].astype(int), "achieved": goals["achieved"].astype(int),
    })
    rows["met"] = (rows["achieved"] >= rows["goal"]).astype(int)
    counted = pd.concat([rows, rows.assign(action=ALL)], ignore_index=True)
    counted = pd.concat([counted, counted.assign(agency_code=ALL)], ignore_index=True)
    totals = counted.groupby(["plan_year", "agency_code", "action"], as_index=False).agg(
        goal=("goal", "size"), achieved=("achieved", "sum"), met=("met", "sum"))
    totals = totals.assign(job_category=ALL, group_dimension="all", group_code=ALL)
    out = pd.concat([rows, totals], ignore_index=True)
    for column in ("goal", "achieved", "met"):
        out[column] = out[column].astype("Int64")
    return out.sort_values(["plan_year", "agency_code", "job_category", "action", "group_dimension", "group_code"],
                           ignore_index=True)[FIGURES["aap_goals"]]


def goals_met_share(table: pd.DataFrame, agency_code: str) -> pd.Series:
    """Share of goals met per plan year (the ALL row of both actions): the `aap.goals_met_share` value."""
    rows = table[(table["agency_code"] == agency_code) & (table["action"] == ALL)
                 & (table["job_category"] == ALL) & (table["group_code"] == ALL)]
    return (rows.set_index("plan_year")["met"] / rows.set_index("plan_year")["goal"]).astype(float)
