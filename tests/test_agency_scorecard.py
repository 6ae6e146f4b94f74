"""`/agencies/<code>` scorecard transforms: adverse-impact findings and chart, goals, peer and state comparison
sentences, whether a gap is closing, metric words."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from dashboards._shared.wording import goal_text
from dashboards.agencies.compare import compare_sentence, contracting_sentence, plan_sentence
from dashboards.agencies.transforms import (
    finding_words,
    gap_closing,
    impact_finding,
    metric_words,
    selection_findings,
    selection_summary,
)
from tests.agency_rows import ASIAN, BLACK, HISPANIC, K_TEXT, SMALL, WHITE, selection


@pytest.mark.parametrize(
    "row,key",
    [
        (HISPANIC, "significant"),
        (ASIAN, "four_fifths_only"),
        (BLACK, "none"),
        (WHITE, "reference"),
        (SMALL, "suppressed"),
        ({**BLACK, "impact_ratio": math.nan}, "undefined"),
        ({**BLACK, "flag_significant": True}, "significant_only"),
    ],
)
def test_each_row_gets_one_finding(row, key):
    assert impact_finding(pd.Series(row)) == key


def test_reference_values_of_the_rows_above():
    assert fisher_exact([[10, 90], [40, 160]]).pvalue < 0.05
    assert fisher_exact([[3, 17], [40, 160]]).pvalue > 0.05
    assert HISPANIC["impact_ratio"] == pytest.approx(0.5) and ASIAN["impact_ratio"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    "row,words",
    [
        (ASIAN, "△ Below four-fifths, not statistically significant — would pass with one more hire"),
        (HISPANIC, "▼ Below four-fifths and statistically significant"),  # 11/100 / 0.2 = 0.55: still fails
        (WHITE, "◆ Reference group (highest rate)"),
        (SMALL, K_TEXT),
        # separations: reference 10 of 200 (5 %) against 4 of 50 (8 %) → 0.05/0.08 = 0.625; one fewer: 0.05/0.06 = 0.83
        (
            selection("black", 50, 4, 200, 10, action="separation"),
            "△ Below four-fifths, not statistically significant — would pass with one fewer separation",
        ),
    ],
)
def test_finding_words_carry_symbol_word_and_the_flip_flop(row, words):
    assert finding_words(pd.Series(row), K_TEXT) == words


def test_significant_and_four_fifths_only_findings_are_kept_apart():
    frame = pd.DataFrame([ASIAN, HISPANIC, BLACK, WHITE, SMALL])
    findings = selection_findings(frame)
    assert [line.split(",")[0] for line in findings["significant"]] == ["Hispanic or Latino"]
    assert findings["four_fifths_only"] == [
        "Asian, hires: impact ratio 0.75, Fisher p = 0.77 — would pass with one more hire"
    ]
    text = selection_summary(frame, 2025, K_TEXT)
    assert text.startswith("In 2025, 1 group result is below four-fifths and statistically significant")
    assert (
        "; 1 group result is below four-fifths but not statistically significant, so it could be chance (1 would "
        "pass with a single selection more)" in text
    )
    assert text.endswith("1 group figure is suppressed (fewer than 5).")


def test_impact_chart_draws_the_four_fifths_line_and_a_symbol_per_finding():
    import plotly.graph_objects as go

    from components.charts import impact_chart
    from dashboards.agencies.transforms import IMPACT_LEGEND, impact_frame

    frame = pd.DataFrame([HISPANIC, ASIAN, WHITE, SMALL, {**BLACK, "action": "promotion"}])
    figure = go.Figure(impact_chart(impact_frame(frame), {"legend": IMPACT_LEGEND}).to_dict())  # validates
    hires, promotions = figure.data[0], figure.data[1]
    assert list(hires.y) == ["Hispanic or Latino", "Asian", "White"]  # the suppressed group has no marker
    assert list(hires.marker.symbol) == ["triangle-down", "triangle-down-open", "diamond"]
    assert list(promotions.y) == ["Black or African American"]
    lines = [s for s in figure.layout.shapes if s.x0 == 0.8]
    assert len(lines) == 2 and all(s.line.width > 0 and s.opacity == 1 for s in lines)  # visible, one per panel
    assert {s.xref for s in lines} == {"x", "x2"} and {s.yref for s in lines} == {"y domain"}  # full height
    assert [a.text for a in figure.layout.annotations] == ["Hires", "Promotions"]


@pytest.mark.parametrize("goal,text", [(0.25, "25 %"), (0.0625, "6.25 %"), (None, "—")])
def test_goals_keep_their_statutory_precision(goal, text):
    assert goal_text(goal) == text


NAMES = {"agency": "Department of Correction", "peer": "Other public safety agencies", "state": "Statewide"}


def contracting_frame():
    # agency 20 of 100 (20 %); peers 30 + 10 of 100 + 100 (20 %); state 250 of 1000 (25 %)
    return pd.DataFrame(
        [
            {
                "fiscal_year": 2025,
                "scope": "agency",
                "agencies": 1,
                "excluded": 0,
                "small_share": 0.20,
                "minority_share": 0.07,
                "small_goal": 0.25,
                "minority_goal": 0.0625,
            },
            {
                "fiscal_year": 2025,
                "scope": "peer",
                "agencies": 2,
                "excluded": 0,
                "small_share": 0.20,
                "minority_share": 0.05,
                "small_goal": 0.25,
                "minority_goal": 0.0625,
            },
            {
                "fiscal_year": 2025,
                "scope": "state",
                "agencies": None,
                "excluded": 0,
                "small_share": 0.25,
                "minority_share": 0.08,
                "small_goal": 0.25,
                "minority_goal": 0.0625,
            },
        ]
    )


def test_contracting_sentence_compares_with_peers_state_and_the_statutory_goal():
    frame = contracting_frame()
    assert contracting_sentence(frame, 2025, "small", NAMES) == (
        "In 2025, the small-business share of eligible spend at the Department of Correction was 20.0 %, against "
        "20.0 % among the 2 public safety agencies (peer group) and 25.0 % statewide. The goal of 25 % "
        "(CGS 4a-60g) was ✖ not met."
    )
    assert contracting_sentence(frame, 2025, "minority", NAMES).endswith("The goal of 6.25 % (CGS 4a-60g) was ✔ met.")
    assert (
        compare_sentence(frame, "fiscal_year", 2019, "small_share", NAMES, "x")
        == "No figure for the Department of Correction in 2019."
    )


def test_plan_sentence_reads_status_aap_and_published_shares():
    frame = pd.DataFrame(
        [
            {
                "plan_year": 2025,
                "scope": "agency",
                "agencies": 1,
                "published": 0,
                "published_share": 0.0,
                "aap_met": 0,
                "commitments_total": 19,
                "commitments_met": 5,
                "status": "approved",
                "aap_decision": "conditionally_approved",
                "aap_basis": "good_faith",
            },
            {
                "plan_year": 2025,
                "scope": "peer",
                "agencies": 4,
                "published": 2,
                "published_share": 0.5,
                "aap_met": 1,
                "commitments_total": 54,
                "commitments_met": 19,
                "status": None,
                "aap_decision": None,
                "aap_basis": None,
            },
        ]
    )
    assert plan_sentence(frame, 2025, NAMES) == (
        "The Department of Correction's 2025 equity plan is approved; 5 of 19 commitments are met. "
        "Affirmative-action plan (the Commission on Human Rights and Opportunities' decision): "
        "◐ Conditionally approved (good-faith efforts). Published 2025 plans: 50.0 % of other public safety agencies."
    )
    assert (
        plan_sentence(frame, 2024, NAMES) == "No equity plan of the Department of Correction is on record for 2024 "
        "or earlier."
    )


def progress(value, target, slope, low, high):
    return pd.Series(
        {"value": value, "target_value": target, "slope": slope, "slope_ci_low": low, "slope_ci_high": high}
    )


@pytest.mark.parametrize(
    "row,start",
    [
        (progress(0.10, 0.15, 0.01, 0.005, 0.015), "The gap is closing beyond year-to-year noise"),
        (progress(0.10, 0.15, 0.01, -0.005, 0.025), "The gap may be closing, but not beyond"),
        (progress(0.10, 0.15, -0.01, -0.015, -0.005), "The gap is widening beyond"),
        (progress(0.10, 0.15, -0.001, -0.01, 0.01), "The gap is not closing"),
        (progress(0.10, 0.15, None, None, None), "Fewer than three years of data"),
        (progress(0.80, 0.70, -0.02, -0.03, -0.01), "The gap is closing beyond"),  # a lower-is-better target
    ],
)
def test_is_the_gap_closing_beyond_noise(row, start):
    assert gap_closing(row).startswith(start)


@pytest.mark.parametrize(
    "key,words",
    [
        ("workforce.share.female", "Women as a share of the agency's workforce"),
        ("selection.separation.impact_ratio.black", "Black or African American separation impact ratio"),
        ("training.completion", "Employees who completed equity training"),
    ],
)
def test_metric_words(key, words):
    assert metric_words(key) == words
