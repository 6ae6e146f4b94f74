"""The six benchmark statuses in words and symbols, the benchmark chart (planned path, trend and its band,
suppressed points never drawn) and the overview's benchmark detail (DESIGN §4.4, §6, §11)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from components.benchmark_chart import benchmark_figure
from components.cards import DomainCard
from data_access import codes
from pipeline.stats.benchmarks import benchmark_progress
from tests.layouts import texts, walk

KEY = "workforce.share.hispanic"
BENCH = pd.DataFrame([{"metric_key": KEY, "scope": "state", "scope_id": "", "baseline_year": 2018,
                       "baseline_value": 0.10, "target_value": 0.20, "target_year": 2030}])
YEARS = list(range(2016, 2025))
VALUES = [0.095, 0.098, 0.101, 0.112, 0.109, 0.121, 0.118, 0.133, 0.129]  # noisy, rising


def progress(hidden: tuple[int, ...] = ()) -> pd.DataFrame:
    """The pipeline's own benchmark_progress rows of one statewide benchmark (suppressed where `hidden`)."""
    series = pd.DataFrame({"metric_key": KEY, "scope": "state", "scope_id": "09", "year": YEARS, "value": VALUES,
                           "suppressed": [y in hidden for y in YEARS]})
    return benchmark_progress(series, BENCH)


def traces(figure) -> dict[str, dict]:
    return {t.meta: t for t in figure.data}


# ---------------------------------------------------------------- the chart
def test_the_planned_path_runs_straight_from_the_baseline_to_the_target():
    figure = traces(benchmark_figure(progress(), 2024))
    assert list(figure["planned"].x) == [2018, 2030] and list(figure["planned"].y) == [0.10, 0.20]
    assert list(figure["target"].x) == [2030] and list(figure["target"].y) == [0.20]


def test_the_trend_goes_through_the_fitted_value_and_its_band_is_the_ols_confidence_band():
    rows = progress()
    figure = traces(benchmark_figure(rows, 2024))
    fitted = dict(zip(figure["fitted"].x, figure["fitted"].y))
    assert min(fitted) == 2018 and max(fitted) == 2024  # from the baseline year to the year shown
    row = rows[rows["year"] == 2024].iloc[0]
    assert fitted[2024] == pytest.approx(row["fitted_value"], abs=1e-12)
    # an independent reference: statsmodels' 90 % confidence band of the OLS line of the points since 2018
    years = np.array([y for y in YEARS if y >= 2018], dtype=float)
    values = np.array([v for y, v in zip(YEARS, VALUES) if y >= 2018])
    fit = sm.OLS(values, sm.add_constant(years)).fit()
    grid = np.arange(2018, 2025, dtype=float)
    band = fit.get_prediction(sm.add_constant(grid)).conf_int(alpha=0.10)
    assert [fitted[int(x)] for x in grid] == pytest.approx(fit.predict(sm.add_constant(grid)), abs=1e-9)
    xs, ys = list(figure["band"].x), list(figure["band"].y)
    high, low = ys[: len(grid)], ys[len(grid):][::-1]
    assert xs[: len(grid)] == grid.astype(int).tolist()
    assert high == pytest.approx(band[:, 1], abs=1e-9) and low == pytest.approx(band[:, 0], abs=1e-9)
    assert all(lo < fitted[int(x)] < hi for x, lo, hi in zip(grid, low, high))
    assert list(figure["observed"].x) == YEARS and list(figure["observed"].y) == VALUES


def test_an_earlier_year_shows_the_view_as_of_that_year():
    figure = traces(benchmark_figure(progress(), 2021))
    assert list(figure["observed"].x) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert max(figure["fitted"].x) == 2021


