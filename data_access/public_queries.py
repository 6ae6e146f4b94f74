"""Questions the disparities, contracting, equity-plan and methodology pages ask (DESIGN §4.3, §4.5, §6).

None of these tables holds a count of people (spend is in dollars, plan commitments are not people, and
group-weighted access, dissimilarity and Theil are computed from published population estimates), so no
viewer-specific suppression applies; which release a viewer may open is checked before any call here.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .cache import memoize
from .codes import STATE_ID
from .queries import engine, measure_years, read_table, unavailable
from .schema import RELEASE_TABLES
from .settings import Settings

STATE_NAME = "Connecticut"
# Year column of each release table that has one (for "years covered" in release comparisons).
YEAR_NAMES = ("year", "fiscal_year", "plan_year")
YEAR_COLUMNS = {name: next((c.name for c in table.columns if c.name in YEAR_NAMES), None)
                for name, table in RELEASE_TABLES.items()}


@memoize
def geographies(settings: Settings, release_id: str) -> pd.DataFrame:
    """The state, planning regions and legacy counties of a release's towns table, with names.

    Columns: geography_level (state / region / county), geography_id, geography_name; sorted by level, name.
    """
    towns = read_table(settings, "towns", release_id)
    state = pd.DataFrame({"geography_level": ["state"], "geography_id": [STATE_ID],
                          "geography_name": [STATE_NAME]})
    regions = (towns[["region_id", "region_name"]].drop_duplicates()
               .set_axis(["geography_id", "geography_name"], axis=1).assign(geography_level="region"))
    counties = (towns[["county_id", "county_name"]].drop_duplicates()
                .set_axis(["geography_id", "geography_name"], axis=1).assign(geography_level="county"))
    out = pd.concat([state, regions.sort_values("geography_name"), counties.sort_values("geography_name")],
                    ignore_index=True)
    return out[["geography_level", "geography_id", "geography_name"]].astype(str)


@memoize
def disparity_measures(settings: Settings, release_id: str) -> pd.DataFrame:
    """Measures with group-weighted access rows, with their years.

    Columns: measure_id, label, unit, direction, domain, description, source, years (sorted list of int).
    """
    catalogue = read_table(settings, "measures", release_id)
    years = measure_years(settings, "access_by_group", release_id)
    out = catalogue[catalogue["measure_id"].isin(years.index)].copy()
    out["years"] = out["measure_id"].map(years)
    return out.sort_values("label", ignore_index=True)


@memoize
def access_groups(settings: Settings, release_id: str, measure_id: str) -> pd.DataFrame:
    """Every access_by_group row of one measure: all years, geography levels, places and groups."""
    return read_table(settings, "access_by_group", release_id, measure_id=measure_id)


@memoize
def dissimilarity(settings: Settings, release_id: str) -> pd.DataFrame:
    """The segregation_indices table of a release (every year, geography and group)."""
    return read_table(settings, "segregation_indices", release_id)


@memoize
def inequality(settings: Settings, release_id: str, measure_id: str) -> pd.DataFrame:
    """Theil rows of one measure: every year and geography, with the state's between/within split."""
    return read_table(settings, "inequality_indices", release_id, measure_id=measure_id)


@memoize
def agencies(settings: Settings, release_id: str) -> pd.DataFrame:
    """The agencies of a release: agency_code, agency_name, peer_group (sorted by name)."""
    return read_table(settings, "agencies", release_id).sort_values("agency_name", ignore_index=True)


@memoize
def contracting(settings: Settings, release_id: str) -> pd.DataFrame:
    """The contracting table of a release: every fiscal year, agency and the statewide `ALL` rows."""
    return read_table(settings, "contracting", release_id)


@memoize
def equity_plans(settings: Settings, release_id: str) -> pd.DataFrame:
    """The equity_plans table of a release: every agency and plan year."""
    return read_table(settings, "equity_plans", release_id)


@memoize
def table_summary(settings: Settings, release_id: str) -> pd.DataFrame:
    """Rows and years covered of every release table in one release.

    Columns: table_name, rows, first_year, last_year (years missing for tables without a year column).
    """
    records = []
    try:
        with engine(settings).connect() as conn:
            for name, table in RELEASE_TABLES.items():
                year = YEAR_COLUMNS[name]
                parts = [func.count()] + ([func.min(table.c[year]), func.max(table.c[year])] if year else [])
                row = conn.execute(select(*parts).where(table.c.release_id == release_id)).one()
                first, last = (row[1], row[2]) if year else (None, None)
                records.append({"table_name": name, "rows": int(row[0]), "first_year": first,
                                "last_year": last})
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    return pd.DataFrame(records, columns=["table_name", "rows", "first_year", "last_year"])
