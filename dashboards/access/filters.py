"""The one allow-list of the `/access` filters, used by the page's layout, its callbacks, its embeds and the town
profile's way back: which measures, years, group lenses and regions a release offers, and their defaults."""
from __future__ import annotations

from dashboards._shared import LENIENT, STRICT, allowed, catalog, measure_and_year, release_years
from data_access import access_queries as aq
from data_access import codes
from data_access.settings import Settings

from .transforms import ALL_REGIONS, EVERYONE, Choice, Options


def options(settings: Settings, release_id: str) -> Options:
    """What the filters offer in a release (the group lenses: those with figures for the first measure)."""
    measures = catalog.access_measures(settings, release_id)
    groups = []
    if not measures.empty:
        first = measures.iloc[0]
        rows = aq.group_access(settings, release_id, first["measure_id"], first["years"][-1])
        present = set(rows["group_code"])
        groups = [g for g in codes.POPULATION_GROUPS if g in present and g != "total"]
    towns = aq.town_list(settings, release_id)
    regions = sorted(set(zip(towns["region_id"], towns["region_name"])), key=lambda r: r[1])
    return Options(measures, release_years(measures), groups, regions)


def choose(release_id: str, opts: Options, measure, year, group, region, mode: str = LENIENT) -> Choice | None:
    """Every filter on its list (see `dashboards._shared.allowed` for the modes); None when one is refused."""
    measure_year = measure_and_year(opts.measures, measure, year, mode)
    chosen = {
        "group": allowed(group, [EVERYONE, *opts.groups], EVERYONE, mode, missing_is_default=True),
        "region": allowed(region, [ALL_REGIONS, *[r for r, _name in opts.regions]], ALL_REGIONS, mode,
                          missing_is_default=True),
    }
    if measure_year is None or None in chosen.values():
        return None
    row, chosen_year = measure_year
    region_id = None if chosen["region"] == ALL_REGIONS else chosen["region"]
    return Choice(release_id, row, int(chosen_year), chosen["group"], region_id)


def known(opts: Options, measure, year, group, region) -> dict:
    """The filters of an address that are on the lists, each on its own (anything else is dropped)."""
    return {"measure": allowed(measure, opts.measures["measure_id"].tolist(), None, STRICT),
            "year": allowed(year, opts.years, None, STRICT),
            "group": allowed(group, opts.groups, None, STRICT),
            "region": allowed(region, [r for r, _name in opts.regions], None, STRICT)}
