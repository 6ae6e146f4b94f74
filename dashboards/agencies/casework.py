"""The scorecard's casework panels (DESIGN §4.6, §6): complaints closed within the limit, accommodations decided
within it, affirmative action goals met — the agency's own figures as `/casework?agency=<code>` shows them, then
against its peer group and the state (`casework_comparison`).

`casework_inputs` asks the data-access layer for one viewer (the page's viewer, or the public for an embed); the
builders below are pure, so the page and its embeds cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from dash import html

from components.casework_words import aap_text
from components.charts import trend_lines
from components.formatting import count, number, percent, suppressed
from components.i18n import N_, _
from components.panel import ChartParts
from dashboards._shared import casework as tr
from dashboards._shared import query_string, rows_of
from data_access import casework_queries as cq
from data_access.settings import Settings
from data_access.viewer import Viewer

from .compare import comparison_series, scope_names

CHARTS = ("agency-casework-complaints", "agency-casework-accommodations", "agency-casework-goals")
KEYS = {"agency-casework-complaints": "complaints.closed_within_limit_share",
        "agency-casework-accommodations": "accommodations.decided_within_limit_share",
        "agency-casework-goals": "aap.goals_met_share"}
SOURCE = N_("Source: release tables complaint_stats, accommodation_stats, aap_goals and equity_plans. The peer "
            "group's figure adds up the other agencies of the group whose figures are shown; agencies whose figures "
            "are suppressed are left out.")
NONE_ON_RECORD = {
    "agency-casework-complaints": N_("No discrimination complaints of the %(agency)s are on record in this release."),
    "agency-casework-accommodations": N_("No reasonable-accommodation requests of the %(agency)s are on record in "
                                         "this release."),
    "agency-casework-goals": N_("No affirmative action goals of the %(agency)s are on record in this release."),
}


@dataclass(frozen=True)
class CaseworkInputs:
    """What the casework panels of one agency read, masked for one viewer."""

    comparison: pd.DataFrame  # casework_comparison: metric_key, year, scope, excluded, suppressed, total, within, value
    closing: dict[str, pd.DataFrame]  # "agency" / "state" → closing_time, every forum
    accommodations: dict[str, pd.DataFrame]  # "agency" / "state" → accommodation_rows, every kind
    goals: dict[str, pd.DataFrame]  # "agency" / "state" → aap_summary
    peers: int  # how many other agencies the peer group has
    k: int
    complaint_days: int
    accommodation_days: int


def casework_inputs(settings: Settings, rid: str, viewer: Viewer, agency: pd.Series,
                    agencies: pd.DataFrame) -> CaseworkInputs:
    """The casework figures of one agency, its peer group (the other agencies of its group) and the state."""
    code = agency["agency_code"]
    peers = tuple(sorted(agencies.loc[(agencies["peer_group"] == agency["peer_group"])
                                      & (agencies["agency_code"] != code), "agency_code"]))
    scopes = {"agency": code, "state": tr.ALL}
    return CaseworkInputs(
        cq.casework_comparison(settings, rid, viewer, code, peers),
        {s: cq.closing_time(settings, rid, viewer, c) for s, c in scopes.items()},
        {s: cq.accommodation_rows(settings, rid, viewer, c) for s, c in scopes.items()},
        {s: cq.aap_summary(settings, rid, viewer, c) for s, c in scopes.items()},
        len(peers), int(settings.suppression_k), int(settings.complaint_days), int(settings.accommodation_days))


def on_record(inputs: CaseworkInputs, chart_id: str) -> bool:
    """Whether the agency has rows for the panel (else the page shows a notice and the embed is unavailable)."""
    if chart_id == "agency-casework-complaints":
        return not inputs.closing["agency"].empty
    if chart_id == "agency-casework-accommodations":
        return not inputs.accommodations["agency"].empty
    return not inputs.goals["agency"].dropna(subset=["goals_set"]).empty


def none_on_record(chart_id: str, agency_name: str) -> str:
    return _(NONE_ON_RECORD[chart_id], agency=agency_name)


def casework_link(rid: str, code: str, relative) -> html.P:
    """'All of the agency's casework on /casework →' (complaints by basis, issue, forum and outcome; the goals)."""
    return html.P(html.A(_("Complaints by basis, issue, forum and outcome, and every goal, on the casework page →"),
                         href=relative("/casework") + query_string(release=rid, agency=code)), className="small")


def _scope_row(frame: pd.DataFrame, scope: str, year: int) -> pd.Series | None:
    hits = np.flatnonzero((frame["scope"].to_numpy() == scope) & (frame["year"].to_numpy() == year))
    return frame.iloc[hits[0]] if hits.size else None


