"""Publishing warms the shared cache (issue #15): after `releases publish`, what each page asks for first is
answered from the cache, for the public only."""
from __future__ import annotations

import json

import dash
import pytest
from click.testing import CliRunner

from data_access.cache import backend
from data_access.queries import current_settings
from data_access.viewer import ANONYMOUS

ELSEWHERE = "http://127.0.0.1:8765/"  # another host: the response cache keeps nothing for it yet


@pytest.fixture
def fresh_cache(app_env, monkeypatch, tmp_path):
    """The published demo with an empty cache of its own."""
    monkeypatch.setenv("CT_EQUITY_CACHE_DIR", str(tmp_path / "cache"))
    current_settings.cache_clear()
    yield app_env
    current_settings.cache_clear()


def first_views(app, client) -> list[tuple[str, int]]:
    """Every page's first view as a browser asks for it (the page, then its first callbacks): (path, status)."""
    from web.warm import _router_body, first_callbacks, props_by_id

    dispatch = "/_dash-update-component"
    dependencies = client.get("/_dash-dependencies").get_json()
    answers = []
    for page in dash.page_registry.values():
        if page.get("path_template") or page["path"].startswith("/embed"):
            continue
        reply = client.post(dispatch, data=json.dumps(_router_body(page["path"], "")),
                            content_type="application/json", base_url=ELSEWHERE)
        answers.append((page["path"], reply.status_code))
        props = props_by_id(reply.get_json().get("response", {}))
        for body in first_callbacks(dependencies, props):
            reply = client.post(dispatch, data=json.dumps(body), content_type="application/json",
                                base_url=ELSEWHERE)
            answers.append((page["path"], reply.status_code))
    return answers


def test_after_warming_every_pages_first_view_is_answered_without_reading_the_database(fresh_cache, monkeypatch):
    from app import app
    from data_access import queries
    from web.warm import warm_release

    said = []
    done = warm_release(app, fresh_cache["release_id"], said.append)
    assert {path for path, _seconds in done} >= {"/", "/workforce", "/agencies", "/access", "/disparities",
                                                 "/contracting", "/equity-plans", "/casework"}
    assert any("/agencies" in line for line in said)
    assert any(path.startswith("/agencies/") for path, _seconds in done)  # one scorecard, for what all share

    def no_reads(*_args, **_kwargs):
        raise AssertionError("a first view read the release tables again")

    monkeypatch.setattr(queries, "_fetch", no_reads)
    answers = first_views(app, app.server.test_client())
    assert len(answers) > 15 and all(status in (200, 204) for _path, status in answers), answers


def test_after_warming_picking_another_year_reads_nothing_either(fresh_cache, monkeypatch):
    """Publishing also works out each other year of the pages that are not one agency's: a visitor's first change
    of year on the agency list (its rows are read per year) is answered from the cache."""
    from app import app
    from data_access import queries
    from web.warm import _router_body, props_by_id, warm_release, year_callbacks

    warm_release(app, fresh_cache["release_id"], lambda _line: None)
    monkeypatch.setattr(queries, "_fetch", lambda *_a, **_k: pytest.fail("a year change read the release tables"))
    client = app.server.test_client()
    dispatch = "/_dash-update-component"
    reply = client.post(dispatch, data=json.dumps(_router_body("/agencies", "")), content_type="application/json",
                        base_url=ELSEWHERE)
    props = props_by_id(reply.get_json()["response"])
    years = [o["value"] for o in props["agencies-year"]["options"]]
    bodies = list(year_callbacks(client.get("/_dash-dependencies").get_json(), props))
    assert len(years) > 1 and len(bodies) == len(years) - 1
    for body in bodies:
        chosen = next(i["value"] for i in body["inputs"] if i["id"] == "agencies-year")
        answer = client.post(dispatch, data=json.dumps(body), content_type="application/json", base_url=ELSEWHERE)
        assert answer.status_code == 200 and f"year={chosen}" in json.dumps(answer.get_json())


def test_an_empty_cache_reads_the_database(fresh_cache, monkeypatch):
    """The check above would notice: without warming, a first view reads the release tables."""
    from app import app
    from data_access import queries

    reads = []
    real = queries._fetch
    monkeypatch.setattr(queries, "_fetch", lambda *args: reads.append(1) or real(*args))
    first_views(app, app.server.test_client())
    assert reads


def test_warming_asks_only_as_the_public(fresh_cache, monkeypatch):
    """Nothing a signed-in viewer may see is worked out (and kept) while warming: every request is the public's."""
    from app import app
    from data_access.viewer import RESOLVER
    from web.warm import warm_release

    seen = []
    resolve = app.server.extensions[RESOLVER]
    monkeypatch.setitem(app.server.extensions, RESOLVER, lambda: seen.append(resolve()) or seen[-1])
    warm_release(app, fresh_cache["release_id"], lambda _line: None)
    assert seen and set(seen) == {ANONYMOUS}


def test_releases_warm_command_reports_each_page(fresh_cache):
    import cli

    env = {**fresh_cache["env"], "CT_EQUITY_CACHE_DIR": str(current_settings().cache_dir)}
    done = CliRunner().invoke(cli.main, ["releases", "warm"], env=env)
    assert done.exit_code == 0, done.output
    assert f"Warming the cache for {fresh_cache['release_id']}" in done.output
    assert "warmed /agencies" in done.output and "Warmed in" in done.output


def test_a_worker_draws_every_page_at_start_without_keeping_or_reusing_answers(fresh_cache, monkeypatch):
    """gunicorn.conf.py has each worker draw every page's first view before it serves (its one-time costs paid
    then, not by the first visitor): each callback really runs, even when the response cache already holds its
    answer, and no answer is kept for anyone."""
    from app import app
    from dashboards.agencies import page as agencies_page
    from dashboards.agencies import scorecard
    from web.warm import warm_release, warm_worker

    warm_release(app, fresh_cache["release_id"], lambda _line: None)  # the response cache holds the answers
    store = backend(current_settings())
    before = store.entry_count()
    drawn = []
    for module in (agencies_page, scorecard):
        real = module.rendered
        monkeypatch.setattr(module, "rendered", lambda *args, real=real, **kw: drawn.append(args) or real(*args, **kw))
    done = warm_worker(app)
    assert {path for path, _seconds in done} >= {"/", "/workforce", "/agencies", "/access", "/equity-plans"}
    release = fresh_cache["release_id"]
    assert any(args[1] == release for args in drawn)  # the agency list (viewer, release, …)
    assert any(args[0] == release for args in drawn)  # a scorecard (release, agency code, …)
    assert store.entry_count() == before


def test_a_worker_stops_drawing_pages_after_its_time(fresh_cache):
    """A worker's drawing at start is bounded (gunicorn.conf.py gives it 20 s): past the time, no page is begun and
    visitors pay for the rest; each page drawn is reported (the worker tells gunicorn it is alive then)."""
    from app import app
    from web.warm import warm_worker

    said = []
    assert warm_worker(app, said.append, seconds=0) == []
    assert said == []
    done = warm_worker(app, said.append, seconds=60)
    assert len(done) == len(said) > 5
