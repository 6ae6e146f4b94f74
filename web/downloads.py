"""One callback serves every chart panel's CSV download: the rows its data table holds, formula-safe."""
from __future__ import annotations

import re

from dash import MATCH, Input, Output, State, callback, dcc, no_update

from data_access.csv_export import csv_text

MAX_ROWS = 200_000


@callback(
    Output({"type": "panel-download", "chart": MATCH}, "data"),
    Input({"type": "panel-csv", "chart": MATCH}, "n_clicks"),
    State({"type": "panel-grid", "chart": MATCH}, "rowData"),
    State({"type": "panel-grid", "chart": MATCH}, "columnDefs"),
    State({"type": "panel-grid", "chart": MATCH}, "id"),
    prevent_initial_call=True,
)
def download_csv(n_clicks, rows, column_defs, grid_id):
    """Send exactly the rows of the chart's data table (the browser already holds them; nothing more)."""
    if not n_clicks or not isinstance(rows, list) or not isinstance(column_defs, list) or len(rows) > MAX_ROWS:
        return no_update
    columns = [c.get("field") for c in column_defs if isinstance(c, dict) and isinstance(c.get("field"), str)]
    rows = [r for r in rows if isinstance(r, dict)]
    chart = grid_id.get("chart", "chart") if isinstance(grid_id, dict) else "chart"
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", str(chart))[:60] or "chart"
    return dcc.send_string(csv_text(columns, rows), f"{name}.csv", type="text/csv")
