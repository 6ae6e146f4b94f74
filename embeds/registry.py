"""The chart registry (DESIGN §7): each page area registers its embeddable charts; the renderer looks them up.

`register_chart(id, params, build)` is called by `dashboards/<area>/embeds.py` when its page is imported; the
embed page, the Embed button and the PNG route find a chart by id at call time, as datasette's plugins are
found. A builder is `(settings, release_id, params, image) -> (ChartParts, chosen parameters, page address)`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from components.panel import ChartParts
from data_access.settings import Settings

Built = tuple[ChartParts, dict, str]
Builder = Callable[[Settings, str, dict, bool], Built]
IMAGE_WIDTH = 1000
MAX_VALUE = 64  # no parameter value of any chart is longer


@dataclass(frozen=True)
class Chart:
    """An embeddable chart: its id, the parameters it takes (all optional), its builder and image width."""

    chart_id: str
    params: tuple[str, ...]
    build: Builder
    image_width: int = IMAGE_WIDTH


CHARTS: dict[str, Chart] = {}
CHART_PARAMS: dict[str, tuple[str, ...]] = {}  # chart id → the parameters it takes


def register_chart(chart_id: str, params: Iterable[str], build: Builder, image_width: int = IMAGE_WIDTH) -> None:
    """Make a chart embeddable under `/embed/<chart_id>` and `/png/<chart_id>` (registering again replaces it)."""
    chart = Chart(chart_id, tuple(params), build, image_width)
    CHARTS[chart_id] = chart
    CHART_PARAMS[chart_id] = chart.params


def chart(chart_id: object) -> Chart | None:
    """The registered chart of an id, or None."""
    return CHARTS.get(chart_id) if isinstance(chart_id, str) else None


def chart_params(chart_id: object, params: Mapping[str, object]) -> dict[str, str] | None:
    """The chart's own parameters as plain text, or None for an unknown chart or a malformed value.

    Other parameters are ignored (a signature still covers them). A repeated parameter, a value that is
    not text or an overlong one makes the address malformed.
    """
    known = chart(chart_id)
    if known is None:
        return None
    out = {}
    for key in known.params:
        value = params.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            return None
        out[key] = value.strip()
    return out


def own_params(chart_id: str, params: Mapping[str, object]) -> dict:
    """The chart's own parameters out of a page's query (the release is pinned by the renderer)."""
    return {k: params.get(k) for k in CHART_PARAMS[chart_id] if k != "release"}
