"""`/contracting`: money and goal words, ranked agencies and sentences, trends, the statewide sentence against the
database and the ranked-bars figure."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboards.contracting import transforms as ct
from tests.public_pages import PAGES, component_ids, default_args, page

NAN = float("nan")


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


# ---------------------------------------------------------------- the page on the published demo
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
