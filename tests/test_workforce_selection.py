"""`/workforce`'s hiring, promotion and separation panel (DESIGN §4.2, issue #13 item 1): adverse impact of the
view's scope, pooled over job categories with links to the categories behind a pooled finding; choosing a
category shows that category's own rows (checked against the selection_rates table); a category not on the list
is "not available"; the four-fifths-only view stays, labelled as such. On the published demo."""
from __future__ import annotations

import pytest

from tests.layouts import panel_table, texts, walk

K_TEXT = "suppressed (fewer than 5)"


@pytest.fixture
def wf(app_env):
    """The workforce page and the demo's public selection rates, inside a request."""
    import app as app_module
    from dashboards.workforce import page
    from data_access import workforce_queries as wq
    from data_access.queries import read_table
    from data_access.viewer import ANONYMOUS

    settings, rid = app_env["settings"], app_env["release_id"]
    table = read_table(settings, "selection_rates", rid)
    with app_module.app.server.test_request_context("/"):
        yield {"page": page, "rid": rid, "table": table, "settings": settings,
               "public": lambda agency, category: wq.agency_selection(settings, rid, ANONYMOUS, agency, category)}


def panel(content):
    """The selection panel of a workforce view: its section, grid rows and the category links."""
    from dash import html

    tree = html.Div(content if isinstance(content, list) else [content])
    section = next(n for n in walk(tree) if type(n).__name__ == "Section"
                   and any(isinstance(getattr(c, "id", None), dict) and c.id.get("chart") == "workforce-selection"
                           for c in walk(n)))
    rows = panel_table(section)["rowData"]
    links = next((n for n in walk(section) if getattr(n, "id", None) == "workforce-selection-categories"), None)
    hrefs = {} if links is None else {n.children: n.href for n in walk(links) if type(n).__name__ == "Link"}
    return section, rows, hrefs


def pooled_finding(wf, agency_is_all: bool):
    """A pooled (job_category ALL) row of the demo that shows adverse impact to the public, with its categories."""
    from dashboards._shared.selection import impact_finding

    table = wf["table"]
    rows = table[(table["job_category"] == "ALL") & table["adverse_impact"].fillna(False).astype(bool)]
    for agency in sorted(set(rows["agency_code"][(rows["agency_code"] == "ALL") == agency_is_all])):
        public = wf["public"](agency, "ALL")
        shown = public[public.apply(impact_finding, axis=1) == "adverse_impact"]
        if not shown.empty:
            return shown.sort_values("fiscal_year").iloc[-1]
    raise AssertionError("the demo plants disparities the rule finds, some of them public")


@pytest.mark.parametrize("statewide", [False, True], ids=["agency", "statewide"])
def test_a_pooled_finding_opens_its_job_categories(wf, statewide):
    from components.formatting import count, group_label, job_label, percent, ratio
    from dashboards._shared.selection import ACTIONS

    finding = pooled_finding(wf, statewide)
    agency, year, dim = finding["agency_code"], int(finding["fiscal_year"]), finding["group_dimension"]
    content = wf["page"].show(wf["rid"], str(year), agency, "ALL", dim, "significant")[0]
    section, rows, hrefs = panel(content)
    action_word = ACTIONS[finding["action"]][0]
    pooled = next(r for r in rows if r["group"] == group_label(finding["group_code"]) and r["action"] == action_word)
    assert pooled["finding"].startswith("▼ Adverse impact") and pooled["impact_ratio"] == ratio(finding["impact_ratio"])
    assert "Cochran–Mantel–Haenszel" in pooled["test"]
    # the pooled row links to every job category that has rows behind it
    behind = wf["table"][(wf["table"]["agency_code"] == agency) & (wf["table"]["fiscal_year"] == year)
                         & (wf["table"]["group_dimension"] == dim) & (wf["table"]["job_category"] != "ALL")]
    assert set(hrefs) == {job_label(c) for c in behind["job_category"].unique()}
    category = behind[(behind["action"] == finding["action"]) & (behind["group_code"] == finding["group_code"])
                      ]["job_category"].iloc[0]
    href = hrefs[job_label(category)]
    assert f"category={category}" in href and (f"agency={agency}" in href) is (agency != "ALL")
    # choosing that category (as the link does) shows that category's own rows, figure for figure
    content = wf["page"].show(wf["rid"], str(year), agency, category, dim, "significant")[0]
    _section, rows, hrefs = panel(content)
    assert not hrefs and job_label(category) in texts(_section)
    expected = behind[(behind["job_category"] == category)]
    public = wf["public"](agency, category)
    public = public[(public["fiscal_year"] == year) & (public["group_dimension"] == dim)]
    assert len(rows) == len(expected) == len(public)
    shown = {(r["action"], r["group"]): r for r in rows}
    for r in public.itertuples():
        row = shown[(ACTIONS[r.action][0], group_label(r.group_code))]
        if r.suppressed:
            assert row["pool"] == K_TEXT and row["selected"] == K_TEXT and row["impact_ratio"] == K_TEXT
            continue
        truth = expected[(expected["action"] == r.action) & (expected["group_code"] == r.group_code)].iloc[0]
        assert row["pool"] == count(truth["pool"]) and row["selected"] == count(truth["selected"])
        assert row["rate"] == percent(truth["rate"]) and row["impact_ratio"] == ratio(truth["impact_ratio"])
        test = "Cochran–Mantel–Haenszel, across agencies" if agency == "ALL" else "Fisher exact"
        assert row["test"] == test


def test_a_category_not_on_the_list_is_not_available(wf):
    from dashboards._shared import NOT_AVAILABLE
    from data_access.viewer import ANONYMOUS  # noqa: F401
    from embeds.render import render

    year = str(int(wf["table"]["fiscal_year"].max()))
    content, _crumbs, search, _view = wf["page"].show(wf["rid"], year, "ALL", "astronauts", "race_ethnicity",
                                                      "significant")
    assert NOT_AVAILABLE in str(content) and search is wf["page"].dash.no_update
    assert render(wf["settings"], "workforce-selection", {"release": wf["rid"], "category": "astronauts"}) is None
    shown = render(wf["settings"], "workforce-selection", {"release": wf["rid"], "category": "professionals"})
    assert shown is not None and "Professionals" in shown.parts.title


def test_the_four_fifths_only_view_is_labelled_as_such(wf):
    from components.formatting import group_label
    from dashboards._shared.selection import ACTIONS

    table = wf["table"]
    only = table[table["flag_four_fifths"].fillna(False).astype(bool)
                 & ~table["adverse_impact"].fillna(False).astype(bool) & ~table["suppressed"].astype(bool)
                 & table["reference_eligible"].fillna(False).astype(bool)]
    row = only.sort_values(["fiscal_year", "agency_code", "job_category"]).iloc[-1]
    content = wf["page"].show(wf["rid"], str(int(row["fiscal_year"])), row["agency_code"], row["job_category"],
                              row["group_dimension"], "significant")[0]
    section, rows, _hrefs = panel(content)
    words = texts(section)
    assert "△ Below four-fifths (ratio only, not tested)" in words
    shown = next(r for r in rows if r["group"] == group_label(row["group_code"])
                 and r["action"] == ACTIONS[row["action"]][0])
    assert shown["finding"].startswith("△ Below four-fifths (ratio only), not adverse impact")
    four_fifths = next(n for n in walk(section) if getattr(n, "id", None) == "workforce-findings-four-fifths")
    assert any(group_label(row["group_code"]) in texts(li) or group_label(row["group_code"]) in str(li.children)
               for li in four_fifths.children)
