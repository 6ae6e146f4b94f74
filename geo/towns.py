"""The built-in table of Connecticut's 169 towns, 9 planning regions and 8 legacy counties (DESIGN §3)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

TOWNS_CSV = Path(__file__).with_name("ct_towns.csv")
TOWN_COUNT = 169


@lru_cache(maxsize=1)
def _towns() -> pd.DataFrame:
    return pd.read_csv(TOWNS_CSV, dtype=str, keep_default_na=False)


def towns() -> pd.DataFrame:
    """Return a copy of the town table: town_geoid (2022 scheme), town_name, legacy_geoid, region, county."""
    return _towns().copy()


def normalise_geoid(value: str) -> str | None:
    """Map a 10-digit town GEOID of either Census scheme to the 2022 planning-region scheme, else None."""
    text = str(value).strip()
    if len(text) != 10 or not text.isdigit() or not text.startswith("09"):
        return None
    table = _towns()
    cousub = text[5:]
    match = table[table["town_geoid"].str.endswith(cousub)]
    if match.empty:
        return None
    row = match.iloc[0]
    if text in (row["town_geoid"], row["legacy_geoid"]):
        return row["town_geoid"]
    return None


@lru_cache(maxsize=1)
def geoid_lookup() -> dict[str, str]:
    """Both schemes' GEOIDs mapped to the 2022 GEOID (fast vectorised normalisation)."""
    table = _towns()
    lookup = dict(zip(table["town_geoid"], table["town_geoid"]))
    lookup.update(zip(table["legacy_geoid"], table["town_geoid"]))
    return lookup
