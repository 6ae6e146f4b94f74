"""In headless Chromium: a chart's CSV download holds exactly its data table; the plan directory search."""
from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

GRID_ROWS = """
const api = window.dash_ag_grid.getApi({type: 'panel-grid', chart: arguments[0]});
if (!api) { return null; }
const rows = [];
api.forEachNode(node => rows.push(node.data));
return {fields: api.getColumnDefs().map(c => c.field), headers: api.getColumnDefs().map(c => c.headerName),
        rows: rows};
"""


def same(screen: object, downloaded: str) -> bool:
    """A grid value and its CSV text are the same figure (numbers compared as numbers, missing as empty)."""
    if screen is None:
        return downloaded == ""
    if isinstance(screen, (int, float)):
        return math.isclose(float(screen), float(downloaded), rel_tol=1e-12)
    return str(screen) == downloaded


def click(driver, element, tries: int = 5) -> None:
    """Bring an element to the middle of the window, then click it as a person would.

    Bootstrap turns on smooth scrolling, which makes the driver click where the element was mid-scroll;
    scroll instantly first (and try again if a chart above is still growing to its height)."""
    for attempt in range(tries):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if attempt == tries - 1:
                raise
            time.sleep(0.3)


def wait_for_csv(folder: Path, timeout: float = 15) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        done = [p for p in folder.glob("*.csv") if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no CSV arrived in {folder}")


def test_contracting_download_holds_exactly_the_table_on_screen(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/contracting")
    dash_duo.wait_for_element("#contracting-small-summary", timeout=20)
    section = dash_duo.find_element("section[aria-labelledby='contracting-small-title']")
    dash_duo.wait_for_element("section[aria-labelledby='contracting-small-title'] .js-plotly-plot .main-svg")
    click(dash_duo.driver, section.find_element(By.CSS_SELECTOR, "summary"))
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: section.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row"))
    grid = dash_duo.driver.execute_script(GRID_ROWS, "contracting-small")
    assert grid and len(grid["rows"]) == 39  # one row per agency of the demo release, as in the chart
    # What the browser renders is the grid's data: the first visible row is the first data row.
    first = section.find_element(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row[row-index='0']")
    assert first.find_element(By.CSS_SELECTOR, "[col-id='agency']").text == grid["rows"][0]["agency"]

    click(dash_duo.driver, section.find_element(By.XPATH, ".//button[normalize-space()='Download CSV']"))
    path = wait_for_csv(Path(dash_duo.download_path))
    with path.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert records[0] == grid["headers"]  # the column names the table shows, not the field ids
    assert len(records) - 1 == len(grid["rows"])
    for screen, downloaded in zip(grid["rows"], records[1:], strict=True):
        pairs = zip(grid["fields"], downloaded, strict=True)
        assert all(same(screen.get(f), v) for f, v in pairs), downloaded
    assert dash_duo.get_logs() == []


def test_plan_search_narrows_the_directory_and_goes_into_the_url(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/equity-plans")
    dash_duo.wait_for_element("#plans-directory-table tbody tr", timeout=20)

    def rows() -> list[str]:
        return [r.text for r in dash_duo.find_elements("#plans-directory-table tbody tr")]

    everyone = rows()
    assert len(everyone) == 39
    search = dash_duo.find_element("#plans-search")
    assert dash_duo.find_element("label[for='plans-search']").text == "Search agencies"
    search.send_keys("health")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "q=health" in d.current_url)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: 0 < len(rows()) < len(everyone))
    narrowed = rows()
    assert all("health" in r.lower() for r in narrowed)
    assert len(narrowed) == sum("health" in r.lower() for r in everyone)
    # The copied link shows the same directory.
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_element("#plans-directory-table tbody tr", timeout=20)
    assert dash_duo.find_element("#plans-search").get_attribute("value") == "health"
    assert rows() == narrowed
    links = dash_duo.find_elements("#plans-directory-table a.plan-link")
    assert links and all(a.get_attribute("rel") == "noopener noreferrer" for a in links)
    assert all(a.get_attribute("href").startswith("https://") for a in links)
    assert dash_duo.get_logs() == []
