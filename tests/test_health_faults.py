"""Honest health (issue #16): a damaged SQLite file makes /healthz say "damaged" and the log name the error;
CLI commands turn database errors into one line and exit 1; a bad boundary file stops `build` with exit 2."""
from __future__ import annotations

import json
import logging
import os
import sqlite3

import pytest
from click.testing import CliRunner

import cli


def damaged_copy(source_url: str, target, table: str, every: int = 1, share: float = 1.0) -> str:
    """A copy of the demo database with pages of one table's b-tree overwritten by garbage."""
    source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    page_size = copy.execute("PRAGMA page_size").fetchone()[0]
    pages = [row[0] for row in copy.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    copy.execute("PRAGMA journal_mode=DELETE")
    copy.close()
    chosen = pages[: max(1, int(len(pages) * share))][::every]
    with open(target, "r+b") as handle:
        for page in chosen:
            handle.seek((page - 1) * page_size)
            handle.write(os.urandom(page_size))
    return f"sqlite:///{target}"


def test_a_damaged_database_makes_healthz_say_damaged_and_log_the_error(app_env, tmp_path, monkeypatch, caplog):
    from app import app
    from data_access.queries import current_settings

    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200
    url = damaged_copy(app_env["env"]["CT_EQUITY_DATABASE_URL"], tmp_path / "damaged.sqlite",
                       "workforce_utilization", every=7)
    monkeypatch.setenv("CT_EQUITY_DATABASE_URL", url)
    current_settings.cache_clear()
    with caplog.at_level(logging.ERROR, logger="ct_equity"):
        first = client.get("/healthz")
        second = client.get("/healthz")
    body = json.loads(first.data)
    assert first.status_code == 503 and body["status"] == "damaged" and "damaged" in body["reason"]
    assert second.status_code == 503
    errors = [r.getMessage() for r in caplog.records if r.name == "ct_equity" and r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "damaged" in errors[0], errors  # logged once, with its cause


def test_cli_reports_a_damaged_database_in_one_line(app_env, tmp_path):
    url = damaged_copy(app_env["env"]["CT_EQUITY_DATABASE_URL"], tmp_path / "bad.sqlite", "releases")
    result = CliRunner().invoke(cli.main, ["releases", "list"],
                                env={"CT_EQUITY_DATABASE_URL": url, "CT_EQUITY_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: database damaged"), result.output
    assert "Traceback" not in result.output


def test_cli_reports_an_unreachable_database_in_one_line(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    for args in (["releases", "list"], ["users", "list"], ["releases", "rollback"]):
        result = CliRunner().invoke(cli.main, args, env={"CT_EQUITY_DATABASE_URL": url,
                                                         "CT_EQUITY_DATA_DIR": str(tmp_path)})
        assert result.exit_code == 1, (args, result.output)
        assert result.output.strip().startswith("Error: database unreachable") and len(
            result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("name,content", [("towns.geojson", b'{"type": "FeatureCollection", "feat'),
                                          ("towns.gpkg", b"SQLite format 3\x00" + os.urandom(8000)),
                                          ("towns.zip", b"PK\x03\x04" + os.urandom(500))],
                         ids=["geojson", "geopackage", "zip"])
def test_build_with_a_bad_boundary_file_exits_2_with_the_reason(demo_inputs, tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    env = {"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}",
           "CT_EQUITY_BOUNDARIES": str(bad), "CT_EQUITY_BOOTSTRAP_DRAWS": "50"}
    result = CliRunner().invoke(cli.main, ["build", "--inputs", str(demo_inputs)], env=env)
    assert result.exit_code == 2, result.output
    assert "Build refused: town boundaries" in result.output and name in result.output
    assert "Traceback" not in result.output
