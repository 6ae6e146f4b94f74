"""Disparities, contracting, equity-plan and methodology pages: pure transforms, layouts, hostile inputs."""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboards import _contracting as ct
from dashboards import _disparities as dt
from dashboards import _plans as pl

NAN = float("nan")


def page(name: str):
    """A page module (pages register themselves, so the app is created first)."""
    import importlib

    import app  # noqa: F401

    return importlib.import_module(f"dashboards.{name}")


# ---------------------------------------------------------------- /disparities: pure transforms
def access_rows(hispanic_ci=(79.0, 83.1)) -> pd.DataFrame:
    base = {"year": 2025, "geography_level": "region", "geography_id": "09110", "measure_id": "broadband",
            "reference_group": "white"}
    rows = [  # ratio = value / white value: 81.2 / 90.4 = 0.8982…; difference = 81.2 − 90.4 = −9.2
        {"group_code": "total", "weighted_value": 88.0, "ci_low": 87.0, "ci_high": 89.0, "ratio": 0.9735,
         "difference": -2.4},
        {"group_code": "white", "weighted_value": 90.4, "ci_low": 89.0, "ci_high": 91.7, "ratio": 1.0,
         "difference": 0.0},
        {"group_code": "hispanic", "weighted_value": 81.2, "ci_low": hispanic_ci[0],
         "ci_high": hispanic_ci[1], "ratio": 81.2 / 90.4, "difference": -9.2},
        {"group_code": "lep", "weighted_value": 80.0, "ci_low": 78.0, "ci_high": 82.0, "ratio": 80 / 90.4,
         "difference": -10.4},
    ]
    other_place = {**base, "geography_id": "09120", "group_code": "hispanic", "weighted_value": 50.0,
                   "ci_low": 49.0, "ci_high": 51.0, "ratio": 0.5, "difference": -40.0}
    return pd.DataFrame([{**base, **r} for r in rows] + [other_place])


def test_group_rows_keep_one_place_in_chart_order():
    rows = dt.group_rows(access_rows(), 2025, "region", "09110")
    assert rows["group_code"].tolist() == ["hispanic", "white", "lep", "total"]  # race groups, LEP, everyone


def test_group_sentence_reads_like_the_design_example():
    rows = dt.group_rows(access_rows(), 2025, "region", "09110")
    text = dt.group_sentence(rows, "hispanic", "white", "the Capitol Planning Region",
                             "Households with broadband", "percent", "higher_is_better")
    assert text == ("Hispanic or Latino residents of the Capitol Planning Region live where “Households "
                    "with broadband” is 81.2 % (79.0–83.1 %) on average, against 90.4 % for White residents "
                    "— a ratio of 0.90. Higher is better for this measure; the two 90 % intervals do not "
                    "overlap, so the gap is larger than sampling noise.")


@pytest.mark.parametrize("ci,words", [
    ((79.0, 83.1), "do not overlap"),      # 83.1 < 89.0 (white's low end)
    ((79.0, 89.5), "overlap, so the gap may be sampling noise"),   # 89.5 ≥ 89.0
    ((81.2, 81.2), "one of the two figures"),  # only one side without width is not "no margin of error"
])
def test_group_sentence_says_whether_the_intervals_overlap(ci, words):
    rows = dt.group_rows(access_rows(ci), 2025, "region", "09110")
    if ci[0] == ci[1]:
        rows.loc[rows["group_code"] == "hispanic", ["ci_low", "ci_high"]] = [None, None]
    text = dt.group_sentence(rows, "hispanic", "white", "X", "M", "percent", "lower_is_better")
    assert words in text and "Lower is better" in text


def test_group_sentence_for_the_reference_and_a_missing_group():
    rows = dt.group_rows(access_rows(), 2025, "region", "09110")
    assert dt.group_sentence(rows, "white", "white", "X", "M", "percent", "higher_is_better").endswith(
        "they are the reference group for the ratios.")
    assert dt.group_sentence(rows, "asian", "white", "X", "M", "percent", "higher_is_better").startswith(
        "There is no group-weighted figure for Asian residents of X")


