"""The scorecard's charts beyond utilization as ChartParts, shared by `/agencies/<code>` and its embeds.

Each builder takes the frames the page queried (for its viewer) or the embed queried (for the public), so
the two cannot drift apart.
"""

from __future__ import annotations

from collections import Counter

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.benchmark_chart import benchmark_grid
from components.charts import trend_lines, wrap
from components.formatting import count, dollars, percent
from components.i18n import N_, _, ngettext
from components.panel import ChartParts
from components.status_words import STATUS_ORDER, listed, status_phrases
from dashboards._shared.wording import goal_text

from .compare import (
    compare_sentence,
    comparison_series,
    comparison_table,
    contracting_sentence,
    plan_sentence,
    plan_table,
    scope_names,
)
from .transforms import benchmark_rows

KINDS = ("small", "minority")
BENCHMARK_COLUMNS = {"benchmark": N_("Benchmark"), "year": N_("Year"), "value": N_("Value"), "target": N_("Target"),
                     "status": N_("Status")}


def _source(tables: str) -> str:
    return _("Source: %(tables)s release table.", tables=tables)


def contracting_parts(frame: pd.DataFrame, agency: pd.Series, year: int, kind: str) -> ChartParts:
    """One set-aside share against its goal, the peer group and the state (`agency-contracting-<kind>`)."""
    names = scope_names(agency["agency_name"], agency["peer_group"])
    columns = {
        "small_share": (_("Small-business share"), percent),
        "small_goal": (_("Small goal"), goal_text),
        "minority_share": (_("Minority-business share"), percent),
        "minority_goal": (_("Minority goal"), goal_text),
        "eligible_spend": (_("Eligible spend"), dollars),
    }
    goal = frame[f"{kind}_goal"].dropna()
    label = _("Small-business share") if kind == "small" else _("Minority-business share")
    figure = trend_lines(
        comparison_series(frame, "fiscal_year", f"{kind}_share", names),
        {"tickformat": ".0%", "y_title": label, "highlight_x": year,
         "reference_lines": [(float(goal.iat[-1]), _("goal %(goal)s", goal=goal_text(goal.iat[-1])))]
         if not goal.empty else []},
    )
    title = (_("Small-business share of eligible spend") if kind == "small"
             else _("Minority-business share of eligible spend"))
    return ChartParts(
        f"agency-contracting-{kind}", title, contracting_sentence(frame, year, kind, names),
        comparison_table(frame, "fiscal_year", columns, names), figure, None,
        _("Source: contracting release table. Goals: CGS 4a-60g set-aside (%(small)s small contractors; %(small)s of "
          "that, %(minority)s, minority business enterprises).", small=goal_text(0.25), minority=goal_text(0.0625)))


def plan_parts(frame: pd.DataFrame, agency: pd.Series, year: int) -> ChartParts:
    """Equity plan and affirmative-action plan status against the peer group and the state (`agency-plans`)."""
    names = scope_names(agency["agency_name"], agency["peer_group"])
    table = plan_table(frame, names)
    own = frame[(frame["scope"] == "agency") & frame["url"].notna()].sort_values("plan_year")
    link = None
    if not own.empty and str(own["url"].iat[-1]).startswith("https://"):
        link = html.P(html.A(_("Read the %(year)s equity plan (opens the agency's site)",
                               year=int(own["plan_year"].iat[-1])),
                             href=str(own["url"].iat[-1]), rel="noopener noreferrer", target="_blank"))
    visible = dbc.Table.from_dataframe(table, striped=False, bordered=False, hover=True, size="sm",
                                       responsive=True, id="agency-plan-table")
    return ChartParts(
        "agency-plans", _("Equity plan and affirmative-action plan"), plan_sentence(frame, year, names), table,
        None, None,
        _("Source: equity_plans release table. Affirmative-action plan status as in Regs. Conn. State Agencies "
          "46a-68-102 (parity, goals met, good-faith efforts, not approved)."),
        extra=[link, visible])


def training_parts(frame: pd.DataFrame, agency: pd.Series, year: int, suppressed_text: str) -> ChartParts:
    """Equity training completion against the peer group and the state (chart id `agency-training`)."""
    names = scope_names(agency["agency_name"], agency["peer_group"])
    columns = {
        "completion_rate": (_("Completion"), percent),
        "completed": (_("Completed"), count),
        "employees": (_("Employees"), count),
    }
    figure = trend_lines(
        comparison_series(frame[~frame["suppressed"]], "fiscal_year", "completion_rate", names),
        {"tickformat": ".0%", "y_title": _("Completed equity training"), "highlight_x": year,
         "y_range": [0, 1.05]},
    )
    return ChartParts(
        "agency-training", _("Equity training completion"),
        compare_sentence(frame, "fiscal_year", year, "completion_rate", names, _("equity-training completion"),
                         suppressed_text),
        comparison_table(frame, "fiscal_year", columns, names, suppressed_text), figure, None, _source("training"))


def benchmark_summary(items: list[dict], year: int) -> str:
    """Each status counted in words, with its symbol: 'Of the 4 benchmarks as of 2024, ✔ 1 has met …'."""
    phrases = status_phrases(Counter(i["status"] for i in items))
    unjudged = sum(i["status"] not in STATUS_ORDER for i in items)  # suppressed: no status to show
    if unjudged:
        phrases.append(ngettext("%(num)s has no status to show (its figures are suppressed)",
                                "%(num)s have no status to show (their figures are suppressed)", unjudged))
    return ngettext("Of the agency's %(num)s benchmark as of %(year)s, %(statuses)s.",
                    "Of the agency's %(num)s benchmarks as of %(year)s, %(statuses)s.", len(items), year=year,
                    statuses=listed(phrases))


def benchmark_parts(progress: pd.DataFrame, agency: pd.Series, year: int) -> ChartParts:
    """The agency's own benchmarks: status in symbol and word, and whether the gap closes beyond noise
    (chart id `agency-benchmarks`)."""
    items = benchmark_rows(progress, year)
    title = _("The agency's own benchmarks")
    if not items:
        return ChartParts("agency-benchmarks", title,
                          _("No benchmark is set for the %(agency)s in this release.", agency=agency["agency_name"]),
                          pd.DataFrame(columns=["benchmark"]), None, {"benchmark": _(BENCHMARK_COLUMNS["benchmark"])})
    cards = html.Ul([html.Li([html.Strong(f"{i['status_text']} "), i["sentence"]], className="mb-2") for i in items],
                    className="list-unstyled", id="agency-benchmark-list")
    table = pd.DataFrame([{"benchmark": i["label"], "year": i["year"], "value": i["value"], "target": i["target"],
                           "status": i["status_text"]} for i in items])
    return ChartParts("agency-benchmarks", title, benchmark_summary(items, year),
                      table, benchmark_multiples(progress, items),
                      {key: _(text) for key, text in BENCHMARK_COLUMNS.items()},
                      _source("benchmark_progress") + " " + _(
                          "Each panel shows the observed values, the path planned from the baseline to the target "
                          "(dashed), the trend since the baseline with its 90 % band, and the target (★)."),
                      extra=[cards])


def benchmark_multiples(progress: pd.DataFrame, items: list[dict]):
    """A small chart per benchmark as of its latest year shown (components.benchmark_chart): observed values,
    planned path, trend since the baseline with its 90 % band, target."""
    panels = [(wrap(i["label"], 48), progress[progress["metric_key"] == i["metric_key"]],
               ".2f" if ".impact_ratio." in i["metric_key"] else ".0%", i["year"]) for i in items]
    return benchmark_grid(panels) if panels else None
