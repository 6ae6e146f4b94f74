"""Embeds in headless Chromium, framed by a page of another origin (a static server on another port)."""
from __future__ import annotations

import csv
import hashlib
import hmac
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_browser_download import click, wait_for_csv
from tests.test_browser_grid import TABLE, same_text

pytestmark = pytest.mark.browser
SECRET = "a secret shared with nobody"
MAP = "/embed/access-map?measure=broadband&year=2024&region=09110"
PLOT_DATA = """
const plot = document.querySelector('.js-plotly-plot');
if (!plot || !plot.data || !plot.data.length) { return null; }
const frame = plot.querySelector('.layer.bg rect');
const box = frame ? frame.getBBox() : {width: 0, height: 0};
return {locations: plot.data[0].locations, names: plot.data[0].hovertext, height: plot.layout.height,
        width: plot.clientWidth, frame: [box.width, box.height],
        towns: plot.querySelectorAll('path.choroplethlocation').length, key: plot._fullLayout._size.b};
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def host(tmp_path):
    """Writes host pages and serves them from 127.0.0.1 on a port of its own (a different origin)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    def page(name: str, frames: dict[str, str]) -> str:
        iframes = "".join(f'<iframe id="{id_}" src="{src}" title="{id_}" width="360" height="700"></iframe>'
                          for id_, src in frames.items())
        html = f"<!DOCTYPE html><html lang='en'><title>Host</title><h1>A host</h1>{iframes}</html>"
        (tmp_path / name).write_text(html, encoding="utf-8")
        return f"{origin}/{name}"

    yield origin, page
    server.shutdown()


def settings_env(monkeypatch, **values: str) -> None:
    from data_access.queries import current_settings

    for key, value in values.items():
        monkeypatch.setenv(f"CT_EQUITY_{key}", value)
    current_settings.cache_clear()


def map_fitted(driver) -> bool:
    """The map has been drawn and resized to the frame (shorter than the 560 px it is drawn at) and has settled: its
    height is the one of its final width (a scroll bar that comes with the taller page narrows it once more)."""
    plot = driver.execute_script(PLOT_DATA) or {}
    if not plot.get("height") or plot["height"] >= 560 or not plot.get("width") or not plot.get("key"):
        return False
    return plot["height"] == round(plot["key"] + 490 * plot["width"] / 640)


def inside(driver, frame_id: str) -> None:
    driver.switch_to.default_content()
    driver.switch_to.frame(driver.find_element(By.ID, frame_id))


def test_map_embed_renders_in_another_site_and_downloads_its_table(dash_duo, app_env, host, monkeypatch):
    from app import app

    origin, page = host
    settings_env(monkeypatch, FRAME_ANCESTORS=origin)
    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.get(page("map.html", {"map": dash_duo.server_url + MAP, "home": dash_duo.server_url + "/"}))

    inside(driver, "map")
    WebDriverWait(driver, 30).until(map_fitted)
    plot = driver.execute_script(PLOT_DATA)
    assert len(plot["locations"]) == 169 and "Hartford" in plot["names"]  # the state, the region highlighted
    # the server frames the region in a 640 × 490 box; in a narrower frame the box fills the width and the
    # map is made as much shorter (490 px scaled, plus the colour key: 70 px, more with its labels turned)
    assert plot["width"] < 360 and plot["towns"] == 169
    assert plot["frame"][0] == pytest.approx(plot["width"], abs=2)
    assert plot["frame"][1] == pytest.approx(plot["width"] * 490 / 640, abs=2)
    assert plot["height"] == round(plot["key"] + 490 * plot["width"] / 640) and plot["key"] >= 70
    assert not driver.find_element(By.CSS_SELECTOR, ".navbar").is_displayed()  # chrome-less
    title = driver.find_element(By.CSS_SELECTOR, ".chart-panel h2").text
    assert title == "Households with broadband, 2024: towns of the Capitol Planning Region"
    section = driver.find_element(By.CSS_SELECTOR, "section.chart-panel")
    click(driver, section.find_element(By.XPATH, ".//summary[normalize-space()='Show data']"))
    table = WebDriverWait(driver, 10).until(lambda d: d.execute_script(TABLE, section))  # plain HTML, no AG Grid
    assert len(table["rows"]) == 38  # the Capitol region's towns
    click(driver, section.find_element(By.XPATH, ".//button[normalize-space()='Download CSV']"))
    with wait_for_csv(Path(dash_duo.download_path)).open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    headers = [h[2] for h in table["headers"]]
    assert records[0] == headers and len(records) - 1 == len(table["rows"])  # the names the table shows
    for screen, downloaded in zip(table["rows"], records[1:], strict=True):
        assert all(same_text(s, v) for s, v in zip(screen, downloaded, strict=True)), downloaded

    inside(driver, "home")  # the site's own pages refuse to be framed
    time.sleep(1.5)
    assert driver.find_elements(By.ID, "react-entry-point") == []
    driver.switch_to.default_content()


