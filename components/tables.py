"""Plain, accessible data tables: a caption, column headers with scope, cells of text or links."""
from __future__ import annotations

import copy
import math
import numbers
import re
from collections.abc import Sequence
from html import escape
from typing import NamedTuple

import numpy as np
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from .i18n import _

PLAIN_ROWS = 50  # rows a plain "Show data" table shows (an embed's); its CSV download holds them all


class TableLink(NamedTuple):
    """A cell that links to a page of the app (rendered as a dcc.Link: no page reload)."""

    text: str
    href: str


def data_table(headers: Sequence[str], rows: Sequence[Sequence], caption: str | None = None,
               numeric: Sequence[int] = (), id_: str | None = None, row_classes: Sequence[str] | None = None,
               ) -> html.Table:
    """A small Bootstrap-styled table of components; `numeric` columns are right-aligned and never wrap."""
    right = set(numeric)
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="text-end" if i in right else None)
                               for i, h in enumerate(headers)]))
    numeric_class = "text-end text-nowrap"
    body = []
    for r, row in enumerate(rows):
        cells = [html.Td(cell, className=numeric_class if i in right else None) for i, cell in enumerate(row)]
        body.append(html.Tr(cells, className=row_classes[r] if row_classes and row_classes[r] else None))
    parts = ([html.Caption(caption)] if caption else []) + [head, html.Tbody(body)]
    extra = {"id": id_} if id_ else {}
    return html.Table(parts, className="table table-sm table-striped align-middle mb-0", **extra)


def _cell(value: object) -> str:
    if isinstance(value, TableLink):
        return f'<dccLink href="{escape(value.href)}">{escape(value.text)}</dccLink>'
    return escape("" if value is None else str(value))


def long_table_html(headers: Sequence[str], rows: Sequence[Sequence], caption: str | None = None,
                    numeric: Sequence[int] = (), id_: str | None = None) -> str:
    """The same table as HTML text, every text and link escaped (for long tables, see `long_table`)."""
    right = set(numeric)
    th_end, td_end = ' class="text-end"', ' class="text-end text-nowrap"'
    th = "".join(f'<th scope="col"{th_end if i in right else ""}>{escape(h)}</th>'
                 for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{td_end if i in right else ''}>{_cell(c)}</td>" for i, c in enumerate(row))
        + "</tr>" for row in rows)
    table_id = f' id="{escape(id_)}"' if id_ else ""
    head = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<table{table_id} class="table table-sm table-striped align-middle mb-0">{head}'
            f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


def long_table(headers: Sequence[str], rows: Sequence[Sequence], caption: str | None = None,
               numeric: Sequence[int] = (), id_: str | None = None) -> dcc.Markdown:
    """A table of many rows as one component: a thousand html.Td components cost ~60 ms to build and
    serialise, one escaped HTML string almost nothing. Links stay client-side (dcc.Link via dccLink)."""
    return dcc.Markdown(long_table_html(headers, rows, caption, numeric, id_), dangerously_allow_html=True)


def markdown_link(text: str, href: str) -> str:
    """A markdown link whose text cannot break out of the brackets."""
    clean = "".join("\\" + ch if ch in "[]()*_`\\" else ch for ch in str(text))
    return f"[{clean}]({href.replace(' ', '%20').replace(')', '%29')})"


_MARKDOWN_LINK = re.compile(r"\[((?:\\.|[^\\\]])*)\]\((.*)\)", re.S)


def markdown_link_parts(value: object) -> tuple[str, str] | None:
    """The text and address of a `markdown_link`, or None when the value is not one."""
    found = _MARKDOWN_LINK.fullmatch(value) if isinstance(value, str) else None
    return (re.sub(r"\\(.)", r"\1", found[1], flags=re.S), found[2]) if found else None


def shown_text(value: object) -> str:
    """A cell as the data grid shows it (JavaScript's `String(value)`): 3.0 → '3', 1e-05 → '0.00001', missing → ''."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return ""  # sent to the browser as null
        if number == 0:
            return "0"
        if 1e-6 <= abs(number) < 1e21:
            return np.format_float_positional(number, unique=True, trim="-")
        return re.sub(r"e([+-])0*(\d)", r"e\1\2", repr(number))
    return str(value)


def frame_table(frame: pd.DataFrame, headers: Sequence[str], caption: str, limit: int = PLAIN_ROWS) -> html.Div:
    """The first `limit` rows of a frame as a plain table (cells as the data grid shows them; numbers right-aligned),
    with a note that the CSV download holds them all when there are more."""
    numeric = [i for i, column in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[column])
               and not pd.api.types.is_bool_dtype(frame[column])]
    rows = [[shown_text(v) for v in row] for row in frame.head(limit).itertuples(index=False)]
    note = None
    if len(frame) > limit:
        note = html.P(_("Showing the first %(shown)s of %(total)s rows; “Download CSV” holds all of them.",
                        shown=limit, total=len(frame)), className="small text-body-secondary mt-1 mb-0")
    elif frame.empty:
        note = html.P(_("No rows to show"), className="small text-body-secondary mt-1 mb-0")
    return html.Div([html.Div(data_table(headers, rows, caption, numeric), className="table-responsive"), note])


def grid_table(grid: Component) -> html.Div:
    """A data grid (its columnDefs and rowData) as a plain table: markdown links become links."""
    columns = [c for c in grid.columnDefs if isinstance(c, dict) and "field" in c]
    headers = [c.get("headerName") or c["field"] for c in columns]
    rows, numeric = [], set()
    for record in grid.rowData:
        cells = []
        for i, column in enumerate(columns):
            value = record.get(column["field"])
            link = markdown_link_parts(value) if column.get("cellRenderer") == "markdown" else None
            if isinstance(value, numbers.Real) and not isinstance(value, bool):
                numeric.add(i)
            cells.append(html.A(link[0], href=link[1], target="_blank", rel="noopener") if link else shown_text(value))
        rows.append(cells)
    return html.Div(data_table(headers, rows, numeric=sorted(numeric), id_=grid.id if isinstance(grid.id, str)
                               else None), className="table-responsive")


def without_grids(node: object) -> object:
    """A copy of a layout in which every data grid (any dash_ag_grid component) is a plain table instead, so that
    the page needs none of that library's scripts (the embeds)."""
    if isinstance(node, list | tuple):
        return [without_grids(child) for child in node]
    if not isinstance(node, Component):
        return node
    if getattr(node, "_namespace", None) == "dash_ag_grid":
        return grid_table(node)
    children = getattr(node, "children", None)
    if children is None:
        return node
    changed = copy.copy(node)
    changed.children = without_grids(children)
    return changed