def _peer_text(peer: pd.Series, inputs: CaseworkInputs, names: dict[str, str]) -> str:
    excluded = int(peer["excluded"])
    words = {"value": percent(peer["value"]), "peer_group": names["peer_group"]}
    if excluded:
        return _("%(value)s among the other %(peer_group)s agencies (%(excluded)s of %(agencies)s left out as "
                 "suppressed)", excluded=excluded, agencies=inputs.peers, **words)
    return _("%(value)s among the other %(peer_group)s agencies", **words)


def comparison_sentence(inputs: CaseworkInputs, key: str, year: int | None, subject: str,
                        names: dict[str, str]) -> str:
    """'In FY2025, <subject> at the agency was 47.6 %, against 46.7 % among the other … agencies and 47.6 %
    statewide.'"""
    frame = inputs.comparison[inputs.comparison["metric_key"] == key]
    own = _scope_row(frame, "agency", year) if year is not None else None
    if own is None:
        return ""
    when = tr.fiscal_year(year) if key != "aap.goals_met_share" else str(year)
    words = {"year": when, "subject": subject, "agency": names["agency"]}
    if tr.hidden(own) and tr.missing(own["value"]):
        head = _("In %(year)s, %(subject)s at the %(agency)s is %(suppressed)s", suppressed=suppressed(inputs.k),
                 **words)
    elif tr.missing(own["value"]):
        head = _("In %(year)s, %(subject)s at the %(agency)s has no figure (nothing to count)", **words)
    else:
        head = _("In %(year)s, %(subject)s at the %(agency)s was %(value)s", value=percent(own["value"]), **words)
    others = []
    peer = _scope_row(frame, "peer", year)
    if peer is not None and not tr.missing(peer["value"]):
        others.append(_peer_text(peer, inputs, names))
    state = _scope_row(frame, "state", year)
    if state is not None and not tr.missing(state["value"]):
        others.append(_("%(value)s statewide", value=percent(state["value"])))
    if not others:
        return head + "."
    listed = others[0] if len(others) == 1 else _("%(items)s and %(last)s", items=others[0], last=others[1])
    return _("%(head)s, against %(others)s.", head=head, others=listed)


def _figure(inputs: CaseworkInputs, key: str, names: dict[str, str], title: str):
    frame = inputs.comparison[inputs.comparison["metric_key"] == key]
    lines = comparison_series(frame, "year", "value", names)
    if lines.empty:
        return None
    options = {"tickformat": ".0%", "y_title": title, "y_range": [0, 1.05]}
    if key == "aap.goals_met_share":
        options["x_title"] = _("Plan year")
    return trend_lines(lines, options)


def _table(inputs: CaseworkInputs, key: str, names: dict[str, str], details, columns: dict[str, str]) -> pd.DataFrame:
    """Years × scopes: the shared figures from the comparison, the rest from the scope's own rows (peer: '—')."""
    k = inputs.k
    rows = []
    frame = inputs.comparison[inputs.comparison["metric_key"] == key]
    for r in rows_of(frame):
        h = tr.hidden(r)
        row = {"year": int(r["year"]), "who": names[r["scope"]],
               "total": tr.cell(r["total"], count, h, k), "within": tr.cell(r["within"], count, h, k),
               "share": tr.cell(r["value"], percent, h, k),
               "left_out": count(r["excluded"]) if r["scope"] == "peer" else "—"}
        row.update(details(r["scope"], int(r["year"])))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(columns))


def _lookup(frames: dict[str, pd.DataFrame], year_column: str, **match: str) -> Callable[[str, int], pd.Series | None]:
    """(scope, year) → the scope's first row of that year matching `match` (None for the peer group, whose figures
    come from the comparison only); each scope's frame is filtered once, not once per row of the table."""
    found = {}
    for scope, frame in frames.items():
        rows = frame
        for column, value in match.items():
            rows = rows[rows[column] == value]
        first: dict = {}
        for position, year in enumerate(rows[year_column].tolist()):
            first.setdefault(year, position)
        found[scope] = (rows, first)

    def row(scope: str, year: int) -> pd.Series | None:
        if scope == "peer" or scope not in found:
            return None
        rows, first = found[scope]
        return rows.iloc[first[year]] if year in first else None

    return row


COMPLAINT_COLUMNS = {"year": N_("Fiscal year"), "who": N_("Who"), "total": N_("Closed"),
                     "within": N_("Closed within the limit"), "share": N_("Share closed within the limit"),
                     "median": N_("Median days to close"), "over_limit_open": N_("Open past the limit"),
                     "left_out": N_("Agencies left out as suppressed")}


