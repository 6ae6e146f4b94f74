"""Validate a whole input folder before anything is computed or written (DESIGN §2.2)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from data_access import codes
from geo.towns import TOWN_COUNT, geoid_lookup, towns

from .casework_rules import accommodation_dates, complaint_dates, goal_groups, plan_basis
from .cells import convert, report
from .contract import AVAILABILITY_TOLERANCE, NOT_GREATER, SPECS
from .csvread import Problems, RawTable, read_raw
from .stats.metrics import metric_key_error

FIRST = ("agencies", "measures")  # their ids are needed to check the other files


class ValidationError(Exception):
    """The inputs break the contract; `problems` lists every failure as `file:line: column=value — rule`."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the inputs")
        self.problems = problems


def inputs_sha256(inputs: Path) -> str:
    """A fingerprint of every input CSV (names and bytes), so a release names exactly what it was built from."""
    digest = hashlib.sha256()
    for path in sorted(inputs.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def validate_inputs(inputs: Path) -> dict[str, pd.DataFrame]:
    """Read and check every input file; return typed frames or raise ValidationError listing all failures."""
    problems = Problems()
    if not inputs.is_dir():
        raise ValidationError([f"{inputs}: — the inputs folder does not exist"])
    for path in sorted(inputs.glob("*.csv")):
        if path.stem not in SPECS:
            problems.add(path.name, 1, rule=f"unknown input file; expected one of: {', '.join(SPECS)}")
    known: dict = {"geoid": geoid_lookup(), "agency": set(), "measure": set()}
    frames: dict[str, pd.DataFrame] = {}
    raw: dict[str, RawTable] = {}
    for name in [*FIRST, *(n for n in SPECS if n not in FIRST)]:
        spec = SPECS[name]
        path = inputs / spec.filename
        if not path.exists():
            if spec.required:
                problems.add(spec.filename, 0, rule="required file is missing")
            continue
        table = read_raw(path, spec, problems)
        if table is None:
            continue
        raw[name] = table
        frames[name] = pd.DataFrame({c.name: convert(table, c, problems, known) for c in spec.columns})
        _check_keys(table, spec.key, problems)
        if name == "agencies":
            known["agency"] = set(frames[name]["agency_code"].dropna())
        if name == "measures":
            known["measure"] = set(frames[name]["measure_id"].dropna())
    for name, table in raw.items():
        for rule in _FILE_RULES.get(name, ()):
            rule(table, frames[name], problems, frames)
    for file, small, large in NOT_GREATER:
        if file in frames:
            frame = frames[file]
            report(raw[file], problems, (frame[small] > frame[large]).fillna(False).to_numpy(dtype=bool), small,
                   f"{small} must not exceed {large}")
    if problems:
        raise ValidationError(problems.lines())
    return frames


def _check_keys(table: RawTable, key: tuple[str, ...], problems: Problems) -> None:
    frame = table.frame
    dup = ~pl.from_pandas(frame[list(key)]).select(pl.struct(list(key)).is_first_distinct()).to_series().to_numpy()
    if not dup.any():
        return
    first_line = frame.assign(_line=table.lines).groupby(list(key), sort=False)["_line"].transform("first")
    for i in np.flatnonzero(dup)[:50]:
        shown = ", ".join(f"{k}={frame[k].iat[i]}" for k in key)
        problems.add(table.file, int(table.lines[i]), key[0], frame[key[0]].iat[i],
                     f"duplicate key ({shown}); first given on line {int(first_line.iat[i])}")
    problems.total += max(0, int(dup.sum()) - 50)


def _availability_sums(table: RawTable, frame: pd.DataFrame, problems: Problems, _frames) -> None:
    keys = ["fiscal_year", "agency_code", "job_category"]
    grouped = frame.assign(_line=table.lines, agency_code=frame["agency_code"].fillna("(statewide)"))
    sums = grouped.groupby(keys, dropna=False).agg(total=("availability", "sum"), line=("_line", "min"))
    bad = sums[(sums["total"] - 1).abs() > AVAILABILITY_TOLERANCE]
    for (year, agency, job), row in bad.iterrows():
        problems.add(table.file, int(row["line"]), "availability", f"sum {row['total']:.4f}",
                     f"shares for ({year}, {agency}, {job}) must sum to 1 ± {AVAILABILITY_TOLERANCE}")


def _all_towns(key: str):
    def rule(table: RawTable, frame: pd.DataFrame, problems: Problems, _frames) -> None:
        names = towns().set_index("town_geoid")["town_name"]
        grouped = frame.assign(_line=table.lines).dropna(subset=["town_geoid"]).groupby(["year", key])
        for (year, what), part in grouped:
            missing = sorted(set(names.index) - set(part["town_geoid"]))
            if missing:
                listed = ", ".join(f"{names[g]} ({g})" for g in missing[:5]) + (" …" if len(missing) > 5 else "")
                problems.add(table.file, int(part["_line"].min()), key, what,
                             f"year {year} covers {TOWN_COUNT - len(missing)} of {TOWN_COUNT} towns; missing: {listed}")
    return rule


def _benchmark_keys(table: RawTable, frame: pd.DataFrame, problems: Problems, frames) -> None:
    measures = set(frames["measures"]["measure_id"].dropna()) if "measures" in frames else set()
    groups = set(codes.RACE_ETHNICITY) | set(codes.SEX) | set(codes.RACE_SEX) | {"lep", "total"}
    regions = set(towns()["region_id"])
    agencies = set(frames["agencies"]["agency_code"].dropna()) if "agencies" in frames else set()
    for i, row in enumerate(frame.itertuples(index=False)):
        line = int(table.lines[i])
        if pd.isna(row.metric_key) or pd.isna(row.scope):
            continue
        error = metric_key_error(row.metric_key, row.scope, measures, groups)
        if error:
            problems.add(table.file, line, "metric_key", row.metric_key, error)
        scope_id = "" if pd.isna(row.scope_id) else row.scope_id
        allowed = {"state": {""}, "agency": agencies, "region": regions}[row.scope]
        if scope_id not in allowed:
            hint = {"state": "must be empty for scope state", "agency": "must be an agency_code of agencies.csv",
                    "region": "must be a planning-region id such as 09110"}[row.scope]
            problems.add(table.file, line, "scope_id", scope_id, hint)
        if not pd.isna(row.baseline_year) and not pd.isna(row.target_year) and row.target_year <= row.baseline_year:
            problems.add(table.file, line, "target_year", row.target_year, "target_year must come after baseline_year")


_FILE_RULES = {
    "availability": (_availability_sums,),
    "town_population": (_all_towns("group"),),
    "town_measures": (_all_towns("measure_id"),),
    "benchmarks": (_benchmark_keys,),
    "equity_plans": (plan_basis,),
    "aap_goals": (goal_groups,),
    "complaints": (complaint_dates,),
    "accommodations": (accommodation_dates,),
}
