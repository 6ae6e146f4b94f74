"""`/access` and the town profile in headless Chromium: values patched, geometry sent once, click-through."""
from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

PLOT = "document.querySelector('#access-map .js-plotly-plot')"
# Keep the body of every callback response, to check what the server actually sent.
RECORD_RESPONSES = """
window.__dashResponses = [];
const original = window.fetch;
window.fetch = async function (...args) {
  const response = await original.apply(this, args);
  const url = String(args[0] && args[0].url ? args[0].url : args[0]);
  if (url.includes('_dash-update-component')) {
    response.clone().text().then(body => window.__dashResponses.push(body));
  }
  return response;
};
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(dash_duo, condition, timeout: float = 10):
    """Wait until condition() is truthy (dash_duo has no public generic wait)."""
    WebDriverWait(dash_duo.driver, timeout).until(lambda _driver: condition())


def start(dash_duo, path: str = "/access"):
    from app import app

    dash_duo.start_server(app, port=free_port())
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("#access-map .js-plotly-plot", timeout=20)
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(
        f"const g={PLOT}; return !!g && !!g.data && g.data[0].z.length === 169 && !!g._fullLayout.geo;"),
        timeout=20)
    wait_until(dash_duo, lambda: figure(dash_duo, "g.querySelectorAll('path.choroplethlocation').length") >= 169,
               timeout=20)


# What is on screen: per drawn town of the values trace, its fill and its box (an outer ring the wrong way
# round would make a town fill the whole frame), and the frame's box.
DRAWN = "const g = " + PLOT + """; const frame = g.querySelector('.layer.bg rect').getBBox();
const towns = [...g.querySelectorAll('.choroplethlayer .trace:first-child path.choroplethlocation')].map(p => {
  const b = p.getBBox(); return {fill: p.getAttribute('fill'), area: b.width * b.height,
                                 inside: b.x >= frame.x - 1 && b.y >= frame.y - 1 &&
                                         b.x + b.width <= frame.x + frame.width + 1 &&
                                         b.y + b.height <= frame.y + frame.height + 1};});
return {towns, frame: {width: frame.width, height: frame.height}, plot: g.getBoundingClientRect().width,
        scale: g.data[0].colorscale.map(step => step[1])};
"""


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def figure(dash_duo, expression: str):
    return dash_duo.driver.execute_script(f"const g={PLOT}; return {expression};")


def geojson_fetches(dash_duo) -> int:
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/town.geojson')).length;")


def test_map_draws_offline_and_a_measure_change_patches_only_values(dash_duo, app_env):
    start(dash_duo)
    dash_duo.driver.execute_script(RECORD_RESPONSES)
    drawn = dash_duo.driver.execute_script(DRAWN)
    assert len(drawn["towns"]) == 169 and all(t["inside"] for t in drawn["towns"])  # the whole state in the frame
    frame = drawn["frame"]["width"] * drawn["frame"]["height"]
    assert max(t["area"] for t in drawn["towns"]) < frame / 20  # no town covers the map (rings the right way)
    assert drawn["frame"]["width"] > 0.8 * drawn["plot"] or drawn["frame"]["height"] > 0.8 * 490  # fills the panel
    fills = {t["fill"] for t in drawn["towns"]}
    assert fills == {rgb(c) for c in drawn["scale"]} and len(fills) > 2  # every map class, in its colour
    urls = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    hosts = {urlparse(u).hostname for u in urls if urlparse(u).scheme in ("http", "https")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts  # no tiles, fonts or scripts from elsewhere
    assert not [u for u in urls if "topojson" in u or "world_110m" in u or "/offline/" in u]  # no base map asked for

    before_values = figure(dash_duo, "g.data[0].customdata")
    before_title = figure(dash_duo, "g.data[0].colorbar.title.text")
    assert before_title.startswith("Households with broadband")
    assert geojson_fetches(dash_duo) == 1

    Select(dash_duo.find_element("#access-measure")).select_by_value("uninsured")
    title = "g.data[0].colorbar.title.text"
    wait_until(dash_duo, lambda: figure(dash_duo, title).startswith("Residents without"), timeout=10)
    assert figure(dash_duo, "g.data[0].customdata") != before_values
    assert figure(dash_duo, "g.data[0].z.length") == 169
    assert figure(dash_duo, "g.data[0].locations.length") == 169
    dash_duo.wait_for_contains_text("#access-summary", "residents without health insurance", timeout=10)
    wait_until(dash_duo, lambda: "measure=uninsured" in dash_duo.driver.current_url, timeout=5)

    # The geometry came once; the filter change brought values only, in a small response.
    assert geojson_fetches(dash_duo) == 1
    bodies = dash_duo.driver.execute_script("return window.__dashResponses;")
    map_bodies = [b for b in bodies if '"access-map"' in b]
    assert len(map_bodies) == 1
    assert len(map_bodies[0].encode()) <= 10_000, len(map_bodies[0].encode())
    assert all('"coordinates"' not in b and "geojson" not in b for b in bodies)

    assert dash_duo.get_logs() == []

    # A reload of the copied link shows the same view.
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text("#access-summary", "residents without health insurance", timeout=20)
    selected = Select(dash_duo.find_element("#access-measure")).first_selected_option.get_attribute("value")
    assert selected == "uninsured"


def test_click_through_to_a_town_profile_and_back(dash_duo, app_env):
    start(dash_duo, "/access?measure=uninsured&region=09110")
    dash_duo.wait_for_contains_text("#access-summary", "Capitol Planning Region", timeout=10)
    link = dash_duo.wait_for_element("#access-table tbody tr a", timeout=10)
    name = link.text
    link.click()
    dash_duo.wait_for_text_to_equal("h1", name, timeout=10)
    labels = [row.find_element("css selector", "td").text
              for row in dash_duo.find_elements("#towns-measures tbody tr")]
    assert "Households with broadband" in labels and "Residents without health insurance" in labels
    assert "Capitol Planning Region" in dash_duo.find_element("#towns-measures thead").text
    assert dash_duo.find_elements("#towns-population tbody tr")

    # Back to the map with the same filters, then a click on the map opens another profile.
    dash_duo.find_element("#towns-back").click()
    dash_duo.wait_for_contains_text("#access-summary", "Capitol Planning Region", timeout=20)
    assert "region=09110" in dash_duo.driver.current_url
    graph = dash_duo.find_element("#access-map .js-plotly-plot")
    wait_until(dash_duo, lambda: figure(dash_duo, "g.querySelectorAll('path.choroplethlocation').length") >= 169,
               timeout=10)
    dimmed = figure(dash_duo, "[...g.querySelectorAll('path.choroplethlocation')].map(p => p.style.opacity)")
    assert dimmed.count("1") == 38 and dimmed.count("0.3") == 169 - 38  # the Capitol region's towns stand out
    # Selenium 4.2 offsets are from the element's top-left corner: a point in central Connecticut.
    middle = (graph.size["width"] // 2, graph.size["height"] // 2 - 60)
    ActionChains(dash_duo.driver).move_to_element_with_offset(graph, *middle).click().perform()
    wait_until(dash_duo, lambda: "/towns/09" in dash_duo.driver.current_url, timeout=10)
    dash_duo.wait_for_element("#towns-measures", timeout=10)
    assert dash_duo.get_logs() == []
