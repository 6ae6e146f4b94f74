"""`/embed/<chart_id>` — one chart without the site's navigation, for another site's iframe (DESIGN §7).

Public figures of a published (or an explicitly named retired) release only, whoever is signed in; the
navigation bar and footer are hidden for embed addresses by `assets/embed.js` and `assets/embed.css`. Its
tables are plain HTML: the document loads no AG Grid (`web/site.py`).
"""
from __future__ import annotations

import dash
from dash import html

from components.failure import NotAvailable, answers_failure
from components.i18n import N_, _
from components.panel import parts_panel
from components.shell import notice, release_line, synthetic_notice
from data_access.queries import DataUnavailable, current_settings

from .button import png_href
from .registry import chart_params
from .render import render
from .signing import NOT_AVAILABLE, refusal


def _frame(children: list) -> html.Div:
    """The embed's own small header (the site's name, opening the site in a new tab) above the content."""
    home = html.A("CT Equity Benchmarks", href=dash.get_relative_path("/"), target="_blank", rel="noopener",
                  className="link-secondary text-decoration-none")
    return html.Div([html.H1(home, className="embed-brand small fw-semibold mb-2"), *children],
                    className="embed-page")


@answers_failure((DataUnavailable,), not_available=NOT_AVAILABLE, frame=lambda shown: _frame([shown]))
def layout(chart_id: str | None = None, view: dict | None = None, **query):
    """The chart named in the path with the view in the query, or a plain notice why it is not shown."""
    params = chart_params(chart_id, query)
    if params is None:
        raise NotAvailable(chart_id)
    refused = refusal(current_settings().embed_secret, chart_id, query)
    if refused:
        return _frame([notice(refused, "warning")])
    rendered = render(current_settings(), chart_id, params)
    if rendered is None:
        raise NotAvailable(chart_id)
    info = rendered.info
    return _frame([
        synthetic_notice(info.synthetic),
        parts_panel(rendered.parts, png=png_href(chart_id, rendered.params), plain=True),
        release_line(info.release_id, info.status,
                     info.published_at),
        html.P(html.A(_("Open this view in CT Equity Benchmarks"), href=rendered.page, target="_blank",
                      rel="noopener"), className="small"),
    ])


def register() -> None:
    """Add `/embed/<chart_id>` to the app's pages (after the app is created; it is not in the pages folder)."""
    dash.register_page(__name__, path_template="/embed/<chart_id>", name=N_("Embedded chart"), nav=False,
                       title=lambda **_kw: _("Chart — CT Equity Benchmarks"), layout=layout)
