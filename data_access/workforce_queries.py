"""Questions the agency and workforce pages ask (DESIGN §4.1, §4.2, §4.5, §6): one memoized function each.

Peer-group figures are aggregated here from the rows the viewer may see: sums of counts (or dollars) over
the *other* agencies of the agency's peer group, then ratios. Rows hidden from the viewer are left out of
the sum (and counted in `excluded`), so an aggregate never lets a suppressed figure be recovered.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cache import memoize
from .codes import ALL
from .queries import read_table
from .settings import Settings
from .suppression import mask_for_viewer
from .viewer import ANONYMOUS, Viewer

SCOPES = ("agency", "peer", "state")
PLAN_TEXT = ("status", "aap_decision", "aap_basis", "url")
CONTRACT_SUMS = ["eligible_spend", "small_business_spend", "minority_business_spend"]
# The Commission approved the affirmative action plan (conditionally or not) on parity or goals met.
APPROVED_AAP = ("approved", "conditionally_approved")
MET_BASES = ("parity", "goals_met")


@memoize
def agency_list(settings: Settings, release_id: str) -> pd.DataFrame:
    """The release's agencies sorted by name: agency_code, agency_name, peer_group."""
    frame = read_table(settings, "agencies", release_id)
    return frame.sort_values("agency_name", ignore_index=True)


@memoize
def workforce_years(settings: Settings, release_id: str) -> list[int]:
    """Fiscal years with workforce figures, newest first."""
    rows = read_table(settings, "workforce_utilization", release_id, agency_code=ALL, job_category=ALL,
                      group_dimension="all")
    return sorted({int(y) for y in rows["fiscal_year"]}, reverse=True)


# What a count of flagged cells needs of each utilization row (a year holds tens of thousands of rows).
FLAG_COLUMNS = ("agency_code", "job_category", "group_code", "utilization_ratio", "flag_80pct", "flag_2sd",
                "flag_significant", "suppressed")


@memoize
def utilization_year(settings: Settings, release_id: str, viewer: Viewer, fiscal_year: int,
                     group_dimension: str) -> pd.DataFrame:
    """Utilization rows of every agency (and ALL) and job category for one year and dimension, masked: the
    FLAG_COLUMNS only (the ratio and the three conventions' flags), for counting flagged cells per agency."""
    frame = read_table(settings, "workforce_utilization", release_id, columns=FLAG_COLUMNS,
                       fiscal_year=int(fiscal_year), group_dimension=group_dimension)
    return mask_for_viewer(frame, "workforce_utilization", viewer)


@memoize
def utilization_slice(settings: Settings, release_id: str, viewer: Viewer, fiscal_year: int, group_dimension: str,
                      job_category: str) -> pd.DataFrame:
    """Utilization rows of every agency (and ALL) for one year, dimension and job category (or ALL), masked."""
    frame = read_table(settings, "workforce_utilization", release_id, fiscal_year=int(fiscal_year),
                       group_dimension=group_dimension, job_category=job_category)
    return mask_for_viewer(frame, "workforce_utilization", viewer)


@memoize
def _agency_selection_rows(settings: Settings, release_id: str, agency_code: str) -> pd.DataFrame:
    """Every selection-rate row of one agency (or ALL), unmasked: read once for all its job categories (a page
    asks for the pooled rows and each category's), and masked per category by `agency_selection`."""
    return read_table(settings, "selection_rates", release_id, agency_code=agency_code)


@memoize
def agency_selection(settings: Settings, release_id: str, viewer: Viewer, agency_code: str,
                     job_category: str = "ALL") -> pd.DataFrame:
    """Selection-rate rows of one agency (or ALL) and job category (default: pooled): every year, action, dimension."""
    rows = _agency_selection_rows(settings, release_id, agency_code)
    frame = rows[rows["job_category"] == job_category].reset_index(drop=True)
    return mask_for_viewer(frame, "selection_rates", viewer)


