"""The language switcher in headless Chromium: Spanish keeps the page and its filters, follows navigation and
filter changes, and English comes back the same way."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from babel.messages.pofile import read_po
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

CATALOG = Path(__file__).resolve().parents[1] / "components/translations/es/LC_MESSAGES/messages.po"


def spanish(english: str) -> str:
    """The catalog's Spanish for an English interface string (the test fails if there is none)."""
    with CATALOG.open("rb") as handle:
        entry = read_po(handle, locale="es").get(english)
    assert entry is not None and entry.string, f"no Spanish for {english!r}"
    return entry.string


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_switching_to_spanish_keeps_the_view_and_follows_navigation(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    driver = dash_duo.driver
    wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
    driver.get(dash_duo.server_url + "/workforce?category=professionals")
    dash_duo.wait_for_element("#workforce-representation-summary", timeout=20)
    english_title = dash_duo.find_element("#main h1").text
    assert driver.execute_script("return document.documentElement.lang") == "en"

    # The switcher links to this very view in Spanish.
    link = dash_duo.find_element("#shell-lang-es")
    wait.until(lambda d: "category=professionals" in (link.get_attribute("href") or ""))
    driver.execute_script("arguments[0].click();", link)
    wait.until(lambda d: d.execute_script("return document.documentElement.lang") == "es")
    dash_duo.wait_for_element("#workforce-representation-summary", timeout=20)
    assert query(driver.current_url)["category"] == "professionals"  # the filters survive the switch
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#main h1").text == spanish(english_title))
    assert dash_duo.find_element("#shell-lang-es").get_attribute("aria-current") == "true"
    assert spanish("Sign in") in dash_duo.find_element("nav").text
    professionals = Select(dash_duo.find_element("#workforce-category")).first_selected_option.text
    assert professionals == spanish("Professionals")

    # A filter change re-renders through a callback: still Spanish.
    Select(dash_duo.find_element("#workforce-category")).select_by_value("technicians")
    wait.until(lambda d: query(d.current_url).get("category") == "technicians")
    wait.until(lambda d: spanish("Technicians").lower()
               in d.find_element(By.CSS_SELECTOR, "#workforce-representation-title").text.lower())

    # In-app navigation (no reload, no `lang` in the address) stays in Spanish.
    driver.find_element(By.LINK_TEXT, spanish("Agencies")).click()
    wait.until(lambda d: urlsplit(d.current_url).path == "/agencies")
    dash_duo.wait_for_element("#agencies-table", timeout=20)
    assert spanish("Show data") in dash_duo.find_element("#main").text

    # And back to English.
    driver.execute_script("arguments[0].click();", dash_duo.find_element("#shell-lang-en"))
    wait.until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    dash_duo.wait_for_element("#agencies-table", timeout=20)
    assert "Show data" in dash_duo.find_element("#main").text
    assert "Sign in" in dash_duo.find_element("nav").text