def test_suppressed_points_are_never_drawn_and_no_trend_runs_through_them():
    from data_access.suppression import mask_for_viewer
    from data_access.viewer import ANONYMOUS

    rows = progress(hidden=(2021,))
    public = mask_for_viewer(rows, "benchmark_progress", ANONYMOUS)
    # the rows as the pipeline flags them, values still in (a frame not yet masked) must not draw them either
    for frame in (public, rows):
        figure = benchmark_figure(frame, 2024)
        drawn = [y for t in figure.data for y in t.y]
        assert not {0.121, 0.118, 0.133, 0.129} & set(drawn)  # 2021 and the rows whose trend runs through it
        assert list(traces(figure)["observed"].x) == [2016, 2017, 2018, 2019, 2020]
        assert "fitted" not in traces(figure) and "band" not in traces(figure)
        early = traces(benchmark_figure(frame, 2020))  # 2018–2020: three visible points, a trend
        assert max(early["fitted"].x) == 2020


def test_fewer_than_three_points_draw_no_trend():
    figure = traces(benchmark_figure(progress(), 2019))
    assert "fitted" not in figure and "band" not in figure and list(figure["planned"].x) == [2018, 2030]


def test_the_figure_is_valid_plotly():
    import plotly.graph_objects as go

    from components.benchmark_chart import benchmark_grid

    go.Figure(benchmark_figure(progress(), 2024).to_dict())  # validates every property
    grid = benchmark_grid([("A", progress(), ".0%", 2024), ("B", progress(hidden=(2021,)), ".0%", 2024),
                           ("C", progress(), ".2f", 2019)])
    go.Figure(grid.to_dict())
    assert {t.xaxis for t in grid.data} == {"x", "x2", "x3"}
    assert sum(t.showlegend for t in grid.data) == 5  # one legend entry per kind of mark


# ---------------------------------------------------------------- words
ENGLISH = {
    "met": ("✔ 1 has met its target", "✔ 2 have met their target"),
    "on_track": ("↗ 1 is on track", "↗ 2 are on track"),
    "improving_too_slowly": ("↝ 1 is improving, but too slowly", "↝ 2 are improving, but too slowly"),
    "no_detectable_change": ("≈ 1 shows no change beyond noise", "≈ 2 show no change beyond noise"),
    "moving_away": ("↘ 1 is moving away from its target", "↘ 2 are moving away from their target"),
    "insufficient_data": ("… 1 does not have enough data yet", "… 2 do not have enough data yet"),
}
SPANISH = {
    "met": ("✔ 1 ha alcanzado su meta", "✔ 2 han alcanzado su meta"),
    "on_track": ("↗ 1 va por buen camino", "↗ 2 van por buen camino"),
    "improving_too_slowly": ("↝ 1 mejora, pero demasiado despacio",
                             "↝ 2 mejoran, pero demasiado despacio"),
    "no_detectable_change": ("≈ 1 no muestra cambios más allá del ruido", "≈ 2 no muestran cambios más allá del ruido"),
    "moving_away": ("↘ 1 se aleja de su meta", "↘ 2 se alejan de su meta"),
    "insufficient_data": ("… 1 todavía no tiene datos suficientes", "… 2 todavía no tienen datos suficientes"),
}


def cards(statuses: list[str | None]) -> list[DomainCard]:
    return [DomainCard(f"d{i}", f"Domain {i}", "/", status=s) for i, s in enumerate(statuses)]


