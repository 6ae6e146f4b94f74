"""Benchmark metric keys (DESIGN §4.4): validation and the yearly value series each key stands for."""
from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from data_access import codes

from .casework_metrics import CASEWORK_KEYS, casework_metric

SERIES_COLUMNS = ["metric_key", "scope", "scope_id", "year", "value", "suppressed"]
WORKFORCE_GROUPS = codes.RACE_ETHNICITY + codes.SEX + codes.RACE_SEX
KEY_FORMS = (
    "workforce.share.<group>", "workforce.underutilized_share", "selection.<action>.impact_ratio.<group>",
    "access.<measure_id>.ratio.<group>", "access.<measure_id>.value", "contracting.small_share",
    "contracting.minority_share", "plans.published_share", "training.completion",
    *CASEWORK_KEYS,
)
SCOPES = {
    "workforce": ("state", "agency"),
    "selection": ("state", "agency"),
    "contracting": ("state", "agency"),
    "training": ("state", "agency"),
    "access": ("state", "region"),
    "plans": ("state",),
    **{key.split(".")[0]: ("state", "agency") for key in CASEWORK_KEYS},
}


def parse_metric_key(metric_key: str) -> dict[str, str] | None:
    """Split a metric key into family, kind and parameters (measure, action, group); None if malformed."""
    key = str(metric_key)
    fixed = {
        "workforce.underutilized_share": "underutilized_share", "contracting.small_share": "small_share",
        "contracting.minority_share": "minority_share", "plans.published_share": "published_share",
        "training.completion": "completion",
        **CASEWORK_KEYS,
    }
    if key in fixed:
        return {"family": key.split(".")[0], "kind": fixed[key]}
    parts = key.split(".")
    if key.startswith("workforce.share.") and len(parts) == 3:
        return {"family": "workforce", "kind": "share", "group": parts[2]}
    if key.startswith("selection.") and len(parts) == 4 and parts[2] == "impact_ratio":
        return {"family": "selection", "kind": "impact_ratio", "action": parts[1], "group": parts[3]}
    if key.startswith("access.") and key.endswith(".value") and len(key) > len("access..value"):
        return {"family": "access", "kind": "value", "measure": key[len("access."):-len(".value")]}
    if key.startswith("access.") and ".ratio." in key:
        measure, _, group = key[len("access."):].rpartition(".ratio.")
        if measure and group:
            return {"family": "access", "kind": "ratio", "measure": measure, "group": group}
    return None


def metric_key_error(
    metric_key: str,
    scope: str,
    known_measures: Iterable[str],
    known_groups: Iterable[str] | None = None,
) -> str | None:
    """The validation message for an unknown metric key or an unsupported scope, or None if the pair is fine.

    Groups must be valid for the key's family (workforce and selection: race, sex or race_sex codes; access:
    race codes, ``total`` or ``lep``) and, when ``known_groups`` is given, also be among them.
    """
    parsed = parse_metric_key(metric_key)
    if parsed is None:
        return f"unknown metric_key {metric_key!r} (expected one of: {', '.join(KEY_FORMS)})"
    allowed_groups = WORKFORCE_GROUPS if parsed["family"] != "access" else codes.POPULATION_GROUPS
    if known_groups is not None:
        allowed_groups = tuple(g for g in allowed_groups if g in set(known_groups))
    if "group" in parsed and parsed["group"] not in allowed_groups:
        return f"unknown group {parsed['group']!r} in metric_key {metric_key!r}"
    if "action" in parsed and parsed["action"] not in codes.ACTIONS:
        return f"unknown action {parsed['action']!r} in metric_key {metric_key!r} (one of {codes.ACTIONS})"
    if "measure" in parsed and parsed["measure"] not in set(known_measures):
        return f"unknown measure {parsed['measure']!r} in metric_key {metric_key!r} (not in measures.csv)"
    supported = SCOPES[parsed["family"]]
    if scope not in supported:
        return (f"metric_key {metric_key!r} does not support scope {scope!r} "
                f"(supported: {', '.join(supported)})")
    return None


