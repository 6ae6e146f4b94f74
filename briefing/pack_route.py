"""`/briefing/<scope>`: a briefing pack as a printable page, or as a PDF with `?format=pdf` (DESIGN §6).

The pack is built for the viewer who asks (their rights decide what is suppressed), in their language, for
the requested release if they may open it, else the current one. Drawing charts and printing share the chart
images' render gate (`web.png`): one render at a time per process and a short line; a request beyond it is
told at once to come back (503 with Retry-After). Finished packs are kept per process by a key that fixes
everything they depend on, and validated by ETag.
"""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

from flask import Flask, Response, request

from components.i18n import N_, _, language
from data_access.queries import DataUnavailable, current_settings, resolve_release
from data_access.viewer import Viewer
from web.auth import resolve_viewer
from web.png import DRAW_TOKEN, RETRY_AFTER_SECONDS, RecentImages, RenderBusy, render_gate, renderer

from .document import render_html, sections
from .pdf import PdfFailed, print_pdf
from .sections import build_pack

LOG = logging.getLogger("ct_equity")
FORMATS = ("html", "pdf")
IMAGE_SCALE = 1.5
KEPT_PACKS = 16
MAX_PARAM = 64
PUBLIC_MAX_AGE = 300
NOT_A_PACK = N_("There is no briefing for this address. Briefings exist for the state (/briefing/state), an agency "
              "code (such as /briefing/DOC) or a town's 10-digit code.")


@lru_cache(maxsize=1)
def kept_packs() -> RecentImages:
    return RecentImages(KEPT_PACKS)


def _text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _param(name: str) -> tuple[bool, str | None]:
    """(well formed, value) of a single short query parameter."""
    values = request.args.getlist(name)
    if not values:
        return True, None
    if len(values) > 1 or len(values[0]) > MAX_PARAM:
        return False, None
    return True, values[0].strip() or None


def pack_key(scope: str, release_id: str, viewer: Viewer, lang: str, fmt: str) -> str:
    text = "|".join([scope, release_id, viewer.role, ",".join(sorted(viewer.agencies)), lang, fmt, DRAW_TOKEN])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _draw(spec: dict, width: int, height: int) -> bytes:
    return renderer().png(spec, width, height, IMAGE_SCALE)


def _address(path: str, **params: str | None) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return f"{path}?{query}" if query else path


def make_pack(settings, info, viewer: Viewer, scope: str, lang: str, fmt: str) -> tuple[bytes, str] | None:
    """(body, filename stem) of the pack, or None when the scope is not a pack. Holds the render turn."""
    pack = build_pack(settings, info, viewer, scope)
    if pack is None:
        return None
    base = request.host_url.rstrip("/")
    page = base + _address(pack.page.split("?")[0], release=info.release_id,
                           year=pack.page.partition("year=")[2] or None, lang=lang if lang != "en" else None)
    actions = [(_("Download the PDF"), _address(f"/briefing/{pack.scope}", release=info.release_id,
                                                format="pdf", lang=lang if lang != "en" else None)),
               (_("Back to the page"), page.removeprefix(base))]
    with render_gate().turn():
        html_text = render_html(pack, info, viewer.role, lang, sections(pack, _draw), page, actions)
        body = print_pdf(html_text) if fmt == "pdf" else html_text.encode("utf-8")
    return body, f"ct-equity-briefing-{pack.scope}-{info.release_id}"


def briefing_response(scope: str) -> Response:
    """The pack, a 304, or a plain-text reason (404 unknown scope or release, 503 busy or down)."""
    settings, viewer, lang = current_settings(), resolve_viewer(), language()
    ok_release, requested = _param("release")
    ok_format, fmt = _param("format")
    fmt = fmt or "html"
    if not (ok_release and ok_format) or fmt not in FORMATS or len(scope) > MAX_PARAM:
        return _text(_(NOT_A_PACK), 404)
    try:
        info = resolve_release(settings, viewer, requested)
        if info is None or (requested and info.release_id != requested):
            return _text(_(NOT_A_PACK), 404)
        key = pack_key(scope, info.release_id, viewer, lang, fmt)
        public = viewer.role == "anonymous" and info.status != "draft"
        headers = {"ETag": f'"{key}"', "Vary": "Cookie",
                   "Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-cache"}
        if request.if_none_match.contains(key):
            return Response(status=304, headers=headers)
        made = kept_packs().get(key)
        if made is None:
            made = make_pack(settings, info, viewer, scope, lang, fmt)
            if made is None:
                return _text(_(NOT_A_PACK), 404)
            kept_packs().put(key, made)
        body, stem = made
    except RenderBusy:
        response = _text(_("Briefings are being prepared for others right now. Please try again in a few "
                           "seconds."), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except DataUnavailable:
        return _text(_("The data service is not answering right now. Please try again in a minute."), 503)
    except (PdfFailed, Exception) as exc:  # noqa: BLE001 - a broken browser must not become a 500 with a traceback
        LOG.error("briefing failed: %s %r", scope[:MAX_PARAM], exc)
        return _text(_("The briefing cannot be prepared right now. Please try again in a minute."), 503)
    if fmt == "pdf":
        headers["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
        return Response(body, mimetype="application/pdf", headers=headers)
    return Response(body, mimetype="text/html", headers=headers)


def register_briefing_route(server: Flask) -> None:
    """Add `/briefing/<scope>` to the app's Flask server (once)."""
    if "ct_equity_briefing" not in server.view_functions:
        server.add_url_rule("/briefing/<scope>", "ct_equity_briefing", briefing_response)
