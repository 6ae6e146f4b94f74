"""The `/casework` charts as ChartParts, shared by the page and its embeds (DESIGN §4.6, §6)."""
from __future__ import annotations

import pandas as pd

from components import casework_words as cw
from components.figures import Axis, Series, ranked_bars, trend_lines
from components.formatting import count
from components.i18n import N_, _
from components.panel import ChartParts
from dashboards._shared import casework as tr
from data_access import casework_queries as cq
from data_access.settings import Settings
from data_access.viewer import Viewer

SOURCE = N_("Source: agencies' complaint and accommodation logs and affirmative action plans; release tables "
            "complaint_stats, accommodation_stats and aap_goals.")
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "solid", "dash", "dot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
TOP = 5  # categories drawn in the complaints chart (the table lists them all)


def _series(frame: pd.DataFrame, key: str, value: str, names: dict) -> list[Series]:
    """One line per key (at most TOP, largest in the latest year first), years on x."""
    frame = frame.assign(v=pd.to_numeric(frame[value], errors="coerce"))
    year = tr.latest(frame)
    order = frame[frame["fiscal_year"] == year].sort_values("v", ascending=False)[key].tolist() if year else []
    lines = []
    for i, code in enumerate(order[:TOP]):
        rows = frame[frame[key] == code].sort_values("fiscal_year")
        lines.append(Series(cw.code_label(names, code), rows["fiscal_year"].tolist(),
                            [None if tr.missing(v) else v for v in rows["v"]], PALETTE[i], DASHES[i], SYMBOLS[i]))
    return lines


def where(names: dict[str, str], agency: str) -> str:
    """The agency's name, or 'all state agencies'."""
    return _(tr.STATEWIDE).lower() if agency == tr.ALL else names.get(agency, agency)


def complaints_parts(settings: Settings, rid: str, viewer: Viewer, agency: str, view: str, place: str,
                     k: int) -> ChartParts:
    """Complaints by basis, issue or outcome over the years (chart id `casework-complaints`)."""
    frame = cq.complaint_view(settings, rid, viewer, agency, view)
    totals = cq.complaint_view(settings, rid, viewer, agency, "all")
    counted = "closed" if view == "outcome" else "filed"
    lines = _series(frame, "category", counted, tr.VIEWS[view])
    figure = trend_lines(lines, Axis(_("Complaints closed") if view == "outcome" else _("Complaints filed"))) \
        if lines else None
    title = {"basis": _("On what grounds do employees complain of discrimination?"),
             "issue": _("What do discrimination complaints concern?"),
             "outcome": _("How do discrimination complaints end?")}[view]
    return ChartParts("casework-complaints", title, tr.complaint_sentence(frame, totals, view, place, k),
                      tr.complaint_table(frame, view, k), figure, tr.COMPLAINT_LABELS, _(SOURCE))


def forums_parts(settings: Settings, rid: str, viewer: Viewer, agency: str, place: str, k: int) -> ChartParts:
    """Complaints filed per forum over the years (chart id `casework-forums`)."""
    frame = cq.complaint_forums(settings, rid, viewer, agency)
    lines = _series(frame[frame["forum"] != tr.ALL], "forum", "filed", cw.FORUMS)
    figure = trend_lines(lines, Axis(_("Complaints filed"))) if lines else None
    return ChartParts("casework-forums", _("Where are discrimination complaints filed?"),
                      tr.forum_sentence(frame, place, k), tr.forum_table(frame, k), figure, tr.FORUM_LABELS,
                      _(SOURCE))


def closing_parts(settings: Settings, rid: str, viewer: Viewer, agency: str, place: str, k: int) -> ChartParts:
    """Days to close (median, 90th percentile) against the limit (chart id `casework-closing`)."""
    frame = cq.closing_time(settings, rid, viewer, agency)
    limit = int(settings.complaint_days)
    rows = frame[frame["forum"] == tr.ALL].sort_values("fiscal_year")
    years = rows["fiscal_year"].tolist()
    values = {c: [None if tr.missing(v) else float(v) for v in rows[c]]
              for c in ("median_days_to_close", "p90_days_to_close")}
    lines = [Series(_("Median"), years, values["median_days_to_close"], PALETTE[0], "solid", "circle"),
             Series(_("90th percentile"), years, values["p90_days_to_close"], PALETTE[5], "dash", "square")]
    figure = trend_lines(lines, Axis(_("Days to close")), [(limit, _("Limit: %(days)s", days=tr.days(limit)))]) \
        if years else None
    return ChartParts("casework-closing", _("How long does it take to close a complaint?"),
                      tr.closing_sentence(frame, limit, place, k), tr.closing_table(frame, k), figure,
                      tr.CLOSING_LABELS, _(SOURCE))


def accommodations_parts(settings: Settings, rid: str, viewer: Viewer, agency: str, place: str,
                         k: int) -> ChartParts:
    """Requests, decisions and working days to decision (chart id `casework-accommodations`)."""
    frame = cq.accommodation_rows(settings, rid, viewer, agency)
    limit = int(settings.accommodation_days)
    rows = frame[frame["kind"] == tr.ALL].sort_values("fiscal_year")
    years = rows["fiscal_year"].tolist()
    median = [None if tr.missing(v) else float(v) for v in rows["median_days_to_decision"]]
    figure = trend_lines([Series(_("Median working days to decision"), years, median)],
                         Axis(_("Working days")),
                         [(limit, _("Limit: %(n)s working days", n=count(limit)))]) if years else None
    return ChartParts("casework-accommodations", _("Are reasonable-accommodation requests decided in time?"),
                      tr.accommodation_sentence(frame, limit, place, k), tr.accommodation_table(frame, k), figure,
                      tr.ACCOMMODATION_LABELS, _(SOURCE))


def plan_years(settings: Settings, rid: str, viewer: Viewer, agency: str) -> list[str]:
    """The plan years with goals or a decision on record, latest first."""
    summary = cq.aap_summary(settings, rid, viewer, agency)
    return [str(int(y)) for y in sorted(summary["plan_year"].dropna().unique(), reverse=True)]


def goals_parts(settings: Settings, rid: str, viewer: Viewer, agency: str, plan_year: int, place: str,
                k: int) -> ChartParts:
    """Affirmative action goals set and met by job category and group (chart id `casework-goals`)."""
    cells = cq.aap_goals_by_cell(settings, rid, viewer, agency, plan_year)
    summary = cq.aap_summary(settings, rid, viewer, agency)
    shown = cells.assign(goal_n=pd.to_numeric(cells["goal"], errors="coerce"),
                         got=pd.to_numeric(cells["achieved"], errors="coerce")).dropna(subset=["goal_n", "got"])
    shown = shown[shown["goal_n"] > 0].sort_values(["job_category", "group_code", "action"])
    figure = None
    if not shown.empty:
        figure = ranked_bars([tr.goal_label(r) for _i, r in shown.iterrows()],
                             (shown["got"] / shown["goal_n"]).tolist(),
                             [_("%(got)s of %(goal)s", got=count(g), goal=count(n))
                              for g, n in zip(shown["got"], shown["goal_n"])],
                             [bool(g >= n) for g, n in zip(shown["got"], shown["goal_n"])], 1.0, _("Goal"),
                             Axis(_("Selections as a share of the goal"), ".0%"))
    return ChartParts("casework-goals", _("Is the affirmative action plan meeting its hiring and promotion goals?"),
                      tr.goals_sentence(summary, plan_year, place, agency == tr.ALL, k),
                      tr.goal_table(cells, k), figure, tr.GOAL_LABELS, _(SOURCE))