@pytest.fixture
def flask_app(settings_for, tmp_path):
    from app import app

    settings_for(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    return app


def test_the_phrases_cover_exactly_the_six_statuses():
    from components.cards import STATUS_COLOURS
    from components.status_words import STATUS_ORDER

    assert set(STATUS_ORDER) == set(codes.BENCHMARK_STATUSES) == set(ENGLISH) == set(STATUS_COLOURS)


@pytest.mark.parametrize("lang, words", [("en", ENGLISH), ("es", SPANISH)])
@pytest.mark.parametrize("status", codes.BENCHMARK_STATUSES)
@pytest.mark.parametrize("n", [1, 2])
def test_the_overview_sentence_words_each_status_singular_and_plural(flask_app, lang, words, status, n):
    from dashboards.overview.transforms import cards_sentence

    with flask_app.server.test_request_context(f"/?lang={lang}"):
        text = cards_sentence(cards([status] * n + [None]), 2024)
    assert words[status][n - 1] in text
    others = [p for s, pair in words.items() if s != status for p in pair]
    assert not any(p in text for p in others)


def test_the_overview_sentence_lists_the_statuses_in_order():
    from dashboards.overview.transforms import cards_sentence, cards_table

    mixed = cards(["moving_away", "met", "on_track", "moving_away"])
    assert cards_sentence(mixed, 2024) == ("In 2024, of the headline benchmarks of the 4 domains, ✔ 1 has met its "
                                           "target, ↗ 1 is on track and ↘ 2 are moving away from their target.")
    assert cards_table(mixed)["status"].tolist() == ["↘ Moving away from the target", "✔ Target met", "↗ On track",
                                                     "↘ Moving away from the target"]


def test_the_card_counts_and_badge_show_symbol_and_word():
    from components.cards import domain_card

    card = DomainCard("workforce", "Workforce", "/", status="improving_too_slowly",
                      status_counts={"no_detectable_change": 2, "improving_too_slowly": 1})
    text = texts(domain_card(card))
    assert "↝ Improving, but too slowly" in text
    assert "Benchmarks in this domain: ↝ 1 is improving, but too slowly, ≈ 2 show no change beyond noise." in text


def test_the_agency_summary_counts_each_status_in_words(flask_app):
    from dashboards.agencies.parts import benchmark_summary

    items = [{"status": "met"}, {"status": "no_detectable_change"}, {"status": "no_detectable_change"},
             {"status": None}]
    assert benchmark_summary(items, 2024) == (
        "Of the agency's 4 benchmarks as of 2024, ✔ 1 has met its target, ≈ 2 show no change beyond noise and 1 "
        "has no status to show (its figures are suppressed).")
    with flask_app.server.test_request_context("/?lang=es"):
        assert benchmark_summary(items[:1], 2024) == (
            "Del 1 indicador de referencia de la agencia en 2024, ✔ 1 ha alcanzado su meta.")


def test_a_status_change_reads_old_and_new_with_symbols():
    from components.status_words import status_change

    assert status_change("on_track", "moving_away") == "↘ Moving away from the target (was ↗ On track)"
    assert status_change(None, "met") == "✔ Target met (new)"


# ---------------------------------------------------------------- the overview's detail panel
@pytest.fixture
def overview(app_env):
    import app as app_module

    with app_module.app.server.test_request_context("/"):
        from dashboards.overview import page

        yield page, app_env["release_id"]


def keys_and_year(page, rid) -> tuple[list[str], str]:
    return [k for k, _w in page._benchmarks(rid)], page._years(rid)[0]


def test_the_detail_panel_shows_the_chosen_benchmark(overview):
    page, rid = overview
    keys, year = keys_and_year(page, rid)
    assert len(keys) >= 2
    cards_out, detail, search, _view = page.show_cards(rid, year, keys[1])
    assert f"benchmark={keys[1].replace('.', '.')}" in search
    text = texts(detail)
    assert "Is the gap closing beyond noise?" in text and "Status:" in text
    graph = next(n for n in walk(detail) if type(n).__name__ == "Graph")
    assert {t.meta for t in graph.figure.data} >= {"planned", "observed", "target"}
    assert any(isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "panel-embed"
               and n.id["chart"] == "overview-benchmark" for n in walk(detail))


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "'; DROP TABLE benchmark_progress; --",
                                     "workforce.share", 42, ["workforce.share.hispanic"]])
def test_a_hostile_benchmark_gives_the_not_available_notice_and_keeps_the_cards(overview, hostile):
    from components.failure import NOT_AVAILABLE

    page, rid = overview
    _keys, year = keys_and_year(page, rid)
    cards_out, detail, search, _view = page.show_cards(rid, year, hostile)
    assert texts(detail) == NOT_AVAILABLE
    assert "card-workforce" in str(cards_out) and "benchmark=" not in search


def test_a_hostile_benchmark_in_the_address_falls_back_to_the_list(overview):
    page, rid = overview
    keys, _year = keys_and_year(page, rid)
    layout = page.layout(release=rid, benchmark="<img src=x onerror=alert(1)>")
    select = next(n for n in walk(layout) if getattr(n, "id", None) == "overview-benchmark")
    assert select.value == keys[0] and "onerror" not in str(layout)


