"""A small release whose benchmarks read suppressed and unsuppressed cells, and the cells each benchmark reads.

`release_tables()` runs the pipeline's own statistics and suppression over hand-made inputs: three large
agencies and one small one (SMAL) whose Hispanic staff are two people in every year, so SMAL's Hispanic share
is a suppressed cell. `source_rows()` says, independently of the code under test, which rows of which release
table each benchmark value is read from (DESIGN §4.4's metric-key table).
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from data_access import codes

YEARS = tuple(range(2019, 2025))
AGENCIES = ("BIGA", "BIGB", "BIGC", "SMAL")
JOBS = ("professionals", "technicians")
RACES = ("white", "black", "hispanic", "asian")
SEXES = ("female", "male")
K = 5
# metric_key, scope, scope_id: every family the pipeline can suppress, at agency and state scope.
BENCHMARKS = (
    ("workforce.share.hispanic", "agency", "SMAL"),
    ("workforce.share.hispanic", "agency", "BIGA"),
    ("workforce.share.hispanic", "state", ""),
    ("workforce.share.black", "agency", "SMAL"),
    ("workforce.underutilized_share", "agency", "SMAL"),
    ("workforce.underutilized_share", "agency", "BIGB"),
    ("workforce.underutilized_share", "state", ""),
    ("selection.hire.impact_ratio.hispanic", "agency", "SMAL"),
    ("selection.hire.impact_ratio.black", "agency", "BIGA"),
    ("selection.separation.impact_ratio.hispanic", "state", ""),
    ("training.completion", "agency", "SMAL"),
    ("training.completion", "agency", "BIGC"),
    ("training.completion", "state", ""),
    ("contracting.small_share", "agency", "SMAL"),
)


def _headcount(rng: np.random.Generator, agency: str, year: int, job: str, race: str, sex: str) -> int:
    if agency == "SMAL":
        if race == "hispanic":
            return 2 if (job, sex) == ("professionals", "female") else 0
        return 0 if race == "asian" else int(rng.integers(8, 14))
    return int(rng.integers(25, 60)) + 2 * (year - YEARS[0]) * (race == "hispanic")


def inputs(seed: int = 7) -> dict[str, pd.DataFrame]:
    """Input frames as validation would hand them over (workforce, availability, actions, training, contracts)."""
    rng = np.random.default_rng(seed)
    staff = [(y, a, j, r, s, _headcount(rng, a, y, j, r, s))
             for y, a, j, r, s in itertools.product(YEARS, AGENCIES, JOBS, RACES, SEXES)]
    workforce = pd.DataFrame(staff, columns=["fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex",
                                             "headcount"])
    availability = pd.DataFrame([(y, "", j, r, s, 1 / 8) for y, j, r, s in itertools.product(YEARS, JOBS, RACES,
                                                                                                SEXES)],
                                columns=["fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex",
                                         "availability"])
    actions = []
    for (y, a, j, r, s, n), action in itertools.product(staff, codes.ACTIONS):
        pool = n if action != "hire" else 3 * n
        actions.append((y, a, j, action, r, s, pool, int(rng.binomial(pool, 0.3 if action == "hire" else 0.1))))
    actions = pd.DataFrame(actions, columns=["fiscal_year", "agency_code", "job_category", "action",
                                             "race_ethnicity", "sex", "pool", "selected"])
    actions = actions[actions["pool"] > 0].reset_index(drop=True)
    training = pd.DataFrame([(y, a, e, min(e, int(rng.integers(e - 6, e + 1))) if a != "SMAL" else 3)
                             for y, a in itertools.product(YEARS, AGENCIES)
                             for e in [int(workforce[(workforce.fiscal_year == y)
                                                     & (workforce.agency_code == a)].headcount.sum())]],
                            columns=["fiscal_year", "agency_code", "employees", "completed"])
    contracts = pd.DataFrame([(y, a, 1e6, 2.5e5 + 1e4 * i, 5e4) for i, (y, a) in
                              enumerate(itertools.product(YEARS, AGENCIES))],
                             columns=["fiscal_year", "agency_code", "eligible_spend", "small_business_spend",
                                      "minority_business_spend"])
    return {"workforce": workforce, "availability": availability, "personnel_actions": actions,
            "training": training, "contracts": contracts}


def benchmarks() -> pd.DataFrame:
    """benchmarks.csv rows: baseline 2019, target 2030, targets above the baseline (values are not judged here)."""
    return pd.DataFrame([{"metric_key": key, "scope": scope, "scope_id": scope_id, "baseline_year": 2019,
                          "baseline_value": 0.1, "target_year": 2030, "target_value": 0.9}
                         for key, scope, scope_id in BENCHMARKS])


def release_tables(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The release tables the pipeline computes from `inputs()` (suppression with k = 5)."""
    from data_access.suppression import suppression_flags
    from pipeline.stats.benchmarks import benchmark_progress
    from pipeline.stats.contracting import contracting_table, training_table
    from pipeline.stats.metrics import metric_series
    from pipeline.stats.selection import selection_rates
    from pipeline.stats.utilization import utilization

    frames = inputs(seed)
    tables = {
        "workforce_utilization": utilization(frames["workforce"], frames["availability"]),
        "selection_rates": selection_rates(frames["personnel_actions"]),
        "training": training_table(frames["training"]),
        "contracting": contracting_table(frames["contracts"], small_goal=0.25, minority_goal=0.0625),
    }
    for name in ("workforce_utilization", "selection_rates", "training"):
        tables[name]["suppressed"] = suppression_flags(tables[name], name, K)
    bench = benchmarks()
    tables["benchmark_progress"] = benchmark_progress(metric_series(bench, tables), bench)
    return tables


