"""Pure transforms behind `/workforce` (and the utilization part of `/agencies/<code>`): flags, sentences, rows."""
from __future__ import annotations

import math
from dataclasses import dataclass

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.formatting import (
    GROUP_COLOURS,
    JOB_LABELS,
    count,
    group_label,
    p_value,
    percent,
    ratio,
)
from data_access import codes

from ._helpers import query_string

WORKFORCE_PATH = "/workforce"
DIMENSIONS = {"race_ethnicity": "Race and ethnicity", "sex": "Sex", "race_sex": "Race/ethnicity and sex"}
DEFAULT_DIMENSION = "race_ethnicity"
GROUPS = {"race_ethnicity": codes.RACE_ETHNICITY, "sex": codes.SEX, "race_sex": codes.RACE_SEX}
SEX_DASH = {"female": "solid", "male": "dash", "x": "dot"}
FLAG, UNDER = "▼", "under-represented"
SUPPRESSED_CELL = "suppr."


@dataclass(frozen=True)
class Convention:
    column: str
    label: str
    rule: str


CONVENTIONS = {
    "significant": Convention("flag_significant", "Exact binomial test (p < 0.05)",
                              "the exact binomial test (fewer employees than availability predicts, p < 0.05)"),
    "2sd": Convention("flag_2sd", "Two standard deviations (z ≤ −2)",
                      "the two-standard-deviation rule (z ≤ −2)"),
    "80pct": Convention("flag_80pct", "Four-fifths (ratio below 0.8)",
                        "the four-fifths rule (utilization ratio below 0.8)"),
}
DEFAULT_CONVENTION = "significant"
# Rendered views each page process keeps (releases are immutable; a view is fixed by database, viewer, filters).
RENDERED_VIEWS = 64


@dataclass(frozen=True)
class Choice:
    release_id: str
    year: int
    agency: str
    category: str
    dimension: str
    convention: str
    agency_name: str

    @property
    def params(self) -> dict:
        return workforce_params(self.release_id, self.year, self.agency, self.category, self.dimension,
                                self.convention)

    @property
    def place(self) -> str:
        return "in the state workforce" if self.agency == codes.ALL else f"at the {self.agency_name}"


def page_location(id_: str) -> dcc.Location:
    """A page's own location component that tells the router about each URL it writes.

    `components.shell.url_sync` pushes the URL silently (refresh=False), so the router's location keeps the
    old search; pressing back to that very search then changes nothing and the page stays stale. With
    "callback-nav" the router sees every write, `skip_if_shown` skips the re-render, and back/forward work.
    """
    return dcc.Location(id=id_, refresh="callback-nav")


def job_label(code: str) -> str:
    return JOB_LABELS.get(code, code)


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
    return label if label.split()[-1].lower() in ("women", "men") else f"{label} employees"


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
    flags = [suppressed_text if h else f"{FLAG} {UNDER}" if f else "—" if _missing(r) else "not flagged"
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
        "fewer_than_expected": _formatted(frame["shortfall"], lambda v: "—" if v is None else f"{v:,.1f}", hidden,
                                          suppressed_text),
        "z_score": _formatted(frame["z_score"], lambda v: "—" if v is None else f"{v:.2f}", hidden, suppressed_text),
        "p_value": _formatted(frame["p_value"], p_value, hidden, suppressed_text),
        "flag": flags,
    }, columns=list(TABLE_LABELS))


TABLE_LABELS = {
    "fiscal_year": "Fiscal year", "job_category": "Job category", "group": "Group", "employees": "Employees",
    "share": "Share of employees", "availability": "Availability", "utilization_ratio": "Utilization ratio",
    "expected": "Expected employees", "fewer_than_expected": "Fewer than expected", "z_score": "z",
    "p_value": "p (exact binomial)", "flag": "Flag",
}


def cell_text(row: pd.Series) -> str:
    if row["hidden"]:
        return SUPPRESSED_CELL
    if _missing(row["utilization_ratio"]):
        return "—"
    return f"{float(row['utilization_ratio']):.2f}" + (f" {FLAG}" if row["flagged"] else "")


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
        "cell_text": frame.apply(cell_text, axis=1),
    })


