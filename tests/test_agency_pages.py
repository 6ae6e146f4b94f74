"""`/agencies` and `/agencies/<code>`: adverse-impact findings, peer and state comparisons, the pages' callbacks."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from dashboards._agencies import (
    finding_words,
    gap_closing,
    goal_text,
    impact_finding,
    metric_words,
    selection_findings,
    selection_summary,
)
from dashboards._agency_compare import compare_sentence, contracting_sentence, plan_sentence
from dashboards._agency_list import agency_overview, list_summary
from dashboards._workforce import with_flags

K_TEXT = "suppressed (fewer than 5)"


def selection(group, pool, selected, ref_pool, ref_selected, *, action="hire", reference="white", suppressed=False):
    """A selection row against its reference group, worked from counts (DESIGN §4.2) with SciPy's Fisher test."""
    rate, ref_rate = selected / pool, ref_selected / ref_pool
    impact = rate / ref_rate if action != "separation" else ref_rate / rate
    p = fisher_exact([[selected, pool - selected], [ref_selected, ref_pool - ref_selected]]).pvalue
    plus_one = (selected + 1) / pool / ref_rate if action != "separation" else ref_rate / ((selected - 1) / pool)
    row = {
        "fiscal_year": 2025,
        "agency_code": "DOC",
        "action": action,
        "group_dimension": "race_ethnicity",
        "group_code": group,
        "pool": pool,
        "selected": selected,
        "rate": rate,
        "reference_group": reference,
        "impact_ratio": impact,
        "z_score": -1.0,
        "fisher_p": p,
        "flag_four_fifths": impact < 0.8,
        "flag_significant": p < 0.05,
        "practically_significant": impact < 0.8 and plus_one < 0.8,
        "suppressed": suppressed,
    }
    if suppressed:
        for column in (
            "pool",
            "selected",
            "rate",
            "impact_ratio",
            "z_score",
            "fisher_p",
            "flag_four_fifths",
            "flag_significant",
            "practically_significant",
        ):
            row[column] = None
    return row


