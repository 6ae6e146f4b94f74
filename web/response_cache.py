"""A response cache in front of Dash's callback dispatch (`/_dash-update-component`), for immutable releases.

A callback's answer is fixed by what it was asked (the request body), who asks (role and agencies: the one
place rights are decided, `resolve_viewer`), in which language, on which host (embed codes name it), which
releases that viewer can open (a publish, a rollback or a removal changes the list, and with it every key)
and the code that drew it. All of these are in the key, so an answer is never shared between viewers with
different rights. Nothing is kept for a viewer who can see a draft (a draft can still change), nor an answer
given during an outage or to values that are not on the page's lists (`components.failure` marks both: what
is kept is what the release makes finite), nor anything but a 200 JSON answer.

The answers are kept in the query cache (`data_access.cache.backend`): one store, shared by every worker,
bounded by CT_EQUITY_CACHE_MAX_ENTRIES with cheap eviction, and bypassed with one log line when it fails.
A hit is answered before Dash parses the request at all. For a caller with no session (the public), a hit is
answered even before Flask runs (`AnonymousHits`, a WSGI layer): with the status, headers and (compressed)
bytes Flask gave the first time, after the same checks Flask's hooks make (body size, same origin).
"""
from __future__ import annotations

import hashlib
import io
import json
import time
from pathlib import Path

from dash import Dash
from flask import Response, g, request
from werkzeug.wrappers import Request

from components.failure import NOT_FOR_KEEPING
from components.i18n import language
from data_access.cache import backend
from data_access.queries import DataUnavailable, current_settings, visible_releases
from data_access.viewer import ANONYMOUS, Viewer

from .auth import resolve_viewer
from .language import COOKIE, select_language

ROOT = Path(__file__).resolve().parents[1]
# Answers are only valid for the code and words that made them: a deploy that changes either starts afresh.
APP_TOKEN = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted([*ROOT.glob("components/**/*.py"), *ROOT.glob("dashboards/**/*.py"),
                                    *ROOT.glob("dashboards/**/*.md"), *ROOT.glob("embeds/*.py"),
                                    *ROOT.glob("data_access/*.py"), *ROOT.glob("web/*.py"),
                                    *ROOT.glob("components/translations/**/*.po")]))).hexdigest()[:16]
KEY = "ct_equity_response_key"
HIT = "ct_equity_response_hit"
FAST = "ct_equity.fast_key"  # WSGI environ: AnonymousHits keeps this request's answer itself
KEEP = "X-CT-Equity-Keep"  # Flask's answer may be kept (read and removed by AnonymousHits)
CODINGS = ("br", "deflate", "gzip", "zstd")  # what flask-compress may choose from Accept-Encoding
# WSGI environ: answer this request by running its callback, and keep nothing (a worker drawing each page once
# at start, `web.warm.warm_worker`). Only the server sets environ keys without the HTTP_ prefix: no client can.
BYPASS = "ct_equity.draw_anew"


def _key(viewer: Viewer, lang: str, host_url: str, body: bytes, variant: str = "") -> str | None:
    settings = current_settings()
    try:
        releases = visible_releases(settings, viewer)
    except DataUnavailable:  # the page answers the outage itself; nothing to key
        return None
    if not releases or any(r.status == "draft" for r in releases):
        return None
    # Every setting, not just the database: a changed k or goal changes answers, and a shared store outlives a
    # restart.
    parts = [APP_TOKEN, repr(settings), viewer.role, ",".join(sorted(viewer.agencies)), lang, host_url,
             ";".join(f"{r.release_id}:{r.status}" for r in releases), variant]
    head = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    try:  # the same request spelt differently (spacing, key order) is one entry, not many
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return f"response:{head}:{hashlib.sha256(canonical).hexdigest()}"


def response_key(body: bytes) -> str | None:
    """The cache key of this callback request, or None when its answer must not be kept."""
    try:
        viewer = resolve_viewer()
    except DataUnavailable:
        return None
    return _key(viewer, language(), request.host_url, body)


def install_response_cache(app: Dash) -> None:
    """Answer repeated callback requests from the cache; keep each new cacheable answer."""
    server = app.server
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"

    server.wsgi_app = AnonymousHits(server.wsgi_app, dispatch)  # type: ignore[method-assign]

    @server.before_request
    def _answer_from_cache() -> Response | None:
        if (request.method != "POST" or request.path != dispatch or FAST in request.environ
                or request.environ.get(BYPASS)):
            return None
        key = response_key(request.get_data(cache=True))
        if key is None:
            return None
        g.setdefault(KEY, key)
        kept = backend(current_settings()).get(key)
        if not isinstance(kept, bytes):
            return None
        g.setdefault(HIT, True)
        return Response(kept, mimetype="application/json")

    @server.after_request
    def _keep_answer(response: Response) -> Response:
        keepable = (not g.get(NOT_FOR_KEEPING) and response.status_code == 200
                    and response.mimetype == "application/json" and not response.direct_passthrough)
        if FAST in request.environ:
            if keepable:
                response.headers[KEEP] = "1"
            return response
        key = g.get(KEY)
        if key and not g.get(HIT) and keepable:
            backend(current_settings()).set(key, response.get_data())
        return response


class AnonymousHits:
    """WSGI layer: a callback request with no session cookie (an anonymous caller) whose answer is kept is
    answered here, as Flask answered it the first time; every other request goes on to Flask unchanged."""

    def __init__(self, app, dispatch: str):
        self.app = app
        self.dispatch = dispatch

    def _fast_key(self, environ) -> str | None:
        settings = current_settings()
        if (environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.dispatch
                or environ.get(BYPASS) or settings.trusted_header
                or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= settings.max_request_bytes:
            return None  # Flask answers these (413, or a bad request)
        req = Request(environ)
        if any(name != COOKIE for name in req.cookies):
            return None  # a session (or anything else) may make this viewer someone: Flask decides
        origin = req.headers.get("Origin")
        if origin and origin != "null" and origin.split("://", 1)[-1] != req.host:
            return None  # Flask refuses it
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again on a miss
        accepted = {c.strip().split(";")[0] for c in req.headers.get("Accept-Encoding", "").split(",")}
        variant = ",".join(c for c in CODINGS if c in accepted)
        return _key(ANONYMOUS, select_language(req), req.host_url, body, variant)

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        key = self._fast_key(environ)
        if key is None:
            return self.app(environ, start_response)
        kept = backend(current_settings()).get(key)
        if isinstance(kept, tuple) and len(kept) == 3:
            status, headers, body = kept
            timing = ("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}")
            start_response(status, [*headers, timing])
            return [body]
        environ[FAST] = key
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            kept_headers = [(k, v) for k, v in headers if k != KEEP]
            return start_response(status, kept_headers, exc_info) if exc_info else start_response(status,
                                                                                                  kept_headers)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        headers = answer.get("headers", [])
        if (KEEP, "1") in headers and not any(k.lower() == "set-cookie" for k, _v in headers):
            stored = [(k, v) for k, v in headers if k not in (KEEP, "Server-Timing")]
            backend(current_settings()).set(key, (answer["status"], stored, body))
        return [body]
