"""`/disparities` — group-weighted access with intervals, dissimilarity and Theil over time (DESIGN §4.3)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, html

from components.formatting import group_label
from components.i18n import N_, _
from components.panel import parts_panel
from components.shell import labelled_select
from components.skeleton import empty_page, filters_row, page_skeleton, release_select
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
from data_access import codes, queries
from data_access import public_queries as pq
from embeds.button import embed_options

from . import embeds as _charts  # noqa: F401  (registers the area's embeddable charts)
from . import filters
from . import transforms as dt
from .filters import LEVELS
from .transforms import Choice, Options

dash.register_page(__name__, path="/disparities", name=N_("Disparities"), order=5,
                   title=lambda **_kw: _("Disparities in access across groups and places — CT Equity Benchmarks"))

PATH = "/disparities"


def options(release_id: str) -> Options:
    """What the filters offer in a release (see `filters.options`)."""
    return filters.options(settings(), release_id)


def area_options(geos: pd.DataFrame, level: str) -> list[tuple[str, str]]:
    """Connecticut first, then the places of the level."""
    places = geos[geos["geography_level"] == level]
    return [(codes.STATE_ID, _("Connecticut (whole state)")),
            *zip(places["geography_id"], places["geography_name"])]


def choose(release_id: str, opts: Options, measure, year, level, area, group, strict: bool) -> Choice | None:
    """Allow-list every filter; strict (callbacks) rejects unknown values, lenient (layout) falls back."""
    return filters.choose(settings(), release_id, opts, measure, year, level, area, group,
                          STRICT if strict else LENIENT)


def _filters(info, releases, opts: Options, choice: Choice) -> dbc.Row:
    col = {"md": 6, "xl": 4}
    return filters_row([
        dbc.Col(release_select("disparities-release", releases, info.release_id), **col),
        dbc.Col(labelled_select("disparities-measure", _("Measure"),
                                list(zip(opts.measures["measure_id"], opts.measures["label"])),
                                choice.measure["measure_id"]), **col),
        dbc.Col(labelled_select("disparities-year", _("Year"), [(y, y) for y in opts.years], str(choice.year)),
                md=3, xl=2),
        dbc.Col(labelled_select("disparities-level", _("Compare across"), [(k, _(v)) for k, v in LEVELS],
                                choice.level),
                md=6, xl=4),
        dbc.Col(labelled_select("disparities-area", _("Area"), area_options(opts.geos, choice.level),
                                choice.area), **col),
        dbc.Col(labelled_select("disparities-group", _("Group"), [(g, group_label(g)) for g in opts.groups],
                                choice.group), **col),
    ])


@guarded()
def layout(release: str | None = None, measure: str | None = None, year: str | None = None,
           level: str | None = None, area: str | None = None, group: str | None = None,
           view: dict | None = None, **_query):
    """Filters pinned to one release; the panels are filled by the callback below."""
    skip_if_shown(view, PATH, {"release": release, "measure": measure, "year": year, "level": level,
                               "area": area, "group": group})
    title = _("Disparities in access")
    question = _("Do residents of every group live where state services are as easy to reach?")
    info = queries.resolve_release(settings(), viewer(), release)
    if info is None:
        return empty_page(title, question)
    opts = options(info.release_id)
    if opts.measures.empty or not opts.groups:
        return empty_page(title, question, _("This release has no group-weighted access figures."), info)
    choice = choose(info.release_id, opts, measure, year, level, area, group, strict=False)
    releases = queries.visible_releases(settings(), viewer())
    return page_skeleton(info, title, question, _filters(info, releases, opts, choice),
                         [html.Div(id="disparities-content", **{"aria-live": "polite"}),
                          html.Div(id="disparities-indices")], location="disparities-url")


@callback(Output("disparities-area", "options"), Output("disparities-area", "value"),
          Input("disparities-level", "value"), State("disparities-area", "value"),
          State("disparities-release", "value"), prevent_initial_call=True)
@guarded(unchanged=2, silent=True)
def level_areas(level, area, release):
    """The area list follows the chosen geography level (the state stays available)."""
    info = chosen_release(release)
    chosen = filters.level_of(level, STRICT)
    if chosen is None:
        raise NotAvailable(level)
    pairs = area_options(pq.geographies(settings(), info.release_id), chosen)
    options_ = [{"label": text, "value": val} for val, text in pairs]
    return options_, pick(area, [v for v, _ in pairs], codes.STATE_ID)


@callback(Output("disparities-content", "children"), Output("disparities-url", "search"),
          Output("shell-view", "data", allow_duplicate=True),
          Input("disparities-release", "value"), Input("disparities-measure", "value"),
          Input("disparities-year", "value"), Input("disparities-level", "value"),
          Input("disparities-area", "value"), Input("disparities-group", "value"),
          prevent_initial_call="initial_duplicate")
@guarded(unchanged=2)
def show(release, measure, year, level, area, group):
    """The group panels for the chosen filters; the filters go into the URL."""
    choice = _from_inputs(release, measure, year, level, area, group)
    access = pq.access_groups(settings(), choice.release_id, choice.measure["measure_id"])
    reference = dt.reference_of(access, settings().reference_group)
    content = [group_panel(choice, access, reference), ratio_panel(choice, access, reference)]
    return content, query_string(**choice.params), view_state(PATH, **choice.params)


@callback(Output("disparities-indices", "children"),
          Input("disparities-release", "value"), Input("disparities-measure", "value"),
          Input("disparities-year", "value"), Input("disparities-level", "value"),
          Input("disparities-area", "value"))
@guarded()
def show_indices(release, measure, year, level, area):
    """Dissimilarity and Theil panels (they do not depend on the group, so a group change skips them)."""
    choice = _from_inputs(release, measure, year, level, area, None, any_group=True)
    ineq = pq.inequality(settings(), choice.release_id, choice.measure["measure_id"])
    geos = pq.geographies(settings(), choice.release_id)
    access = pq.access_groups(settings(), choice.release_id, choice.measure["measure_id"])
    reference = dt.reference_of(access, settings().reference_group)
    return [dissimilarity_panel(choice, geos, reference), theil_split_panel(choice, ineq),
            theil_trend_panel(choice, ineq)]


def _from_inputs(release, measure, year, level, area, group, any_group: bool = False) -> Choice:
    """A callback's inputs checked against the viewer's releases and the release's lists (else NotAvailable)."""
    info = chosen_release(release)
    opts = options(info.release_id)
    if any_group and opts.groups:
        group = opts.groups[0]
    choice = choose(info.release_id, opts, measure, year, level, area, group, strict=True)
    if choice is None:
        raise NotAvailable("filters")
    return choice


def group_panel(choice: Choice, access: pd.DataFrame, reference: str) -> html.Section:
    """The group-by-group chart, with its image download and embed code for this view."""
    return parts_panel(dt.group_parts(choice, access, reference),
                       **embed_options("disparities-groups", choice.params))


def ratio_panel(choice: Choice, access: pd.DataFrame, reference: str) -> html.Section:
    return parts_panel(dt.ratio_parts(choice, access, reference),
                       **embed_options("disparities-ratio-trend", choice.params))


def dissimilarity_panel(choice: Choice, geos: pd.DataFrame, reference: str) -> html.Section:
    seg = pq.dissimilarity(settings(), choice.release_id)
    return parts_panel(dt.dissimilarity_parts(choice, seg, geos, reference),
                       **embed_options("disparities-dissimilarity", choice.params))


def theil_split_panel(choice: Choice, ineq: pd.DataFrame) -> html.Section:
    return parts_panel(dt.theil_split_parts(choice, ineq), **embed_options("disparities-theil-split", choice.params))


def theil_trend_panel(choice: Choice, ineq: pd.DataFrame) -> html.Section:
    return parts_panel(dt.theil_trend_parts(choice, ineq), **embed_options("disparities-theil-trend", choice.params))