# Hispanic hires: 10 of 100 against White 40 of 200 → ratio 0.10/0.20 = 0.50; Fisher p ≈ 0.036 → significant.
# Asian hires: 3 of 20 against 40 of 200 → ratio 0.75; p = 0.77 (SciPy) → four-fifths only; 4 of 20 → 1.0 passes.
# Black hires: 30 of 160 against 40 of 200 → 0.9375, no adverse impact.
HISPANIC = selection("hispanic", 100, 10, 200, 40)
ASIAN = selection("asian", 20, 3, 200, 40)
BLACK = selection("black", 160, 30, 200, 40)
WHITE = selection("white", 200, 40, 200, 40)
SMALL = selection("nhpi", 3, 1, 200, 40, suppressed=True)


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
    from dashboards._agencies import IMPACT_LEGEND, impact_frame

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
                "aap_status": "good_faith",
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
                "aap_status": None,
            },
        ]
    )
    assert plan_sentence(frame, 2025, NAMES) == (
        "The Department of Correction's 2025 equity plan is approved; 5 of 19 commitments are met. "
        "Affirmative-action plan: ◐ good-faith efforts. Published 2025 plans: 50.0 % of other public safety agencies."
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


def test_agency_overview_row_per_agency():
    agencies = pd.DataFrame(
        {
            "agency_code": ["DOC", "DSS"],
            "agency_name": ["Department of Correction", "Department of Social Services"],
            "peer_group": ["public safety", "human services"],
        }
    )
    # DOC: one flagged professionals cell, one visible unflagged, one suppressed; the ALL row is not counted.
    cells = pd.DataFrame(
        [
            {
                "agency_code": "DOC",
                "job_category": "professionals",
                "utilization_ratio": 0.5,
                "flag_significant": True,
                "suppressed": False,
            },
            {
                "agency_code": "DOC",
                "job_category": "technicians",
                "utilization_ratio": 1.1,
                "flag_significant": False,
                "suppressed": False,
            },
            {
                "agency_code": "DOC",
                "job_category": "technicians",
                "utilization_ratio": None,
                "flag_significant": None,
                "suppressed": True,
            },
            {
                "agency_code": "DOC",
                "job_category": "ALL",
                "utilization_ratio": 0.5,
                "flag_significant": True,
                "suppressed": False,
            },
        ]
    )
    heads = pd.DataFrame([{"agency_code": "DOC", "job_category": "ALL", "headcount": 5556, "suppressed": False}])
    hires = pd.DataFrame([ASIAN, HISPANIC, WHITE])
    contracting = pd.DataFrame(
        [
            {
                "fiscal_year": 2025,
                "agency_code": "DOC",
                "small_share": 0.3,
                "small_goal": 0.25,
                "minority_share": 0.05,
                "minority_goal": 0.0625,
            }
        ]
    )
    plans = pd.DataFrame(
        [
            {"agency_code": "DOC", "plan_year": 2024, "status": "published", "aap_status": "parity"},
            {"agency_code": "DOC", "plan_year": 2026, "status": "drafting", "aap_status": "parity"},
        ]
    )
    training = pd.DataFrame(
        [{"fiscal_year": 2025, "agency_code": "DOC", "completion_rate": 0.789, "suppressed": False}]
    )
    out = agency_overview(
        agencies, with_flags(cells, "significant"), heads, hires, contracting, plans, training, 2025, K_TEXT
    ).set_index("agency_code")
    doc = out.loc["DOC"]
    assert (doc["flagged_cells"], doc["cells_shown"], doc["cells_hidden"]) == (1, 2, 1)
    assert doc["employees_text"] == "5,556"
    assert doc["lowest_hire_text"] == "0.50 ▼ Hispanic or Latino"
    assert (doc["small_text"], doc["minority_text"]) == ("30.0 % ✔", "5.0 % ✖")
    assert (doc["plan_text"], doc["aap_text"]) == ("Published (2024)", "✔ Parity reached")  # 2026 is after 2025
    assert doc["training_text"] == "78.9 %"
    dss = out.loc["DSS"]
    assert (dss["plan_text"], dss["employees_text"], dss["lowest_hire_text"]) == ("No plan on record", "—", "—")
    assert list_summary(out.reset_index(), 2025, None).startswith(
        "In 2025, 1 of the 2 agencies have at least one job category × race/ethnicity group significantly "
        "under-represented against availability (exact binomial test, p < 0.05); the most: Department of "
        "Correction (1 of 2)"
    )


# ---------------------------------------------------------------- queries against the raw inputs
@pytest.fixture
def env(app_env):
    from app import app  # noqa: F401  (registers the pages)
    from data_access.queries import current_settings

    return app_env, current_settings()


def test_peer_and_state_contracting_are_sums_of_the_raw_spend(env, demo_inputs):
    from data_access import workforce_queries as wq

    app_env, settings = env
    raw = pd.read_csv(demo_inputs / "contracts.csv")
    agencies = pd.read_csv(demo_inputs / "agencies.csv")
    peers = agencies[(agencies["peer_group"] == "public safety") & (agencies["agency_code"] != "DOC")]["agency_code"]
    year = raw[raw["fiscal_year"] == 2024]
    peer = year[year["agency_code"].isin(peers)]
    frame = wq.contracting_comparison(settings, app_env["release_id"], "DOC").set_index(["fiscal_year", "scope"])
    assert frame.loc[(2024, "peer"), "small_share"] == pytest.approx(
        peer["small_business_spend"].sum() / peer["eligible_spend"].sum()
    )
    assert frame.loc[(2024, "peer"), "agencies"] == len(peers)
    assert frame.loc[(2024, "state"), "minority_share"] == pytest.approx(
        year["minority_business_spend"].sum() / year["eligible_spend"].sum()
    )
    own = year[year["agency_code"] == "DOC"].iloc[0]
    assert frame.loc[(2024, "agency"), "small_share"] == pytest.approx(
        own["small_business_spend"] / own["eligible_spend"]
    )


def test_training_and_plan_comparisons_match_the_raw_inputs(env, demo_inputs):
    from data_access import workforce_queries as wq
    from data_access.viewer import ANONYMOUS

    app_env, settings = env
    agencies = pd.read_csv(demo_inputs / "agencies.csv")
    peers = agencies[(agencies["peer_group"] == "human services") & (agencies["agency_code"] != "DSS")]["agency_code"]
    raw = pd.read_csv(demo_inputs / "training.csv")
    raw = raw[(raw["fiscal_year"] == 2025) & raw["agency_code"].isin(peers)]
    frame = wq.training_comparison(settings, app_env["release_id"], ANONYMOUS, "DSS").set_index(
        ["fiscal_year", "scope"]
    )
    assert frame.loc[(2025, "peer"), "completion_rate"] == pytest.approx(
        raw["completed"].sum() / raw["employees"].sum()
    )
    plans = pd.read_csv(demo_inputs / "equity_plans.csv")
    plans = plans[plans["plan_year"] == 2025]
    table = wq.plan_comparison(settings, app_env["release_id"], "DSS").set_index(["plan_year", "scope"])
    assert table.loc[(2025, "state"), "published_share"] == pytest.approx(
        (plans["status"] == "published").sum() / plans["agency_code"].nunique()
    )
    peer_plans = plans[plans["agency_code"].isin(peers)]
    assert table.loc[(2025, "peer"), "commitments_met"] == peer_plans["commitments_met"].sum()


# ---------------------------------------------------------------- the pages, without a browser
def _walk(component):
    if isinstance(component, (list, tuple)):
        for child in component:
            yield from _walk(child)
        return
    if component is None or isinstance(component, (str, int, float)):
        return
    yield component
    yield from _walk(getattr(component, "children", None))


def test_agency_list_links_every_agency_to_its_scorecard(env):
    from dashboards import agencies

    app_env, _ = env
    release = app_env["release_id"]
    assert {
        c.id: c.value for c in _walk(agencies.layout(release=release, year="2024")) if type(c).__name__ == "Select"
    } == {"agencies-release": release, "agencies-year": "2024", "agencies-peer": "all"}
    content, search, view = agencies.show(release, "2024", "public safety")
    grid = next(c for c in _walk(content) if getattr(c, "id", None) == "agencies-table")
    links = [row["Agency"] for row in grid.rowData]
    assert f"[Department of Correction](/agencies/DOC?release={release}&year=2024)" in links
    assert grid.columnDefs[0]["cellRenderer"] == "markdown"
    assert not any("Social Services" in link for link in links)  # human services, filtered out
    assert search == f"?release={release}&year=2024&peer=public+safety"
    assert view["path"] == "/agencies" and view["query"]["peer"] == "public safety"


def test_scorecard_shows_every_section_and_links_categories_into_workforce(env):
    from dashboards import agency

    app_env, _ = env
    release = app_env["release_id"]
    content, search, view = agency.show(release, "2025", "sex", "80pct", "DOC")
    text = str(content)
    for title in (
        "Utilization by job category and group, 2025",
        "adverse impact",
        "Small-business share",
        "Equity plan and affirmative-action plan",
        "Equity training completion",
        "own benchmarks",
    ):
        assert title in text
    hrefs = [c.href for c in _walk(content) if type(c).__name__ == "Link"]
    assert (
        f"/workforce?release={release}&year=2025&agency=DOC&category=professionals&dimension=sex&convention=80pct"
        in hrefs
    )
    assert search == f"?release={release}&year=2025&dimension=sex&convention=80pct"
    assert view == {
        "path": "/agencies/DOC",
        "query": {"release": release, "year": "2025", "dimension": "sex", "convention": "80pct"},
    }


@pytest.mark.parametrize("code", ["ZZZ", "<script>alert(1)</script>", "../../etc/passwd", "D" * 5000, "", "ALL"])
def test_unknown_or_hostile_agency_gets_a_no_such_agency_page(env, code):
    from dashboards import agency

    out = agency.layout(code=code, release=env[0]["release_id"])
    text = str(out)
    assert "No such agency" in text
    assert any(getattr(c, "href", None) == "/agencies" for c in _walk(out))


@pytest.mark.parametrize(
    "args",
    [
        ("RELEASE", "2025", "race_ethnicity", "significant", "ZZZ"),
        ("RELEASE", "2025", "race_ethnicity", "significant", {"code": "DOC"}),
        ("RELEASE", "2025", "race_ethnicity", "significant", None),
        ("RELEASE", 2025.5, "race_ethnicity", "significant", "DOC"),
        ("RELEASE", "2025", "nonsense", "significant", "DOC"),
        ("RELEASE", "2025", "race_ethnicity", ["80pct"], "DOC"),
        ("RELEASE", "2025", "race_ethnicity", "significant", "DOC' --"),
        (["RELEASE"], "2025", "race_ethnicity", "significant", "DOC"),
        ("x" * 100_000, "2025", "race_ethnicity", "significant", "DOC"),
    ],
)
def test_hostile_scorecard_callback_inputs(env, args):
    from dashboards import agency
    from dashboards._helpers import NOT_AVAILABLE

    args = tuple(env[0]["release_id"] if a == "RELEASE" else a for a in args)
    content, search, _ = agency.show(*args)
    assert NOT_AVAILABLE in str(content) and search is agency.dash.no_update


@pytest.mark.parametrize(
    "args",
    [
        ("RELEASE", "2025", "no such peer group"),
        ("RELEASE", ["2025"], "all"),
        ("RELEASE", "2025", 7),
        (None, None, None),
        ({"a": 1}, "2025", "all"),
    ],
)
def test_hostile_list_callback_inputs(env, args):
    from dashboards import agencies
    from dashboards._helpers import NOT_AVAILABLE

    args = tuple(env[0]["release_id"] if a == "RELEASE" else a for a in args)
    content, search, _ = agencies.show(*args)
    assert NOT_AVAILABLE in str(content) and search is agencies.dash.no_update
