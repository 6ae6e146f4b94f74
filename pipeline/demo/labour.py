"""Synthetic availability: race × sex shares of the qualified labour pool by job category and year."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_access import codes

BASE_YEAR = 2019
SHARE_DECIMALS = 4
MIN_SHARE = 10.0 ** -SHARE_DECIMALS

# Rough shares of the qualified labour pool around 2019, in codes.RACE_ETHNICITY order:
# hispanic, white, black, asian, nhpi, aian, two_or_more.
RACE_BASE: dict[str, tuple[float, ...]] = {
    "officials_administrators": (0.08, 0.76, 0.09, 0.05, 0.001, 0.002, 0.017),
    "professionals": (0.09, 0.71, 0.10, 0.08, 0.001, 0.002, 0.017),
    "technicians": (0.13, 0.66, 0.12, 0.06, 0.001, 0.003, 0.026),
    "protective_sworn": (0.12, 0.72, 0.12, 0.02, 0.001, 0.003, 0.024),
    "protective_nonsworn": (0.17, 0.58, 0.20, 0.02, 0.001, 0.004, 0.025),
    "paraprofessionals": (0.19, 0.52, 0.22, 0.04, 0.001, 0.004, 0.025),
    "administrative_support": (0.16, 0.64, 0.13, 0.04, 0.001, 0.003, 0.026),
    "skilled_craft": (0.18, 0.69, 0.07, 0.02, 0.001, 0.004, 0.036),
    "service_maintenance": (0.27, 0.46, 0.20, 0.04, 0.002, 0.004, 0.024),
}
FEMALE_BASE: dict[str, float] = {
    "officials_administrators": 0.50, "professionals": 0.57, "technicians": 0.45,
    "protective_sworn": 0.14, "protective_nonsworn": 0.33, "paraprofessionals": 0.72,
    "administrative_support": 0.80, "skilled_craft": 0.06, "service_maintenance": 0.42,
}
# Yearly growth of each race group's pool before renormalising (the white share falls slowly).
RACE_GROWTH = np.array([1.025, 1.0, 1.008, 1.02, 1.0, 1.0, 1.03])
FEMALE_DRIFT = 0.002
X_SHARE = 0.003
AGENCY_SPREAD = 0.15


def round_shares(shares: np.ndarray) -> np.ndarray:
    """Normalise rows to 1, round to 4 decimals (no zeros), and put the rounding residue on each row's largest."""
    matrix = np.atleast_2d(np.asarray(shares, dtype=float))
    matrix = matrix / matrix.sum(axis=1, keepdims=True)
    rounded = np.maximum(np.round(matrix, SHARE_DECIMALS), MIN_SHARE)
    largest = rounded.argmax(axis=1)
    rows = np.arange(len(rounded))
    rounded[rows, largest] += 1.0 - rounded.sum(axis=1)
    return np.round(rounded, SHARE_DECIMALS)


def statewide_shares(year: int) -> np.ndarray:
    """Return the (9 categories × 21 race-sex) statewide availability of a year, rows summing to 1."""
    step = year - BASE_YEAR
    out = np.empty((len(codes.JOB_CATEGORIES), len(codes.RACE_SEX)))
    for i, category in enumerate(codes.JOB_CATEGORIES):
        race = np.asarray(RACE_BASE[category]) * RACE_GROWTH**step
        race = race / race.sum()
        female = min(FEMALE_BASE[category] + FEMALE_DRIFT * step, 0.95)
        sex = np.array([female * (1 - X_SHARE), (1 - female) * (1 - X_SHARE), X_SHARE])
        out[i] = np.outer(race, sex).ravel()
    return out


def availability_array(years: list[int], own: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return availability (agencies × years × 9 × 21); agencies with `own` get a local race profile."""
    state = np.stack([statewide_shares(year) for year in years])
    out = np.broadcast_to(state, (len(own), *state.shape)).copy()
    tilt = rng.normal(0.0, AGENCY_SPREAD, size=(len(own), len(codes.RACE_ETHNICITY)))
    tilt[:, codes.RACE_ETHNICITY.index("white")] = 0.0
    tilt[~own] = 0.0
    factor = np.exp(np.repeat(tilt, len(codes.SEX), axis=1))[:, None, None, :]
    out = out * factor
    return out / out.sum(axis=-1, keepdims=True)


def availability_frame(
    years: list[int], agency_codes: list[str], own: np.ndarray, present: np.ndarray, array: np.ndarray
) -> pd.DataFrame:
    """Long availability rows: statewide defaults (blank agency) plus own rows for present categories."""
    n_cat, n_grp = len(codes.JOB_CATEGORIES), len(codes.RACE_SEX)
    state = np.stack([statewide_shares(year) for year in years])
    blocks = [(year, "", c, state[y, c]) for y, year in enumerate(years) for c in range(n_cat)]
    for a in np.flatnonzero(own):
        blocks += [
            (year, agency_codes[a], c, array[a, y, c])
            for y, year in enumerate(years)
            for c in range(n_cat)
            if present[a, c]
        ]
    shares = round_shares(np.stack([block[3] for block in blocks]))
    race = np.repeat(np.array(codes.RACE_ETHNICITY), len(codes.SEX))
    sex = np.tile(np.array(codes.SEX), len(codes.RACE_ETHNICITY))
    frame = pd.DataFrame(
        {
            "fiscal_year": np.repeat([block[0] for block in blocks], n_grp),
            "agency_code": np.repeat([block[1] for block in blocks], n_grp),
            "job_category": np.repeat([codes.JOB_CATEGORIES[block[2]] for block in blocks], n_grp),
            "race_ethnicity": np.tile(race, len(blocks)),
            "sex": np.tile(sex, len(blocks)),
            "availability": shares.ravel(),
        }
    )
    return frame.sort_values(["fiscal_year", "agency_code"], kind="stable", ignore_index=True)
