"""The same furniture around every chart (DESIGN §6, §11): title, chart, summary, data table, download."""
from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

def grid(chart_id: str, frame: pd.DataFrame, labels: dict[str, str] | None = None, page_size: int = 25) -> dag.AgGrid:
    """A sortable, filterable data table of exactly the rows a chart shows."""
    labels = labels or {}
    columns = [{"field": c, "headerName": labels.get(c, c.replace("_", " ").capitalize())} for c in frame.columns]
    return dag.AgGrid(
        id={"type": "panel-grid", "chart": chart_id},
        rowData=frame.to_dict("records"),
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 110},
        dashGridOptions={"pagination": len(frame) > page_size, "paginationPageSize": page_size,
                         "domLayout": "autoHeight", "ensureDomOrder": True},
        columnSize="responsiveSizeToFit",
    )


def chart_panel(
    chart_id: str,
    title: str,
    summary: str,
    table: pd.DataFrame,
    figure: go.Figure | None = None,
    labels: dict[str, str] | None = None,
    source: str = "",
    extra: list | None = None,
) -> html.Section:
    """A chart with its title, plain-words summary, "show data" table and CSV download of that table."""
    graph = None
    if figure is not None:
        graph = html.Figure(
            dcc.Graph(id={"type": "panel-graph", "chart": chart_id}, figure=figure,
                      config={"displaylogo": False, "responsive": True}),
            className="mb-1", **{"aria-labelledby": f"{chart_id}-title", "aria-describedby": f"{chart_id}-summary"})
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
        html.P(source, className="small text-body-secondary mt-2") if source else None,
    ], className="mb-4 chart-panel", **{"aria-labelledby": f"{chart_id}-title"})
