"""Database engines: created on first use, one per URL, never at import time."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from .schema import metadata


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """The engine for a database URL (SQLite files get their folder, WAL and a busy timeout)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=_connect_args(url))


def _connect_args(url: str) -> dict:
    return {"connect_timeout": 5} if url.startswith("postgresql") else {}


def create_schema(engine: Engine) -> None:
    """Create every release table that does not exist yet."""
    metadata.create_all(engine)