def test_group_table_holds_the_rounded_figures_and_marks_the_reference():
    table = dt.group_table(dt.group_rows(access_rows(), 2025, "region", "09110"), "white")
    first = table.iloc[0]
    assert first["group"] == "Hispanic or Latino" and first["ratio"] == 0.9 and first["difference"] == -9.2
    assert table.iloc[1]["group"] == "White (reference)"


@pytest.mark.parametrize("value,low,high,unit,text", [
    (81.234, 79.01, 83.1, "percent", "81.2 % (79.0–83.1 %)"),
    (23.4, 21.0, 25.0, "minutes", "23.4 min (21.0–25.0 min)"),
    (9.4, 9.4, 9.4, "minutes", "9.4 min"),  # no width: no interval
    (0.9, None, 1.0, "ratio", "0.90"),
    (None, 1.0, 2.0, "percent", "—"),
])
def test_measure_interval(value, low, high, unit, text):
    assert dt.measure_interval(value, low, high, unit) == text


def seg_rows() -> pd.DataFrame:
    rows = [("state", "09", "black", 0.56), ("state", "09", "asian", 0.27),
            ("region", "09110", "black", 0.48), ("region", "09120", "hispanic", 0.62),
            ("region", "09120", "black", 0.55), ("county", "09001", "black", 0.9)]
    return pd.DataFrame([{"year": 2025, "geography_level": lv, "geography_id": gid, "group_code": g,
                          "reference_group": "white", "dissimilarity": d} for lv, gid, g, d in rows])


PLACES = pd.DataFrame({"geography_level": ["state", "region", "region"],
                       "geography_id": ["09", "09110", "09120"],
                       "geography_name": ["Connecticut", "Capitol Planning Region",
                                          "Greater Bridgeport Planning Region"]})


def test_dissimilarity_table_and_sentence():
    table = dt.dissimilarity_table(seg_rows(), 2025, PLACES)
    bridgeport = "Greater Bridgeport Planning Region"
    assert table["place"].tolist() == ["Connecticut", "Connecticut", "Capitol Planning Region", bridgeport,
                                       bridgeport]
    assert "Hartford" not in " ".join(table["place"])  # the county row is not among the places asked for
    text = dt.dissimilarity_sentence(table, 2025, "white", "Connecticut", "region")
    assert text.startswith("Across Connecticut's towns in 2025, Black or African American residents live "
                           "most apart from White residents: a dissimilarity of 0.56 means 56 % of either "
                           "group")
    assert text.endswith("the highest index is for Hispanic or Latino residents in the Greater Bridgeport "
                         "Planning Region (0.62).")


def theil_rows() -> pd.DataFrame:
    values = {(2024, "theil"): 0.008, (2024, "theil_between"): 0.002, (2024, "theil_within"): 0.006,
              (2025, "theil"): 0.010, (2025, "theil_between"): 0.004, (2025, "theil_within"): 0.006}
    rows = [{"year": y, "measure_id": "m", "geography_level": "state", "geography_id": "09", "index_name": n,
             "value": v} for (y, n), v in values.items()]
    rows.append({"year": 2025, "measure_id": "m", "geography_level": "region", "geography_id": "09110",
                 "index_name": "theil", "value": 0.5})
    return pd.DataFrame(rows)


def test_theil_split_stacks_to_the_total_and_says_the_between_share():
    split = dt.theil_split(theil_rows())
    assert split["year"].tolist() == [2024, 2025]
    np.testing.assert_allclose(split["between"] + split["within"], split["total"])
    np.testing.assert_allclose(split["between_share"], [0.25, 0.40])  # 0.002/0.008, 0.004/0.010
    assert dt.theil_sentence(split, 2025, "M") == (
        "In 2025 the Theil index of “M” across Connecticut's towns is 0.01. 40.0 % of this inequality lies "
        "between planning regions and 60.0 % within them; the index is up from 0.008 in 2024.")
    assert dt.theil_sentence(split, 2019, "M").startswith("There is no Theil index")


