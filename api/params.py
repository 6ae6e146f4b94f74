"""Query parameters of the data API: every name allow-listed, every value checked, errors naming the parameter."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from data_access.api_queries import API_TABLES, InvalidParameter, parse_filters

FORMATS = ("json", "csv")
DEFAULT_LIMIT = 100
LIMIT_RANGE = (1, 1000)
MAX_OFFSET = 1_000_000_000
RELEASE_PATTERN = "^[0-9A-Za-z][0-9A-Za-z-]{0,63}$"
PAGING = ("release", "format", "limit", "offset")


@dataclass(frozen=True)
class TableQuery:
    """A checked table request: which release (None = the current one), format, page and filters."""

    release: str | None
    format: str
    limit: int
    offset: int
    filters: tuple[tuple[str, int | str], ...]

    def normalised(self) -> dict:
        """The request in canonical form (the same view always gives the same dict)."""
        return {"format": self.format, "limit": self.limit, "offset": self.offset,
                "filters": [list(pair) for pair in self.filters]}


@dataclass(frozen=True)
class ChangesQuery:
    """A checked "what changed" request."""

    old: str
    new: str
    table: str | None
    limit: int


def single_values(args: MultiDict, allowed: tuple[str, ...] | None = None) -> dict[str, str]:
    """Query parameters as one value each; a repeated or (when `allowed` is given) unknown name is an error."""
    out: dict[str, str] = {}
    for name in args:
        values = args.getlist(name)
        if len(values) > 1:
            raise InvalidParameter(name, "given more than once")
        if allowed is not None and name not in allowed:
            raise InvalidParameter(name, f"unknown parameter; this endpoint accepts: {', '.join(allowed) or 'none'}")
        out[name] = values[0]
    return out


def parse_int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    """A whole number from low to high (the default when the parameter is absent)."""
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not low <= int(raw) <= high:
        raise InvalidParameter(name, f"must be a whole number from {low} to {high}")
    return int(raw)


def parse_release(name: str, raw: str | None, required: bool = False) -> str | None:
    """A release id as written by `ct-equity build` (letters, digits and hyphens)."""
    if raw is None:
        if required:
            raise InvalidParameter(name, "is required (a release id, see /api/v1/releases)")
        return None
    if not re.fullmatch(RELEASE_PATTERN.strip("^$"), raw):
        raise InvalidParameter(name, "must be a release id (letters, digits and hyphens, at most 64)")
    return raw


def parse_format(raw: str | None) -> str:
    if raw is None:
        return "json"
    if raw not in FORMATS:
        raise InvalidParameter("format", f"must be one of: {', '.join(FORMATS)}")
    return raw


def parse_limit(raw: str | None) -> int:
    return parse_int("limit", raw, DEFAULT_LIMIT, *LIMIT_RANGE)


def parse_table_query(table_name: str, args: MultiDict) -> TableQuery:
    """Release, format, limit, offset and the table's key-column filters; anything else is an error."""
    given = single_values(args)
    filters: Mapping[str, str] = {k: v for k, v in given.items() if k not in PAGING}
    return TableQuery(
        release=parse_release("release", given.get("release")),
        format=parse_format(given.get("format")),
        limit=parse_limit(given.get("limit")),
        offset=parse_int("offset", given.get("offset"), 0, 0, MAX_OFFSET),
        filters=parse_filters(table_name, filters),
    )


def parse_changes_query(args: MultiDict) -> ChangesQuery:
    """`from` and `to` release ids, an optional table (its URL name) and the list limit."""
    given = single_values(args, ("from", "to", "table", "limit"))
    table = given.get("table")
    if table is not None and table not in API_TABLES:
        raise InvalidParameter("table", f"must be one of: {', '.join(API_TABLES)}")
    return ChangesQuery(old=parse_release("from", given.get("from"), required=True),
                        new=parse_release("to", given.get("to"), required=True),
                        table=API_TABLES[table] if table else None, limit=parse_limit(given.get("limit")))
