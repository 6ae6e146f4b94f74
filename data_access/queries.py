"""One function per question the pages ask: bound parameters, viewer-scoped, cached by release id."""
from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Engine, Table, and_, column, func, literal_column, select
from sqlalchemy.exc import SQLAlchemyError

from .cache import memoize
from .db import get_engine
from .health import health_report, log_read_failure
from .releases import ReleaseInfo, list_releases
from .schema import RELEASE_ID, RELEASE_TABLES
from .settings import Settings, load_settings
from .suppression import mask_for_viewer
from .viewer import ANONYMOUS, Viewer


class DataUnavailable(RuntimeError):
    """The release database cannot be reached; pages show a notice instead of a traceback."""


def unavailable(exc: BaseException) -> DataUnavailable:
    """The DataUnavailable for a database error, its cause logged once (unreachable or damaged)."""
    log_read_failure(exc)
    return DataUnavailable(exc.__class__.__name__)


@lru_cache(maxsize=1)
def current_settings() -> Settings:
    """The process's settings (read once; tests clear this cache after changing the environment)."""
    return load_settings()


def engine(settings: Settings) -> Engine:
    return get_engine(settings.database_url)


def read_table(settings: Settings, table_name: str, release_id: str, *, columns: tuple[str, ...] | None = None,
               **equals: object) -> pd.DataFrame:
    """Rows of a release table matching column = value filters (columns allow-listed, values bound), as
    `pd.read_sql` would give them (same columns and dtypes, NULL as NaN or None) at a fraction of its cost:
    the driver's rows go straight into columns, without SQLAlchemy's per-row objects. `columns` keeps only those.
    """
    table = RELEASE_TABLES[table_name]
    names = [c.name for c in table.columns if c.name != RELEASE_ID] if columns is None else list(columns)
    query = select(*(table.c[name] for name in names)).where(table.c[RELEASE_ID] == release_id)
    for name, value in equals.items():
        query = query.where(table.c[name] == value)
    for name, values in seek_lists(settings, table, release_id, equals).items():
        query = query.where(table.c[name].in_(values))
    rows = _fetch(settings, query)
    return _typed(pd.DataFrame.from_records(rows, columns=names, coerce_float=True), table)


def _fetch(settings: Settings, query) -> list[tuple]:
    """The query's rows as the DBAPI driver gives them (tuples); a database error becomes DataUnavailable."""
    try:
        with engine(settings).connect() as conn:
            compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
            params = (tuple(compiled.params[key] for key in compiled.positiontup) if compiled.positional
                      else compiled.params)
            cursor = conn.exec_driver_sql(str(compiled), params).cursor
            try:
                return cursor.fetchall()
            except conn.dialect.loaded_dbapi.Error as exc:  # a damaged page can fail mid-fetch
                raise unavailable(exc) from exc
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc


def _typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Boolean columns as SQLAlchemy gives them (SQLite stores 1/0): bool, or True/False/None when some are NULL."""
    for name in frame.columns:
        if not isinstance(table.c[name].type, Boolean) or frame[name].dtype in (bool, object):
            continue
        values = frame[name].to_numpy(dtype=float)
        flags = (values != 0).astype(object)
        flags[np.isnan(values)] = None
        frame[name] = flags if np.isnan(values).any() else values != 0
    return frame


# Release tables are read mostly by columns that come after `fiscal_year` (and `agency_code`) in the primary key.
# A query that names no value for such a leading column cannot seek in the index and reads the whole release;
# naming every value the release holds for it (a few years, a few hundred agencies) turns it into seeks.
SEEK_COLUMNS = ("fiscal_year", "agency_code", "job_category")
HOP_LIMIT = 1_000  # index hops the filled-in values may take to find; a query that needs more scans as it did


def seek_lists(settings: Settings, table: Table, release_id: str, equals: dict) -> dict[str, list]:
    """Every value of the leading index columns the filters leave open, so that the filters can seek.

    Takes the index (primary key or other) whose columns up to the last filtered one have the fewest gaps; each
    gap must be a small-domain column (SEEK_COLUMNS). The values come from the index itself (`distinct_values`),
    so the rows read are exactly those the filters name. When finding them would take more than HOP_LIMIT hops
    (every agency of every year, say), the query is left to scan.
    """
    best: tuple[list[str], list[str]] | None = None
    for index in (table.primary_key, *table.indexes):
        names = [c.name for c in index.columns]
        if names[:1] != [RELEASE_ID] or not equals or any(n not in names for n in equals):
            continue
        last = max(names.index(n) for n in equals)
        gaps = [n for n in names[1 : last + 1] if n not in equals]
        if not gaps:
            return {}  # an index seeks on the filters as they are
        if all(g in SEEK_COLUMNS for g in gaps) and (best is None or len(gaps) < len(best[1])):
            best = (names, gaps)
    if best is None:
        return {}
    names, gaps = best
    fills: dict[str, list] = {}
    prefixes: list[tuple] = [()]
    hops = 0
    for name in names[1 : names.index(gaps[-1]) + 1]:
        if name in equals:
            prefixes = [(*p, equals[name]) for p in prefixes]
            continue
        before = tuple(names[1 : names.index(name)])
        found: dict[tuple, list] = {}
        for prefix in prefixes:
            found[prefix] = distinct_values(settings, table.name, release_id, before, prefix, name)
            taken = sum(len(values) for values in found.values())
            if hops + taken * len(prefixes) / len(found) > HOP_LIMIT:  # all prefixes would take about this many
                return {}
        hops += taken
        fills[name] = sorted({v for values in found.values() for v in values})
        prefixes = [(*p, v) for p, values in found.items() for v in values]
    return fills


@memoize
def distinct_values(settings: Settings, table_name: str, release_id: str, before: tuple[str, ...],
                    values: tuple, name: str) -> list:
    """The distinct values of column `name` among a release's rows whose columns `before` equal `values`, read by
    hopping through the index from one value to the next (a loose index scan: one seek per value)."""
    table = RELEASE_TABLES[table_name]
    where = and_(table.c[RELEASE_ID] == release_id, *(table.c[b] == v for b, v in zip(before, values, strict=True)))
    target = table.c[name]
    hop = column("v")
    first = select(func.min(target).label("v")).where(where)
    seen = first.cte("seen", recursive=True)
    following = select(select(func.min(target)).where(where, target > seen.c.v).scalar_subquery())
    seen = seen.union_all(following.where(seen.c.v.isnot(None)))
    rows = _fetch(settings, select(literal_column("v")).select_from(seen).where(hop.isnot(None)))
    return [row[0] for row in rows]


RELEASE_LIST_SECONDS = 5  # a publish reaches every worker within this many seconds


@memoize
def _releases(settings: Settings, _time_bucket: int) -> list[ReleaseInfo]:
    return list_releases(engine(settings))


def measure_years(settings: Settings, table_name: str, release_id: str) -> pd.Series:
    """The years each measure_id covers in a release table (town_measures or access_by_group), sorted."""
    table = RELEASE_TABLES[table_name]
    query = select(table.c.measure_id, table.c.year).distinct().where(table.c.release_id == release_id)
    try:
        with engine(settings).connect() as conn:
            pairs = pd.DataFrame(conn.execute(query).all(), columns=["measure_id", "year"])
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    return pairs.groupby("measure_id")["year"].agg(lambda s: sorted(int(y) for y in s))


def visible_releases(settings: Settings, viewer: Viewer) -> list[ReleaseInfo]:
    """Releases the viewer may open: published and retired ones, and drafts for statewide users."""
    try:
        infos = _releases(settings, int(time.time() // RELEASE_LIST_SECONDS))
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc
    return [r for r in infos if r.status != "draft" or viewer.sees_drafts]


def resolve_release(settings: Settings, viewer: Viewer, requested: str | None) -> ReleaseInfo | None:
    """The release a view is pinned to: the requested one if the viewer may see it, else the current one."""
    releases = visible_releases(settings, viewer)
    for info in releases:
        if requested and info.release_id == requested:
            return info
    return next((r for r in releases if r.status == "published"), None)


@memoize
def benchmark_progress(settings: Settings, release_id: str, scope: str, viewer: Viewer = ANONYMOUS) -> pd.DataFrame:
    """Every benchmark of one scope with its yearly progress rows, masked for the viewer (anonymous unless given)."""
    frame = read_table(settings, "benchmark_progress", release_id, scope=scope)
    return mask_for_viewer(frame, "benchmark_progress", viewer)


@memoize
def workforce_cells(settings: Settings, release_id: str, viewer: Viewer, agency_code: str,
                    group_dimension: str) -> pd.DataFrame:
    """Utilization rows of one agency (or ALL) and group dimension, all years and categories, masked."""
    frame = read_table(settings, "workforce_utilization", release_id, agency_code=agency_code,
                       group_dimension=group_dimension)
    return mask_for_viewer(frame, "workforce_utilization", viewer)


@memoize
def measures(settings: Settings, release_id: str) -> pd.DataFrame:
    """The measure catalogue of a release (labels, units, directions)."""
    return read_table(settings, "measures", release_id)


def health(settings: Settings) -> tuple[bool, str]:
    """Whether the current release can be read, with a reason for humans ("database damaged (…)" and so on)."""
    status, body = health_status(settings)
    return status == 200, body["reason"]


def health_status(settings: Settings) -> tuple[int, dict]:
    """(HTTP status, JSON body) of /healthz (see data_access/health.py)."""
    return health_report(settings, engine(settings))


@memoize
def geometry_layer(settings: Settings, release_id: str, level: str) -> tuple[str, str] | None:
    """A release's GeoJSON text of one geography level and its sha256, or None without boundaries."""
    frame = read_table(settings, "geometry", release_id, geography_level=level)
    if frame.empty:
        return None
    return frame["geojson"].iat[0], frame["sha256"].iat[0]