def source_rows(tables: dict[str, pd.DataFrame], metric_key: str, scope: str, scope_id: str,
                year: int) -> tuple[str, pd.DataFrame] | None:
    """(table, rows) a benchmark value of one year is computed from; None for tables without suppression."""
    agency = codes.ALL if scope == "state" else scope_id
    parts = metric_key.split(".")
    if parts[0] == "workforce":
        wu = tables["workforce_utilization"]
        mine = wu[(wu["fiscal_year"] == year) & (wu["agency_code"] == agency)]
        if parts[1] == "share":
            dimension = "sex" if parts[2] in codes.SEX else "race_ethnicity"
            return "workforce_utilization", mine[(mine["job_category"] == codes.ALL)
                                                 & (mine["group_dimension"] == dimension)
                                                 & (mine["group_code"] == parts[2])]
        # every tested job-category cell of the race and sex groups (sex x is never tested)
        return "workforce_utilization", mine[(mine["job_category"] != codes.ALL)
                                             & mine["group_dimension"].isin(["race_ethnicity", "sex"])
                                             & (mine["group_code"] != "x") & mine["p_value"].notna()]
    if parts[0] == "selection":
        sr = tables["selection_rates"]
        rows = sr[(sr["fiscal_year"] == year) & (sr["agency_code"] == agency) & (sr["action"] == parts[1])
                  & (sr["group_code"] == parts[3])]
        if "job_category" in rows.columns:
            rows = rows[rows["job_category"] == codes.ALL]
        return "selection_rates", rows
    if parts[0] == "training":
        tr = tables["training"]
        return "training", tr[(tr["fiscal_year"] == year) & (tr["agency_code"] == agency)]
    return None


def hidden_from_public(tables: dict[str, pd.DataFrame], row: pd.Series) -> bool:
    """Whether a benchmark row reads a suppressed cell: its own year's, or (when it has a trend) any year's
    from the baseline to its year — a trend through a hidden point gives that point back."""
    years = [int(row["year"])]
    if pd.notna(row["slope"]):
        bp = tables["benchmark_progress"]
        same = bp[(bp["metric_key"] == row["metric_key"]) & (bp["scope"] == row["scope"])
                  & (bp["scope_id"] == row["scope_id"])]
        years = [int(y) for y in same["year"] if int(row["baseline_year"]) <= int(y) <= int(row["year"])]
    for year in years:
        found = source_rows(tables, row["metric_key"], row["scope"], row["scope_id"], year)
        if found is not None and found[1]["suppressed"].astype(bool).any():
            return True
    return False


FIGURES = ("value", "progress", "fitted_value", "slope", "slope_ci_low", "slope_ci_high", "status")
KEY = ["metric_key", "scope", "scope_id", "year"]


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def exposure_problems(tables: dict[str, pd.DataFrame], channels: dict[str, pd.DataFrame]) -> tuple[list, pd.Series]:
    """Benchmark figures a channel shows although they are read from a suppressed cell, and visible values a
    channel lost or got wrong; with which true rows are hidden (to check the test is not vacuous)."""
    truth = tables["benchmark_progress"]
    hidden = truth.apply(lambda row: hidden_from_public(tables, row), axis=1).astype(bool)
    problems = []
    for channel, shown in channels.items():
        shown = shown.assign(year=pd.to_numeric(shown["year"]).astype(int),
                             scope_id=shown["scope_id"].fillna("").astype(str))
        merged = truth[KEY].assign(is_hidden=hidden.to_numpy(), true_value=truth["value"]).merge(
            shown, on=KEY, how="left", indicator=True)
        seen = merged[merged["_merge"] == "both"]
        if not channel.startswith("page"):
            assert len(seen) == len(truth), f"{channel} lacks benchmark rows"
        for row in seen.itertuples():
            shown_figures = [c for c in FIGURES if not _blank(getattr(row, c))]
            if row.is_hidden and shown_figures:
                problems.append((channel, row.metric_key, row.scope_id, row.year, shown_figures))
            if not row.is_hidden and (_blank(row.value) or abs(float(row.value) - row.true_value) > 1e-9):
                problems.append((channel, row.metric_key, row.scope_id, row.year, "visible value missing or wrong"))
    return problems, hidden
