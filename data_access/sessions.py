"""Signed-in sessions that end (issue #16): a per-account session version and an idle limit.

The session cookie stores the account's `session_version` at sign-in and the time of the last request.
Sign-out, a new password, a role or agency change and removal raise (or delete) the stored version, so
every earlier cookie of that account stops being signed in at once; a cookie idle for longer than
CT_EQUITY_SESSION_IDLE_MINUTES stops too.
"""
from __future__ import annotations

import time
from collections.abc import MutableMapping

from sqlalchemy import Engine

from .users import account_state, bump_session_version
from .viewer import Viewer

VERSION_KEY = "_ct_session_version"
SEEN_KEY = "_ct_last_seen"
TOUCH_SECONDS = 60  # the last-seen time is rewritten at most once a minute (fewer Set-Cookie headers)


def begin_session(engine: Engine, username: str, stored: MutableMapping, now: float | None = None) -> None:
    """Record the account's current session version and the sign-in time in a new session."""
    state = account_state(engine, username)
    stored[VERSION_KEY] = state[1] if state else -1
    stored[SEEN_KEY] = int(time.time() if now is None else now)


def session_viewer(engine: Engine, username: str, stored: MutableMapping, idle_minutes: int,
                   now: float | None = None) -> Viewer | None:
    """The viewer of a session that is still valid, else None (and the session's sign-in data is dropped)."""
    now = time.time() if now is None else now
    seen, version = stored.get(SEEN_KEY), stored.get(VERSION_KEY)
    state = account_state(engine, username)
    valid = (state is not None and isinstance(version, int) and version == state[1] and isinstance(seen, int)
             and now - seen <= idle_minutes * 60)
    if not valid:
        for key in (VERSION_KEY, SEEN_KEY, "_user_id", "_fresh", "_id"):
            stored.pop(key, None)
        return None
    if now - seen >= TOUCH_SECONDS:
        stored[SEEN_KEY] = int(now)
    return state[0]


def end_sessions(engine: Engine, username: str) -> None:
    """Sign-out: every session of the account ends, on every device."""
    bump_session_version(engine, username)
