"""Queries of the read-only data API (DESIGN §7): allow-listed key-column filters, bound values, stable pages.

Every row a caller receives passes through `mask_for_viewer`, exactly as on the pages; filters are allowed
only on a table's key columns (never on a figure that suppression can blank), so a filter cannot probe a
hidden value.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Boolean, DateTime, Float, Integer, Table, func, select
from sqlalchemy.exc import SQLAlchemyError

from . import codes
from .cache import memoize
from .changes import compare_releases
from .queries import engine, read_table, unavailable
from .schema import RELEASE_ID, RELEASE_TABLES, columns
from .settings import Settings
from .suppression import COMPARISON_KEY, mask_for_viewer
from .viewer import Viewer

# URL segment → release table (the geometry table is served as GeoJSON under /geo, not here).
API_TABLES: dict[str, str] = {
    "measures": "measures",
    "agencies": "agencies",
    "towns": "towns",
    "workforce-utilization": "workforce_utilization",
    "selection-rates": "selection_rates",
    "town-measures": "town_measures",
    "access-by-group": "access_by_group",
    "segregation-indices": "segregation_indices",
    "inequality-indices": "inequality_indices",
    "benchmark-progress": "benchmark_progress",
    "contracting": "contracting",
    "equity-plans": "equity_plans",
    "town-population": "town_population",
    "training": "training",
    "aap-goals": "aap_goals",
    "complaint-stats": "complaint_stats",
    "accommodation-stats": "accommodation_stats",
}
YEAR_RANGE = (1990, 2100)  # the input contract's sane years (pipeline/contract.py)
IDENTIFIER_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"  # codes and ids: letters, digits, . _ -
INDEX_NAMES = ("theil", "theil_between", "theil_within")
WORKFORCE_GROUPS = codes.RACE_ETHNICITY + codes.SEX + codes.RACE_SEX + (codes.ALL,)
PATTERNS = {"town_geoid": "^[0-9]{10}$", "geography_id": "^[0-9]{2,10}$"}
CHOICES: dict[str, tuple[str, ...]] = {
    "job_category": codes.JOB_CATEGORIES + (codes.ALL,),
    "group_dimension": codes.GROUP_DIMENSIONS,
    "action": codes.ACTIONS,
    "geography_level": codes.GEOGRAPHY_LEVELS,
    "scope": codes.BENCHMARK_SCOPES,
    "index_name": INDEX_NAMES,
    "forum": codes.FORUMS + (codes.ALL,),
    "dimension": codes.COMPLAINT_DIMENSIONS,
    "category": tuple(dict.fromkeys((codes.ALL, *codes.COMPLAINT_BASES, *codes.COMPLAINT_ISSUES,
                                     *codes.COMPLAINT_OUTCOMES))),
    "kind": codes.ACCOMMODATION_KINDS + (codes.ALL,),
}
# A key column whose codes differ in one table (goals are set for hires and promotions, and ALL counts both).
TABLE_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {("aap_goals", "action"): codes.AAP_ACTIONS + (codes.ALL,)}
GROUP_CHOICES = {
    "workforce_utilization": WORKFORCE_GROUPS,
    "selection_rates": WORKFORCE_GROUPS,
    "access_by_group": codes.POPULATION_GROUPS,
    "town_population": codes.POPULATION_GROUPS,
    "segregation_indices": codes.RACE_ETHNICITY,
    "aap_goals": WORKFORCE_GROUPS,
}


class InvalidParameter(ValueError):
    """A query parameter the API does not accept, with its name and a reason for the caller."""

    def __init__(self, parameter: str, reason: str):
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


@dataclass(frozen=True)
class FilterSpec:
    """What one key column accepts as a filter value."""

    column: str
    kind: str  # "year" (an integer), "choice" (a code list) or "text" (an identifier matched by pattern)
    choices: tuple[str, ...] = ()
    pattern: str = IDENTIFIER_PATTERN
    max_length: int = 64


def table_of(name: str) -> Table:
    return RELEASE_TABLES[name]


def key_columns(table_name: str) -> list[str]:
    """The primary key of a release table without release_id: the order of every page."""
    return [c.name for c in table_of(table_name).primary_key.columns if c.name != RELEASE_ID]


def column_kind(table_name: str, column: str) -> str:
    """JSON kind of a column: integer, number, boolean, date-time or string."""
    sql_type = table_of(table_name).c[column].type
    for kind, name in ((Boolean, "boolean"), (Integer, "integer"), (Float, "number"), (DateTime, "date-time")):
        if isinstance(sql_type, kind):
            return name
    return "string"


def filter_specs(table_name: str) -> dict[str, FilterSpec]:
    """The filters a table endpoint accepts: one per key column."""
    specs = {}
    for name in key_columns(table_name):
        column = table_of(table_name).c[name]
        if column_kind(table_name, name) == "integer":
            specs[name] = FilterSpec(name, "year")
        elif (table_name, name) in TABLE_CHOICES:
            specs[name] = FilterSpec(name, "choice", TABLE_CHOICES[(table_name, name)])
        elif name == "group_code" and table_name in GROUP_CHOICES:
            specs[name] = FilterSpec(name, "choice", GROUP_CHOICES[table_name])
        elif name in CHOICES:
            specs[name] = FilterSpec(name, "choice", CHOICES[name])
        else:
            length = getattr(column.type, "length", None) or 64
            specs[name] = FilterSpec(name, "text", pattern=PATTERNS.get(name, IDENTIFIER_PATTERN), max_length=length)
    return specs


def parse_filter(spec: FilterSpec, raw: str) -> int | str:
    """A filter value checked against its column's spec; raises InvalidParameter naming the column."""
    if spec.kind == "year":
        low, high = YEAR_RANGE
        if not re.fullmatch(r"[0-9]{4}", raw) or not low <= int(raw) <= high:
            raise InvalidParameter(spec.column, f"must be a year from {low} to {high}, like 2024")
        return int(raw)
    if spec.kind == "choice":
        if raw not in spec.choices:
            raise InvalidParameter(spec.column, f"must be one of: {', '.join(spec.choices)}")
        return raw
    if not 1 <= len(raw) <= spec.max_length or not re.fullmatch(spec.pattern.strip("^$"), raw):
        raise InvalidParameter(spec.column, f"must be 1 to {spec.max_length} characters matching {spec.pattern}")
    return raw