@memoize
def selection_year(settings: Settings, release_id: str, viewer: Viewer, fiscal_year: int, action: str,
                   group_dimension: str, job_category: str = "ALL") -> pd.DataFrame:
    """Selection-rate rows of every agency for one year, action, dimension and job category (default: pooled)."""
    frame = read_table(settings, "selection_rates", release_id, fiscal_year=int(fiscal_year), action=action,
                       group_dimension=group_dimension, job_category=job_category)
    return mask_for_viewer(frame, "selection_rates", viewer)


@memoize
def contracting_rows(settings: Settings, release_id: str) -> pd.DataFrame:
    """Every contracting row (agencies and the statewide ALL rows)."""
    return read_table(settings, "contracting", release_id)


@memoize
def training_rows(settings: Settings, release_id: str, viewer: Viewer) -> pd.DataFrame:
    """Every training row (agencies and ALL), masked for the viewer."""
    return mask_for_viewer(read_table(settings, "training", release_id), "training", viewer)


@memoize
def plan_rows(settings: Settings, release_id: str) -> pd.DataFrame:
    """Every agency's equity-plan rows."""
    return read_table(settings, "equity_plans", release_id)


@memoize
def agency_benchmarks(settings: Settings, release_id: str, agency_code: str,
                      viewer: Viewer = ANONYMOUS) -> pd.DataFrame:
    """benchmark_progress rows of scope `agency` for one agency, masked for the viewer (anonymous unless given)."""
    frame = read_table(settings, "benchmark_progress", release_id, scope="agency", scope_id=agency_code)
    return mask_for_viewer(frame, "benchmark_progress", viewer)


def peer_codes(agencies: pd.DataFrame, agency_code: str) -> list[str]:
    """The other agencies of the agency's peer group (empty for an unknown agency)."""
    group = agencies.loc[agencies["agency_code"] == agency_code, "peer_group"]
    if group.empty:
        return []
    same = agencies[(agencies["peer_group"] == group.iat[0]) & (agencies["agency_code"] != agency_code)]
    return same["agency_code"].tolist()


