"""Demo benchmarks (DESIGN §4.4) with baselines computed from the generated demo data."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

# metric_key, scope, scope_id, baseline_year, target_year, target (a number or a rule name)
BENCHMARKS: tuple[tuple[str, str, str, int, int, float | str], ...] = (
    ("workforce.share.hispanic", "state", "", 2019, 2030, "availability"),
    ("workforce.share.asian", "state", "", 2019, 2030, "availability"),
    ("workforce.share.hispanic", "agency", "DOC", 2019, 2028, "availability"),
    ("workforce.share.hispanic", "agency", "DCF", 2019, 2030, "availability"),
    ("workforce.share.female", "agency", "DOC", 2019, 2030, "availability"),
    ("workforce.underutilized_share", "state", "", 2019, 2030, "halve"),
    ("workforce.underutilized_share", "agency", "DSS", 2019, 2028, "halve"),
    ("selection.hire.impact_ratio.hispanic", "state", "", 2019, 2028, "parity"),
    ("selection.promotion.impact_ratio.hispanic", "state", "", 2019, 2028, "parity"),
    ("selection.separation.impact_ratio.black", "agency", "DOC", 2019, 2028, "parity"),
    ("access.broadband.ratio.hispanic", "state", "", 2019, 2030, 1.0),
    ("access.uninsured.ratio.hispanic", "region", "09110", 2019, 2030, 1.0),
    ("access.snap_participation.value", "state", "", 2019, 2028, 85.0),
    ("access.office_distance.value", "region", "09160", 2019, 2030, "cut_15pct"),
    ("access.vital_docs_language.value", "state", "", 2020, 2028, 95.0),
    ("access.lep_served_in_language.ratio.asian", "region", "09190", 2020, 2028, 1.0),
    ("contracting.small_share", "state", "", 2019, 2027, 0.25),
    ("contracting.minority_share", "state", "", 2019, 2028, 0.10),
    ("contracting.small_share", "agency", "DOT", 2019, 2027, 0.25),
    ("contracting.minority_share", "agency", "DAS", 2019, 2028, 0.11),
    ("plans.published_share", "state", "", 2024, 2027, 1.0),
    ("training.completion", "state", "", 2019, 2028, 0.90),
    ("training.completion", "agency", "DOC", 2019, 2028, 0.95),
)
BENCHMARK_COLUMNS = ("metric_key", "scope", "scope_id", "baseline_year", "baseline_value", "target_year",
                     "target_value")


def _scoped(frame: pd.DataFrame, scope: str, scope_id: str, column: str) -> pd.DataFrame:
    return frame if scope == "state" else frame[frame[column] == scope_id]


def effective_availability(workforce: pd.DataFrame, availability: pd.DataFrame) -> pd.Series:
    """Availability for each workforce row: the agency's own row if present, else the statewide default."""
    keys = ["fiscal_year", "job_category", "race_ethnicity", "sex"]
    own = workforce.merge(availability, on=[*keys, "agency_code"], how="left")["availability"]
    state = availability[availability["agency_code"] == ""].drop(columns="agency_code")
    default = workforce.merge(state, on=keys, how="left")["availability"]
    return own.fillna(default).set_axis(workforce.index)


def _group_column(group: str) -> str:
    return "sex" if group in ("female", "male", "x") else "race_ethnicity"


