"""Property-based conformance of the data API to its own OpenAPI document (schemathesis, every check)."""
from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from data_access.queries import current_settings


@pytest.fixture
def live_server(app_env):
    """The app with the published demo on a real socket (schemathesis runs in its own process)."""
    from api import register_api
    from app import app
    from web.auth import resolve_viewer

    if "api_v1" not in app.server.blueprints:
        register_api(app.server, resolve_viewer)
    current_settings.cache_clear()
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_api_conforms_to_its_openapi_document(live_server, app_env, tmp_path):
    release = app_env["release_id"]
    config = tmp_path / "schemathesis.toml"
    # Real release ids for the parameters that name one, so those operations reach their data too.
    config.write_text(f'[parameters]\n"query.from" = "{release}"\n"query.to" = "{release}"\n'
                      f'"path.release_id" = "{release}"\n')
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
               f"{live_server}/api/v1/openapi.json", "-n", "20", "--seed", "1",
               "--phases", "examples,coverage,fuzzing", "--checks", "all", "--no-color"]
    done = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert "No issues found" in done.stdout and "20/20" in done.stdout, report
