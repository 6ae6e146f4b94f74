"""Synthetic workforce and personnel actions: a yearly stock-and-flow simulation per agency × job category.

Each (agency, category) cell starts from availability tilted by a log over-/under-representation per group;
every year some people separate (group-specific rates), the survivors stay, and hires from a synthetic
applicant pool refill the cell. Hiring mixes that sit closer to availability than the stock close a gap
over the years; mixes that sit further away widen it.

Selection, promotion and separation rates are the same for every group within a job category (gaps in the
workforce come from who applies), except the disparities planted in ACTION_STORIES: a group of some agencies
hired, promoted or kept at a fraction of the others' rate. ``planted_disparities`` lists them, so a test
can count how many the adverse-impact rule finds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access import codes

SIM_YEARS = tuple(range(2018, 2026))  # 2018 is the unpublished starting stock
HEAD_FACTOR = np.array([1.00, 1.00, 0.99, 0.97, 0.93, 0.96, 0.99, 1.01])  # 2022 retirement wave
SEP_FACTOR = np.array([1.0, 1.0, 0.85, 1.0, 1.8, 1.2, 1.05, 1.0])

# Log representation against availability, in codes.RACE_ETHNICITY order (white is the anchor at 0).
RACE_COMMON = np.array([-0.25, 0.0, 0.25, -0.30, 0.0, 0.0, -0.15])
RACE_BY_CATEGORY: dict[str, tuple[float, ...]] = {
    "officials_administrators": (-0.25, 0, -0.25, -0.2, 0, 0, 0),
    "professionals": (-0.05, 0, -0.1, 0.15, 0, 0, 0),
    "technicians": (0, 0, 0, 0, 0, 0, 0),
    "protective_sworn": (-0.1, 0, -0.2, -0.6, 0, 0, 0),
    "protective_nonsworn": (0, 0, 0.1, -0.3, 0, 0, 0),
    "paraprofessionals": (0.05, 0, 0.35, 0, 0, 0, 0),
    "administrative_support": (0, 0, 0.2, 0, 0, 0, 0),
    "skilled_craft": (-0.2, 0, -0.3, -0.5, 0, 0, 0),
    "service_maintenance": (0.1, 0, 0.3, 0, 0, 0, 0),
}
FEMALE_BY_CATEGORY: dict[str, float] = {
    "officials_administrators": -0.05, "professionals": 0.15, "technicians": 0.0, "protective_sworn": -0.5,
    "protective_nonsworn": -0.2, "paraprofessionals": 0.2, "administrative_support": 0.3,
    "skilled_craft": -0.8, "service_maintenance": -0.1,
}
SEPARATION_RATE: dict[str, float] = {
    "officials_administrators": 0.07, "professionals": 0.08, "technicians": 0.08, "protective_sworn": 0.06,
    "protective_nonsworn": 0.09, "paraprofessionals": 0.12, "administrative_support": 0.08,
    "skilled_craft": 0.07, "service_maintenance": 0.12,
}
APPLICANTS_PER_HIRE: dict[str, float] = {
    "officials_administrators": 15, "professionals": 10, "technicians": 8, "protective_sworn": 25,
    "protective_nonsworn": 12, "paraprofessionals": 8, "administrative_support": 20, "skilled_craft": 8,
    "service_maintenance": 10,
}
APPLICANT_SHARE_OF_GAP = 1.0  # a hiring gap shows in who applies; selection itself is equal but for stories
PROMOTION_ELIGIBLE = 0.22
PROMOTION_RATE = 0.25
# Deliberate stories in the real agencies (and their copies): (template, category, race) -> (log start, k).
STORIES: dict[tuple[str, str, str], tuple[float, float]] = {
    ("DOC", "protective_sworn", "hispanic"): (-0.6, -0.5),
    ("DESPP", "protective_sworn", "black"): (-0.7, 1.8),
    ("DSS", "professionals", "hispanic"): (-0.4, 2.0),
    ("DOT", "skilled_craft", "black"): (-0.8, 0.0),
    ("DCF", "officials_administrators", "black"): (-0.4, 1.5),
    ("DMHAS", "paraprofessionals", "black"): (0.6, 1.5),
}
# Planted disparities, all job categories: (template, action, race) -> log multiplier of the group's rate
# (of its hiring weight per applicant, promotion rate or separation rate); exp(−0.5) = 0.61, exp(−0.36) = 0.70,
# exp(−0.22) = 0.80 of the others' rate. Every other group has the same true rates.
ACTION_STORIES: dict[tuple[str, str, str], float] = {
    ("DOC", "hire", "black"): -0.5,
    ("DOT", "hire", "hispanic"): -0.36,
    ("DESPP", "hire", "hispanic"): -0.22,
    ("DSS", "hire", "asian"): -0.5,
    ("DCF", "hire", "black"): -0.36,
    ("DMV", "hire", "hispanic"): -0.5,
    ("OCME", "hire", "black"): -0.5,
    ("DMHAS", "promotion", "black"): -0.5,
    ("DDS", "promotion", "hispanic"): -0.5,
    ("DOL", "promotion", "black"): -0.22,
    ("DEEP", "promotion", "hispanic"): -0.5,
    ("DOT", "promotion", "black"): -0.5,
    ("DCF", "promotion", "hispanic"): -0.36,
    ("DMHAS", "separation", "hispanic"): 0.6,
    ("DCF", "separation", "black"): 0.45,
    ("DOC", "separation", "hispanic"): 0.35,
}
N_RACE, N_SEX = len(codes.RACE_ETHNICITY), len(codes.SEX)
WHITE = codes.RACE_ETHNICITY.index("white")


@dataclass(frozen=True)
class Cells:
    """The simulated (agency, category) cells: indices into the agency frame and codes.JOB_CATEGORIES."""

    agency: np.ndarray
    category: np.ndarray
    target: np.ndarray  # headcount target, cells × SIM_YEARS


def make_cells(agencies: pd.DataFrame, mixes: np.ndarray, rng: np.random.Generator) -> Cells:
    """Choose the categories each agency has (expected size ≥ 0.5) and their yearly headcount targets."""
    expected = agencies["size"].to_numpy(float)[:, None] * mixes
    agency, category = np.nonzero(expected >= 0.5)
    growth = rng.normal(0.0, 0.01, size=len(agencies))[agency]
    steps = np.arange(len(SIM_YEARS)) - (len(SIM_YEARS) - 1)
    target = expected[agency, category][:, None] * HEAD_FACTOR[None, :] * np.exp(growth[:, None] * steps)
    return Cells(agency, category, np.maximum(np.rint(target), 1).astype(np.int64))


def _race(values: np.ndarray) -> np.ndarray:
    return np.repeat(values, N_SEX, axis=-1)


def _female(values: np.ndarray) -> np.ndarray:
    out = np.zeros((*np.shape(values), N_RACE * N_SEX))
    out[..., 0::N_SEX] = np.asarray(values)[..., None]
    return out


def _closing_or_widening(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    closing = rng.random(shape) < 0.6
    return np.where(closing, rng.uniform(-0.2, 0.5, shape), rng.uniform(1.5, 2.5, shape))


def _parameters(rng: np.random.Generator, templates: np.ndarray, cells: Cells) -> dict[str, np.ndarray]:
    n_agencies, n_cells = len(templates), len(cells.agency)
    by_category = np.array([RACE_BY_CATEGORY[c] for c in codes.JOB_CATEGORIES]) + RACE_COMMON
    start = by_category[cells.category] + rng.normal(0, 0.3, (n_agencies, N_RACE))[cells.agency]
    start += rng.normal(0, 0.2, (n_cells, N_RACE))
    trend = _closing_or_widening(rng, (n_agencies, N_RACE))[cells.agency]
    for (template, category, race), (log_start, k) in STORIES.items():
        hit = (templates[cells.agency] == template) & (cells.category == codes.JOB_CATEGORIES.index(category))
        start[hit, codes.RACE_ETHNICITY.index(race)] = log_start
        trend[hit, codes.RACE_ETHNICITY.index(race)] = k
    start[:, WHITE] = 0.0
    female = np.array([FEMALE_BY_CATEGORY[c] for c in codes.JOB_CATEGORIES])[cells.category]
    female = female + rng.normal(0, 0.25, n_cells)
    female_trend = _closing_or_widening(rng, (n_agencies,))[cells.agency]
    applicants = rng.normal(0.1, 0.2, (n_agencies, N_RACE))
    applicants[:, WHITE] = 0.0
    stories = _action_stories(templates)
    return {
        "stock": _race(start) + _female(female),
        "hiring": _race(start * trend) + _female(female * female_trend),
        "applicants": _race(applicants[cells.agency] + APPLICANT_SHARE_OF_GAP * start * trend),
        "selection": _race(stories["hire"][cells.agency]),
        "separation": _race(stories["separation"][cells.agency]),
        "promotion": _race(stories["promotion"][cells.agency]),
    }


def planted_disparities(agencies: pd.DataFrame) -> pd.DataFrame:
    """The planted disparities of a demo agency set: agency_code, action, race_ethnicity, rate_multiplier."""
    rows = [(code, action, race, float(np.exp(log_multiplier)))
            for (template, action, race), log_multiplier in ACTION_STORIES.items()
            for code in agencies.loc[agencies["template"] == template, "agency_code"]]
    return pd.DataFrame(rows, columns=["agency_code", "action", "race_ethnicity", "rate_multiplier"])


def _action_stories(templates: np.ndarray) -> dict[str, np.ndarray]:
    """Per action, an agencies × race array of deliberate log rate multipliers (ACTION_STORIES)."""
    out = {action: np.zeros((len(templates), N_RACE)) for action in codes.ACTIONS}
    for (template, action, race), log_multiplier in ACTION_STORIES.items():
        out[action][templates == template, codes.RACE_ETHNICITY.index(race)] = log_multiplier
    return out


def _normalise(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum(axis=1, keepdims=True)


def _hire(rng: np.random.Generator, total: np.ndarray, mixes: tuple[np.ndarray, np.ndarray], per_hire: np.ndarray,
          penalty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw applicants and hires: hires follow the hiring mix; the applicant mix sets the selection rates."""
    hiring, applied = mixes
    applicants = rng.poisson(total[:, None] * per_hire[:, None] * applied)
    weights = applicants * np.exp(penalty)  # every applicant the same chance, but for planted disparities
    empty = weights.sum(axis=1) == 0
    weights[empty] = hiring[empty]
    hires = rng.multinomial(total, _normalise(weights))
    return np.maximum(applicants, hires), hires


