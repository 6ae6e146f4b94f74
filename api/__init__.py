"""The read-only data API (DESIGN §7): release tables as JSON or CSV under /api/v1/, with an OpenAPI document."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from data_access.viewer import Viewer

from .routes import VIEWER_KEY, create_blueprint


def register_api(server: Flask, viewer: Callable[[], Viewer]) -> None:
    """Mount /api/v1/ on the Flask server; `viewer()` names the viewer of the current request."""
    server.extensions[VIEWER_KEY] = viewer
    server.register_blueprint(create_blueprint())
