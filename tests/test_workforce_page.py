"""`/workforce`: flags under each convention, sentences, drill-down rows, links, and the page without a browser."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from dashboards._shared.workforce import (
    gap_sentence,
    heatmap_frame,
    next_level_rows,
    people,
    utilization_summary,
    with_flags,
    workforce_href,
)
from dashboards.workforce.transforms import bars_frame, trend_frame
from tests.layouts import walk

K_TEXT = "suppressed (fewer than 5)"


def cell(
    group, headcount, total, availability, *, suppressed=False, job="professionals", year=2025, agency="DSS", p=None
):
    """A utilization row computed by hand from its counts (DESIGN §4.1), masked like an anonymous viewer's."""
    share = headcount / total
    expected = total * availability
    z = (headcount - expected) / (expected * (1 - availability)) ** 0.5
    p = binom.cdf(headcount, total, availability) if p is None else p
    row = {
        "fiscal_year": year,
        "agency_code": agency,
        "job_category": job,
        "group_dimension": "race_ethnicity",
        "group_code": group,
        "headcount": headcount,
        "total": total,
        "share": share,
        "availability": availability,
        "utilization_ratio": share / availability,
        "expected": expected,
        "shortfall": expected - headcount,
        "z_score": z,
        "p_value": p,
        "flag_80pct": share / availability < 0.8,
        "flag_2sd": z <= -2,
        "flag_significant": p < 0.05,
        "suppressed": suppressed,
    }
    if suppressed:
        for column in (
            "headcount",
            "share",
            "utilization_ratio",
            "expected",
            "shortfall",
            "z_score",
            "p_value",
            "flag_80pct",
            "flag_2sd",
            "flag_significant",
        ):
            row[column] = None
    return row


