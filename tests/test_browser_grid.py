"""AG Grid only where a grid is drawn (DESIGN §8), in headless Chromium: a page fetches the grid's code when a
reader opens "Show data"; an embed loads none of AG Grid and shows its data as a plain HTML table."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_a11y import axe_violations
from tests.test_browser_download import GRID_ROWS, click, wait_for_csv

pytestmark = pytest.mark.browser
PANEL = "section[aria-labelledby='contracting-small-title']"
FETCHED = "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('dash_ag_grid'))"
GRID_CELLS = """
const rows = [...arguments[0].querySelectorAll('.ag-center-cols-container .ag-row')]
    .sort((a, b) => +a.getAttribute('row-index') - +b.getAttribute('row-index'));
return rows.map(r => [...r.querySelectorAll('.ag-cell')].map(c => c.textContent.trim()));
"""
TABLE = """
const table = arguments[0].querySelector('details table');
if (!table) { return null; }
return {caption: table.caption && table.caption.textContent,
        headers: [...table.tHead.rows[0].cells].map(c => [c.tagName, c.getAttribute('scope'), c.textContent]),
        rows: [...table.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))};
"""


def same_text(shown: str, downloaded: str) -> bool:
    """A table cell and its CSV text are the same figure (numbers compared as numbers)."""
    try:
        return math.isclose(float(shown), float(downloaded), rel_tol=1e-12)
    except ValueError:
        return shown == downloaded


def open_with_keyboard(driver, summary) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", summary)
    driver.execute_script("arguments[0].focus();", summary)
    summary.send_keys(Keys.ENTER)


def grid_rows(driver, panel) -> list[list[str]]:
    """The rows the grid draws (all of its first page), once it has drawn them."""
    return WebDriverWait(driver, 20).until(lambda d: d.execute_script(GRID_CELLS, panel))


def test_a_page_fetches_the_grid_only_when_show_data_is_opened(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.wait_for_page(url=dash_duo.server_url + "/contracting?lang=es")
    dash_duo.wait_for_element(f"{PANEL} .js-plotly-plot .main-svg", timeout=30)
    assert "Mostrar datos" in dash_duo.find_element(f"{PANEL} summary").text
    # The page has AG Grid's script (any page may draw a grid after in-page navigation), but not its grid code.
    assert [n for n in driver.execute_script(FETCHED) if "async-community" in n] == []
    assert driver.find_elements(By.CSS_SELECTOR, ".ag-root") == []

    panel = dash_duo.find_element(PANEL)
    open_with_keyboard(driver, panel.find_element(By.CSS_SELECTOR, "summary"))  # Enter on the focused summary
    rows = grid_rows(driver, panel)
    assert [n for n in driver.execute_script(FETCHED) if "async-community" in n]
    grid = driver.execute_script(GRID_ROWS, "contracting-small")
    assert len(grid["rows"]) == 39  # every agency of the demo release, as in the chart
    headers = [h.text for h in panel.find_elements(By.CSS_SELECTOR, ".ag-header-cell-text")]
    assert headers[:3] == ["Agencia", "Código", "Grupo de agencias similares"] == grid["headers"][:3]
    assert len(rows) == 25 and rows[0][0] == grid["rows"][0]["agency"]  # first page of 25, in the data's order
    assert "Página" in panel.find_element(By.CSS_SELECTOR, ".ag-paging-panel").text  # the grid speaks Spanish

    # Closing and opening again keeps the same grid; a changed filter brings its new rows into the open table.
    summary = panel.find_element(By.CSS_SELECTOR, "summary")
    click(driver, summary)
    click(driver, summary)
    assert grid_rows(driver, panel) == rows
    year = Select(dash_duo.find_element("#contracting-year"))
    other = next(o.get_attribute("value") for o in year.options if not o.is_selected())
    year.select_by_value(other)
    WebDriverWait(driver, 20).until(lambda d: f"year={other}" in d.current_url)
    panel = dash_duo.find_element(PANEL)
    assert panel.find_element(By.CSS_SELECTOR, "details").get_attribute("open") is not None
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(GRID_CELLS, d.find_element(By.CSS_SELECTOR, PANEL)))
    assert dash_duo.get_logs() == []


def test_an_embed_loads_no_grid_and_shows_the_chart_s_rows_in_a_plain_table(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    driver = dash_duo.driver
    # The page's grid, drawn from the same rows: the plain table must show what it shows.
    dash_duo.wait_for_page(url=dash_duo.server_url + "/contracting?lang=es")
    panel = dash_duo.wait_for_element(PANEL, timeout=30)
    dash_duo.wait_for_element(f"{PANEL} .js-plotly-plot .main-svg", timeout=30)
    click(driver, panel.find_element(By.CSS_SELECTOR, "summary"))
    on_page = grid_rows(driver, panel)

    driver.get(dash_duo.server_url + "/embed/contracting-small?lang=es")
    panel = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.chart-panel"))
    assert "dash_ag_grid" not in " ".join(s.get_attribute("src") or "" for s in
                                          driver.find_elements(By.CSS_SELECTOR, "script"))
    assert driver.execute_script("return typeof window.dash_ag_grid") == "undefined"
    assert driver.execute_script(FETCHED) == []  # nothing of AG Grid was fetched at all
    summary = panel.find_element(By.CSS_SELECTOR, "summary")
    assert summary.text == "Mostrar datos"
    open_with_keyboard(driver, summary)
    table = WebDriverWait(driver, 10).until(lambda d: d.execute_script(TABLE, panel))
    assert panel.find_element(By.CSS_SELECTOR, "details table").is_displayed()
    assert table["caption"] == panel.find_element(By.CSS_SELECTOR, "h2").text
    assert [h[:2] for h in table["headers"]] == [["TH", "col"]] * 8
    assert [h[2] for h in table["headers"]][:3] == ["Agencia", "Código", "Grupo de agencias similares"]
    assert len(table["rows"]) == 39
    assert table["rows"][:25] == on_page  # the same rows, columns and number text as the page's grid
    assert driver.find_elements(By.CSS_SELECTOR, ".ag-root") == []
    assert axe_violations(driver) == []  # the open table too

    click(driver, panel.find_element(By.XPATH, ".//button[normalize-space()='Descargar CSV']"))
    with wait_for_csv(Path(dash_duo.download_path)).open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert records[0] == [h[2] for h in table["headers"]] and len(records) - 1 == 39
    for shown, downloaded in zip(table["rows"], records[1:], strict=True):
        assert all(same_text(s, d) for s, d in zip(shown, downloaded, strict=True)), downloaded
    assert dash_duo.get_logs() == []


def test_a_long_embed_table_shows_its_first_rows_and_downloads_them_all(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/embed/access-ranked?measure=broadband")
    panel = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.chart-panel"))
    click(driver, panel.find_element(By.CSS_SELECTOR, "summary"))
    table = WebDriverWait(driver, 10).until(lambda d: d.execute_script(TABLE, panel))
    assert len(table["rows"]) == 50
    note = panel.find_element(By.CSS_SELECTOR, "details p").text
    assert note == "Showing the first 50 of 169 rows; “Download CSV” holds all of them."
    click(driver, panel.find_element(By.XPATH, ".//button[normalize-space()='Download CSV']"))
    with wait_for_csv(Path(dash_duo.download_path)).open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert len(records) - 1 == 169 and records[1:51] == table["rows"]  # every town; the first 50 as shown
    assert dash_duo.get_logs() == []