def scope_id_of(scope: str, scope_id: object) -> str:
    """Canonical scope id: the state is always ``09``; others as given (stripped text)."""
    if scope == "state":
        return codes.STATE_ID
    return "" if pd.isna(scope_id) else str(scope_id).strip()


def metric_series(benchmarks: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Yearly values of each benchmark's metric for its scope: [metric_key, scope, scope_id, year, value, suppressed].

    Values by key (state scope reads the ``ALL`` agency rows, or geography ``09``):
    - workforce.share.<group>: ``share`` of workforce_utilization at job_category ALL (group's own dimension);
    - workforce.underutilized_share: share of job category (≠ ALL) × group cells of the race_ethnicity and sex
      dimensions with flag_significant true, among cells where the test could be made (p_value known; sex
      ``x`` is never tested);
    - selection.<action>.impact_ratio.<group>: the group's favourable-outcome rate (selection, or retention for
      separation) over that of all other groups of its dimension pooled, from ``pool`` and ``selected``
      (pooled job-category rows when the table has job categories): a fixed comparison, not the yearly
      reference group;
    - access.<m>.ratio.<group> / access.<m>.value: access_by_group ``ratio`` of the group / ``weighted_value``
      of ``total``, geography state or the region;
    - contracting.small_share / minority_share: contracting shares; training.completion: completion_rate;
    - plans.published_share: per plan_year, agencies with status ``published`` over agencies with a plan row
      that year (over all agencies of ``tables["agencies"]`` when that table is given).
    ``suppressed`` is true when any row the value is computed from is suppressed (DESIGN §5: derived tables
    inherit suppression). Missing tables or values give no rows. Years with a missing (NaN) value are left out.
    """
    frames = []
    for bench in benchmarks.drop_duplicates(["metric_key", "scope", "scope_id"]).itertuples(index=False):
        parsed = parse_metric_key(bench.metric_key)
        if parsed is None:
            continue
        scope_id = scope_id_of(bench.scope, bench.scope_id)
        values = _READERS[parsed["kind"] if parsed["family"] != "access" else "access"](
            parsed, bench.scope, scope_id, tables
        )
        if values is None or values.empty:
            continue
        frame = values.dropna(subset=["value"]).rename_axis("year").reset_index()
        frame["metric_key"], frame["scope"], frame["scope_id"] = bench.metric_key, bench.scope, scope_id
        frames.append(frame[SERIES_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["suppressed"] = out["suppressed"].astype(bool)
    return out.sort_values(SERIES_COLUMNS[:4]).reset_index(drop=True)


def _agency(scope: str, scope_id: str) -> str:
    return codes.ALL if scope == "state" else scope_id


def _group_dimension(group: str) -> str:
    if group in codes.RACE_ETHNICITY:
        return "race_ethnicity"
    return "sex" if group in codes.SEX else "race_sex"


def _rows(tables: dict[str, pd.DataFrame], name: str, **equal: object) -> pd.DataFrame | None:
    table = tables.get(name)
    if table is None:
        return None
    mask = pd.Series(True, index=table.index)
    for column, wanted in equal.items():
        mask &= table[column] == wanted
    return table[mask]


def _by_year(rows: pd.DataFrame | None, year: str, column: str) -> pd.DataFrame | None:
    """Per year: the mean of ``column`` and whether any of the rows is suppressed."""
    if rows is None:
        return None
    hidden = rows["suppressed"].fillna(False).astype(bool) if "suppressed" in rows.columns else False
    grouped = rows.assign(_value=rows[column].astype(float), _hidden=hidden).groupby(year)
    return pd.DataFrame({"value": grouped["_value"].mean(), "suppressed": grouped["_hidden"].any()})


def _workforce_share(parsed, scope, scope_id, tables):
    rows = _rows(tables, "workforce_utilization", agency_code=_agency(scope, scope_id),
                 job_category=codes.ALL, group_dimension=_group_dimension(parsed["group"]),
                 group_code=parsed["group"])
    return _by_year(rows, "fiscal_year", "share")


def _underutilized(parsed, scope, scope_id, tables):
    rows = _rows(tables, "workforce_utilization", agency_code=_agency(scope, scope_id))
    if rows is None:
        return None
    rows = rows[(rows["job_category"] != codes.ALL) & rows["group_dimension"].isin(["race_ethnicity", "sex"])
                & (rows["group_code"] != "x")]
    known = rows["p_value"].notna() if "p_value" in rows else rows["flag_significant"].notna()
    rows = rows[known & rows["flag_significant"].notna()]
    rows = rows.assign(flag=rows["flag_significant"].astype(float))
    return _by_year(rows, "fiscal_year", "flag")


def _impact_ratio(parsed, scope, scope_id, tables):
    """Favourable-outcome rate of the group over that of all other groups of its dimension pooled."""
    rows = _rows(tables, "selection_rates", agency_code=_agency(scope, scope_id), action=parsed["action"],
                 group_dimension=_group_dimension(parsed["group"]))
    if rows is None:
        return None
    if "job_category" in rows.columns:
        rows = rows[rows["job_category"] == codes.ALL]
    counts = rows.assign(pool=rows["pool"].astype(float), selected=rows["selected"].astype(float))
    total = counts.groupby("fiscal_year")[["pool", "selected"]].sum()
    own = counts[counts["group_code"] == parsed["group"]].set_index("fiscal_year")
    others = total.loc[own.index] - own[["pool", "selected"]]
    rate, other_rate = own["selected"] / own["pool"], others["selected"] / others["pool"]
    if parsed["action"] not in codes.FAVOURABLE_ACTIONS:  # separation: judged on retention
        rate, other_rate = 1 - rate, 1 - other_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (rate / other_rate).where((others["pool"] > 0) & (other_rate > 0))
    hidden = own["suppressed"].fillna(False).astype(bool) if "suppressed" in own.columns else False
    return pd.DataFrame({"value": ratio.astype(float), "suppressed": hidden}, index=own.index)


def _access(parsed, scope, scope_id, tables):
    level, geo_id = ("state", codes.STATE_ID) if scope == "state" else ("region", scope_id)
    group, column = (parsed["group"], "ratio") if parsed["kind"] == "ratio" else ("total", "weighted_value")
    rows = _rows(tables, "access_by_group", geography_level=level, geography_id=geo_id,
                 measure_id=parsed["measure"], group_code=group)
    return _by_year(rows, "year", column)


def _contracting(parsed, scope, scope_id, tables):
    rows = _rows(tables, "contracting", agency_code=_agency(scope, scope_id))
    return _by_year(rows, "fiscal_year", parsed["kind"])


def _training(parsed, scope, scope_id, tables):
    rows = _rows(tables, "training", agency_code=_agency(scope, scope_id))
    return _by_year(rows, "fiscal_year", "completion_rate")


def _published(parsed, scope, scope_id, tables):
    plans = tables.get("equity_plans")
    if plans is None or plans.empty:
        return None
    published = plans[plans["status"] == "published"].groupby("plan_year")["agency_code"].nunique()
    agencies = tables.get("agencies")
    if agencies is not None and not agencies.empty:
        years = pd.Index(plans["plan_year"].unique()).sort_values()
        count = pd.Series(agencies["agency_code"].nunique(), index=years)
    else:
        count = plans.groupby("plan_year")["agency_code"].nunique()
    share = (published.reindex(count.index).fillna(0) / count).astype(float)
    return pd.DataFrame({"value": share, "suppressed": False})


def _casework(parsed, scope, scope_id, tables):
    """Casework keys read only the rows the public sees, so their values never come from a suppressed cell."""
    values = casework_metric(parsed["kind"], _agency(scope, scope_id), tables)
    return None if values is None else pd.DataFrame({"value": values, "suppressed": False})


_READERS: dict[str, Callable] = {
    "share": _workforce_share, "underutilized_share": _underutilized, "impact_ratio": _impact_ratio,
    "access": _access, "small_share": _contracting, "minority_share": _contracting,
    "completion": _training, "published_share": _published,
    **{kind: _casework for kind in CASEWORK_KEYS.values()},
}
