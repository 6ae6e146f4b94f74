"""`/casework`: the panels for the public, statewide and by agency, against the casework queries; suppressed
figures say so; hostile inputs answer "not available"; each embed shows what its panel shows."""
from __future__ import annotations

import pytest

from components.formatting import count, number, percent
from data_access import casework_queries as cq
from data_access.viewer import ANONYMOUS
from tests.layouts import by_id, panel_table
from tests.public_pages import HOSTILE, component_ids, is_notice, page
from tests.test_embed_all import panel_view, panels, tree

CHARTS = ["casework-complaints", "casework-forums", "casework-closing", "casework-accommodations", "casework-goals"]
NOT_AVAILABLE = "That selection is not available. Please choose from the lists on this page."


@pytest.fixture
def casework(app_env):
    """The page module in an anonymous request on the published demo, with its settings and release."""
    import app as app_module
    from data_access.queries import current_settings

    with app_module.app.server.test_request_context("/casework"):
        yield page("casework"), current_settings(), app_env["release_id"]


def shown(module, rid, agency="ALL", by="basis", year=None):
    """The callback's panels for a view, by chart id."""
    content, search, _state = module.show(rid, agency, by, year)
    return {panel_view(s)["chart"]: s for s in panels(tree(content))}, search


def latest(frame, column="fiscal_year"):
    return frame[frame[column] == frame[column].max()].iloc[0]


def test_statewide_view_shows_every_panel_with_the_demo_figures(casework):
    module, settings, rid = casework
    ids = component_ids(module.layout())
    assert ids["casework-agency"].value == "ALL" and ids["casework-by"].value == "basis"
    sections, search = shown(module, rid, year=ids["casework-year"].value)
    assert list(sections) == CHARTS and search == f"?release={rid}&year={ids['casework-year'].value}"
    closing = cq.closing_time(settings, rid, ANONYMOUS, "ALL")
    row = latest(closing[closing["forum"] == "ALL"])
    summary = panel_view(sections["casework-closing"])["summary"]
    assert f"took {number(row['median_days_to_close'])} days or less" in summary
    assert f"{percent(row['closed_within_limit_share'])} closed within it" in summary
    assert f"{count(row['over_limit_open'])} complaints still open were past the limit" in summary
    assert "limit of 90 days" in summary
    figure = by_id(sections["casework-closing"], {"type": "panel-graph", "chart": "casework-closing"}).figure
    assert any(shape["y0"] == 90 for shape in figure["layout"]["shapes"])  # the limit is marked
    complaints = panel_view(sections["casework-complaints"])["summary"]
    totals = cq.complaint_view(settings, rid, ANONYMOUS, "ALL", "all")
    assert f"{count(latest(totals)['filed'])} complaints were filed" in complaints
    assert "counts under each, so the categories add up to more than the total" in complaints
    summary = cq.aap_summary(settings, rid, ANONYMOUS, "ALL")
    goals = summary[summary["plan_year"] == int(ids["casework-year"].value)].iloc[0]
    assert (f"{count(goals['goals_met'])} of {count(goals['goals_set'])} goals met"
            in panel_view(sections["casework-goals"])["summary"])
    rows = cq.accommodation_rows(settings, rid, ANONYMOUS, "ALL")
    acc = latest(rows[rows["kind"] == "ALL"])
    assert f"received {count(acc['requests'])} reasonable-accommodation requests" in \
        panel_view(sections["casework-accommodations"])["summary"]


def test_an_agency_view_and_the_outcome_view(casework):
    module, settings, rid = casework
    sections, search = shown(module, rid, agency="DSS", by="outcome")
    assert "agency=DSS" in search and "by=outcome" in search
    view = panel_view(sections["casework-complaints"])
    assert view["title"] == "How do discrimination complaints end?"
    assert "Department of Social Services" in view["summary"]
    outcomes = cq.complaint_view(settings, rid, ANONYMOUS, "DSS", "outcome")
    assert len(panel_table(sections["casework-complaints"], "casework-complaints")["rowData"]) == len(outcomes)
    summary = cq.aap_summary(settings, rid, ANONYMOUS, "DSS")
    own = summary.dropna(subset=["aap_decision"]).iloc[-1]
    sections, _search = shown(module, rid, agency="DSS", year=str(int(own["plan_year"])))
    assert "Commission on Human Rights and Opportunities' decision" in panel_view(sections["casework-goals"])["summary"]


def test_a_suppressed_figure_shows_the_suppressed_note(casework):
    module, settings, rid = casework
    from data_access import public_queries as pq

    for agency in pq.agencies(settings, rid)["agency_code"]:
        frame = cq.complaint_view(settings, rid, ANONYMOUS, agency, "basis")
        if frame["suppressed"].astype(bool).any() and frame.loc[frame["suppressed"].astype(bool), "filed"].isna().any():
            break
    else:
        pytest.fail("the demo has no suppressed complaint figure")
    sections, _search = shown(module, rid, agency=agency)
    assert "suppressed (fewer than 5)" in panel_view(sections["casework-complaints"])["rows"]


@pytest.mark.parametrize("position", range(4))
def test_hostile_inputs_answer_not_available(casework, position):
    module, _settings, rid = casework
    for value in [*HOSTILE, "NOPE", "9999"]:
        args = [rid, "ALL", "basis", None]
        args[position] = value
        content, _search, _state = module.show(*args)
        if not is_notice(content, NOT_AVAILABLE):
            assert position != 0 and value in (None, "", "ALL") or panels(tree(content)), (position, value)


def test_every_embed_shows_what_its_panel_shows(casework):
    module, _settings, rid = casework
    embed = page("embed")
    for agency, by in (("ALL", "basis"), ("DSS", "issue")):
        sections, search = shown(module, rid, agency=agency, by=by)
        for chart_id, section in sections.items():
            store = by_id(section, {"type": "panel-embed-params", "chart": chart_id})
            embedded = panels(embed.layout(chart_id=chart_id, **{k: v for k, v in store.data.items() if v}))
            assert embedded and panel_view(embedded[0]) == panel_view(section), (agency, chart_id)
