"""Synthetic town population by race/ethnicity and limited English proficiency (rough built-in profiles)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_access import codes
from geo.towns import towns

YEARS = tuple(range(2019, 2026))

# Rough profiles of the larger and more diverse towns, written for the demo (not survey figures):
# name -> (population in thousands, Hispanic share, Black share, Asian share).
CITY_PROFILES: dict[str, tuple[float, float, float, float]] = {
    "Bridgeport": (148, 0.42, 0.22, 0.03), "Stamford": (136, 0.28, 0.13, 0.08),
    "New Haven": (135, 0.31, 0.29, 0.05), "Hartford": (121, 0.45, 0.34, 0.03),
    "Waterbury": (114, 0.37, 0.22, 0.02), "Norwalk": (91, 0.30, 0.14, 0.05),
    "Danbury": (86, 0.32, 0.09, 0.07), "New Britain": (74, 0.43, 0.10, 0.03),
    "West Hartford": (64, 0.12, 0.07, 0.10), "Greenwich": (63, 0.14, 0.03, 0.08),
    "Fairfield": (62, 0.07, 0.01, 0.05), "Hamden": (61, 0.13, 0.23, 0.06),
    "Bristol": (61, 0.18, 0.06, 0.03), "Meriden": (60, 0.38, 0.07, 0.03),
    "Manchester": (59, 0.16, 0.14, 0.09), "West Haven": (55, 0.27, 0.18, 0.05),
    "Milford": (52, 0.09, 0.03, 0.05), "Stratford": (52, 0.20, 0.11, 0.03),
    "East Hartford": (51, 0.38, 0.22, 0.06), "Middletown": (47, 0.12, 0.13, 0.06),
    "Norwich": (40, 0.22, 0.10, 0.08), "Windsor": (29, 0.10, 0.32, 0.05),
    "New London": (27, 0.36, 0.15, 0.03), "Windham": (25, 0.45, 0.05, 0.01),
    "Bloomfield": (21, 0.08, 0.55, 0.03), "Ansonia": (19, 0.25, 0.10, 0.02),
}
# Other towns by planning region: (median population in thousands, Hispanic, Black, Asian share).
REGION_PROFILES: dict[str, tuple[float, float, float, float]] = {
    "09110": (13, 0.08, 0.05, 0.05), "09120": (25, 0.08, 0.03, 0.05), "09130": (7, 0.05, 0.02, 0.03),
    "09140": (15, 0.10, 0.03, 0.03), "09150": (6, 0.05, 0.01, 0.01), "09160": (4, 0.05, 0.01, 0.02),
    "09170": (16, 0.09, 0.04, 0.04), "09180": (9, 0.08, 0.03, 0.04), "09190": (14, 0.09, 0.02, 0.05),
}
SMALL_GROUPS = {"nhpi": 0.0005, "aian": 0.002, "two_or_more": 0.03}
# Yearly growth factor of each race group's share (codes.RACE_ETHNICITY order), white takes the rest.
SHARE_GROWTH = np.array([1.03, 1.0, 1.01, 1.02, 1.0, 1.0, 1.04])
SAMPLE_FRACTION = 0.1  # rough five-year survey sampling fraction behind the margins of error
DESIGN_EFFECT = 1.5
Z90 = 1.645


def town_profiles(rng: np.random.Generator) -> pd.DataFrame:
    """One row per town: population and race shares of the first year, plus region and size features."""
    table = towns().sort_values("town_geoid", ignore_index=True)
    rows = []
    for name, region in zip(table["town_name"], table["region_id"]):
        if name in CITY_PROFILES:
            thousands, *shares = CITY_PROFILES[name]
            noise = 0.05
        else:
            median, *shares = REGION_PROFILES[region]
            thousands = float(np.clip(median * rng.lognormal(0.0, 0.6), 0.9, 45.0))
            noise = 0.35
        hispanic, black, asian = np.asarray(shares) * rng.lognormal(0.0, noise, 3)
        rows.append((thousands * 1000, hispanic, black, asian))
    profile = pd.DataFrame(rows, columns=["population", "hispanic", "black", "asian"])
    for group, share in SMALL_GROUPS.items():
        profile[group] = share * rng.lognormal(0.0, 0.4, len(profile))
    others = profile[["hispanic", "black", "asian", *SMALL_GROUPS]].sum(axis=1)
    profile["white"] = np.clip(1.0 - others, 0.05, None)
    profile["lep"] = np.clip(
        0.01 + 0.35 * profile["hispanic"] + 0.3 * profile["asian"] + rng.normal(0, 0.01, len(profile)), 0.003, 0.4
    )
    profile.insert(0, "town_geoid", table["town_geoid"])
    profile.insert(1, "region_id", table["region_id"])
    profile["city"] = table["town_name"].isin(list(CITY_PROFILES))
    profile["population"] = np.round(profile["population"], -1)
    return profile


def _race_shares(profile: pd.DataFrame, step: int) -> np.ndarray:
    shares = profile[list(codes.RACE_ETHNICITY)].to_numpy(float) * SHARE_GROWTH**step
    white = codes.RACE_ETHNICITY.index("white")
    shares[:, white] = 0.0
    shares[:, white] = np.clip(1.0 - shares.sum(axis=1), 0.05, None)
    return shares / shares.sum(axis=1, keepdims=True)


def _split(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Whole-number group counts that add up to the total (largest remainders)."""
    exact = total[:, None] * shares
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum(axis=1)
    order = np.argsort(-(exact - counts), axis=1, kind="stable")
    ranks = np.argsort(order, axis=1, kind="stable")
    return counts + (ranks < short[:, None])


def count_moe(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    """A survey-style 90 % margin of error for an estimated count (floor 12 as for zero estimates)."""
    share = np.where(total > 0, count / np.maximum(total, 1), 0.0)
    variance = DESIGN_EFFECT * (count + 4) * (1 - share) * (1 - SAMPLE_FRACTION) / SAMPLE_FRACTION
    return np.maximum(np.ceil(Z90 * np.sqrt(variance)), 12)


def population_frame(profile: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Year × town × group rows (race groups, `total`, `lep`) with population and moe (blank for total)."""
    growth = rng.normal(0.002, 0.004, len(profile))
    frames = []
    for step, year in enumerate(YEARS):
        total = np.rint(profile["population"].to_numpy() * (1 + growth) ** step).astype(np.int64)
        total = total + rng.integers(-15, 16, len(total))
        counts = _split(total, _race_shares(profile, step))
        lep = np.rint(total * profile["lep"].to_numpy() * (1 + 0.01 * step)).astype(np.int64)
        values = np.column_stack([counts, total, lep])
        moe = np.column_stack([count_moe(counts, total[:, None]), np.full(len(total), np.nan),
                               count_moe(lep, total)])
        frames.append(pd.DataFrame({
            "year": year,
            "town_geoid": np.repeat(profile["town_geoid"].to_numpy(), values.shape[1]),
            "group": np.tile(np.asarray(codes.POPULATION_GROUPS), len(total)),
            "population": values.ravel(),
            "moe": pd.array(moe.ravel(), dtype="Int64"),
        }))
    return pd.concat(frames, ignore_index=True)
