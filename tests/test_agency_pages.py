"""`/agencies` and `/agencies/<code>`: the agency list's overview, comparisons against the raw inputs, the pages'
layouts and callbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards._shared.workforce import with_flags
from dashboards.agencies.listing import agency_overview, list_summary
from tests.agency_rows import ASIAN, HISPANIC, K_TEXT, WHITE
from tests.layouts import panel_table, walk


# ---------------------------------------------------------------- the agency list, pure
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
            {"agency_code": "DOC", "plan_year": 2024, "status": "published", "aap_decision": "approved",
             "aap_basis": "parity"},
            {"agency_code": "DOC", "plan_year": 2026, "status": "drafting", "aap_decision": "pending",
             "aap_basis": None},
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
    assert doc["hire_text"] == "▼ Hispanic or Latino (0.50)"  # Asian, below four-fifths only, is not named
    assert (doc["small_text"], doc["minority_text"]) == ("30.0 % ✔", "5.0 % ✖")
    # 2026 is after 2025
    assert (doc["plan_text"], doc["aap_text"]) == ("Published (2024)", "✔ Approved (parity reached)")
    assert doc["training_text"] == "78.9 %"
    dss = out.loc["DSS"]
    assert (dss["plan_text"], dss["employees_text"], dss["hire_text"]) == ("No plan on record", "—", "—")
    summary = list_summary(out.reset_index(), 2025, None)
    assert summary.startswith(
        "In 2025, 1 of the 2 agencies have at least one job category × race/ethnicity group significantly "
        "under-represented against availability (exact binomial test, p < 0.05); the most: Department of "
        "Correction (1 of 2)"
    )
    assert summary.endswith(
        ". 1 has adverse impact in hiring for at least one race/ethnicity group (below four-fifths, statistically "
        "significant, and not resting on a single person). On the impact ratio alone (below four-fifths, not "
        "tested), 1 agency has such a group."
    )


def test_an_agency_below_four_fifths_only_is_not_listed_with_adverse_impact():
    agencies = pd.DataFrame({"agency_code": ["DOC"], "agency_name": ["Department of Correction"],
                             "peer_group": ["public safety"]})
    empty = pd.DataFrame(columns=["agency_code", "job_category", "utilization_ratio", "flag_significant",
                                  "suppressed"])
    heads = pd.DataFrame(columns=["agency_code", "job_category", "headcount", "suppressed"])
    out = agency_overview(agencies, with_flags(empty, "significant"), heads, pd.DataFrame([ASIAN, WHITE]),
                          pd.DataFrame(columns=["fiscal_year", "agency_code"]),
                          pd.DataFrame(columns=["agency_code", "plan_year", "status", "aap_status"]),
                          pd.DataFrame(columns=["fiscal_year", "agency_code"]), 2025, K_TEXT)
    assert out["hire_text"].iat[0] == "✓ None"
    summary = list_summary(out, 2025, None)
    assert "0 have adverse impact in hiring" in summary and "1 agency has such a group" in summary


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

def test_agency_list_links_every_agency_to_its_scorecard(env):
    from dashboards.agencies import page as agencies

    app_env, _ = env
    release = app_env["release_id"]
    assert {
        c.id: c.value for c in walk(agencies.layout(release=release, year="2024")) if type(c).__name__ == "Select"
    } == {"agencies-release": release, "agencies-year": "2024", "agencies-peer": "all"}
    content, search, view = agencies.show(release, "2024", "public safety")
    grid = next(c for c in walk(content) if getattr(c, "id", None) == "agencies-table")
    links = [row["Agency"] for row in grid.rowData]
    assert f"[Department of Correction](/agencies/DOC?release={release}&year=2024)" in links
    assert grid.columnDefs[0]["cellRenderer"] == "markdown"
    assert not any("Social Services" in link for link in links)  # human services, filtered out
    assert search == f"?release={release}&year=2024&peer=public+safety"
    assert view["path"] == "/agencies" and view["query"]["peer"] == "public safety"


def test_scorecard_shows_every_section_and_links_categories_into_workforce(env):
    from dashboards.agencies import scorecard as agency

    app_env, _ = env
    release = app_env["release_id"]
    content, search, view = agency.show(release, "2025", "sex", "80pct", "ALL", "DOC")
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
    hrefs = [c.href for c in walk(content) if type(c).__name__ == "Link"]
    assert (
        f"/workforce?release={release}&year=2025&agency=DOC&category=professionals&dimension=sex&convention=80pct"
        in hrefs
    )
    assert search == f"?release={release}&year=2025&dimension=sex&convention=80pct"
    assert view == {
        "path": "/agencies/DOC",
        "query": {"release": release, "year": "2025", "dimension": "sex", "convention": "80pct"},
    }


def test_opening_a_job_category_shows_its_own_rows_and_goes_into_the_url(env):
    from dashboards.agencies import scorecard as agency
    from data_access.queries import read_table

    app_env, settings = env
    release = app_env["release_id"]
    pooled, *_ = agency.show(release, "2025", "race_ethnicity", "significant", "ALL", "DOC")
    assert "Hiring, promotion and separation: adverse impact, 2025" in str(pooled)
    assert "Cochran–Mantel–Haenszel, across job categories" in str(pooled)
    content, search, view = agency.show(release, "2025", "race_ethnicity", "significant", "professionals", "DOC")
    assert search == f"?release={release}&year=2025&category=professionals"
    assert view["query"]["category"] == "professionals"
    title = next(c for c in walk(content) if getattr(c, "id", None) == "agency-selection-title")
    assert title.children == "Hiring, promotion and separation in Professionals: adverse impact, 2025"
    # The rows shown are the professionals rows of the release table (public view), tested by Fisher exact.
    raw = read_table(settings, "selection_rates", release, agency_code="DOC", job_category="professionals",
                     fiscal_year=2025, group_dimension="race_ethnicity")
    rows = panel_table(content, "agency-selection")["rowData"]
    assert len(rows) == len(raw)
    assert {r["test"] for r in rows} == {"Fisher exact"}
    hires = raw[(raw["action"] == "hire") & ~raw["suppressed"].astype(bool)]
    shown = {r["group"]: r["pool"] for r in rows if r["action"] == "Hires"}
    from components.formatting import count, group_label

    for r in hires.itertuples():
        assert shown[group_label(r.group_code)] in (count(r.pool), "suppressed (fewer than 5)")
    # The layout keeps the choice from the address.
    layout = agency.layout(code="DOC", release=release, year="2025", category="professionals")
    assert {c.id: c.value for c in walk(layout) if type(c).__name__ == "Select"}["agency-category"] == "professionals"


@pytest.mark.parametrize("code", ["ZZZ", "<script>alert(1)</script>", "../../etc/passwd", "D" * 5000, "", "ALL"])
def test_unknown_or_hostile_agency_gets_a_no_such_agency_page(env, code):
    from dashboards.agencies import scorecard as agency

    out = agency.layout(code=code, release=env[0]["release_id"])
    text = str(out)
    assert "No such agency" in text
    assert any(getattr(c, "href", None) == "/agencies" for c in walk(out))


@pytest.mark.parametrize(
    "args",
    [
        ("RELEASE", "2025", "race_ethnicity", "significant", "ALL", "ZZZ"),
        ("RELEASE", "2025", "race_ethnicity", "significant", "ALL", {"code": "DOC"}),
        ("RELEASE", "2025", "race_ethnicity", "significant", "ALL", None),
        ("RELEASE", 2025.5, "race_ethnicity", "significant", "ALL", "DOC"),
        ("RELEASE", "2025", "nonsense", "significant", "ALL", "DOC"),
        ("RELEASE", "2025", "race_ethnicity", ["80pct"], "ALL", "DOC"),
        ("RELEASE", "2025", "race_ethnicity", "significant", "ALL", "DOC' --"),
        (["RELEASE"], "2025", "race_ethnicity", "significant", "ALL", "DOC"),
        ("x" * 100_000, "2025", "race_ethnicity", "significant", "ALL", "DOC"),
        ("RELEASE", "2025", "race_ethnicity", "significant", "astronauts", "DOC"),
        ("RELEASE", "2025", "race_ethnicity", "significant", ["professionals"], "DOC"),
        ("RELEASE", "2025", "race_ethnicity", "significant", "'; DROP TABLE selection_rates; --", "DOC"),
    ],
)
def test_hostile_scorecard_callback_inputs(env, args):
    from dashboards._shared import NOT_AVAILABLE
    from dashboards.agencies import scorecard as agency

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
    from dashboards._shared import NOT_AVAILABLE
    from dashboards.agencies import page as agencies

    args = tuple(env[0]["release_id"] if a == "RELEASE" else a for a in args)
    content, search, _ = agencies.show(*args)
    assert NOT_AVAILABLE in str(content) and search is agencies.dash.no_update
