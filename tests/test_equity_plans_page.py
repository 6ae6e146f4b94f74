"""`/equity-plans`: the plan directory, its summary sentence, filters, the search box and plan links."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboards.plans import transforms as pl

# ---------------------------------------------------------------- /equity-plans: pure transforms
PLAN_AGENCIES = pd.DataFrame({"agency_code": ["DOH", "DPH", "DSS", "OHS"],
                              "agency_name": ["Department of Housing", "Department of Public Health",
                                              "Department of Social Services", "Office of Health Strategy"],
                              "peer_group": ["human services", "health", "human services", "health"]})


def plans() -> pd.DataFrame:
    rows = [("DOH", 2025, "published", "2025-03-01", "2025-04-01", "https://portal.ct.gov/doh/plan", 10, 5,
             "approved", "goals_met"),
            ("DPH", 2025, "drafting", None, None, None, 4, 0, "pending", None),
            ("DSS", 2025, "approved", "2025-02-01", "2025-05-01", None, 6, 2, "conditionally_approved",
             "good_faith"),
            ("OHS", 2024, "published", "2024-03-01", "2024-04-01", "https://portal.ct.gov/ohs/plan", 3, 3,
             "approved", "parity")]
    return pd.DataFrame(rows, columns=["agency_code", "plan_year", *pl.COLUMNS[3:]])


def test_directory_lists_every_agency_and_says_when_no_plan_was_reported():
    frame = pl.directory(plans(), PLAN_AGENCIES, 2025)
    assert frame["agency_code"].tolist() == ["DOH", "DPH", "DSS", "OHS"]
    # OHS only has a 2024 plan
    assert frame["status"].tolist() == ["published", "drafting", "approved", "none"]
    table = pl.directory_table(frame)
    assert table["status"].tolist() == ["Published", "Drafting", "Approved", "No plan reported"]
    assert table["plan_url"].tolist() == ["https://portal.ct.gov/doh/plan", "", "", ""]
    assert table["commitments_met"].tolist() == ["5 of 10", "0 of 4", "2 of 6", "—"]
    assert table["aap_decision"].tolist() == ["✔ Approved (goals met)", "… Decision pending",
                                              "◐ Conditionally approved (good-faith efforts)", "—"]


def test_plans_summary_sentence():
    everyone = pl.directory(plans(), PLAN_AGENCIES, 2025)
    shown = pl.filter_directory(everyone, pl.ALL, "health", "")
    # commitments: 5 + 0 + 2 = 7 of 10 + 4 + 6 = 20 → 35.0 %
    assert pl.summary_sentence(everyone, shown, 2025, pl.filter_words(pl.ALL, "health", "")) == (
        "1 of 4 agencies have published their 2025 equity plan; 1 approved but not yet published and 1 being "
        "drafted; 1 reported no plan. Across all plans, 7 of 20 commitments are met (35.0 %). Showing 2 of 4 "
        "agencies (peer group health).")


@pytest.mark.parametrize("status,peer,search,codes", [
    (pl.ALL, pl.ALL, "", ["DOH", "DPH", "DSS", "OHS"]),
    (pl.ALL, pl.ALL, "HEALTH", ["DPH", "OHS"]),  # name or peer group, any case
    (pl.ALL, pl.ALL, "dss", ["DSS"]),  # agency code
    ("published", pl.ALL, "", ["DOH"]),
    (pl.ALL, "human services", "housing", ["DOH"]),
    (pl.ALL, pl.ALL, "nothing like this", []),
])
def test_filter_directory(status, peer, search, codes):
    frame = pl.filter_directory(pl.directory(plans(), PLAN_AGENCIES, 2025), status, peer, search)
    assert frame["agency_code"].tolist() == codes


@pytest.mark.parametrize("raw,clean", [
    ("  Public   Health ", "Public Health"),
    ("<script>alert(1)</script>", "script alert(1) script"),
    ("a" * 500, "a" * 60),
    (None, ""), (42, ""), (["x"], ""),
    ("Children & Families", "Children & Families"),
])
def test_clean_search(raw, clean):
    assert pl.clean_search(raw) == clean


@given(st.text(max_size=400))
def test_clean_search_output_is_allow_listed_short_and_stable(text):
    out = pl.clean_search(text)
    assert len(out) <= pl.SEARCH_MAX
    assert all(c.isascii() and (c.isalnum() or c in " '&.,()-") for c in out)
    assert pl.clean_search(out) == out


@pytest.mark.parametrize("url,ok", [
    ("https://portal.ct.gov/x", True), ("http://example.org/a?b=c", True), ("javascript:alert(1)", False),
    ("https://a b", False), ('https://x"onmouseover=1', False), (None, False), ("", False),
    ("ftp://x", False),
])
def test_safe_url_allows_only_http(url, ok):
    assert (pl.safe_url(url) is not None) is ok


def test_status_counts_in_process_order():
    counts = pl.status_counts(pl.directory(plans(), PLAN_AGENCIES, 2025))
    assert counts["status"].tolist() == ["Not started", "Drafting", "Submitted", "Approved", "Published",
                                         "No plan reported"]
    assert counts["agencies"].tolist() == [0, 1, 0, 1, 1, 1]


def test_a_long_directory_draws_one_page_of_rows_and_says_where_the_rest_are():
    """390 agencies (the scaled data set) draw DIRECTORY_ROWS table rows, not thousands of components; the
    note names how many there are, and "Show data" keeps every agency."""
    from dashboards.plans.parts import DIRECTORY_ROWS, directory_html, directory_parts

    many = pd.concat([PLAN_AGENCIES.assign(agency_code=PLAN_AGENCIES["agency_code"] + str(i)) for i in range(100)],
                     ignore_index=True)
    shown = pl.directory(plans().assign(agency_code=lambda f: f["agency_code"] + "0"), many, 2025)
    drawn = directory_html(shown, 2025).to_plotly_json()["props"]["children"]
    rows = drawn[0].children[2].children
    assert len(shown) == 400 and len(rows) == DIRECTORY_ROWS == 50
    assert "The first 50 of 400 agencies" in drawn[1].children
    assert len(directory_parts(shown, 2025).table) == 400
    few = directory_html(shown.head(4), 2025).to_plotly_json()["props"]["children"]
    assert len(few) == 1 and len(few[0].children[2].children) == 4