def bars_frame(frame: pd.DataFrame, suppressed_text: str) -> pd.DataFrame:
    """Share and availability per group for `representation_bars` (frame from `with_flags`)."""
    def text(row: pd.Series) -> str:
        if row["hidden"]:
            return suppressed_text
        share = percent(None if _missing(row["share"]) else float(row["share"]))
        return f"{share} {FLAG} {UNDER}" if row["flagged"] else share

    return pd.DataFrame({
        "label": frame["group_code"].map(group_label),
        "share": frame["share"].map(lambda v: None if _missing(v) else float(v)).astype(float),
        "availability": frame["availability"].astype(float),
        "colour": frame["group_code"].map(group_colour),
        "bar_text": frame.apply(text, axis=1),
    })


def trend_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Utilization ratio per group over the years for `trend_lines` (suppressed years stay missing)."""
    values = frame["utilization_ratio"].map(lambda v: None if _missing(v) else float(v))
    hidden = frame["suppressed"].fillna(False).astype(bool)
    return pd.DataFrame({
        "x": frame["fiscal_year"].astype(int),
        "y": values.where(~hidden, None).astype(float),
        "series": frame["group_code"].map(group_label),
        "colour": frame["group_code"].map(group_colour),
        "dash": frame["group_code"].map(group_dash),
    })


def category_phrase(category: str) -> str:
    return "all employees" if category == codes.ALL else job_label(category)


def gap_sentence(row: pd.Series, category: str, place: str) -> str:
    """'Hispanic or Latino employees are 12.3 % of Professionals at the …, against 18.0 % availability — 94
    fewer than expected; the gap is statistically significant (p < 0.001).'"""
    head = (f"{people(row['group_code'])} are {percent(float(row['share']))} of {category_phrase(category)} "
            f"{place}, against {percent(float(row['availability']))} availability")
    shortfall = float(row["shortfall"])
    if shortfall >= 0.5:
        gap = f"{count(shortfall)} fewer than expected"
    elif shortfall <= -0.5:
        return f"{head} — {count(-shortfall)} more than expected."
    else:
        return f"{head} — about as many as expected."
    p = None if _missing(row["p_value"]) else float(row["p_value"])
    if p is not None and p < 0.05:
        return f"{head} — {gap}; the gap is statistically significant ({p_phrase(p)})."
    return f"{head} — {gap}; the gap is within what chance alone could produce ({p_phrase(p)})."


def suppressed_note(hidden: int, suppressed_text: str, noun: str = "cell") -> str:
    if not hidden:
        return ""
    plural = noun if hidden == 1 else noun + "s"
    return f" {hidden} {plural} {'is' if hidden == 1 else 'are'} {suppressed_text} to protect privacy."


def utilization_summary(frame: pd.DataFrame, convention: str, category: str, place: str,
                        suppressed_text: str) -> str:
    """Flag count under the convention, the largest gap in words, and the suppressed cells."""
    shown = frame[~frame["hidden"] & frame["utilization_ratio"].notna()]
    if shown.empty:
        return "No figures can be shown for this selection." + suppressed_note(
            int(frame["hidden"].sum()), suppressed_text)
    flagged = shown[shown["flagged"]]
    unit = "groups" if frame["job_category"].nunique() == 1 else "job category × group cells"
    rule = CONVENTIONS[convention].rule
    lead = f"Under {rule}, {len(flagged)} of {len(shown)} {unit} shown {'is' if len(flagged) == 1 else 'are'} {UNDER}"
    if unit == "groups" and 0 < len(flagged) <= 4:
        lead += ": " + ", ".join(group_label(c) for c in flagged["group_code"])
    note = suppressed_note(int(frame["hidden"].sum()), suppressed_text)
    short = shown[shown["shortfall"].astype(float) >= 0.5]
    if not flagged.empty:
        worst, lead_in = flagged.loc[flagged["shortfall"].astype(float).idxmax()], "The largest gap: "
    elif not short.empty:
        worst, lead_in = short.loc[short["shortfall"].astype(float).idxmax()], "The largest gap, not flagged: "
    else:
        return f"{lead}. No group has at least one employee fewer than availability predicts.{note}"
    return f"{lead}. {lead_in}{gap_sentence(worst, worst['job_category'], place)}{note}"


