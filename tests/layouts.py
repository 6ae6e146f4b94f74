"""Reading Dash layout trees in tests: every component, the visible strings, a component by id."""
from __future__ import annotations


def walk(component):
    """Every component in a layout tree (or a list of trees, as callbacks return them)."""
    if isinstance(component, (list, tuple)):
        for child in component:
            yield from walk(child)
        return
    if component is None or isinstance(component, (str, int, float)):
        return
    yield component
    if hasattr(component, "_traverse"):
        yield from component._traverse()


def texts(component) -> str:
    """The strings a layout shows, joined by spaces."""
    out = []
    for node in walk(component):
        children = getattr(node, "children", None)
        if isinstance(children, str):
            out.append(children)
        elif isinstance(children, (list, tuple)):
            out.extend(c for c in children if isinstance(c, str))
    return " ".join(out)


def by_id(component, id_):
    """The component with this id, or None."""
    return next((n for n in walk(component) if getattr(n, "id", None) == id_), None)


def panel_table(component, chart: str | None = None) -> dict:
    """The data table a chart panel holds (its `rowData` and `columnDefs`): what its "Show data" grid draws and
    its CSV download sends. The first panel's, or the panel of the chart id given."""
    return next(n.data for n in walk(component) if type(n).__name__ == "Store" and isinstance(n.id, dict)
                and n.id.get("type") == "panel-table" and (chart is None or n.id.get("chart") == chart))
