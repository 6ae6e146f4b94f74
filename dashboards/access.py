"""`/access` — a service-access measure across the 169 towns: map, ranked table, group lens (DESIGN §6)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components.formatting import group_label
from components.maps import LOW_MARK, town_map_patch
from components.panel import embed_controls
from components.shell import labelled_select, notice, page_header, release_line, synthetic_notice, url_sync
from components.tables import TableLink, data_table, long_table
from data_access import access_queries as aq
from data_access import codes, queries
from data_access.csv_export import csv_text
from data_access.queries import DataUnavailable

from ._access import (
    ALL_REGIONS,
    EVERYONE,
    Choice,
    Options,
    data_frame,
    data_rows,
    fit_view,
    group_lens,
    interval_text,
    map_values,
    rank_ranges,
    region_bounds,
    reliability_convention,
    reliability_text,
    unit_limits,
)
from ._access_map import area_of, map_figure, map_summary, shown_towns
from ._embed_button import png_href
from ._helpers import DB_DOWN, NOT_AVAILABLE, pick, query_string, settings, skip_if_shown, view_state, viewer

dash.register_page(__name__, path="/access", name="Service access", order=3,
                   title="Access to state services across towns — CT Equity Benchmarks")

PATH = "/access"


def options(release_id: str) -> Options:
    """What the filters offer in a release."""
    measures = aq.access_measures(settings(), release_id)
    years = sorted({str(y) for ys in measures["years"] for y in ys}, reverse=True)
    groups = []
    if not measures.empty:
        first = measures.iloc[0]
        rows = aq.group_access(settings(), release_id, first["measure_id"], first["years"][-1])
        present = set(rows["group_code"])
        groups = [g for g in codes.POPULATION_GROUPS if g in present and g != "total"]
    towns = aq.town_list(settings(), release_id)
    regions = sorted(set(zip(towns["region_id"], towns["region_name"])), key=lambda r: r[1])
    return Options(measures, years, groups, regions)


def choose(release_id: str, opts: Options, measure, year, group, region, strict: bool) -> Choice | None:
    """Allow-list every filter; strict (callbacks) rejects unknown values, else they fall back to defaults."""
    ids = opts.measures["measure_id"].tolist()
    chosen = {
        "measure": pick(measure, ids, None if strict else ids[0]),
        "year": pick(year, opts.years, None if strict else opts.years[0]),
        "group": pick(group or EVERYONE, [EVERYONE, *opts.groups], None if strict else EVERYONE),
        "region": pick(region or ALL_REGIONS, [ALL_REGIONS, *[r for r, _ in opts.regions]],
                       None if strict else ALL_REGIONS),
    }
    if None in chosen.values():
        return None
    row = opts.measures[opts.measures["measure_id"] == chosen["measure"]].iloc[0]
    region_id = None if chosen["region"] == ALL_REGIONS else chosen["region"]
    return Choice(release_id, row, int(chosen["year"]), chosen["group"], region_id)


def _from_inputs(release, measure, year, group, region) -> Choice | None:
    """Validate a callback's inputs against the viewer's releases and the release's lists."""
    info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
    if info is None or info.release_id != release:
        return None
    return choose(info.release_id, options(info.release_id), measure, year, group, region, strict=True)


def _map_state(choice: Choice, shapes: pd.DataFrame):
    measure = choice.measure
    frame = aq.town_values(settings(), choice.release_id, viewer(), measure["measure_id"], choice.year)
    values = map_values(frame, measure["label"], measure["unit"], measure["direction"], choice.year,
                        choice.region)
    towns = aq.town_list(settings(), choice.release_id)
    view = fit_view(region_bounds(shapes, towns, choice.region), revision=choice.region or ALL_REGIONS)
    return frame, values, view


def _no_boundaries() -> list:
    """Exactly how to get the map: import the boundaries, then build a new release."""
    def code(text: str) -> html.Code:
        return html.Code(text, className="text-reset")  # Bootstrap's pink code fails contrast on yellow

    return [("This release has no town boundaries, so the map cannot be drawn; the ranked table has every "
             "figure. To add the map, import the Census town boundary file with "),
            code("ct-equity geo import FILE"), " (or ", code("ct-equity geo download"), "), or set ",
            code("CT_EQUITY_BOUNDARIES"), " to the file, then build a new release with ",
            code("ct-equity build --inputs DIR"), "."]


