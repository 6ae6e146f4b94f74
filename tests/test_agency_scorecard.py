"""`/agencies/<code>` scorecard transforms: adverse-impact findings and chart, goals, peer and state comparison
sentences, whether a gap is closing, metric words."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from dashboards._shared.selection import (
    finding_words,
    impact_finding,
    impact_findings,
    selection_findings,
    selection_summary,
    selection_table,
)
from dashboards._shared.wording import goal_text
from dashboards.agencies.compare import compare_sentence, contracting_sentence, plan_sentence
from dashboards.agencies.transforms import gap_closing, metric_words
from tests.agency_rows import AIAN, ASIAN, BLACK, HISPANIC, K_TEXT, SMALL, SMALL_GROUP, WHITE, selection


@pytest.mark.parametrize(
    "row,key",
    [
        (HISPANIC, "adverse_impact"),
        (ASIAN, "four_fifths_only"),
        (AIAN, "four_fifths_only"),
        (BLACK, "none"),
        (WHITE, "reference"),
        (SMALL, "suppressed"),
        (SMALL_GROUP, "small_group"),
        ({**BLACK, "impact_ratio": math.nan, "reference_group": None}, "no_reference"),
        ({**BLACK, "impact_ratio": math.nan}, "reference_zero"),
        ({**BLACK, "impact_ratio": math.nan, "reference_suppressed": True}, "reference_suppressed"),
        ({**BLACK, "flag_significant": True}, "significant_only"),
    ],
)
def test_each_row_gets_one_finding_headlined_by_adverse_impact(row, key):
    assert impact_finding(pd.Series(row)) == key


FINDING_ROWS = [HISPANIC, ASIAN, AIAN, BLACK, WHITE, SMALL, SMALL_GROUP,
                {**BLACK, "impact_ratio": math.nan, "reference_group": None}, {**BLACK, "impact_ratio": math.nan},
                {**BLACK, "impact_ratio": math.nan, "reference_suppressed": True}, {**BLACK, "flag_significant": True},
                {**BLACK, "impact_ratio": None, "adverse_impact": None, "reference_eligible": None}]


def test_the_findings_of_many_rows_at_once_are_each_rows_own():
    """The panels work out every row's finding column-wise: the same finding, row by row, as `impact_finding`."""
    frame = pd.DataFrame(FINDING_ROWS, index=range(10, 10 + len(FINDING_ROWS)))
    together = impact_findings(frame)
    assert list(together.index) == list(frame.index)
    assert list(together) == [impact_finding(frame.loc[i]) for i in frame.index]
    assert set(together) >= {"adverse_impact", "four_fifths_only", "none", "reference", "suppressed", "small_group",
                             "no_reference", "reference_zero", "reference_suppressed", "significant_only"}
    bare = frame.drop(columns=["reference_suppressed"], errors="ignore")  # a frame masked for nobody lacks it
    assert list(impact_findings(bare)) == [impact_finding(bare.loc[i]) for i in bare.index]


def test_reference_values_of_the_rows_above():
    assert HISPANIC["impact_ratio"] == pytest.approx(0.5) and ASIAN["impact_ratio"] == pytest.approx(0.75)
    assert HISPANIC["adverse_impact"] and not ASIAN["adverse_impact"] and not AIAN["adverse_impact"]
    assert AIAN["flag_significant"] and not AIAN["practically_significant"]  # 10/60 / 0.2 = 0.83 with one more
    assert fisher_exact([[6, 34], [40, 160]]).pvalue > 0.05  # Asian: not significant by any test


@pytest.mark.parametrize(
    "row,words",
    [
        (HISPANIC, "▼ Adverse impact"),
        (ASIAN, "△ Below four-fifths (ratio only), not adverse impact — not statistically significant, so the "
                "difference could be chance"),
        (AIAN, "△ Below four-fifths (ratio only), not adverse impact — one more hire would lift it to four-fifths"),
        (WHITE, "◆ Reference group (highest hiring rate)"),
        (SMALL, K_TEXT),
        (SMALL_GROUP, "◌ Too few people to judge: the group is below the reference minimum"),
        ({**BLACK, "impact_ratio": math.nan, "reference_group": None},
         "— No ratio: no group is large enough to be the reference"),
        ({**BLACK, "impact_ratio": math.nan}, "— No ratio: the reference group had no hires"),
        ({**selection("black", 50, 20, 50, 50, action="separation"), "impact_ratio": math.nan},
         "— No ratio: everyone in the reference group left"),
        # separations are judged on retention: reference 10 of 200 left (95 % stayed), 15 of 50 left (70 %):
        # 0.70/0.95 = 0.737; one fewer separation: 0.72/0.95 = 0.758, still below → significant: adverse impact.
        (selection("black", 50, 15, 200, 10, action="separation", significant=True), "▼ Adverse impact"),
    ],
)
def test_finding_words_carry_symbol_word_and_why_a_ratio_is_not_adverse_impact(row, words):
    assert finding_words(pd.Series(row), K_TEXT) == words


