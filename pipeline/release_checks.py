"""`validate_release()`: every computed table checked against the release contract before anything is written.

The rules read the tables' columns and keys from data_access/schema.py and the code lists from
data_access/codes.py, so a column added to the schema is checked by the rule its name and type call for:

- keys: every key column present and filled, no key repeated;
- towns: the 169 towns for every combination of the other keys (year × measure, year × group), and a town
  layer of 169 features;
- codes: agencies of the release's agency table (or `ALL`), measures of its measure table, the contract's
  job categories, actions, group dimensions and groups, geography ids of their level, scope ids of their scope;
- ranges: shares, rates, p-values, availability, goals and dissimilarity in [0, 1]; counts (integer
  columns), ratios, populations, margins of error, spend and days never negative; no infinite figure.

A failure raises ReleaseCheckError listing `table: column=value — rule` (capped per rule), before the write.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import Float, Integer

from data_access import codes
from data_access.schema import RELEASE_ID, RELEASE_TABLES
from geo.towns import TOWN_COUNT, towns

from .validate import ValidationError

SHOWN_PER_RULE = 5
NUMERIC = (Integer, Float)
TOLERANCE = 1e-9  # floating-point slack on range bounds
RELIABILITY = ("high", "medium", "low")  # DESIGN §4.3
INDEX_NAMES = ("theil", "theil_between", "theil_within")  # DESIGN §4.3
GROUPS = frozenset(
    (*codes.RACE_ETHNICITY, *codes.SEX, *codes.RACE_SEX, *codes.POPULATION_GROUPS, codes.ALL)
)
UNIT_INTERVAL = "shares, rates, p-values and availability lie in [0, 1]"
NON_NEGATIVE = "counts, ratios, populations, margins, spend and days are never negative"
FINITE = "figures are finite (empty when undefined, never infinite)"


class ReleaseCheckError(ValidationError):
    """The computed release breaks the release contract; `problems` lists `table: column=value — rule`."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.args = (f"{len(problems)} problem(s) in the computed release tables",)


def key_columns(table: str) -> list[str]:
    """The key of a release table (its primary key without release_id), from the schema."""
    return [c.name for c in RELEASE_TABLES[table].primary_key.columns if c.name != RELEASE_ID]


def range_rule(table: str, column: str) -> tuple[float, float | None, str] | None:
    """(low, high, rule) for a schema column, chosen by its name and type; None when any value is allowed."""
    if column in key_columns(table) or column == RELEASE_ID:
        return None
    name = column.lower()
    unit = (name in ("share", "rate", "availability", "dissimilarity", "p_value")
            or name.endswith(("_share", "_rate", "_p", "_goal")))
    if unit:
        return 0.0, 1.0, UNIT_INTERVAL
    kind = RELEASE_TABLES[table].c[column].type
    parts = ("ratio", "population", "moe", "spend", "days", "numerator", "denominator", "expected")
    if isinstance(kind, Integer) or name == "cv" or any(part in name for part in parts):
        return 0.0, None, NON_NEGATIVE
    return None


def _problem(table: str, column: str, value: object, rule: str) -> str:
    return f"{table}: {column}={value} — {rule}"