def _map_block(choice: Choice, shapes: pd.DataFrame | None) -> list:
    if shapes is None:
        return [notice(_no_boundaries(), "warning"),
                html.Div(dcc.Graph(id="access-map", figure={}), hidden=True)]
    measure = choice.measure
    frame = aq.town_values(settings(), choice.release_id, viewer(), measure["measure_id"], choice.year)
    url = dash.get_relative_path(f"/geo/{choice.release_id}/town.geojson")
    figure = map_figure(frame, shapes, aq.town_list(settings(), choice.release_id), measure, choice.year,
                        choice.region, url)
    return [
        html.Div(dcc.Graph(id="access-map", figure=figure, config={"displaylogo": False}), role="figure",
                 **{"aria-label": "Map of the towns shaded by the chosen measure; the ranked table beside it "
                                  "holds the same figures."}),
        html.P(f"Towns are shaded by map class (darker = worse). {LOW_MARK} marks a low-reliability "
               "estimate; grey means no estimate. Click a town to open its profile.",
               className="small text-body-secondary"),
    ]


def _filters(opts: Options, choice: Choice) -> html.Div:
    return dbc.Row([
        dbc.Col(labelled_select("access-measure", "Measure", list(zip(opts.measures["measure_id"],
                                                                      opts.measures["label"])),
                                choice.measure["measure_id"]), md=6, xl=4),
        dbc.Col(labelled_select("access-year", "Year", [(y, y) for y in opts.years], str(choice.year)),
                md=2, xl=1),
        dbc.Col(labelled_select("access-group", "Group lens",
                                [(EVERYONE, "Everyone"), *[(g, group_label(g)) for g in opts.groups]],
                                choice.group), md=4, xl=3),
        dbc.Col(labelled_select("access-region", "Planning region",
                                [(ALL_REGIONS, "All of Connecticut"), *opts.regions],
                                choice.region or ALL_REGIONS),
                md=6, xl=4),
    ], className="g-2")


def layout(release: str | None = None, measure: str | None = None, year: str | None = None,
           group: str | None = None, region: str | None = None, view: dict | None = None, **_query):
    """Filters pinned to one release; the map is drawn once here, callbacks patch its values."""
    skip_if_shown(view, PATH, {"release": release, "measure": measure, "year": year, "group": group,
                               "region": region})
    header = page_header("Access to state services across towns",
                         "Where in Connecticut is access to state services weakest, and for whom?")
    try:
        info = queries.resolve_release(settings(), viewer(), release)
        if info is None:
            return [*header, notice("No release has been published yet.")]
        opts = options(info.release_id)
        if opts.measures.empty:
            return [synthetic_notice(info.synthetic), *header,
                    notice("This release has no service-access measures for towns.")]
        choice = choose(info.release_id, opts, measure, year, group, region, strict=False)
        map_block = _map_block(choice, aq.town_shapes(settings(), info.release_id))
    except DataUnavailable:
        return notice(DB_DOWN, "danger")
    return html.Div([
        url_sync("access-url"), dcc.Location(id="access-go", refresh="callback-nav"),
        dcc.Store(id="access-release", data=info.release_id), dcc.Download(id="access-download"),
        synthetic_notice(info.synthetic), *header, _filters(opts, choice),
        html.Div(id="access-notice", **{"aria-live": "polite"}),
        dbc.Row([
            dbc.Col(map_block, lg=7),
            dbc.Col([html.P(id="access-summary", **{"aria-live": "polite"}), html.Div(id="access-lens"),
                     html.H2("Towns ranked", className="h5 mt-3"),
                     html.Div(id="access-ranked", className="overflow-auto border rounded",
                              style={"maxHeight": "520px"}, tabIndex="0", role="region",
                              **{"aria-label": "Towns ranked by the chosen measure"})], lg=5),
        ], className="g-3 mt-1"),
        html.P(reliability_convention(settings().cv_high, settings().cv_medium),
               className="small text-body-secondary mt-2"),
        html.Div([
            html.Button("Show data", id="access-data-toggle", className="btn btn-sm btn-outline-secondary",
                        n_clicks=0, **{"aria-controls": "access-data-collapse", "aria-expanded": "false"}),
            html.Button("Download CSV", id="access-download-button",
                        className="btn btn-sm btn-outline-secondary", n_clicks=0),
            *embed_controls("access-map", "access-map", None, png_href("access-map", choice.params)),
        ], className="d-flex flex-wrap gap-2 mt-2 align-items-start"),
        dbc.Collapse(html.Div(id="access-data", className="mt-2"), id="access-data-collapse", is_open=False),
        release_line(info.release_id, info.status,
                     f"{info.published_at:%Y-%m-%d}" if info.published_at else None),
    ])


