"""The agency scorecard's casework panels (DESIGN §4.6, §6): the agency's complaints, accommodations and AAP goals
as `/casework?agency=<code>` shows them, against its peer group and the state computed here from the release
tables; a notice where an agency has no rows; suppression as the viewer's role allows, on every channel."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from components.formatting import count, percent
from data_access.queries import read_table
from data_access.viewer import ANONYMOUS, Viewer
from tests.layouts import texts, walk
from tests.public_pages import page
from tests.test_embed_all import panel_view, panels, tree

CHARTS = ["agency-casework-complaints", "agency-casework-accommodations", "agency-casework-goals"]
MARK = "suppressed (fewer than 5)"


@pytest.fixture
def site(app_env, monkeypatch):
    """The scorecard and the casework page in one request, with a way to choose the viewer."""
    import app as app_module
    from dashboards import _shared
    from data_access.queries import current_settings

    scorecard, casework = page("agency"), page("casework")

    def as_viewer(viewer):
        monkeypatch.setattr(_shared, "resolve_viewer", lambda: viewer)

    with app_module.app.server.test_request_context("/"):
        yield scorecard, casework, current_settings(), app_env["release_id"], as_viewer


def sections(content) -> dict:
    return {panel_view(s)["chart"]: s for s in panels(tree(content))}


def scorecard_view(scorecard, rid, code) -> dict:
    from data_access.queries import current_settings
    from data_access.workforce_queries import workforce_years

    year = str(workforce_years(current_settings(), rid)[0])
    return sections(scorecard.show(rid, year, "race_ethnicity", "significant", "ALL", code)[0])


def rows(section) -> list[dict]:
    return json.loads(panel_view(section)["rows"])


def own(section, name: str) -> dict[int, dict]:
    """The agency's rows of a scorecard casework table, by year."""
    return {r["year"]: r for r in rows(section) if r["who"] == name}


def best_public_agency(settings, rid) -> str:
    """The agency whose complaint totals the public sees in the most years (the demo hides small agencies')."""
    frame = read_table(settings, "complaint_stats", rid, forum="ALL", dimension="all")
    frame = frame[frame["agency_code"] != "ALL"]
    return (~frame["suppressed"].astype(bool)).groupby(frame["agency_code"]).sum().idxmax()


def name_of(settings, rid, code) -> str:
    from data_access.workforce_queries import agency_list

    agencies = agency_list(settings, rid)
    return agencies.loc[agencies["agency_code"] == code, "agency_name"].iat[0]


def compare_with_casework_page(scorecard, casework, rid, code, name):
    """Every figure the scorecard's casework panels show of the agency is the one /casework?agency= shows."""
    card = scorecard_view(scorecard, rid, code)
    assert [c for c in card if c in CHARTS] == CHARTS
    page_sections = sections(casework.show(rid, code, "basis", None)[0])
    closing = panel_view(page_sections["casework-closing"])
    complaints = panel_view(card["agency-casework-complaints"])
    assert complaints["summary"].startswith(closing["summary"])  # the same sentence, the same figures
    mine = own(card["agency-casework-complaints"], name)
    theirs = {r["fiscal_year"]: r for r in json.loads(closing["rows"]) if r["forum"] == "All forums"}
    assert set(mine) == set(theirs) and mine
    for year, r in theirs.items():
        assert (mine[year]["total"], mine[year]["median"], mine[year]["over_limit_open"], mine[year]["share"]) == (
            r["closed"], r["median_days_to_close"], r["over_limit_open"], r["closed_within_limit_share"]), year
    acc_page = panel_view(page_sections["casework-accommodations"])
    acc = panel_view(card["agency-casework-accommodations"])
    assert acc["summary"].startswith(acc_page["summary"])
    mine = own(card["agency-casework-accommodations"], name)
    theirs = {r["fiscal_year"]: r for r in json.loads(acc_page["rows"]) if r["kind"] == "All requests"}
    assert set(mine) == set(theirs)
    for year, r in theirs.items():
        assert (mine[year]["requests"], mine[year]["total"], mine[year]["median"], mine[year]["share"]) == (
            r["requests"], r["decided"], r["median_days_to_decision"], r["decided_within_limit_share"]), year
    goals = panel_view(card["agency-casework-goals"])
    plan_year = max(own(card["agency-casework-goals"], name))
    goals_page = panel_view(sections(casework.show(rid, code, "basis", str(plan_year))[0])["casework-goals"])
    assert goals["summary"].startswith(goals_page["summary"])
    decision = own(card["agency-casework-goals"], name)[plan_year]["decision"]
    assert f"decision: {decision}." in goals_page["summary"]
    return card