def test_theil_split_of_a_hand_worked_decomposition():
    # Towns 1 and 1 (weights 1, 1) in region A, town 3 (weight 2) in region B: μ = (1 + 1 + 6) / 4 = 2.
    # T = 2·¼·(½·ln ½) + ½·(1.5·ln 1.5) = −0.173287 + 0.304099 = 0.130812. Inside each region the values
    # are equal, so all of it lies between the regions: between = T, within = 0.
    total = 2 * 0.25 * 0.5 * np.log(0.5) + 0.5 * 1.5 * np.log(1.5)
    assert total == pytest.approx(0.130812, abs=1e-6)
    rows = pd.DataFrame({"year": 2025, "measure_id": "m", "geography_level": "state", "geography_id": "09",
                         "index_name": ["theil", "theil_between", "theil_within"],
                         "value": [total, total, 0.0]})
    sentence = dt.theil_sentence(dt.theil_split(rows), 2025, "M")
    assert "is 0.131. 100.0 % of this inequality lies between planning regions and 0.0 % within" in sentence


def test_place_series_and_change_sentence():
    frame = pd.concat([access_rows().assign(year=2019, ratio=0.8), access_rows()])
    series = dt.place_series(frame, [("region", "09110", "Capitol"), ("state", "09", "Connecticut")], "ratio",
                             group_code="hispanic")
    assert series["place"].tolist() == ["Capitol", "Capitol"]
    text = dt.change_sentence(series, "ratio", "Capitol", "the Capitol", "the ratio", lambda v: f"{v:.2f}")
    assert text == "The ratio in the Capitol moved from 0.80 in 2019 to 0.90 in 2025."
    missing = dt.change_sentence(series, "ratio", "Connecticut", "Connecticut", "the ratio", str)
    assert missing.startswith("There is no")


# ---------------------------------------------------------------- /contracting: pure transforms
AGENCIES = pd.DataFrame({"agency_code": ["A", "B", "C"],
                         "agency_name": ["Agency Alpha", "Agency Beta", "Agency Gamma"],
                         "peer_group": ["health", "health", "education"]})


def contracting_rows() -> pd.DataFrame:
    # A: 30/100 = 30 % small (met), 5/100 = 5 % minority (below 6.25 %);
    # B: 60/300 = 20 % (not met), 30/300 = 10 %; C: no eligible spend;
    # ALL: 90/400 = 22.5 % small, 35/400 = 8.75 % minority.
    raw = [("A", 100e6, 30e6, 5e6), ("B", 300e6, 60e6, 30e6), ("C", 0.0, 0.0, 0.0),
           ("ALL", 400e6, 90e6, 35e6)]
    rows = []
    for code, eligible, small, minority in raw:
        small_share = small / eligible if eligible else NAN
        minority_share = minority / eligible if eligible else NAN
        rows.append({"fiscal_year": 2025, "agency_code": code, "eligible_spend": eligible,
                     "small_business_spend": small, "minority_business_spend": minority,
                     "small_share": small_share, "minority_share": minority_share, "small_goal": 0.25,
                     "minority_goal": 0.0625,
                     "small_met": None if eligible == 0 else small_share >= 0.25,
                     "minority_met": None if eligible == 0 else minority_share >= 0.0625})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("value,text", [
    (3_126_098_374, "$3.1 billion"), (24_078_236, "$24.1 million"), (45_349, "$45,300"), (9_999, "$9,999"),
    (None, "—"), (NAN, "—"),
])
def test_money(value, text):
    assert ct.money(value) == text


@pytest.mark.parametrize("goal,text", [(0.25, "25 %"), (0.0625, "6.25 %"), (None, "—")])
def test_goal_text(goal, text):
    assert ct.goal_text(goal) == text


@pytest.mark.parametrize("met,text", [(True, "✔ Met"), (False, "✖ Not met"), (None, "— No eligible spend"),
                                      (pd.NA, "— No eligible spend")])
