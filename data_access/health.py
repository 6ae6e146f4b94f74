"""Honest health (issue #16): can the current release actually be read, and is the database damaged?

A read failure is classified (unreachable or damaged) and logged once per distinct cause, not once per
request; `/healthz` reads one row of every release table of the current release and, on SQLite, runs
`PRAGMA quick_check` (about 60 ms on the demo database) at most once a minute.
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

from .cache import backend
from .releases import list_releases
from .schema import RELEASE_ID, RELEASE_TABLES
from .settings import Settings

LOG = logging.getLogger("ct_equity")
DAMAGE_WORDS = ("malformed", "not a database", "disk image", "file is encrypted", "corrupt")
QUICK_CHECK_SECONDS = 60.0
_LOGGED: set[str] = set()
_LOCK = threading.Lock()
_QUICK: dict[str, tuple[float, str]] = {}  # database URL -> (when checked, problem or "")


def damaged(exc: BaseException) -> bool:
    """Whether a database error says the stored data is damaged (rather than the server being unreachable)."""
    orig = getattr(exc, "orig", exc)
    if str(getattr(orig, "sqlstate", "") or "").startswith("XX0"):  # PostgreSQL data_corrupted, index_corrupted
        return True
    return any(word in str(orig).lower() for word in DAMAGE_WORDS)


def describe(exc: BaseException) -> str:
    """'database damaged (…)' or 'database unreachable (…)', naming the error."""
    orig = getattr(exc, "orig", None) or exc
    cause = f"{orig.__class__.__name__}: {str(orig).splitlines()[0][:160] if str(orig) else ''}"
    return f"database {'damaged' if damaged(exc) else 'unreachable'} ({cause})"


def log_read_failure(exc: BaseException) -> str:
    """Log a failure to read once per distinct cause (a warning with the cause, never a traceback)."""
    reason = describe(exc)
    with _LOCK:
        first = reason not in _LOGGED
        if first:
            if len(_LOGGED) > 200:
                _LOGGED.clear()
            _LOGGED.add(reason)
    if first:
        LOG.error("reading the release database failed: %s", reason)
    return reason


def _quick_check(eng: Engine) -> str:
    """'' when SQLite's quick_check passes (or the database is not SQLite), else its first complaint."""
    if eng.dialect.name != "sqlite":
        return ""
    key = eng.url.render_as_string(hide_password=True)
    when, problem = _QUICK.get(key, (0.0, ""))
    if time.monotonic() - when < QUICK_CHECK_SECONDS:
        return problem
    with eng.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check(3)"))]
    problem = "" if rows == ["ok"] else "; ".join(rows)[:200]
    _QUICK[key] = (time.monotonic(), problem)
    return problem


def health_report(settings: Settings, eng: Engine) -> tuple[int, dict]:
    """(HTTP status, body) of /healthz: ok, unavailable (unreachable, nothing published) or damaged."""
    cache_problem = backend(settings).problem
    extra = {"cache": f"not used: {cache_problem}" if cache_problem else "ok"}
    try:
        releases = list_releases(eng)
        current = next((r.release_id for r in releases if r.status == "published"), None)
        if current is None:
            return 503, {"status": "unavailable", "reason": "no release is published yet", **extra}
        with eng.connect() as conn:
            for table in RELEASE_TABLES.values():
                conn.execute(select(table).where(table.c[RELEASE_ID] == current).limit(1)).all()
        problem = _quick_check(eng)
    except (OperationalError, DatabaseError, SQLAlchemyError) as exc:
        reason = log_read_failure(exc)
        status = "damaged" if damaged(exc) else "unavailable"
        return 503, {"status": status, "reason": reason, **extra}
    if problem:
        reason = f"database damaged (integrity check: {problem})"
        with _LOCK:
            first = reason not in _LOGGED
            _LOGGED.add(reason)
        if first:
            LOG.error("the release database is damaged: %s", problem)
        return 503, {"status": "damaged", "reason": reason, **extra}
    return 200, {"status": "ok", "reason": f"serving release {current}", **extra}
