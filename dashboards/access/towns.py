"""`/towns/<geoid>` — one town's service access against its planning region and the state (DESIGN §6)."""
from __future__ import annotations

import re

import dash
from dash import Input, Output, callback, dcc, html

from components.i18n import N_, _
from components.panel import parts_panel
from components.shell import notice, page_header
from components.skeleton import page_skeleton
from components.tables import data_table
from dashboards._shared import catalog, guarded, query_string, settings, view_state, viewer
from dashboards._shared.briefing import briefing_link
from data_access import access_queries as aq
from data_access import codes, queries
from embeds.button import embed_options

from . import filters
from .town_parts import profile_parts, profile_year
from .town_transforms import population_rows, trend_rows
from .transforms import reliability_convention

dash.register_page(__name__, path_template="/towns/<geoid>", name=N_("Town profile"), nav=False,
                   title=lambda **_kw: _("Town profile — CT Equity Benchmarks"))

GEOID = re.compile(r"^09\d{8}$")
NO_SUCH_TOWN = N_("There is no Connecticut town with that code. Town codes are the 10-digit Census codes of "
                  "the 169 towns; choose a town on the service-access map.")


def _back_params(release_id: str, measure, year, group, region) -> dict:
    """The /access filters the visitor came from, allow-listed (anything else is dropped)."""
    return {"release": release_id, **filters.known(filters.options(settings(), release_id), measure, year, group,
                                                   region)}


def _view_reset(geoid: str) -> dcc.Store:
    """This page's view for the shell, so going back to a filtered page re-renders it (see _helpers)."""
    return dcc.Store(id="towns-view", data=geoid)


def _no_such_town(back: str) -> html.Div:
    return html.Div([_view_reset(""), *page_header(_("Town not found"), _("Which town did you mean?")),
                     notice(_(NO_SUCH_TOWN), "warning"),
                     dcc.Link(_("Go to the service-access map"), href=back, id="towns-back")])


@guarded()
def layout(geoid: str | None = None, release: str | None = None, measure: str | None = None,
           year: str | None = None, group: str | None = None, region: str | None = None, **_query):
    """Every access measure of the town against its region and the state, its trend and population."""
    access = dash.get_relative_path("/access")
    info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
    if info is None:
        return notice(_("No release has been published yet."))
    towns = aq.town_list(settings(), info.release_id)
    if not isinstance(geoid, str) or not GEOID.match(geoid) or geoid not in set(towns["town_geoid"]):
        return _no_such_town(access)
    back = access + query_string(**_back_params(info.release_id, measure, year, group, region))
    return _profile(info, towns[towns["town_geoid"] == geoid].iloc[0], year, back)


def _profile(info, town, year, back: str) -> html.Div:
    rid, geoid, name = info.release_id, town["town_geoid"], town["town_name"]
    measures = catalog.access_measures(settings(), rid)
    values = aq.town_profile(settings(), rid, viewer(), geoid)
    shown = profile_year(values, year)
    region = aq.geography_totals(settings(), rid, "region", town["region_id"])
    state = aq.geography_totals(settings(), rid, "state", codes.STATE_ID)
    population = aq.town_population(settings(), rid, geoid)
    pop_years = sorted(int(y) for y in set(population["year"]) if int(y) <= shown) or \
        sorted(int(y) for y in set(population["year"]))
    region_name = town["region_name"]
    trend_headers, trend = trend_rows(values, measures, settings().suppression_k)
    question = _("How does access to state services in %(town)s compare with the %(region)s and Connecticut?",
                 town=name, region=region_name)
    intro = html.P(_("%(town)s is in the %(region)s (%(county)s).", town=name, region=region_name,
                     county=town["county_name"]))
    return page_skeleton(info, name, question, None, [
        parts_panel(profile_parts(town, measures, values, region, state, shown, settings().suppression_k),
                    **embed_options("town-profile", {"release": rid, "geoid": geoid, "year": shown}))
        if not measures.empty
        else notice(_("This release has no service-access measures for towns.")),
        html.H2(_("Trend"), className="h4 mt-4"),
        html.Div(data_table(trend_headers, trend, numeric=range(1, len(trend_headers)), id_="towns-trend"),
                 className="overflow-auto", tabIndex="0", role="region", **{"aria-label": _("Trend by year")}),
        html.H2(_("Residents by group (%(year)s)", year=pop_years[-1] if pop_years else "—"), className="h4 mt-4"),
        data_table([_("Group"), _("Residents"), _("Margin of error (90 %)"), _("Share of residents")],
                   population_rows(population, pop_years[-1], codes.POPULATION_GROUPS) if pop_years else [],
                   numeric=(1, 2, 3), id_="towns-population"),
        html.P(reliability_convention(settings().cv_high, settings().cv_medium),
               className="small text-body-secondary mt-2"),
    ], before=[_view_reset(geoid)], lead=[dcc.Link(_("← Back to the service-access map"), href=back, id="towns-back")],
        intro=[intro, briefing_link(geoid, rid, "towns-briefing")])


@callback(Output("shell-view", "data", allow_duplicate=True), Input("towns-view", "data"),
          prevent_initial_call="initial_duplicate")
def reset_view(geoid):
    """Record that the shell now shows a town profile."""
    return view_state(f"/towns/{geoid}" if isinstance(geoid, str) and GEOID.match(geoid) else "/towns")