def test_met_is_a_symbol_and_a_word(met, text):
    assert ct.met_text(met) == text


def test_ranked_order_table_and_sentence():
    rows = ct.agency_rows(contracting_rows(), AGENCIES, 2025, None)
    assert "ALL" not in rows["agency_code"].tolist()
    ordered = ct.ranked(rows, "small")
    assert ordered["agency_code"].tolist() == ["A", "B", "C"]  # 30 %, 20 %, no spend last
    table = ct.ranked_table(ordered, "small")
    assert table["share"].tolist()[:2] == [30.0, 20.0]
    assert table["eligible_spend"].tolist() == [100.0, 300.0, 0.0]  # $ million
    assert table["result"].tolist() == ["✔ Met", "✖ Not met", "— No eligible spend"]
    assert ct.bar_texts(ordered, "small")[0] == "30.0 %  ✔ Met"
    assert ct.ranked_sentence(ordered, "small", 2025, 0.25, None) == (
        "In FY2025, 1 of 2 agencies with eligible spending met the 25 % goal for small businesses. The "
        "lowest share is 20.0 % at the Agency Beta. 1 reported no eligible spending.")


def test_peer_group_sentence_pools_the_peer_agencies():
    rows = ct.ranked(ct.agency_rows(contracting_rows(), AGENCIES, 2025, "health"), "minority")
    assert rows["agency_code"].tolist() == ["B", "A"]  # 10 % before 5 %
    text = ct.ranked_sentence(rows, "minority", 2025, 0.0625, "health")
    # (5 + 30) / (100 + 300) = 8.75 %
    assert "1 of 2 health agencies" in text
    assert "Together the health agencies spent 8.8 % of their eligible" in text


def test_statewide_sentence_uses_the_all_row():
    assert ct.statewide_sentence(contracting_rows(), 2025) == (
        "Across all agencies in FY2025, 22.5 % of $400.0 million in eligible spending went to small "
        "businesses, against a goal of 25 % (✖ Not met), and 8.8 % to minority business enterprises, against "
        "6.25 % (✔ Met).")
    other_year = ct.statewide_sentence(contracting_rows(), 2020)
    assert other_year.startswith("There is no statewide contracting total")


def test_trend_table_has_the_state_and_the_agency():
    frame = pd.concat([contracting_rows(), contracting_rows().assign(fiscal_year=2024)])
    table = ct.trend_table(frame, "A", "Agency Alpha")
    assert table["who"].tolist() == [ct.STATEWIDE] * 2 + ["Agency Alpha"] * 2
    assert table["fiscal_year"].tolist() == [2024, 2025, 2024, 2025]
    assert ct.trend_sentence(table, "Agency Alpha").endswith(
        "the small-business goal was met in 2 of 2 years and the minority-business goal in 0 of 2.")
    assert ct.trend_table(frame, "ALL", ct.STATEWIDE)["who"].unique().tolist() == [ct.STATEWIDE]


# ---------------------------------------------------------------- /equity-plans: pure transforms
PLAN_AGENCIES = pd.DataFrame({"agency_code": ["DOH", "DPH", "DSS", "OHS"],
                              "agency_name": ["Department of Housing", "Department of Public Health",
                                              "Department of Social Services", "Office of Health Strategy"],
                              "peer_group": ["human services", "health", "human services", "health"]})


def plans() -> pd.DataFrame:
    rows = [("DOH", 2025, "published", "2025-03-01", "2025-04-01", "https://portal.ct.gov/doh/plan", 10, 5,
             "goals_met"),
            ("DPH", 2025, "drafting", None, None, None, 4, 0, "good_faith"),
            ("DSS", 2025, "approved", "2025-02-01", "2025-05-01", None, 6, 2, "parity"),
            ("OHS", 2024, "published", "2024-03-01", "2024-04-01", "https://portal.ct.gov/ohs/plan", 3, 3,
             "parity")]
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


