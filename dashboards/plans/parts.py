"""The `/equity-plans` charts as ChartParts, shared by the page and its embeds: status counts and directory."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.data_text import peer_group_label
from components.figures import Axis, count_bars
from components.formatting import count
from components.i18n import N_, _
from components.panel import ChartParts

from . import transforms as pl

SOURCE = N_("Source: agencies' reports to the Office of Equity and Opportunity; release table equity_plans.")
DARK_TEXT = ("drafting", "approved", "not_started", pl.NO_PLAN)  # light badges need dark text (contrast)
STATUS_BADGES = {"published": "primary", "approved": "info", "submitted": "secondary", "drafting": "light",
                 "not_started": "warning", pl.NO_PLAN: "light"}
DIRECTORY_ROWS = 50  # rows of the directory drawn as a table; "Show data" and the CSV hold every agency shown


def plan_views(plans: pd.DataFrame, agencies: pd.DataFrame, year: int, status: str, peer: str,
               search: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory of every agency for the year, and the part of it the filters keep."""
    everyone = pl.directory(plans, agencies, year)
    return everyone, pl.filter_directory(everyone, status, peer, search)


def status_parts(everyone: pd.DataFrame, shown: pd.DataFrame, year: int, status: str, peer: str,
                 search: str) -> ChartParts:
    """How many of the agencies shown are at each plan status (chart id `plans-status`)."""
    summary = pl.summary_sentence(everyone, shown, year, pl.filter_words(status, peer, search))
    counts = pl.status_counts(shown)
    figure = count_bars(counts["status"].tolist(), counts["agencies"].tolist(),
                        [pl.STATUS_COLOURS[s] for s in counts["status_code"]], Axis(_("Agencies")))
    return ChartParts("plans-status", _("Where the %(year)s plans stand", year=year), summary,
                      counts.drop(columns="status_code"), figure if len(shown) else None,
                      {"status": N_("Plan status"), "agencies": N_("Agencies")}, _(SOURCE))


def directory_parts(shown: pd.DataFrame, year: int) -> ChartParts:
    """The directory of the agencies shown, one plan link each (chart id `plans-directory`)."""
    listed = _("%(num)s agencies listed — no agency matches these filters.", num=count(len(shown))) \
        if shown.empty else _("%(num)s agencies listed.", num=count(len(shown)))
    return ChartParts("plans-directory", _("Directory of %(year)s equity plans", year=year), listed,
                      pl.directory_table(shown), None, pl.DIRECTORY_LABELS, _(SOURCE),
                      extra=[directory_html(shown, year)])


def _date(value: object) -> str:
    return value if isinstance(value, str) and value else "—"


def _plan_link(row, year: int):
    url = pl.safe_url(row.url)
    if url is None:
        return html.Span(_("Not published yet") if row.status != "published" else _("No link reported"),
                         className="text-body-secondary")
    return html.A(_("Read the plan"), href=url, rel="noopener noreferrer", className="plan-link",
                  **{"aria-label": _("Read the plan: %(agency)s, %(year)s (external site)", agency=row.agency_name,
                                     year=year)})


def directory_html(shown: pd.DataFrame, year: int) -> html.Div:
    """The directory as an accessible table with a plain external link per published plan."""
    headers = [_("Agency"), _("Peer group"), _("Status"), _("Submitted"), _("Approved"), _("Plan"),
               _("Commitments met"), _("Affirmative-action plan")]
    body = []
    for row in shown.head(DIRECTORY_ROWS).itertuples():
        badge = dbc.Badge(pl.status_words(row.status), color=STATUS_BADGES.get(row.status, "light"),
                          text_color="dark" if row.status in DARK_TEXT else None)
        body.append(html.Tr([
            html.Th([row.agency_name, html.Br(),
                     html.Small(row.agency_code, className="text-body-secondary")],
                    scope="row", className="fw-normal"),
            html.Td(peer_group_label(str(row.peer_group)).capitalize()), html.Td(badge),
            html.Td(_date(row.submitted_on), className="text-nowrap"),
            html.Td(_date(row.approved_on), className="text-nowrap"),
            html.Td(_plan_link(row, year)),
            html.Td(pl.commitments(row.commitments_met, row.commitments_total), className="text-end"),
            html.Td(pl.aap_words(row.aap_decision, row.aap_basis)),
        ]))
    table = html.Table([
        html.Caption(_("Equity plans for %(year)s, one row per agency", year=year)),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])), html.Tbody(body)],
        className="table table-sm table-striped align-middle", id="plans-directory-table")
    more = []
    if len(shown) > DIRECTORY_ROWS:
        more = [html.P(_("The first %(rows)s of %(num)s agencies are listed here. Search by name, or choose a status "
                         "or peer group, to find the others; “Show data” and the CSV below list every one.",
                         rows=count(DIRECTORY_ROWS), num=count(len(shown))),
                       className="small", id="plans-directory-more")]
    return html.Div([table, *more], className="table-responsive mb-2")