FILTERS = [Input("access-measure", "value"), Input("access-year", "value"), Input("access-group", "value"),
           Input("access-region", "value"), State("access-release", "data")]


@callback(Output("access-map", "figure"), Output("access-url", "search"),
          Output("shell-view", "data", allow_duplicate=True), *FILTERS,
          prevent_initial_call="initial_duplicate")
def update_map(measure, year, group, region, release):
    """Patch the map's values (never its geometry) and write the filters into the URL."""
    try:
        choice = _from_inputs(release, measure, year, group, region)
        if choice is None:
            return dash.no_update, dash.no_update, dash.no_update
        shapes = aq.town_shapes(settings(), choice.release_id)
        patch = dash.no_update
        if shapes is not None:
            _, values, view = _map_state(choice, shapes)
            patch = town_map_patch(values, view)
    except DataUnavailable:
        return dash.no_update, dash.no_update, dash.no_update
    return patch, query_string(**choice.params), view_state(PATH, **choice.params)


@callback(Output({"type": "panel-png", "chart": "access-map"}, "href"), *FILTERS)
def png_link(measure, year, group, region, release):
    """The map's image download follows the filters (the embed code reads the address bar)."""
    try:
        choice = _from_inputs(release, measure, year, group, region)
    except DataUnavailable:
        return dash.no_update
    return dash.no_update if choice is None else png_href("access-map", choice.params)


@callback(Output("access-notice", "children"), Output("access-summary", "children"),
          Output("access-lens", "children"), Output("access-ranked", "children"), *FILTERS)
def update_panel(measure, year, group, region, release):
    """Summary sentence, group lens and the ranked table for the chosen filters."""
    try:
        choice = _from_inputs(release, measure, year, group, region)
        if choice is None:
            return notice(NOT_AVAILABLE, "warning"), "", None, None
        return None, *_panel(choice)
    except DataUnavailable:
        return notice(DB_DOWN, "danger"), "", None, None


def _panel(choice: Choice) -> tuple:
    measure = choice.measure
    frame = aq.town_values(settings(), choice.release_id, viewer(), measure["measure_id"], choice.year)
    towns = aq.town_list(settings(), choice.release_id)
    rows = aq.group_access(settings(), choice.release_id, measure["measure_id"], choice.year)
    summary = map_summary(frame, rows, towns, measure, choice.year, choice.region)
    area = area_of(choice.region, towns)[2]
    return summary, _lens(choice, rows, area), _ranked(choice, shown_towns(frame, choice.region))


def _lens(choice: Choice, rows: pd.DataFrame, area: str):
    if choice.group == EVERYONE:
        return None
    places = [("state", codes.STATE_ID, "Connecticut")]
    if choice.region:
        places.append(("region", choice.region, area))
    measure = choice.measure
    sentence, table = group_lens(rows, choice.group, places, measure["label"], measure["unit"],
                                 measure["direction"])
    if not table:
        return html.P(f"No group-weighted figures for {group_label(choice.group)} residents in this release.")
    reference = str(rows["reference_group"].dropna().iloc[0]) if rows["reference_group"].notna().any() else ""
    headers = ["Area", group_label(choice.group), f"{group_label(reference)} (reference)", "Ratio",
               "Difference"]
    return html.Div([html.P(sentence, id="access-lens-sentence"),
                     data_table(headers, table, caption="Population-weighted, with 90 % intervals",
                                numeric=(1, 2, 3, 4), id_="access-lens-table")], className="mb-2")