# ---------------------------------------------------------------- /methodology: pure transforms
def summary(rows: dict[str, tuple[int, int | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame([{"table_name": n, "rows": r, "first_year": a, "last_year": b}
                         for n, (r, a, b) in rows.items()])


def test_compare_tables_and_sentence():
    before = summary({"agencies": (39, None, None), "contracting": (280, 2019, 2025)})
    now = summary({"agencies": (39, None, None), "contracting": (240, 2020, 2025)})
    module = page("methodology")
    compare_sentence, compare_tables = module.compare_sentence, module.compare_tables

    table = compare_tables(now, before)
    assert table["table"].tolist() == ["Agencies", "Contracting"]
    assert table["change"].tolist() == [0, -40]  # 240 − 280
    assert table["years_before"].tolist() == ["—", "2019–2025"]
    assert table["years_now"].tolist() == ["—", "2020–2025"]
    assert compare_sentence(table, "R2", "R1") == (
        "Compared with release R1, release R2 changed in 1 table: Contracting (280 → 240 rows, years "
        "2019–2025 → 2020–2025).")
    unchanged = compare_sentence(compare_tables(before, before), "R2", "R1")
    assert unchanged.startswith("Release R2 has the same tables")


def test_previous_release_and_notes():
    previous_release, release_notes = page("methodology").previous_release, page("methodology").release_notes
    from data_access.releases import ReleaseInfo

    def info(rid, day, status):
        return ReleaseInfo(rid, datetime(2025, 1, day, tzinfo=UTC), status, "x", "0.1", "", True,
                           datetime(2025, 1, day, tzinfo=UTC) if status != "draft" else None)
    releases = [info("R3", 3, "published"), info("R1", 1, "retired"), info("R2", 2, "retired")]
    assert previous_release(releases, "R3").release_id == "R2"
    assert previous_release(releases, "R1") is None
    notes = release_notes(releases)
    assert notes["release"].tolist() == ["R3", "R1", "R2"] and set(notes["synthetic"]) == {"yes"}
    assert notes["published"].iloc[0] == "2025-01-03"


def test_settings_rows_state_the_configured_values():
    settings_rows = page("methodology").settings_rows
    from data_access.settings import load_settings

    rows = dict(settings_rows(load_settings({"CT_EQUITY_SUPPRESSION_K": "7", "CT_EQUITY_CV_HIGH": "0.15"})))
    assert rows["Suppression threshold"].startswith("k = 7: counts from 1 to 6")
    assert "at most 15 %" in rows["Reliability of town estimates"]
    assert rows["Contracting goals (CGS 4a-60g)"].startswith("25 % of eligible spending")


# ---------------------------------------------------------------- layouts and callbacks on the published demo
HOSTILE = [None, 0, 3.5, ["x"], {"a": 1}, "", "x" * 100_000, "'; DROP TABLE releases; --", "../../etc/passwd",
           "<script>alert(1)</script>"]


def component_ids(tree) -> dict:
    """Every component with an id in a layout, by id."""
    from dash.development.base_component import Component

    found, stack = {}, [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, Component):
            if getattr(node, "id", None) is not None:
                found[str(node.id)] = node
            stack.append(getattr(node, "children", None))
    return found


def is_notice(content, text: str) -> bool:
    import dash_bootstrap_components as dbc

    return isinstance(content, dbc.Alert) and content.children == text


def default_args(name: str, prefix: str, fields: list[str]) -> list:
    values = component_ids(page(name).layout())
    return [values[f"{prefix}-{f}"].value for f in fields]


PAGES = {  # page → (id prefix, callback inputs in order, inputs where None / "" mean "all")
    "disparities": ("disparities", ["release", "measure", "year", "level", "area", "group"], set()),
    "contracting": ("contracting", ["release", "year", "peer", "agency"], {"peer", "agency"}),
    "equity_plans": ("plans", ["release", "year", "status", "peer", "search"], {"status", "peer", "search"}),
}


@pytest.mark.parametrize("name,summary_id", [("disparities", "disparities-groups-summary"),
                                             ("contracting", "contracting-small-summary"),
                                             ("equity_plans", "plans-status-summary")])
def test_layout_and_default_view(app_env, name, summary_id):
    prefix, fields, _ = PAGES[name]
    module = page(name)
    layout = module.layout()
    ids = component_ids(layout)
    assert "synthetic-notice" in ids and f"{prefix}-content" in ids
    content, search, view = module.show(*default_args(name, prefix, fields))
    shown = component_ids(content)
    assert shown[summary_id].children and "release=" + app_env["release_id"] in search
    assert view["path"] == module.PATH and view["query"]["release"] == app_env["release_id"]
    # A reload of the written URL is the same view: the router would skip re-rendering it.
    with pytest.raises(__import__("dash").exceptions.PreventUpdate):
        module.layout(**view["query"], view=view)


def test_methodology_layout_renders_the_text_settings_and_releases(app_env):
    module = page("methodology")
    tree = module.layout()
    ids = component_ids(tree)
    texts = [c for c in tree.children if type(c).__name__ == "Markdown"]
    assert texts and texts[0].dangerously_allow_html is False
    assert "# How the figures are made" in texts[0].children
    assert app_env["release_id"] in str(ids["methodology-release-table"].children)
    content, search, _ = module.compare(app_env["release_id"])
    assert "first release" in content.children and search == f"?release={app_env['release_id']}"


def test_contracting_statewide_sentence_matches_the_agencies_spend(app_env):
    # Independent route: sum the agencies' rows straight from the database.
    from sqlalchemy import create_engine

    with create_engine(app_env["env"]["CT_EQUITY_DATABASE_URL"]).connect() as conn:
        raw = pd.read_sql("select * from contracting where agency_code != 'ALL'", conn)
    latest = raw[raw["fiscal_year"] == raw["fiscal_year"].max()]
    small = latest["small_business_spend"].sum() / latest["eligible_spend"].sum()
    module = page("contracting")
    content, _, _ = module.show(*default_args("contracting", "contracting", PAGES["contracting"][1]))
    sentence = component_ids(content)["contracting-statewide"].children
    assert f"in FY{latest['fiscal_year'].max()}, {small * 100:.1f} % of" in sentence


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
def test_hostile_inputs_get_a_notice_never_an_error(app_env, name, value):
    from dashboards._helpers import NOT_AVAILABLE

    prefix, fields, optional = PAGES[name]
    module = page(name)
    valid = default_args(name, prefix, fields)
    for position, field in enumerate(fields):
        args = list(valid)
        args[position] = value
        content, search, _ = module.show(*args)
        harmless = (field in optional and value in (None, "")) or (
            field == "search" and isinstance(value, str) and len(value) <= 60)
        if harmless:
            assert not is_notice(content, NOT_AVAILABLE), (field, value)
            assert "<" not in search and "'" not in search.replace("%27", "")
        else:
            assert is_notice(content, NOT_AVAILABLE), (field, value)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
def test_hostile_inputs_to_the_disparity_indices(app_env, value):
    from dashboards._helpers import NOT_AVAILABLE

    module = page("disparities")
    valid = default_args("disparities", "disparities", ["release", "measure", "year", "level", "area"])
    assert component_ids(module.show_indices(*valid))["disparities-theil-split-summary"].children
    for position in range(len(valid)):
        args = list(valid)
        args[position] = value
        assert is_notice(module.show_indices(*args), NOT_AVAILABLE), (position, value)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
def test_hostile_inputs_to_the_small_callbacks(app_env, value):
    import dash

    from dashboards._helpers import NOT_AVAILABLE

    content, _, _ = page("methodology").compare(value)
    assert is_notice(content, NOT_AVAILABLE)
    release = app_env["release_id"]
    assert page("disparities").level_areas(value, "09", release) == (dash.no_update, dash.no_update)
    assert page("disparities").level_areas("county", value, release)[1] == "09"  # unknown area → the state


@pytest.mark.parametrize("name", ["disparities", "contracting", "equity_plans", "methodology"])
def test_hostile_query_strings_fall_back_to_a_normal_view(app_env, name):
    module = page(name)
    layout = module.layout(release="x" * 10_000, year=["2025"], measure="<script>", level="state'--", area=[],
                           group={"a": 1}, peer="nope", agency="../..", status="hacked", q="<b>" * 1000)
    assert "synthetic-notice" in component_ids(layout)


@pytest.mark.parametrize("name", ["disparities", "contracting", "equity_plans", "methodology"])
def test_database_down_gives_a_clear_notice(app_env, monkeypatch, name):
    from dashboards._helpers import DB_DOWN
    from data_access import queries

    def down(*_args, **_kwargs):
        raise queries.DataUnavailable("OperationalError")

    monkeypatch.setattr(queries, "resolve_release", down)
    monkeypatch.setattr(queries, "visible_releases", down)
    module = page(name)
    if name == "methodology":
        content = module.compare(app_env["release_id"])[0]
    else:
        fields = PAGES[name][1]
        content = module.show(*[app_env["release_id"]] + ["x"] * (len(fields) - 1))[0]
    assert is_notice(content, DB_DOWN)
    if name == "disparities":
        assert is_notice(module.show_indices(app_env["release_id"], "x", "x", "x", "x"), DB_DOWN)
    layout = module.layout()
    assert any(is_notice(c, DB_DOWN) for c in (layout if isinstance(layout, list) else [layout]))


def test_formulas_are_plain_text_not_highlighted_code():
    plain = page("methodology").plain_code_blocks
    assert plain("a\n```\nx = 1\n```\n```sql\ny\n```\n") == "a\n```plaintext\nx = 1\n```\n```sql\ny\n```\n"
    text = page("methodology").methodology_text()
    fences = [line for line in text.splitlines() if line.startswith("```")]
    assert fences and all(line in ("```plaintext", "```") for line in fences[::2])  # every opening fence


# ---------------------------------------------------------------- figures
def test_ranked_bars_show_the_goal_line_and_met_in_words():
    from components.figures import Axis, ranked_bars

    rows = ct.ranked(ct.agency_rows(contracting_rows(), AGENCIES, 2025, None), "small")
    met = [None if pd.isna(m) else bool(m) for m in rows["small_met"]]
    figure = ranked_bars(rows["agency_name"].tolist(), rows["small_share"].tolist(),
                         ct.bar_texts(rows, "small"), met, 0.25, "Goal 25 %", Axis())
    bars = figure.data[0]
    assert list(bars.text) == ["30.0 %  ✔ Met", "20.0 %  ✖ Not met", "— No eligible spend"]
    # plotly lists categories bottom-up, so the first agency is drawn on top
    assert list(figure.layout.yaxis.categoryarray) == ["Agency Gamma", "Agency Beta", "Agency Alpha"]
    shape = figure.layout.shapes[0]
    assert (shape.x0, shape.x1, shape.line.width) == (0.25, 0.25, 2)  # visible: simple_white hides lines
    assert figure.layout.annotations[0].text == "Goal 25 %"


def test_dot_whisker_draws_each_interval_and_the_reference():
    from components.figures import Axis, dot_whisker

    figure = dot_whisker(["Hispanic or Latino", "White (reference)"], [81.2, 90.4], [79.0, 89.0],
                         [83.1, 91.7], ["#E69F00", "#999999"], Axis("Broadband"), (90.4, "White (reference)"))
    whiskers, dots = figure.data
    assert list(whiskers.x) == [79.0, 83.1, None, 89.0, 91.7, None]
    assert list(dots.x) == [81.2, 90.4] and list(dots.marker.color) == ["#E69F00", "#999999"]
    assert figure.layout.shapes[0].x0 == 90.4
    low, high = figure.layout.xaxis.range
    assert low < 79.0 and high > 91.7  # the whiskers are not cut off at the edge