def test_adverse_impact_is_the_headline_and_the_four_fifths_view_is_labelled_apart():
    frame = pd.DataFrame([ASIAN, HISPANIC, AIAN, BLACK, WHITE, SMALL, SMALL_GROUP])
    findings = selection_findings(frame)
    assert findings["adverse_impact"] == [
        "Hispanic or Latino, hires: impact ratio 0.50 against White, p = 0.002 (Cochran–Mantel–Haenszel, across "
        "job categories) — adverse impact"
    ]
    # The four-fifths-only view: every ratio under 0.8 with the test's verdict; the Asian row is not adverse impact.
    assert findings["four_fifths"] == [
        findings["adverse_impact"][0],
        "Asian, hires: impact ratio 0.75 against White, p = 0.41 (Cochran–Mantel–Haenszel, across job categories) "
        "— not adverse impact: not statistically significant, so the difference could be chance",
        "American Indian or Alaska Native, hires: impact ratio 0.75 against White, p = 0.03 (Cochran–Mantel–"
        "Haenszel, across job categories) — not adverse impact: one more hire would lift it to four-fifths",
    ]
    text = selection_summary(frame, 2025, K_TEXT)
    assert text.startswith(
        "In 2025, 1 group result shows adverse impact: its impact ratio is below four-fifths, the difference is "
        "statistically significant, and it does not rest on a single person. 2 more are below four-fifths on the "
        "ratio alone, but are not adverse impact"
    )
    assert "for separations it compares retention" in text and "Choose a job category" in text
    assert text.endswith("1 group figure is suppressed (fewer than 5).")


def test_nothing_but_four_fifths_is_never_called_adverse_impact():
    frame = pd.DataFrame([ASIAN, BLACK, WHITE])
    assert selection_findings(frame)["adverse_impact"] == []
    text = selection_summary(frame, 2025, K_TEXT)
    assert text.startswith("In 2025, no group result shows adverse impact. 1 more is below four-fifths on the ratio "
                           "alone, but is not adverse impact")
    asian = selection_table(frame, K_TEXT).iloc[0]
    assert "not adverse impact" in asian["finding"] and not asian["finding"].startswith("▼")


def test_the_table_shows_eligibility_the_test_of_each_level_and_its_p():
    category = selection("hispanic", 100, 10, significant=True, p=0.004, category="professionals")
    small = SMALL_GROUP
    table = selection_table(pd.DataFrame([HISPANIC, category, small]), K_TEXT)
    assert table["test"].tolist() == ["Cochran–Mantel–Haenszel, across job categories", "Fisher exact",
                                      "Cochran–Mantel–Haenszel, across job categories"]
    assert table["test_p"].tolist() == ["0.002", "0.004", "0.9"]
    assert table["reference_eligible"].tolist() == ["yes", "yes", "no"]
    statewide = selection_table(pd.DataFrame([{**HISPANIC, "agency_code": "ALL"}]), K_TEXT)
    assert statewide["test"].iat[0] == "Cochran–Mantel–Haenszel, across agencies and job categories"


def test_a_separation_where_a_group_lost_nobody_shows_no_ratio_of_zero():
    # White: 0 of 60 left (100 % stayed) — the reference; Hispanic: 12 of 60 left (80 % stayed) → 0.80/1.00.
    # (Under the old rule, reference separation rate 0 over the group's gave 0.00.)
    white = selection("white", 60, 0, 60, 0, action="separation")
    hispanic = selection("hispanic", 60, 12, 60, 0, action="separation")
    assert white["impact_ratio"] == 1.0 and hispanic["impact_ratio"] == pytest.approx(0.8)
    frame = pd.DataFrame([white, hispanic])
    table = selection_table(frame, K_TEXT)
    assert table["impact_ratio"].tolist() == ["1.00", "0.80"]
    assert table["rate"].tolist() == ["0.0 %", "20.0 %"]  # the separation rate stays what is shown
    assert table["finding"].iat[0] == "◆ Reference group (highest retention: the lowest separation rate)"
    assert "0.00" not in str(table.to_dict()) and "0.00" not in selection_summary(frame, 2025, K_TEXT)


def test_impact_chart_draws_the_four_fifths_line_and_a_symbol_per_finding():
    import plotly.graph_objects as go

    from components.charts import impact_chart
    from dashboards._shared.selection import IMPACT_LEGEND, impact_frame

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
    legend = [t.name for t in figure.data if t.x == (None,)]
    assert legend[:2] == ["Adverse impact", "Below four-fifths (ratio only), not adverse impact"]


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
