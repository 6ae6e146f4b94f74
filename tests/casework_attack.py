"""Equations an attacker can write about the casework tables, and a solver that peels them (DESIGN §5).

Every figure of every row is a variable. The equations are the relations a reader of the published tables
knows or can guess: forums add up to ALL, agencies add up to the statewide row, outcomes add up to the closed
complaints of `all`; the basis and the issue views add up to `all` plus the multiple counts (assumed known, the
strongest attacker: as if the reader knew how many complaints name several bases); open at year end =
open the year before + filed − closed; closed = closed within + over the limit; for accommodations decided =
granted + denied = within + over; goals add up to their ALL rows. `attack` solves, again and again, every
equation left with a single unknown.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

COMPLAINT = ("filed", "closed", "open_at_year_end", "over_limit_open", "closed_within", "closed_over")
ACCOMMODATION = ("requests", "decided", "pending_at_year_end", "granted", "denied", "decided_within",
                 "decided_over")
GOAL = ("achieved", "met")
Equation = tuple[np.ndarray, np.ndarray, float]  # variables, coefficients, constant: Σ coef·x = constant


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def complaint_values(frame: pd.DataFrame) -> np.ndarray:
    """rows × COMPLAINT true values (NaN where a figure does not apply: filed and open of outcome rows)."""
    closed = _num(frame, "closed")
    within = np.round(_num(frame, "closed_within_limit_share") * closed)
    within = np.where(closed == 0, 0, within)
    return np.column_stack([_num(frame, "filed"), closed, _num(frame, "open_at_year_end"),
                            _num(frame, "over_limit_open"), within, closed - within])


def accommodation_values(frame: pd.DataFrame) -> np.ndarray:
    decided = _num(frame, "decided")
    share = {c: np.where(decided == 0, 0, np.round(_num(frame, c) * decided))
             for c in ("granted_share", "denied_share", "decided_within_limit_share")}
    return np.column_stack([_num(frame, "requests"), decided, _num(frame, "pending_at_year_end"),
                            share["granted_share"], share["denied_share"], share["decided_within_limit_share"],
                            decided - share["decided_within_limit_share"]])


def goal_values(frame: pd.DataFrame) -> np.ndarray:
    return np.column_stack([_num(frame, "achieved"), _num(frame, "met")])


def _lines(frame: pd.DataFrame, key: list[str], total: np.ndarray, member: np.ndarray, width: int,
           figures: list[int], values: np.ndarray, known_offset: bool = False) -> list[Equation]:
    """Σ members − total = 0 (or = the true surplus, when the attacker is assumed to know it)."""
    out: list[Equation] = []
    rows = np.flatnonzero(total | member)
    groups = frame.iloc[rows].groupby(key, sort=False).indices
    for positions in groups.values():
        chosen = rows[positions]
        for f in figures:
            coef = np.where(member[chosen], 1.0, -1.0)
            variables = chosen * width + f
            truth = values.ravel()[variables]
            if np.isnan(truth).any() or total[chosen].sum() != 1:
                continue
            out.append((variables, coef, float(coef @ truth) if known_offset else 0.0))
    return out


def complaint_equations(frame: pd.DataFrame, values: np.ndarray) -> list[Equation]:
    frame = frame.reset_index(drop=True)
    w = len(COMPLAINT)
    dim, forum, agency = frame["dimension"].to_numpy(), frame["forum"].to_numpy(), frame["agency_code"].to_numpy()
    everything = list(range(w))
    eqs = _lines(frame, ["fiscal_year", "agency_code", "dimension", "category"], forum == "ALL", forum != "ALL", w,
                 everything, values)
    eqs += _lines(frame, ["fiscal_year", "forum", "dimension", "category"], agency == "ALL", agency != "ALL", w,
                  everything, values)
    cell = ["fiscal_year", "agency_code", "forum"]
    eqs += _lines(frame, cell, dim == "all", dim == "outcome", w, [1, 4, 5], values)
    for view in ("basis", "issue"):
        eqs += _lines(frame, cell, dim == "all", dim == view, w, everything, values, known_offset=True)
    rows = np.arange(len(frame))
    eqs += [(np.array([r * w + 1, r * w + 4, r * w + 5]), np.array([1.0, -1.0, -1.0]), 0.0) for r in rows]
    chain = frame[dim != "outcome"].sort_values("fiscal_year")
    for positions in chain.groupby(["agency_code", "forum", "dimension", "category"], sort=False).indices.values():
        previous = None
        for r in chain.index.to_numpy()[positions]:
            variables = [r * w + 2, r * w, r * w + 1]  # open − filed + closed (− open before) = 0
            coef = [1.0, -1.0, 1.0]
            if previous is not None:
                variables.append(previous * w + 2)
                coef.append(-1.0)
            eqs.append((np.array(variables), np.array(coef), 0.0))
            previous = r
    return eqs


def accommodation_equations(frame: pd.DataFrame, values: np.ndarray) -> list[Equation]:
    frame = frame.reset_index(drop=True)
    w = len(ACCOMMODATION)
    kind, agency = frame["kind"].to_numpy(), frame["agency_code"].to_numpy()
    every = list(range(w))
    eqs = _lines(frame, ["fiscal_year", "agency_code"], kind == "ALL", kind != "ALL", w, every, values)
    eqs += _lines(frame, ["fiscal_year", "kind"], agency == "ALL", agency != "ALL", w, every, values)
    for r in range(len(frame)):
        eqs.append((np.array([r * w + 1, r * w + 3, r * w + 4]), np.array([1.0, -1.0, -1.0]), 0.0))
        eqs.append((np.array([r * w + 1, r * w + 5, r * w + 6]), np.array([1.0, -1.0, -1.0]), 0.0))
    return eqs


def goal_equations(frame: pd.DataFrame, values: np.ndarray) -> list[Equation]:
    frame = frame.reset_index(drop=True)
    total = frame["job_category"].to_numpy() == "ALL"
    action, agency = frame["action"].to_numpy(), frame["agency_code"].to_numpy()
    eqs = _lines(frame, ["plan_year", "agency_code", "action"], total & (action != "ALL"), ~total, 2, [0, 1],
                 values)
    eqs += _lines(frame, ["plan_year", "agency_code"], total & (action == "ALL"), total & (action != "ALL"), 2,
                  [0, 1], values)
    eqs += _lines(frame, ["plan_year", "action"], total & (agency == "ALL"), total & (agency != "ALL"), 2, [0, 1],
                  values)
    return eqs


def attack(values: np.ndarray, known: np.ndarray, equations: list[Equation]) -> np.ndarray:
    """Which variables the attacker ends up knowing (a flat mask), peeling equations with one unknown."""
    flat = np.nan_to_num(values.ravel().astype(float))
    known = known.ravel().copy() | np.isnan(values.ravel())
    solved = flat.copy()
    by_variable: dict[int, list[int]] = defaultdict(list)
    for e, (variables, _, _) in enumerate(equations):
        for v in variables:
            by_variable[int(v)].append(e)
    queue = list(range(len(equations)))
    while queue:
        e = queue.pop()
        variables, coef, constant = equations[e]
        unknown = [i for i, v in enumerate(variables) if not known[v]]
        if len(unknown) != 1:
            continue
        i = unknown[0]
        others = np.delete(np.arange(len(variables)), i)
        v = int(variables[i])
        solved[v] = (constant - coef[others] @ solved[variables[others]]) / coef[i]
        assert abs(solved[v] - flat[v]) < 1e-6  # the attacker's equations are true
        known[v] = True
        queue.extend(by_variable[v])
    return known
