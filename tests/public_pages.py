"""Calling the public pages without a browser: a page module, its components by id, notices, default inputs."""
from __future__ import annotations


def page(name: str):
    """A page module (pages register themselves, so the app is created first)."""
    import importlib

    import app  # noqa: F401

    return importlib.import_module(PAGE_MODULES.get(name, name))


PAGE_MODULES = {  # the pages' short names in tests → their modules
    "overview": "dashboards.overview.page", "workforce": "dashboards.workforce.page",
    "agencies": "dashboards.agencies.page", "agency": "dashboards.agencies.scorecard",
    "access": "dashboards.access.page", "towns": "dashboards.access.towns",
    "disparities": "dashboards.disparities.page", "contracting": "dashboards.contracting.page",
    "equity_plans": "dashboards.plans.page", "methodology": "dashboards.methodology.page",
    "casework": "dashboards.casework.page",
    "embed": "embeds.page", "_embed_button": "embeds.button",
}


HOSTILE = [None, 0, 3.5, ["x"], {"a": 1}, "", "x" * 100_000, "'; DROP TABLE releases; --", "../../etc/passwd",
           "<script>alert(1)</script>"]


def component_ids(tree) -> dict:
    """Every component with an id in a layout, by id."""
    from dash.development.base_component import Component

    found, stack = {}, [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, Component):
            if getattr(node, "id", None) is not None:
                found[str(node.id)] = node
            stack.append(getattr(node, "children", None))
    return found


def is_notice(content, text: str) -> bool:
    import dash_bootstrap_components as dbc

    return isinstance(content, dbc.Alert) and content.children == text


def default_args(name: str, prefix: str, fields: list[str]) -> list:
    values = component_ids(page(name).layout())
    return [values[f"{prefix}-{f}"].value for f in fields]


PAGES = {  # page → (id prefix, callback inputs in order, inputs where None / "" mean "all")
    "disparities": ("disparities", ["release", "measure", "year", "level", "area", "group"], set()),
    "contracting": ("contracting", ["release", "year", "peer", "agency"], {"peer", "agency"}),
    "equity_plans": ("plans", ["release", "year", "status", "peer", "search"], {"status", "peer", "search"}),
}
