"""`/disparities` — group-weighted access with intervals, dissimilarity and Theil over time (DESIGN §4.3)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, html

from components.figures import Axis, Series, group_dots, stacked_bars, trend_lines
from components.formatting import GROUP_COLOURS, group_label, ratio
from components.panel import chart_panel, parts_panel
from components.shell import labelled_select, notice, page_header, release_line, synthetic_notice, url_sync
from data_access import codes, queries
from data_access import public_queries as pq
from data_access.queries import DataUnavailable

from . import _disparities as dt
from ._disparities import Choice, Options
from ._embed_button import embed_options
from ._helpers import DB_DOWN, NOT_AVAILABLE, pick, query_string, settings, skip_if_shown, view_state, viewer

dash.register_page(__name__, path="/disparities", name="Disparities", order=5,
                   title="Disparities in access across groups and places — CT Equity Benchmarks")

PATH = "/disparities"
LEVELS = (("region", "Planning regions"), ("county", "Former counties (before 2022)"))


def options(release_id: str) -> Options:
    """What the filters offer in a release."""
    measures = pq.disparity_measures(settings(), release_id)
    years = sorted({str(y) for ys in measures["years"] for y in ys}, reverse=True)
    groups = []
    if not measures.empty:
        present = set(pq.access_groups(settings(), release_id, measures["measure_id"].iloc[0])["group_code"])
        groups = [g for g in dt.ACCESS_GROUPS if g in present and g != "total"]
    return Options(measures, years, pq.geographies(settings(), release_id), groups)


def area_options(geos: pd.DataFrame, level: str) -> list[tuple[str, str]]:
    """Connecticut first, then the places of the level."""
    places = geos[geos["geography_level"] == level]
    return [(codes.STATE_ID, "Connecticut (whole state)"),
            *zip(places["geography_id"], places["geography_name"])]


def choose(release_id: str, opts: Options, measure, year, level, area, group, strict: bool) -> Choice | None:
    """Allow-list every filter; strict (callbacks) rejects unknown values, lenient (layout) falls back."""
    ids = opts.measures["measure_id"].tolist()
    default_group = next((g for g in opts.groups if g != settings().reference_group), None)
    chosen = {
        "measure": pick(measure, ids, None if strict else ids[0]),
        "year": pick(year, opts.years, None if strict else opts.years[0]),
        "level": pick(level, [k for k, _ in LEVELS], None if strict else "region"),
        "area": pick(area, opts.geos["geography_id"], None if strict else codes.STATE_ID),
        "group": pick(group, opts.groups, None if strict else default_group),
    }
    if None in chosen.values():
        return None
    row = opts.measures[opts.measures["measure_id"] == chosen["measure"]].iloc[0]
    place = opts.geos[opts.geos["geography_id"] == chosen["area"]].iloc[0]
    return Choice(release_id, row, int(chosen["year"]), chosen["level"], place["geography_level"],
                  chosen["area"], place["geography_name"], chosen["group"])


def _filters(info, releases, opts: Options, choice: Choice) -> dbc.Row:
    col = {"md": 6, "xl": 4}
    return dbc.Row([
        dbc.Col(labelled_select("disparities-release", "Data release",
                                [(r.release_id, f"{r.release_id} ({r.status})") for r in releases],
                                info.release_id), **col),
        dbc.Col(labelled_select("disparities-measure", "Measure",
                                list(zip(opts.measures["measure_id"], opts.measures["label"])),
                                choice.measure["measure_id"]), **col),
        dbc.Col(labelled_select("disparities-year", "Year", [(y, y) for y in opts.years], str(choice.year)),
                md=3, xl=2),
        dbc.Col(labelled_select("disparities-level", "Compare across", list(LEVELS), choice.level),
                md=6, xl=4),
        dbc.Col(labelled_select("disparities-area", "Area", area_options(opts.geos, choice.level),
                                choice.area), **col),
        dbc.Col(labelled_select("disparities-group", "Group", [(g, group_label(g)) for g in opts.groups],
                                choice.group), **col),
    ], className="g-2")


def layout(release: str | None = None, measure: str | None = None, year: str | None = None,
           level: str | None = None, area: str | None = None, group: str | None = None,
           view: dict | None = None, **_query):
    """Filters pinned to one release; the panels are filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "measure": measure, "year": year, "level": level,
                               "area": area, "group": group})
    header = page_header("Disparities in access",
                         "Do residents of every group live where state services are as easy to reach?")
    try:
        info = queries.resolve_release(settings(), viewer(), release)
        if info is None:
            return [*header, notice("No release has been published yet.")]
        opts = options(info.release_id)
        if opts.measures.empty or not opts.groups:
            return [synthetic_notice(info.synthetic), *header,
                    notice("This release has no group-weighted access figures.")]
        choice = choose(info.release_id, opts, measure, year, level, area, group, strict=False)
        releases = queries.visible_releases(settings(), viewer())
    except DataUnavailable:
        return notice(DB_DOWN, "danger")
    return html.Div([
        url_sync("disparities-url"), synthetic_notice(info.synthetic), *header,
        _filters(info, releases, opts, choice),
        html.Div(id="disparities-content", **{"aria-live": "polite"}),
        html.Div(id="disparities-indices"),
        release_line(info.release_id, info.status,
                     f"{info.published_at:%Y-%m-%d}" if info.published_at else None),
    ])


