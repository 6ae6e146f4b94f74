"""Responses of the data API: JSON and CSV bodies, RFC 9457 problems, ETags and caching by viewer and release."""
from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from http import HTTPStatus

import numpy as np
import pandas as pd
from flask import Response, request

from data_access.csv_export import csv_text
from data_access.queries import current_settings
from data_access.viewer import Viewer

API_VERSION = "1"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PUBLIC_MAX_AGE = 300
PROBLEM_TYPE = "about:blank"


def plain(value: object) -> object:
    """A JSON-ready scalar: numpy types unwrapped, NaN as None, times as ISO 8601 in UTC."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a frame as dicts of plain values, in column order."""
    names = list(frame.columns)
    return [{n: plain(v) for n, v in zip(names, row, strict=True)}
            for row in frame.itertuples(index=False, name=None)]


def dumps(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def etag_for(*parts: object) -> str:
    """A strong validator of everything a response depends on (release, normalised query, viewer, format)."""
    text = json.dumps([API_VERSION, *parts], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def viewer_part(viewer: Viewer) -> list:
    return [viewer.role, sorted(viewer.agencies)]


def matches(etag: str) -> str | None:
    """The tag of If-None-Match naming this ETag (weak comparison; a suffix such as :gzip allowed), else None."""
    header = request.if_none_match
    if header.star_tag:
        return etag
    return next((tag for tag in header.as_set(include_weak=True) if tag == etag or tag.startswith(etag + ":")),
                None)


def cache_control(viewer: Viewer, release_status: str | None) -> str:
    """Public caching only for anonymous views of non-draft releases; signed-in views revalidate privately."""
    if release_status == "draft":
        return "private, no-store"
    if viewer.role != "anonymous":
        return "private, no-cache"
    return f"public, max-age={PUBLIC_MAX_AGE}"


def vary() -> str:
    header = current_settings().trusted_header
    return "Cookie" + (f", {header}" if header else "")


def finish(response: Response, etag: str | None, caching: str) -> Response:
    """Add validators and caching headers."""
    if etag:
        response.set_etag(etag)
    response.headers["Cache-Control"] = caching
    response.headers["Vary"] = vary()
    return response


def not_modified(etag: str, caching: str) -> Response:
    """304 with the validator the client holds (a compressed response's tag carries its encoding suffix)."""
    return finish(Response(status=304), matches(etag) or etag, caching)


def json_response(payload: object, etag: str | None, caching: str, headers: dict | None = None) -> Response:
    response = Response(dumps(payload), mimetype="application/json", headers=headers or {})
    return finish(response, etag, caching)


def csv_response(columns: list[str], rows: list[dict], filename: str, etag: str, caching: str,
                 headers: dict | None = None) -> Response:
    response = Response(csv_text(columns, rows), content_type="text/csv; charset=utf-8", headers=headers or {})
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return finish(response, etag, caching)


def problem(status: int, detail: str, parameter: str | None = None, headers: dict | None = None) -> Response:
    """An RFC 9457 problem document (application/problem+json)."""
    body: dict[str, object] = {"type": PROBLEM_TYPE, "title": HTTPStatus(status).phrase, "status": status,
                               "detail": detail}
    if parameter is not None:
        body["parameter"] = parameter
    response = Response(dumps(body), status=status, mimetype="application/problem+json", headers=headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def method_not_allowed() -> Response:
    return problem(405, f"This API is read-only; the methods allowed are {ALLOWED_METHODS}.",
                   headers={"Allow": ALLOWED_METHODS})


def preflight() -> Response:
    """CORS preflight answer: any origin may read, never write."""
    return Response(status=204, headers={"Allow": ALLOWED_METHODS, "Access-Control-Allow-Methods": ALLOWED_METHODS,
                                         "Access-Control-Allow-Headers": "If-None-Match",
                                         "Access-Control-Max-Age": "86400"})


def add_cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Link, X-Total-Count"
    return response
