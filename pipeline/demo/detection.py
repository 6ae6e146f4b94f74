"""How many of the demo's planted disparities the adverse-impact rule finds, by agency size (README figures)."""
from __future__ import annotations

import pandas as pd

from data_access import codes

from .workforce import planted_disparities

SIZE_BANDS = ((0, 1000, "under 1,000 staff"), (1000, 3000, "1,000–2,999 staff"), (3000, 10**9, "3,000 staff or more"))


def size_band(size: pd.Series) -> pd.Series:
    """The README's agency size band of each agency size (planned headcount)."""
    out = pd.Series("", index=size.index, dtype=object)
    for low, high, label in SIZE_BANDS:
        out[(size >= low) & (size < high)] = label
    return out


def detection_table(selection: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """Per size band and action: planted (agency, year) comparisons, how many have ``adverse_impact`` on the
    planted group's pooled row, and how many comparisons without a planted disparity have any pooled row flagged."""
    pooled = selection[(selection["agency_code"] != codes.ALL) & (selection["job_category"] == codes.ALL)]
    planted = planted_disparities(agencies).rename(columns={"race_ethnicity": "group_code"})
    race = pooled[pooled["group_dimension"] == "race_ethnicity"]
    hits = race.merge(planted, on=["agency_code", "action", "group_code"])
    size = agencies.set_index("agency_code")["size"]
    hits = hits.assign(band=size_band(hits["agency_code"].map(size)))
    found = hits.groupby(["band", "action"]).agg(planted=("adverse_impact", "size"),
                                                found=("adverse_impact", "sum"))
    any_flag = pooled.groupby(["agency_code", "fiscal_year", "action"])["adverse_impact"].any().reset_index()
    told = set(zip(planted["agency_code"], planted["action"]))
    clean = any_flag[[(a, b) not in told for a, b in zip(any_flag["agency_code"], any_flag["action"])]]
    clean = clean.assign(band=size_band(clean["agency_code"].map(size)))
    false = clean.groupby(["band", "action"]).agg(clean=("adverse_impact", "size"), flagged=("adverse_impact", "sum"))
    return found.join(false, how="outer").fillna(0).astype(int).reset_index()
