"""One callback serves every chart panel's CSV download: the rows its data table holds, formula-safe."""
from __future__ import annotations

import re

from dash import MATCH, Input, Output, State, callback, dcc, no_update

from data_access.csv_export import csv_text

MAX_ROWS = 200_000


@callback(
    Output({"type": "panel-download", "chart": MATCH}, "data"),
    Input({"type": "panel-csv", "chart": MATCH}, "n_clicks"),
    State({"type": "panel-table", "chart": MATCH}, "data"),
    State({"type": "panel-table", "chart": MATCH}, "id"),
    prevent_initial_call=True,
)
def send_table(n_clicks, table, table_id):
    """The panel's table (`components.panel.table_data`, drawn as a grid or not) as CSV."""
    table = table if isinstance(table, dict) else {}
    return download_csv(n_clicks, table.get("rowData"), table.get("columnDefs"), table_id)


def download_csv(n_clicks, rows, column_defs, table_id):
    """Send exactly the rows and column headers of the chart's data table (the browser already holds them; nothing
    more): headers as the table shows them, in the viewer's language."""
    if not n_clicks or not isinstance(rows, list) or not isinstance(column_defs, list) or len(rows) > MAX_ROWS:
        return no_update
    defs = [c for c in column_defs if isinstance(c, dict) and isinstance(c.get("field"), str)]
    columns = [c["field"] for c in defs]
    # The headers the table shows, in the viewer's language (the grid built them), not the field ids.
    headers = [c["headerName"] if isinstance(c.get("headerName"), str) and c["headerName"].strip() else c["field"]
               for c in defs]
    rows = [r for r in rows if isinstance(r, dict)]
    chart = table_id.get("chart", "chart") if isinstance(table_id, dict) else "chart"
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", str(chart))[:60] or "chart"
    return dcc.send_string(csv_text(columns, rows, headers), f"{name}.csv", type="text/csv")
