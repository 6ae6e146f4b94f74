"""Contracting set-aside attainment (DESIGN §4.5) and DEI training completion."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_access import codes, schema

SMALL_GOAL = 0.25  # CGS 4a-60g: 25 % of eligible spend with small contractors
MINORITY_GOAL = 0.0625  # CGS 4a-60g: 25 % of that 25 % (6.25 %) with minority business enterprises
TOLERANCE = 1e-12  # a share that equals its goal up to rounding counts as meeting it
SPEND = ["eligible_spend", "small_business_spend", "minority_business_spend"]


def _with_all_rows(frame: pd.DataFrame, sums: list[str]) -> pd.DataFrame:
    """The agency rows plus an ``ALL`` row per fiscal year summing ``sums`` (input ALL rows are dropped)."""
    agencies = frame[frame["agency_code"] != codes.ALL]
    totals = agencies.groupby("fiscal_year", as_index=False)[sums].sum()
    totals["agency_code"] = codes.ALL
    out = pd.concat([agencies[["fiscal_year", "agency_code", *sums]], totals], ignore_index=True)
    out["fiscal_year"] = out["fiscal_year"].astype(int)
    return out


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (part.astype(float) / whole.astype(float)).where(whole > 0)


def _met(share: pd.Series, goal: float) -> pd.Series:
    return (share >= goal - TOLERANCE).astype("boolean").where(share.notna(), pd.NA)


def contracting_table(
    contracts: pd.DataFrame, small_goal: float = SMALL_GOAL, minority_goal: float = MINORITY_GOAL
) -> pd.DataFrame:
    """Small- and minority-business shares of eligible spend against the set-aside goals (contracting table).

    The goals default to the statutory set-aside of CGS 4a-60g: 25 % of eligible spend with small contractors
    and 25 % of that (6.25 %) with minority business enterprises. share = spend / eligible spend (NaN when
    eligible spend is 0, and then ``met`` is missing); met = share ≥ goal. An ``ALL`` row per fiscal year sums
    the agencies' spend.
    """
    out = _with_all_rows(contracts, SPEND)
    out["small_share"] = _share(out["small_business_spend"], out["eligible_spend"])
    out["minority_share"] = _share(out["minority_business_spend"], out["eligible_spend"])
    out["small_goal"], out["minority_goal"] = float(small_goal), float(minority_goal)
    out["small_met"] = _met(out["small_share"], small_goal)
    out["minority_met"] = _met(out["minority_share"], minority_goal)
    columns = schema.columns("contracting")
    return out[columns].sort_values(["fiscal_year", "agency_code"]).reset_index(drop=True)


def training_table(training: pd.DataFrame) -> pd.DataFrame:
    """DEI training completion per agency and year, with an ``ALL`` row per year (NaN when no employees)."""
    out = _with_all_rows(training, ["employees", "completed"])
    out["completion_rate"] = _share(out["completed"], out["employees"])
    columns = ["fiscal_year", "agency_code", "employees", "completed", "completion_rate"]
    return out[columns].sort_values(["fiscal_year", "agency_code"]).reset_index(drop=True)
