"""The scorecard's panels beyond the workforce: contracting, equity plan, training and own benchmarks."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.charts import trend_lines
from components.formatting import SUPPRESSED, count, dollars, percent
from components.panel import chart_panel
from components.shell import notice
from data_access import workforce_queries as wq

from ._agencies import (
    benchmark_rows,
    compare_sentence,
    comparison_series,
    comparison_table,
    contracting_sentence,
    goal_text,
    plan_sentence,
    plan_table,
    scope_names,
)
from ._helpers import settings, viewer

SOURCE = "Source: {tables} release table{s}."


def k_text() -> str:
    return SUPPRESSED.format(k=settings().suppression_k)


def contracting_panels(release_id: str, agency: pd.Series, year: int) -> dbc.Row:
    """Small- and minority-business shares against their set-aside goals, the peer group and the state."""
    frame = wq.contracting_comparison(settings(), release_id, agency["agency_code"])
    names = scope_names(agency["agency_name"], agency["peer_group"])
    if frame.empty:
        return dbc.Row(dbc.Col(notice("This release has no contracting figures.")))
    columns = {
        "small_share": ("Small-business share", percent),
        "small_goal": ("Small goal", goal_text),
        "minority_share": ("Minority-business share", percent),
        "minority_goal": ("Minority goal", goal_text),
        "eligible_spend": ("Eligible spend", dollars),
    }
    table = comparison_table(frame, "fiscal_year", columns, names)
    panels = []
    for kind in ("small", "minority"):
        goal = frame[f"{kind}_goal"].dropna()
        figure = trend_lines(
            comparison_series(frame, "fiscal_year", f"{kind}_share", names),
            {
                "tickformat": ".0%",
                "y_title": f"{kind.capitalize()}-business share",
                "highlight_x": year,
                "reference_lines": [(float(goal.iat[-1]), f"goal {goal_text(goal.iat[-1])}")] if not goal.empty else [],
            },
        )
        panels.append(
            dbc.Col(
                chart_panel(
                    f"agency-contracting-{kind}",
                    f"{kind.capitalize()}-business share of eligible spend",
                    contracting_sentence(frame, year, kind, names),
                    table,
                    figure,
                    None,
                    "Source: contracting release table. Goals: CGS 4a-60g set-aside (25 % small contractors; "
                    "25 % of that, 6.25 %, minority business enterprises).",
                ),
                lg=6,
            )
        )
    return dbc.Row(panels)


def plan_panel(release_id: str, agency: pd.Series, year: int):
    """Equity plan and affirmative-action plan status against the peer group and the state."""
    frame = wq.plan_comparison(settings(), release_id, agency["agency_code"])
    names = scope_names(agency["agency_name"], agency["peer_group"])
    if frame.empty:
        return notice("This release has no equity-plan figures.")
    table = plan_table(frame, names)
    own = frame[(frame["scope"] == "agency") & frame["url"].notna()].sort_values("plan_year")
    link = (
        html.P(
            html.A(
                f"Read the {int(own['plan_year'].iat[-1])} equity plan (opens the agency's site)",
                href=str(own["url"].iat[-1]),
                rel="noopener noreferrer",
                target="_blank",
            )
        )
        if not own.empty and str(own["url"].iat[-1]).startswith("https://")
        else None
    )
    visible = dbc.Table.from_dataframe(
        table, striped=False, bordered=False, hover=True, size="sm", responsive=True, id="agency-plan-table"
    )
    return chart_panel(
        "agency-plans",
        "Equity plan and affirmative-action plan",
        plan_sentence(frame, year, names),
        table,
        None,
        None,
        "Source: equity_plans release table. Affirmative-action plan status as in "
        "Regs. Conn. State Agencies 46a-68-102 (parity, goals met, good-faith efforts, not approved).",
        extra=[link, visible],
    )


def training_panel(release_id: str, agency: pd.Series, year: int):
    """Equity training completion against the peer group and the state."""
    frame = wq.training_comparison(settings(), release_id, viewer(), agency["agency_code"])
    names = scope_names(agency["agency_name"], agency["peer_group"])
    if frame.empty:
        return notice("This release has no training figures.")
    text = k_text()
    columns = {
        "completion_rate": ("Completion", percent),
        "completed": ("Completed", count),
        "employees": ("Employees", count),
    }
    figure = trend_lines(
        comparison_series(frame[~frame["suppressed"]], "fiscal_year", "completion_rate", names),
        {"tickformat": ".0%", "y_title": "Completed equity training", "highlight_x": year, "y_range": [0, 1.05]},
    )
    return chart_panel(
        "agency-training",
        "Equity training completion",
        compare_sentence(frame, "fiscal_year", year, "completion_rate", names, "equity-training completion", text),
        comparison_table(frame, "fiscal_year", columns, names, text),
        figure,
        None,
        SOURCE.format(tables="training", s=""),
    )


def benchmark_panel(release_id: str, agency: pd.Series, year: int):
    """The agency's own benchmarks: status in symbol and word, and whether the gap closes beyond noise."""
    items = benchmark_rows(wq.agency_benchmarks(settings(), release_id, agency["agency_code"]), year)
    if not items:
        return chart_panel(
            "agency-benchmarks",
            "The agency's own benchmarks",
            f"No benchmark is set for the {agency['agency_name']} in this release.",
            pd.DataFrame(columns=["Benchmark"]),
            None,
        )
    cards = html.Ul(
        [html.Li([html.Strong(f"{i['status_text']} "), i["sentence"]], className="mb-2") for i in items],
        className="list-unstyled",
        id="agency-benchmark-list",
    )
    table = pd.DataFrame(
        [
            {
                "Benchmark": i["label"],
                "Year": i["year"],
                "Value": i["value"],
                "Target": i["target"],
                "Status": i["status_text"],
            }
            for i in items
        ]
    )
    met = sum(i["status"] in ("met", "on_track") for i in items)
    return chart_panel(
        "agency-benchmarks",
        "The agency's own benchmarks",
        f"{met} of {len(items)} benchmarks are met or on track as of {year}.",
        table,
        None,
        None,
        SOURCE.format(tables="benchmark_progress", s=""),
        extra=[cards],
    )
