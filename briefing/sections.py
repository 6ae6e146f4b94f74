"""What a briefing pack holds, scope by scope (DESIGN §6 `/briefing/<scope>`): the pages' own chart parts.

Each section is the `ChartParts` the page builds for the same release, year and viewer, from the same
memoized, viewer-scoped queries and the same pure transforms — so headline statuses, figures, summaries and
suppression marks are exactly those of the page: the overview for `state`, the agency scorecard for an agency
code, the town profile for a town GEOID. Scopes are allow-listed against the release's own codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from components.charts import utilization_heatmap
from components.formatting import suppressed
from components.i18n import _
from components.panel import ChartParts
from dashboards._shared import catalog
from dashboards._shared import workforce as wf
from dashboards._shared.selection import selection_parts
from dashboards.access.town_parts import profile_parts, profile_year
from dashboards.agencies import parts as ap
from dashboards.overview.embeds import overview_cards
from data_access import access_queries as aq
from data_access import codes, queries
from data_access import workforce_queries as wq
from data_access.releases import ReleaseInfo
from data_access.settings import Settings
from data_access.viewer import Viewer
from embeds.registry import chart
from embeds.signing import Unavailable

STATE = "state"
# Statewide charts of public tables (no count of people, so no viewer-specific suppression): their pages'
# embeddable builders, for the pack's release.
STATE_CHARTS = ("contracting-small", "contracting-minority", "plans-status")
GEOID = re.compile(r"^09\d{8}$")
AGENCY = re.compile(r"^[A-Za-z0-9]{1,16}$")


@dataclass(frozen=True)
class Pack:
    """A briefing pack: its scope, heading, the page it mirrors and its sections (chart parts)."""

    scope: str
    kind: str  # state / agency / town
    title: str
    page: str  # the page's address (without release), for "see it online"
    sections: list[ChartParts]
    untabled: tuple[str, ...] = ()  # charts printed without their data table (long lists; online in full)


def scope_kind(settings: Settings, release_id: str, scope: object) -> tuple[str, str] | None:
    """(kind, normalised scope) for an allow-listed scope, else None (anything else is not a pack)."""
    if scope == STATE:
        return "state", STATE
    if not isinstance(scope, str):
        return None
    if GEOID.match(scope) and scope in set(aq.town_list(settings, release_id)["town_geoid"]):
        return "town", scope
    if AGENCY.match(scope) and scope.upper() in set(wq.agency_list(settings, release_id)["agency_code"]):
        return "agency", scope.upper()
    return None


def state_pack(settings: Settings, info: ReleaseInfo) -> Pack:
    """The overview (one card per domain: headline benchmark, status, trend as an image), then statewide
    contracting attainment and where the equity plans stand, as their pages show them."""
    parts, chosen, _page = overview_cards(settings, info.release_id, {}, True)
    sections = [parts]
    for chart_id in STATE_CHARTS:
        try:
            sections.append(chart(chart_id).build(settings, info.release_id, {}, True)[0])
        except (Unavailable, IndexError):  # the release has no figures for this chart
            continue
    return Pack(STATE, "state", _("Statewide overview"), f"/?year={chosen['year']}", sections, STATE_CHARTS)


def _utilization(settings: Settings, rid: str, viewer: Viewer, agency: pd.Series, year: int) -> ChartParts | None:
    """The scorecard's utilization heat map (default dimension and convention), masked for the viewer."""
    code, name = agency["agency_code"], agency["agency_name"]
    dimension, convention = wf.DEFAULT_DIMENSION, wf.DEFAULT_CONVENTION
    cells = queries.workforce_cells(settings, rid, viewer, code, dimension)
    now = cells[cells["fiscal_year"] == year]
    if now.empty:
        return None
    order = {c: i for i, c in enumerate((codes.ALL, *codes.JOB_CATEGORIES))}
    now = wf.order_groups(now, dimension).sort_values("job_category", key=lambda s: s.map(order), kind="stable")
    flagged = wf.with_flags(now, convention)
    text = suppressed(settings.suppression_k)
    return ChartParts(
        "agency-utilization", _("Utilization by job category and group, %(year)s", year=year),
        wf.utilization_summary(flagged, convention, codes.ALL, _("at the %(agency)s", agency=name), text),
        wf.utilization_table(flagged, text), utilization_heatmap(wf.heatmap_frame(flagged, False)), wf.TABLE_LABELS,
        _("Source: %(tables)s release table.", tables="workforce_utilization"))


def agency_pack(settings: Settings, info: ReleaseInfo, viewer: Viewer, code: str) -> Pack:
    """The scorecard's sections for the latest workforce year, as the viewer sees them."""
    rid = info.release_id
    agencies = catalog.agency_list(settings, rid)
    agency = agencies[agencies["agency_code"] == code].iloc[0]
    years = wq.workforce_years(settings, rid)
    year = int(years[0]) if years else None
    text = suppressed(settings.suppression_k)
    sections: list[ChartParts | None] = []
    if year is not None:
        sections.append(ap.benchmark_parts(wq.agency_benchmarks(settings, rid, code), agency, year))
        sections.append(_utilization(settings, rid, viewer, agency, year))
        sections.append(selection_parts(wq.agency_selection(settings, rid, viewer, code, codes.ALL), year,
                                           wf.DEFAULT_DIMENSION, text, codes.ALL))
        contracting = wq.contracting_comparison(settings, rid, code)
        if not contracting.empty:
            sections += [ap.contracting_parts(contracting, agency, year, kind) for kind in ap.KINDS]
        plans = wq.plan_comparison(settings, rid, code)
        if not plans.empty:
            sections.append(ap.plan_parts(plans, agency, year))
        training = wq.training_comparison(settings, rid, viewer, code)
        if not training.empty:
            sections.append(ap.training_parts(training, agency, year, text))
    page = f"/agencies/{code}" + (f"?year={year}" if year is not None else "")
    return Pack(code, "agency", agency["agency_name"], page, [s for s in sections if s is not None])


def town_pack(settings: Settings, info: ReleaseInfo, viewer: Viewer, geoid: str) -> Pack:
    """The town profile: every access measure against the region and the state, as the viewer sees it."""
    rid = info.release_id
    towns = aq.town_list(settings, rid)
    town = towns[towns["town_geoid"] == geoid].iloc[0]
    measures = catalog.access_measures(settings, rid)
    sections = []
    if not measures.empty:
        values = aq.town_profile(settings, rid, viewer, geoid)
        year = profile_year(values, None)
        region = aq.geography_totals(settings, rid, "region", town["region_id"])
        state = aq.geography_totals(settings, rid, "state", codes.STATE_ID)
        sections.append(profile_parts(town, measures, values, region, state, year))
    return Pack(geoid, "town", town["town_name"], f"/towns/{geoid}", sections)


def build_pack(settings: Settings, info: ReleaseInfo, viewer: Viewer, scope: object) -> Pack | None:
    """The pack of an allow-listed scope for the viewer, or None for anything else."""
    found = scope_kind(settings, info.release_id, scope)
    if found is None:
        return None
    kind, code = found
    if kind == "state":
        return state_pack(settings, info)
    if kind == "agency":
        return agency_pack(settings, info, viewer, code)
    return town_pack(settings, info, viewer, code)
