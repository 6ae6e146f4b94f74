"""`/` — statewide overview: one card per domain with benchmark status and trend, and one benchmark in detail
(observed points, planned path, trend and its band; DESIGN §4.4, §6)."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from components.cards import card_grid
from components.formatting import suppressed
from components.i18n import N_, _
from components.panel import embed_controls, parts_panel
from components.shell import labelled_select, notice
from components.skeleton import empty_page, page_skeleton, release_select
from dashboards._shared import (
    STRICT,
    NotAvailable,
    allowed,
    catalog,
    guarded,
    pick,
    query_string,
    settings,
    skip_if_shown,
    view_state,
    viewer,
)
from dashboards._shared.briefing import briefing_link
from data_access import queries
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from .parts import benchmark_choices, detail_parts
from .transforms import domain_cards

dash.register_page(__name__, path="/", name=N_("Overview"), order=0,
                   title=lambda **_kw: _("Statewide overview — CT Equity Benchmarks"))

PATH = "/"


def _years(release_id: str) -> list[str]:
    progress = queries.benchmark_progress(settings(), release_id, "state")
    return sorted({str(int(y)) for y in progress["year"]}, reverse=True) if not progress.empty else []


def _benchmarks(release_id: str) -> list[tuple[str, str]]:
    """(metric key, words) of the release's statewide benchmarks: the allow-list of the detail panel."""
    return benchmark_choices(queries.benchmark_progress(settings(), release_id, "state"),
                             catalog.measures(settings(), release_id))


def _detail_section(choices: list[tuple[str, str]], chosen: str | None) -> html.Section:
    """The benchmark detail below the cards: its own picker, the panel filled by the callback."""
    return html.Section([
        html.H2(_("One benchmark in detail"), className="h4 mt-4", id="overview-detail-heading"),
        html.P(_("Pick a benchmark to see its observed values beside the path planned from its baseline to its "
                 "target, and the trend since the baseline with its 90 % band."), className="small"),
        html.Div(labelled_select("overview-benchmark", _("Benchmark"), choices, chosen), className="col-lg-6"),
        html.Div(id="overview-benchmark-detail", className="mt-3", **{"aria-live": "polite"}),
    ], className="overview-detail", **{"aria-labelledby": "overview-detail-heading"})


@guarded()
def layout(release: str | None = None, year: str | None = None, benchmark: str | None = None,
           view: dict | None = None, **_query):
    """Controls pinned to one release; the cards and the benchmark detail are filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "year": year, "benchmark": benchmark})
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(_("Statewide overview"), _("Is Connecticut closing its equity gaps?"),
                          _("No release has been published yet. An administrator publishes one with "
                            "`ct-equity releases publish ID`."))
    releases = queries.visible_releases(settings(), viewer())
    years = _years(info.release_id)
    chosen_year = pick(year, years, years[0] if years else None)
    choices = _benchmarks(info.release_id)
    chosen_benchmark = pick(benchmark, [k for k, _w in choices], choices[0][0] if choices else None)
    filters = html.Div([
        release_select("overview-release", releases, info.release_id),
        labelled_select("overview-year", _("Year"), [(y, y) for y in years], chosen_year),
    ], className="d-flex flex-wrap gap-3")
    return page_skeleton(info, _("Statewide overview"), _("Is Connecticut closing its equity gaps, benchmark by "
                                                          "benchmark?"), filters,
                         [html.Div(id="overview-cards", **{"aria-live": "polite"}),
                          _detail_section(choices, chosen_benchmark)], location="overview-url",
                         intro=[briefing_link("state", info.release_id, "overview-briefing")])


@callback(
    Output("overview-cards", "children"),
    Output("overview-benchmark-detail", "children"),
    Output("overview-url", "search"),
    Output("shell-view", "data"),
    Input("overview-release", "value"),
    Input("overview-year", "value"),
    Input("overview-benchmark", "value"),
)
@guarded(unchanged=3)
def show_cards(release: str, year: str, benchmark: str | None = None):
    """Cards and the benchmark detail for the chosen release, year and benchmark; the filters go into the URL."""
    info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
    if info is None or info.release_id != release:
        raise NotAvailable(release)
    years = _years(info.release_id)
    chosen = pick(year, years)
    if chosen is None:
        raise NotAvailable(year)
    progress = queries.benchmark_progress(settings(), info.release_id, "state")
    params = {"release": info.release_id, "year": chosen}
    cards = domain_cards(progress, int(chosen), catalog.measures(settings(), info.release_id),
                         query_string(**params))
    controls = html.Div(embed_controls("overview-cards", **embed_options("overview-cards", params)),
                        className="mb-3")
    keys = [k for k, _w in _benchmarks(info.release_id)]
    chosen_benchmark = allowed(benchmark, keys, keys[0] if keys else None, STRICT, missing_is_default=True)
    detail = benchmark_detail(info.release_id, chosen, chosen_benchmark, keys)
    params = {**params, "benchmark": chosen_benchmark}
    return [card_grid(cards), controls], detail, query_string(**params), view_state(PATH, **params)


@guarded()
def benchmark_detail(release_id: str, year: str, benchmark: str | None, keys: list[str]):
    """The chosen benchmark's panel; a benchmark not on the release's list answers "not available"."""
    if not keys:
        return notice(_("This release sets no statewide benchmark."))
    if benchmark is None:
        raise NotAvailable("benchmark")
    parts = detail_parts(queries.benchmark_progress(settings(), release_id, "state"), benchmark, int(year),
                         catalog.measures(settings(), release_id), suppressed(settings().suppression_k))
    return parts_panel(parts, **embed_options("overview-benchmark", {"release": release_id, "year": year,
                                                                     "benchmark": benchmark}))
