"""The response cache in front of Dash's dispatch (web/response_cache.py, issue #15): a kept answer reaches only
viewers with the same rights, in the same language, for published releases; a hit is the same bytes."""
from __future__ import annotations

import json
import re

import pytest
from flask import g

from data_access.db import get_engine
from data_access.queries import current_settings
from data_access.schema import users
from data_access.users import add_user

PASSWORD = "correct horse battery staple"
AGENCY = "BOPP"  # a small agency: much of its detail is suppressed for the public
DISPATCH = "/_dash-update-component"


@pytest.fixture
def server(app_env):
    from app import app

    engine = get_engine(current_settings().database_url)
    with engine.begin() as conn:
        conn.execute(users.delete().where(users.c.username.in_(["bopp-rc", "gov-rc"])))
    add_user(engine, "bopp-rc", PASSWORD, "agency", frozenset({AGENCY}))
    add_user(engine, "gov-rc", PASSWORD, "statewide")
    app.server.config["TESTING"] = True
    return app.server


def sign_in(client, username: str) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    reply = client.post("/login", data={"csrf": token, "username": username, "password": PASSWORD, "next": "/"})
    assert reply.status_code == 302


def values_by_id(node, found: dict | None = None) -> dict:
    """Every component id in a rendered layout with its `value` (the filters the page starts with)."""
    found = {} if found is None else found
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str) and "value" in props:
            found[props["id"]] = props["value"]
        for child in node.values():
            values_by_id(child, found)
    elif isinstance(node, list):
        for child in node:
            values_by_id(child, found)
    return found


def scorecard_body(client) -> bytes:
    """The request the browser sends to fill BOPP's scorecard with its starting filters."""
    from bench.load import router_payload

    page = client.post(DISPATCH, data=router_payload(f"/agencies/{AGENCY}"), content_type="application/json")
    assert page.status_code == 200
    start = values_by_id(page.get_json())
    ids = ["agency-release", "agency-year", "agency-dimension", "agency-convention", "agency-category"]
    assert all(i in start for i in ids), sorted(start)
    output = next(d["output"] for d in client.get("/_dash-dependencies").get_json()
                  if d["output"].startswith("..agency-content.children..."))
    return json.dumps({
        "output": output,
        "outputs": [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
                    for part in output.strip(".").split("...")],
        "inputs": [{"id": i, "property": "value", "value": start[i]} for i in ids],
        "state": [{"id": "agency-code", "property": "data", "value": AGENCY}],
        "changedPropIds": ["agency-year.value"],
    }).encode()


def hidden(answer: bytes) -> int:
    """How many cells the answer shows as suppressed."""
    return len(re.findall(r"suppressed \(fewer than", answer.decode()))


def ask(client, body: bytes) -> bytes:
    reply = client.post(DISPATCH, data=body, content_type="application/json")
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return reply.get_data()


def test_an_agency_users_kept_answer_never_reaches_an_anonymous_caller(server, monkeypatch):
    """Same body, different viewer → a different answer, with the public's suppression intact, both while the
    agency user's answer is kept and after; the public answer equals one drawn with no cache at all."""
    from data_access.cache import backend

    anonymous, agency = server.test_client(), server.test_client()
    sign_in(agency, "bopp-rc")
    body = scorecard_body(anonymous)

    kept = ask(agency, body)
    assert ask(agency, body) == kept  # now answered from the cache
    public = ask(anonymous, body)
    assert hidden(public) > hidden(kept)  # the public sees BOPP's small cells suppressed; BOPP's user does not
    assert public != kept

    monkeypatch.setattr(type(backend(current_settings())), "get", lambda self, key: None)  # no cache at all
    assert ask(server.test_client(), body) == public


def test_a_hit_is_byte_identical_and_drawn_once(server, monkeypatch):
    """A repeated request is answered from the cache with the same bytes, without running the callback again."""
    import dashboards.agencies.scorecard as scorecard

    client = server.test_client()
    body = scorecard_body(client)
    first = ask(client, body)
    monkeypatch.setattr(scorecard, "rendered", lambda *a, **k: pytest.fail("the callback ran again"))
    assert ask(server.test_client(), body) == first


def test_language_and_viewer_are_part_of_the_key(server):
    client = server.test_client()
    body = scorecard_body(client)
    english = ask(client, body)
    spanish = server.test_client()
    spanish.set_cookie("ct_equity_lang", "es")
    assert ask(spanish, body) != english
    statewide = server.test_client()
    sign_in(statewide, "gov-rc")
    assert hidden(ask(statewide, body)) < hidden(english)


