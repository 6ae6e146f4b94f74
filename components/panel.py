"""The same furniture around every chart (DESIGN §6, §11): title, chart, summary, data, downloads, embed."""
from __future__ import annotations

from dataclasses import dataclass

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html


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


def grid(chart_id: str, frame: pd.DataFrame, labels: dict[str, str] | None = None,
         page_size: int = 25) -> dag.AgGrid:
    """A sortable, filterable data table of exactly the rows a chart shows."""
    labels = labels or {}
    columns = [{"field": c, "headerName": labels.get(c, c.replace("_", " ").capitalize())}
               for c in frame.columns]
    return dag.AgGrid(
        id={"type": "panel-grid", "chart": chart_id},
        rowData=frame.to_dict("records"),
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 110},
        dashGridOptions={"pagination": len(frame) > page_size, "paginationPageSize": page_size,
                         "domLayout": "autoHeight", "ensureDomOrder": True},
        columnSize="responsiveSizeToFit",
    )


def embed_controls(chart_id: str, embed: str | None = None, embed_params: dict | None = None,
                   png: str | None = None) -> list:
    """'Download PNG' link and 'Embed' button (its iframe code appears below it, filled by a callback)."""
    controls: list = []
    if png:
        controls.append(html.A("Download PNG", href=png, download=f"{chart_id}.png",
                               className="btn btn-outline-secondary btn-sm me-2",
                               id={"type": "panel-png", "chart": chart_id}))
    if embed:
        controls += [
            dbc.Button("Embed", id={"type": "panel-embed", "chart": embed}, color="secondary", outline=True,
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
) -> html.Section:
    """A chart with its title, plain-words summary, "show data" table and CSV download of that table.

    `embed` (an embeddable chart id) adds an "Embed" button for the view `embed_params`; `png` (the address
    of the chart's image) adds a "Download PNG" link.
    """
    graph = None
    if figure is not None:
        graph = html.Figure(
            dcc.Graph(id={"type": "panel-graph", "chart": chart_id}, figure=figure,
                      config={"displaylogo": False, "responsive": True}),
            className="mb-1",
            **{"aria-labelledby": f"{chart_id}-title", "aria-describedby": f"{chart_id}-summary"})
    return html.Section([
        html.H2(title, className="h4", id=f"{chart_id}-title"),
        graph,
        html.P(summary, className="chart-summary", id=f"{chart_id}-summary"),
        *(extra or []),
        html.Details([
            html.Summary("Show data", className="btn btn-link px-0"),
            grid(chart_id, table, labels),
        ], className="mb-2"),
        dbc.Button("Download CSV", id={"type": "panel-csv", "chart": chart_id}, color="secondary",
                   outline=True, size="sm", className="me-2"),
        dcc.Download(id={"type": "panel-download", "chart": chart_id}),
        *embed_controls(chart_id, embed, embed_params, png),
        html.P(source, className="small text-body-secondary mt-2") if source else None,
    ], className="mb-4 chart-panel", **{"aria-labelledby": f"{chart_id}-title"})


def parts_panel(parts: ChartParts, **options: object) -> html.Section:
    """chart_panel of a ChartParts, with the embed and image options given."""
    return chart_panel(parts.chart_id, parts.title, parts.summary, parts.table, parts.figure, parts.labels,
                       parts.source, parts.extra, **options)
