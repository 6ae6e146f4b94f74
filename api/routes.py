"""Endpoints of the read-only data API under /api/v1/ (DESIGN §7)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

from data_access.api_queries import API_TABLES, InvalidParameter, api_page, changes_between, table_counts
from data_access.queries import DataUnavailable, current_settings, visible_releases
from data_access.releases import ReleaseInfo
from data_access.schema import RELEASE_ID, columns
from data_access.viewer import Viewer

from . import responses as out
from .openapi import openapi_document
from .params import TableQuery, parse_changes_query, parse_format, parse_table_query, single_values

ALL_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
RELEASE_FIELDS = ("release_id", "created_at", "published_at", "status", "inputs_sha256", "code_version",
                  "notes", "synthetic")
VIEWER_KEY = "ct_equity_api_viewer"


class Missing(Exception):
    """A resource that does not exist (or that this viewer may not see): 404."""


def viewer() -> Viewer:
    """The viewer of this request, from the function given to `register_api`."""
    return current_app.extensions[VIEWER_KEY]()


def release_info(info: ReleaseInfo, current: str | None) -> dict:
    fields = {name: out.plain(getattr(info, name)) for name in RELEASE_FIELDS}
    return {**fields, "current": info.release_id == current}


def pick_release(who: Viewer, requested: str | None) -> tuple[ReleaseInfo, str | None]:
    """(the release a request reads, the current release id): the requested one if visible, else the current."""
    releases = visible_releases(current_settings(), who)
    current = next((r.release_id for r in releases if r.status == "published"), None)
    wanted = requested or current
    for info in releases:
        if info.release_id == wanted:
            return info, current
    raise Missing(f"No release {requested[:80]!r} is available." if requested else "No release is published yet.")


def next_link(query: TableQuery, release_id: str, total: int) -> str | None:
    """The next page of the same view, pinned to the same release; None on the last page."""
    if query.offset + query.limit >= total:
        return None
    params = {"release": release_id, **dict(query.filters), "limit": query.limit,
              "offset": query.offset + query.limit}
    if query.format != "json":
        params["format"] = query.format
    return f"{request.script_root}{request.path}?{urlencode(params)}"


def table_view(slug: str) -> Response:
    """One page of a release table, masked for the viewer, as JSON or CSV."""
    if slug not in API_TABLES:
        raise Missing(f"There is no table {slug[:80]!r}; tables: {', '.join(API_TABLES)}.")
    table = API_TABLES[slug]
    query = parse_table_query(table, request.args)
    who = viewer()
    info, _current = pick_release(who, query.release)
    etag = out.etag_for("table", table, info.release_id, query.normalised(), out.viewer_part(who))
    caching = out.cache_control(who, info.status)
    if out.matches(etag):
        return out.not_modified(etag, caching)
    total, page = api_page(current_settings(), who, table, info.release_id, query.filters, query.limit,
                           query.offset)
    rows = out.records(page)
    following = next_link(query, info.release_id, total)
    headers = {"X-Total-Count": str(total), **({"Link": f'<{following}>; rel="next"'} if following else {})}
    if query.format == "csv":
        rows = [{RELEASE_ID: info.release_id, **row} for row in rows]
        return out.csv_response([RELEASE_ID, *columns(table)], rows, f"{table}-{info.release_id}", etag, caching,
                                headers)
    body = {"release_id": info.release_id, "table": table, "count": total, "limit": query.limit,
            "offset": query.offset, "next": following, "rows": rows}
    return out.json_response(body, etag, caching, headers)


def releases_view() -> Response:
    """Every release the viewer may open, newest first, with the current one marked."""
    fmt = parse_format(single_values(request.args, ("format",)).get("format"))
    who = viewer()
    releases = visible_releases(current_settings(), who)
    current = next((r.release_id for r in releases if r.status == "published"), None)
    rows = [release_info(r, current) for r in releases]
    etag = out.etag_for("releases", rows, fmt, out.viewer_part(who))
    caching = out.cache_control(who, "draft" if any(r.status == "draft" for r in releases) else None)
    if out.matches(etag):
        return out.not_modified(etag, caching)
    if fmt == "csv":
        return out.csv_response([*RELEASE_FIELDS, "current"], rows, "releases", etag, caching)
    return out.json_response({"current_release_id": current, "count": len(rows), "rows": rows}, etag, caching)


def release_view(release_id: str) -> Response:
    """One release with the number of rows in each of its tables."""
    single_values(request.args, ())
    who = viewer()
    info, current = pick_release(who, release_id)
    body = {**release_info(info, current), "tables": table_counts(current_settings(), info.release_id)}
    etag = out.etag_for("release", body, out.viewer_part(who))
    caching = out.cache_control(who, info.status)
    return out.not_modified(etag, caching) if out.matches(etag) else out.json_response(body, etag, caching)


def _capped(report: dict, limit: int) -> dict:
    """A table's comparison with each list cut to `limit` items (counts stay complete)."""
    lists = ("added", "removed", "changed", "largest_moves", "status_changes")
    capped = {name: report[name][:limit] for name in lists}
    truncated = {name: len(report[name]) > limit for name in lists}
    return {**report, **capped, "truncated": truncated}


