"""The overview in headless Chromium: cards with data, the synthetic notice, and a period change."""
from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser


def test_period_change_changes_the_cards_and_the_url(dash_duo, app_env):
    from app import app

    dash_duo.start_server(app)
    dash_duo.wait_for_element("#card-workforce .card-value", timeout=20)
    assert "Synthetic demo data" in dash_duo.find_element("#synthetic-notice").text
    select = Select(dash_duo.find_element("#overview-year"))
    years = [o.get_attribute("value") for o in select.options]
    assert len(years) >= 3
    before = dash_duo.find_element("#card-workforce .card-summary").text
    assert years[0] in before
    select.select_by_value(years[2])
    dash_duo.wait_for_contains_text("#card-workforce .card-summary", f"in {years[2]}", timeout=10)
    assert dash_duo.find_element("#card-workforce .card-summary").text != before
    WebDriverWait(dash_duo.driver, 5).until(lambda d: f"year={years[2]}" in d.current_url)
    # A reload of the copied link shows the same view.
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text("#card-workforce .card-summary", f"in {years[2]}", timeout=20)
    assert Select(dash_duo.find_element("#overview-year")).first_selected_option.get_attribute("value") == years[2]
    assert dash_duo.get_logs() == []
