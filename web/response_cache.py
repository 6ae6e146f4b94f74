"""A response cache in front of Dash's callback dispatch (`/_dash-update-component`), for immutable releases.

A callback's answer is fixed by what it was asked (the request body), who asks (role and agencies: the one
place rights are decided, `resolve_viewer`), in which language, on which host (embed codes name it), which
releases that viewer can open (a publish, a rollback or a removal changes the list, and with it every key)
and the code that drew it. All of these are in the key, so an answer is never shared between viewers with
different rights. Nothing is kept for a viewer who can see a draft (a draft can still change), nor an answer
given during an outage (`components.failure` marks it), nor anything but a 200 JSON answer.

The answers are kept in the query cache (`data_access.cache.backend`): one store, shared by every worker,
bounded by CT_EQUITY_CACHE_MAX_ENTRIES with cheap eviction, and bypassed with one log line when it fails.
A hit is answered before Dash parses the request at all.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from dash import Dash
from flask import Response, g, request

from components.failure import NOT_FOR_KEEPING
from components.i18n import language
from data_access.cache import backend
from data_access.queries import DataUnavailable, current_settings, visible_releases

from .auth import resolve_viewer

ROOT = Path(__file__).resolve().parents[1]
# Answers are only valid for the code and words that made them: a deploy that changes either starts afresh.
APP_TOKEN = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted([*ROOT.glob("components/**/*.py"), *ROOT.glob("dashboards/**/*.py"),
                                    *ROOT.glob("dashboards/**/*.md"), *ROOT.glob("embeds/*.py"),
                                    *ROOT.glob("data_access/*.py"), *ROOT.glob("web/*.py"),
                                    *ROOT.glob("components/translations/**/*.po")]))).hexdigest()[:16]
KEY = "ct_equity_response_key"
HIT = "ct_equity_response_hit"


def response_key(body: bytes) -> str | None:
    """The cache key of this callback request, or None when its answer must not be kept."""
    settings = current_settings()
    try:
        viewer = resolve_viewer()
        releases = visible_releases(settings, viewer)
    except DataUnavailable:  # the page answers the outage itself; nothing to key
        return None
    if not releases or any(r.status == "draft" for r in releases):
        return None
    parts = [APP_TOKEN, settings.database_url, viewer.role, ",".join(sorted(viewer.agencies)), language(),
             request.host_url, ";".join(f"{r.release_id}:{r.status}" for r in releases)]
    head = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"response:{head}:{hashlib.sha256(body).hexdigest()}"


def install_response_cache(app: Dash) -> None:
    """Answer repeated callback requests from the cache; keep each new cacheable answer."""
    server = app.server
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"

    @server.before_request
    def _answer_from_cache() -> Response | None:
        if request.method != "POST" or request.path != dispatch:
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
        key = g.get(KEY)
        if (key and not g.get(HIT) and not g.get(NOT_FOR_KEEPING) and response.status_code == 200
                and response.mimetype == "application/json" and not response.direct_passthrough):
            backend(current_settings()).set(key, response.get_data())
        return response