def frame_of(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


# Hispanic: 40 of 500 against 12 % → ratio 0.667 (< 0.8); expected 60, 20 fewer; z = −20/√(60·0.88) = −2.75.
# Asian: 23 of 500 against 5 % → ratio 0.92; expected 25, 2 fewer; z = −2/√(25·0.95) = −0.41, p ≈ 0.39.
# Black: 70 of 500 against 15 % → ratio 0.933; expected 75; z = −5/√(75·0.85) = −0.63.
# White: 360 of 500 against 66 % → ratio 1.09.
# Two or more: 8 of 500 against 3 % → ratio 0.533 (< 0.8); expected 15, 7 fewer; z = −7/√(15·0.97) = −1.84 (> −2).
# NHPI: 3 employees → suppressed for the public.
ROWS = [
    cell("hispanic", 40, 500, 0.12),
    cell("white", 360, 500, 0.66),
    cell("black", 70, 500, 0.15),
    cell("asian", 23, 500, 0.05),
    cell("nhpi", 3, 500, 0.01, suppressed=True),
    cell("two_or_more", 8, 500, 0.03),
]


@pytest.mark.parametrize(
    "convention,flagged",
    [
        ("80pct", {"hispanic", "two_or_more"}),  # ratios 0.667 and 0.533
        ("2sd", {"hispanic"}),  # only z = −2.75 is ≤ −2
        ("significant", {"hispanic", "two_or_more"}),  # exact binomial P(X ≤ 40) and P(X ≤ 8) are below 0.05
    ],
)
def test_each_convention_flags_its_own_cells_and_never_a_suppressed_one(convention, flagged):
    if convention == "significant":  # the reference values, by SciPy's binomial distribution
        assert binom.cdf(40, 500, 0.12) < 0.05 and binom.cdf(8, 500, 0.03) < 0.05
        assert binom.cdf(23, 500, 0.05) > 0.05
    out = with_flags(frame_of(*ROWS), convention)
    assert set(out.loc[out["flagged"], "group_code"]) == flagged
    assert not out.loc[out["group_code"] == "nhpi", "flagged"].item()
    assert out.loc[out["group_code"] == "nhpi", "hidden"].item()


def test_the_design_sentence_names_share_availability_gap_and_significance():
    row = with_flags(frame_of(ROWS[0]), "significant").iloc[0]
    sentence = gap_sentence(row, "professionals", "at the Department of Social Services")
    # 40/500 = 8.0 %; availability 12.0 %; 500·0.12 − 40 = 20 fewer; SciPy: P(X ≤ 40 | 500, 0.12) = 0.00246
    assert 0.00245 < binom.cdf(40, 500, 0.12) < 0.00250
    assert sentence == (
        "Hispanic or Latino employees are 8.0 % of Professionals at the Department of Social Services, "
        "against 12.0 % availability — 20 fewer than expected; the gap is statistically significant "
        "(p = 0.0025)."
    )


def test_a_gap_that_chance_can_explain_is_said_so():
    row = with_flags(frame_of(ROWS[3]), "significant").iloc[0]
    sentence = gap_sentence(row, "ALL", "in the state workforce")
    assert sentence.startswith("Asian employees are 4.6 % of all employees in the state workforce, against 5.0 %")
    assert "2 fewer than expected; the gap is within what chance alone could produce (p = 0.39)" in sentence


def test_summary_counts_flags_names_the_largest_gap_and_the_suppressed_cell():
    flagged = with_flags(frame_of(*ROWS), "80pct")
    text = utilization_summary(flagged, "80pct", "professionals", "at the Department of Social Services", K_TEXT)
    assert text.startswith(
        "Under the four-fifths rule (utilization ratio below 0.8), 2 of 5 groups shown are "
        "under-represented: Hispanic or Latino, Two or more races."
    )
    assert "The largest gap: Hispanic or Latino employees are 8.0 %" in text  # 20 fewer beats 7 fewer
    assert text.endswith("1 cell is suppressed (fewer than 5) to protect privacy.")


def test_without_flags_the_summary_names_the_largest_unflagged_gap_or_says_there_is_none():
    rows = [cell("asian", 23, 500, 0.05), cell("white", 477, 500, 0.95)]  # Asian: 25 expected, 2 fewer, p ≈ 0.39
    text = utilization_summary(with_flags(frame_of(*rows), "2sd"), "2sd", "professionals", "statewide", K_TEXT)
    assert "0 of 2 groups shown are under-represented. The largest gap, not flagged: Asian employees are 4.6 %" in text
    even = [cell("asian", 25, 500, 0.05), cell("white", 475, 500, 0.95)]
    text = utilization_summary(with_flags(frame_of(*even), "2sd"), "2sd", "professionals", "statewide", K_TEXT)
    assert text.endswith("No group has at least one employee fewer than availability predicts.")


@pytest.mark.parametrize(
    "code,words",
    [
        ("hispanic", "Hispanic or Latino employees"),
        ("female", "Women"),
        ("asian_male", "Asian men"),
        ("x", "Non-binary or unspecified employees"),
    ],
)
def test_groups_are_named_as_people(code, words):
    assert people(code) == words


def test_suppressed_cells_are_said_never_blank_or_zero():
    flagged = with_flags(frame_of(*ROWS), "significant")
    heat = heatmap_frame(flagged).set_index("column_label")
    assert heat.loc["Native Hawaiian or Other Pacific Islander", "cell_text"] == "suppr."
    assert pd.isna(heat.loc["Native Hawaiian or Other Pacific Islander", "utilization_ratio"])
    assert heat.loc["Hispanic or Latino", "cell_text"] == "0.67 ▼"  # 0.08 / 0.12
    bars = bars_frame(flagged, K_TEXT).set_index("label")
    assert bars.loc["Native Hawaiian or Other Pacific Islander", "bar_text"] == K_TEXT
    assert bars.loc["Hispanic or Latino", "bar_text"] == "8.0 % ▼ under-represented"
    trend = trend_frame(flagged)
    assert trend.loc[trend["series"] == "Native Hawaiian or Other Pacific Islander", "y"].isna().all()


def test_figures_are_valid_and_show_what_the_frames_hold():
    import plotly.graph_objects as go

    from components.charts import representation_bars, trend_lines, utilization_heatmap

    flagged = with_flags(frame_of(*ROWS), "significant")
    heat = go.Figure(utilization_heatmap(heatmap_frame(flagged)).to_dict())  # rebuilt with validation on
    assert heat.data[0].zmid == 1.0 and heat.data[0].z[0][0] == pytest.approx(0.08 / 0.12)
    assert heat.data[0].z[0][4] is None and heat.data[0].text[0][4] == "suppr."
    bars = go.Figure(representation_bars(bars_frame(flagged, K_TEXT)).to_dict())
    assert list(bars.data[0].x)[:2] == [pytest.approx(0.08), pytest.approx(0.72)]
    assert list(bars.data[1].x)[:2] == [0.12, 0.66]  # availability markers
    assert list(bars.data[0].marker.color)[:3] == ["#E69F00", "#999999", "#0072B2"]  # Okabe–Ito group colours
    lines = go.Figure(
        trend_lines(trend_frame(flagged), {"reference_lines": [(1.0, "parity")], "highlight_x": 2025}).to_dict()
    )
    parity = [s for s in lines.layout.shapes if s.y0 == 1.0]
    assert parity and parity[0].line.width > 0 and parity[0].opacity == 1


def test_a_ratio_from_less_than_one_expected_employee_is_not_coloured():
    rows = frame_of(cell("aian", 0, 50, 0.01), cell("hispanic", 5, 50, 0.12))  # expected 0.5 and 6
    heat = heatmap_frame(with_flags(rows, "80pct")).set_index("column_label")
    assert pd.isna(heat.loc["American Indian or Alaska Native", "utilization_ratio"])
    assert heat.loc["American Indian or Alaska Native", "cell_text"] == "0.00 ▼"
    assert heat.loc["Hispanic or Latino", "utilization_ratio"] == pytest.approx(0.1 / 0.12)


def test_next_level_rows_count_flags_per_agency_and_name_the_largest_shortfall():
    rows = [*ROWS, cell("hispanic", 30, 100, 0.2, agency="DOC"), cell("white", 70, 100, 0.7, agency="DOC")]
    level = next_level_rows(
        with_flags(frame_of(*rows), "80pct"),
        "agency_code",
        {"DSS": "Department of Social Services", "DOC": "Department of Correction"},
        K_TEXT,
    )
    assert [r.name for r in level] == ["Department of Correction", "Department of Social Services"]
    doc, dss = level
    assert (doc.flagged, doc.shown, doc.hidden, doc.largest) == (0, 2, 0, "—")  # 30 of 100 vs 20 %: none fewer
    assert (dss.flagged, dss.shown, dss.hidden) == (2, 5, 1)
    assert dss.largest == "Hispanic or Latino: 20 fewer ▼ under-represented"
    assert dss.employees == "500"


def test_links_carry_every_non_default_filter_in_one_canonical_order():
    href = workforce_href("R1", 2025, "DSS", "professionals", "sex", "2sd")
    assert href == "/workforce?release=R1&year=2025&agency=DSS&category=professionals&dimension=sex&convention=2sd"
    assert workforce_href("R1", 2024) == "/workforce?release=R1&year=2024"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 300), st.integers(1, 99), st.booleans()), min_size=1, max_size=8),
    st.sampled_from(["80pct", "2sd", "significant"]),
)
def test_property_summary_count_equals_visible_flags(cells, convention):
    groups = ["hispanic", "white", "black", "asian", "nhpi", "aian", "two_or_more", "hispanic"]
    rows = [
        cell(groups[i], n, 300, a / 100, suppressed=hidden, job=f"job{i}") for i, (n, a, hidden) in enumerate(cells)
    ]
    flagged = with_flags(frame_of(*rows), convention)
    column = {"80pct": "flag_80pct", "2sd": "flag_2sd", "significant": "flag_significant"}[convention]
    expected = sum(1 for r in rows if not r["suppressed"] and r[column])
    assert int(flagged["flagged"].sum()) == expected
    text = utilization_summary(flagged, convention, "ALL", "in the state workforce", K_TEXT)
    visible = sum(1 for r in rows if not r["suppressed"])
    if visible:
        assert f", {expected} of {visible} " in text


