"""Publications built from the pages' own parts: the status feed (`/feed.atom`) and briefing packs
(`/briefing/<scope>`); `install(app)` adds their routes to the app's server."""
from __future__ import annotations

from dash import Dash

from .feed_route import register_feed_route
from .pack_route import register_briefing_route


def install(app: Dash) -> None:
    """The status feed and the briefing packs on `app`."""
    register_feed_route(app.server)
    register_briefing_route(app.server)
