"""Disclosure control (DESIGN §5): which cells the public may not see, and masking them by viewer.

Primary suppression marks every row with a count from 1 to k−1 (and so every figure derived from it).
Complementary suppression then walks every additive line a viewer can see — groups summing to a cell
total, race × sex cells summing to their race and to their sex, job categories summing to the agency
total, agencies summing to the statewide row — and wherever a line has too few suppressed cells for
subtraction to be useless, it also suppresses the smallest visible non-zero cell of the line, repeating
over all lines until nothing changes. Lines across agencies need three suppressed agencies (the
statewide total not counted), so that an agency user, who knows its own agency's figures, still cannot
subtract its way to another agency's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .casework_lines import (
    CASEWORK_COUNTS,
    CASEWORK_HIDDEN,
    CASEWORK_SIZE,
    LATER_YEARS,
    casework_counts,
    casework_lines,
    spread_to_later_years,
)
from .viewer import Viewer

# Per table: the counts that trigger suppression, and the figures hidden with a suppressed row.
COUNT_COLUMNS = {
    "workforce_utilization": ("headcount", "total"),
    "selection_rates": ("selected", "pool", "not_selected"),
    "training": ("completed", "employees", "not_completed"),
    "town_measures": ("numerator",),
    **CASEWORK_COUNTS,
}
HIDDEN_COLUMNS = {
    "workforce_utilization": ("headcount", "total", "share", "utilization_ratio", "expected", "shortfall",
                              "z_score", "p_value", "flag_80pct", "flag_2sd", "flag_significant"),
    "selection_rates": ("pool", "selected", "rate", "impact_ratio", "z_score", "fisher_p", "flag_four_fifths",
                        "flag_significant", "practically_significant"),
    "training": ("completed", "employees", "completion_rate"),
    "town_measures": ("value", "numerator", "denominator", "moe", "cv", "class_break"),
    **CASEWORK_HIDDEN,
}
# The count that says how "small" a row is when choosing complementary cells.
SIZE_COLUMN = {"workforce_utilization": "headcount", "selection_rates": "pool", "training": "employees",
               **CASEWORK_SIZE}
MAX_ROUNDS = 50
# Rows that repeat their cell's total (workforce `total`): a hidden total row hides every row of its cell.
CELL_TOTALS = {"workforce_utilization": (("fiscal_year", "agency_code", "job_category"), "_is_all")}
# Figures of a row computed against its reference group's row (selection: impact ratio, z, Fisher p, flags).
COMPARED_COLUMNS = {"selection_rates": ("impact_ratio", "z_score", "fisher_p", "flag_four_fifths",
                                        "flag_significant", "practically_significant")}
COMPARISON_KEY = ("fiscal_year", "agency_code", "action", "group_dimension")


@dataclass(frozen=True)
class Line:
    """A family of additive lines: rows sharing `key` add up (members) to the row marked total."""

    name: str
    key: tuple[str, ...]
    total_mask: str  # a boolean column: the row is the line's total
    member_mask: str  # a boolean column: the row is a member of the line
    needed: int = 2  # suppressed cells a line needs once it has any
    count_total: bool = True  # whether a suppressed total counts towards `needed`


def _derived_counts(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    if table == "selection_rates":
        return frame.assign(not_selected=frame["pool"] - frame["selected"])
    if table == "training":
        return frame.assign(not_completed=frame["employees"] - frame["completed"])
    return casework_counts(frame, table)


def primary_suppression(frame: pd.DataFrame, table: str, k: int) -> pd.Series:
    """True where any count of the row is between 1 and k−1 (a small count, or a figure computed from one)."""
    frame = _derived_counts(frame, table)
    flags = np.zeros(len(frame), dtype=bool)
    for column in COUNT_COLUMNS[table]:
        counts = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        flags |= (counts >= 1) & (counts < k)
    return pd.Series(flags, index=frame.index)


def _workforce_lines(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Line]]:
    race_sex = frame["group_dimension"] == "race_sex"
    parts = frame["group_code"].where(race_sex, "").str.rsplit("_", n=1)
    work = frame.assign(
        _race=parts.str[0].where(race_sex, frame["group_code"]),
        _sex=parts.str[-1].where(race_sex, frame["group_code"]),
        _groups_dim=frame["group_dimension"].where(frame["group_dimension"] != "all", "*"),
        _is_all=frame["group_dimension"] == "all",
        _is_group=frame["group_dimension"] != "all",
        _is_race_sex=race_sex,
        _is_race=frame["group_dimension"] == "race_ethnicity",
        _is_sex=frame["group_dimension"] == "sex",
        _is_cat_all=frame["job_category"] == "ALL",
        _is_cat=frame["job_category"] != "ALL",
        _is_agency_all=frame["agency_code"] == "ALL",
        _is_agency=frame["agency_code"] != "ALL",
    )
    cell = ("fiscal_year", "agency_code", "job_category")
    lines = [
        *(Line(f"groups→total ({dim})", cell, "_is_all", f"_is_{mask}")
          for dim, mask in (("race_ethnicity", "race"), ("sex", "sex"), ("race_sex", "race_sex"))),
        Line("race×sex→race", (*cell, "_race"), "_is_race", "_is_race_sex"),
        Line("race×sex→sex", (*cell, "_sex"), "_is_sex", "_is_race_sex"),
        Line("categories→agency", ("fiscal_year", "agency_code", "group_dimension", "group_code"),
             "_is_cat_all", "_is_cat"),
        Line("agencies→state", ("fiscal_year", "job_category", "group_dimension", "group_code"),
             "_is_agency_all", "_is_agency", needed=3, count_total=False),
    ]
    return work, lines


def _selection_lines(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Line]]:
    race_sex = frame["group_dimension"] == "race_sex"
    parts = frame["group_code"].where(race_sex, "").str.rsplit("_", n=1)
    work = frame.assign(
        _race=parts.str[0].where(race_sex, frame["group_code"]),
        _sex=parts.str[-1].where(race_sex, frame["group_code"]),
        _is_race_sex=race_sex,
        _is_race=frame["group_dimension"] == "race_ethnicity",
        _is_sex=frame["group_dimension"] == "sex",
        _is_agency_all=frame["agency_code"] == "ALL",
        _is_agency=frame["agency_code"] != "ALL",
        _no_row=False,
    )
    cell = ("fiscal_year", "agency_code", "action")
    lines = [
        # Each dimension's groups add up to the same pool (and selected): a total no row shows, but one
        # fully shown dimension gives it away, so every dimension needs two hidden groups or none.
        *(Line(f"groups→pool ({dim})", cell, "_no_row", f"_is_{dim}", count_total=False)
          for dim in ("race", "sex", "race_sex")),
        Line("race×sex→race", (*cell, "_race"), "_is_race", "_is_race_sex"),
        Line("race×sex→sex", (*cell, "_sex"), "_is_sex", "_is_race_sex"),
        Line("agencies→state", ("fiscal_year", "action", "group_dimension", "group_code"),
             "_is_agency_all", "_is_agency", needed=3, count_total=False),
    ]
    return work, lines


def _training_lines(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Line]]:
    work = frame.assign(_is_agency_all=frame["agency_code"] == "ALL", _is_agency=frame["agency_code"] != "ALL")
    return work, [Line("agencies→state", ("fiscal_year",), "_is_agency_all", "_is_agency", needed=3,
                       count_total=False)]


LINE_BUILDERS = {
    "workforce_utilization": _workforce_lines,
    "selection_rates": _selection_lines,
    "training": _training_lines,
}
LINE_BUILDERS.update({table: casework_lines(table, Line) for table in CASEWORK_COUNTS})


def _protect_line(work: pd.DataFrame, line: Line, suppressed: np.ndarray, size: np.ndarray) -> int:
    """One pass over one line family; returns how many cells it newly suppressed."""
    in_line = (work[line.total_mask] | work[line.member_mask]).to_numpy()
    rows = np.flatnonzero(in_line)
    if rows.size == 0:
        return 0
    codes = work.iloc[rows].groupby(list(line.key), sort=False, dropna=False).ngroup().to_numpy()
    member = work[line.member_mask].to_numpy()[rows]
    n_lines = codes.max() + 1
    anything = np.bincount(codes, weights=suppressed[rows], minlength=n_lines)
    counted = np.bincount(codes, weights=suppressed[rows] & (member | line.count_total), minlength=n_lines)
    weak = (anything > 0) & (counted < line.needed)
    if not weak.any():
        return 0
    candidate = weak[codes] & member & ~suppressed[rows]
    # The smallest non-zero cell first; a zero cell only when a line has nothing else left to hide.
    rank = np.where(size[rows] > 0, size[rows], np.inf)
    order = np.lexsort((rank[candidate], codes[candidate]))
    chosen_codes = codes[candidate][order]
    first = np.ones(chosen_codes.size, dtype=bool)
    first[1:] = chosen_codes[1:] != chosen_codes[:-1]
    picked = rows[candidate][order][first]
    # A weak line with no visible member left: its total would give the cells away, so hide it too.
    helpless = weak.copy()
    helpless[chosen_codes[first]] = False
    totals = rows[helpless[codes] & ~member & ~suppressed[rows]]
    suppressed[picked] = True
    suppressed[totals] = True
    return picked.size + totals.size


def suppression_flags(frame: pd.DataFrame, table: str, k: int) -> pd.Series:
    """Primary plus complementary suppression over every additive line of the table."""
    suppressed = primary_suppression(frame, table, k).to_numpy().copy()
    if table not in LINE_BUILDERS or frame.empty:
        return pd.Series(suppressed, index=frame.index)
    work, lines = LINE_BUILDERS[table](_derived_counts(frame.reset_index(drop=True), table))
    size = pd.to_numeric(work[SIZE_COLUMN[table]], errors="coerce").fillna(0).to_numpy(dtype=float)
    for _ in range(MAX_ROUNDS):
        changed = sum(_protect_line(work, line, suppressed, size) for line in lines)
        if table in CELL_TOTALS:
            changed += _spread_hidden_totals(work, suppressed, *CELL_TOTALS[table])
        if table in LATER_YEARS:
            changed += spread_to_later_years(work, suppressed, *LATER_YEARS[table])
        if changed == 0:
            break
    return pd.Series(suppressed, index=frame.index)


def _spread_hidden_totals(work: pd.DataFrame, suppressed: np.ndarray, key: tuple[str, ...], total_mask: str) -> int:
    """Suppress every row of a cell whose total row is suppressed (each row repeats that total)."""
    codes = work.groupby(list(key), sort=False, dropna=False).ngroup().to_numpy()
    hidden_total = np.zeros(codes.max() + 1, dtype=bool)
    hidden_total[codes[work[total_mask].to_numpy() & suppressed]] = True
    newly = hidden_total[codes] & ~suppressed
    suppressed |= newly
    return int(newly.sum())


def reference_suppressed(frame: pd.DataFrame, lookup: pd.DataFrame) -> np.ndarray:
    """Rows compared with a reference row that is suppressed (its rate would come out of the comparison).

    `lookup` must hold the reference rows (the whole table, or at least the rows' comparison cells); a row
    whose reference row is not there counts as compared with a suppressed one.
    """
    key = list(COMPARISON_KEY)
    refs = lookup.loc[~lookup["suppressed"].astype(bool), [*key, "group_code"]].drop_duplicates()
    shown = frame[[*key, "reference_group"]].merge(
        refs.rename(columns={"group_code": "reference_group"}).assign(_shown=True), how="left",
        on=[*key, "reference_group"])["_shown"].fillna(False).to_numpy(dtype=bool)
    return frame["reference_group"].notna().to_numpy() & ~shown


def mask_for_viewer(frame: pd.DataFrame, table: str, viewer: Viewer,
                    lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """Blank the hidden figures of suppressed rows the viewer has no right to see (keeps the `suppressed` flag).

    Figures compared with a suppressed reference row are blanked too (and marked in `reference_suppressed`);
    `lookup` holds the reference rows when `frame` is only part of its comparison cells (default: `frame`).
    """
    if frame.empty or "suppressed" not in frame.columns:
        return frame
    if "agency_code" in frame.columns:
        entitled = frame["agency_code"].map(viewer.sees_unsuppressed).astype(bool)
    else:
        entitled = pd.Series(viewer.role in ("statewide", "admin"), index=frame.index)
    hide = frame["suppressed"].astype(bool) & ~entitled
    compared = pd.Series(False, index=frame.index)
    if table in COMPARED_COLUMNS and "reference_group" in frame.columns:
        compared = pd.Series(reference_suppressed(frame, frame if lookup is None else lookup), index=frame.index)
        compared &= ~entitled & ~hide
        frame = frame.assign(reference_suppressed=compared)  # so a page can say why a comparison is missing
    if not hide.any() and not compared.any():
        return frame.assign(suppressed=hide)
    out = frame.copy()
    for column in HIDDEN_COLUMNS[table]:
        if column in out.columns:
            out[column] = out[column].astype(object).where(~hide, None)
    for column in COMPARED_COLUMNS.get(table, ()):
        if column in out.columns:
            out[column] = out[column].astype(object).where(~compared, None)
    out["suppressed"] = hide
    return out