def changes_view() -> Response:
    """What changed from one release to another, as this viewer may see it."""
    query = parse_changes_query(request.args)
    who = viewer()
    old, _ = pick_release(who, query.old)
    new, _ = pick_release(who, query.new)
    etag = out.etag_for("changes", old.release_id, new.release_id, query.table, query.limit, out.viewer_part(who))
    caching = out.cache_control(who, "draft" if "draft" in (old.status, new.status) else None)
    if out.matches(etag):
        return out.not_modified(etag, caching)
    report = changes_between(current_settings(), old.release_id, new.release_id, who)
    tables = {name: _capped(item, query.limit) for name, item in report.items()
              if query.table is None or name == query.table}
    body = {"from": old.release_id, "to": new.release_id, "limit": query.limit, "tables": tables}
    return out.json_response(body, etag, caching)


def openapi_view() -> Response:
    """The OpenAPI document, generated from the release schema."""
    single_values(request.args, ())
    document = openapi_document(f"{request.script_root}/api/v1")
    etag = out.etag_for("openapi", document)
    caching = f"public, max-age={out.PUBLIC_MAX_AGE}"
    return out.not_modified(etag, caching) if out.matches(etag) else out.json_response(document, etag, caching)


def index_view() -> Response:
    """Where to start: the OpenAPI document and the endpoints."""
    single_values(request.args, ())
    base = f"{request.script_root}/api/v1"
    body = {"openapi": f"{base}/openapi.json", "releases": f"{base}/releases", "changes": f"{base}/changes",
            "tables": {table: f"{base}/{slug}" for slug, table in API_TABLES.items()}}
    return out.json_response(body, out.etag_for("index", body), f"public, max-age={out.PUBLIC_MAX_AGE}")


def unknown_path(rest: str) -> Response:
    raise Missing("There is no such API endpoint; see /api/v1/openapi.json.")


def handle_error(error: Exception) -> Response:
    """Every failure as application/problem+json; nothing of an unexpected error leaves the server."""
    if isinstance(error, InvalidParameter):
        return out.problem(400, f"Parameter {error.parameter!r}: {error.reason}.", error.parameter)
    if isinstance(error, Missing):
        return out.problem(404, str(error))
    if isinstance(error, DataUnavailable):
        return out.problem(503, "The data store is not reachable right now; please try again shortly.",
                           headers={"Retry-After": "30"})
    if isinstance(error, HTTPException):
        if error.code == 405:
            return out.method_not_allowed()
        return out.problem(error.code or 500, error.description or "")
    logging.getLogger("ct_equity").exception("API request failed", exc_info=error)
    return out.problem(500, "Something went wrong on our side.")


def read_only() -> Response | None:
    """Only GET and HEAD reach the endpoints; OPTIONS answers CORS preflight; anything else is 405."""
    if request.method == "OPTIONS":
        return out.preflight()
    if request.method not in ("GET", "HEAD"):
        return out.method_not_allowed()
    return None


def create_blueprint() -> Blueprint:
    """The /api/v1 blueprint with every endpoint, the method guard, CORS and problem+json errors."""
    bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
    routes: list[tuple[str, Callable[..., Response]]] = [
        ("/", index_view), ("/openapi.json", openapi_view), ("/releases", releases_view),
        ("/releases/<release_id>", release_view), ("/changes", changes_view), ("/<slug>", table_view),
        ("/<path:rest>", unknown_path),
    ]
    for rule, view in routes:
        bp.add_url_rule(rule, view.__name__, view, methods=ALL_METHODS, provide_automatic_options=False,
                        strict_slashes=False)
    bp.before_request(read_only)
    bp.after_request(out.add_cors)
    bp.register_error_handler(Exception, handle_error)
    return bp