def test_nothing_is_kept_while_a_draft_is_visible(server, app_env, monkeypatch):
    """Once a draft exists, a statewide user (who can open it) is never answered from the cache and nothing of
    theirs is kept; the public, who cannot see the draft, still is."""
    from data_access import queries
    from data_access.cache import GuardedCache
    from data_access.schema import releases
    from web.response_cache import HIT, KEY

    monkeypatch.setattr(queries, "RELEASE_LIST_SECONDS", 1e-6)  # every request reads the release list afresh
    written: list[str] = []
    keep = GuardedCache.set
    monkeypatch.setattr(GuardedCache, "set", lambda self, key, value: (written.append(key), keep(self, key, value)))
    engine = get_engine(current_settings().database_url)
    draft_id = "draft-response-cache-test"
    with engine.begin() as conn:
        row = conn.execute(releases.select().where(releases.c.release_id == app_env["release_id"])).mappings().one()
        conn.execute(releases.insert().values({**row, "release_id": draft_id, "status": "draft"}))
    try:
        statewide = server.test_client()
        sign_in(statewide, "gov-rc")
        body = scorecard_body(statewide)
        assert draft_id in scorecard_body_text(statewide)  # the release list on their page names the draft
        written.clear()
        with statewide:
            ask(statewide, body)
            assert g.get(KEY) is None and not g.get(HIT)
        assert not [k for k in written if k.startswith("response:")]
        fresh = json.loads(body) | {"changedPropIds": ["agency-dimension.value"]}  # not asked before: not kept yet
        ask(server.test_client(), json.dumps(fresh).encode())  # the public
        assert [k for k in written if k.startswith("response:")]
    finally:
        with engine.begin() as conn:
            conn.execute(releases.delete().where(releases.c.release_id == draft_id))


def scorecard_body_text(client) -> str:
    from bench.load import router_payload

    return client.post(DISPATCH, data=router_payload(f"/agencies/{AGENCY}"),
                       content_type="application/json").get_data(as_text=True)


def test_the_public_fast_path_keeps_flasks_checks_and_headers(server):
    """A kept answer for the public is still refused to a foreign origin, and carries the app's headers."""
    client = server.test_client()
    body = scorecard_body(client)
    first = client.post(DISPATCH, data=body, content_type="application/json")
    hit = client.post(DISPATCH, data=body, content_type="application/json")
    assert hit.get_data() == first.get_data()
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type", "Server-Timing"):
        assert hit.headers.get(name), name
    foreign = client.post(DISPATCH, data=body, content_type="application/json",
                          headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403
    zipped = client.post(DISPATCH, data=body, content_type="application/json", headers={"Accept-Encoding": "gzip"})
    again = client.post(DISPATCH, data=body, content_type="application/json", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("Content-Encoding") == again.headers.get("Content-Encoding") == "gzip"
    assert again.get_data() == zipped.get_data()


def test_values_off_the_lists_and_respellings_do_not_fill_the_cache(server, monkeypatch):
    """An answer to a made-up filter value is not kept; the same request spelt with other spacing is one entry."""
    from data_access.cache import GuardedCache

    written: list[str] = []
    keep = GuardedCache.set
    monkeypatch.setattr(GuardedCache, "set", lambda self, key, value: (written.append(key), keep(self, key, value)))
    client = server.test_client()
    body = json.loads(scorecard_body(client))
    made_up = {**body, "inputs": [dict(i, value="1066") if i["id"] == "agency-year" else i for i in body["inputs"]]}
    written.clear()
    for _ in range(2):
        assert "not available" in ask(client, json.dumps(made_up).encode()).decode()
    assert not [k for k in written if k.startswith("response:")]
    ask(client, json.dumps(body, indent=1).encode())
    ask(client, json.dumps(body, indent=3).encode())
    assert len({k.rsplit(":", 1)[-1] for k in written if k.startswith("response:")}) <= 1


def test_a_changed_setting_is_a_new_key(server, monkeypatch):
    """A kept answer holds figures suppressed at the configured k: after k changes (the shared store outlives a
    restart), the same request is another entry."""
    from data_access.viewer import ANONYMOUS
    from web.response_cache import _key

    body = b'{"output": "x", "inputs": []}'
    with server.test_request_context("/"):
        before = _key(ANONYMOUS, "en", "http://localhost/", body)
        monkeypatch.setenv("CT_EQUITY_SUPPRESSION_K", "11")
        current_settings.cache_clear()
        after = _key(ANONYMOUS, "en", "http://localhost/", body)
    current_settings.cache_clear()
    assert before and after and before != after
