"""`/workforce`'s hiring, promotion and separation panel (DESIGN §4.2): adverse impact of the view's scope
(statewide or one agency) for all job categories pooled, or for the one job category the page's filter names, with
links from the pooled rows to the job categories behind them. Shared by the page and its embed."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import dcc, html

from components.i18n import _, ngettext
from components.panel import ChartParts
from dashboards._shared.selection import impact_findings, selection_parts
from dashboards._shared.workforce import job_label, workforce_href
from data_access import codes
from data_access import workforce_queries as wq
from data_access.settings import Settings
from data_access.viewer import Viewer

from .transforms import Choice

CHART_ID = "workforce-selection"


def scope_name(choice: Choice) -> str:
    """'all state agencies' or the agency's name, as the panel's title names the scope."""
    return _("all state agencies") if choice.agency == codes.ALL else choice.agency_name


def category_counts(by_category: dict[str, pd.DataFrame], year: int, dimension: str) -> list[tuple[str, int, int]]:
    """(job category, group results, adverse-impact results) of each job category with rows in the year and
    dimension, in the order of the job categories."""
    parts = {}
    for category in codes.JOB_CATEGORIES:
        rows = by_category.get(category)
        if rows is None or rows.empty:
            continue
        keep = (rows["fiscal_year"].to_numpy() == year) & (rows["group_dimension"].to_numpy() == dimension)
        if keep.any():
            parts[category] = rows[keep]
    if not parts:
        return []
    findings = impact_findings(pd.concat(parts.values(), ignore_index=True)).to_numpy()  # one pass for all
    out, start = [], 0
    for category, rows in parts.items():
        adverse = int((findings[start:start + len(rows)] == "adverse_impact").sum())
        out.append((category, len(rows), adverse))
        start += len(rows)
    return out


def category_links(choice: Choice, counts: list[tuple[str, int, int]], link: Callable[[str], str]) -> list:
    """Under the pooled rows: a link to each job category's own rows, with how many of them show adverse impact."""
    if not counts:
        return []
    items = []
    for category, _rows, adverse in counts:
        href = link(workforce_href(choice.release_id, choice.year, choice.agency, category, choice.dimension,
                                   choice.convention))
        words = ngettext("%(num)s adverse-impact result", "%(num)s adverse-impact results", adverse) if adverse \
            else _("no adverse impact")
        items.append(html.Li([dcc.Link(job_label(category), href=href), f" — {words}"]))
    return [html.H3(_("The job categories behind these rows"), className="h6 mt-2"),
            html.P(_("Open a job category for its own hiring, promotion and separation rows: the pooled rows above "
                     "combine these categories."), className="small"),
            html.Ul(items, id="workforce-selection-categories", className="small")]


def selection_view(settings: Settings, viewer: Viewer, choice: Choice, suppressed_text: str,
                   link: Callable[[str], str] = str) -> ChartParts:
    """The adverse-impact panel of a `/workforce` view, read for `viewer` (chart id `workforce-selection`)."""
    rows = wq.agency_selection(settings, choice.release_id, viewer, choice.agency, choice.category)
    extra: list = []
    if choice.category == codes.ALL:
        by_category = {c: wq.agency_selection(settings, choice.release_id, viewer, choice.agency, c)
                       for c in codes.JOB_CATEGORIES}
        extra = category_links(choice, category_counts(by_category, choice.year, choice.dimension), link)
    else:
        pooled = link(workforce_href(choice.release_id, choice.year, choice.agency, codes.ALL, choice.dimension,
                                     choice.convention))
        extra = [html.P(dcc.Link(_("← Back to all job categories (pooled rows)"), href=pooled), className="small")]
    return selection_parts(rows, choice.year, choice.dimension, suppressed_text, choice.category, CHART_ID,
                           scope_name(choice), extra)