def test_signed_embed_shows_and_a_changed_one_is_refused(dash_duo, app_env, host, monkeypatch):
    from app import app

    _, page = host
    settings_env(monkeypatch, EMBED_SECRET=SECRET)
    # signature by hand: HMAC-SHA256 over "<chart id>?<sorted parameters>"
    sig = hmac.new(SECRET.encode(), b"overview-cards?year=2024", hashlib.sha256).hexdigest()
    dash_duo.start_server(app)
    base = dash_duo.server_url + "/embed/overview-cards"
    driver = dash_duo.driver
    driver.get(page("signed.html", {"good": f"{base}?year=2024&sig={sig}",
                                    "changed": f"{base}?year=2023&sig={sig}",
                                    "unsigned": f"{base}?year=2024"}))
    inside(driver, "good")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#card-workforce .card-value"))
    assert "In 2024," in driver.find_element(By.CSS_SELECTOR, ".chart-summary").text
    for frame in ("changed", "unsigned"):
        inside(driver, frame)
        alert = WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".alert-warning"))
        assert "address has been changed or is not signed" in alert[0].text
        assert driver.find_elements(By.CSS_SELECTOR, ".card-value") == []
    # A site that is not on the configured list cannot frame even a correctly signed embed.
    settings_env(monkeypatch, FRAME_ANCESTORS="https://portal.ct.gov")
    driver.switch_to.default_content()
    driver.refresh()
    inside(driver, "good")
    time.sleep(1.5)
    assert driver.find_elements(By.ID, "react-entry-point") == []
    driver.switch_to.default_content()


def test_embed_button_of_a_page_chart_gives_code_that_shows_it_in_a_phone_wide_frame(dash_duo, app_env, host):
    """The workforce trend of one agency: Embed → iframe code → the same chart in another site, 360 px wide."""
    from app import app

    _, page = host
    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/workforce?agency=DSS&dimension=sex")
    section = WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "section[aria-labelledby='workforce-trend-title']"))
    title = section.find_element(By.CSS_SELECTOR, "h2").text
    summary = section.find_element(By.CSS_SELECTOR, ".chart-summary").text
    click(driver, section.find_element(By.XPATH, ".//button[normalize-space()='Embed']"))
    box = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "embed-code-workforce-trend"))
    src = box.get_attribute("value").split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "/embed/workforce-trend?" in src and "agency=DSS" in src and "dimension=sex" in src

    driver.get(page("trend.html", {"trend": src}))
    inside(driver, "trend")
    shown = WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".chart-panel .chart-summary"))
    assert shown[0].text == summary and driver.find_element(By.CSS_SELECTOR, ".chart-panel h2").text == title
    assert not driver.find_element(By.CSS_SELECTOR, ".navbar").is_displayed()
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert width < 360
    # Usable on a phone: nothing wider than the frame once the chart has taken the frame's width (plotly sizes a
    # responsive figure a moment after it first draws it).
    fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    try:
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(fits))
    except TimeoutException:
        wide = driver.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 0.5).map(e => e.tagName + '.' + e.className + ' ' + "
            "Math.round(e.getBoundingClientRect().right)).slice(0, 12)")
        raise AssertionError(f"wider than the {width}px frame: {wide}") from None
    driver.switch_to.default_content()
