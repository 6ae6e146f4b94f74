"""The demo agencies: the real agency list, rough sizes and job-category mixes, and scaled synthetic copies."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data_access import codes

AGENCIES_CSV = Path(__file__).with_name("agencies.csv")

# Approximate headcount (order of magnitude of recent years; not official figures).
SIZES: dict[str, int] = {
    "ADS": 420, "BOPP": 90, "CHRO": 80, "CID": 150, "CSL": 60, "CTECS": 1500, "DAS": 650, "DCF": 3000,
    "DCJ": 480, "DCP": 250, "DDS": 2600, "DECD": 110, "DEEP": 1000, "DESPP": 1700, "DMHAS": 3300,
    "DMV": 550, "DOAG": 60, "DOB": 110, "DOC": 5500, "DOH": 80, "DOL": 650, "DOT": 3100, "DPH": 800,
    "DRS": 650, "DSS": 1800, "DVA": 260, "FOIC": 20, "MIL": 110, "OAG": 300, "OCME": 65, "OEC": 150,
    "OHA": 22, "OHE": 30, "OHS": 45, "OPM": 200, "OSC": 270, "SDE": 600, "SEEC": 50, "WCC": 110,
}

# Job-category mix in codes.JOB_CATEGORIES order: officials_administrators, professionals, technicians,
# protective_sworn, protective_nonsworn, paraprofessionals, administrative_support, skilled_craft,
# service_maintenance.
PEER_MIX: dict[str, tuple[float, ...]] = {
    "human services": (0.07, 0.55, 0.05, 0, 0, 0.08, 0.22, 0.01, 0.02),
    "public safety": (0.08, 0.45, 0.05, 0, 0.05, 0.05, 0.30, 0.01, 0.01),
    "health": (0.08, 0.55, 0.10, 0, 0, 0.05, 0.20, 0.01, 0.01),
    "education": (0.10, 0.50, 0.05, 0, 0, 0.10, 0.23, 0.01, 0.01),
    "infrastructure": (0.08, 0.40, 0.15, 0, 0, 0.01, 0.16, 0.15, 0.05),
    "general government": (0.10, 0.48, 0.08, 0, 0, 0.01, 0.32, 0.005, 0.005),
}
AGENCY_MIX: dict[str, tuple[float, ...]] = {
    "DCF": (0.06, 0.58, 0.03, 0, 0.04, 0.07, 0.16, 0.02, 0.04),
    "DDS": (0.04, 0.18, 0.03, 0, 0, 0.55, 0.08, 0.04, 0.08),
    "DVA": (0.06, 0.30, 0.05, 0, 0.03, 0.25, 0.10, 0.06, 0.15),
    "DOL": (0.07, 0.45, 0.08, 0, 0, 0.02, 0.36, 0.01, 0.01),
    "DOC": (0.03, 0.12, 0.03, 0.62, 0.02, 0.04, 0.05, 0.04, 0.05),
    "DESPP": (0.05, 0.20, 0.10, 0.50, 0.05, 0.01, 0.07, 0.01, 0.01),
    "DCJ": (0.08, 0.55, 0.02, 0.13, 0, 0.05, 0.17, 0, 0),
    "MIL": (0.10, 0.20, 0.10, 0, 0.30, 0, 0.10, 0.12, 0.08),
    "DMHAS": (0.04, 0.35, 0.06, 0, 0.04, 0.30, 0.08, 0.04, 0.09),
    "OCME": (0.10, 0.35, 0.30, 0, 0, 0.10, 0.15, 0, 0),
    "CTECS": (0.06, 0.70, 0.03, 0, 0, 0.06, 0.07, 0.03, 0.05),
    "DOT": (0.04, 0.25, 0.22, 0, 0, 0.01, 0.08, 0.30, 0.10),
    "DEEP": (0.07, 0.45, 0.12, 0.05, 0, 0.02, 0.12, 0.12, 0.05),
    "DAS": (0.10, 0.45, 0.10, 0, 0, 0.01, 0.22, 0.08, 0.04),
    "DMV": (0.06, 0.18, 0.10, 0, 0, 0.02, 0.62, 0.01, 0.01),
}

# Agencies large enough to publish their own availability analysis (agency-specific availability rows).
OWN_AVAILABILITY_MIN_SIZE = 1000


def real_agencies() -> pd.DataFrame:
    """Return the real agency list shipped with the demo: agency_code, agency_name, peer_group, agency_name_es."""
    return pd.read_csv(AGENCIES_CSV, dtype=str, keep_default_na=False).sort_values("agency_code")


def scaled_agencies(scale: int = 1) -> pd.DataFrame:
    """Return agencies × scale with template code and size: synthetic copies are `CODE_2`, `CODE_3`, …."""
    if scale < 1:
        raise ValueError("scale must be an integer ≥ 1")
    base = real_agencies()
    frames = []
    for copy in range(1, scale + 1):
        frame = base.copy()
        frame["template"] = base["agency_code"]
        if copy > 1:
            frame["agency_code"] = base["agency_code"] + f"_{copy}"
            frame["agency_name"] = base["agency_name"] + f" (synthetic copy {copy})"
            frame["agency_name_es"] = base["agency_name_es"] + f" (copia sintética {copy})"
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["size"] = out["template"].map(SIZES).astype(int)
    out["own_availability"] = out["size"] >= OWN_AVAILABILITY_MIN_SIZE
    return out.sort_values("agency_code", ignore_index=True)


def category_mix(template: str, peer_group: str) -> np.ndarray:
    """Return the job-category mix (sums to 1) of an agency, in codes.JOB_CATEGORIES order."""
    mix = np.asarray(AGENCY_MIX.get(template, PEER_MIX[peer_group]), dtype=float)
    if len(mix) != len(codes.JOB_CATEGORIES):
        raise ValueError(f"category mix of {template} has {len(mix)} entries")
    return mix / mix.sum()
