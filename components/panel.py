"""The same furniture around every chart (DESIGN §6, §11): title, chart, summary, data, downloads, embed."""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from .figures import localize
from .i18n import N_, _
from .tables import frame_table, without_grids


@dataclass(frozen=True)
class ChartParts:
    """Everything a chart panel shows, built once and used by the page, its embed and its PNG image."""

    chart_id: str
    title: str
    summary: str
    table: pd.DataFrame
    figure: go.Figure | dict | None = None
    labels: dict[str, str] | None = None
    source: str = ""
    extra: list | None = None


# AG Grid's own words (pagination, filter menus), shown in the viewer's language (AG Grid `localeText` keys).
GRID_TEXT = {
    "page": N_("Page"), "of": N_("of"), "to": N_("to"), "more": N_("more"),
    "firstPage": N_("First page"), "previousPage": N_("Previous page"), "nextPage": N_("Next page"),
    "lastPage": N_("Last page"), "pageSizeSelectorLabel": N_("Page size:"),
    "ariaPageSizeSelectorLabel": N_("Page size"), "pageLastRowUnknown": N_("?"),
    "loadingOoo": N_("Loading..."), "noRowsToShow": N_("No rows to show"), "filterOoo": N_("Filter..."),
    "equals": N_("Equals"), "notEqual": N_("Does not equal"), "lessThan": N_("Less than"),
    "greaterThan": N_("Greater than"), "lessThanOrEqual": N_("Less than or equal to"),
    "greaterThanOrEqual": N_("Greater than or equal to"), "inRange": N_("Between"), "inRangeStart": N_("From"),
    "inRangeEnd": N_("To"), "contains": N_("Contains"), "notContains": N_("Does not contain"),
    "startsWith": N_("Begins with"), "endsWith": N_("Ends with"), "blank": N_("Blank"),
    "notBlank": N_("Not blank"), "andCondition": N_("AND"), "orCondition": N_("OR"),
    "applyFilter": N_("Apply"), "resetFilter": N_("Reset"), "clearFilter": N_("Clear"),
    "cancelFilter": N_("Cancel"),
}


def grid_text() -> dict[str, str]:
    """AG Grid's `localeText` in the viewer's language."""
    return {key: _(text) for key, text in GRID_TEXT.items()}


def column_header(column: str, labels: dict[str, str] | None = None) -> str:
    """A column's header in the viewer's language (labels are English message ids; else the column's name)."""
    labels = labels or {}
    label = labels[column] if column in labels else column.replace("_", " ").capitalize()
    return _(label) if label else label


def table_data(frame: pd.DataFrame, labels: dict[str, str] | None = None, grid: bool = True,
               page_size: int = 25) -> dict:
    """A chart's data table as the page holds it (AG Grid's `rowData` and `columnDefs`; with `grid`, the rest of
    the grid's properties too): the "Show data" grid is drawn from it and the CSV download sends it."""
    data = {"rowData": frame.to_dict("records"),
            "columnDefs": [{"field": c, "headerName": column_header(c, labels)} for c in frame.columns]}
    if grid:
        data.update(
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 110},
            dashGridOptions={"pagination": len(frame) > page_size, "paginationPageSize": page_size,
                             "domLayout": "autoHeight", "ensureDomOrder": True, "localeText": grid_text()},
            columnSize="responsiveSizeToFit")
    return data


def show_data(chart_id: str, title: str, table: pd.DataFrame, labels: dict[str, str] | None, plain: bool) -> list:
    """The "Show data" disclosure and the table data behind it and the download.

    On the site's pages the grid is drawn only when a reader first opens it (`web/data_tables.py`), so AG Grid's
    code is fetched only then; `plain` (the embeds) shows a plain HTML table instead, with no AG Grid at all.
    """
    summary = _("Show data")
    if plain:
        headers = [column_header(c, labels) for c in table.columns]
        details = html.Details([html.Summary(summary, className="btn btn-link px-0"),
                                frame_table(table, headers, title)], className="mb-2")
    else:
        details = html.Details([
            html.Summary(summary, className="btn btn-link px-0", id={"type": "panel-show", "chart": chart_id}),
            html.Div(id={"type": "panel-grid-slot", "chart": chart_id}),
        ], className="mb-2", **{"data-chart": chart_id})
    return [details, dcc.Store(id={"type": "panel-table", "chart": chart_id},
                               data=table_data(table, labels, grid=not plain))]


def embed_controls(chart_id: str, embed: str | None = None, embed_params: dict | None = None,
                   png: str | None = None) -> list:
    """'Download PNG' link and 'Embed' button (its iframe code appears below it, filled by a callback)."""
    controls: list = []
    if png:
        controls.append(html.A(_("Download PNG"), href=png, download=f"{chart_id}.png",
                               className="btn btn-outline-secondary btn-sm me-2",
                               id={"type": "panel-png", "chart": chart_id}))
    if embed:
        controls += [
            dbc.Button(_("Embed"), id={"type": "panel-embed", "chart": embed}, color="secondary", outline=True,
                       size="sm", className="me-2", n_clicks=0),
            dcc.Store(id={"type": "panel-embed-params", "chart": embed}, data=embed_params),
            html.Div(id={"type": "panel-embed-code", "chart": embed}, className="mt-2 w-100",
                     **{"aria-live": "polite"}),
        ]
    return controls


def chart_panel(
    chart_id: str,
    title: str,
    summary: str,
    table: pd.DataFrame,
    figure: go.Figure | None = None,
    labels: dict[str, str] | None = None,
    source: str = "",
    extra: list | None = None,
    embed: str | None = None,
    embed_params: dict | None = None,
    png: str | None = None,
    plain: bool = False,
) -> html.Section:
    """A chart with its title, plain-words summary, "show data" table and CSV download of that table.

    `embed` (an embeddable chart id) adds an "Embed" button for the view `embed_params`; `png` (the address
    of the chart's image) adds a "Download PNG" link when there is a figure to draw. `plain` (the embeds) draws
    every table as plain HTML, so that the page needs no AG Grid.
    """
    graph = None
    if figure is not None:
        graph = html.Figure(
            dcc.Graph(id={"type": "panel-graph", "chart": chart_id}, figure=localize(figure),
                      config={"displaylogo": False, "responsive": True}),
            className="mb-1",
            **{"aria-labelledby": f"{chart_id}-title", "aria-describedby": f"{chart_id}-summary"})
    return html.Section([
        html.H2(title, className="h4", id=f"{chart_id}-title"),
        graph,
        html.P(summary, className="chart-summary", id=f"{chart_id}-summary"),
        *((without_grids(extra) if plain else extra) or []),
        *show_data(chart_id, title, table, labels, plain),
        dbc.Button(_("Download CSV"), id={"type": "panel-csv", "chart": chart_id}, color="secondary",
                   outline=True, size="sm", className="me-2"),
        dcc.Download(id={"type": "panel-download", "chart": chart_id}),
        *embed_controls(chart_id, embed, embed_params, png if figure is not None else None),
        html.P(source, className="small text-body-secondary mt-2") if source else None,
    ], className="mb-4 chart-panel", **{"aria-labelledby": f"{chart_id}-title"})


def parts_panel(parts: ChartParts, **options: object) -> html.Section:
    """chart_panel of a ChartParts, with the embed and image options given."""
    return chart_panel(parts.chart_id, parts.title, parts.summary, parts.table, parts.figure, parts.labels,
                       parts.source, parts.extra, **options)
