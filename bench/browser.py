"""Pages in headless Chromium: server time of every callback (Server-Timing), bytes transferred, hosts."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CALLBACK = "/_dash-update-component"
ENTRIES = """performance.setResourceTimingBufferSize(10000);
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).map(e => ({
  name: e.name, transfer: e.transferSize, body: e.encodedBodySize,
  server: (e.serverTiming || []).filter(t => t.name === 'app').map(t => t.duration)[0]}));"""


@dataclass
class PageVisit:
    path: str
    callback_ms: list[float] = field(default_factory=list)
    filter_callback_ms: list[float] = field(default_factory=list)
    filter_response_bytes: list[int] = field(default_factory=list)
    transferred_bytes: int = 0
    geometry_bytes: int = 0
    external: list[str] = field(default_factory=list)


# Counts the page's fetches still waiting for their answer: a page is settled only when none is (a callback slower
# than the quiet period must still be measured, not lost when the next page is opened).
PENDING = """(() => { const f = window.fetch; window.__benchPending = 0;
  window.fetch = function (...args) { window.__benchPending += 1;
    return f.apply(this, args).finally(() => { window.__benchPending -= 1; }); }; })();"""


def chromium() -> webdriver.Chrome:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PENDING})
    return driver


def _settle(driver: webdriver.Chrome, quiet: float = 0.8, timeout: float = 30) -> list[dict]:
    """Wait until no request is pending and no new resource has appeared for `quiet` seconds; return all entries."""
    deadline = time.time() + timeout
    count, since = -1, time.time()
    while time.time() < deadline:
        entries = driver.execute_script(ENTRIES)
        if len(entries) != count or driver.execute_script("return window.__benchPending || 0"):
            count, since = len(entries), time.time()
        elif time.time() - since >= quiet:
            return entries
        time.sleep(0.1)
    return driver.execute_script(ENTRIES)


def visit(driver: webdriver.Chrome, base: str, path: str, change_filters: int = 3) -> PageVisit:
    """Open a page with an empty browser cache, then change up to `change_filters` of its selects."""
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get("about:blank")
    driver.get(base + path)
    entries = _settle(driver)
    result = PageVisit(path)
    host = urlparse(base).netloc
    for e in entries:
        if urlparse(e["name"]).netloc not in (host, ""):
            result.external.append(e["name"])
        result.transferred_bytes += int(e["transfer"] or 0)
        if "/geo/" in e["name"] and e["name"].endswith("town.geojson"):
            result.geometry_bytes = int(e["transfer"] or e["body"] or 0)
        if CALLBACK in e["name"] and e["server"] is not None:
            result.callback_ms.append(float(e["server"]))
    for select_element in driver.find_elements(By.TAG_NAME, "select")[:change_filters]:
        before = len(entries)
        try:
            select = Select(select_element)
            options = [o.get_attribute("value") for o in select.options]
            current = select.first_selected_option.get_attribute("value")
            others = [o for o in options if o != current]
            if not others:
                continue
            select.select_by_value(others[len(others) // 2])
        except Exception:  # noqa: BLE001 - the page re-rendered under us; skip this control
            continue
        entries = _settle(driver)
        for e in entries[before:]:
            if CALLBACK in e["name"] and e["server"] is not None:
                result.filter_callback_ms.append(float(e["server"]))
                result.filter_response_bytes.append(int(e["body"] or 0))
    return result
