"""Writing, listing, publishing and rolling back releases — each a single transaction (DESIGN §4, §9)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, func, select, update

from . import bulk
from .db import create_schema
from .schema import RELEASE_ID, RELEASE_TABLES, columns, releases

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


def _checked(table, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame, if it has every column of the release table but the optional ones (the Spanish labels, left
    NULL) and those with a default."""
    missing = [c for c in columns(table.name)
               if c not in frame.columns and not table.c[c].default and not table.c[c].info.get("optional")]
    if missing:
        raise ReleaseError(f"table {table.name} lacks columns {missing}")
    return frame


class DraftRelease:
    """A draft release being written: `add` each table as soon as it is computed (the rows go to the database in a
    child process while the build goes on, `bulk.BulkWriter`), then `commit`. Until the commit nothing is visible;
    leaving the `with` block without it — a failed check, an error, a killed build — writes nothing at all."""

    def __init__(self, engine: Engine, release: dict):
        create_schema(engine)
        self.release_id = release["release_id"]
        self._writer = bulk.BulkWriter(engine.url.render_as_string(hide_password=False),
                                       fixed={RELEASE_ID: self.release_id})
        self._writer.add(releases, pd.DataFrame([{**release, "status": "draft"}]))

    def add(self, name: str, frame: pd.DataFrame) -> None:
        if name not in RELEASE_TABLES:
            raise ReleaseError(f"unknown release table: {name}")
        if not frame.empty:
            self._writer.add(RELEASE_TABLES[name], _checked(RELEASE_TABLES[name], frame))

    def commit(self) -> str:
        try:
            self._writer.commit()
        except bulk.BulkWriteError as exc:
            raise ReleaseError(f"the release was not written: {exc}") from exc
        return self.release_id

    def __enter__(self) -> DraftRelease:
        return self

    def __exit__(self, *exc) -> None:
        self._writer.__exit__(*exc)


def write_release(engine: Engine, release: dict, tables: dict[str, pd.DataFrame]) -> str:
    """Write a new draft release and all its tables in one transaction; nothing is written on failure."""
    unknown = set(tables) - set(RELEASE_TABLES)
    if unknown:
        raise ReleaseError(f"unknown release tables: {sorted(unknown)}")
    with DraftRelease(engine, release) as draft:
        for name in RELEASE_TABLES:
            if name in tables:
                draft.add(name, tables[name])
        return draft.commit()


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
