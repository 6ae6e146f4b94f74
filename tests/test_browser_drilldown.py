"""Overview → agency list → agency scorecard → workforce drill-down, then the back button, in headless Chromium."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def selected(dash_duo, id_: str) -> str:
    return Select(dash_duo.find_element(f"#{id_}")).first_selected_option.get_attribute("value")


def click(dash_duo, element) -> None:
    """Scroll an element to the middle of the window, then click it as a person would.

    Bootstrap makes scrolling smooth; an instant scroll keeps the element still when the click lands.
    """
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def test_drill_down_from_the_overview_and_back(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    # The view re-renders under our feet after back: a stale element means "look again", not failure.
    wait = WebDriverWait(dash_duo.driver, 20, ignored_exceptions=(StaleElementReferenceException,))
    click(dash_duo, dash_duo.wait_for_element("#card-selection a", timeout=20))  # the Hiring card

    # The agency list: follow the Department of Correction to its scorecard.
    dash_duo.wait_for_element("#agencies-table", timeout=20)
    wait.until(lambda d: query(d.current_url).get("release") == app_env["release_id"])
    click(dash_duo, dash_duo.driver.find_element(By.LINK_TEXT, "Department of Correction"))
    dash_duo.wait_for_element("#agency-categories", timeout=20)
    assert urlsplit(dash_duo.driver.current_url).path == "/agencies/DOC"
    assert dash_duo.find_element("h1").text == "Department of Correction"
    assert "Equity plan and affirmative-action plan" in dash_duo.find_element("#agency-content").text

    # A job category of the scorecard opens the drill-down with that agency and category chosen.
    click(dash_duo, dash_duo.find_element("#agency-categories").find_element(By.LINK_TEXT, "Professionals"))
    dash_duo.wait_for_contains_text(
        "#workforce-representation-summary", "of Professionals at the Department of Correction", timeout=20
    )
    first_url = dash_duo.driver.current_url
    assert query(first_url) == {
        "release": app_env["release_id"],
        "year": query(first_url)["year"],
        "agency": "DOC",
        "category": "professionals",
    }
    assert (
        selected(dash_duo, "workforce-agency"),
        selected(dash_duo, "workforce-category"),
        selected(dash_duo, "workforce-dimension"),
    ) == ("DOC", "professionals", "race_ethnicity")
    first_summary = dash_duo.find_element("#workforce-representation-summary").text
    assert "Department of Correction" in dash_duo.find_element("#workforce-breadcrumb").text

    # Another group dimension: the URL, the bars and the summary follow.
    Select(dash_duo.find_element("#workforce-dimension")).select_by_value("sex")
    wait.until(lambda d: query(d.current_url).get("dimension") == "sex")
    wait.until(lambda d: d.find_element(By.ID, "workforce-representation-summary").text != first_summary)
    bars = dash_duo.driver.execute_script(
        "return document.querySelector('#workforce-content .js-plotly-plot').data[0].y;"
    )
    assert set(bars) <= {"Women", "Men", "Non-binary or unspecified"}

    # The back button restores the previous view: URL, selected values and content.
    dash_duo.driver.back()
    wait.until(lambda d: d.current_url == first_url)
    wait.until(
        lambda d: (
            Select(d.find_element(By.ID, "workforce-dimension")).first_selected_option.get_attribute("value")
            == "race_ethnicity"
        )
    )
    dash_duo.wait_for_text_to_equal("#workforce-representation-summary", first_summary, timeout=20)
    assert (selected(dash_duo, "workforce-agency"), selected(dash_duo, "workforce-category")) == (
        "DOC",
        "professionals",
    )
    bars = dash_duo.driver.execute_script(
        "return document.querySelector('#workforce-content .js-plotly-plot').data[0].y;"
    )
    assert "Hispanic or Latino" in bars
    assert dash_duo.get_logs() == []