class _Report:
    """Problems collected rule by rule, each rule's list capped with a count of the rest."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, table: str, column: str, values: list, rule: str, rows: int | None = None) -> None:
        """One line per value (the first few), then how many more rows break the rule."""
        shown = values[:SHOWN_PER_RULE]
        self.lines += [_problem(table, column, value, rule) for value in shown]
        rest = (len(values) if rows is None else rows) - len(shown)
        if rest > 0:
            self.lines.append(f"{table}: {column} — … and {rest} more rows breaking: {rule}")


def _text(values: pd.Series) -> list[str]:
    return [str(v) for v in pd.unique(values.astype(object))]


def _check_keys(name: str, frame: pd.DataFrame, report: _Report) -> list[str]:
    """Key columns present and filled, and no key repeated; returns the key columns present."""
    keys = key_columns(name)
    present = [k for k in keys if k in frame.columns]
    for key in keys:
        if key not in frame.columns:
            report.add(name, key, ["(column missing)"], "every key column of the table is present")
        elif frame[key].isna().any():
            rows = frame.index[frame[key].isna()].tolist()
            report.add(name, key, [f"(empty, row {r})" for r in rows], "key columns are never empty")
    if present and len(present) == len(keys):
        repeated = frame[frame.duplicated(subset=keys, keep="first")]
        if not repeated.empty:
            values = ["(" + ", ".join(map(str, row)) + ")" for row in repeated[keys].itertuples(index=False)]
            report.add(name, "+".join(keys), values, "each key identifies one row (no duplicate keys)")
    return present


def _known(tables: dict[str, pd.DataFrame]) -> dict[str, frozenset[str]]:
    """The allowed values of each coded column, for this release."""
    agencies = tables.get("agencies", pd.DataFrame(columns=["agency_code"]))["agency_code"]
    measures = tables.get("measures", pd.DataFrame(columns=["measure_id"]))["measure_id"]
    return {
        "agency_code": frozenset(agencies.dropna().astype(str)) | {codes.ALL},
        "measure_id": frozenset(measures.dropna().astype(str)),
        "town_geoid": frozenset(towns()["town_geoid"]),
        "job_category": frozenset(codes.JOB_CATEGORIES) | {codes.ALL},
        "action": frozenset(codes.ACTIONS) | {codes.ALL},
        "group_dimension": frozenset(codes.GROUP_DIMENSIONS),
        "group_code": GROUPS,
        "reference_group": GROUPS,
        "geography_level": frozenset(codes.GEOGRAPHY_LEVELS),
        "scope": frozenset(codes.BENCHMARK_SCOPES),
        "peer_group": frozenset(codes.PEER_GROUPS),
        "domain": frozenset(codes.DOMAINS),
        "unit": frozenset(codes.UNITS),
        "direction": frozenset(codes.DIRECTIONS),
        "aap_decision": frozenset(codes.AAP_DECISIONS),
        "aap_basis": frozenset(codes.AAP_BASES) | {""},
        "forum": frozenset(codes.FORUMS) | {codes.ALL},
        "kind": frozenset(codes.ACCOMMODATION_KINDS) | {codes.ALL},
        "reliability": frozenset(RELIABILITY),
        "index_name": frozenset(INDEX_NAMES),
    }


# Columns whose code list depends on the table, and tables that define a list rather than use it.
_TABLE_CODES = {
    ("equity_plans", "status"): frozenset(codes.PLAN_STATUS),
    ("benchmark_progress", "status"): frozenset(codes.BENCHMARK_STATUSES),
    ("complaint_stats", "dimension"): frozenset(codes.COMPLAINT_DIMENSIONS),
    ("complaint_stats", "category"): frozenset(codes.COMPLAINT_BASES + codes.COMPLAINT_ISSUES
                                               + codes.COMPLAINT_OUTCOMES) | {codes.ALL},
}
_DEFINES = {("agencies", "agency_code"), ("measures", "measure_id")}


def _geography_ids() -> dict[str, frozenset[str]]:
    table = towns()
    return {"state": frozenset({codes.STATE_ID}), "region": frozenset(table["region_id"]),
            "county": frozenset(table["county_id"]), "town": frozenset(table["town_geoid"])}


def _check_codes(name: str, frame: pd.DataFrame, known: dict[str, frozenset[str]], report: _Report) -> None:
    """Coded columns hold known codes (empty values are left to the key rule)."""
    for column in frame.columns:
        allowed = _TABLE_CODES.get((name, column), known.get(column))
        if allowed is None or (name, column) in _DEFINES:
            continue
        values = frame[column].dropna().astype(str)
        bad = values[~values.isin(allowed)]
        if not bad.empty:
            report.add(name, column, _text(bad), f"{column} must be a known code ({len(allowed)} allowed)",
                       rows=len(bad))
    _check_pairs(name, frame, "geography_level", "geography_id", _geography_ids(), report)
    scopes = {"state": frozenset({codes.STATE_ID, ""}), "region": _geography_ids()["region"],
              "agency": known["agency_code"] - {codes.ALL}}
    _check_pairs(name, frame, "scope", "scope_id", scopes, report)


def _check_pairs(name: str, frame: pd.DataFrame, level_col: str, id_col: str,
                 ids: dict[str, frozenset[str]], report: _Report) -> None:
    """An id column holds an id of the level (or scope) named beside it."""
    if level_col not in frame.columns or id_col not in frame.columns:
        return
    pairs = frame[[level_col, id_col]].dropna(subset=[level_col]).drop_duplicates()
    bad = [f"{i} ({level_col} {lv})" for lv, i in pairs.itertuples(index=False)
           if lv in ids and ("" if pd.isna(i) else str(i)) not in ids[lv]]
    if bad:
        report.add(name, id_col, bad, f"{id_col} must be an id of the {level_col} beside it")


def _check_ranges(name: str, frame: pd.DataFrame, report: _Report) -> None:
    """Numeric columns within the range their schema name and type call for; none infinite."""
    for column in frame.columns:
        if column not in RELEASE_TABLES[name].c or not isinstance(RELEASE_TABLES[name].c[column].type, NUMERIC):
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        infinite = np.isinf(numbers)
        if infinite.any():
            report.add(name, column, _text(values[infinite]), FINITE, rows=int(infinite.sum()))
        rule = range_rule(name, column)
        if rule is None:
            continue
        low, high, text = rule
        with np.errstate(invalid="ignore"):
            out = (numbers < low - TOLERANCE) | ((numbers > high + TOLERANCE) if high is not None else False)
        out &= ~infinite
        if out.any():
            report.add(name, column, _text(values[out]), text, rows=int(out.sum()))


def _check_towns(name: str, frame: pd.DataFrame, present: list[str], report: _Report) -> None:
    """169 towns in the towns table, and for every combination of a town table's other keys."""
    if name == "towns" and "town_geoid" in frame and frame["town_geoid"].nunique() != TOWN_COUNT:
        found = frame["town_geoid"].nunique()
        report.add(name, "town_geoid", [f"{found} towns"], f"the release names all {TOWN_COUNT} towns")
    if "town_geoid" not in present or name == "towns":
        return
    others = [k for k in present if k != "town_geoid"]
    if not others:
        return
    counts = frame.dropna(subset=present).groupby(others, sort=True)["town_geoid"].nunique()
    short = counts[counts != TOWN_COUNT]
    values = [f"{n} towns for " + ", ".join(f"{k} {v}" for k, v in zip(others, np.atleast_1d(idx)))
              for idx, n in short.items()]
    if values:
        report.add(name, "town_geoid", values, f"every {' × '.join(others)} covers the {TOWN_COUNT} towns")


