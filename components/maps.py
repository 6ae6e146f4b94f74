"""Town choropleth (DESIGN §6, §8, §11): geometry by URL, sent once; filter changes patch only values.

Drawn by plotly's d3-geo traces (`choropleth`, `scattergeo`) in SVG: no tiles, no map library, no base
layers. Traces, in drawing order: 0 the town values (map classes), 1 towns without an estimate (grey),
2–3 a ring (black dot with a white centre) on towns whose estimate has low reliability — a mark that does
not rely on colour. Positions of the rings are set once in the layout; patches only change their sizes.

d3-geo reads polygons on the sphere, so an outer ring must run clockwise (RFC 7946 GeoJSON, as releases
store it, runs counter-clockwise: drawn as is, each town would fill the whole map but itself);
`clockwise_rings` turns a layer around for the map.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dash import Patch

from .figures import separators
from .i18n import _

# ColorBrewer YlGnBu (colour-blind safe), light to dark; class colours are picked evenly from it.
SEQUENTIAL = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
NO_ESTIMATE = "#d9d9d9"
LOW_MARK = "◉"
RING_OUTER, RING_INNER = 12, 5
MAP_HEIGHT = 560
DIMMED = 0.3  # opacity of towns outside the chosen planning region


@dataclass(frozen=True)
class MapValues:
    """What a filter change sends: per-town classes and hover lines, and the colour key."""

    z: list[int | None]  # map class per town
    customdata: list  # per town: [value, moe] (survey estimates) or value; numbers, formatted by the template
    text: list[str]  # per town: reliability word (empty list when the measure has no margins of error)
    low: list[bool]
    hovertemplate: str = "<b>%{hovertext}</b><br>%{customdata}<extra></extra>"
    missing: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=lambda: [SEQUENTIAL[-1]])
    ticktext: list[str] = field(default_factory=lambda: [""])
    title: str = ""
    highlighted: list[int] | None = None  # the towns of a chosen region (positions); the others are dimmed


@dataclass(frozen=True)
class MapView:
    """What the map frames (degrees; the panel's shape) and a revision that resets the user's pan when it changes."""

    west: float
    south: float
    east: float
    north: float
    revision: str = "all"


# d3-format of a value by unit, mirroring formatting.by_unit (hover labels are formatted in the browser;
# the figure's `separators` give the decimal and thousands marks of the viewer's language)
D3_FORMATS = {"percent": ":.1f", "minutes": ":.1f", "per_1000": ":.1f", "dollars": ":,.0f", "count": ":,.0f",
              "ratio": ":.2f"}


def _with_unit(unit: str, value: str) -> str:
    """A hover value placeholder written with its unit, the way formatting.by_unit writes the unit."""
    if unit == "percent":
        return f"{value} %"
    if unit == "minutes":
        return _("%(value)s min", value=value)
    if unit == "per_1000":
        return _("%(value)s per 1,000", value=value)
    if unit == "dollars":
        return _("$%(amount)s", amount=value)
    return value


def hover_template(unit: str, has_moe: bool) -> str:
    """Hover label: town name, value (± margin of error and reliability for survey estimates)."""
    fmt = D3_FORMATS.get(unit, ":,.1f")
    if not has_moe:
        no_moe = _("Not a survey estimate: no margin of error")
        return f"<b>%{{hovertext}}</b><br>{_with_unit(unit, f'%{{customdata{fmt}}}')}<br>{no_moe}<extra></extra>"
    moe_fmt = ":,.0f" if unit in ("dollars", "count") else fmt
    reliability = _("Reliability: %(reliability)s (± 90 %% margin of error)", reliability="%{text}")
    return (f"<b>%{{hovertext}}</b><br>{_with_unit(unit, f'%{{customdata[0]{fmt}}}')} ± %{{customdata[1]{moe_fmt}}}"
            f"<br>{reliability}<extra></extra>")


def class_colours(classes: int, darker_is_low: bool) -> list[str]:
    """`classes` colours from the sequential scale, class 0 first; darker = worse whatever the direction."""
    if classes <= 1:
        return [SEQUENTIAL[len(SEQUENTIAL) // 2]]
    step = (len(SEQUENTIAL) - 1) / (classes - 1)
    picked = [SEQUENTIAL[round(i * step)] for i in range(classes)]
    return picked[::-1] if darker_is_low else picked


def discrete_scale(colours: list[str]) -> list[list]:
    """A stepped plotly colour scale: class i (z = i) gets colours[i] exactly."""
    n = len(colours)
    scale: list[list] = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def _colour_key(values: MapValues) -> dict:
    n = len(values.colours)
    return {
        "colorscale": discrete_scale(values.colours), "zmin": -0.5, "zmax": n - 0.5,
        "colorbar": {"tickvals": list(range(n)), "ticktext": values.ticktext,
                     "title": {"text": values.title, "side": "top"}},
    }


def _ring_sizes(low: list[bool], size: int) -> list[int]:
    return [size if flag else 0 for flag in low]


def geo_view(view: MapView) -> dict:
    """The map's frame: Mercator (true shapes at this scale) over the view's box, no base layers at all.

    Without base layers plotly draws no world outline, but it still asks for the world's topojson
    (assets/plotly-geo-offline.js stands in for it, so nothing is fetched).
    """
    return {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "white",
            "lonaxis": {"range": [view.west, view.east]}, "lataxis": {"range": [view.south, view.north]}}


def clockwise_rings(collection: dict) -> dict:
    """A GeoJSON FeatureCollection with outer rings clockwise and holes counter-clockwise (for d3-geo)."""
    def ring(points: list, clockwise: bool) -> list:
        twice_area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:]))
        return points[::-1] if (twice_area > 0) == clockwise else points  # > 0: counter-clockwise

    def polygon(rings: list) -> list:
        return [ring(r, clockwise=i == 0) for i, r in enumerate(rings)]

    def geometry(geom: dict | None) -> dict | None:
        if not geom or geom.get("type") not in ("Polygon", "MultiPolygon"):
            return geom
        coords = geom["coordinates"]
        return {**geom, "coordinates": polygon(coords) if geom["type"] == "Polygon" else [polygon(p) for p in coords]}

    return {**collection, "features": [{**f, "geometry": geometry(f.get("geometry"))}
                                       for f in collection.get("features", [])]}


def town_map(geojson: str | dict, geoids: list[str], names: list[str], label_lon: list[float],
             label_lat: list[float], values: MapValues, view: MapView) -> dict:
    """The whole map figure (first render only): boundaries by URL (or inline, for an image), values, rings.

    A plain figure dict: plotly's graph objects would validate every one of the ~1,500 values (~30 ms).
    """
    key = _colour_key(values)
    line = {"color": "#4d4d4d", "width": 0.4}
    values_trace = {
        "type": "choropleth", "geojson": geojson, "featureidkey": "id", "locations": geoids,
        "z": values.z, "hovertext": names, "customdata": values.customdata, "text": values.text,
        "hovertemplate": values.hovertemplate, "name": _("Town value"), "showlegend": False,
        "colorscale": key["colorscale"], "zmin": key["zmin"], "zmax": key["zmax"],
        "marker": {"line": line}, "selectedpoints": values.highlighted, "unselected": {"marker": {"opacity": DIMMED}},
        "colorbar": {**key["colorbar"], "orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.02,
                     "yanchor": "top", "thickness": 14, "len": 0.98},
    }
    missing_trace = {
        "type": "choropleth", "geojson": geojson, "featureidkey": "id", "locations": values.missing,
        "z": [0] * len(values.missing), "hovertext": values.missing_names, "showscale": False,
        "colorscale": [[0, NO_ESTIMATE], [1, NO_ESTIMATE]], "name": _("No estimate"), "showlegend": False,
        "hovertemplate": "<b>%{hovertext}</b><br>" + _("No estimate") + "<extra></extra>", "marker": {"line": line},
    }
    rings = [
        {"type": "scattergeo", "lon": label_lon, "lat": label_lat, "mode": "markers", "hoverinfo": "skip",
         "name": LOW_MARK + " " + _("Low-reliability estimate"), "showlegend": any(values.low),
         "marker": {"size": _ring_sizes(values.low, RING_OUTER), "color": "#000000"}},
        {"type": "scattergeo", "lon": label_lon, "lat": label_lat, "mode": "markers", "hoverinfo": "skip",
         "name": _("ring centre"), "showlegend": False,
         "marker": {"size": _ring_sizes(values.low, RING_INNER), "color": "#ffffff"}},
    ]
    layout = {
        "geo": geo_view(view),
        "uirevision": view.revision, "height": MAP_HEIGHT, "margin": {"l": 0, "r": 0, "t": 0, "b": 70},
        "legend": {"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)", "itemsizing": "constant"},
        "paper_bgcolor": "white", "separators": separators(),
    }
    return {"data": [values_trace, missing_trace, *rings], "layout": layout}


def town_map_patch(values: MapValues, view: MapView) -> Patch:
    """Only what changes with a filter: classes, hover lines, colour key, rings and the view (no geometry)."""
    patch = Patch()
    key = _colour_key(values)
    patch["data"][0]["z"] = values.z
    patch["data"][0]["customdata"] = values.customdata
    patch["data"][0]["text"] = values.text
    patch["data"][0]["hovertemplate"] = values.hovertemplate
    patch["data"][0]["colorscale"] = key["colorscale"]
    patch["data"][0]["zmax"] = key["zmax"]
    patch["data"][0]["selectedpoints"] = values.highlighted
    patch["data"][0]["colorbar"]["tickvals"] = key["colorbar"]["tickvals"]
    patch["data"][0]["colorbar"]["ticktext"] = key["colorbar"]["ticktext"]
    patch["data"][0]["colorbar"]["title"]["text"] = values.title
    patch["data"][1]["locations"] = values.missing
    patch["data"][1]["z"] = [0] * len(values.missing)
    patch["data"][1]["hovertext"] = values.missing_names
    patch["data"][2]["marker"]["size"] = _ring_sizes(values.low, RING_OUTER)
    patch["data"][2]["showlegend"] = any(values.low)
    patch["data"][3]["marker"]["size"] = _ring_sizes(values.low, RING_INNER)
    patch["layout"]["geo"]["lonaxis"]["range"] = [view.west, view.east]
    patch["layout"]["geo"]["lataxis"]["range"] = [view.south, view.north]
    patch["layout"]["uirevision"] = view.revision
    patch["layout"]["separators"] = separators()
    return patch
