"""The viewer's language (DESIGN §11): `?lang=` on any address, remembered in a cookie.

Dash's own requests (`/_dash-layout`, `/_dash-update-component`) do not carry the page's query string; they
take the language from the page address in their Referer (same-origin requests keep it under the
Referrer-Policy), else from the cookie; with neither, the browser's Accept-Language decides. An embed in
another site's frame gets no cookie, so its address carries `lang`. Catalogs are the `.po` files under
`components/translations/`, compiled when the app starts.
"""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from dash import Dash, Input, Output, clientside_callback
from flask import Flask, Response, request
from flask_babel import Babel

from components.i18n import DEFAULT_LANGUAGE, LANGUAGES, language
from data_access.queries import current_settings

COOKIE = "ct_equity_lang"
CATALOGS = Path(__file__).resolve().parent.parent / "components" / "translations"
YEAR = 365 * 24 * 3600
UNREMEMBERED = re.compile(r"/(_dash-[a-z-]+|embed/|png/)")


def _valid(value: object) -> str | None:
    return value if isinstance(value, str) and value in LANGUAGES else None


def requested_language(req=None) -> str | None:
    """The language this request asks for: its own `lang`, or for Dash's requests the page address's."""
    req = request if req is None else req
    asked = _valid(req.args.get("lang"))
    if asked or "/_dash-" not in req.path:
        return asked
    referer = urlsplit(req.headers.get("Referer", ""))
    if referer.netloc != req.host:
        return None
    return _valid(parse_qs(referer.query).get("lang", [None])[0])


def select_language(req=None) -> str:
    """The request's language (Flask's, or the werkzeug request `req`), else the remembered one, else the
    browser's preference, else English."""
    req = request if req is None else req
    return (requested_language(req) or _valid(req.cookies.get(COOKIE))
            or req.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE)


def compile_catalogs(source: Path = CATALOGS) -> Path:
    """Compile every `<lang>/LC_MESSAGES/messages.po` into a private folder of this process."""
    target = Path(tempfile.mkdtemp(prefix="ct-equity-translations-"))
    atexit.register(shutil.rmtree, target, True)
    for po_file in source.glob("*/LC_MESSAGES/messages.po"):
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=po_file.parent.parent.name)
        out = target / po_file.parent.relative_to(source) / "messages.mo"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as handle:
            write_mo(handle, catalog)
    return target


def register_language(server: Flask) -> None:
    """Flask-Babel with the language selector, and the cookie that remembers a `?lang=` choice."""
    server.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogs())
    Babel(server, locale_selector=lambda: select_language())

    @server.after_request
    def _remember(response: Response) -> Response:
        if not request.path.startswith("/api/"):
            response.vary.add("Accept-Language")  # the browser's preference may choose the words
        asked = _valid(request.args.get("lang"))
        # Embeds and images carry `lang` in their address and may sit in shared caches: no cookie there.
        if asked and request.cookies.get(COOKIE) != asked and not UNREMEMBERED.search(request.path):
            response.set_cookie(COOKIE, asked, max_age=YEAR, samesite="Lax", httponly=True,
                                secure=bool(current_settings().cookie_secure))
        return response


class LocalizedDash(Dash):
    """Dash whose page document says which language it is in (`<html lang>`)."""

    def interpolate_index(self, **kwargs) -> str:
        return super().interpolate_index(**kwargs).replace('<html lang="en">', f'<html lang="{language()}">', 1)


# The language switcher keeps the page and its filters: it links to the address on screen with `lang` set.
clientside_callback(
    """function(href) {
        const here = new URL(href || window.location.href);
        return ["en", "es"].map(function(lang) {
            here.searchParams.set("lang", lang);
            return here.pathname + here.search;
        });
    }""",
    Output("shell-lang-en", "href"),
    Output("shell-lang-es", "href"),
    Input("_pages_location", "href"),
)
