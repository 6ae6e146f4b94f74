"""Disparities, contracting, equity-plan and methodology pages together on the published demo: layouts and default
views, hostile callback inputs and query strings, a database that is down."""
from __future__ import annotations

import pytest

from tests.public_pages import HOSTILE, PAGES, component_ids, default_args, is_notice, page


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


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
def test_hostile_inputs_get_a_notice_never_an_error(app_env, name, value):
    from dashboards._shared import NOT_AVAILABLE

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
def test_hostile_inputs_to_the_small_callbacks(app_env, value):
    import dash

    from dashboards._shared import NOT_AVAILABLE

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
    from dashboards._shared import DB_DOWN
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
