"""Which view each render shows: the router skips re-rendering the view on screen (see `skip_if_shown`)."""
from __future__ import annotations

from dash import Input, Output, clientside_callback, dcc

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