def complaints_parts(inputs: CaseworkInputs, agency: pd.Series, extra: list | None = None) -> ChartParts:
    """Complaints closed within the limit, days to close and open cases past it (`agency-casework-complaints`)."""
    names = scope_names(agency["agency_name"], agency["peer_group"])
    key, k = KEYS["agency-casework-complaints"], inputs.k
    own = inputs.closing["agency"]
    year = tr.latest(own[own["forum"] == tr.ALL])

    lookup = _lookup(inputs.closing, "fiscal_year", forum=tr.ALL)

    def details(scope: str, year: int) -> dict:
        r = lookup(scope, year)
        if r is None:
            return {"median": "—", "over_limit_open": "—"}
        return {"median": tr.cell(r["median_days_to_close"], number, tr.hidden(r), k),
                "over_limit_open": tr.cell(r["over_limit_open"], count, tr.hidden(r), k)}

    subject = _("the share of complaints closed within %(limit)s", limit=tr.days(inputs.complaint_days))
    summary = " ".join(t for t in (tr.closing_sentence(own, inputs.complaint_days, agency["agency_name"], k),
                                   comparison_sentence(inputs, key, year, subject, names)) if t)
    return ChartParts("agency-casework-complaints", _("Discrimination complaints closed within the limit"), summary,
                      _table(inputs, key, names, details, COMPLAINT_COLUMNS),
                      _figure(inputs, key, names, _("Closed within the limit")), COMPLAINT_COLUMNS, _(SOURCE),
                      extra=extra)


ACCOMMODATION_COLUMNS = {"year": N_("Fiscal year"), "who": N_("Who"), "requests": N_("Requests"),
                         "total": N_("Decided"), "within": N_("Decided within the limit"),
                         "share": N_("Share decided within the limit"),
                         "median": N_("Median working days to decision"),
                         "left_out": N_("Agencies left out as suppressed")}


def accommodations_parts(inputs: CaseworkInputs, agency: pd.Series, extra: list | None = None) -> ChartParts:
    """Accommodation requests decided within the limit of working days (`agency-casework-accommodations`)."""
    names = scope_names(agency["agency_name"], agency["peer_group"])
    key, k = KEYS["agency-casework-accommodations"], inputs.k
    own = inputs.accommodations["agency"]
    year = tr.latest(own[own["kind"] == tr.ALL])

    lookup = _lookup(inputs.accommodations, "fiscal_year", kind=tr.ALL)

    def details(scope: str, year: int) -> dict:
        r = lookup(scope, year)
        if r is None:
            return {"requests": "—", "median": "—"}
        return {"requests": tr.cell(r["requests"], count, tr.hidden(r), k),
                "median": tr.cell(r["median_days_to_decision"], number, tr.hidden(r), k)}

    subject = _("the share of accommodation requests decided within %(limit)s working days",
                limit=count(inputs.accommodation_days))
    summary = " ".join(t for t in (tr.accommodation_sentence(own, inputs.accommodation_days, agency["agency_name"], k),
                                   comparison_sentence(inputs, key, year, subject, names)) if t)
    return ChartParts("agency-casework-accommodations", _("Reasonable-accommodation requests decided within the limit"),
                      summary, _table(inputs, key, names, details, ACCOMMODATION_COLUMNS),
                      _figure(inputs, key, names, _("Decided within the limit")), ACCOMMODATION_COLUMNS, _(SOURCE),
                      extra=extra)


GOAL_COLUMNS = {"year": N_("Plan year"), "who": N_("Who"), "total": N_("Goals set"), "within": N_("Goals met"),
                "share": N_("Share of goals met"), "decision": N_("The Commission's decision"),
                "left_out": N_("Agencies left out as suppressed")}


def goals_parts(inputs: CaseworkInputs, agency: pd.Series, extra: list | None = None) -> ChartParts:
    """Affirmative action goals set and met, with the Commission's decision on the plan (`agency-casework-goals`)."""
    names = scope_names(agency["agency_name"], agency["peer_group"])
    key, k = KEYS["agency-casework-goals"], inputs.k
    own = inputs.goals["agency"].dropna(subset=["goals_set"])
    year = tr.latest(own, "plan_year")

    lookup = _lookup(inputs.goals, "plan_year")

    def details(scope: str, year: int) -> dict:
        r = lookup(scope, year)
        if r is None:
            return {"decision": "—"}
        if scope == "agency":
            return {"decision": aap_text(r.get("aap_decision"), r.get("aap_basis"))}
        approved = r.get("approved")
        return {"decision": "—" if tr.missing(approved) else
                _("%(n)s plans approved (with or without conditions)", n=count(approved))}

    summary = " ".join(t for t in (
        tr.goals_sentence(inputs.goals["agency"], year, agency["agency_name"], False, k) if year is not None else "",
        comparison_sentence(inputs, key, year, _("the share of affirmative action goals met"), names)) if t)
    return ChartParts("agency-casework-goals", _("Affirmative action goals met, and the plan's decision"), summary,
                      _table(inputs, key, names, details, GOAL_COLUMNS),
                      _figure(inputs, key, names, _("Goals met")), GOAL_COLUMNS, _(SOURCE), extra=extra)


BUILDERS = {"agency-casework-complaints": complaints_parts, "agency-casework-accommodations": accommodations_parts,
            "agency-casework-goals": goals_parts}
