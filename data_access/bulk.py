"""Arrow-native bulk writes through ADBC: a release's tables run to millions of rows at scale (DESIGN §8).

SQLAlchemy stays the way everything else talks to the database; a release's rows go in through the ADBC driver
of the same database (SQLite or PostgreSQL), column by column as Arrow arrays, in one transaction.

The writing happens in a child process (`python -m data_access.bulk`), handed the tables as Arrow IPC files:
the ADBC SQLite driver carries its own copy of SQLite, and two copies of SQLite in one process that open the
same database file defeat each other's file locks (sqlite.org, "How To Corrupt An SQLite Database File" §2.2).
The child commits only when told to: if the build fails its checks, or is killed, the child's input ends
without a commit and nothing is written.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
from sqlalchemy import Boolean, DateTime, Float, Integer, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

BUSY_MS = 30_000  # as the SQLAlchemy engine's timeout: wait for another writer rather than fail
BATCH_ROWS = 100_000
MESSAGE_CHARS = 600  # of the database's reason, shown to whoever ran the build


def adbc_connect(database_url: str):
    """An ADBC DBAPI connection (autocommit off) to the database of a SQLAlchemy URL: SQLite file or PostgreSQL."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        import adbc_driver_sqlite.dbapi as driver

        conn = driver.connect(url.database or ":memory:")
        with conn.cursor() as cur:
            cur.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        return conn
    if backend == "postgresql":
        import adbc_driver_postgresql.dbapi as driver

        return driver.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    raise ValueError(f"no bulk writer for {backend} databases (SQLite and PostgreSQL are supported)")


def _dialect(database_url: str):
    return (sqlite if make_url(database_url).get_backend_name() == "sqlite" else postgresql).dialect()


def _array(column, values: pd.Series, dialect) -> pa.Array:
    """One column as an Arrow array of the type its database column takes (missing values → NULL)."""
    kind = column.type
    if isinstance(kind, Boolean):
        flags = values if values.dtype == bool else values.astype("boolean")
        if dialect.name == "sqlite":  # stored as 1/0, as SQLAlchemy stores them
            return pa.array(flags.astype("Int8"), type=pa.int8(), from_pandas=True)
        return pa.array(flags, type=pa.bool_(), from_pandas=True)
    if isinstance(kind, Integer):
        return pa.array(values, type=pa.int32(), from_pandas=True)  # INTEGER; pyarrow refuses fractions
    if isinstance(kind, Float):
        return pa.array(values, type=pa.float64(), from_pandas=True)
    if isinstance(kind, DateTime):
        if dialect.name == "sqlite":  # stored as text, in SQLAlchemy's own format
            process = kind.dialect_impl(dialect).bind_processor(dialect)
            return pa.array([None if pd.isna(v) else process(v) for v in values], type=pa.string())
        return pa.array(pd.to_datetime(values, utc=True), type=pa.timestamp("us", tz="UTC"), from_pandas=True)
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # codes read as numbers, say: stored as their text
        return pa.array(values.map(str, na_action="ignore"), type=pa.string(), from_pandas=True)


def _absent(column, rows: int, fixed: dict) -> pd.Series:
    """A column the frame lacks: the value `fixed` gives it, else its default (a constant) or NULL, on every row."""
    default = column.default.arg if column.default is not None and column.default.is_scalar else None
    return pd.Series([fixed.get(column.name, default)] * rows, dtype=object)


def arrow_table(table: Table, frame: pd.DataFrame, database_url: str, fixed: dict | None = None) -> pa.Table:
    """The rows of `frame` as an Arrow table of `table`'s columns; one the frame lacks takes its value in `fixed`
    (the release id, say), else its default or NULL."""
    dialect = _dialect(database_url)
    return pa.table({c.name: _array(c, frame[c.name] if c.name in frame.columns
                                    else _absent(c, len(frame), fixed or {}), dialect)
                     for c in table.columns})


class BulkWriteError(RuntimeError):
    """The child process could not write the tables (its message says why); nothing was written."""


class BulkWriter:
    """One transaction of appends, written by a child process while the caller goes on computing.

    `add` hands a table to the child (as an Arrow IPC file) and returns at once; `commit` waits until the child has
    written everything and committed. Leaving the `with` block without `commit` — an error, a failed check, a
    killed build (the child reads end-of-input) — rolls the transaction back: nothing is written.
    """

    def __init__(self, database_url: str, fixed: dict | None = None):
        self.url, self.fixed = database_url, fixed or {}
        self._folder = tempfile.TemporaryDirectory(prefix="ct-equity-release-")
        self._count = 0
        self._log = open(Path(self._folder.name) / "writer.log", "w+")  # noqa: SIM115 - closed in _finish
        self._child = subprocess.Popen([sys.executable, "-m", "data_access.bulk"], stdin=subprocess.PIPE,
                                       stderr=self._log, text=True)
        self._send({"url": database_url, "parent": os.getpid()})

    def _send(self, message: dict) -> None:
        try:
            self._child.stdin.write(json.dumps(message) + "\n")
            self._child.stdin.flush()
        except (BrokenPipeError, OSError):
            self._finish()  # raises with the child's reason

    def add(self, table: Table, frame: pd.DataFrame) -> None:
        """Queue the frame's rows for `table` (columns it lacks: `fixed`, default or NULL)."""
        path = Path(self._folder.name) / f"{self._count}.arrow"
        self._count += 1
        with pa.OSFile(str(path), "wb") as sink:
            writer = None
            for start in range(0, max(len(frame), 1), BATCH_ROWS):  # a batch at a time: no second copy of a table
                batch = arrow_table(table, frame.iloc[start:start + BATCH_ROWS], self.url, self.fixed)
                writer = writer or pa.ipc.new_stream(sink, batch.schema)
                writer.write_table(batch)
            writer.close()
        self._send({"table": table.name, "file": str(path)})

    def commit(self) -> None:
        self._send({"commit": True})
        self._finish()

    def _finish(self) -> None:
        if self._child.stdin and not self._child.stdin.closed:
            try:
                self._child.stdin.close()
            except OSError:
                pass
        code = self._child.wait()
        self._log.seek(0)
        reason = self._log.read().strip()
        self._log.close()
        self._folder.cleanup()
        if code != 0:
            raise BulkWriteError(" ".join(reason.split())[:MESSAGE_CHARS] or f"the writer stopped with code {code}")

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, *exc) -> None:
        if self._child.returncode is None:  # not committed: end the input, the child rolls back
            try:
                self._finish()
            except BulkWriteError:
                if exc[0] is None:
                    raise


def _child(lines) -> None:
    """Ingest each announced file into its table in one transaction; commit when told to, else roll back."""
    job = json.loads(next(lines))
    conn = adbc_connect(job["url"])
    try:
        with conn.cursor() as cur:
            for line in lines:
                message = json.loads(line)
                if message.get("commit") and os.getppid() == job["parent"]:  # a killed build commits nothing
                    conn.commit()
                    return
                if message.get("commit"):
                    break
                with pa.OSFile(message["file"]) as source:  # read and written a batch at a time
                    cur.adbc_ingest(message["table"], pa.ipc.open_stream(source), mode="append")
                os.remove(message["file"])
        conn.rollback()  # no commit from a living build: it failed, or was stopped
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


if __name__ == "__main__":  # pragma: no cover - run as a child by BulkWriter (its tests cover it)
    try:
        _child(iter(sys.stdin))
    except Exception as exc:  # noqa: BLE001 - the parent shows the message
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