def _check_geometry(frame: pd.DataFrame, report: _Report) -> None:
    """The town layer, when the release has one, holds 169 features."""
    for level, text in zip(frame.get("geography_level", []), frame.get("geojson", [])):
        if level != "town":
            continue
        try:
            count = len(json.loads(text)["features"])
        except (TypeError, ValueError, KeyError):
            report.add("geometry", "geojson", ["(not a GeoJSON FeatureCollection)"], "the town layer is GeoJSON")
            continue
        if count != TOWN_COUNT:
            report.add("geometry", "geojson", [f"{count} town features"], f"the town layer holds {TOWN_COUNT} towns")


def release_problems(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every rule failure of the computed tables, as `table: column=value — rule` lines."""
    report = _Report()
    known = _known(tables)
    for name, frame in tables.items():
        if name not in RELEASE_TABLES:
            report.add(name, "(table)", [name], "only the schema's release tables are written")
            continue
        if frame is None or frame.empty:
            continue
        present = _check_keys(name, frame, report)
        _check_codes(name, frame, known, report)
        _check_ranges(name, frame, report)
        _check_towns(name, frame, present, report)
        if name == "geometry":
            _check_geometry(frame, report)
    return report.lines


def validate_release(tables: dict[str, pd.DataFrame]) -> None:
    """Raise ReleaseCheckError naming every broken rule; return quietly when the release may be written."""
    problems = release_problems(tables)
    if problems:
        raise ReleaseCheckError(problems)
