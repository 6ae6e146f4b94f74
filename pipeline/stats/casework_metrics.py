"""Benchmark values of the casework keys (DESIGN §4.4, §4.6), read from the casework release tables."""
from __future__ import annotations

import pandas as pd

from data_access import codes

from .aap import goals_met_share

ALL = codes.ALL
# metric_key → the kind metrics.py dispatches on
CASEWORK_KEYS = {
    "complaints.closed_within_limit_share": "closed_within_limit_share",
    "accommodations.decided_within_limit_share": "decided_within_limit_share",
    "aap.goals_met_share": "goals_met_share",
}


def casework_metric(kind: str, agency_code: str, tables: dict[str, pd.DataFrame]) -> pd.Series | None:
    """Yearly value of a casework key for an agency (or `ALL` for the state); None without the table.

    Complaints: the share closed within the limit among complaints closed in the fiscal year, across forums;
    accommodations: the share decided within the limit, all kinds; goals: goals met over goals set per plan
    year. Rows whose figures are suppressed for the public give no value.
    """
    if kind == "goals_met_share":
        table = tables.get("aap_goals")
        return None if table is None else goals_met_share(_visible(table), agency_code)
    name, scope = ("complaint_stats", {"forum": ALL, "dimension": "all"}) if kind == "closed_within_limit_share" \
        else ("accommodation_stats", {"kind": ALL})
    table = tables.get(name)
    if table is None:
        return None
    rows = _visible(table)
    rows = rows[rows["agency_code"] == agency_code]
    for column, value in scope.items():
        rows = rows[rows[column] == value]
    return rows.set_index("fiscal_year")[kind].astype(float)


def _visible(table: pd.DataFrame) -> pd.DataFrame:
    if "suppressed" not in table.columns:
        return table
    return table[~table["suppressed"].astype(bool)]