def _ranked(choice: Choice, frame: pd.DataFrame):
    unit = choice.measure["unit"]
    ranked = rank_ranges(frame, choice.measure["direction"] == "higher_is_better", unit_limits(unit))
    suffix = query_string(**choice.params)
    rows = [[r.rank_text, TableLink(r.town_name, dash.get_relative_path(f"/towns/{r.town_geoid}") + suffix),
             interval_text(r.value, r.low, r.high, unit) if pd.notna(r.moe)
             else interval_text(r.value, None, None, unit),
             reliability_text(r.reliability)]
            for r in ranked.itertuples()]
    return long_table(["Rank", "Town", "Value (90 % interval)", "Reliability"], rows, numeric=(2,),
                      caption="Rank 1 = best; towns whose intervals overlap share a rank range.",
                      id_="access-table")


@callback(Output("access-go", "pathname"), Output("access-go", "search"), Input("access-map", "clickData"),
          State("access-measure", "value"), State("access-year", "value"), State("access-group", "value"),
          State("access-region", "value"), State("access-release", "data"), prevent_initial_call=True)
def open_town(click, measure, year, group, region, release):
    """A click on a town opens its profile (the geoid is checked against the release's towns)."""
    try:
        point = (click or {}).get("points", [{}])[0] if isinstance(click, dict) else {}
        geoid = point.get("location") if isinstance(point, dict) else None
        choice = _from_inputs(release, measure, year, group, region)
        if choice is None or pick(geoid, aq.town_list(settings(), choice.release_id)["town_geoid"]) is None:
            return dash.no_update, dash.no_update
    except (DataUnavailable, IndexError, TypeError):
        return dash.no_update, dash.no_update
    return dash.get_relative_path(f"/towns/{geoid}"), query_string(**choice.params)


@callback(Output("access-data-collapse", "is_open"), Output("access-data", "children"),
          Output("access-data-toggle", "children"), Output("access-data-toggle", "aria-expanded"),
          Input("access-data-toggle", "n_clicks"), *FILTERS)
def show_data(clicks, measure, year, group, region, release):
    """The data table alternative, built only while it is open."""
    if not isinstance(clicks, int) or clicks % 2 == 0:
        return False, None, "Show data", "false"
    try:
        choice = _from_inputs(release, measure, year, group, region)
        if choice is None:
            return True, notice(NOT_AVAILABLE, "warning"), "Hide data", "true"
        headers, rows = data_rows(_shown(choice), choice.measure["unit"])
    except DataUnavailable:
        return True, notice(DB_DOWN, "danger"), "Hide data", "true"
    table = long_table(headers, rows, numeric=range(2, len(headers)), id_="access-data-table")
    return True, table, "Hide data", "true"


def _shown(choice: Choice) -> pd.DataFrame:
    frame = aq.town_values(settings(), choice.release_id, viewer(), choice.measure["measure_id"], choice.year)
    return frame[frame["region_id"] == choice.region] if choice.region else frame


@callback(Output("access-download", "data"), Input("access-download-button", "n_clicks"),
          State("access-measure", "value"), State("access-year", "value"), State("access-group", "value"),
          State("access-region", "value"), State("access-release", "data"), prevent_initial_call=True)
def download(clicks, measure, year, group, region, release):
    """A CSV of exactly the towns and figures shown."""
    try:
        choice = _from_inputs(release, measure, year, group, region)
        if choice is None or not clicks:
            return dash.no_update
        frame = data_frame(_shown(choice), choice.measure["measure_id"], choice.year, choice.measure["unit"])
    except DataUnavailable:
        return dash.no_update
    name = f"ct-equity-{choice.release_id}-{choice.measure['measure_id']}-{choice.year}.csv"
    return dcc.send_string(csv_text(list(frame.columns), frame.to_dict("records")), name, type="text/csv")
