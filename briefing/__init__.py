"""Publications built from the pages' own parts: the status feed (`/feed.atom`) and briefing packs
(`/briefing/<scope>`); `install(app)` adds their routes to the app's server."""
from __future__ import annotations

from dash import Dash

from .routes import register_feed_route


def install(app: Dash) -> None:
    """The status feed on `app`."""
    register_feed_route(app.server)
