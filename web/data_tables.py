"""A chart's "Show data" grid is drawn in the browser when a reader first opens it (DESIGN §8: AG Grid's code is
fetched only where a grid is drawn). The table's data is already on the page (`components.panel.show_data`); no
request to the server is made."""
from __future__ import annotations

from dash import MATCH, Input, Output, State, clientside_callback

# Draw the grid on the first click of "Show data", or at once when a panel replaced by a filter arrives inside a
# disclosure the reader left open; once drawn, it stays (with its sorting and filters) until the panel changes.
clientside_callback(
    """function(clicks, table, drawn, id) {
        const skip = window.dash_clientside.no_update;
        if (!table || (drawn && (!Array.isArray(drawn) || drawn.length))) { return skip; }
        if (!clicks) {
            const details = document.querySelector('details[data-chart="' + CSS.escape(id.chart) + '"]');
            if (!details || !details.open) { return skip; }
        }
        return {namespace: "dash_ag_grid", type: "AgGrid",
                props: Object.assign({}, table, {id: {type: "panel-grid", chart: id.chart}})};
    }""",
    Output({"type": "panel-grid-slot", "chart": MATCH}, "children"),
    Input({"type": "panel-show", "chart": MATCH}, "n_clicks"),
    State({"type": "panel-table", "chart": MATCH}, "data"),
    State({"type": "panel-grid-slot", "chart": MATCH}, "children"),
    State({"type": "panel-table", "chart": MATCH}, "id"),
)
