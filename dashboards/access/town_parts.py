"""A town's service access against its planning region and the state as one chart (`/towns/<geoid>` and its
embed): the year shown, the plain-words comparison and the table."""
from __future__ import annotations

import pandas as pd
from dash import html

from components.i18n import _
from components.panel import ChartParts
from components.tables import data_table
from dashboards._shared.excluded import with_note

from .town_transforms import profile_rows

COLUMNS = ("measure", "town", "reliability", "region", "state", "comparison", "note")


def profile_year(values: pd.DataFrame, year: object) -> int:
    """The year asked for when the town has figures for it, else the town's latest year (0 without any)."""
    years = sorted({int(y) for y in values["year"]}) if not values.empty else []
    asked = int(year) if isinstance(year, str) and year.isdigit() else None
    return asked if asked in years else (years or [0])[-1]


def profile_sentence(rows: list[list[str]], town: str, year: int) -> str:
    """How many measures of the town are better, worse or about the same as the state's, in plain words."""
    if not rows:
        return _("There are no service-access figures for %(town)s in %(year)s.", town=town, year=year)
    words = [row[COLUMNS.index("comparison")] for row in rows]
    return _("In %(year)s, %(town)s does better than Connecticut as a whole on %(better)s of its %(total)s "
             "service-access measures, worse on %(worse)s and about the same on %(same)s (“about the same” when "
             "the 90 %% intervals overlap).", year=year, town=town, total=len(rows), better=words.count(_("better")),
             worse=words.count(_("worse")), same=words.count(_("about the same")))


def _notes(rows: list[list[str]]) -> str:
    """The table's towns-excluded notes: the one note when every measure has it, else where to find them."""
    notes = {row[COLUMNS.index("note")] for row in rows}
    if notes == {""} or not notes:
        return ""
    if len(notes) == 1:
        return notes.pop()
    return _("Some region and state figures leave out towns whose figures are suppressed; the Note column says "
             "how many.")


def profile_parts(town: pd.Series, measures: pd.DataFrame, values: pd.DataFrame, region: pd.DataFrame,
                  state: pd.DataFrame, year: int, k: int = 5) -> ChartParts:
    """Every access measure of the town in `year` against its region and the state (chart id `town-profile`);
    the note column says how many suppressed towns the region's and the state's figures leave out."""
    name, region_name = town["town_name"], town["region_name"]
    rows = profile_rows(values, region, state, measures, year, k, (region_name, "Connecticut"))
    headers = [_("Measure"), name, _("Reliability"), region_name, "Connecticut", _("Compared with the state"),
               _("Note")]
    shown = html.Div(data_table(headers, rows, numeric=(1, 3, 4), id_="towns-measures"), className="overflow-auto",
                     tabIndex="0", role="region", **{"aria-label": _("Service access in %(town)s", town=name)})
    return ChartParts(
        "town-profile", _("Service access in %(town)s, %(year)s", town=name, year=year),
        with_note(profile_sentence(rows, name, year), _notes(rows)), pd.DataFrame(rows, columns=list(COLUMNS)), None,
        dict(zip(COLUMNS, headers)),
        _("Region and state figures are population-weighted averages of their towns with 90 % intervals. “About the "
          "same” means the town's interval overlaps the state's. Reliability applies to survey estimates; “—” marks "
          "figures from counts and records, which have no margin of error.") + " "
        + _("Source: release tables town_measures and access_by_group."),
        extra=[shown])
