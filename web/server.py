"""Server-side hooks of the app: security headers, server timing, errors, health and boundary layers."""
from __future__ import annotations

import json
import logging
import os
import secrets
import time
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash
from flask import Response, g, has_request_context, request
from flask_login import current_user

from components.failure import not_for_keeping
from components.i18n import N_, _
from components.maps import clockwise_rings
from data_access.codes import GEOGRAPHY_LEVELS
from data_access.queries import DataUnavailable, current_settings, geometry_layer, health_status, resolve_release
from embeds.signing import frame_ancestors, is_embed_path

from .auth import resolve_viewer
from .embed_cache import embed_caching
from .guards import install_guards

LOG = logging.getLogger("ct_equity")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
    "application/json", "application/geo+json", "application/problem+json", "image/svg+xml",
]
ROLE_WORDS = {"agency": N_("agency"), "statewide": N_("statewide"), "admin": N_("admin")}
CSP = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
       "child-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")


def callback_failed(error: Exception):
    """Any callback error: log it, tell the person plainly, change nothing else (no traceback leaves).

    The page router (Dash's own callback) fails on addresses that are not paths at all; that is a
    "page not found", not a server error.
    """
    not_for_keeping()
    try:
        outputs = dash.callback_context.outputs_list
    except Exception:  # noqa: BLE001 - the context itself may be what is broken
        outputs = []
    if outputs and isinstance(outputs, list) and outputs[0].get("id") == "_pages_content":
        LOG.warning("page address refused: %r", error)
        return [dbc.Alert(_("There is no page at this address."), color="warning"), {"title": _("Page not found")}]
    LOG.error("callback failed: %s: %r", str(outputs)[:120], error, exc_info=error)
    dash.set_props("shell-error", {"is_open": True})
    return None


def secret_key(settings) -> str:
    """CT_EQUITY_SECRET_KEY, else a key kept in the data folder so every worker on this host shares it."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_hex(32))
        except FileExistsError:  # another worker wrote it first
            pass
    return path.read_text().strip()


def signed_in() -> str | None:
    """'name (role)' of the signed-in user for the navigation bar, or None."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return None
    role = current_user.viewer.role
    return f"{current_user.id} ({_(ROLE_WORDS[role]) if role in ROLE_WORDS else role})"


_CLOCKWISE: dict[str, str] = {}  # a few layers' text with clockwise outer rings, by the stored layer's digest


def clockwise_text(text: str, digest: str) -> str:
    """A stored layer (RFC 7946) with its outer rings turned clockwise, as the map's d3-geo reads them."""
    if digest not in _CLOCKWISE:
        while len(_CLOCKWISE) >= 8:
            _CLOCKWISE.pop(next(iter(_CLOCKWISE)), None)
        _CLOCKWISE[digest] = json.dumps(clockwise_rings(json.loads(text)), separators=(",", ":"), ensure_ascii=False)
    return _CLOCKWISE[digest]


def geometry_response(release_id: str, level: str, clockwise: bool = False) -> Response:
    """A release's boundary layer: immutable per release, so cached long and validated by ETag.

    `clockwise` (the map's address) serves it with clockwise outer rings, under an address and ETag of its
    own: a browser that kept the layer as stored keeps it apart.
    """
    if level not in GEOGRAPHY_LEVELS or not release_id.replace("-", "").isalnum() or len(release_id) > 64:
        return Response("unknown layer", status=404, mimetype="text/plain")
    try:
        info = resolve_release(current_settings(), resolve_viewer(), release_id)
        visible = info is not None and info.release_id == release_id
        layer = geometry_layer(current_settings(), release_id, level) if visible else None
    except DataUnavailable:
        return Response("database unavailable", status=503, mimetype="text/plain")
    if layer is None:
        return Response("no boundaries in this release", status=404, mimetype="text/plain")
    text, digest = layer
    if clockwise:
        text, digest = clockwise_text(text, digest), f"{digest}-cw"
    if request.if_none_match.contains(digest):
        return Response(status=304, headers={"ETag": f'"{digest}"'})
    caching = "private, no-store" if info.status == "draft" else "public, max-age=31536000, immutable"
    return Response(text, mimetype="application/geo+json", headers={"ETag": f'"{digest}"', "Cache-Control": caching})


def install_server_hooks(app: Dash) -> None:
    """Headers on every response, a friendly error for anything unhandled, /healthz, /geo layers and the
    caching of embed documents."""
    server = app.server
    install_guards(app)

    @server.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    @server.after_request
    def _headers(response: Response) -> Response:
        if "started" in g:  # server time, readable by the browser's Resource Timing API (the benchmark uses it)
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.1f}"
            response.headers.setdefault("Timing-Allow-Origin", "*")
        if request.path.startswith("/assets/"):
            response.direct_passthrough = False  # let flask-compress gzip the vendored CSS too
        embed = is_embed_path(request.path.removeprefix(app.config.routes_pathname_prefix.rstrip("/")))
        for name, value in SECURITY_HEADERS.items():
            if not (embed and name == "X-Frame-Options"):  # embeds are framed by the allow-listed sites
                response.headers.setdefault(name, value)
        policy = CSP.format(hashes=" ".join(app.csp_hashes()))
        if embed:
            allowed = frame_ancestors(current_settings().frame_ancestors)
            policy = policy.replace("frame-ancestors 'none'", f"frame-ancestors {allowed}")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    @server.errorhandler(500)
    def _server_error(error) -> Response:
        """A malformed request to a callback is a bad request; nothing else of the error leaves the server."""
        LOG.error("request failed: %r", getattr(error, "original_exception", error))
        if request.path.endswith("/_dash-update-component"):
            return Response('{"message": "This request is not valid."}', status=400, mimetype="application/json")
        return Response(_("Something went wrong on our side. Please try again in a minute."), status=500,
                        mimetype="text/plain")

    @server.route("/healthz")
    def _healthz() -> Response:
        status, body = health_status(current_settings())
        return Response(json.dumps(body), status=status, mimetype="application/json")

    @server.route("/geo/<release_id>/<level>.geojson")
    def _geometry(release_id: str, level: str) -> Response:
        return geometry_response(release_id, level)

    @server.route("/geo/<release_id>/clockwise/<level>.geojson")
    def _map_geometry(release_id: str, level: str) -> Response:
        return geometry_response(release_id, level, clockwise=True)

    # Registered last, so it runs before `_headers` (Flask runs these in reverse): its 304s get the headers too.
    server.after_request(embed_caching(app.config.routes_pathname_prefix))
