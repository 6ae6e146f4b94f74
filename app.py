"""Assemble the Dash app: pages from `dashboards/`, the shell, sign-in and the server hooks."""
from __future__ import annotations

import dash
from dash import State, dcc
from flask import Flask

from api import register_api
from components.shell import shell
from dashboards._shared import mark_rendered_views
from data_access.queries import current_settings
from embeds.page import register as register_embed_page
from web.auth import register_auth, resolve_viewer
from web.language import LocalizedDash, register_language
from web.png import register_png_route
from web.server import COMPRESSED_TYPES, callback_failed, install_server_hooks, secret_key, signed_in

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def create_app() -> LocalizedDash:
    """The app with its pages, shell, sign-in, headers and health check."""
    server = Flask(__name__)
    server.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES  # flask-compress reads this when Dash creates it
    app = LocalizedDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="dashboards",
        title="CT Equity Benchmarks",
        compress=True,
        suppress_callback_exceptions=True,
        routing_callback_inputs={"view": State("shell-view", "data")},
        on_error=callback_failed,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX
    app.server.secret_key = secret_key(current_settings())
    register_language(app.server)
    register_auth(app.server)
    install_server_hooks(app)
    register_png_route(app.server)
    register_api(app.server, resolve_viewer)
    register_embed_page()
    mark_rendered_views(dash.page_registry)
    links = tuple((page["name"], page["relative_path"]) for page in dash.page_registry.values()
                  if page.get("nav", True) is not False)
    app.layout = lambda: shell([dcc.Store(id="shell-view"), dash.page_container], links, signed_in())
    return app


app = create_app()
server = app.server
