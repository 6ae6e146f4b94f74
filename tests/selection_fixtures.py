"""Small personnel-action fixtures and an exact Fisher test for the selection-rate tests."""
from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd

YEAR = 2024


def actions(rows: list[tuple], agency: str = "DSS", category: str = "professionals") -> pd.DataFrame:
    """rows: (action, race, sex, pool, selected)."""
    frame = pd.DataFrame(rows, columns=["action", "race_ethnicity", "sex", "pool", "selected"])
    return frame.assign(fiscal_year=YEAR, agency_code=agency, job_category=category)


def row(out: pd.DataFrame, action: str, dimension: str, group: str, agency: str = "DSS",
        category: str = "professionals") -> pd.Series:
    """The one row of a comparison's group."""
    hit = out[(out["agency_code"] == agency) & (out["job_category"] == category) & (out["action"] == action)
              & (out["group_dimension"] == dimension) & (out["group_code"] == group)]
    assert len(hit) == 1, (agency, category, action, dimension, group, len(hit))
    return hit.iloc[0]


def fisher_by_enumeration(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher p of [[a, b], [c, d]]: exact hypergeometric probabilities (math.comb, fractions) of
    all tables with the observed margins, summed over those no more probable than the observed table."""
    row1, row2, col1 = a + b, c + d, a + c
    denominator = math.comb(row1 + row2, col1)

    def probability(x: int) -> Fraction:
        return Fraction(math.comb(row1, x) * math.comb(row2, col1 - x), denominator)

    observed = probability(a)
    support = range(max(0, col1 - row2), min(row1, col1) + 1)
    return float(sum(p for p in map(probability, support) if p <= observed))
