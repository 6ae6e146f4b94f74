"""The one allow-list of the `/disparities` filters, used by the page's layout, its callbacks and its embeds:
which measures, years, levels, areas and groups a release offers, and their defaults."""
from __future__ import annotations

import pandas as pd

from components.i18n import N_
from dashboards._shared import LENIENT, allowed, catalog, measure_and_year, release_years
from data_access import codes
from data_access import public_queries as pq
from data_access.settings import Settings

from .transforms import ACCESS_GROUPS, Choice, Options

LEVELS = (("region", N_("Planning regions")), ("county", N_("Former counties (before 2022)")))


def options(settings: Settings, release_id: str) -> Options:
    """What the filters offer in a release (the groups: those with figures for the first measure)."""
    measures = catalog.disparity_measures(settings, release_id)
    groups = []
    if not measures.empty:
        present = set(pq.access_groups(settings, release_id, measures["measure_id"].iloc[0])["group_code"])
        groups = [g for g in ACCESS_GROUPS if g in present and g != "total"]
    return Options(measures, release_years(measures), pq.geographies(settings, release_id), groups)


def level_of(level: object, mode: str = LENIENT) -> str | None:
    """A geography level to compare across (default: planning regions)."""
    return allowed(level, [k for k, _label in LEVELS], "region", mode)


def choose(settings: Settings, release_id: str, opts: Options, measure, year, level, area, group,
           mode: str = LENIENT) -> Choice | None:
    """Every filter on its list (see `dashboards._shared.allowed` for the modes); None when one is refused."""
    measure_year = measure_and_year(opts.measures, measure, year, mode)
    default_group = next((g for g in opts.groups if g != settings.reference_group), None)
    chosen = {
        "level": level_of(level, mode),
        "area": allowed(area, opts.geos["geography_id"].tolist(), codes.STATE_ID, mode),
        "group": allowed(group, opts.groups, default_group, mode),
    }
    if measure_year is None or None in chosen.values():
        return None
    row, chosen_year = measure_year
    place: pd.Series = opts.geos[opts.geos["geography_id"] == chosen["area"]].iloc[0]
    return Choice(release_id, row, int(chosen_year), chosen["level"], place["geography_level"], chosen["area"],
                  place["geography_name"], chosen["group"])
