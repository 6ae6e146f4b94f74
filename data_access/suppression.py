"""Disclosure control (DESIGN §5): which cells the public may not see, and masking them by viewer."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .viewer import Viewer

# Per table: the counts that trigger primary suppression, and the figures hidden with them.
COUNT_COLUMNS = {
    "workforce_utilization": ("headcount",),
    "selection_rates": ("selected", "pool"),
    "training": ("completed", "employees"),
}
HIDDEN_COLUMNS = {
    "workforce_utilization": ("headcount", "share", "utilization_ratio", "expected", "shortfall", "z_score",
                              "p_value", "flag_80pct", "flag_2sd", "flag_significant"),
    "selection_rates": ("pool", "selected", "rate", "impact_ratio", "z_score", "fisher_p", "flag_four_fifths",
                        "flag_significant", "practically_significant"),
    "training": ("completed", "employees", "completion_rate"),
}


def primary_suppression(frame: pd.DataFrame, table: str, k: int) -> pd.Series:
    """True where any count of the row is between 1 and k−1 (a small count, or a figure computed from one)."""
    flags = np.zeros(len(frame), dtype=bool)
    for column in COUNT_COLUMNS[table]:
        counts = frame[column].to_numpy(dtype=float, na_value=np.nan)
        flags |= (counts >= 1) & (counts < k)
    return pd.Series(flags, index=frame.index)


def mask_for_viewer(frame: pd.DataFrame, table: str, viewer: Viewer) -> pd.DataFrame:
    """Blank the hidden figures of suppressed rows the viewer has no right to see (keeps the `suppressed` flag)."""
    if frame.empty or "suppressed" not in frame.columns:
        return frame
    hide = frame["suppressed"].astype(bool)
    if "agency_code" in frame.columns:
        allowed = frame["agency_code"].map(viewer.sees_unsuppressed)
        hide &= ~allowed.astype(bool)
    else:
        hide &= viewer.role not in ("statewide", "admin")
    if not hide.any():
        return frame.assign(suppressed=hide)
    out = frame.copy()
    for column in HIDDEN_COLUMNS[table]:
        if column in out.columns:
            out[column] = out[column].astype(object).where(~hide, None)
    out["suppressed"] = hide
    return out
