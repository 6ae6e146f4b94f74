"""Accounts and sign-in: hashed passwords, CSRF and origin checks, rate limiting, trusted-header mode."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import cli
from data_access.db import get_engine
from data_access.queries import current_settings
from data_access.schema import users
from data_access.users import UserError, add_user, authenticate, list_users, viewer_of
from data_access.viewer import Viewer

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(app_env, monkeypatch):
    from app import app

    engine = get_engine(current_settings().database_url)
    with engine.begin() as conn:
        conn.execute(users.delete())
    add_user(engine, "dss-eeo", PASSWORD, "agency", frozenset({"DSS"}))
    add_user(engine, "gov", PASSWORD, "statewide")
    app.server.config["TESTING"] = True
    return app.server.test_client()


def csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_passwords_are_hashed_with_argon2_and_checked(db_url):
    engine = get_engine(db_url)
    add_user(engine, "alice", PASSWORD, "statewide")
    with engine.connect() as conn:
        stored = conn.execute(users.select()).first().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(engine, "alice", PASSWORD) == Viewer("statewide")
    assert authenticate(engine, "alice", "wrong password here") is None
    assert authenticate(engine, "nobody", PASSWORD) is None
    with pytest.raises(UserError, match="exists"):
        add_user(engine, "alice", PASSWORD, "statewide")
    with pytest.raises(UserError, match="at least 12"):
        add_user(engine, "bob", "short", "admin")
    with pytest.raises(UserError, match="agency code"):
        add_user(engine, "carol", PASSWORD, "agency")


def test_users_cli(tmp_path):
    env = {"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_DATABASE_URL": f"sqlite:///{tmp_path / 'u.sqlite'}"}
    runner = CliRunner()
    added = runner.invoke(
        cli.main,
        ["users", "add", "eeo", "--role", "agency", "--agency", "DOC", "--agency", "DSS", "--password", PASSWORD],
        env=env,
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli.main, ["users", "list"], env=env)
    assert "eeo" in listed.output and "DOC,DSS" in listed.output
    engine = get_engine(env["CT_EQUITY_DATABASE_URL"])
    assert viewer_of(engine, "eeo") == Viewer("agency", frozenset({"DOC", "DSS"}))
    changed = runner.invoke(cli.main, ["users", "set-password", "eeo", "--password", "another long password"], env=env)
    assert changed.exit_code == 0 and authenticate(engine, "eeo", "another long password")
    assert runner.invoke(cli.main, ["users", "remove", "eeo"], env=env).exit_code == 0
    assert list_users(engine) == []
    assert runner.invoke(cli.main, ["users", "remove", "eeo"], env=env).exit_code != 0


def test_sign_in_sets_a_safe_cookie_and_sign_out_clears_it(client):
    token = csrf(client)
    bad = client.post("/login", data={"csrf": token, "username": "gov", "password": "nope nope nope"})
    assert bad.status_code == 401 and "do not match" in bad.get_data(as_text=True)
    good = client.post("/login", data={"csrf": token, "username": "gov", "password": PASSWORD, "next": "/"})
    assert good.status_code == 302 and good.headers["Location"] == "/"
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "gov (statewide)" in layout
    token = csrf(client)
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    assert "gov (statewide)" not in client.get("/_dash-layout").get_data(as_text=True)


def test_open_redirects_are_refused(client):
    reply = client.post(
        "/login", data={"csrf": csrf(client), "username": "gov", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert reply.headers["Location"] == "/"


def test_missing_csrf_token_and_foreign_origin_are_refused(client):
    assert client.post("/login", data={"username": "gov", "password": PASSWORD}).status_code == 400
    foreign = client.post(
        "/login",
        data={"csrf": csrf(client), "username": "gov", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def test_login_attempts_are_rate_limited(client, monkeypatch):
    monkeypatch.setenv("CT_EQUITY_LOGIN_RATE_LIMIT", "3 per minute")
    current_settings.cache_clear()
    token = csrf(client)
    codes = [
        client.post(
            "/login",
            data={"csrf": token, "username": "gov", "password": "wrong wrong wrong"},
            environ_base={"REMOTE_ADDR": "10.9.8.7"},
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]


def test_trusted_header_only_from_configured_proxies(client, monkeypatch):
    from app import app
    from web.auth import resolve_viewer

    monkeypatch.setenv("CT_EQUITY_TRUSTED_HEADER", "X-Remote-User")
    monkeypatch.setenv("CT_EQUITY_TRUSTED_PROXIES", "10.0.0.5")
    current_settings.cache_clear()
    with app.server.test_request_context(
        "/", headers={"X-Remote-User": "gov"}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
    ):
        assert resolve_viewer() == Viewer("statewide")
    with app.server.test_request_context(
        "/", headers={"X-Remote-User": "gov"}, environ_base={"REMOTE_ADDR": "10.0.0.6"}
    ):
        assert resolve_viewer().role == "anonymous"
    with app.server.test_request_context(
        "/", headers={"X-Remote-User": "ghost"}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
    ):
        assert resolve_viewer().role == "anonymous"
