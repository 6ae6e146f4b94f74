"""Assemble the Dash app: pages from `dashboards/`, the shell, the HTTP side from `web.install` and the feed
and briefing packs from `briefing.install`."""
from __future__ import annotations

import dash
from dash import State, dcc
from flask import Flask

import briefing
import web
from components.shell import shell
from web.server import COMPRESSED_TYPES, callback_failed, signed_in
from web.site import SiteDash

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}
<link rel="alternate" type="application/atom+xml" title="CT Equity Benchmarks: benchmark status changes"
 href="/feed.atom"></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def create_app() -> SiteDash:
    """The app with its pages, shell, sign-in, headers and health check."""
    server = Flask(__name__)
    server.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES  # flask-compress reads this when Dash creates it
    app = SiteDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="dashboards",
        title="CT Equity Benchmarks",
        compress=True,
        # assets/plotly-partial.min.js (scripts/build_plotly_bundle.sh) is the page's window.Plotly, so dcc.Graph
        # never fetches Dash's full plotly.js.
        suppress_callback_exceptions=True,
        routing_callback_inputs={"view": State("shell-view", "data")},
        on_error=callback_failed,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX
    web.install(app)
    briefing.install(app)
    links = tuple((page["name"], page["relative_path"]) for page in dash.page_registry.values()
                  if page.get("nav", True) is not False)
    app.layout = lambda: shell([dcc.Store(id="shell-view"), dash.page_container], links, signed_in())
    return app


app = create_app()
server = app.server
