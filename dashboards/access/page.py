"""`/access` — a service-access measure across the 169 towns: map, ranked table, group lens (DESIGN §6)."""
from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components.formatting import group_label
from components.i18n import N_, _
from components.maps import LOW_MARK, town_map_patch
from components.panel import ChartParts, embed_controls
from components.shell import labelled_select, notice
from components.skeleton import empty_page, filters_row, page_skeleton
from components.tables import long_table
from dashboards._shared import (
    LENIENT,
    STRICT,
    NotAvailable,
    chosen_release,
    guarded,
    pick,
    query_string,
    settings,
    skip_if_shown,
    view_state,
    viewer,
)
from data_access import access_queries as aq
from data_access import queries
from data_access.csv_export import csv_text
from embeds.button import embed_options, png_href

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from . import filters
from .parts import TABLE_LABELS, geometry_url, lens_parts, map_figure, map_table, ranked_parts
from .transforms import (
    ALL_REGIONS,
    EVERYONE,
    Choice,
    Options,
    data_rows,
    fit_view,
    map_values,
    region_bounds,
    reliability_convention,
)

dash.register_page(__name__, path="/access", name=N_("Service access"), order=3,
                   title=lambda **_kw: _("Access to state services across towns — CT Equity Benchmarks"))

PATH = "/access"


def options(release_id: str) -> Options:
    """What the filters offer in a release (see `filters.options`)."""
    return filters.options(settings(), release_id)


def choose(release_id: str, opts: Options, measure, year, group, region, strict: bool) -> Choice | None:
    """Allow-list every filter; strict (callbacks) rejects unknown values, else they fall back to defaults."""
    return filters.choose(release_id, opts, measure, year, group, region, STRICT if strict else LENIENT)


def _from_inputs(release, measure, year, group, region) -> Choice:
    """Validate a callback's inputs against the viewer's releases and the release's lists (else NotAvailable)."""
    info = chosen_release(release)
    choice = choose(info.release_id, options(info.release_id), measure, year, group, region, strict=True)
    if choice is None:
        raise NotAvailable("filters")
    return choice


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

    commands = {"import": "ct-equity geo import FILE", "download": "ct-equity geo download",
                "variable": "CT_EQUITY_BOUNDARIES", "build": "ct-equity build --inputs DIR"}
    text = _("This release has no town boundaries, so the map cannot be drawn; the ranked table has every figure. "
             "To add the map, import the Census town boundary file with %(import)s (or %(download)s), or set "
             "%(variable)s to the file, then build a new release with %(build)s.")
    parts = re.split(r"%\((\w+)\)s", text)  # odd parts are the placeholders' names
    return [code(commands.get(part, part)) if i % 2 else part for i, part in enumerate(parts) if part]


def _map_block(choice: Choice, shapes: pd.DataFrame | None) -> list:
    if shapes is None:
        return [notice(_no_boundaries(), "warning"),
                html.Div(dcc.Graph(id="access-map", figure={}), hidden=True)]
    measure = choice.measure
    frame = aq.town_values(settings(), choice.release_id, viewer(), measure["measure_id"], choice.year)
    figure = map_figure(frame, shapes, aq.town_list(settings(), choice.release_id), measure, choice.year,
                        choice.region, geometry_url(choice.release_id))
    return [
        html.Div(dcc.Graph(id="access-map", figure=figure, config={"displaylogo": False}), role="figure",
                 **{"aria-label": _("Map of the towns shaded by the chosen measure; the ranked table beside it "
                                    "holds the same figures.")}),
        html.P(_("Towns are shaded by map class (darker = worse). %(mark)s marks a low-reliability "
                 "estimate; grey means no estimate. Click a town to open its profile.", mark=LOW_MARK),
               className="small text-body-secondary"),
    ]


def _filters(opts: Options, choice: Choice) -> dbc.Row:
    return filters_row([
        dbc.Col(labelled_select("access-measure", _("Measure"), list(zip(opts.measures["measure_id"],
                                                                      opts.measures["label"])),
                                choice.measure["measure_id"]), md=6, xl=4),
        dbc.Col(labelled_select("access-year", _("Year"), [(y, y) for y in opts.years], str(choice.year)),
                md=2, xl=1),
        dbc.Col(labelled_select("access-group", _("Group lens"),
                                [(EVERYONE, group_label("ALL")), *[(g, group_label(g)) for g in opts.groups]],
                                choice.group), md=4, xl=3),
        dbc.Col(labelled_select("access-region", _("Planning region"),
                                [(ALL_REGIONS, _("All of Connecticut")), *opts.regions],
                                choice.region or ALL_REGIONS),
                md=6, xl=4),
    ])