# ---------------------------------------------------------------- the page, without a browser
@pytest.fixture
def page(app_env):
    from app import app  # noqa: F401  (registers the pages)
    from dashboards.workforce import page as workforce

    return workforce


def _raw_gap(demo_inputs, agency: str, job: str, year: int) -> pd.DataFrame:
    """Share, availability and shortfall per race/ethnicity straight from the input CSVs (not the pipeline)."""
    work = pd.read_csv(demo_inputs / "workforce.csv", keep_default_na=False)
    avail = pd.read_csv(demo_inputs / "availability.csv", keep_default_na=False)
    work = work[(work["fiscal_year"] == year) & (work["agency_code"] == agency) & (work["job_category"] == job)]
    pool = avail[(avail["fiscal_year"] == year) & (avail["job_category"] == job)]
    pool = (
        pool[pool["agency_code"] == agency]
        if (pool["agency_code"] == agency).any()
        else pool[pool["agency_code"] == ""]
    )
    heads = work.groupby("race_ethnicity")["headcount"].sum()
    out = pd.DataFrame({"headcount": heads, "availability": pool.groupby("race_ethnicity")["availability"].sum()})
    total = heads.sum()
    out["share"], out["expected"] = out["headcount"] / total, total * out["availability"]
    out["shortfall"] = out["expected"] - out["headcount"]
    out["p"] = [binom.cdf(n, total, a) for n, a in zip(out["headcount"], out["availability"])]
    return out


