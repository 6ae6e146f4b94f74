"""The workforce vocabulary and utilization transforms that `/workforce` and `/agencies` share: dimensions, tests,
flags, tables, sentences, level rows and links (pure; moved here so neither area imports the other)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.formatting import (
    GROUP_COLOURS,
    count,
    group_label,
    job_label,
    number,
    p_value,
    percent,
    ratio,
)
from components.i18n import N_, _, ngettext
from components.panel import grid_text
from components.tables import markdown_link
from dashboards._shared import query_string
from data_access import codes

WORKFORCE_PATH = "/workforce"
DIMENSIONS = {"race_ethnicity": N_("Race and ethnicity"), "sex": N_("Sex"),
              "race_sex": N_("Race/ethnicity and sex")}
DEFAULT_DIMENSION = "race_ethnicity"
GROUPS = {"race_ethnicity": codes.RACE_ETHNICITY, "sex": codes.SEX, "race_sex": codes.RACE_SEX}
SEX_DASH = {"female": "solid", "male": "dash", "x": "dot"}
FLAG, UNDER = "▼", N_("under-represented")
SUPPRESSED_CELL = N_("suppr.")


@dataclass(frozen=True)
class Convention:
    column: str
    label_msgid: str
    rule_msgid: str

    @property
    def label(self) -> str:
        """The convention's name in the viewer's language."""
        return _(self.label_msgid)

    @property
    def rule(self) -> str:
        """The rule in words, to follow 'Under …', in the viewer's language."""
        return _(self.rule_msgid)


CONVENTIONS = {
    "significant": Convention("flag_significant", N_("Exact binomial test (p < 0.05)"),
                              N_("the exact binomial test (fewer employees than availability predicts, p < 0.05)")),
    "2sd": Convention("flag_2sd", N_("Two standard deviations (z ≤ −2)"),
                      N_("the two-standard-deviation rule (z ≤ −2)")),
    "80pct": Convention("flag_80pct", N_("Four-fifths (ratio below 0.8)"),
                        N_("the four-fifths rule (utilization ratio below 0.8)")),
}
DEFAULT_CONVENTION = "significant"


def flag_text() -> str:
    """'▼ under-represented' in the viewer's language."""
    return f"{FLAG} {_(UNDER)}"


def agency_place(agency_name: str | None = None) -> str:
    """Where a sentence's figures are: 'in the state workforce' (no agency) or 'at the <agency>'."""
    return _("in the state workforce") if agency_name is None else _("at the %(agency)s", agency=agency_name)


def workforce_params(release: str, year: object, agency: str = codes.ALL, category: str = codes.ALL,
                     dimension: str = DEFAULT_DIMENSION, convention: str = DEFAULT_CONVENTION) -> dict:
    """The `/workforce` query in its one canonical order; filters at their default value are left out."""
    return {"release": release, "year": str(year),
            "agency": None if agency == codes.ALL else agency,
            "category": None if category == codes.ALL else category,
            "dimension": None if dimension == DEFAULT_DIMENSION else dimension,
            "convention": None if convention == DEFAULT_CONVENTION else convention}


def workforce_href(release: str, year: object, agency: str = codes.ALL, category: str = codes.ALL,
                   dimension: str = DEFAULT_DIMENSION, convention: str = DEFAULT_CONVENTION) -> str:
    """A link to one `/workforce` view (the same query string the page itself writes)."""
    return WORKFORCE_PATH + query_string(**workforce_params(release, year, agency, category, dimension, convention))


def group_colour(code: str) -> str:
    """A group's fixed colour; race × sex groups take their race's colour (sex is shown by the dash)."""
    if code in GROUP_COLOURS:
        return GROUP_COLOURS[code]
    return GROUP_COLOURS.get(code.rpartition("_")[0], "#666666")


def group_dash(code: str) -> str:
    race, _, sex = code.rpartition("_")
    return SEX_DASH.get(sex, "solid") if race in GROUP_COLOURS else "solid"


def people(code: str) -> str:
    """How a sentence names a group's employees: 'Hispanic or Latino employees', 'Women', 'Asian men'."""
    label = group_label(code)
    return label if code.rpartition("_")[2] in ("female", "male") else _("%(group)s employees", group=label)


