"""Limits and small things (issue #16): 413 before a body is read, the login limit shared through Redis with
Retry-After, quiet 4xx for made-up requests, HSTS, no versions, private draft geometry, look-alike formulas."""
from __future__ import annotations

import csv
import io
import json
import logging
import random
import re
import sqlite3
from datetime import UTC, datetime

import pytest
from flask import Flask

from data_access.csv_export import csv_text
from data_access.queries import current_settings
from tests.conftest import REDIS_URL, service_missing

LOOK_ALIKES = ["＝HYPERLINK(\"http://x\")", "＋1", "－1", "＠SUM(A1)", "\tx", "\rx", "﹦1", "−1", "\u3000=1"]


class CountingStream:
    """A request body that counts what the server reads of it (endless: the server must stop by itself)."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else min(size, 65536)
        self.read_bytes += size
        return b" " * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def post_stream(server, body: CountingStream, **environ: object):
    """POST a streamed body to the callback endpoint, with the WSGI environ set as a server would set it."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    env = EnvironBuilder(path="/_dash-update-component", method="POST", content_type="application/json").get_environ()
    env.pop("CONTENT_LENGTH", None)
    env.update({"wsgi.input": body, **environ})
    chunks, status, _headers = run_wsgi_app(server, env)
    b"".join(chunks)
    return int(status.split()[0])


@pytest.fixture
def server(app_env):
    from app import app

    return app.server


def test_a_declared_body_above_the_limit_gets_413_unread(server):
    body = CountingStream()
    reply = post_stream(server, body, CONTENT_LENGTH="800000000")
    assert reply == 413 and body.read_bytes == 0