def test_page_sentence_matches_the_raw_inputs(page, app_env, demo_inputs):
    release = app_env["release_id"]
    content, crumbs, search, view = page.show(release, "2025", "DSS", "professionals", "race_ethnicity", "significant")
    raw = _raw_gap(demo_inputs, "DSS", "professionals", 2025)
    worst = raw[(raw["p"] < 0.05) & (raw["headcount"] >= 5)].sort_values("shortfall").iloc[-1]
    text = str(content)
    assert (
        f"{worst['share'] * 100:.1f} % of Professionals at the Department of Social Services, against "
        f"{worst['availability'] * 100:.1f} % availability — {round(worst['shortfall']):,} fewer than expected" in text
    )
    assert dict(parse_qsl(search.lstrip("?"))) == {
        "release": release,
        "year": "2025",
        "agency": "DSS",
        "category": "professionals",
    }
    assert view == {"path": "/workforce", "query": dict(parse_qsl(search.lstrip("?")))}
    assert "Statewide" in str(crumbs) and "Department of Social Services" in str(crumbs)


def test_statewide_rows_link_one_level_down(page, app_env):
    release = app_env["release_id"]
    content, *_ = page.show(release, "2025", "ALL", "ALL", "race_ethnicity", "significant")
    grid = next(c for c in walk(content) if getattr(c, "id", None) == "workforce-level-table")
    links = [row["Agency"] for row in grid.rowData]
    assert f"[Department of Correction](/workforce?release={release}&year=2025&agency=DOC)" in links
    assert (
        f"In 2025, {sum(1 for r in grid.rowData if not r['Groups under-represented'].startswith('0 '))} of "
        f"{len(links)} agencies have at least one group under-represented under the exact binomial test" in str(content)
    )
    content, *_ = page.show(release, "2025", "DOC", "ALL", "sex", "significant")
    grid = next(c for c in walk(content) if getattr(c, "id", None) == "workforce-level-table")
    assert (
        f"[Professionals](/workforce?release={release}&year=2025&agency=DOC&category=professionals&dimension=sex)"
        in [row["Job category"] for row in grid.rowData]
    )


def test_layout_restores_the_filters_from_the_query(page, app_env):
    out = page.layout(
        release=app_env["release_id"],
        year="2023",
        agency="DOC",
        category="technicians",
        dimension="sex",
        convention="2sd",
    )
    values = {c.id: c.value for c in walk(out) if type(c).__name__ == "Select"}
    assert values == {
        "workforce-release": app_env["release_id"],
        "workforce-year": "2023",
        "workforce-agency": "DOC",
        "workforce-category": "technicians",
        "workforce-dimension": "sex",
        "workforce-convention": "2sd",
    }


