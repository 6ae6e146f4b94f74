"""Shared fixtures: databases (SQLite and PostgreSQL), demo inputs built once, a published demo release.

Nothing here needs ../shared or the network: builds use the town layer shipped in geo/.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_setup_options():
    """Headless Debian Chromium for dash_duo (see ci-notes)."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--window-size=1280,900"):
        options.add_argument(arg)
    return options


def service_missing(what: str, reason: str) -> None:
    """Skip with a visible reason, except in CI (CI=true), where a missing service is a failure."""
    message = f"{what} not reachable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def shared_reference(relative: str) -> Path:
    """A file of the independent reference data in ../shared; skip with the reason when absent (fail in CI)."""
    path = SHARED / relative
    if not path.is_file():
        message = f"reference file ../shared/{relative} is not beside the repository ({path})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; in CI it must be present")
        pytest.skip(message)
    return path


def pytest_collection_modifyitems(items) -> None:
    """Mark every test that uses the PostgreSQL database (directly or as a db_url parameter) `postgres`."""
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"ct_equity_test_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        service_missing("PostgreSQL", str(exc).splitlines()[0])
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from data_access.db import get_engine

    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """Each database test runs on the embedded SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'release.sqlite'}"
    base = request.getfixturevalue("pg_url")
    # A clean schema per test: drop every table of ours first.
    from data_access.db import get_engine
    from data_access.schema import metadata

    metadata.drop_all(get_engine(base))
    return base


@pytest.fixture(scope="session")
def demo_inputs(tmp_path_factory) -> Path:
    """The default synthetic demo inputs, generated once."""
    from pipeline.demo.generate import write_demo_inputs

    out = tmp_path_factory.mktemp("demo-inputs")
    write_demo_inputs(out, seed=2024, scale=1)
    return out


@pytest.fixture
def settings_for(monkeypatch, tmp_path):
    """Settings pointing at a database URL (and a private data folder), as the app would read them."""
    from data_access.queries import current_settings
    from data_access.settings import load_settings

    def make(database_url: str, **extra: str):
        monkeypatch.setenv("CT_EQUITY_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("CT_EQUITY_DATABASE_URL", database_url)
        monkeypatch.setenv("CT_EQUITY_BOOTSTRAP_DRAWS", "200")
        for key, value in extra.items():
            monkeypatch.setenv(f"CT_EQUITY_{key}", value)
        current_settings.cache_clear()
        return load_settings()

    yield make
    current_settings.cache_clear()


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory, demo_inputs):
    """A SQLite database holding the demo release, built and published once for app and browser tests."""
    from data_access.db import get_engine
    from data_access.releases import publish
    from data_access.settings import load_settings
    from pipeline.build import build_release

    folder = tmp_path_factory.mktemp("published")
    env = {
        "CT_EQUITY_DATA_DIR": str(folder),
        "CT_EQUITY_DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite'}",
        "CT_EQUITY_BOUNDARIES": "",  # the town layer shipped in geo/: no network, nothing beside the repository
        "CT_EQUITY_BOOTSTRAP_DRAWS": "200",
    }
    settings = load_settings(env)
    result = build_release(demo_inputs, settings)
    publish(get_engine(settings.database_url), result.release_id)
    return {"env": env, "release_id": result.release_id, "settings": settings, "result": result}


@pytest.fixture(scope="session")
def cli_published(tmp_path_factory, demo_inputs):
    """A database with one release built and published by `ct-equity build --publish`, built once per session.

    For tests of refused builds only: they check that it still holds exactly this one published release.
    """
    from click.testing import CliRunner

    import cli
    from data_access.db import get_engine
    from data_access.releases import current_release_id

    folder = tmp_path_factory.mktemp("cli-published")
    env = {"CT_EQUITY_DATA_DIR": str(folder), "CT_EQUITY_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite'}",
           "CT_EQUITY_BOOTSTRAP_DRAWS": "20", "CT_EQUITY_BOUNDARIES": ""}
    done = CliRunner().invoke(cli.main, ["build", "--inputs", str(demo_inputs), "--publish"], env=env)
    assert done.exit_code == 0, done.output
    return {"env": env, "release_id": current_release_id(get_engine(env["CT_EQUITY_DATABASE_URL"])),
            "output": done.output}


@pytest.fixture
def app_env(published_demo, monkeypatch):
    """The process environment pointing at the published demo database."""
    from data_access.queries import current_settings

    for key, value in published_demo["env"].items():
        monkeypatch.setenv(key, value)
    current_settings.cache_clear()
    yield published_demo
    current_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_login_limits():
    """Every test starts with the login limit unspent: sign-ins of earlier tests (all from 127.0.0.1, within
    the same minute) must not turn a later test's sign-in away. The limit itself is tested where it is set."""
    import sys

    app_module = sys.modules.get("app")
    if app_module is not None and hasattr(app_module, "app"):
        for limiter in app_module.app.server.extensions.get("limiter", ()):
            limiter.reset()
    yield
