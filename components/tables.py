"""Plain, accessible data tables: a caption, column headers with scope, cells of text or links."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import NamedTuple

from dash import dcc, html


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
