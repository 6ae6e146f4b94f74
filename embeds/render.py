"""One embeddable chart from its URL parameters, for the public: the embed page, its code and its image.

Every chart is rebuilt on the server from allow-listed parameters, with the anonymous viewer and a published
(or retired) release only, by the builder its page area registered (`embeds.registry`), from the same memoized
queries and pure transforms as its page. Anything not on the lists makes the chart "not available" (None),
never an error.
"""
from __future__ import annotations

from dataclasses import dataclass

import dash

from components.panel import ChartParts
from data_access import queries
from data_access.releases import ReleaseInfo
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS

from .registry import IMAGE_WIDTH, chart
from .signing import Unavailable


@dataclass(frozen=True)
class Rendered:
    """A chart ready to show: its parts, release, full parameters (release pinned) and its page's address."""

    parts: ChartParts
    info: ReleaseInfo
    params: dict[str, str]
    page: str
    image_size: tuple[int, int] = (IMAGE_WIDTH, 600)


def _height(figure) -> int:
    height = figure.get("layout", {}).get("height") if isinstance(figure, dict) else figure.layout.height
    return int(height or 600)


def render(settings: Settings, chart_id: str, params: dict[str, str], image: bool = False) -> Rendered | None:
    """The chart for the public with these (already allow-listed by name) parameters, or None if unavailable.

    `image` builds the figure for a static image: geometry inline, the overview cards as small multiples.
    Raises DataUnavailable when the database does not answer.
    """
    requested = params.get("release")
    info = queries.resolve_release(settings, ANONYMOUS, requested)
    known = chart(chart_id)
    if info is None or (requested and info.release_id != requested) or known is None:
        return None
    try:
        parts, chosen, page = known.build(settings, info.release_id, params, image)
    except (Unavailable, IndexError):
        return None
    full = {"release": info.release_id, **{k: str(v) for k, v in chosen.items() if v not in (None, "")}}
    width = known.image_width
    size = (width, _height(parts.figure)) if parts.figure is not None else (width, 600)
    return Rendered(parts, info, full, dash.get_relative_path(page), size)
