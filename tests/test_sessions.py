"""Sessions that end (issue #16): sign-out, a new password, a role change and removal end every earlier
session of the account; an idle session expires; an older users table gains its session column."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

import cli
from data_access import sessions
from data_access.db import get_engine
from data_access.queries import current_settings
from data_access.schema import users
from data_access.users import add_user, remove_user, set_role

PASSWORD = "correct horse battery staple"
DETAIL = "/api/v1/workforce-utilization?fiscal_year=2023&agency_code=BOPP&group_dimension=race_ethnicity&limit=1000"


@pytest.fixture
def app_client(app_env):
    from api import register_api
    from app import app
    from web.auth import resolve_viewer

    if "api_v1" not in app.server.blueprints:
        register_api(app.server, resolve_viewer)
    engine = get_engine(current_settings().database_url)
    with engine.begin() as conn:
        conn.execute(users.delete().where(users.c.username.in_(["bopp-s", "gov-s"])))
    add_user(engine, "bopp-s", PASSWORD, "agency", frozenset({"BOPP"}))
    add_user(engine, "gov-s", PASSWORD, "statewide")
    app.server.config["TESTING"] = True
    return app.server


def sign_in(client, username: str) -> str:
    """Sign in and return the session cookie's value, as an attacker who copied it would hold it."""
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    reply = client.post("/login", data={"csrf": token, "username": username, "password": PASSWORD, "next": "/"})
    assert reply.status_code == 302
    return client.get_cookie("session").value


def with_cookie(server, value: str):
    other = server.test_client()
    other.set_cookie("session", value)
    return other


def hidden_rows(client) -> int:
    """How many BOPP 2023 rows come back suppressed (0 for BOPP's own user, several for the public)."""
    return sum(1 for r in client.get(DETAIL).get_json()["rows"] if r["suppressed"])


def signed_in_as(client, name: str) -> bool:
    return name in client.get("/_dash-layout").get_data(as_text=True)


def test_a_cookie_saved_before_sign_out_is_anonymous_afterwards(app_client):
    client = app_client.test_client()
    saved = sign_in(client, "gov-s")
    copy = with_cookie(app_client, saved)
    assert signed_in_as(copy, "gov-s (statewide)")  # the copied cookie works while the session lasts
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/logout").get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    replay = with_cookie(app_client, saved)
    assert not signed_in_as(replay, "gov-s")
    assert replay.get("/api/v1/releases").headers["Cache-Control"].startswith("public")  # anonymous again


def test_a_cookie_saved_before_a_password_change_loses_the_detail(app_client, app_env):
    client = app_client.test_client()
    saved = sign_in(client, "bopp-s")
    assert hidden_rows(with_cookie(app_client, saved)) == 0
    public = hidden_rows(app_client.test_client())
    assert public > 0
    result = CliRunner().invoke(cli.main, ["users", "set-password", "bopp-s", "--password", "a brand new password"],
                                env=app_env["env"])
    assert result.exit_code == 0, result.output
    assert hidden_rows(with_cookie(app_client, saved)) == public
    assert hidden_rows(client) == public  # the session that changed nothing ends too


def test_role_change_and_removal_end_sessions(app_client):
    engine = get_engine(current_settings().database_url)
    saved = sign_in(app_client.test_client(), "gov-s")
    set_role(engine, "gov-s", "agency", frozenset({"DSS"}))
    assert not signed_in_as(with_cookie(app_client, saved), "gov-s")
    saved = sign_in(app_client.test_client(), "bopp-s")
    remove_user(engine, "bopp-s")
    assert hidden_rows(with_cookie(app_client, saved)) > 0


def test_an_idle_session_expires(app_client, monkeypatch):
    monkeypatch.setenv("CT_EQUITY_SESSION_IDLE_MINUTES", "5")
    current_settings.cache_clear()
    client = app_client.test_client()
    start = 1_900_000_000.0
    monkeypatch.setattr(sessions.time, "time", lambda: start)
    sign_in(client, "gov-s")
    monkeypatch.setattr(sessions.time, "time", lambda: start + 4 * 60)
    assert signed_in_as(client, "gov-s")  # active within the limit (and the clock restarts)
    monkeypatch.setattr(sessions.time, "time", lambda: start + 8 * 60)
    assert signed_in_as(client, "gov-s")  # 4 minutes after the last request
    monkeypatch.setattr(sessions.time, "time", lambda: start + 8 * 60 + 5 * 60 + 1)
    assert not signed_in_as(client, "gov-s")


def test_an_older_users_table_gains_the_session_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_engine(url)
    with old.begin() as conn:  # the users table as the first release created it
        conn.execute(text("CREATE TABLE users (username VARCHAR(64) PRIMARY KEY, password_hash VARCHAR(200) NOT NULL,"
                          " role VARCHAR(16) NOT NULL, agencies VARCHAR(400) NOT NULL, created_at DATETIME NOT NULL)"))
        conn.execute(text("INSERT INTO users VALUES ('old', 'x', 'statewide', '', :t)"), {"t": datetime.now(UTC)})
    old.dispose()
    runner = CliRunner()
    env = {"CT_EQUITY_DATABASE_URL": url, "CT_EQUITY_DATA_DIR": str(tmp_path)}
    result = runner.invoke(cli.main, ["users", "set-password", "old", "--password", PASSWORD], env=env)
    assert result.exit_code == 0, result.output
    engine = get_engine(url)
    assert "session_version" in {c["name"] for c in inspect(engine).get_columns("users")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT session_version FROM users WHERE username = 'old'")).scalar_one() == 1
