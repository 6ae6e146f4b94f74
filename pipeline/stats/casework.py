"""The EEO officer's casework (DESIGN §4.6): complaint and accommodation statistics by fiscal year.

A complaint counts once in dimension `all` and once under each of its bases, each of its issues and (once
closed) its outcome, so the `basis` and `issue` rows do not add up to `all` (as in EEOC's tables). Figures
of a fiscal year are read at its end, or at `today` for the year still running. Complaint days are calendar
days; accommodation days are Connecticut working days (weekends and the state's legal holidays, from the
maintained `holidays` package, are not counted).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd
import polars as pl

from data_access import codes
from data_access.schema import columns

FIGURES = {name: [c for c in columns(name) if c != "suppressed"]
           for name in ("complaint_stats", "accommodation_stats", "aap_goals")}

ALL = codes.ALL
FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR = 1990, 2101


def fiscal_year(dates: pd.Series) -> pd.Series:
    """Connecticut's fiscal year of each date: FY2024 runs from July 2023 to June 2024."""
    return (dates.dt.year + (dates.dt.month >= 7).astype(int)).astype("Int64")


def fiscal_year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=6, day=30)


@lru_cache(maxsize=1)
def ct_holidays() -> np.ndarray:
    """Connecticut's state holidays (observed dates included), as numpy days for `busday_count`."""
    days = holidays.US(subdiv="CT", years=range(FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR))
    return np.array(sorted(days), dtype="datetime64[D]")


