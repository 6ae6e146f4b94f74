"""The `/workforce` charts as ChartParts: one builder each, shared by the page and its embeds (DESIGN §6, §7)."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import html

from components.charts import representation_bars, trend_lines
from components.i18n import N_, _
from components.panel import ChartParts
from dashboards._shared import catalog
from dashboards._shared.workforce import (
    CONVENTIONS,
    TABLE_LABELS,
    job_label,
    level_frame,
    link_grid,
    next_level_rows,
    order_groups,
    utilization_summary,
    utilization_table,
    with_flags,
    workforce_href,
)
from data_access import codes, queries
from data_access import workforce_queries as wq
from data_access.settings import Settings
from data_access.viewer import Viewer

from .transforms import Choice, bars_frame, trend_frame, trend_summary

SOURCE = N_("Source: workforce_utilization release table (headcount against availability of the qualified labour "
            "pool).")


def current_cells(choice: Choice, cells: pd.DataFrame) -> pd.DataFrame:
    """The cells of the chosen year and job category (empty: nobody to show)."""
    return cells[(cells["fiscal_year"] == choice.year) & (cells["job_category"] == choice.category)]


def representation_parts(choice: Choice, cells: pd.DataFrame, suppressed_text: str) -> ChartParts:
    """Each group's share of employees against its availability (chart id `workforce-representation`)."""
    flagged = with_flags(order_groups(current_cells(choice, cells), choice.dimension), choice.convention)
    where = _("statewide") if choice.agency == codes.ALL else choice.agency_name
    figure = representation_bars(bars_frame(flagged, suppressed_text),
                                 {"x_title": _("Share of employees (bar) and availability (|)")})
    return ChartParts(
        "workforce-representation",
        _("Share of employees against availability: %(category)s, %(place)s, %(year)s",
          category=job_label(choice.category), place=where, year=choice.year),
        utilization_summary(flagged, choice.convention, choice.category, choice.place, suppressed_text),
        utilization_table(flagged, suppressed_text), figure, TABLE_LABELS, _(SOURCE))


def trend_parts(choice: Choice, cells: pd.DataFrame, suppressed_text: str) -> ChartParts:
    """Each group's utilization ratio over the years (chart id `workforce-trend`)."""
    rows = order_groups(cells[cells["job_category"] == choice.category], choice.dimension)
    lines = trend_frame(rows.sort_values("fiscal_year", kind="stable"))
    references = [(1.0, _("parity (1.0)"))] + ([(0.8, _("four-fifths (0.8)"))]
                                                if choice.convention == "80pct" else [])
    figure = trend_lines(lines, {"tickformat": ".2f", "y_title": _("Utilization ratio"),
                                 "reference_lines": references, "highlight_x": choice.year})
    table = utilization_table(with_flags(rows.sort_values(["fiscal_year"], kind="stable"), choice.convention),
                              suppressed_text)
    return ChartParts("workforce-trend", _("Over the years: utilization ratio of each group"),
                      trend_summary(rows, choice.year, choice.category, choice.place), table, figure,
                      TABLE_LABELS, _(SOURCE) + " " + _("Lines break where a year's figure is suppressed."))


def level_cells(settings: Settings, viewer: Viewer, choice: Choice) -> tuple[pd.DataFrame, str, dict] | None:
    """The rows one level down — agencies (statewide view) or job categories (an agency's view) — with the
    unit column and the names of its codes; None below a job category."""
    if choice.agency == codes.ALL:
        frame = wq.utilization_slice(settings, choice.release_id, viewer, choice.year, choice.dimension,
                                     choice.category)
        agencies = catalog.agency_list(settings, choice.release_id)
        return (frame[frame["agency_code"] != codes.ALL], "agency_code",
                dict(zip(agencies["agency_code"], agencies["agency_name"])))
    if choice.category == codes.ALL:
        cells = queries.workforce_cells(settings, choice.release_id, viewer, choice.agency, choice.dimension)
        frame = cells[(cells["fiscal_year"] == choice.year) & (cells["job_category"] != codes.ALL)]
        return frame, "job_category", {c: job_label(c) for c in codes.JOB_CATEGORIES}
    return None


def level_parts(choice: Choice, frame: pd.DataFrame, unit: str, names: dict, suppressed_text: str,
                link: Callable[[str], str] = str) -> ChartParts:
    """The table one level down, each row opening its view (chart id `workforce-level`; `link` makes a path
    an address of the app)."""
    agencies = unit == "agency_code"

    def href(code: str) -> str:
        if agencies:
            return link(workforce_href(choice.release_id, choice.year, code, choice.category, choice.dimension,
                                       choice.convention))
        return link(workforce_href(choice.release_id, choice.year, choice.agency, code, choice.dimension,
                                   choice.convention))

    rows = next_level_rows(with_flags(frame, choice.convention), unit, names, suppressed_text)
    label = _("Agency") if agencies else _("Job category")
    convention = CONVENTIONS[choice.convention]
    caption = (_("Open a row to see its job categories (%(convention)s; %(year)s).",
                 convention=convention.label.lower(), year=choice.year) if agencies else
               _("Open a row to see its groups (%(convention)s; %(year)s).", convention=convention.label.lower(),
                 year=choice.year))
    table = level_frame(rows, label, suppressed_text)
    values = {"flagged": sum(1 for r in rows if r.flagged), "total": len(rows), "year": choice.year,
              "rule": convention.rule, "agency": choice.agency_name, "category": job_label(choice.category)}
    if agencies and choice.category == codes.ALL:
        summary = _("In %(year)s, %(flagged)s of %(total)s agencies have at least one group under-represented "
                    "under %(rule)s.", **values)
    elif agencies:
        summary = _("In %(year)s, %(flagged)s of %(total)s agencies have at least one group under-represented "
                    "among %(category)s under %(rule)s.", **values)
    else:
        summary = _("In %(year)s, %(flagged)s of %(total)s job categories of the %(agency)s have at least one "
                    "group under-represented under %(rule)s.", **values)
    extra = [html.P(caption, className="small"),
             link_grid("workforce-level-table", table, label, [href(r.code) for r in rows])]
    return ChartParts("workforce-level", _("Agencies") if agencies else _("Job categories"), summary, table,
                      None, None, _(SOURCE), extra=extra)