def p_phrase(value: float | None) -> str:
    text = p_value(value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def with_flags(frame: pd.DataFrame, convention: str) -> pd.DataFrame:
    """Adds `hidden` (suppressed for this viewer) and `flagged` (under the convention; False when hidden)."""
    column = CONVENTIONS[convention].column
    hidden = frame["suppressed"].astype("boolean").fillna(False).astype(bool)
    flagged = frame[column].astype("boolean").fillna(False).astype(bool)
    return frame.assign(hidden=hidden, flagged=flagged & ~hidden)


def order_groups(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Rows in the code-list order of the dimension's groups."""
    order = {code: i for i, code in enumerate(GROUPS.get(dimension, ()))}
    return frame.assign(_o=frame["group_code"].map(order).fillna(len(order))).sort_values("_o").drop(columns="_o")


def _formatted(values: pd.Series, fmt, hidden: pd.Series, suppressed_text: str) -> list[str]:
    return [suppressed_text if h else fmt(None if _missing(v) else float(v)) for v, h in zip(values, hidden)]


def utilization_table(frame: pd.DataFrame, suppressed_text: str) -> pd.DataFrame:
    """The readable rows behind a utilization chart (frame from `with_flags`)."""
    hidden = frame["hidden"]
    flags = [suppressed_text if h else flag_text() if f else "—" if _missing(r) else _("not flagged")
             for h, f, r in zip(hidden, frame["flagged"], frame["utilization_ratio"])]
    return pd.DataFrame({
        "fiscal_year": frame["fiscal_year"].astype(int).tolist(),
        "job_category": [job_label(c) for c in frame["job_category"]],
        "group": [group_label(c) for c in frame["group_code"]],
        "employees": _formatted(frame["headcount"], count, hidden, suppressed_text),
        "share": _formatted(frame["share"], percent, hidden, suppressed_text),
        "availability": [percent(None if _missing(v) else float(v)) for v in frame["availability"]],
        "utilization_ratio": _formatted(frame["utilization_ratio"], ratio, hidden, suppressed_text),
        "expected": _formatted(frame["expected"], count, hidden, suppressed_text),
        "fewer_than_expected": _formatted(frame["shortfall"], lambda v: "—" if v is None else number(v, 1), hidden,
                                          suppressed_text),
        "z_score": _formatted(frame["z_score"], lambda v: "—" if v is None else number(v, 2), hidden, suppressed_text),
        "p_value": _formatted(frame["p_value"], p_value, hidden, suppressed_text),
        "flag": flags,
    }, columns=list(TABLE_LABELS))


TABLE_LABELS = {
    "fiscal_year": N_("Fiscal year"), "job_category": N_("Job category"), "group": N_("Group"),
    "employees": N_("Employees"), "share": N_("Share of employees"), "availability": N_("Availability"),
    "utilization_ratio": N_("Utilization ratio"), "expected": N_("Expected employees"),
    "fewer_than_expected": N_("Fewer than expected"), "z_score": "z", "p_value": N_("p (exact binomial)"),
    "flag": N_("Flag"),
}


def cell_text(row: pd.Series) -> str:
    if row["hidden"]:
        return _(SUPPRESSED_CELL)
    if _missing(row["utilization_ratio"]):
        return "—"
    return number(float(row["utilization_ratio"]), 2) + (f" {FLAG}" if row["flagged"] else "")


def heatmap_frame(frame: pd.DataFrame, groups_as_rows: bool = False) -> pd.DataFrame:
    """Job category × group cells for `utilization_heatmap` (frame from `with_flags`).

    With many groups (race × sex) the groups become the rows, so their long names read across. Cells where
    fewer than one employee is expected keep their text but get no colour: their ratio says little.
    """
    ratio_values = frame["utilization_ratio"].map(lambda v: None if _missing(v) else float(v))
    meaningful = frame["expected"].map(lambda v: not _missing(v) and float(v) >= 1)
    jobs, groups = frame["job_category"].map(job_label), frame["group_code"].map(group_label)
    return pd.DataFrame({
        "row_label": groups if groups_as_rows else jobs,
        "column_label": jobs if groups_as_rows else groups,
        "utilization_ratio": ratio_values.where(~frame["hidden"] & meaningful, None).astype(float),
        "cell_text": pd.Series([cell_text({"hidden": h, "utilization_ratio": r, "flagged": f}) for h, r, f in
                                zip(frame["hidden"], frame["utilization_ratio"], frame["flagged"])],
                               index=frame.index),
    })


def category_phrase(category: str) -> str:
    return _("all employees") if category == codes.ALL else job_label(category)


def gap_sentence(row: pd.Series, category: str, place: str) -> str:
    """'Hispanic or Latino employees are 12.3 % of Professionals at the …, against 18.0 % availability — 94
    fewer than expected; the gap is statistically significant (p < 0.001).'"""
    head = _("%(people)s are %(share)s of %(category)s %(place)s, against %(availability)s availability",
             people=people(row["group_code"]), share=percent(float(row["share"])),
             category=category_phrase(category), place=place, availability=percent(float(row["availability"])))
    shortfall = float(row["shortfall"])
    if shortfall <= -0.5:
        return _("%(head)s — %(count)s more than expected.", head=head, count=count(-shortfall))
    if shortfall < 0.5:
        return _("%(head)s — about as many as expected.", head=head)
    p = None if _missing(row["p_value"]) else float(row["p_value"])
    values = {"head": head, "count": count(shortfall), "p": p_phrase(p)}
    if p is not None and p < 0.05:
        return _("%(head)s — %(count)s fewer than expected; the gap is statistically significant (%(p)s).",
                 **values)
    return _("%(head)s — %(count)s fewer than expected; the gap is within what chance alone could produce "
             "(%(p)s).", **values)


def suppressed_note(hidden: int, suppressed_text: str) -> str:
    """' 3 cells are suppressed (fewer than 5) to protect privacy.' (with its leading space), or ''."""
    if not hidden:
        return ""
    return " " + ngettext("%(num)s cell is %(suppressed)s to protect privacy.",
                          "%(num)s cells are %(suppressed)s to protect privacy.", hidden, suppressed=suppressed_text)


def _flagged_lead(flagged: int, shown: int, groups: bool, rule: str) -> str:
    """'Under <rule>, 2 of 7 groups shown are under-represented' (or job category × group cells)."""
    if groups:
        return ngettext("Under %(rule)s, %(num)s of %(shown)s groups shown is under-represented",
                        "Under %(rule)s, %(num)s of %(shown)s groups shown are under-represented",
                        flagged, rule=rule, shown=shown)
    return ngettext("Under %(rule)s, %(num)s of %(shown)s job category × group cells shown is under-represented",
                    "Under %(rule)s, %(num)s of %(shown)s job category × group cells shown are under-represented",
                    flagged, rule=rule, shown=shown)


def utilization_summary(frame: pd.DataFrame, convention: str, category: str, place: str,
                        suppressed_text: str) -> str:
    """Flag count under the convention, the largest gap in words, and the suppressed cells."""
    shown = frame[~frame["hidden"] & frame["utilization_ratio"].notna()]
    note = suppressed_note(int(frame["hidden"].sum()), suppressed_text)
    if shown.empty:
        return _("No figures can be shown for this selection.") + note
    flagged = shown[shown["flagged"]]
    groups = frame["job_category"].nunique() == 1
    lead = _flagged_lead(len(flagged), len(shown), groups, CONVENTIONS[convention].rule)
    if groups and 0 < len(flagged) <= 4:
        lead += ": " + ", ".join(group_label(c) for c in flagged["group_code"])
    short = shown[shown["shortfall"].astype(float) >= 0.5]
    if not flagged.empty:
        worst = flagged.loc[flagged["shortfall"].astype(float).idxmax()]
        gap = gap_sentence(worst, worst["job_category"], place)
        return _("%(lead)s. The largest gap: %(gap)s", lead=lead, gap=gap) + note
    if not short.empty:
        worst = short.loc[short["shortfall"].astype(float).idxmax()]
        gap = gap_sentence(worst, worst["job_category"], place)
        return _("%(lead)s. The largest gap, not flagged: %(gap)s", lead=lead, gap=gap) + note
    return _("%(lead)s. No group has at least one employee fewer than availability predicts.", lead=lead) + note


LARGEST = N_("Largest shortfall against availability")


@dataclass(frozen=True)
class LevelRow:
    code: str
    name: str
    employees: str
    flagged: int
    shown: int
    hidden: int
    largest: str


def next_level_rows(frame: pd.DataFrame, unit: str, names: dict[str, str], suppressed_text: str) -> list[LevelRow]:
    """One row per agency or job category (`unit` column) of a `with_flags` frame, sorted by name.

    `largest` names the group with the largest shortfall (fewer employees than availability predicts) among
    the visible cells, with its flag in words; '—' when no group is short by at least one employee.
    """
    if frame.empty:
        return []
    visible = ~frame["hidden"] & frame["utilization_ratio"].notna()
    shortfall = pd.to_numeric(frame["shortfall"], errors="coerce").where(visible)
    parts = pd.DataFrame({"unit": frame[unit], "flagged": frame["flagged"] & visible, "shown": visible,
                          "hidden": frame["hidden"], "total": pd.to_numeric(frame["total"], errors="coerce")})
    summary = parts.groupby("unit", sort=False).agg(flagged=("flagged", "sum"), shown=("shown", "sum"),
                                                    hidden=("hidden", "sum"), total=("total", "first"))
    short = shortfall[shortfall >= 0.5]
    worst_index = short.groupby(frame.loc[short.index, unit]).idxmax()
    worst = frame.loc[worst_index.to_numpy(), [unit, "group_code", "shortfall", "flagged"]]
    largest = {code: _("%(group)s: %(count)s fewer", group=group_label(g), count=count(float(v)))
               + (f" {flag_text()}" if f else "") for code, g, v, f in worst.itertuples(index=False)}
    rows = [LevelRow(str(code), names.get(code, str(code)), "—" if pd.isna(total) else count(float(total)),
                     int(flagged), int(shown), int(hidden), largest.get(code, "—"))
            for code, flagged, shown, hidden, total in summary.itertuples()]
    return sorted(rows, key=lambda r: r.name)


def level_headers(unit_label: str) -> list[str]:
    """The column headers of a next-level table, in the viewer's language."""
    return [unit_label, _("Employees"), _("Groups under-represented"), _("Groups suppressed"), _(LARGEST)]


def _flagged_of(row: LevelRow) -> str:
    return _("%(flagged)s of %(shown)s", flagged=row.flagged, shown=row.shown)


def level_frame(rows: list[LevelRow], unit_label: str, suppressed_text: str) -> pd.DataFrame:
    """The readable table of `next_level_rows` (for the data table and the CSV)."""
    headers = level_headers(unit_label)
    return pd.DataFrame([dict(zip(headers, (r.name, r.employees, _flagged_of(r), r.hidden, r.largest)))
                         for r in rows], columns=headers)


def link_table(headers: list[str], rows: list[list], caption: str, id_: str) -> html.Table:
    """A plain accessible table: a caption, header cells with scope, the first cell of each row a header."""
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    body = html.Tbody([html.Tr([html.Th(r[0], scope="row", className="fw-normal"),
                                *[html.Td(c) for c in r[1:]]]) for r in rows])
    return html.Div(html.Table([html.Caption(caption, className="caption-top"), head, body],
                               className="table table-sm table-hover align-middle", id=id_),
                    className="table-responsive")


def link_grid(id_: str, frame: pd.DataFrame, link_column: str, hrefs: list[str], page_size: int = 50) -> dag.AgGrid:
    """A sortable, filterable grid whose first column links each row (for lists too long for plain tables)."""
    rows = frame.assign(**{link_column: [markdown_link(t, h) for t, h in zip(frame[link_column], hrefs)]})
    columns = [{"field": c, "headerName": c, **({"cellRenderer": "markdown", "pinned": "left", "minWidth": 220}
                                                if c == link_column else {})} for c in frame.columns]
    return dag.AgGrid(id=id_, rowData=rows.to_dict("records"), columnDefs=columns,
                      defaultColDef={"sortable": True, "filter": True, "resizable": True, "wrapText": True,
                                     "autoHeight": True, "wrapHeaderText": True, "autoHeaderHeight": True,
                                     "minWidth": 125, "cellStyle": {"lineHeight": "1.4", "paddingTop": "6px",
                                                                    "paddingBottom": "6px"}},
                      dashGridOptions={"pagination": len(frame) > page_size, "paginationPageSize": page_size,
                                       "domLayout": "autoHeight", "ensureDomOrder": True,
                                       "localeText": grid_text()},
                      columnSize="responsiveSizeToFit")


def level_links(rows: list[LevelRow], href_of, unit_label: str, caption: str, id_: str) -> html.Table:
    """`next_level_rows` as a table whose first column links one level down."""
    body = [[dcc.Link(r.name, href=href_of(r.code)), r.employees, _flagged_of(r), r.hidden, r.largest]
            for r in rows]
    return link_table(level_headers(unit_label), body, caption, id_)