def _with_cell_totals(workforce: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = workforce[workforce["fiscal_year"] == year].copy()
    rows["cell_total"] = rows.groupby(["agency_code", "job_category"])["headcount"].transform("sum")
    rows["expected"] = rows["availability"] * rows["cell_total"]
    return rows


def workforce_share(workforce: pd.DataFrame, group: str, year: int) -> tuple[float, float]:
    """The group's share of headcount in a year, and its availability weighted by cell headcount."""
    rows = _with_cell_totals(workforce, year)
    in_group = rows[_group_column(group)] == group
    total = rows["headcount"].sum()
    return rows.loc[in_group, "headcount"].sum() / total, rows.loc[in_group, "expected"].sum() / total


def underutilized_share(workforce: pd.DataFrame, year: int) -> float:
    """Share of job category × group cells (race and sex groups, never sex x) significantly below availability
    (p < 0.05)."""
    rows = _with_cell_totals(workforce, year)
    flagged = []
    for dimension in ("race_ethnicity", "sex"):
        cells = rows.groupby(["job_category", dimension]).agg(
            headcount=("headcount", "sum"), expected=("expected", "sum"))
        totals = rows.groupby("job_category")["headcount"].sum()
        cells["total"] = totals.reindex(cells.index.get_level_values(0)).to_numpy()
        cells = cells[(cells["total"] > 0) & (cells.index.get_level_values(1) != "x")]
        share = (cells["expected"] / cells["total"]).clip(0, 1)
        flagged.append(stats.binom.cdf(cells["headcount"], cells["total"], share) < 0.05)
    return float(np.mean(np.concatenate(flagged)))


def impact_ratio(actions: pd.DataFrame, action: str, group: str, year: int) -> float:
    """The group's favourable-outcome rate (retention for separation) over all other groups' pooled (§4.4)."""
    rows = actions[(actions["fiscal_year"] == year) & (actions["action"] == action)]
    mine = rows[rows[_group_column(group)] == group][["pool", "selected"]].sum()
    others = rows[rows[_group_column(group)] != group][["pool", "selected"]].sum()
    rate, other_rate = mine["selected"] / mine["pool"], others["selected"] / others["pool"]
    if action == "separation":
        rate, other_rate = 1 - rate, 1 - other_rate
    return float(rate / other_rate)


def access_value(population: pd.DataFrame, measures: pd.DataFrame, key: str, year: int) -> float:
    """Population-weighted mean (`access.<m>.value`) or group-over-white ratio (`access.<m>.ratio.<g>`)."""
    parts = key.split(".")
    values = measures[(measures["measure_id"] == parts[1]) & (measures["year"] == year)]
    weights = population[population["year"] == year].pivot(index="town_geoid", columns="group",
                                                            values="population")
    joined = values.set_index("town_geoid")[["value"]].join(weights, how="inner")

    def weighted(group: str) -> float:
        return float((joined["value"] * joined[group]).sum() / joined[group].sum())

    if parts[2] == "value":
        return weighted("total")
    return weighted(parts[3]) / weighted("white")


def _baseline(key: str, scope: str, scope_id: str, year: int, data: dict[str, pd.DataFrame]) -> tuple:
    """The baseline value of a benchmark and, for workforce shares, the group's availability."""
    parts = key.split(".")
    if parts[0] == "workforce":
        rows = _scoped(data["workforce"], scope, scope_id, "agency_code")
        if parts[1] == "share":
            return workforce_share(rows, parts[2], year)
        return underutilized_share(rows, year), None
    if parts[0] == "selection":
        rows = _scoped(data["actions"], scope, scope_id, "agency_code")
        return impact_ratio(rows, parts[1], parts[3], year), None
    if parts[0] == "access":
        return access_value(_scoped(data["population"], scope, scope_id, "region_id"), data["measures"], key,
                            year), None
    if parts[0] == "contracting":
        rows = _scoped(data["contracts"], scope, scope_id, "agency_code")
        rows = rows[rows["fiscal_year"] == year]
        spend = "small_business_spend" if parts[1] == "small_share" else "minority_business_spend"
        return rows[spend].sum() / rows["eligible_spend"].sum(), None
    if parts[0] == "plans":
        rows = data["plans"][data["plans"]["plan_year"] == year]
        return float((rows["status"] == "published").mean()), None
    rows = _scoped(data["training"], scope, scope_id, "agency_code")
    rows = rows[rows["fiscal_year"] == year]
    return rows["completed"].sum() / rows["employees"].sum(), None


def _target(rule: float | str, baseline: float, availability: float | None) -> float:
    if rule == "availability":
        return availability
    if rule == "halve":
        return baseline / 2
    if rule == "parity":
        return 0.9 if baseline < 0.8 else 1.0
    if rule == "cut_15pct":
        return baseline * 0.85
    return float(rule)


def benchmarks_frame(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The demo benchmarks with baselines from the data; `data` holds workforce (with availability),
    actions, population (with region_id), measures, contracts, plans and training frames."""
    rows = []
    for key, scope, scope_id, base_year, target_year, rule in BENCHMARKS:
        baseline, availability = _baseline(key, scope, scope_id, base_year, data)
        target = _target(rule, baseline, availability)
        rows.append((key, scope, scope_id, base_year, round(float(baseline), 4), target_year,
                     round(float(target), 4)))
    frame = pd.DataFrame(rows, columns=list(BENCHMARK_COLUMNS))
    return frame.sort_values(["metric_key", "scope", "scope_id"], ignore_index=True)