def _divide(part: pd.Series, whole: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (part.astype(float) / whole.astype(float)).where(whole.astype(float) > 0)


def _scoped_sums(frame: pd.DataFrame, year: str, sums: list[str], agency_code: str,
                 peers: list[str]) -> pd.DataFrame:
    """Per year: the agency's row, the sum over its (visible) peers, and the statewide ALL row."""
    visible = frame[~frame["suppressed"].astype(bool)] if "suppressed" in frame.columns else frame
    agency = frame[frame["agency_code"] == agency_code].assign(scope="agency", agencies=1, excluded=0)
    peer_rows = visible[visible["agency_code"].isin(peers)]
    peer = peer_rows.groupby(year, as_index=False)[sums].sum() if not peer_rows.empty else pd.DataFrame(
        columns=[year, *sums])
    peer = peer.assign(scope="peer")
    peer["agencies"] = peer[year].map(peer_rows.groupby(year)["agency_code"].nunique()).astype("Int64")
    hidden = frame[frame["agency_code"].isin(peers)].groupby(year)["agency_code"].nunique()
    peer["excluded"] = (hidden.reindex(peer[year]).fillna(0).to_numpy()
                        - peer["agencies"].fillna(0).to_numpy()).astype(int)
    state = frame[frame["agency_code"] == ALL].assign(scope="state", agencies=pd.NA, excluded=0)
    keep = [year, "scope", "agencies", "excluded", *sums]
    out = pd.concat([part[keep] for part in (agency, peer, state) if not part.empty], ignore_index=True)
    out[year] = out[year].astype(int)
    for column in sums:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


@memoize
def contracting_comparison(settings: Settings, release_id: str, agency_code: str) -> pd.DataFrame:
    """Set-aside attainment per fiscal year of the agency, its peer group and the state.

    Columns: fiscal_year, scope (agency / peer / state), agencies, excluded, eligible_spend,
    small_business_spend, minority_business_spend, small_share, minority_share, small_goal, minority_goal.
    """
    rows = contracting_rows(settings, release_id)
    peers = peer_codes(agency_list(settings, release_id), agency_code)
    out = _scoped_sums(rows, "fiscal_year", CONTRACT_SUMS, agency_code, peers)
    out["small_share"] = _divide(out["small_business_spend"], out["eligible_spend"])
    out["minority_share"] = _divide(out["minority_business_spend"], out["eligible_spend"])
    goals = rows.groupby("fiscal_year")[["small_goal", "minority_goal"]].first()
    out = out.join(goals, on="fiscal_year")
    return out.sort_values(["fiscal_year", "scope"], key=_scope_order, ignore_index=True)


@memoize
def training_comparison(settings: Settings, release_id: str, viewer: Viewer, agency_code: str) -> pd.DataFrame:
    """Training completion per fiscal year of the agency, its peer group and the state (masked).

    Columns: fiscal_year, scope, agencies, excluded, employees, completed, completion_rate, suppressed
    (True where the agency's own figures are hidden from this viewer).
    """
    rows = training_rows(settings, release_id, viewer)
    peers = peer_codes(agency_list(settings, release_id), agency_code)
    out = _scoped_sums(rows, "fiscal_year", ["employees", "completed"], agency_code, peers)
    out["completion_rate"] = _divide(out["completed"], out["employees"])
    hidden = rows[(rows["agency_code"] == agency_code) & rows["suppressed"].astype(bool)]["fiscal_year"]
    out["suppressed"] = (out["scope"] == "agency") & out["fiscal_year"].isin(hidden.astype(int))
    return out.sort_values(["fiscal_year", "scope"], key=_scope_order, ignore_index=True)


def _plan_figures(plans: pd.DataFrame) -> pd.DataFrame:
    """Per plan year: agencies with a plan row, how many published, AAP approved on parity or goals met,
    commitments."""
    grouped = plans.assign(
        published=plans["status"].eq("published").astype(int),
        aap_met=(plans["aap_decision"].isin(APPROVED_AAP) & plans["aap_basis"].isin(MET_BASES)).astype(int),
    ).groupby("plan_year")
    sums = grouped[["published", "aap_met", "commitments_total", "commitments_met"]].sum()  # one pass, not five
    sums.insert(0, "agencies", grouped["agency_code"].nunique())
    return sums.reset_index()


@memoize
def plan_comparison(settings: Settings, release_id: str, agency_code: str) -> pd.DataFrame:
    """Equity-plan figures per plan year of the agency, its peer group and the state.

    Columns: plan_year, scope, agencies, published, published_share, aap_met, aap_met_share,
    commitments_total, commitments_met, commitments_share, status, aap_decision, aap_basis, url (the last four
    for the agency's own rows). `aap_met` counts plans the Commission approved (conditionally or not) on parity
    or goals met. `published_share` counts agencies with a plan row, as the benchmark does (§4.4).
    """
    plans = plan_rows(settings, release_id)
    peers = peer_codes(agency_list(settings, release_id), agency_code)
    parts = []
    for scope, rows in (("agency", plans[plans["agency_code"] == agency_code]),
                        ("peer", plans[plans["agency_code"].isin(peers)]), ("state", plans)):
        if rows.empty:
            continue
        figures = _plan_figures(rows).assign(scope=scope)
        if scope == "agency":
            figures = figures.merge(rows[["plan_year", *PLAN_TEXT]], on="plan_year")
        parts.append(figures)
    if not parts:
        return pd.DataFrame(columns=["plan_year", "scope", "agencies", "published", "published_share", "aap_met",
                                     "aap_met_share", "commitments_total", "commitments_met",
                                     "commitments_share", *PLAN_TEXT])
    out = pd.concat(parts, ignore_index=True)
    out["published_share"] = _divide(out["published"], out["agencies"])
    out["aap_met_share"] = _divide(out["aap_met"], out["agencies"])
    out["commitments_share"] = _divide(out["commitments_met"], out["commitments_total"])
    for column in PLAN_TEXT:
        if column not in out.columns:
            out[column] = None
    out["plan_year"] = out["plan_year"].astype(int)
    return out.sort_values(["plan_year", "scope"], key=_scope_order, ignore_index=True)


def _scope_order(column: pd.Series) -> pd.Series:
    return column.map(SCOPES.index) if column.name == "scope" else column