def simulate(rng: np.random.Generator, templates: np.ndarray, cells: Cells,
             availability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return headcount (years × cells × 21) and actions (years × cells × 3 × 2 × 21: pool, selected)."""
    params = _parameters(rng, templates, cells)
    avail = availability[cells.agency, :, cells.category, :]  # cells × years × 21
    category_names = [codes.JOB_CATEGORIES[c] for c in cells.category]
    sep_base = np.array([SEPARATION_RATE[c] for c in category_names])
    per_hire = np.array([APPLICANTS_PER_HIRE[c] for c in category_names])
    promotion_rate = np.clip(PROMOTION_RATE * np.exp(params["promotion"]), 0, 0.95)
    stock = rng.multinomial(cells.target[:, 0], _normalise(avail[:, 0] * np.exp(params["stock"])))
    headcount, actions = [], []
    for y in range(1, len(SIM_YEARS)):
        rate = np.clip(sep_base[:, None] * SEP_FACTOR[y] * np.exp(params["separation"]), 0, 0.9)
        separated = rng.binomial(stock, rate)
        stay = stock - separated
        total = np.maximum(cells.target[:, y] - stay.sum(axis=1), 0)
        hiring = _normalise(avail[:, y] * np.exp(params["hiring"]))
        applied = _normalise(avail[:, y] * np.exp(params["applicants"]))
        applicants, hires = _hire(rng, total, (hiring, applied), per_hire, params["selection"])
        eligible = rng.binomial(stay, PROMOTION_ELIGIBLE)
        promoted = rng.binomial(eligible, promotion_rate)
        actions.append(np.stack([
            np.stack([applicants, hires], axis=1),
            np.stack([eligible, promoted], axis=1),
            np.stack([stock, separated], axis=1),
        ], axis=1))
        stock = stay + hires
        headcount.append(stock)
    return np.stack(headcount), np.stack(actions)


def _keys(agency_codes: np.ndarray, cells: Cells, n_years: int, per_cell: int) -> dict[str, np.ndarray]:
    n_cells = len(cells.agency)
    cell_agency = np.asarray(agency_codes, dtype=object)[cells.agency]
    cell_category = np.asarray(codes.JOB_CATEGORIES, dtype=object)[cells.category]
    return {
        "fiscal_year": np.repeat(np.asarray(SIM_YEARS[1:]), n_cells * per_cell),
        "agency_code": np.tile(np.repeat(cell_agency, per_cell), n_years),
        "job_category": np.tile(np.repeat(cell_category, per_cell), n_years),
    }


def workforce_frame(agency_codes: np.ndarray, cells: Cells, headcount: np.ndarray) -> pd.DataFrame:
    """Long workforce rows (every group of every present cell, zeros included)."""
    n_years, n_cells, n_groups = headcount.shape
    frame = _keys(agency_codes, cells, n_years, n_groups)
    frame["race_ethnicity"] = np.tile(np.repeat(np.asarray(codes.RACE_ETHNICITY), N_SEX), n_years * n_cells)
    frame["sex"] = np.tile(np.asarray(codes.SEX), n_years * n_cells * N_RACE)
    frame["headcount"] = headcount.ravel()
    return pd.DataFrame(frame)


def actions_frame(agency_codes: np.ndarray, cells: Cells, actions: np.ndarray) -> pd.DataFrame:
    """Long personnel-action rows; rows with an empty pool are left out."""
    n_years, n_cells, n_actions, _, n_groups = actions.shape
    frame = _keys(agency_codes, cells, n_years, n_actions * n_groups)
    frame["action"] = np.tile(np.repeat(np.asarray(codes.ACTIONS), n_groups), n_years * n_cells)
    frame["race_ethnicity"] = np.tile(np.repeat(np.asarray(codes.RACE_ETHNICITY), N_SEX),
                                      n_years * n_cells * n_actions)
    frame["sex"] = np.tile(np.asarray(codes.SEX), n_years * n_cells * n_actions * N_RACE)
    frame["pool"] = actions[:, :, :, 0, :].ravel()
    frame["selected"] = actions[:, :, :, 1, :].ravel()
    out = pd.DataFrame(frame)
    return out[out["pool"] > 0].reset_index(drop=True)
