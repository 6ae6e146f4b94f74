"""Helpers shared by the pages: the viewer, settings, URL state and safe error handling."""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from dash import Input, Output, clientside_callback, dcc
from dash.exceptions import PreventUpdate
from flask import has_request_context

from components.i18n import N_
from data_access.queries import current_settings
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS, Viewer
from web.auth import resolve_viewer

DB_DOWN = N_("The data service is not answering right now. Please try again in a minute; "
             "nothing has been lost and the page will work again as soon as the service is back.")
NOT_AVAILABLE = N_("That selection is not available. Please choose from the lists on this page.")


def viewer() -> Viewer:
    """The viewer of the current request, resolved on the server (never from callback inputs)."""
    return resolve_viewer() if has_request_context() else ANONYMOUS


def settings() -> Settings:
    return current_settings()


def query_string(**params: object) -> str:
    """A query string of the non-empty parameters, in a stable order."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else ""


def view_state(path: str, **params: object) -> dict:
    """What the page now shows; the router skips re-rendering the same view (see app.py)."""
    return {"path": path, "query": {k: str(v) for k, v in params.items() if v not in (None, "")}}


# Whenever the router renders a page, record what it shows (path and query of the address bar), so that
# `skip_if_shown` never mistakes a stale record for the page on screen (e.g. after the back button).
clientside_callback(
    """function(_rendered) {
        const query = {};
        new URLSearchParams(window.location.search).forEach((v, k) => { if (v !== "") { query[k] = v; } });
        return {path: window.location.pathname, query: query};
    }""",
    Output("shell-view", "data", allow_duplicate=True),
    Input("page-rendered", "data"),
    prevent_initial_call="initial_duplicate",
)


def mark_rendered_views(registry: dict) -> None:
    """Wrap every page's layout so that each render carries a marker the callback above listens to."""
    for page in registry.values():
        layout = page["layout"]
        if callable(layout) and not getattr(layout, "marks_view", False):
            def marked(*args, _layout=layout, **kwargs):
                return [_layout(*args, **kwargs), dcc.Store(id="page-rendered", data=True)]

            marked.marks_view = True
            page["layout"] = marked


def skip_if_shown(view: dict | None, path: str, query: dict) -> None:
    """Raise PreventUpdate when the page already shows exactly this URL (a filter callback wrote it)."""
    if view and view.get("path") == path and view.get("query") == {k: str(v) for k, v in query.items() if v}:
        raise PreventUpdate


def pick(value: object, allowed: Iterable[str], default: str | None = None) -> str | None:
    """An allow-listed choice: the value if it is one of the allowed strings, else the default."""
    allowed = list(allowed)
    text = value if isinstance(value, str) else str(value) if isinstance(value, int) else None
    return text if text in allowed else default


from embeds import button as _embed_button  # noqa: E402,F401  (register the Embed callback)
from web import downloads as _downloads  # noqa: E402,F401  (register the CSV-download callback)
