"""Disclosure control (DESIGN §5): which cells the public may not see, and masking them by viewer.

Primary suppression marks every row with a count from 1 to k−1 (and so every figure derived from it).
Complementary suppression then walks every additive line a viewer can see — groups summing to a cell
total, race × sex cells summing to their race and to their sex, job categories summing to the agency
total, agencies summing to the statewide row — and wherever a line has too few suppressed cells for
subtraction to be useless, it also suppresses the smallest visible non-zero cell of the line, repeating
over all lines until nothing changes. Lines across agencies need three suppressed agencies (the
statewide total not counted), so that an agency user, who knows its own agency's figures, still cannot
subtract its way to another agency's.

Two more kinds of primary cell (issue #13): a rate of exactly 0 % or 100 % in a pool below 20 (it tells every
member's outcome), and every row of sex `x` (always hidden from the public; it still counts in totals). A line
that hides such a rate must also hide a cell whose outcomes differ, or the hidden cells' combined rate (total
less the visible cells) would still be 0 % or 100 %.
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
    "selection_rates": ("pool", "selected", "rate", "reference_eligible", "impact_ratio", "z_score", "fisher_p",
                        "cmh_p", "flag_four_fifths", "flag_significant", "practically_significant", "adverse_impact"),
    "training": ("completed", "employees", "completion_rate"),
    "town_measures": ("value", "numerator", "denominator", "moe", "cv", "class_break"),
    # A benchmark read from a suppressed cell (DESIGN §5): its value and everything that gives it back.
    "benchmark_progress": ("value", "progress", "fitted_value", "slope", "slope_ci_low", "slope_ci_high",
                           "status"),
    **CASEWORK_HIDDEN,
}
# The count that says how "small" a row is when choosing complementary cells.
SIZE_COLUMN = {"workforce_utilization": "headcount", "selection_rates": "pool", "training": "employees",
               **CASEWORK_SIZE}
MAX_ROUNDS = 50
# Rates that tell every member's outcome when 0 % or 100 % of a pool below EXTREME_POOL (DESIGN §5):
# table → (outcome count, pool). aap_goals: goals met over goals set, on its ALL rows only (a single goal's row
# holds selections wanted and achieved, not a rate), see EXTREME_ROWS.
EXTREME_POOL = 20
EXTREME_RATES = {"selection_rates": ("selected", "pool"), "training": ("completed", "employees"),
                 "aap_goals": ("met", "goal")}
# Tables whose rate is a rate on some rows only: the column that marks those rows with the value they hold.
EXTREME_ROWS = {"aap_goals": ("job_category", "ALL")}
HIDDEN_SEX = "x"  # rows of this sex (alone, or in a race × sex group) are never shown to the public
# Rows that repeat their cell's total (workforce `total`): a hidden total row hides every row of its cell.
CELL_TOTALS = {"workforce_utilization": (("fiscal_year", "agency_code", "job_category"), "_is_all")}
# Figures of a row computed against its reference group's row (selection: impact ratio, z, Fisher p, flags).
COMPARED_COLUMNS = {"selection_rates": ("impact_ratio", "z_score", "fisher_p", "cmh_p", "flag_four_fifths",
                                        "flag_significant", "practically_significant", "adverse_impact")}
COMPARISON_KEY = ("fiscal_year", "agency_code", "job_category", "action", "group_dimension")


@dataclass(frozen=True)
class Line:
    """A family of additive lines: rows sharing `key` add up (members) to the row marked total."""

    name: str
    key: tuple[str, ...]
    total_mask: str  # a boolean column: the row is the line's total
    member_mask: str  # a boolean column: the row is a member of the line
    needed: int = 2  # suppressed cells a line needs once it has any
    count_total: bool = True  # whether a suppressed total counts towards `needed`


class _Groups:
    """Line numbers of the work frame's rows by a key, computed once per (key, rows).

    The rows of a line family never change between rounds, only which of them are suppressed, so each
    grouping is made once and reused by every round: each key column is factorised once, a line's key is the
    mixed-radix number of its columns' codes, and lines are numbered in order of first appearance, nulls
    forming a group of their own (as pandas' `ngroup(sort=False, dropna=False)`).
    """

    def __init__(self, work: pd.DataFrame):
        self._work = work
        self._columns: dict[str, tuple[np.ndarray, int]] = {}
        self._memo: dict[tuple, np.ndarray] = {}

    def _column(self, name: str) -> tuple[np.ndarray, int]:
        if name not in self._columns:
            codes, uniques = pd.factorize(self._work[name], use_na_sentinel=False)
            self._columns[name] = (codes.astype(np.int64), max(len(uniques), 1))
        return self._columns[name]

    def codes(self, key: tuple[str, ...], rows: np.ndarray, rows_name: str) -> np.ndarray:
        memo_key = (key, rows_name)
        if memo_key not in self._memo:
            combined = np.zeros(len(rows), dtype=np.int64)
            for name in key:
                codes, size = self._column(name)
                combined = combined * size + codes[rows]  # fits: the product of key cardinalities is far below 2**63
            self._memo[memo_key] = pd.factorize(combined)[0].astype(np.int64)
        return self._memo[memo_key]


def _split_race_sex(frame: pd.DataFrame, race_sex: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Race and sex of each race × sex code (`white_f` → `white`, `f`); other rows keep their group code.

    Worked out once per distinct code (a few dozen) rather than once per row.
    """
    code = frame["group_code"]
    distinct = list(code.dropna().unique())
    race = code.map({c: c.rsplit("_", 1)[0] for c in distinct})
    sex = code.map({c: c.rsplit("_", 1)[-1] for c in distinct})
    return race.where(race_sex, code), sex.where(race_sex, code)


def _derived_counts(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    if table == "selection_rates":
        return frame.assign(not_selected=frame["pool"] - frame["selected"])
    if table == "training":
        return frame.assign(not_completed=frame["employees"] - frame["completed"])
    return casework_counts(frame, table)


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def primary_suppression(frame: pd.DataFrame, table: str, k: int) -> pd.Series:
    """True where any count of the row is between 1 and k−1 (a small count, or a figure computed from one),
    where a rate is 0 % or 100 % of a small pool, and on every row of sex `x`."""
    frame = _derived_counts(frame, table)
    flags = np.zeros(len(frame), dtype=bool)
    for column in COUNT_COLUMNS[table]:
        counts = _numbers(frame, column)
        flags |= (counts >= 1) & (counts < k)
    flags |= extreme_rates(frame, table).to_numpy() | hidden_sex(frame).to_numpy()
    return pd.Series(flags, index=frame.index)


def extreme_rates(frame: pd.DataFrame, table: str) -> pd.Series:
    """True where the table's rate is exactly 0 % or 100 % of a pool from 1 to EXTREME_POOL − 1."""
    if table not in EXTREME_RATES or frame.empty:
        return pd.Series(False, index=frame.index)
    outcome, pool = (_numbers(frame, column) for column in EXTREME_RATES[table])
    small = (pool >= 1) & (pool < EXTREME_POOL) & _rate_rows(frame, table)
    return pd.Series(small & ((outcome == 0) | (outcome == pool)), index=frame.index)


def _rate_rows(frame: pd.DataFrame, table: str) -> np.ndarray:
    """Rows whose (outcome, pool) of EXTREME_RATES is a rate (all of them but where EXTREME_ROWS says)."""
    if table not in EXTREME_ROWS:
        return np.ones(len(frame), dtype=bool)
    column, value = EXTREME_ROWS[table]
    if column not in frame.columns:  # rows without their key (a bare figures frame) are not known to be rates
        return np.zeros(len(frame), dtype=bool)
    return (frame[column].astype(object) == value).to_numpy(dtype=bool)


def hidden_sex(frame: pd.DataFrame) -> pd.Series:
    """True on every row of sex `x`: the sex group itself and each race × sex group ending in `_x`."""
    if frame.empty or "group_dimension" not in frame.columns:
        return pd.Series(False, index=frame.index)
    dimension, code = frame["group_dimension"].astype(str), frame["group_code"].astype(str)
    flags = ((dimension == "sex") & (code == HIDDEN_SEX)) | (
        (dimension == "race_sex") & code.str.endswith(f"_{HIDDEN_SEX}"))
    return pd.Series(flags.to_numpy(dtype=bool), index=frame.index)


def _workforce_lines(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Line]]:
    race_sex = frame["group_dimension"] == "race_sex"
    race, sex = _split_race_sex(frame, race_sex)
    work = frame.assign(
        _race=race,
        _sex=sex,
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
    race, sex = _split_race_sex(frame, race_sex)
    work = frame.assign(
        _race=race,
        _sex=sex,
        _is_race_sex=race_sex,
        _is_race=frame["group_dimension"] == "race_ethnicity",
        _is_sex=frame["group_dimension"] == "sex",
        _is_agency_all=frame["agency_code"] == "ALL",
        _is_agency=frame["agency_code"] != "ALL",
        _is_cat_all=frame["job_category"] == "ALL",
        _is_cat=frame["job_category"] != "ALL",
        _no_row=False,
    )
    cell = ("fiscal_year", "agency_code", "job_category", "action")
    lines = [
        # Each dimension's groups add up to the same pool (and selected): a total no row shows, but one
        # fully shown dimension gives it away, so every dimension needs two hidden groups or none.
        *(Line(f"groups→pool ({dim})", cell, "_no_row", f"_is_{dim}", count_total=False)
          for dim in ("race", "sex", "race_sex")),
        Line("race×sex→race", (*cell, "_race"), "_is_race", "_is_race_sex"),
        Line("race×sex→sex", (*cell, "_sex"), "_is_sex", "_is_race_sex"),
        Line("categories→agency", ("fiscal_year", "agency_code", "action", "group_dimension", "group_code"),
             "_is_cat_all", "_is_cat"),
        Line("agencies→state", ("fiscal_year", "job_category", "action", "group_dimension", "group_code"),
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


def _protect_line(work: pd.DataFrame, line: Line, suppressed: np.ndarray, size: np.ndarray, groups: _Groups) -> int:
    """One pass over one line family; returns how many cells it newly suppressed."""
    in_line = (work[line.total_mask] | work[line.member_mask]).to_numpy()
    rows = np.flatnonzero(in_line)
    if rows.size == 0:
        return 0
    codes = groups.codes(line.key, rows, f"{line.total_mask}|{line.member_mask}")
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
    """Primary plus complementary suppression over every additive line of the table.

    A sex `x` row that holds nobody is hidden but needs no complementary cell (a zero is not a small count,
    and protecting it would hide a female or male cell beside every empty `x` cell).
    """
    suppressed = primary_suppression(frame, table, k).to_numpy().copy()
    if table not in LINE_BUILDERS or frame.empty:
        return pd.Series(suppressed, index=frame.index)
    work, lines = LINE_BUILDERS[table](_derived_counts(frame.reset_index(drop=True), table))
    size = pd.to_numeric(work[SIZE_COLUMN[table]], errors="coerce").fillna(0).to_numpy(dtype=float)
    empty_x = hidden_sex(work).to_numpy() & (size == 0)
    suppressed &= ~empty_x
    groups = _Groups(work)
    for _ in range(MAX_ROUNDS):
        changed = sum(_protect_line(work, line, suppressed, size, groups) for line in lines)
        if table in EXTREME_RATES:
            changed += sum(_protect_extremes(work, line, suppressed, size, table, groups) for line in lines)
        if table in CELL_TOTALS:
            changed += _spread_hidden_totals(work, suppressed, *CELL_TOTALS[table], groups)
        if table in LATER_YEARS:
            changed += spread_to_later_years(work, suppressed, *LATER_YEARS[table])
        if changed == 0:
            break
    return pd.Series(suppressed | empty_x, index=frame.index)


def _protect_extremes(work: pd.DataFrame, line: Line, suppressed: np.ndarray, size: np.ndarray, table: str,
                      groups: _Groups) -> int:
    """Lines whose hidden members are all 0 % (or all 100 %) and include a small pool: hide one more that is not.

    Subtracting the visible members from the total gives the hidden members' combined outcomes and pool; when
    that combined rate is 0 % (100 %), each hidden member's is too. The hidden members must hold at least
    `needed − 1` cells with some (some missing) outcome, so that an agency user who knows one still cannot tell.
    """
    member = work[line.member_mask].to_numpy()
    rows = np.flatnonzero(member)
    if rows.size == 0 or (table in EXTREME_ROWS and not _rate_rows(work.iloc[rows], table).all()):
        return 0  # a line of goals (not of rates) gives no combined rate back
    outcome, pool = (np.nan_to_num(_numbers(work, c)[rows]) for c in EXTREME_RATES[table])
    codes = groups.codes(line.key, rows, line.member_mask)
    hidden, n_lines = suppressed[rows], codes.max() + 1
    small = hidden & (pool >= 1) & (pool < EXTREME_POOL)
    picked = []
    for extreme, differs in ((outcome == 0, outcome > 0), (outcome == pool, outcome < pool)):
        exposed = np.bincount(codes, weights=small & extreme, minlength=n_lines) > 0
        cover = np.bincount(codes, weights=hidden & differs, minlength=n_lines)
        weak = exposed & (cover < line.needed - 1)
        candidate = weak[codes] & ~hidden & differs
        if not candidate.any():
            continue
        order = np.lexsort((size[rows][candidate], codes[candidate]))
        chosen = codes[candidate][order]
        first = np.ones(chosen.size, dtype=bool)
        first[1:] = chosen[1:] != chosen[:-1]
        picked.append(rows[candidate][order][first])
    newly = np.unique(np.concatenate(picked)) if picked else np.array([], dtype=int)
    newly = newly[~suppressed[newly]]
    suppressed[newly] = True
    return int(newly.size)


def _spread_hidden_totals(work: pd.DataFrame, suppressed: np.ndarray, key: tuple[str, ...], total_mask: str,
                          groups: _Groups) -> int:
    """Suppress every row of a cell whose total row is suppressed (each row repeats that total)."""
    codes = groups.codes(key, np.arange(len(work)), "*")
    hidden_total = np.zeros(codes.max() + 1, dtype=bool)
    hidden_total[codes[work[total_mask].to_numpy() & suppressed]] = True
    newly = hidden_total[codes] & ~suppressed
    suppressed |= newly
    return int(newly.sum())


def _joint_codes(columns: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of two sets of rows over the same key columns (pairs of arrays: left rows, right rows), equal
    where the rows agree on every column (a null equals a null, as in a merge)."""
    left = np.zeros(len(columns[0][0]), dtype=np.int64)
    right = np.zeros(len(columns[0][1]), dtype=np.int64)
    for values_left, values_right in columns:
        codes, uniques = pd.factorize(np.concatenate([values_left, values_right]), use_na_sentinel=False)
        size = max(len(uniques), 1)
        left = left * size + codes[: len(values_left)]
        right = right * size + codes[len(values_left):]
        if len(columns) > 1:  # keep the combined key small: renumber it after each column
            both, _ = pd.factorize(np.concatenate([left, right]))
            left, right = both[: len(left)], both[len(left):]
    return left, right


def reference_suppressed(frame: pd.DataFrame, lookup: pd.DataFrame) -> np.ndarray:
    """Rows compared with a reference row that is suppressed (its rate would come out of the comparison).

    `lookup` must hold the reference rows (the whole table, or at least the rows' comparison cells); a row
    whose reference row is not there counts as compared with a suppressed one.
    """
    shown = ~lookup["suppressed"].to_numpy(dtype=bool)
    pairs = [(frame[k].to_numpy(dtype=object), lookup[k].to_numpy(dtype=object)[shown]) for k in COMPARISON_KEY]
    pairs.append((frame["reference_group"].to_numpy(dtype=object), lookup["group_code"].to_numpy(dtype=object)[shown]))
    rows, references = _joint_codes(pairs)
    compared = frame["reference_group"].notna().to_numpy()
    return compared & ~np.isin(rows, references)


def _entitled(frame: pd.DataFrame, table: str, viewer: Viewer) -> np.ndarray:
    """Rows whose hidden figures this viewer may see (decided once per agency, not once per row)."""
    if "agency_code" in frame.columns:
        codes, agencies = pd.factorize(frame["agency_code"], use_na_sentinel=False)
        return np.array([bool(viewer.sees_unsuppressed(a)) for a in agencies], dtype=bool)[codes]
    statewide = viewer.role in ("statewide", "admin")
    if table == "benchmark_progress":  # an agency's own benchmarks; the state's and regions' are statewide
        own = [s == "agency" and viewer.sees_unsuppressed(i) for s, i in zip(frame["scope"], frame["scope_id"])]
        return np.array(own, dtype=bool) | statewide
    return np.full(len(frame), statewide)


def _blanked(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """A column as Python objects (dtype object, text too) with None on the given rows."""
    out = values.to_numpy(dtype=object, copy=True)
    out[rows] = None
    return pd.Series(out, index=values.index, dtype=object)


def mask_for_viewer(frame: pd.DataFrame, table: str, viewer: Viewer,
                    lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """Blank the hidden figures of suppressed rows the viewer has no right to see (keeps the `suppressed` flag).

    Figures compared with a suppressed reference row are blanked too (and marked in `reference_suppressed`);
    `lookup` holds the reference rows when `frame` is only part of its comparison cells (default: `frame`).
    Column-wise over numpy arrays: the first view of a page masks tens of thousands of rows.
    """
    if frame.empty or "suppressed" not in frame.columns:
        return frame
    entitled = _entitled(frame, table, viewer)
    hide = frame["suppressed"].to_numpy(dtype=bool) & ~entitled
    changed: dict[str, object] = {}
    compared = np.zeros(len(frame), dtype=bool)
    if table in COMPARED_COLUMNS and "reference_group" in frame.columns:
        compared = reference_suppressed(frame, frame if lookup is None else lookup) & ~entitled & ~hide
        changed["reference_suppressed"] = compared  # so a page can say why a comparison is missing
    if hide.any() or compared.any():
        hidden, against = HIDDEN_COLUMNS[table], COMPARED_COLUMNS.get(table, ())
        for column in dict.fromkeys((*hidden, *against)):
            if column in frame.columns:
                changed[column] = _blanked(frame[column], (hide if column in hidden else False)
                                           | (compared if column in against else False))
    changed["suppressed"] = hide
    return frame.assign(**changed)
