"""Writing, listing, publishing and rolling back releases — each a single transaction (DESIGN §4, §9)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Engine, func, select, update

from .db import create_schema
from .schema import RELEASE_ID, RELEASE_TABLES, columns, releases

CHUNK_ROWS = 20_000
# The version of the statistical rules a build applies, stored with each release. Raise it when a rule changes
# what a figure means, and say what changed in METHOD_NOTES: the first release built with the new rules carries
# the note in its release notes (`method_note`).
METHOD_VERSION = 2
METHOD_NOTES = {
    2: "Change of method: adverse impact now needs all three of an impact ratio below four-fifths against a "
       "reference group large enough to be one, a statistically significant difference (each group against all "
       "others; Cochran–Mantel–Haenszel across job categories and agencies; Holm-adjusted within a comparison) "
       "and more than one person; separations are judged on retention. Benchmark statuses are now met, on track, "
       "improving too slowly, no detectable change, moving away or insufficient data, from the trend since the "
       "baseline against the required pace. Earlier releases used the previous rules.",
}


class ReleaseError(RuntimeError):
    """A release operation that cannot be done (unknown id, nothing to roll back to, …)."""


@dataclass(frozen=True)
class ReleaseInfo:
    release_id: str
    created_at: datetime
    status: str
    inputs_sha256: str
    code_version: str
    notes: str
    synthetic: bool
    published_at: datetime | None
    method_version: int = 1


def _column_values(series: pd.Series, processor, boolean: bool = False) -> list:
    """One column as plain Python values (None where missing), passed through the type's bind processor.

    Booleans skip the processor (millions of calls at scale 10): every driver takes Python bools as they are,
    and SQLite stores them as 1/0 exactly as SQLAlchemy's processor would; anything else goes through it.
    """
    values = np.array(series.to_numpy(dtype=object, na_value=None), dtype=object)
    values[pd.isna(values)] = None  # NaN in a float column, NaT, pd.NA
    values = values.tolist()
    if boolean and set(map(type, values)) <= {bool, type(None)}:
        return values
    if processor is not None:
        values = [None if v is None else processor(v) for v in values]
    return values


def _records(conn, table, frame: pd.DataFrame, names: list[str], release_id: str,
             order: list[str] | None) -> Iterable[list]:
    """Rows ready for the driver's executemany (tuples or dicts, as its paramstyle wants), in chunks.

    Built column by column, a chunk at a time, rather than row by row: at scale 50 a release holds millions of rows.
    """
    dialect = conn.dialect
    keys = order or [RELEASE_ID, *names]  # the statement's parameter order when the driver takes tuples
    processors = {name: table.c[name].type._cached_bind_processor(dialect) for name in keys}
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start : start + CHUNK_ROWS]
        cols = [[release_id] * len(part) if name == RELEASE_ID
                else _column_values(part[name], processors[name], isinstance(table.c[name].type, Boolean))
                for name in keys]
        rows = list(zip(*cols, strict=True))
        yield rows if order else [dict(zip(keys, row, strict=True)) for row in rows]


def write_release(
    engine: Engine,
    release: dict,
    tables: dict[str, pd.DataFrame],
    progress: Callable[[str, int], None] | None = None,
) -> str:
    """Write a new draft release and all its tables in one transaction; nothing is written on failure."""
    create_schema(engine)
    unknown = set(tables) - set(RELEASE_TABLES)
    if unknown:
        raise ReleaseError(f"unknown release tables: {sorted(unknown)}")
    release_id = release["release_id"]
    with engine.begin() as conn:
        conn.execute(releases.insert(), [{**release, "status": "draft"}])
        for name, table in RELEASE_TABLES.items():
            frame = tables.get(name)
            if frame is None or frame.empty:
                continue
            names = columns(name)
            optional = [c for c in names if c not in frame.columns and table.c[c].info.get("optional")]
            missing = [c for c in names if c not in frame.columns and not table.c[c].default and c not in optional]
            if missing:
                raise ReleaseError(f"table {name} lacks columns {missing}")
            frame = frame.assign(**{c: None for c in optional},  # optional columns (the Spanish labels) left out
                                 **{c: table.c[c].default.arg for c in names
                                    if c not in frame.columns and c not in optional})
            insert = table.insert().compile(dialect=conn.dialect, column_keys=[RELEASE_ID, *names])
            order = list(insert.positiontup) if insert.positional else None
            for chunk in _records(conn, table, frame, names, release_id, order):
                conn.exec_driver_sql(insert.string, chunk)
            if progress:
                progress(name, len(frame))
    return release_id


def list_releases(engine: Engine) -> list[ReleaseInfo]:
    """All releases, newest first."""
    create_schema(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(releases).order_by(releases.c.created_at.desc())).mappings().all()
    return [ReleaseInfo(**row) for row in rows]


def current_release_id(engine: Engine) -> str | None:
    """The published release the public sees, or None."""
    with engine.connect() as conn:
        return conn.execute(
            select(releases.c.release_id).where(releases.c.status == "published")
        ).scalar_one_or_none()


def publish(engine: Engine, release_id: str) -> None:
    """Make a release current; the previous current one is retired (one transaction)."""
    with engine.begin() as conn:
        status = conn.execute(
            select(releases.c.status).where(releases.c.release_id == release_id)
        ).scalar_one_or_none()
        if status is None:
            raise ReleaseError(f"no release {release_id!r}")
        if status == "published":
            return
        conn.execute(update(releases).where(releases.c.status == "published").values(status="retired"))
        conn.execute(
            update(releases)
            .where(releases.c.release_id == release_id)
            .values(status="published", published_at=datetime.now(UTC))
        )


def rollback(engine: Engine) -> str:
    """Retire the current release and publish again the one published before it (one transaction)."""
    with engine.begin() as conn:
        current = conn.execute(
            select(releases.c.release_id, releases.c.published_at).where(releases.c.status == "published")
        ).first()
        if current is None:
            raise ReleaseError("no release is published, so there is nothing to roll back")
        previous = conn.execute(
            select(releases.c.release_id)
            .where(releases.c.status == "retired", releases.c.published_at.is_not(None))
            .where(releases.c.published_at < current.published_at)
            .order_by(releases.c.published_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if previous is None:
            raise ReleaseError(f"release {current.release_id} is the first one published; nothing to roll back to")
        conn.execute(update(releases).where(releases.c.release_id == current.release_id).values(status="retired"))
        # published_at is kept, so a second rollback steps back once more.
        conn.execute(update(releases).where(releases.c.release_id == previous).values(status="published"))
    return previous


def method_note(engine: Engine, version: int = METHOD_VERSION) -> str:
    """The change-of-method note for a new release: its rules' note when the latest release was built with other
    rules, else '' (also for the very first release, which has nothing to change from)."""
    create_schema(engine)
    with engine.connect() as conn:
        latest = conn.execute(
            select(releases.c.method_version).order_by(releases.c.created_at.desc()).limit(1)
        ).scalar_one_or_none()
    return METHOD_NOTES.get(version, "") if latest is not None and latest != version else ""


def release_count(engine: Engine) -> int:
    """How many releases exist."""
    create_schema(engine)
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(releases)).scalar_one()