def test_the_embed_shows_the_same_benchmark_and_refuses_others(overview):
    import importlib

    from embeds import signing as em

    page, rid = overview
    keys, year = keys_and_year(page, rid)
    embed = importlib.import_module("embeds.page")
    shown = texts(embed.layout(chart_id="overview-benchmark", benchmark=keys[1], year=year))
    assert "Is the gap closing beyond noise?" in shown and em.NOT_AVAILABLE not in shown
    assert texts(page.show_cards(rid, year, keys[1])[1]).split("Show data")[0] in shown
    refused = texts(embed.layout(chart_id="overview-benchmark", benchmark="nope.nope"))
    assert em.NOT_AVAILABLE in refused


@pytest.mark.browser
def test_the_detail_panel_in_the_browser_follows_the_pick_and_passes_axe(dash_duo, app_env):
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from app import app
    from tests.test_a11y import AXE_JS, axe_violations, settle

    dash_duo.start_server(app)
    dash_duo.wait_for_element("#overview-benchmark-detail .chart-summary", timeout=30)
    select = Select(dash_duo.find_element("#overview-benchmark"))
    values = [o.get_attribute("value") for o in select.options]
    assert len(values) >= 2
    select.select_by_value(values[1])
    WebDriverWait(dash_duo.driver, 10).until(lambda d: f"benchmark={values[1]}" in d.current_url)
    dash_duo.wait_for_contains_text("#overview-benchmark-detail .chart-summary", "Is the gap closing beyond noise?",
                                    timeout=10)
    dash_duo.wait_for_element("#overview-benchmark-detail .js-plotly-plot", timeout=10)
    for lang in ("en", "es"):
        dash_duo.driver.get(f"{dash_duo.server_url}/?benchmark={values[1]}&lang={lang}")
        settle(dash_duo)
        assert Select(dash_duo.find_element("#overview-benchmark")).first_selected_option.get_attribute(
            "value") == values[1]
        if AXE_JS.exists():
            assert axe_violations(dash_duo.driver) == [], lang
    assert dash_duo.get_logs() == []


def test_the_agency_scorecard_draws_each_benchmark_as_a_small_chart(app_env):
    import app as app_module
    from dashboards.agencies.parts import benchmark_parts
    from data_access import workforce_queries as wq
    from data_access.queries import current_settings

    with app_module.app.server.test_request_context("/"):
        progress = wq.agency_benchmarks(current_settings(), app_env["release_id"], "DOC")  # four benchmarks
        year = int(progress["year"].max())
        parts = benchmark_parts(progress, pd.Series({"agency_name": "Department of Correction"}), year)
    keys = sorted(progress["metric_key"].unique())
    planned = [t for t in parts.figure.data if t.meta == "planned"]
    assert len(planned) == len(keys) == len(parts.table)  # one panel per benchmark
    for key, trace in zip(keys, planned):
        first = progress[progress["metric_key"] == key].iloc[0]
        assert list(trace.x) == [first["baseline_year"], first["target_year"]]
        assert list(trace.y) == [first["baseline_value"], first["target_value"]]
    hidden = progress[progress["suppressed"].astype(bool)]
    assert progress["suppressed"].dtype == bool
    drawn = {(t.xaxis, x, y) for t in parts.figure.data if t.meta == "observed" for x, y in zip(t.x, t.y)}
    assert len(drawn) == int((~progress["suppressed"].astype(bool)).sum())
    assert parts.summary.startswith(f"Of the agency's {len(keys)} benchmarks as of {year}, ")
    assert len(keys) == 4 and not any(y in {v for _a, _x, v in drawn} for y in hidden["value"].dropna())


@pytest.mark.parametrize("path", ["/png/overview-benchmark?benchmark=workforce.share.hispanic",
                                  "/png/agency-benchmarks?agency=DOC"])
def test_the_benchmark_charts_download_as_images(app_env, path):
    from app import app

    response = app.server.test_client().get(path)
    assert response.status_code == 200 and response.mimetype == "image/png", response.get_data(as_text=True)[:300]
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
