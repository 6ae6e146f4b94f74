"""Accounts and roles (DESIGN §1): argon2id password hashes, one table for the deployment."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select, update

from .db import create_schema
from .schema import users
from .viewer import ROLES, Viewer

_HASHER = PasswordHasher()
USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD = 12
# A hash to verify against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("not a real password, only for timing")


class UserError(ValueError):
    """A user operation that cannot be done, with a message for the administrator."""


def _check(username: str, role: str, agencies: frozenset[str]) -> None:
    if not USERNAME.fullmatch(username):
        raise UserError("user names are 1–64 letters, digits or . _ @ -")
    if role not in ROLES or role == "anonymous":
        raise UserError(f"role must be one of: {', '.join(r for r in ROLES if r != 'anonymous')}")
    if role == "agency" and not agencies:
        raise UserError("an agency user needs at least one agency code (--agency DSS)")


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"passwords need at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def add_user(engine: Engine, username: str, password: str, role: str, agencies: frozenset[str] = frozenset()) -> None:
    """Create an account; refuses an existing name."""
    _check(username, role, agencies)
    create_schema(engine)
    with engine.begin() as conn:
        if conn.execute(select(users.c.username).where(users.c.username == username)).first():
            raise UserError(f"user {username!r} exists already")
        conn.execute(users.insert().values(username=username, password_hash=_hash(password), role=role,
                                           agencies=",".join(sorted(agencies)), created_at=datetime.now(UTC)))


_READY: set[str] = set()


def _ready(engine: Engine) -> None:
    """The users table exists with every column this code reads (an older database is upgraded once)."""
    key = engine.url.render_as_string(hide_password=True)
    if key not in _READY:
        create_schema(engine)
        _READY.add(key)


def _next_version():
    return users.c.session_version + 1


def set_password(engine: Engine, username: str, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    _ready(engine)
    with engine.begin() as conn:
        done = conn.execute(update(users).where(users.c.username == username)
                            .values(password_hash=_hash(password), session_version=_next_version()))
        if done.rowcount == 0:
            raise UserError(f"no user {username!r}")


def set_role(engine: Engine, username: str, role: str, agencies: frozenset[str] = frozenset()) -> None:
    """A new role (and agencies); every session signed in with the old rights ends."""
    _check(username, role, agencies)
    _ready(engine)
    with engine.begin() as conn:
        done = conn.execute(update(users).where(users.c.username == username)
                            .values(role=role, agencies=",".join(sorted(agencies)), session_version=_next_version()))
        if done.rowcount == 0:
            raise UserError(f"no user {username!r}")


def bump_session_version(engine: Engine, username: str) -> None:
    """End every session of an account (sign-out ends them on every device)."""
    _ready(engine)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(session_version=_next_version()))


def account_state(engine: Engine, username: str) -> tuple[Viewer, int] | None:
    """(rights, session version) of an existing account, else None."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        return None
    _ready(engine)
    with engine.connect() as conn:
        row = conn.execute(select(users.c.role, users.c.agencies, users.c.session_version)
                           .where(users.c.username == username)).first()
    if row is None:
        return None
    return Viewer(row.role, frozenset(a for a in row.agencies.split(",") if a)), int(row.session_version)


def remove_user(engine: Engine, username: str) -> None:
    with engine.begin() as conn:
        if conn.execute(delete(users).where(users.c.username == username)).rowcount == 0:
            raise UserError(f"no user {username!r}")


def list_users(engine: Engine) -> list[dict]:
    create_schema(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(users.c.username, users.c.role, users.c.agencies, users.c.created_at)
                            .order_by(users.c.username)).mappings().all()
    return [dict(r) for r in rows]


def viewer_of(engine: Engine, username: str) -> Viewer | None:
    """The rights of an existing account (used for sessions and the trusted-header mode)."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        return None
    with engine.connect() as conn:
        row = conn.execute(select(users.c.role, users.c.agencies).where(users.c.username == username)).first()
    if row is None:
        return None
    return Viewer(row.role, frozenset(a for a in row.agencies.split(",") if a))


def authenticate(engine: Engine, username: str, password: str) -> Viewer | None:
    """The viewer for a correct name and password, else None (same work either way)."""
    valid_name = isinstance(username, str) and USERNAME.fullmatch(username or "") is not None
    row = None
    if valid_name:
        with engine.connect() as conn:
            row = conn.execute(select(users.c.password_hash, users.c.role, users.c.agencies)
                               .where(users.c.username == username)).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return Viewer(row.role, frozenset(a for a in row.agencies.split(",") if a))
