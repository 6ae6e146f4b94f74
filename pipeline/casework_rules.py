"""Row rules of the casework inputs (DESIGN §4.6): dates in order and not in the future, outcomes with dates."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access import codes

from .cells import report
from .csvread import Problems, RawTable


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")


def _given(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].notna().to_numpy(dtype=bool)


def _case_dates(opened: str, closed: str, result: str, closed_words: str, result_words: str):
    """Rules for one casework file: closing not before opening, no future date, a result iff a closing date."""

    def rule(table: RawTable, frame: pd.DataFrame, problems: Problems, _frames, today: dt.date | None = None) -> None:
        limit = pd.Timestamp(today or dt.date.today())
        start, end = _dates(frame, opened), _dates(frame, closed)
        for column, values in ((opened, start), (closed, end)):
            report(table, problems, (values > limit).to_numpy(dtype=bool), column,
                   f"a date in the future (after {limit.date().isoformat()})")
        report(table, problems, (end < start).to_numpy(dtype=bool), closed, f"{closed} is before {opened}")
        raw_result = table.frame[result] != ""
        raw_closed = table.frame[closed] != ""
        report(table, problems, (raw_result & ~raw_closed).to_numpy(dtype=bool), result,
               f"{result_words} without {closed_words}: give {closed}, or leave {result} empty while open")
        report(table, problems, (raw_closed & ~raw_result).to_numpy(dtype=bool), closed,
               f"{closed_words} without {result_words}: give {result}, or leave {closed} empty while open")

    return rule


complaint_dates = _case_dates("filed_on", "closed_on", "outcome", "a closing date", "an outcome")
accommodation_dates = _case_dates("requested_on", "decided_on", "decision", "a decision date", "a decision")


def goal_groups(table: RawTable, frame: pd.DataFrame, problems: Problems, _frames) -> None:
    """A goal names a race/ethnicity, a sex, or both; never neither."""
    neither = (table.frame["race_ethnicity"] == "") & (table.frame["sex"] == "")
    report(table, problems, neither.to_numpy(dtype=bool), "race_ethnicity",
           "a goal names a group: give race_ethnicity, sex or both")


def plan_basis(table: RawTable, frame: pd.DataFrame, problems: Problems, _frames) -> None:
    """`aap_basis` says why a plan was approved: only for an approved or conditionally approved plan."""
    approved = frame["aap_decision"].isin(codes.AAP_APPROVED).to_numpy(dtype=bool)
    has_basis = (table.frame["aap_basis"] != "").to_numpy(dtype=bool)
    report(table, problems, has_basis & ~approved & _given(frame, "aap_decision"), "aap_basis",
           "a basis is given only for an approved or conditionally_approved plan")