def trend_summary(frame: pd.DataFrame, year: int, category: str, place: str) -> str:
    """How the chosen year's most under-represented groups moved over the years shown."""
    visible = frame[frame["utilization_ratio"].notna() & ~frame["suppressed"].fillna(False).astype(bool)]
    if visible.empty or visible["fiscal_year"].nunique() < 2:
        return "Fewer than two years of figures can be shown, so there is no trend to describe."
    first, last = int(visible["fiscal_year"].min()), int(visible["fiscal_year"].max())
    now = visible[visible["fiscal_year"] == year].sort_values("utilization_ratio")
    picks = now["group_code"].head(2).tolist()
    parts = []
    for code in picks:
        series = visible[visible["group_code"] == code].sort_values("fiscal_year")
        start, end = float(series["utilization_ratio"].iat[0]), float(series["utilization_ratio"].iat[-1])
        moved = ("little changed" if abs(end - start) < 0.01 else
                 "closer to parity" if abs(1 - end) < abs(1 - start) else "further from parity")
        parts.append(f"{people(code)}: {start:.2f} in {int(series['fiscal_year'].iat[0])}, {end:.2f} in "
                     f"{int(series['fiscal_year'].iat[-1])} ({moved})")
    text = (f"Utilization ratio (share of employees over availability; 1.0 = parity) of each group in "
            f"{category_phrase(category)} {place}, {first}–{last}. ")
    return text + ("Lowest in " + str(year) + " — " + "; ".join(parts) + "." if parts else "")


LARGEST = "Largest shortfall against availability"


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
    largest = {code: f"{group_label(g)}: {count(float(v))} fewer" + (f" {FLAG} {UNDER}" if f else "")
               for code, g, v, f in worst.itertuples(index=False)}
    rows = [LevelRow(str(code), names.get(code, str(code)), "—" if pd.isna(total) else count(float(total)),
                     int(flagged), int(shown), int(hidden), largest.get(code, "—"))
            for code, flagged, shown, hidden, total in summary.itertuples()]
    return sorted(rows, key=lambda r: r.name)


def level_frame(rows: list[LevelRow], unit_label: str, suppressed_text: str) -> pd.DataFrame:
    """The readable table of `next_level_rows` (for the data table and the CSV)."""
    return pd.DataFrame([{unit_label: r.name, "Employees": r.employees,
                          "Groups under-represented": f"{r.flagged} of {r.shown}",
                          "Groups suppressed": r.hidden, LARGEST: r.largest} for r in rows],
                        columns=[unit_label, "Employees", "Groups under-represented", "Groups suppressed", LARGEST])


def link_table(headers: list[str], rows: list[list], caption: str, id_: str) -> html.Table:
    """A plain accessible table: a caption, header cells with scope, the first cell of each row a header."""
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    body = html.Tbody([html.Tr([html.Th(r[0], scope="row", className="fw-normal"),
                                *[html.Td(c) for c in r[1:]]]) for r in rows])
    return html.Div(html.Table([html.Caption(caption, className="caption-top"), head, body],
                               className="table table-sm table-hover align-middle", id=id_),
                    className="table-responsive")


def markdown_link(text: str, href: str) -> str:
    """A markdown link whose text cannot break out of the brackets."""
    clean = "".join("\\" + ch if ch in "[]()*_`\\" else ch for ch in str(text))
    return f"[{clean}]({href.replace(' ', '%20').replace(')', '%29')})"


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
                                       "domLayout": "autoHeight", "ensureDomOrder": True},
                      columnSize="responsiveSizeToFit")


def level_links(rows: list[LevelRow], href_of, unit_label: str, caption: str, id_: str) -> html.Table:
    """`next_level_rows` as a table whose first column links one level down."""
    body = [[dcc.Link(r.name, href=href_of(r.code)), r.employees, f"{r.flagged} of {r.shown}", r.hidden, r.largest]
            for r in rows]
    return link_table([unit_label, "Employees", "Groups under-represented", "Groups suppressed", LARGEST], body,
                      caption, id_)