def working_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days after `start` up to and including `end` (NA where either is missing)."""
    both = start.notna() & end.notna()
    out = pd.Series(np.nan, index=start.index)
    if both.any():
        begin = start[both].to_numpy(dtype="datetime64[D]")
        finish = end[both].to_numpy(dtype="datetime64[D]")
        out[both] = np.busday_count(begin, finish, holidays=ct_holidays())
    return out


def _years(first: pd.Series, last: pd.Series, today: dt.date) -> list[int]:
    dates = pd.concat([first, last]).dropna()
    if dates.empty:
        return []
    years = fiscal_year(dates)
    stop = min(int(years.max()), int(fiscal_year(pd.Series([pd.Timestamp(today)])).iat[0]))
    return list(range(int(years.min()), stop + 1))


def _snapshot(year: int, today: dt.date) -> pd.Timestamp:
    return min(fiscal_year_end(year), pd.Timestamp(today))


def _memberships(complaints: pd.DataFrame) -> pd.DataFrame:
    """One row per complaint and view it counts in: (row, dimension, category)."""
    index = np.arange(len(complaints))
    parts = [pd.DataFrame({"row": index, "dimension": "all", "category": ALL})]
    for dimension, column in (("basis", "bases"), ("issue", "issues")):
        items = complaints[column].fillna("").str.split(";").explode()
        items = items[items != ""]
        parts.append(pd.DataFrame({"row": index[items.index.to_numpy()], "dimension": dimension,
                                   "category": items.to_numpy()}))
    closed = complaints["outcome"].notna().to_numpy()
    parts.append(pd.DataFrame({"row": index[closed], "dimension": "outcome",
                               "category": complaints["outcome"].to_numpy()[closed]}))
    return pd.concat(parts, ignore_index=True)


def _with_totals(frame: pd.DataFrame, scopes: tuple[str, ...]) -> pd.DataFrame:
    """The rows again under `ALL` for each scope column (agency, forum/kind), and for both at once."""
    out = [frame]
    for column in scopes:
        out += [part.assign(**{column: ALL}) for part in out]
    return pd.concat(out, ignore_index=True)


def _grid(keys: dict[str, list], frame: pd.DataFrame) -> pd.DataFrame:
    index = pd.MultiIndex.from_product(list(keys.values()), names=list(keys))
    return frame.reindex(index).reset_index()


def _complaint_sums(rows: pl.DataFrame, key: list[str]) -> pd.DataFrame:
    """Counts, median and 90th percentile (linear) of days to close per key (NaN days skipped), by polars.

    The rows are grouped once as they are and once with each scope (forum, agency, both) read as `ALL`, one
    grouping at a time: the rows are never copied four times over (at scale 10 that copy took 1.4 GB).
    """
    sums = ["filed", "closed", "open_at_year_end", "over_limit_open", "within"]
    days = pl.col("days").fill_nan(None)
    aggregations = [*(pl.col(c).sum() for c in sums), days.median().alias("median_days_to_close"),
                    days.quantile(0.9, interpolation="linear").alias("p90_days_to_close")]
    parts = []
    for scopes in ((), ("forum",), ("agency_code",), ("forum", "agency_code")):
        view = rows.lazy().with_columns(*(pl.lit(ALL).alias(c) for c in scopes))
        parts.append(view.group_by(key).agg(*aggregations).collect())
    return pl.concat(parts).to_pandas().set_index(key)


def complaint_stats(complaints: pd.DataFrame, limit_days: int = 90, today: dt.date | None = None) -> pd.DataFrame:
    """The `complaint_stats` table: fiscal year × agency (or ALL) × forum (or ALL) × dimension × category.

    Every year of the range has a row for each series that occurs (see `_active_series`).
    """
    today = today or dt.date.today()
    filed_on = pd.to_datetime(complaints["filed_on"])
    closed_on = pd.to_datetime(complaints["closed_on"])
    years = _years(filed_on, closed_on, today)
    if not years:
        return pd.DataFrame(columns=FIGURES["complaint_stats"])
    base = pd.DataFrame({"agency_code": complaints["agency_code"].to_numpy(),
                         "forum": complaints["forum"].to_numpy()})
    days = (closed_on - filed_on).dt.days.to_numpy(dtype=float, na_value=np.nan)
    filed_year, closed_year = fiscal_year(filed_on).to_numpy(), fiscal_year(closed_on).to_numpy()
    member = _memberships(complaints)
    frames = []
    for year in years:
        snap = _snapshot(year, today)
        open_now = (filed_on <= snap) & (closed_on.isna() | (closed_on > snap))
        age = (snap - filed_on).dt.days
        closed_now = (closed_year == year) & pd.notna(closed_year)
        facts = base.assign(
            fiscal_year=year, filed=(filed_year == year).astype(int), closed=closed_now.astype(int),
            open_at_year_end=open_now.astype(int).to_numpy(),
            over_limit_open=(open_now & (age > limit_days)).astype(int).to_numpy(),
            within=(closed_now & (days <= limit_days)).astype(int),
            days=np.where(closed_now, days, np.nan),
        )
        facts = facts.assign(row=np.arange(len(facts)))
        # A complaint neither filed, closed nor open in the year adds nothing to its sums (nor days): left out.
        frames.append(pl.from_pandas(facts[(facts["filed"] | facts["closed"] | facts["open_at_year_end"]) > 0]))
    members = pl.from_pandas(member)
    rows = pl.concat([members.join(facts, on="row", how="inner") for facts in frames])
    key = ["fiscal_year", "agency_code", "forum", "dimension", "category"]
    table = _complaint_sums(rows, key)
    categories = {"all": [ALL], "basis": list(codes.COMPLAINT_BASES), "issue": list(codes.COMPLAINT_ISSUES),
                  "outcome": list(codes.COMPLAINT_OUTCOMES)}
    parts = []
    for dimension, names in categories.items():
        part = _grid({"fiscal_year": years, "agency_code": sorted(set(base["agency_code"])) + [ALL],
                      "forum": [*codes.FORUMS, ALL], "dimension": [dimension], "category": names},
                     table.reset_index().set_index(key))
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    counts = ["filed", "closed", "open_at_year_end", "over_limit_open", "within"]
    out[counts] = out[counts].fillna(0).astype("Int64")
    out["closed_within_limit_share"] = (out["within"] / out["closed"].replace(0, pd.NA)).astype(float)
    outcome = out["dimension"] == "outcome"  # an outcome is known only at closing: no filed or open counts
    out.loc[outcome, ["filed", "open_at_year_end", "over_limit_open"]] = pd.NA
    return out[_active_series(out, counts)][FIGURES["complaint_stats"]].reset_index(drop=True)


def _active_series(out: pd.DataFrame, counts: list[str]) -> pd.Series:
    """Rows of a series (agency × forum × view × category) with a complaint in some year; `all` and `outcome`
    rows always (the outcomes add up to `all`'s closed complaints: a missing outcome row would tell a hidden
    closed count of 0).

    A basis or issue that never occurs for an agency and forum has no rows (read: none), which keeps the table
    about half the size of the full grid; a series that occurs keeps every year, zeros included.
    """
    active = out[counts].fillna(0).sum(axis=1) > 0
    keys = [out[c] for c in ("agency_code", "forum", "dimension", "category")]
    return active.groupby(keys).transform("any") | out["dimension"].isin(["all", "outcome"])


GRANTED = ("granted", "alternative_granted")
DECIDED = (*GRANTED, "denied")


def accommodation_stats(requests: pd.DataFrame, limit_days: int = 20, today: dt.date | None = None) -> pd.DataFrame:
    """The `accommodation_stats` table: fiscal year × agency (or ALL) × kind (or ALL).

    `decided` counts requests granted (or an alternative granted) or denied in the year (a withdrawn request
    is closed without a decision); days to decision are working days from the request to the decision.
    """
    today = today or dt.date.today()
    asked = pd.to_datetime(requests["requested_on"])
    answered = pd.to_datetime(requests["decided_on"])
    years = _years(asked, answered, today)
    if not years:
        return pd.DataFrame(columns=FIGURES["accommodation_stats"])
    decision = requests["decision"]
    days = working_days(asked, answered).to_numpy()
    asked_year, answered_year = fiscal_year(asked).to_numpy(), fiscal_year(answered).to_numpy()
    frames = []
    for year in years:
        snap = _snapshot(year, today)
        decided = decision.isin(DECIDED).to_numpy() & (answered_year == year) & pd.notna(answered_year)
        facts = pd.DataFrame({
            "fiscal_year": year, "agency_code": requests["agency_code"].to_numpy(),
            "kind": requests["kind"].to_numpy(), "requests": (asked_year == year).astype(int),
            "decided": decided.astype(int), "granted": (decided & decision.isin(GRANTED).to_numpy()).astype(int),
            "denied": (decided & (decision == "denied").to_numpy()).astype(int),
            "within": (decided & (days <= limit_days)).astype(int),
            "pending_at_year_end": ((asked <= snap) & (answered.isna() | (answered > snap))).astype(int).to_numpy(),
            "days": np.where(decided, days, np.nan),
        })
        # A request neither made, decided nor pending in the year adds nothing to its sums (nor days): left out.
        frames.append(facts[(facts["requests"] | facts["decided"] | facts["pending_at_year_end"]) > 0])
    rows = _with_totals(pd.concat(frames, ignore_index=True), ("kind", "agency_code"))
    key = ["fiscal_year", "agency_code", "kind"]
    grouped = rows.groupby(key, sort=False)
    table = grouped[["requests", "decided", "granted", "denied", "within", "pending_at_year_end"]].sum()
    table["median_days_to_decision"] = grouped["days"].median()
    out = _grid({"fiscal_year": years, "agency_code": sorted(set(requests["agency_code"])) + [ALL],
                 "kind": [*codes.ACCOMMODATION_KINDS, ALL]}, table)
    counts = ["requests", "decided", "granted", "denied", "within", "pending_at_year_end"]
    out[counts] = out[counts].fillna(0).astype("Int64")
    decided = out["decided"].replace(0, pd.NA)
    for share, count in (("granted_share", "granted"), ("denied_share", "denied"),
                         ("decided_within_limit_share", "within")):
        out[share] = (out[count] / decided).astype(float)
    return out[FIGURES["accommodation_stats"]]
