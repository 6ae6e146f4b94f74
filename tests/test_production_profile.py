"""The production profile: PostgreSQL + Redis + gunicorn (2 workers), two app servers sharing them."""
from __future__ import annotations

import http.client
import json
import re

import pytest
import redis

from bench.load import Gunicorn, router_payload
from data_access.db import get_engine
from data_access.releases import publish
from data_access.settings import load_settings
from data_access.users import add_user
from pipeline.build import build_release
from tests.conftest import REDIS_URL, service_missing

PASSWORD = "correct horse battery staple"
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    reply = conn.getresponse()
    data = reply.read()
    conn.close()
    return reply, data


@pytest.fixture
def production_env(pg_url, demo_inputs, tmp_path):
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        service_missing("Redis", str(exc))
    client.flushdb()
    from data_access.schema import metadata

    metadata.drop_all(get_engine(pg_url))
    env = {"CT_EQUITY_DATABASE_URL": pg_url, "CT_EQUITY_CACHE_URL": REDIS_URL,
           "CT_EQUITY_DATA_DIR": str(tmp_path / "data"), "CT_EQUITY_SECRET_KEY": "shared-secret-for-this-test",
           "CT_EQUITY_BOUNDARIES": "", "CT_EQUITY_BOOTSTRAP_DRAWS": "100",
           "CT_EQUITY_COOKIE_SECURE": "0"}
    settings = load_settings(env)
    result = build_release(demo_inputs, settings)
    engine = get_engine(pg_url)
    publish(engine, result.release_id)
    add_user(engine, "gov", PASSWORD, "statewide")
    return env, result.release_id


def test_two_stateless_app_servers_share_database_cache_and_sessions(production_env):
    env, release_id = production_env
    with Gunicorn("app:server", env) as a, Gunicorn("app:server", env) as b:
        for server in (a, b):
            reply, data = request(server.port, "GET", "/healthz")
            assert reply.status == 200 and release_id in json.loads(data)["reason"]
        body = router_payload("/")
        pages = [request(s.port, "POST", "/_dash-update-component", body, {"Content-Type": "application/json"})
                 for s in (a, b, a, b)]
        assert all(r.status == 200 for r, _ in pages)
        assert len({d for _, d in pages}) == 1 and release_id.encode() in pages[0][1]
        assert redis.Redis.from_url(REDIS_URL).keys("ct-equity:*"), "query results should be cached in Redis"

        # Sign in on server A; the session cookie works on server B (no state kept in a process).
        reply, data = request(a.port, "GET", "/login")
        cookie = reply.getheader("Set-Cookie").split(";")[0]
        token = re.search(rb'name="csrf" value="([^"]+)"', data).group(1).decode()
        form = f"csrf={token}&username=gov&password={PASSWORD.replace(' ', '+')}&next=/".encode()
        reply, _ = request(a.port, "POST", "/login", form,
                           {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        assert reply.status == 302
        signed = reply.getheader("Set-Cookie").split(";")[0]
        reply, data = request(b.port, "GET", "/_dash-layout", headers={"Cookie": signed})
        assert reply.status == 200 and b"gov (statewide)" in data
