"""Accessibility: axe-core in headless Chromium over every page; no serious or critical violation."""

from __future__ import annotations

import os
import re
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
    "/casework",
    "/casework?agency=DSS&by=outcome",
    "/methodology",
    "/login",
    # embeds of other sites' frames: one chart of each page
    "/embed/workforce-representation?agency=DSS",
    "/embed/workforce-level",
    "/embed/agencies-list",
    "/embed/agency-selection?agency=DSS",
    "/embed/workforce-selection?agency=DSS&category=professionals",
    "/embed/access-lens?measure=uninsured&group=hispanic&region=09110",
    "/embed/town-profile?geoid=0911037070",
    "/embed/disparities-dissimilarity?level=county",
    "/embed/contracting-trend?agency=DSS",
    "/embed/plans-directory",
    "/embed/overview-cards",
    "/embed/overview-benchmark",
    "/embed/agency-utilization?agency=DSS",
    "/embed/access-map",
    "/embed/disparities-groups",
    "/embed/contracting-small",
    "/embed/casework-closing?agency=DSS",
    "/embed/casework-goals",
    "/embed/agency-casework-complaints?agency=DSS",
]


def axe_violations(driver) -> list[dict]:
    # axe walks every node: the longest pages take tens of seconds on a loaded 2-core CI machine (WebDriver's
    # default script timeout, 30 s, was once too short there).
    driver.set_script_timeout(180)
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


# Words that only English text has: a Spanish page line with two of them (data names removed) is untranslated.
ENGLISH = re.compile(r"\b(the|and|with|this|that|are|than|each|which|where|show|download|of|for|from|by|is|not|"
                     r"to|or|sign|data|release|page|chart|groups?|towns?|agency|agencies)\b", re.IGNORECASE)
VISIBLE_TEXT = """const main = document.querySelector('main') || document.body;
const copy = main.cloneNode(true);
copy.querySelectorAll('pre, code, script, style, .js-plotly-plot').forEach(e => e.remove());
document.body.appendChild(copy); const text = copy.innerText; copy.remove(); return text;"""


def data_names(settings, release_id: str, lang: str = "en") -> list[str]:
    """Names that come from the data (agencies, measures, towns, regions): not interface text. On a Spanish
    page an agency or measure with a Spanish name given must show that one (issue #18), so only it is spared;
    peer groups are translated in the interface, so they are not spared in Spanish."""
    from data_access.queries import read_table

    names = {"CT Equity Benchmarks", "Office of Equity and Opportunity"}  # proper names stay as they are
    spanish = {"agency_name": "agency_name_es", "label": "label_es"} if lang == "es" else {}
    peer = () if lang == "es" else ("peer_group",)
    for table, cols in (("agencies", ("agency_name", *peer)), ("measures", ("label", "source")),
                        ("towns", ("town_name", "region_name", "county_name"))):
        frame = read_table(settings, table, release_id)
        for c in cols:
            values = frame[c]
            if c in spanish and spanish[c] in frame.columns:
                given = frame[spanish[c]].notna() & (frame[spanish[c]].astype(str).str.strip() != "")
                values = frame[spanish[c]].where(given, values)
            names |= {str(v) for v in values.dropna()}
    return sorted(names, key=len, reverse=True)


def english_lines(text: str, names: list[str]) -> list[str]:
    """Lines of a page's text that read as English once the data's own names are taken out."""
    found = []
    for line in text.splitlines():
        rest = line
        for name in names:
            rest = rest.replace(name, " ")
        if len(ENGLISH.findall(rest)) >= 2:
            found.append(line.strip()[:120])
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_has_no_serious_accessibility_violation(dash_duo, app_env, lang):
    """axe-core over every page and embed, in English and in Spanish; Spanish pages have no English left."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}; scripts/test.sh installs it from the npm registry")
    from app import app

    dash_duo.start_server(app)
    names = data_names(app_env["settings"], app_env["release_id"], lang)
    problems, untranslated = {}, {}
    for path in PAGES:
        dash_duo.driver.get(dash_duo.server_url + path + ("&" if "?" in path else "?") + f"lang={lang}")
        if path == "/login":
            dash_duo.wait_for_element("h1", timeout=10)
        else:
            settle(dash_duo)
        if path.startswith("/embed/"):  # the chart itself is audited, not a "not available" notice
            assert dash_duo.driver.find_elements("css selector", ".chart-panel .chart-summary"), path
        assert dash_duo.driver.execute_script("return document.documentElement.lang") == lang, path
        found = axe_violations(dash_duo.driver)
        if found:
            problems[path] = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in found]
        if lang == "es" and (lines := english_lines(dash_duo.driver.execute_script(VISIBLE_TEXT), names)):
            untranslated[path] = lines
    assert not problems, problems
    assert not untranslated, f"English left on Spanish pages: {untranslated}"


def test_the_english_detector_flags_english_and_spares_spanish_and_data_names():
    names = ["Department of Correction"]
    assert english_lines("Show data for the agency", names)
    assert not english_lines("Mostrar datos del Department of Correction", names)
    assert not english_lines("La fuerza laboral de todo el estado en 2024", names)