@guarded()
def layout(release: str | None = None, measure: str | None = None, year: str | None = None,
           group: str | None = None, region: str | None = None, view: dict | None = None, **_query):
    """Filters pinned to one release; the map is drawn once here, callbacks patch its values."""
    skip_if_shown(view, PATH, {"release": release, "measure": measure, "year": year, "group": group,
                               "region": region})
    title = _("Access to state services across towns")
    question = _("Where in Connecticut is access to state services weakest, and for whom?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    opts = options(info.release_id)
    if opts.measures.empty:
        return empty_page(title, question, _("This release has no service-access measures for towns."), info)
    choice = choose(info.release_id, opts, measure, year, group, region, strict=False)
    map_block = _map_block(choice, aq.town_shapes(settings(), info.release_id))
    before = [dcc.Location(id="access-go", refresh="callback-nav"),
              dcc.Store(id="access-release", data=info.release_id), dcc.Download(id="access-download")]
    return page_skeleton(info, title, question, _filters(opts, choice), [
        html.Div(id="access-notice", **{"aria-live": "polite"}),
        dbc.Row([
            dbc.Col(map_block, lg=7),
            dbc.Col([html.P(id="access-summary", **{"aria-live": "polite"}), html.Div(id="access-lens"),
                     html.H2(_("Towns ranked"), className="h5 mt-3"),
                     html.Div(id="access-ranked", className="overflow-auto border rounded",
                              style={"maxHeight": "520px"}, tabIndex="0", role="region",
                              **{"aria-label": _("Towns ranked by the chosen measure")}),
                     html.Div(embed_controls("access-ranked", "access-ranked"),
                              className="d-flex flex-wrap gap-2 mt-2 align-items-start")], lg=5),
        ], className="g-3 mt-1"),
        html.P(reliability_convention(settings().cv_high, settings().cv_medium),
               className="small text-body-secondary mt-2"),
        html.Div([
            html.Button(_("Show data"), id="access-data-toggle", className="btn btn-sm btn-outline-secondary",
                        n_clicks=0, **{"aria-controls": "access-data-collapse", "aria-expanded": "false"}),
            html.Button(_("Download CSV"), id="access-download-button",
                        className="btn btn-sm btn-outline-secondary", n_clicks=0),
            *embed_controls("access-map", "access-map", None, png_href("access-map", choice.params)),
        ], className="d-flex flex-wrap gap-2 mt-2 align-items-start"),
        dbc.Collapse(html.Div(id="access-data", className="mt-2"), id="access-data-collapse", is_open=False),
    ], location="access-url", before=before)


FILTERS = [Input("access-measure", "value"), Input("access-year", "value"), Input("access-group", "value"),
           Input("access-region", "value"), State("access-release", "data")]


@callback(Output("access-map", "figure"), Output("access-url", "search"),
          Output("shell-view", "data", allow_duplicate=True), *FILTERS,
          prevent_initial_call="initial_duplicate")
@guarded(unchanged=3, silent=True)
def update_map(measure, year, group, region, release):
    """Patch the map's values (never its geometry) and write the filters into the URL."""
    choice = _from_inputs(release, measure, year, group, region)
    shapes = aq.town_shapes(settings(), choice.release_id)
    patch = dash.no_update
    if shapes is not None:
        values, view = _map_state(choice, shapes)[1:]
        patch = town_map_patch(values, view)
    return patch, query_string(**choice.params), view_state(PATH, **choice.params)


@callback(Output({"type": "panel-png", "chart": "access-map"}, "href"), *FILTERS)
@guarded(unchanged=1, silent=True)
def png_link(measure, year, group, region, release):
    """The map's image download follows the filters (the embed code reads the address bar)."""
    return png_href("access-map", _from_inputs(release, measure, year, group, region).params)


@callback(Output("access-notice", "children"), Output("access-summary", "children"),
          Output("access-lens", "children"), Output("access-ranked", "children"), *FILTERS)
@guarded(cleared=3)
def update_panel(measure, year, group, region, release):
    """Summary sentence, group lens and the ranked table for the chosen filters."""
    return None, *_panel(_from_inputs(release, measure, year, group, region))


def _panel(choice: Choice) -> tuple:
    measure = choice.measure
    frame = aq.town_values(settings(), choice.release_id, viewer(), measure["measure_id"], choice.year)
    towns = aq.town_list(settings(), choice.release_id)
    rows = aq.group_access(settings(), choice.release_id, measure["measure_id"], choice.year)
    ranked = ranked_parts(frame, rows, towns, measure, choice.year, choice.region, query_string(**choice.params),
                          dash.get_relative_path, settings().suppression_k)
    lens = lens_parts(rows, towns, measure, choice.year, choice.region, choice.group)
    return ranked.summary, _lens(choice, lens), ranked.extra[0]


def _lens(choice: Choice, parts: ChartParts | None):
    """The group lens: its sentence and table, with the Embed button of this view."""
    if parts is None:
        return None
    if not parts.extra:
        return html.P(parts.summary)
    return html.Div([html.P(parts.summary, id="access-lens-sentence"), *parts.extra,
                     html.Div(embed_controls("access-lens", "access-lens", embed_options("access-lens", choice.params)
                                             ["embed_params"]),
                              className="d-flex flex-wrap gap-2 mt-2 align-items-start")], className="mb-2")


@callback(Output("access-go", "pathname"), Output("access-go", "search"), Input("access-map", "clickData"),
          State("access-measure", "value"), State("access-year", "value"), State("access-group", "value"),
          State("access-region", "value"), State("access-release", "data"), prevent_initial_call=True)
@guarded(unchanged=2, silent=True)
def open_town(click, measure, year, group, region, release):
    """A click on a town opens its profile (the geoid is checked against the release's towns)."""
    geoid = clicked_town(click)
    choice = _from_inputs(release, measure, year, group, region)
    if pick(geoid, aq.town_list(settings(), choice.release_id)["town_geoid"]) is None:
        raise NotAvailable(geoid)
    return dash.get_relative_path(f"/towns/{geoid}"), query_string(**choice.params)


def clicked_town(click: object) -> object:
    """The location of the first point of a map click, or None for anything that is not one."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    return point.get("location") if isinstance(point, dict) else None


@callback(Output("access-data-collapse", "is_open"), Output("access-data", "children"),
          Output("access-data-toggle", "children"), Output("access-data-toggle", "aria-expanded"),
          Input("access-data-toggle", "n_clicks"), *FILTERS)
def show_data(clicks, measure, year, group, region, release):
    """The data table alternative, built only while it is open."""
    if not isinstance(clicks, int) or clicks % 2 == 0:
        return False, None, _("Show data"), "false"
    return True, _data_table(release, measure, year, group, region), _("Hide data"), "true"


@guarded()
def _data_table(release, measure, year, group, region):
    choice = _from_inputs(release, measure, year, group, region)
    headers, rows = data_rows(_shown(choice), choice.measure["unit"], settings().suppression_k)
    return long_table(headers, rows, numeric=range(2, len(headers)), id_="access-data-table")


def _shown(choice: Choice) -> pd.DataFrame:
    frame = aq.town_values(settings(), choice.release_id, viewer(), choice.measure["measure_id"], choice.year)
    return frame[frame["region_id"] == choice.region] if choice.region else frame


@callback(Output("access-download", "data"), Input("access-download-button", "n_clicks"),
          State("access-measure", "value"), State("access-year", "value"), State("access-group", "value"),
          State("access-region", "value"), State("access-release", "data"), prevent_initial_call=True)
@guarded(unchanged=1, silent=True)
def download(clicks, measure, year, group, region, release):
    """A CSV of exactly the towns and figures shown, its column names in the viewer's language."""
    choice = _from_inputs(release, measure, year, group, region)
    if not clicks:
        return dash.no_update
    frame = map_table(aq.town_values(settings(), choice.release_id, viewer(), choice.measure["measure_id"],
                                     choice.year), choice.measure, choice.year, choice.region, settings().suppression_k)
    name = f"ct-equity-{choice.release_id}-{choice.measure['measure_id']}-{choice.year}.csv"
    headers = [_(TABLE_LABELS[c]) if c in TABLE_LABELS else c for c in frame.columns]  # as the embed's table shows
    return dcc.send_string(csv_text(list(frame.columns), frame.to_dict("records"), headers), name, type="text/csv")