def test_a_chunked_body_above_the_limit_is_cut_at_the_limit(server):
    body = CountingStream()
    reply = post_stream(server, body, HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    limit = current_settings().max_request_bytes
    assert reply == 413 and body.read_bytes <= limit + 65536


def test_a_body_within_the_limit_still_works(server):
    reply = server.test_client().post("/login", data={"username": "x", "password": "y"})
    assert reply.status_code == 400  # no CSRF token: refused by the form, not by the size limit


def auth_only_app(name: str) -> Flask:
    """A second and third app instance: only the sign-in part, as two gunicorn workers would each hold it."""
    from web.auth import register_auth
    from web.language import register_language

    app = Flask(name)
    app.secret_key = "test"
    register_language(app)
    register_auth(app)
    return app


def test_the_login_limit_holds_across_two_instances_sharing_redis(app_env, monkeypatch):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing("Redis", str(exc))
    monkeypatch.setenv("CT_EQUITY_CACHE_URL", REDIS_URL)
    monkeypatch.setenv("CT_EQUITY_LOGIN_RATE_LIMIT", "4 per minute")
    current_settings.cache_clear()
    first, second = auth_only_app("worker1").test_client(), auth_only_app("worker2").test_client()
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"

    def attempt(client) -> object:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        return client.post("/login", data={"csrf": token, "username": "gov", "password": "wrong wrong wrong"},
                           environ_base={"REMOTE_ADDR": address})

    codes = [attempt(client).status_code for client in (first, second, first, second)]
    assert codes == [401, 401, 401, 401]
    refused = attempt(second)
    assert refused.status_code == 429 and attempt(first).status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_made_up_requests_get_quiet_4xx(server, caplog):
    client = server.test_client()
    clientside = next(d for d in client.get("/_dash-dependencies").get_json() if d.get("clientside_function"))
    with caplog.at_level(logging.INFO):
        asset = client.get("/_dash-component-suites/dash/dash.py")
        browser_only = client.post("/_dash-update-component", json={
            "output": clientside["output"], "outputs": {"id": "shell-view", "property": "data"},
            "inputs": [{"id": "page-rendered", "property": "data", "value": 1}], "changedPropIds": []})
        nonsense = client.post("/_dash-update-component", json={"output": 5, "inputs": "x"})
    assert asset.status_code == 404 and browser_only.status_code == 400 and nonsense.status_code == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_pages_name_no_versions(server):
    import dash
    import plotly

    html = server.test_client().get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert not {"python_version", "dash_version", "plotly_version", "dash_version_url"} & set(config)
    assert f'"{plotly.__version__}"' not in html and f'"{dash.__version__}"' not in html


def test_script_and_favicon_addresses_carry_no_versions_and_stay_cached(server):
    """Dash's fingerprints (`dash_renderer.v4_4_1m….js`, `_favicon.ico?v=4.4.1`) are rewritten to a digest: the
    page, its config and every script address name no Dash, Plotly, component-library or Python version, and
    every script is still served, with a year of caching."""
    import platform
    from importlib.metadata import version

    import dash
    import plotly

    client = server.test_client()
    for path in ("/", "/access", "/embed/access-map"):
        html = client.get(path).get_data(as_text=True)
        urls = re.findall(r'(?:src|href)="([^"]+)"', html)
        scripts = [u for u in urls if "/_dash-component-suites/" in u]
        assert len(scripts) >= 8 and any("_favicon.ico" in u for u in urls)
        versions = {dash.__version__, plotly.__version__, platform.python_version(),
                    version("dash-bootstrap-components"), version("dash-ag-grid")}
        for found in versions:
            assert found not in html and found.replace(".", "_") not in html, (path, found)
        for url in scripts:
            response = client.get(url)
            assert response.status_code == 200 and "max-age=31536000" in response.headers["Cache-Control"], url
    renderer = next(u for u in scripts if "dash_renderer" in u)
    assert re.search(r"dash_renderer\.v[0-9a-f]{12}m0\.min\.js$", renderer)


def test_hsts_only_over_https_and_only_when_set(server, monkeypatch):
    client = server.test_client()
    assert "Strict-Transport-Security" not in client.get("/healthz", base_url="https://localhost").headers
    monkeypatch.setenv("CT_EQUITY_HSTS_SECONDS", "31536000")
    current_settings.cache_clear()
    assert client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains")
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


@pytest.fixture
def copied_release(app_env, tmp_path, monkeypatch):
    """A private copy of the demo database (so rows can be changed) holding also a draft with boundaries."""
    from data_access.db import get_engine
    from data_access.queries import read_table
    from data_access.releases import write_release

    source = sqlite3.connect(app_env["env"]["CT_EQUITY_DATABASE_URL"].removeprefix("sqlite:///"))
    target = sqlite3.connect(tmp_path / "copy.sqlite")
    source.backup(target)
    target.execute("UPDATE agencies SET agency_name = ? WHERE agency_code = 'DSS'", (LOOK_ALIKES[0],))
    target.commit()
    target.close()
    url = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    monkeypatch.setenv("CT_EQUITY_DATABASE_URL", url)
    monkeypatch.setenv("CT_EQUITY_CACHE_DIR", str(tmp_path / "cache"))
    current_settings.cache_clear()
    geometry = read_table(current_settings(), "geometry", app_env["release_id"])
    row = {"release_id": "draft-geo", "created_at": datetime.now(UTC), "inputs_sha256": "0" * 64,
           "code_version": "test", "notes": "", "synthetic": True}
    write_release(get_engine(url), row, {"geometry": geometry})
    yield url
    current_settings.cache_clear()


def test_draft_geometry_is_private_and_published_geometry_public(copied_release, app_env, server):
    from data_access.db import get_engine
    from data_access.users import add_user

    client = server.test_client()
    add_user(get_engine(copied_release), "gov-geo",
             "correct horse battery staple", "statewide")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf": token, "username": "gov-geo", "password": "correct horse battery staple"})
    draft = client.get("/geo/draft-geo/town.geojson")
    published = client.get(f"/geo/{app_env['release_id']}/town.geojson")
    assert draft.status_code == 200 and draft.headers["Cache-Control"] == "private, no-store"
    assert published.status_code == 200 and "public" in published.headers["Cache-Control"]
    assert server.test_client().get("/geo/draft-geo/town.geojson").status_code == 404  # never to the public


def test_look_alike_formula_characters_are_neutralised_in_the_api_csv(copied_release, server):
    text = server.test_client().get("/api/v1/agencies?format=csv&agency_code=DSS").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["agency_name"] == "'" + LOOK_ALIKES[0]


def test_look_alike_formula_characters_are_neutralised_in_chart_downloads(server):
    from web.downloads import download_csv

    rows = [{"name": value, "n": 1} for value in LOOK_ALIKES] + [{"name": "Hartford", "n": 2}]
    sent = download_csv(1, rows, [{"field": "name"}, {"field": "n"}], {"type": "panel-grid", "chart": "c"})
    cells = [r[0] for r in csv.reader(io.StringIO(sent["content"], newline=""))][1:]
    assert cells == ["'" + value for value in LOOK_ALIKES] + ["Hartford"]


def test_csv_text_neutralises_every_look_alike_and_keeps_plain_text():
    rows = list(csv.reader(io.StringIO(csv_text(["a"], [{"a": v} for v in [*LOOK_ALIKES, "a=b", "O'Neil", "2024"]]),
                                       newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in LOOK_ALIKES] + ["a=b", "O'Neil", "2024"]