@callback(Output("disparities-area", "options"), Output("disparities-area", "value"),
          Input("disparities-level", "value"), State("disparities-area", "value"),
          State("disparities-release", "value"), prevent_initial_call=True)
def level_areas(level, area, release):
    """The area list follows the chosen geography level (the state stays available)."""
    try:
        info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
        chosen = pick(level, [k for k, _ in LEVELS])
        if info is None or info.release_id != release or chosen is None:
            return dash.no_update, dash.no_update
        pairs = area_options(pq.geographies(settings(), info.release_id), chosen)
    except DataUnavailable:
        return dash.no_update, dash.no_update
    options_ = [{"label": text, "value": val} for val, text in pairs]
    return options_, pick(area, [v for v, _ in pairs], codes.STATE_ID)


@callback(Output("disparities-content", "children"), Output("disparities-url", "search"),
          Output("shell-view", "data", allow_duplicate=True),
          Input("disparities-release", "value"), Input("disparities-measure", "value"),
          Input("disparities-year", "value"), Input("disparities-level", "value"),
          Input("disparities-area", "value"), Input("disparities-group", "value"),
          prevent_initial_call="initial_duplicate")
def show(release, measure, year, level, area, group):
    """The group panels for the chosen filters; the filters go into the URL."""
    try:
        choice = _from_inputs(release, measure, year, level, area, group)
        if choice is None:
            return notice(NOT_AVAILABLE, "warning"), dash.no_update, dash.no_update
        access = pq.access_groups(settings(), choice.release_id, choice.measure["measure_id"])
        reference = dt.reference_of(access, settings().reference_group)
        content = [group_panel(choice, access, reference), ratio_panel(choice, access, reference)]
    except DataUnavailable:
        return notice(DB_DOWN, "danger"), dash.no_update, dash.no_update
    return content, query_string(**choice.params), view_state(PATH, **choice.params)


@callback(Output("disparities-indices", "children"),
          Input("disparities-release", "value"), Input("disparities-measure", "value"),
          Input("disparities-year", "value"), Input("disparities-level", "value"),
          Input("disparities-area", "value"))
def show_indices(release, measure, year, level, area):
    """Dissimilarity and Theil panels (they do not depend on the group, so a group change skips them)."""
    try:
        choice = _from_inputs(release, measure, year, level, area, None, any_group=True)
        if choice is None:
            return notice(NOT_AVAILABLE, "warning")
        ineq = pq.inequality(settings(), choice.release_id, choice.measure["measure_id"])
        geos = pq.geographies(settings(), choice.release_id)
        access = pq.access_groups(settings(), choice.release_id, choice.measure["measure_id"])
        reference = dt.reference_of(access, settings().reference_group)
        return [dissimilarity_panel(choice, geos, reference), theil_split_panel(choice, ineq),
                theil_trend_panel(choice, ineq)]
    except DataUnavailable:
        return notice(DB_DOWN, "danger")


def _from_inputs(release, measure, year, level, area, group, any_group: bool = False) -> Choice | None:
    """A callback's inputs checked against the viewer's releases and the release's lists."""
    info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
    if info is None or info.release_id != release:
        return None
    opts = options(info.release_id)
    if any_group and opts.groups:
        group = opts.groups[0]
    return choose(info.release_id, opts, measure, year, level, area, group, strict=True)


def group_panel(choice: Choice, access: pd.DataFrame, reference: str) -> html.Section:
    """The group-by-group chart, with its image download and embed code for this view."""
    return parts_panel(dt.group_parts(choice, access, reference),
                       **embed_options("disparities-groups", choice.params))


def _places(choice: Choice) -> list[tuple[str, str, str]]:
    state = ("state", codes.STATE_ID, "Connecticut")
    if choice.area == codes.STATE_ID:
        return [state]
    return [(choice.area_level, choice.area, choice.area_name), state]


