"""Questions the /casework page and the scorecard's casework panels ask (DESIGN §4.6, §6): one function each.

Every row passes through `mask_for_viewer` (DESIGN §5). Peer-group figures sum the counts of the *other*
agencies of the peer group that the viewer may see, and say how many were left out (`excluded`), so an
aggregate never gives a hidden agency's figure back by subtraction.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cache import memoize
from .codes import AAP_APPROVED, AAP_DECISIONS, ALL
from .queries import read_table
from .settings import Settings
from .suppression import mask_for_viewer
from .viewer import Viewer
from .workforce_queries import plan_rows

SCOPES = ("agency", "peer", "state")
COMPLAINT_FIGURES = ["filed", "closed", "open_at_year_end", "median_days_to_close", "p90_days_to_close",
                     "closed_within_limit_share", "over_limit_open", "suppressed"]


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, ignore_index=True)


@memoize
def complaint_rows(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """Every complaint_stats row of one agency (or ALL): years, forums (and ALL), views and categories, masked."""
    frame = read_table(settings, "complaint_stats", release_id, agency_code=agency_code)
    return _sorted(mask_for_viewer(frame, "complaint_stats", viewer),
                   ["fiscal_year", "forum", "dimension", "category"])


def complaint_view(settings: Settings, release_id: str, viewer: Viewer, agency_code: str, dimension: str,
                   forum: str = ALL) -> pd.DataFrame:
    """One view over the years: `dimension` all / basis / issue / outcome, one forum or ALL.

    Columns: fiscal_year, category, filed, closed, open_at_year_end, median_days_to_close, p90_days_to_close,
    closed_within_limit_share, over_limit_open, suppressed. Basis and issue rows count a complaint under each
    of its bases / issues: they do not add up to the `all` row (say so beside the chart). Outcome rows count
    complaints closed in the year (filed and open are empty: an outcome is known only at closing).
    """
    rows = complaint_rows(settings, release_id, viewer, agency_code)
    rows = rows[(rows["dimension"] == dimension) & (rows["forum"] == forum)]
    return rows[["fiscal_year", "category", *COMPLAINT_FIGURES]].reset_index(drop=True)


def complaint_forums(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """Complaints by forum (internal, chro, eeoc and ALL) over the years: the `all` view's figures per forum."""
    rows = complaint_rows(settings, release_id, viewer, agency_code)
    rows = rows[rows["dimension"] == "all"]
    return rows[["fiscal_year", "forum", *COMPLAINT_FIGURES]].reset_index(drop=True)