@pytest.mark.parametrize(
    "args",
    [
        (None, "2025", "ALL", "ALL", "race_ethnicity", "significant"),
        ("RELEASE", "2025", "ZZZ", "ALL", "race_ethnicity", "significant"),
        ("RELEASE", ["2025"], "ALL", "ALL", "race_ethnicity", "significant"),
        ("RELEASE", "2025", {"x": 1}, "ALL", "race_ethnicity", "significant"),
        ("RELEASE", "2025", "ALL", "cooks", "race_ethnicity", "significant"),
        ("RELEASE", "2025", "ALL", "ALL", "all", "significant"),
        ("RELEASE", "2025", "ALL", "ALL", "race_ethnicity", "90pct"),
        ("RELEASE", "1900", "ALL", "ALL", "race_ethnicity", "significant"),
        ("RELEASE", "2025", "DOC' OR '1'='1", "ALL", "race_ethnicity", "significant"),
        ("RELEASE", "2025", "A" * 100_000, 12, None, 3.5),
        ("nope", "2025", "ALL", "ALL", "race_ethnicity", "significant"),
    ],
)
def test_hostile_callback_inputs_get_a_not_available_notice(page, app_env, args):
    from dashboards._shared import NOT_AVAILABLE

    args = tuple(app_env["release_id"] if a == "RELEASE" else a for a in args)
    content, _, search, view = page.show(*args)
    assert NOT_AVAILABLE in str(content)
    assert search is page.dash.no_update and view is page.dash.no_update


def test_layout_with_hostile_query_falls_back_to_defaults(page, app_env):
    out = page.layout(
        release="<script>",
        year="abc",
        agency="../../etc",
        category="x" * 5000,
        dimension=["sex"],
        convention="significant",
    )
    values = {c.id: c.value for c in walk(out) if type(c).__name__ == "Select"}
    assert values["workforce-agency"] == "ALL" and values["workforce-category"] == "ALL"
    assert values["workforce-dimension"] == "race_ethnicity" and values["workforce-release"] == app_env["release_id"]


def test_an_unreachable_database_gives_a_plain_notice_on_every_page(app_env, monkeypatch):
    from app import app  # noqa: F401  (registers the pages)
    from dashboards._shared import DB_DOWN
    from dashboards.agencies import page as agencies
    from dashboards.agencies import scorecard as agency
    from dashboards.workforce import page as workforce
    from data_access import queries

    def down(*_args, **_kwargs):
        raise queries.DataUnavailable("OperationalError")

    monkeypatch.setattr(queries, "resolve_release", down)
    monkeypatch.setattr(queries, "visible_releases", down)
    release = app_env["release_id"]
    outputs = [
        workforce.show(release, "2025", "ALL", "ALL", "race_ethnicity", "significant")[0],
        agency.show(release, "2025", "race_ethnicity", "significant", "ALL", "DOC")[0],
        agencies.show(release, "2025", "all")[0],
        workforce.layout(release=release),
        agency.layout(code="DOC", release=release),
        agencies.layout(release=release),
    ]
    for out in outputs:
        assert DB_DOWN in str(out)


@pytest.mark.parametrize(
    "name,href,link",
    [
        (
            "Department of Correction",
            "/agencies/DOC?release=R&year=2025",
            "[Department of Correction](/agencies/DOC?release=R&year=2025)",
        ),
        ("Evil](javascript:alert(1))", "/x", "[Evil\\]\\(javascript:alert\\(1\\)\\)](/x)"),  # text cannot end the link
        ("Peer", "/agencies?peer=public safety)", "[Peer](/agencies?peer=public%20safety%29)"),
    ],
)
def test_grid_links_cannot_be_broken_by_their_text(name, href, link):
    from dashboards._shared.workforce import markdown_link

    assert markdown_link(name, href) == link