def ratio_panel(choice: Choice, access: pd.DataFrame, reference: str) -> html.Section:
    places = _places(choice)
    series = dt.place_series(access, places, "ratio", group_code=choice.group)
    who, ref = group_label(choice.group), group_label(reference)
    lines = [Series(name, frame["year"], frame["ratio"], colour=GROUP_COLOURS.get(choice.group, "#000000"),
                    dash="solid" if i == 0 else "dash", symbol="circle" if i == 0 else "square")
             for i, (_, _, name) in enumerate(places) if not (frame := series[series["place"] == name]).empty]
    summary = dt.change_sentence(series, "ratio", places[0][2], dt.place_phrase(*places[0][::2]),
                                 f"the ratio of {who} to {ref} residents", ratio,
                                 f" (1.00 = the same as {ref} residents)")
    table = series.assign(ratio=series["ratio"].round(2))
    figure = trend_lines(lines, Axis(f"Ratio to {ref} residents", tickformat=".2f"),
                         [(1.0, f"Parity with {ref} residents")]) if lines else None
    return chart_panel("disparities-ratio-trend", f"{who} residents against {ref} residents over time",
                       summary, table, figure, {"year": "Year", "place": "Area", "ratio": f"Ratio to {ref}"},
                       f"Source: release table access_by_group, measure {choice.measure['measure_id']}.")


def dissimilarity_panel(choice: Choice, geos: pd.DataFrame, reference: str) -> html.Section:
    places = geos[geos["geography_level"].isin(["state", choice.level])]
    table = dt.dissimilarity_table(pq.dissimilarity(settings(), choice.release_id), choice.year, places)
    summary = dt.dissimilarity_sentence(table, choice.year, reference, "Connecticut", choice.level)
    names = places["geography_name"].tolist()
    groups = []
    for code in [g for g in codes.RACE_ETHNICITY if g in set(table["group_code"])]:
        values = table[table["group_code"] == code].set_index("place")["dissimilarity"].reindex(names)
        groups.append((group_label(code), values.tolist(), GROUP_COLOURS.get(code, "#000000")))
    figure = group_dots(names, groups, Axis("Index of dissimilarity (0 = spread alike, 1 = fully apart)",
                                            extra={"range": [0, 1]})) if groups else None
    return chart_panel("disparities-dissimilarity", f"How apart groups live from {group_label(reference)} "
                       f"residents, {choice.year}", summary, table.drop(columns="group_code"), figure,
                       {"place": "Area", "group": "Group", "dissimilarity": "Index of dissimilarity"},
                       "Source: release table segregation_indices (town populations, ACS 5-year estimates).")


def theil_split_panel(choice: Choice, ineq: pd.DataFrame) -> html.Section:
    split = dt.theil_split(ineq)
    summary = dt.theil_sentence(split, choice.year, choice.measure["label"])
    figure = stacked_bars(split["year"], [("Between planning regions", split["between"], "#0072B2"),
                                          ("Within planning regions", split["within"], "#E69F00")],
                          Axis("Theil index (0 = equal everywhere)", tickformat=".2~g"))
    return chart_panel("disparities-theil-split",
                       "How much of the inequality across towns lies between regions", summary,
                       dt.theil_table(split), figure if not split.empty else None,
                       {"year": "Year", "between": "Between regions", "within": "Within regions",
                        "total": "Theil index", "between_share": "Share between regions"},
                       "Source: release table inequality_indices (population-weighted Theil index).")


def theil_trend_panel(choice: Choice, ineq: pd.DataFrame) -> html.Section:
    places = _places(choice)
    series = dt.place_series(ineq, places, "value", index_name="theil")
    lines = [Series(name, frame["year"], frame["value"], colour="#0072B2" if i == 0 else "#555555",
                    dash="solid" if i == 0 else "dash", symbol="circle" if i == 0 else "square")
             for i, (_, _, name) in enumerate(places) if not (frame := series[series["place"] == name]).empty]
    summary = dt.change_sentence(series, "value", places[0][2], dt.place_phrase(*places[0][::2]),
                                 "the Theil index across towns",
                                 lambda v: f"{v:.3g}", " (0 = the same value in every town)")
    table = series.assign(value=[float(f"{v:.3g}") for v in series["value"]])
    table = table.rename(columns={"value": "theil"})
    figure = trend_lines(lines, Axis("Theil index", tickformat=".2~g")) if lines else None
    return chart_panel("disparities-theil-trend", f"Inequality of “{choice.measure['label']}” across towns "
                       "over time", summary, table, figure,
                       {"year": "Year", "place": "Area", "theil": "Theil index"},
                       "Source: release table inequality_indices.")
