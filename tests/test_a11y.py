"""Accessibility: axe-core in headless Chromium over every page; no serious or critical violation."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE_JS = Path(
    os.environ.get("AXE_JS", Path(__file__).resolve().parents[1] / ".cache/axe/node_modules/axe-core/axe.min.js")
)
PAGES = [
    "/",
    "/agencies",
    "/agencies/DSS",
    "/workforce",
    "/access",
    "/towns/0911037070",
    "/disparities",
    "/contracting",
    "/equity-plans",
    "/methodology",
    "/login",
]


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations));"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def settle(dash_duo, seconds: float = 1.0) -> None:
    """Wait for Dash to finish its callbacks, then a moment more for plotly to draw."""
    dash_duo.wait_for_element("#main h1", timeout=20)
    deadline = time.time() + 20
    while time.time() < deadline:
        if not dash_duo.driver.execute_script(
            "return document.querySelector('[data-dash-is-loading=\"true\"]') !== null"
        ):
            break
        time.sleep(0.2)
    time.sleep(seconds)


def test_every_page_has_no_serious_accessibility_violation(dash_duo, app_env):
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}; scripts/test.sh installs it from the npm registry")
    from app import app

    dash_duo.start_server(app)
    problems = {}
    for path in PAGES:
        dash_duo.driver.get(dash_duo.server_url + path)
        if path == "/login":
            dash_duo.wait_for_element("h1", timeout=10)
        else:
            settle(dash_duo)
        found = axe_violations(dash_duo.driver)
        if found:
            problems[path] = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in found]
    assert not problems, problems