def test_the_scorecard_shows_what_the_casework_page_shows_for_the_public(site):
    scorecard, casework, settings, rid, _as_viewer = site
    code = best_public_agency(settings, rid)
    card = compare_with_casework_page(scorecard, casework, rid, code, name_of(settings, rid, code))
    shown = [r for r in rows(card["agency-casework-complaints"]) if r["who"] == name_of(settings, rid, code)]
    assert any(r["total"] not in (MARK, "—", "0") for r in shown)  # figures, not only marks
    link = f"/casework?release={rid}&agency={code}"
    for chart in CHARTS:  # each panel leads to the agency's view of /casework
        assert link in [getattr(n, "href", None) for n in walk(card[chart])], chart


def test_an_agency_user_sees_its_own_hidden_figures_on_both_pages_alike(site):
    scorecard, casework, settings, rid, as_viewer = site
    name = name_of(settings, rid, "DSS")
    public = own(scorecard_view(scorecard, rid, "DSS")["agency-casework-complaints"], name)
    casework_public = {r["fiscal_year"]: r["closed"] for r in json.loads(panel_view(sections(
        casework.show(rid, "DSS", "basis", None)[0])["casework-closing"])["rows"]) if r["forum"] == "All forums"}
    assert {y: r["total"] for y, r in public.items()} == casework_public  # marks where /casework has them
    assert MARK in casework_public.values()
    as_viewer(Viewer("agency", frozenset({"DSS"})))
    card = compare_with_casework_page(scorecard, casework, rid, "DSS", name)
    raw = read_table(settings, "complaint_stats", rid, agency_code="DSS", forum="ALL", dimension="all")
    mine = own(card["agency-casework-complaints"], name)
    assert {y: r["total"] for y, r in mine.items()} == {int(y): count(c) for y, c in zip(raw["fiscal_year"],
                                                                                       raw["closed"])}
    # the peer group still leaves out the other agencies' hidden figures
    peers = [r for r in rows(card["agency-casework-complaints"]) if r["who"].startswith("Other ")]
    assert any(r["left_out"] not in ("0", "—") for r in peers)


def peer_codes(settings, rid, code) -> list[str]:
    from data_access.workforce_queries import agency_list

    agencies = agency_list(settings, rid)
    group = agencies.loc[agencies["agency_code"] == code, "peer_group"].iat[0]
    return [c for c in agencies.loc[agencies["peer_group"] == group, "agency_code"] if c != code]


def expected_scopes(frame: pd.DataFrame, year: str, total: str, within, code: str, peers: list[str]) -> dict:
    """(year, scope) → (total, within) from a release table: the state's row; the peer group's visible agencies."""
    frame = frame.assign(t=pd.to_numeric(frame[total]), w=within(frame))
    out = {}
    for y, rows_ in frame.groupby(year):
        state = rows_[rows_["agency_code"] == "ALL"].iloc[0]
        out[(int(y), "state")] = (state["t"], state["w"])
        visible = rows_[rows_["agency_code"].isin(peers) & ~rows_["suppressed"].astype(bool)]
        hidden = rows_["agency_code"].isin(peers) & rows_["suppressed"].astype(bool)
        if len(visible):
            out[(int(y), "peer")] = (visible["t"].sum(), visible["w"].sum(), int(hidden.sum()))
    return out


def test_the_comparison_with_the_peer_group_and_the_state_is_the_release_tables(site):
    scorecard, _casework, settings, rid, _as_viewer = site
    code = best_public_agency(settings, rid)
    card = scorecard_view(scorecard, rid, code)
    peers = peer_codes(settings, rid, code)
    tables = {
        "agency-casework-complaints": expected_scopes(
            read_table(settings, "complaint_stats", rid, forum="ALL", dimension="all"), "fiscal_year", "closed",
            lambda f: (f["closed_within_limit_share"] * f["closed"]).round(), code, peers),
        "agency-casework-accommodations": expected_scopes(
            read_table(settings, "accommodation_stats", rid, kind="ALL"), "fiscal_year", "decided",
            lambda f: (f["decided_within_limit_share"] * f["decided"]).round(), code, peers),
        "agency-casework-goals": expected_scopes(
            read_table(settings, "aap_goals", rid, job_category="ALL", action="ALL"), "plan_year", "goal",
            lambda f: pd.to_numeric(f["met"]), code, peers),
    }
    for chart, expected in tables.items():
        shown = rows(card[chart])
        state = {r["year"]: r for r in shown if r["who"] == "Statewide"}
        peer = {r["year"]: r for r in shown if r["who"].startswith("Other ")}
        assert len(state) == sum(s == "state" for _y, s in expected) > 0
        for (year, scope), figures in expected.items():
            r = (state if scope == "state" else peer)[year]
            t, w = figures[:2]
            assert r["total"] == count(t), (chart, year, scope)
            assert r["share"] == (percent(w / t) if t else "—"), (chart, year, scope)
            if scope == "peer":
                assert r["left_out"] == count(figures[2])
        latest = max(y for y, s in expected if s == "state")
        t, w = expected[(latest, "state")][:2]
        assert f"{percent(w / t)} statewide" in panel_view(card[chart])["summary"], chart