def parse_filters(table_name: str, given: Mapping[str, str]) -> tuple[tuple[str, int | str], ...]:
    """Normalised filters (sorted by column) from raw query values; unknown names are an error."""
    specs = filter_specs(table_name)
    unknown = sorted(set(given) - set(specs))
    if unknown:
        raise InvalidParameter(unknown[0], f"not a filter of this table; filters: {', '.join(specs)}")
    return tuple(sorted((name, parse_filter(specs[name], raw)) for name, raw in given.items()))


def _where(table: Table, release_id: str, filters: tuple[tuple[str, int | str], ...]):
    if table.name not in API_TABLES.values():
        raise KeyError(f"{table.name} is not served by the API")
    query = table.c[RELEASE_ID] == release_id
    for column, value in filters:
        if column not in filter_specs(table.name):  # defence in depth: only allow-listed key columns
            raise InvalidParameter(column, "not a filter of this table")
        query = query & (table.c[column] == value)
    return query


@memoize
def count_rows(settings: Settings, table_name: str, release_id: str,
               filters: tuple[tuple[str, int | str], ...]) -> int:
    """How many rows of a release table match the filters."""
    table = table_of(table_name)
    query = select(func.count()).select_from(table).where(_where(table, release_id, filters))
    try:
        with engine(settings).connect() as conn:
            return int(conn.execute(query).scalar_one())
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc


def page_rows(settings: Settings, table_name: str, release_id: str, filters: tuple[tuple[str, int | str], ...],
              limit: int, offset: int) -> pd.DataFrame:
    """One page of matching rows in primary-key order, unmasked (callers mask for their viewer).

    Not memoised: pages are cheap on the key index, and caching every (filter, limit, offset) a client can
    ask for would let anyone fill the shared cache; HTTP caching (ETag, max-age) serves repeats instead.
    """
    table = table_of(table_name)
    names = columns(table_name)
    query = (select(*(table.c[c] for c in names)).where(_where(table, release_id, filters))
             .order_by(*(table.c[c] for c in key_columns(table_name))).limit(limit).offset(offset))
    try:
        with engine(settings).connect() as conn:
            rows = conn.execute(query).all()
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    return pd.DataFrame([tuple(r) for r in rows], columns=names, dtype=object)


@memoize
def known_filter_values(settings: Settings, table_name: str, release_id: str) -> dict[str, frozenset]:
    """Every value each filterable key column takes in a release table (finite, so safe to key a cache on)."""
    table = table_of(table_name)
    known = {}
    try:
        with engine(settings).connect() as conn:
            for name in filter_specs(table_name):
                query = select(table.c[name]).distinct().where(table.c[RELEASE_ID] == release_id)
                known[name] = frozenset(conn.execute(query).scalars())
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    return known


def api_page(settings: Settings, viewer: Viewer, table_name: str, release_id: str,
             filters: tuple[tuple[str, int | str], ...], limit: int, offset: int) -> tuple[int, pd.DataFrame]:
    """(total matching rows, one page masked for the viewer).

    A filter value the release does not hold matches nothing: it is answered at once and never reaches the
    cache, so a client cycling through made-up values cannot fill it (issue #16).
    """
    known = known_filter_values(settings, table_name, release_id)
    if any(value not in known.get(column, ()) for column, value in filters):
        return 0, pd.DataFrame(columns=columns(table_name), dtype=object)
    total = count_rows(settings, table_name, release_id, filters)
    page = page_rows(settings, table_name, release_id, filters, limit, offset) if offset < total else None
    if page is None or page.empty:
        return total, pd.DataFrame(columns=columns(table_name), dtype=object)
    lookup = comparison_rows(settings, release_id) if table_name == "selection_rates" else None
    return total, mask_for_viewer(page, table_name, viewer, lookup)[columns(table_name)]


@memoize
def comparison_rows(settings: Settings, release_id: str) -> pd.DataFrame:
    """Key and suppression flag of every selection row: the reference rows a page of rows is compared with."""
    return read_table(settings, "selection_rates", release_id)[[*COMPARISON_KEY, "group_code", "suppressed"]]


@memoize
def table_counts(settings: Settings, release_id: str) -> dict[str, int]:
    """Rows per API table of a release."""
    return {name: count_rows(settings, name, release_id, ()) for name in API_TABLES.values()}


def release_frames(settings: Settings, release_id: str, viewer: Viewer) -> dict[str, pd.DataFrame]:
    """Every API table of a release, masked for the viewer (the input of "what changed")."""
    return {name: mask_for_viewer(read_table(settings, name, release_id), name, viewer)[columns(name)]
            for name in API_TABLES.values()}


@memoize
def changes_between(settings: Settings, old_release: str, new_release: str, viewer: Viewer) -> dict:
    """What changed from one release to another, as the viewer may see it (masked before comparing)."""
    return compare_releases(release_frames(settings, old_release, viewer),
                            release_frames(settings, new_release, viewer))
