"""The "Embed" button and "Download PNG" link of embeddable charts (DESIGN §7, §11).

The button's callback answers with iframe code for the view on screen (the panel's stored parameters, or
else the address bar), signed when CT_EQUITY_EMBED_SECRET is set. Embeds and images always show the public
figures of a published release.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update
from flask import has_request_context, request

from components.failure import NotAvailable, answers_failure
from components.i18n import DEFAULT_LANGUAGE, _, language
from data_access.queries import DataUnavailable, current_settings

from .registry import chart_params
from .render import render
from .signing import NOT_AVAILABLE, first_values, iframe_code, signed_query

AGENCY_PATH = re.compile(r"^/agencies/([A-Za-z0-9_-]{1,16})/?$")


def _text(params: dict) -> dict[str, object]:
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def embed_href(chart_id: str, params: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The embed page of a chart view (path and query, signed when a secret is set) in a language (`lang`
    is left out for the default one; it is never signed)."""
    query = {**_text(params), **({"lang": lang} if lang != DEFAULT_LANGUAGE else {})}
    return dash.get_relative_path(f"/embed/{chart_id}") + signed_query(current_settings().embed_secret, chart_id, query)


def png_href(chart_id: str, params: dict) -> str:
    """The chart image of a view (path and query, signed when a secret is set)."""
    clean = chart_params(chart_id, _text(params)) or {}
    return dash.get_relative_path(f"/png/{chart_id}") + signed_query(current_settings().embed_secret, chart_id, clean)


def embed_options(chart_id: str, params: dict) -> dict:
    """chart_panel keywords for an embeddable chart: the Embed button for this view and its PNG link."""
    clean = chart_params(chart_id, _text(params)) or {}
    return {"embed": chart_id, "embed_params": clean, "png": png_href(chart_id, clean)}


def view_params(pathname: object, search: object) -> dict[str, object]:
    """Parameters of the view in the address bar (an agency scorecard's code comes from its path)."""
    params = first_values(parse_qsl(search[1:] if isinstance(search, str) and search.startswith("?") else ""))
    match = AGENCY_PATH.match(pathname) if isinstance(pathname, str) else None
    if match:
        params["agency"] = match.group(1)
    return params


def code_box(chart_id: str, code: str, release_id: str) -> html.Div:
    """The iframe code in a labelled read-only text area, with a copy button and what it will show."""
    box_id = f"embed-code-{chart_id}"
    locked = (" " + _("The address is signed: if it is changed, the chart is not shown.")
              if current_settings().embed_secret else "")
    return html.Div([
        dbc.Label(_("Embed code — paste it into your web page"), html_for=box_id, className="small fw-semibold"),
        html.Div([
            dcc.Textarea(id=box_id, value=code, readOnly=True, rows=3,
                         className="form-control font-monospace small"),
            dcc.Clipboard(target_id=box_id, title=_("Copy the embed code"), className="btn btn-sm btn-link"),
        ], className="d-flex align-items-start gap-1"),
        html.P(_("It shows this view of release %(release)s with the public figures (small counts suppressed), "
                 "with its summary, data table and downloads.", release=release_id) + locked,
               className="small text-body-secondary mb-0"),
    ], className="border rounded p-2 bg-light")


@callback(
    Output({"type": "panel-embed-code", "chart": MATCH}, "children"),
    Input({"type": "panel-embed", "chart": MATCH}, "n_clicks"),
    State({"type": "panel-embed-params", "chart": MATCH}, "data"),
    State({"type": "panel-embed", "chart": MATCH}, "id"),
    State("_pages_location", "pathname"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
@answers_failure((DataUnavailable,), not_available=NOT_AVAILABLE)
def show_embed_code(clicks, stored, button_id, pathname, search):
    """Iframe code for the view on screen (every other click hides it again)."""
    if not isinstance(clicks, int) or isinstance(clicks, bool) or clicks < 1:
        return no_update
    if clicks % 2 == 0:
        return None
    chart_id = button_id.get("chart") if isinstance(button_id, dict) else None
    params = chart_params(chart_id, stored if isinstance(stored, dict) else view_params(pathname, search))
    if params is None or not has_request_context():
        raise NotAvailable(chart_id)
    rendered = render(current_settings(), chart_id, params)
    if rendered is None:
        raise NotAvailable(chart_id)
    src = request.host_url.rstrip("/") + embed_href(chart_id, rendered.params, language())
    return code_box(chart_id, iframe_code(src, rendered.parts.title), rendered.info.release_id)