def closing_time(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """Days to close (median, 90th percentile) per year and forum, with the limit to mark on the chart.

    Columns: fiscal_year, forum, closed, median_days_to_close, p90_days_to_close, closed_within_limit_share,
    over_limit_open, limit_days, suppressed. `limit_days` is CT_EQUITY_COMPLAINT_DAYS of the serving settings.
    """
    frame = complaint_forums(settings, release_id, viewer, agency_code)
    frame = frame.assign(limit_days=settings.complaint_days)
    return frame[["fiscal_year", "forum", "closed", "median_days_to_close", "p90_days_to_close",
                  "closed_within_limit_share", "over_limit_open", "limit_days", "suppressed"]]


@memoize
def accommodation_rows(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """accommodation_stats rows of one agency (or ALL), every year and kind (and ALL), masked, plus limit_days."""
    frame = read_table(settings, "accommodation_stats", release_id, agency_code=agency_code)
    frame = mask_for_viewer(frame, "accommodation_stats", viewer).assign(limit_days=settings.accommodation_days)
    return _sorted(frame, ["fiscal_year", "kind"])


@memoize
def aap_goal_rows(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """aap_goals rows of one agency (or ALL): every goal (by job category, action and group) and ALL rows, masked.

    A goal row: goal (selections wanted), achieved, met (1 or 0). An ALL row (job_category ALL): goal = goals
    set, achieved = selections toward them, met = goals met, for action hire, promotion or ALL.
    """
    frame = read_table(settings, "aap_goals", release_id, agency_code=agency_code)
    return _sorted(mask_for_viewer(frame, "aap_goals", viewer),
                   ["plan_year", "job_category", "action", "group_dimension", "group_code"])


def aap_goals_by_cell(settings: Settings, release_id: str, viewer: Viewer, agency_code: str,
                      plan_year: int) -> pd.DataFrame:
    """The goals of one plan year by job category, action and group (no ALL rows), for the goals table."""
    rows = aap_goal_rows(settings, release_id, viewer, agency_code)
    rows = rows[(rows["plan_year"] == int(plan_year)) & (rows["job_category"] != ALL)]
    return rows[["job_category", "action", "group_dimension", "group_code", "goal", "achieved", "met",
                 "suppressed"]].reset_index(drop=True)


@memoize
def aap_summary(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """Per plan year: goals set, goals met, their share, and the Commission's decision and basis.

    Columns: plan_year, goals_set, goals_met, goals_met_share, selections, suppressed, aap_decision, aap_basis
    (an agency's own plan), and for ALL the number of plans per decision (`decided_<code>` columns) and
    `approved` (approved or conditionally approved). "24 of 77 goals met" reads goals_met of goals_set.
    """
    rows = aap_goal_rows(settings, release_id, viewer, agency_code)
    rows = rows[(rows["job_category"] == ALL) & (rows["action"] == ALL)]
    out = pd.DataFrame({
        "plan_year": rows["plan_year"].astype(int), "goals_set": pd.to_numeric(rows["goal"]),
        "goals_met": pd.to_numeric(rows["met"]), "selections": pd.to_numeric(rows["achieved"]),
        "suppressed": rows["suppressed"].astype(bool),
    })
    out["goals_met_share"] = _divide(out["goals_met"], out["goals_set"])
    plans = plan_rows(settings, release_id)
    if agency_code != ALL:
        own = plans[plans["agency_code"] == agency_code][["plan_year", "aap_decision", "aap_basis"]]
        return out.merge(own.astype({"plan_year": int}), on="plan_year", how="outer").sort_values(
            "plan_year", ignore_index=True)
    counts = pd.crosstab(plans["plan_year"].astype(int), plans["aap_decision"]).reindex(
        columns=list(AAP_DECISIONS), fill_value=0).add_prefix("decided_")
    counts["approved"] = plans[plans["aap_decision"].isin(AAP_APPROVED)].groupby("plan_year").size().reindex(
        counts.index, fill_value=0)
    return out.merge(counts.reset_index(), on="plan_year", how="outer").sort_values("plan_year", ignore_index=True)


def _divide(part: pd.Series, whole: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (part.astype(float) / whole.astype(float)).where(whole.astype(float) > 0)


def _year_sums(values: np.ndarray, at: np.ndarray, years: int) -> np.ndarray:
    """Per year (`at`: each value's year number) the sum of the values, as pandas' `sum(min_count=1)` gives it:
    whole numbers stay whole, and a year whose values are all missing has no sum."""
    if values.dtype.kind in "iu":
        return np.bincount(at, weights=values, minlength=years).astype(values.dtype)
    values = values.astype(float)
    present = ~np.isnan(values)
    summed = np.bincount(at, weights=np.where(present, values, 0.0), minlength=years)
    return np.where(np.bincount(at, weights=present, minlength=years) > 0, summed, np.nan)


def _scope_rows(frame: pd.DataFrame, year: str, counts: dict[str, pd.Series], agency_code: str,
                peers: tuple[str, ...]) -> list[tuple[np.ndarray, ...]]:
    """Per year: the agency's counts, the sum over its visible peers (with `excluded`), the statewide row — the
    columns (year, scope, excluded, suppressed, total, within) of each of the three that has rows, in that order.
    Over numpy arrays: a scorecard's first view needs this of three tables, and in pandas it took ~30 ms."""
    codes = frame["agency_code"].to_numpy(dtype=object)
    years = frame[year].to_numpy()
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    total, within = counts["total"].to_numpy(), counts["within"].to_numpy()
    peer_set = set(peers)
    in_peers = np.fromiter((c in peer_set for c in codes), dtype=bool, count=len(codes))
    shown = in_peers & ~hidden
    peer_years, at = np.unique(years[shown], return_inverse=True)
    left_years, left = np.unique(years[in_peers & hidden], return_counts=True)
    left_out = dict(zip(left_years.tolist(), left.tolist()))

    def own(rows: np.ndarray, scope: str) -> tuple[np.ndarray, ...]:
        n = int(rows.sum())
        return (years[rows], np.full(n, scope, dtype=object), np.zeros(n, dtype=np.int64), hidden[rows],
                total[rows], within[rows])

    n = len(peer_years)
    peer = (peer_years, np.full(n, "peer", dtype=object),
            np.array([left_out.get(y, 0) for y in peer_years.tolist()], dtype=np.int64), np.zeros(n, dtype=bool),
            _year_sums(total[shown], at, n), _year_sums(within[shown], at, n))
    return [part for part in (own(codes == agency_code, "agency"), peer, own(codes == ALL, "state")) if len(part[0])]


def _within(frame: pd.DataFrame, share: str, total: str) -> dict[str, pd.Series]:
    count = pd.to_numeric(frame[total], errors="coerce")
    return {"total": count, "within": (pd.to_numeric(frame[share], errors="coerce") * count).round()}


@memoize
def casework_totals(settings: Settings, release_id: str,
                    viewer: Viewer) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every agency's (and the state's) totals behind the casework benchmarks, masked for the viewer: complaints
    of all forums and views, accommodations of all kinds, goals of all job categories and actions. Read once per
    release and viewer; each agency's comparison is taken from them."""
    frames = (("complaint_stats", {"forum": ALL, "dimension": "all"}), ("accommodation_stats", {"kind": ALL}),
              ("aap_goals", {"job_category": ALL, "action": ALL}))
    return tuple(mask_for_viewer(read_table(settings, table, release_id, **where), table, viewer)
                 for table, where in frames)


@memoize
def casework_comparison(settings: Settings, release_id: str, viewer: Viewer, agency_code: str,
                        peers: tuple[str, ...]) -> pd.DataFrame:
    """The three casework benchmarks per year for the agency, its peers and the state (the scorecard panel).

    Columns: metric_key, year, scope, excluded, suppressed, total, within, value — value = within / total:
    complaints closed within the limit of those closed, accommodations decided within the limit of those
    decided, goals met of goals set. Hidden rows of the agency keep `suppressed` and no value.
    """
    parts = []
    complaints, accommodations, goals = casework_totals(settings, release_id, viewer)
    sources = (
        ("complaints.closed_within_limit_share", complaints, "fiscal_year",
         lambda f: _within(f, "closed_within_limit_share", "closed")),
        ("accommodations.decided_within_limit_share", accommodations, "fiscal_year",
         lambda f: _within(f, "decided_within_limit_share", "decided")),
        ("aap.goals_met_share", goals, "plan_year",
         lambda f: {"total": pd.to_numeric(f["goal"], errors="coerce"),
                    "within": pd.to_numeric(f["met"], errors="coerce")}),
    )
    for key, masked, year, counts in sources:
        if masked.empty:
            continue
        mine = masked[masked["agency_code"].isin([agency_code, ALL, *peers])]  # the rows this comparison adds up
        for columns in _scope_rows(mine, year, counts(mine), agency_code, peers):
            parts.append((np.full(len(columns[0]), key, dtype=object), *columns))
    if not parts:
        return pd.DataFrame(columns=["metric_key", "year", "scope", "excluded", "suppressed", "total", "within",
                                     "value"])
    key, year, scope, excluded, hidden, total, within = (np.concatenate([p[i] for p in parts]) for i in range(7))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(total.astype(float) > 0, within.astype(float) / total.astype(float), np.nan)
    rank = np.array([SCOPES.index(s) for s in scope])
    order = np.lexsort((rank, year.astype(np.int64), key))  # stable: by metric, year, then agency, peer, state
    out = pd.DataFrame({"metric_key": key[order], "year": year[order].astype(np.int64), "scope": scope[order],
                        "excluded": excluded[order], "suppressed": hidden[order], "total": total[order],
                        "within": within[order], "value": value[order]})
    return out.astype({"metric_key": str, "scope": str})