def test_an_agency_without_casework_rows_gets_a_clear_notice(site, monkeypatch):
    scorecard, _casework, settings, rid, _as_viewer = site
    raw = read_table(settings, "complaint_stats", rid)
    goals = read_table(settings, "aap_goals", rid)
    missing = sorted(set(read_table(settings, "accommodation_stats", rid)["agency_code"])
                     - set(raw["agency_code"]) - set(goals["agency_code"]))
    assert missing  # the demo has an agency without complaints or goals
    code = missing[0]
    name = name_of(settings, rid, code)
    card = scorecard_view(scorecard, rid, code)
    assert [c for c in card if c in CHARTS] == ["agency-casework-accommodations"]
    from data_access.workforce_queries import workforce_years

    year = str(workforce_years(settings, rid)[0])
    text = texts(tree(scorecard.show(rid, year, "race_ethnicity", "significant", "ALL", code)[0]))
    assert f"No discrimination complaints of the {name} are on record in this release." in text
    assert f"No affirmative action goals of the {name} are on record in this release." in text
    # an agency with no casework row at all: one notice, and the way to the statewide casework
    from dashboards.agencies import panels as agency_panels

    real = agency_panels.casework_inputs

    def empty(*args):
        inputs = real(*args)
        blank = {scope: frame.iloc[0:0] if scope == "agency" else frame for scope, frame in inputs.goals.items()}
        return type(inputs)(inputs.comparison[inputs.comparison["scope"] != "agency"],
                            {s: f.iloc[0:0] if s == "agency" else f for s, f in inputs.closing.items()},
                            {s: f.iloc[0:0] if s == "agency" else f for s, f in inputs.accommodations.items()},
                            blank, inputs.peers, inputs.k, inputs.complaint_days, inputs.accommodation_days)

    monkeypatch.setattr(agency_panels, "casework_inputs", empty)
    content = scorecard.show(rid, year, "race_ethnicity", "significant", "ALL", code)[0]
    assert not [c for c in sections(content) if c in CHARTS]
    text = texts(tree(content))
    assert (f"No discrimination complaints, accommodation requests or affirmative action goals of the {name} are on "
            "record in this release.") in text
    assert "on the casework page" in text


def test_the_scorecard_channel_gives_an_outsider_only_what_the_public_tables_show(site):
    """For every agency, the figures the casework panels read for the public: the agency's and the state's rows
    are the public rows (nothing of a suppressed row), and the peer group adds up visible rows only — so the
    attack on the tables (tests/test_casework_disclosure.py) covers this channel too."""
    from data_access import casework_queries as cq
    from data_access.suppression import mask_for_viewer
    from data_access.workforce_queries import agency_list

    _scorecard, _casework, settings, rid, _as_viewer = site
    sources = {
        "complaints.closed_within_limit_share": ("complaint_stats", {"forum": "ALL", "dimension": "all"},
                                                 "fiscal_year", "closed"),
        "accommodations.decided_within_limit_share": ("accommodation_stats", {"kind": "ALL"}, "fiscal_year",
                                                      "decided"),
        "aap.goals_met_share": ("aap_goals", {"job_category": "ALL", "action": "ALL"}, "plan_year", "goal"),
    }
    hidden_seen = 0
    for code in agency_list(settings, rid)["agency_code"]:
        peers = tuple(sorted(peer_codes(settings, rid, code)))
        channel = cq.casework_comparison(settings, rid, ANONYMOUS, code, peers)
        for key, (table, where, year, total) in sources.items():
            truth = read_table(settings, table, rid, **where)
            public = mask_for_viewer(truth, table, ANONYMOUS)
            got = channel[channel["metric_key"] == key]
            for _i, r in got[got["scope"] == "agency"].iterrows():
                row = truth[(truth["agency_code"] == code) & (truth[year] == r["year"])].iloc[0]
                if row["suppressed"]:
                    hidden_seen += 1
                    assert np.isnan(r["within"]) and r["value"] != r["value"], (code, key, r["year"])
                    shown = public.loc[row.name, total]
                    assert (np.isnan(r["total"]) and pd.isna(shown)) or r["total"] == shown
            for _i, r in got[got["scope"] == "peer"].iterrows():
                visible = public[public["agency_code"].isin(peers) & (public[year] == r["year"])
                                 & ~public["suppressed"].astype(bool)]
                assert r["total"] == pd.to_numeric(visible[total]).sum(), (code, key, r["year"])
    assert hidden_seen > 0
