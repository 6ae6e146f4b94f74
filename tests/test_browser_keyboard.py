"""A drill-down with the keyboard only: skip link, tabbing to a card link, Enter, changing a filter."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def active(driver):
    return driver.switch_to.active_element


def tab_until(driver, predicate, limit: int = 80):
    """Press Tab until the focused element satisfies predicate; return it."""
    for _ in range(limit):
        active(driver).send_keys(Keys.TAB)
        element = active(driver)
        if predicate(element):
            return element
    raise AssertionError("never reached the element with the keyboard")


def test_keyboard_only_drill_down(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.wait_for_element("#card-workforce .card-value", timeout=20)
    body = driver.find_element("css selector", "body")
    body.send_keys(Keys.TAB)
    skip = active(driver)
    assert skip.text == "Skip to main content" and skip.is_displayed(), "the skip link shows on focus"
    skip.send_keys(Keys.ENTER)
    link = tab_until(driver, lambda e: e.tag_name == "a" and "/workforce" in (e.get_attribute("href") or ""))
    assert "Open the details" in link.text
    outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", link)
    shadow = driver.execute_script("return getComputedStyle(arguments[0]).boxShadow", link)
    assert outline != "none" or shadow != "none", "focus must be visible"
    link.send_keys(Keys.ENTER)
    WebDriverWait(driver, 15).until(lambda d: "/workforce" in d.current_url)
    dash_duo.wait_for_element("#workforce-content", timeout=20)
    select = tab_until(driver, lambda e: e.tag_name == "select" and e.get_attribute("id") == "workforce-year")
    before = select.get_attribute("value")
    select.send_keys(Keys.ARROW_DOWN)
    WebDriverWait(driver, 15).until(lambda d: f"year={before}" not in d.current_url and "year=" in d.current_url)
    after = driver.find_element("css selector", "#workforce-year").get_attribute("value")
    assert after != before
    time.sleep(0.5)
    assert f"{after}" in driver.find_element("css selector", "#workforce-content").text
    assert dash_duo.get_logs() == []
