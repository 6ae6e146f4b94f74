"""Disclosure control of the casework tables (DESIGN §5): their counts, hidden figures and additive lines.

`suppression.py` applies these with its one method. The lines a viewer can subtract along:
- complaints: forums add up to `ALL`, agencies add up to the statewide row, outcomes add up to `all`'s closed
  complaints; the basis and the issue views do not add up (a complaint counts under each of its bases), but
  they are protected as if they did, each with the `all` row as total, so no difference between a view and
  `all` (or between views) isolates a hidden cell. Years are linked too: open at the end of a year = open at
  the end of the year before + filed − closed, so once a series (agency × forum × view × category) has a
  hidden year, its later years are hidden too, and its open count cannot be worked back from the next year.
- accommodations: kinds add up to `ALL`, agencies to the statewide row (pending requests have withdrawn
  requests, which are not published, as slack between years).
- affirmative action goals: goals add up to their action's ALL row (goals set, selections, goals met),
  hire and promotion to the plan's ALL row, agencies to the statewide row.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

ALL = "ALL"
CASEWORK_COUNTS = {
    "complaint_stats": ("filed", "closed", "open_at_year_end", "over_limit_open", "closed_within", "closed_over"),
    "accommodation_stats": ("requests", "decided", "pending_at_year_end", "granted", "denied", "decided_within",
                            "decided_over"),
    "aap_goals": ("achieved",),
}
CASEWORK_HIDDEN = {
    "complaint_stats": ("filed", "closed", "open_at_year_end", "median_days_to_close", "p90_days_to_close",
                        "closed_within_limit_share", "over_limit_open"),
    "accommodation_stats": ("requests", "decided", "granted_share", "denied_share", "median_days_to_decision",
                            "decided_within_limit_share", "pending_at_year_end"),
    "aap_goals": ("achieved", "met"),
}
CASEWORK_SIZE = {"complaint_stats": "_size", "accommodation_stats": "_size", "aap_goals": "_size"}
SERIES = ("agency_code", "forum", "dimension", "category")
LATER_YEARS = {"complaint_stats": (SERIES, "fiscal_year", "_in_year_chain")}


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _share_count(frame: pd.DataFrame, share: str, total: str) -> pd.Series:
    return (_number(frame, share) * _number(frame, total)).round()


def casework_counts(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The counts a casework row's shares give away (e.g. closed within the limit), and its size."""
    if table == "complaint_stats":
        within = _share_count(frame, "closed_within_limit_share", "closed")
        closed = _number(frame, "closed")
        return frame.assign(closed_within=within, closed_over=closed - within,
                            _size=_number(frame, "filed").fillna(closed).fillna(0))
    if table == "accommodation_stats":
        decided = _number(frame, "decided")
        within = _share_count(frame, "decided_within_limit_share", "decided")
        return frame.assign(granted=_share_count(frame, "granted_share", "decided"),
                            denied=_share_count(frame, "denied_share", "decided"), decided_within=within,
                            decided_over=decided - within, _size=_number(frame, "requests").fillna(0))
    if table == "aap_goals":
        return frame.assign(_size=_number(frame, "achieved").fillna(0))
    return frame


def _complaint_lines(frame: pd.DataFrame, line: type) -> tuple[pd.DataFrame, list]:
    dimension = frame["dimension"]
    work = frame.assign(
        _is_forum_all=frame["forum"] == ALL, _is_forum=frame["forum"] != ALL,
        _is_agency_all=frame["agency_code"] == ALL, _is_agency=frame["agency_code"] != ALL,
        _is_all=dimension == "all", _is_basis=dimension == "basis", _is_issue=dimension == "issue",
        _is_outcome=dimension == "outcome", _in_year_chain=dimension != "outcome",
    )
    cell = ("fiscal_year", "agency_code", "forum")
    return work, [
        line("forums→ALL", ("fiscal_year", "agency_code", "dimension", "category"), "_is_forum_all", "_is_forum"),
        line("agencies→state", ("fiscal_year", "forum", "dimension", "category"), "_is_agency_all", "_is_agency",
             needed=3, count_total=False),
        *(line(f"{view}s→all", cell, "_is_all", f"_is_{view}") for view in ("basis", "issue", "outcome")),
    ]


def _accommodation_lines(frame: pd.DataFrame, line: type) -> tuple[pd.DataFrame, list]:
    work = frame.assign(_is_kind_all=frame["kind"] == ALL, _is_kind=frame["kind"] != ALL,
                        _is_agency_all=frame["agency_code"] == ALL, _is_agency=frame["agency_code"] != ALL)
    return work, [
        line("kinds→ALL", ("fiscal_year", "agency_code"), "_is_kind_all", "_is_kind"),
        line("agencies→state", ("fiscal_year", "kind"), "_is_agency_all", "_is_agency", needed=3,
             count_total=False),
    ]


def _goal_lines(frame: pd.DataFrame, line: type) -> tuple[pd.DataFrame, list]:
    total = frame["job_category"] == ALL
    work = frame.assign(
        _is_goal=~total, _is_plan_total=total & (frame["action"] == ALL),
        _is_action_total=total & (frame["action"] != ALL),
        _is_agency_all=total & (frame["agency_code"] == ALL), _is_agency=total & (frame["agency_code"] != ALL),
    )
    return work, [
        line("goals→action", ("plan_year", "agency_code", "action"), "_is_action_total", "_is_goal"),
        line("actions→plan", ("plan_year", "agency_code"), "_is_plan_total", "_is_action_total"),
        line("agencies→state", ("plan_year", "action"), "_is_agency_all", "_is_agency", needed=3,
             count_total=False),
    ]


_BUILDERS = {"complaint_stats": _complaint_lines, "accommodation_stats": _accommodation_lines,
             "aap_goals": _goal_lines}


def casework_lines(table: str, line: type) -> Callable[[pd.DataFrame], tuple[pd.DataFrame, list]]:
    """The line builder of a casework table, making lines with suppression's `Line` class."""
    return lambda frame: _BUILDERS[table](frame, line)


def spread_to_later_years(work: pd.DataFrame, suppressed: np.ndarray, series: tuple[str, ...], year: str,
                          chained: str) -> int:
    """Suppress every later year of a series that has a suppressed year (rows where `chained` is true)."""
    rows = np.flatnonzero(work[chained].to_numpy(dtype=bool))
    if rows.size == 0:
        return 0
    part = work.iloc[rows]
    codes = part.groupby(list(series), sort=False, dropna=False).ngroup().to_numpy()
    years = part[year].to_numpy(dtype=float)
    first = np.full(codes.max() + 1, np.inf)
    np.minimum.at(first, codes[suppressed[rows]], years[suppressed[rows]])
    newly = rows[(years > first[codes]) & ~suppressed[rows]]
    suppressed[newly] = True
    return int(newly.size)
