"""Contracting set-aside attainment (DESIGN §4.5, CGS 4a-60g) and training completion."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from data_access import schema
from pipeline.stats.contracting import contracting_table, training_table


def contracts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["fiscal_year", "agency_code", "eligible_spend", "small_business_spend",
                                       "minority_business_spend"])


def row_of(frame: pd.DataFrame, year: int, agency: str) -> pd.Series:
    found = frame[(frame["fiscal_year"] == year) & (frame["agency_code"] == agency)]
    assert len(found) == 1
    return found.iloc[0]


def test_contracting_shares_goals_and_statewide_row():
    out = contracting_table(contracts([
        (2024, "DAS", 100.0, 30.0, 5.0),
        (2024, "DOT", 300.0, 60.0, 25.0),
        (2024, "DPH", 0.0, 0.0, 0.0),
        (2025, "DAS", 16.0, 4.0, 1.0),
    ]))
    assert list(out.columns) == schema.columns("contracting")
    das = row_of(out, 2024, "DAS")  # 30/100 = 0.30 ≥ 0.25; 5/100 = 0.05 < 0.0625
    assert (das["small_share"], das["minority_share"]) == pytest.approx((0.30, 0.05))
    assert das["small_met"] and not das["minority_met"]
    dot = row_of(out, 2024, "DOT")  # 60/300 = 0.20 < 0.25; 25/300 = 0.0833 ≥ 0.0625
    assert not dot["small_met"] and dot["minority_met"]
    statewide = row_of(out, 2024, "ALL")  # 400 eligible, 90 small (0.225), 30 minority (0.075)
    assert (statewide["eligible_spend"], statewide["small_business_spend"]) == (400.0, 90.0)
    assert (statewide["small_share"], statewide["minority_share"]) == pytest.approx((0.225, 0.075))
    assert not statewide["small_met"] and statewide["minority_met"]
    assert (statewide["small_goal"], statewide["minority_goal"]) == (0.25, 0.0625)
    dph = row_of(out, 2024, "DPH")  # no eligible spend: no share, no verdict
    assert math.isnan(dph["small_share"]) and pd.isna(dph["small_met"]) and pd.isna(dph["minority_met"])
    exact = row_of(out, 2025, "DAS")  # 4/16 = 0.25 and 1/16 = 0.0625 exactly: goals met
    assert exact["small_met"] and exact["minority_met"]
    assert len(out) == 4 + 2  # one ALL row per fiscal year


def test_contracting_custom_goals_and_input_all_rows_ignored():
    out = contracting_table(contracts([(2024, "DAS", 100.0, 30.0, 5.0), (2024, "ALL", 999.0, 1.0, 1.0)]),
                            small_goal=0.35, minority_goal=0.04)
    statewide = row_of(out, 2024, "ALL")
    assert statewide["eligible_spend"] == 100.0
    assert not statewide["small_met"] and statewide["minority_met"]
    assert statewide["small_goal"] == 0.35


def test_training_completion_with_statewide_row():
    out = training_table(pd.DataFrame({
        "fiscal_year": [2024, 2024, 2024], "agency_code": ["DAS", "DOT", "DPH"],
        "employees": [200, 600, 0], "completed": [150, 300, 0],
    }))
    assert list(out.columns) == ["fiscal_year", "agency_code", "employees", "completed", "completion_rate"]
    assert row_of(out, 2024, "DAS")["completion_rate"] == pytest.approx(0.75)  # 150/200
    assert math.isnan(row_of(out, 2024, "DPH")["completion_rate"])
    statewide = row_of(out, 2024, "ALL")  # (150 + 300 + 0) / (200 + 600 + 0) = 450/800
    assert (statewide["employees"], statewide["completed"]) == (800, 450)
    assert statewide["completion_rate"] == pytest.approx(0.5625)
