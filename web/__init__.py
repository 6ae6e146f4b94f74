"""The HTTP side that is not a page: headers and errors, sign-in, language, chart images, embed caching,
downloads and the API; `install(app)` puts them all on the Dash app."""
from __future__ import annotations

import dash
from dash import Dash

from api import register_api
from data_access.queries import current_settings
from data_access.viewer import RESOLVER
from embeds import button as _embed_button  # noqa: F401  (registers the Embed callback)
from embeds.page import register as register_embed_page

from . import data_tables as _data_tables  # noqa: F401  (registers the drawing of "Show data" grids)
from . import downloads as _downloads  # noqa: F401  (registers the CSV-download callback)
from .auth import register_auth, resolve_viewer
from .language import register_language
from .png import register_png_route
from .response_cache import install_response_cache
from .server import install_server_hooks, secret_key
from .views import mark_rendered_views


def install(app: Dash) -> None:
    """Sign-in, language, headers and errors, /healthz and /geo, /png, the API and the embed page on `app`."""
    server = app.server
    server.secret_key = secret_key(current_settings())
    server.extensions[RESOLVER] = resolve_viewer  # the pages ask for the viewer through this
    register_language(server)
    register_auth(server)
    install_server_hooks(app)
    install_response_cache(app)  # after the guards and the same-origin check, which must run first
    register_png_route(server)
    register_api(server, resolve_viewer)
    register_embed_page()
    mark_rendered_views(dash.page_registry)
