"""Database engines: created on first use, one per URL, never at import time."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text

from .schema import metadata

# Columns added to existing tables after their first release: an older database gets them on first use.
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("session_version",), "releases": ("method_version",),
    "agencies": ("agency_name_es",), "measures": ("label_es", "description_es"),
}
_UPGRADED: set[str] = set()


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
    """Create every release table that does not exist yet, and add columns newer code expects (once per process)."""
    metadata.create_all(engine)
    key = engine.url.render_as_string(hide_password=True)
    if key not in _UPGRADED:
        add_missing_columns(engine)
        _UPGRADED.add(key)


def add_missing_columns(engine: Engine) -> list[str]:
    """ALTER TABLE … ADD COLUMN for each column of ADDED_COLUMNS an existing table lacks; the names added."""
    added = []
    inspector = inspect(engine)
    for table_name, names in ADDED_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table_name)}
        for name in names:
            if name in present:
                continue
            column = metadata.tables[table_name].c[name]
            kind = column.type.compile(engine.dialect)
            default = column.server_default.arg if column.server_default is not None else None
            ddl = f"ALTER TABLE {table_name} ADD COLUMN {name} {kind}"
            ddl += f" NOT NULL DEFAULT {default}" if default is not None else ""
            with engine.begin() as conn:
                conn.execute(text(ddl))
            added.append(f"{table_name}.{name}")
    return added
