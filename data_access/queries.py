"""One function per question the pages ask: bound parameters, viewer-scoped, cached by release id."""
from __future__ import annotations

import time
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from .cache import memoize
from .db import get_engine
from .health import health_report, log_read_failure
from .releases import ReleaseInfo, list_releases
from .schema import RELEASE_TABLES
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


def read_table(settings: Settings, table_name: str, release_id: str, **equals: object) -> pd.DataFrame:
    """Rows of a release table matching column = value filters (columns allow-listed, values bound)."""
    table = RELEASE_TABLES[table_name]
    query = select(table).where(table.c.release_id == release_id)
    for column, value in equals.items():
        query = query.where(table.c[column] == value)
    try:
        with engine(settings).connect() as conn:
            return pd.read_sql(query, conn).drop(columns="release_id")
    except SQLAlchemyError as exc:
        raise unavailable(exc) from exc


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
