"""HTTP-level guards of the app (issue #16): request-size limit, quiet 4xx for client-made errors, HSTS,
no version numbers in pages, Retry-After on rate limits. Installed by the server hooks with one call."""
from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import time
from pathlib import Path

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, abort, request

from data_access.queries import current_settings

LOG = logging.getLogger("ct_equity")
# Keys of Dash's page config that name the Python, Dash and Plotly versions.
VERSION_KEYS = ("dash_version", "python_version", "plotly_version", "dash_version_url", "ddk_version")
# Dash fingerprints the address of every script it serves with the version of the package it comes from
# (`dash_renderer.v4_4_1m1796285926.min.js`) and the favicon with Dash's (`_favicon.ico?v=4.4.1`). The server
# accepts any `v<word>m<hex>` fingerprint (dash.fingerprint.check_fingerprint) and caches those files a year.
FINGERPRINT = re.compile(r"(_dash-component-suites/[^\"'\s]*?)\.v([\w-]+?)m(\d+)\.")
FAVICON = re.compile(r"(_favicon\.ico)\?v=([^\"'&\s]+)")
# What Dash's dispatcher raises for a malformed or made-up callback request (an unknown or browser-only output,
# a body of the wrong shape): the client's mistake, answered 400 without a traceback in the log.
CLIENT_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, LookupError)


def _read_at_most(stream, size: int) -> bytes:
    parts, left = [], size
    while left > 0 and (chunk := stream.read(min(left, 65536))):
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _limit_body() -> None:
    """Refuse a declared body above the limit before anything reads it; a chunked body is read up to the
    limit (never more) and refused when it goes on, else handed on as a body of known length."""
    limit = current_settings().max_request_bytes
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    environ = request.environ
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and environ.get("wsgi.input_terminated"):
        data = _read_at_most(environ["wsgi.input"], limit + 1)
        if len(data) > limit:
            abort(413)
        environ.update({"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))})
        del environ["HTTP_TRANSFER_ENCODING"]


def _too_large(_error) -> Response:
    return Response("request body too large", status=413, mimetype="text/plain", headers={"Connection": "close"})


def _missing_asset(error: DependencyException) -> Response:
    LOG.info("component asset refused: %s", str(error).splitlines()[0][:120])
    return Response("not found", status=404, mimetype="text/plain")


def _client_error(error: Exception) -> Response:
    if not request.path.endswith("/_dash-update-component"):
        raise error
    LOG.warning("callback request refused: %s: %s", error.__class__.__name__, str(error)[:120])
    return Response('{"message": "This request is not valid."}', status=400, mimetype="application/json")


def _hsts(response: Response) -> Response:
    seconds = current_settings().hsts_seconds
    if seconds > 0 and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    return response


def hide_versions(app: Dash) -> None:
    """Drop the Python, Dash and Plotly versions from the `_dash-config` every page carries."""
    original = app._config

    def config() -> dict:
        return {key: value for key, value in original().items() if key not in VERSION_KEYS}

    app._config = config  # type: ignore[method-assign]


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def unversioned(html: str, salt: str) -> str:
    """Script and favicon addresses with the package versions replaced by a digest of version and file time:
    still a fingerprint Dash serves with long caching, still new whenever a package changes, but no version."""
    html = FINGERPRINT.sub(lambda m: f"{m.group(1)}.v{_digest(m.group(2), m.group(3))}m0.", html)
    return FAVICON.sub(lambda m: f"{m.group(1)}?v={_digest(m.group(2), salt)}", html)


def hide_script_versions(app: Dash) -> None:
    """Rewrite the fingerprints of the page's script and favicon addresses (Dash's `interpolate_index` hook)."""
    import dash

    original = app.interpolate_index
    salt = str(Path(dash.__file__).stat().st_mtime)

    def interpolate_index(**kwargs: str) -> str:
        for key in ("scripts", "css", "favicon"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = unversioned(kwargs[key], salt)
        return original(**kwargs)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]


def install_guards(app: Dash) -> None:
    """Body limit first among the request hooks, quiet client errors, HSTS and hidden versions."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = current_settings().max_request_bytes
    server.before_request_funcs.setdefault(None, []).insert(0, _limit_body)
    server.register_error_handler(413, _too_large)
    server.register_error_handler(DependencyException, _missing_asset)
    for kind in CLIENT_ERRORS:
        server.register_error_handler(kind, _client_error)
    server.after_request(_hsts)
    hide_versions(app)
    hide_script_versions(app)


def retry_after(limiter) -> str:
    """Seconds until the breached rate limit lets the client try again (at least 1)."""
    current = getattr(limiter, "current_limit", None)
    reset_at = getattr(current, "reset_at", None)
    if not reset_at:
        return "60"
    # Never longer than the limit's own window: a shared store's clock may run a second ahead of ours.
    window = getattr(getattr(current, "limit", None), "get_expiry", lambda: None)() or 60
    return str(min(window, max(1, math.ceil(reset_at - time.time()))))
