"""Pure transforms behind the adverse-impact panels (DESIGN §4.2) of the agency scorecard and `/workforce`:
findings headlined by `adverse_impact`, the four-fifths-only view labelled as such, the table, the chart frame,
the sentences and the whole panel (`selection_parts`).

Every figure is read from the `selection_rates` rows the data-access layer gave the viewer; nothing is computed
here but counts of rows and words.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import html

from components.charts import impact_chart
from components.formatting import count, group_label, job_label, number, p_value, percent, ratio
from components.i18n import N_, _, ngettext
from components.panel import ChartParts
from dashboards._shared.workforce import group_colour, order_groups, p_phrase
from data_access import codes

# action → (panel name, action word, pool); the panel name is an English message id, shown through _().
ACTIONS = {
    "hire": (N_("Hires"), "hire", "applicants"),
    "promotion": (N_("Promotions"), "promotion", "eligible employees"),
    "separation": (N_("Separations"), "separation", "employees"),
}
FLIP_FLOP = {
    "hire": N_("one more hire would lift it to four-fifths"),
    "promotion": N_("one more promotion would lift it to four-fifths"),
    "separation": N_("one fewer separation would lift it to four-fifths"),
}
REFERENCE_ZERO = {
    "hire": N_("No ratio: the reference group had no hires"),
    "promotion": N_("No ratio: the reference group had no promotions"),
    "separation": N_("No ratio: everyone in the reference group left"),
}
REFERENCE_WORDS = {
    "hire": N_("Reference group (highest hiring rate)"),
    "promotion": N_("Reference group (highest promotion rate)"),
    "separation": N_("Reference group (highest retention: the lowest separation rate)"),
}
# finding key → (symbol in text, plotly marker symbol, words)
FINDINGS = {
    "adverse_impact": ("▼", "triangle-down", N_("Adverse impact")),
    "four_fifths_only": ("△", "triangle-down-open", N_("Below four-fifths (ratio only), not adverse impact")),
    "significant_only": ("●", "circle", N_("Statistically significant but above four-fifths: not adverse impact")),
    "none": ("✓", "circle-open", N_("No adverse impact")),
    "small_group": ("◌", "circle-open-dot", N_("Too few people to judge: the group is below the reference minimum")),
    "reference": ("◆", "diamond", N_("Reference group")),
    "no_reference": ("—", "x-thin-open", N_("No ratio: no group is large enough to be the reference")),
    "reference_zero": ("—", "x-thin-open", N_("No ratio: the reference group's favourable rate is 0")),
    "reference_suppressed": ("—", "x-thin-open", N_("Not shown: the reference group's figures are suppressed")),
}
LEGEND_KEYS = ("adverse_impact", "four_fifths_only", "significant_only", "none", "small_group", "reference")
IMPACT_LEGEND = [(FINDINGS[k][2], FINDINGS[k][1]) for k in LEGEND_KEYS]
SELECTION_LABELS = {
    "action": N_("Action"),
    "group": N_("Group"),
    "pool": N_("Pool"),
    "selected": N_("Selected"),
    "rate": N_("Rate"),
    "reference_group": N_("Reference group"),
    "reference_eligible": N_("Large enough to be the reference"),
    "impact_ratio": N_("Impact ratio"),
    "z_score": "z",
    "test_p": N_("p (this group against all others)"),
    "test": N_("Test"),
    "finding": N_("Finding"),
}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _flag(value: object) -> bool:
    return False if _missing(value) else bool(value)


def pooled(row: pd.Series) -> bool:
    """Whether a row pools job categories or agencies (its test is Cochran–Mantel–Haenszel, `cmh_p`)."""
    return row.get("job_category", codes.ALL) == codes.ALL or row.get("agency_code") == codes.ALL


def significance_test(row: pd.Series) -> str:
    """The test behind the row's significance, in words."""
    across_agencies = row.get("agency_code") == codes.ALL
    across_jobs = row.get("job_category", codes.ALL) == codes.ALL
    if across_agencies and across_jobs:
        return _("Cochran–Mantel–Haenszel, across agencies and job categories")
    if across_jobs:
        return _("Cochran–Mantel–Haenszel, across job categories")
    if across_agencies:
        return _("Cochran–Mantel–Haenszel, across agencies")
    return _("Fisher exact")


def significance_p(row: pd.Series) -> float | None:
    """The p of the row's test: `cmh_p` for pooled rows, `fisher_p` for one job category of one agency."""
    value = row.get("cmh_p") if pooled(row) else row.get("fisher_p")
    return None if _missing(value) else float(value)


def impact_finding(row: pd.Series) -> str:
    """The finding of one selection-rate row (a key of FINDINGS, or 'suppressed'); `adverse_impact` decides."""
    if _flag(row.get("suppressed")):
        return "suppressed"
    if isinstance(row.get("reference_group"), str) and row["group_code"] == row["reference_group"]:
        return "reference"
    if _flag(row.get("adverse_impact")):
        return "adverse_impact"
    if _missing(row.get("impact_ratio")):
        if _flag(row.get("reference_suppressed")):
            return "reference_suppressed"
        return "reference_zero" if isinstance(row.get("reference_group"), str) else "no_reference"
    if not _flag(row.get("reference_eligible")):
        return "small_group"
    if _flag(row.get("flag_four_fifths")):
        return "four_fifths_only"
    return "significant_only" if _flag(row.get("flag_significant")) else "none"


def _flags(frame: pd.DataFrame, column: str) -> np.ndarray:
    """`_flag` of a column's every value (False for a missing column, as `row.get` gives None)."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.array([_flag(v) for v in frame[column].to_numpy(dtype=object)], dtype=bool)


def impact_findings(frame: pd.DataFrame) -> pd.Series:
    """`impact_finding` of every row, worked out column-wise (a page asks for hundreds of rows' findings)."""
    reference = (frame["reference_group"].to_numpy(dtype=object) if "reference_group" in frame.columns
                 else np.full(len(frame), None, dtype=object))
    has_reference = np.array([isinstance(v, str) for v in reference], dtype=bool)
    is_reference = has_reference & (frame["group_code"].to_numpy(dtype=object) == reference)
    ratios = (frame["impact_ratio"].to_numpy(dtype=object) if "impact_ratio" in frame.columns
              else np.full(len(frame), None, dtype=object))
    no_ratio = np.array([_missing(v) for v in ratios], dtype=bool)
    keys = np.select(
        [_flags(frame, "suppressed"), is_reference, _flags(frame, "adverse_impact"),
         no_ratio & _flags(frame, "reference_suppressed"), no_ratio & has_reference, no_ratio,
         ~_flags(frame, "reference_eligible"), _flags(frame, "flag_four_fifths"), _flags(frame, "flag_significant")],
        ["suppressed", "reference", "adverse_impact", "reference_suppressed", "reference_zero", "no_reference",
         "small_group", "four_fifths_only", "significant_only"], "none")
    return pd.Series(keys.astype(object), index=frame.index, dtype=object)


def why_not(row: pd.Series) -> str:
    """Why a row below four-fifths is not adverse impact, in plain words ('' when it is, or is not below)."""
    if not _flag(row.get("flag_four_fifths")) or _flag(row.get("adverse_impact")):
        return ""
    if not _flag(row.get("flag_significant")):
        return _("not statistically significant, so the difference could be chance")
    return _(FLIP_FLOP[row["action"]])


def finding_words(row: pd.Series, suppressed_text: str) -> str:
    """Symbol and words of a row's finding, with the reason a four-fifths-only row is not adverse impact."""
    key = impact_finding(row)
    if key == "suppressed":
        return suppressed_text
    symbol, words = FINDINGS[key][0], _(FINDINGS[key][2])
    if key == "reference":
        words = _(REFERENCE_WORDS[row["action"]])
    elif key == "reference_zero":
        words = _(REFERENCE_ZERO[row["action"]])
    reason = why_not(row)
    return f"{symbol} {words}" + (f" — {reason}" if reason else "")


def selection_table(frame: pd.DataFrame, suppressed_text: str) -> pd.DataFrame:
    """Readable rows: rate, reference, impact ratio, z and the test's p side by side, and the finding."""

    def hidden(row, text):
        return suppressed_text if _flag(row["suppressed"]) else text

    def eligible(row):
        return "—" if _missing(row.get("reference_eligible")) else (_("yes") if row["reference_eligible"] else _("no"))

    rows = [
        {
            "action": _(ACTIONS[r["action"]][0]),
            "group": group_label(r["group_code"]),
            "pool": hidden(r, count(r["pool"])),
            "selected": hidden(r, count(r["selected"])),
            "rate": hidden(r, percent(r["rate"])),
            "reference_group": group_label(r["reference_group"]) if isinstance(r["reference_group"], str) else "—",
            "reference_eligible": hidden(r, eligible(r)),
            "impact_ratio": hidden(r, ratio(r["impact_ratio"])),
            "z_score": hidden(r, "—" if _missing(r["z_score"]) else number(float(r["z_score"]), 2)),
            "test_p": hidden(r, p_value(significance_p(r))),
            "test": significance_test(r),
            "finding": finding_words(r, suppressed_text),
        }
        for _i, r in frame.iterrows()
    ]
    return pd.DataFrame(rows, columns=list(SELECTION_LABELS))


def impact_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Visible rows for `impact_chart`: one marker per action × group."""
    keys = impact_findings(frame) if not frame.empty else pd.Series(dtype=str)
    shown = frame[(keys != "suppressed") & frame["impact_ratio"].notna()] if not frame.empty else frame
    keys = keys[shown.index] if not frame.empty else keys
    return pd.DataFrame(
        {
            "panel": shown["action"].map(lambda a: _(ACTIONS[a][0])),
            "label": shown["group_code"].map(group_label),
            "impact_ratio": shown["impact_ratio"].astype(float),
            "colour": shown["group_code"].map(group_colour),
            "symbol": keys.map(lambda k: FINDINGS[k][1]),
            "finding_label": keys.map(lambda k: _(FINDINGS[k][2])),
        }
    )


def _finding_line(row: pd.Series) -> str:
    line = _("%(group)s, %(action)s: impact ratio %(ratio)s against %(reference)s, %(p)s (%(test)s)",
             group=group_label(row["group_code"]), action=_(ACTIONS[row["action"]][0]).lower(),
             ratio=ratio(row["impact_ratio"]), reference=group_label(row["reference_group"]),
             p=p_phrase(significance_p(row)), test=significance_test(row))
    if _flag(row.get("adverse_impact")):
        return line + " — " + _("adverse impact")
    return line + " — " + _("not adverse impact: %(reason)s", reason=why_not(row))


def selection_findings(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Worst ratio first: 'adverse_impact' (the headline) and 'four_fifths' (every row below four-fifths on the
    ratio alone, each saying whether the test found adverse impact)."""
    if frame.empty:
        return {"adverse_impact": [], "four_fifths": []}
    visible = frame[~frame["suppressed"].astype("boolean").fillna(False).astype(bool)]
    worst_first = visible.assign(_r=pd.to_numeric(visible["impact_ratio"], errors="coerce")).sort_values(
        "_r", kind="stable")
    adverse = worst_first[worst_first["adverse_impact"].astype("boolean").fillna(False).astype(bool)]
    fifths = worst_first[worst_first["flag_four_fifths"].astype("boolean").fillna(False).astype(bool)]
    return {"adverse_impact": [_finding_line(r) for _i, r in adverse.iterrows()],
            "four_fifths": [_finding_line(r) for _i, r in fifths.iterrows()]}


def selection_summary(frame: pd.DataFrame, year: int, suppressed_text: str, category: str = codes.ALL) -> str:
    """How many results show adverse impact, how many more are below four-fifths on the ratio alone, in words."""
    if frame.empty:
        return _("No hiring, promotion or separation figures for %(year)s.", year=year)
    keys = impact_findings(frame)
    adverse, fifths = int((keys == "adverse_impact").sum()), int((keys == "four_fifths_only").sum())
    if adverse:
        text = ngettext(
            "In %(year)s, %(num)s group result shows adverse impact: its impact ratio is below four-fifths, the "
            "difference is statistically significant, and it does not rest on a single person.",
            "In %(year)s, %(num)s group results show adverse impact: their impact ratio is below four-fifths, the "
            "difference is statistically significant, and it does not rest on a single person.",
            adverse, year=year)
    else:
        text = _("In %(year)s, no group result shows adverse impact.", year=year)
    if fifths:
        text += " " + ngettext(
            "%(num)s more is below four-fifths on the ratio alone, but is not adverse impact: the difference could "
            "be chance or rests on a single person.",
            "%(num)s more are below four-fifths on the ratio alone, but are not adverse impact: the difference could "
            "be chance or rests on a single person.", fifths)
    text += " " + _("The impact ratio is a group's rate over the reference group's; for separations it compares "
                    "retention (the share who stayed), so a group that lost nobody never gets a ratio of 0.")
    if category == codes.ALL:
        text += " " + _("These rows cover all job categories: each group is tested against all others within each "
                        "job category and the results combined (Cochran–Mantel–Haenszel), so a different mix of jobs "
                        "is not read as adverse impact. Choose a job category to see its own rows.")
    else:
        text += " " + _("These are the rows of %(category)s; a job category shows adverse impact only where the "
                        "rows for all job categories do.", category=job_label(category))
    hidden = int((keys == "suppressed").sum())
    if hidden:
        text += " " + ngettext(
            "%(num)s group figure is %(suppressed)s.", "%(num)s group figures are %(suppressed)s.", hidden,
            suppressed=suppressed_text,
        )
    return text


FINDING_HEADINGS = (
    ("adverse_impact", N_("▼ Adverse impact: below four-fifths, statistically significant, more than one person")),
    ("four_fifths", N_("△ Below four-fifths (ratio only, not tested): every ratio under 0.8, with the test's verdict")),
)


def selection_parts(rows: pd.DataFrame, year: int, dimension: str, suppressed_text: str,
                    category: str = codes.ALL, chart_id: str = "agency-selection", place: str | None = None,
                    extra: list | None = None) -> ChartParts:
    """Hires, promotions and separations headlined by adverse impact, with the four-fifths-only view labelled as
    such (`rows`: the selection rates of one agency, or of `ALL` agencies, every year, for `category`); `place`
    names the scope in the title (the scorecard leaves it out: its page names the agency), `extra` follows the
    finding lists."""
    rows = rows[(rows["fiscal_year"] == year) & (rows["group_dimension"] == dimension)]
    rows = order_groups(rows, dimension).sort_values("action", key=lambda s: s.map(list(codes.ACTIONS).index),
                                                     kind="stable")
    figure = impact_chart(impact_frame(rows), {"legend": IMPACT_LEGEND}) if not rows.empty else None
    findings = selection_findings(rows)
    prefix = chart_id.split("-")[0]
    lists = dbc.Row([
        dbc.Col([html.H3(_(heading), className="h6"),
                 html.Ul([html.Li(line) for line in findings[key]] or [html.Li(_("None."))],
                         id=f"{prefix}-findings-{key.replace('_', '-')}", className="small")], md=6)
        for key, heading in FINDING_HEADINGS
    ])
    title = (_("Hiring, promotion and separation: adverse impact, %(year)s", year=year) if category == codes.ALL
             else _("Hiring, promotion and separation in %(category)s: adverse impact, %(year)s",
                    category=job_label(category), year=year))
    if place:
        title = _("%(title)s (%(place)s)", title=title, place=place)
    return ChartParts(
        chart_id, title, selection_summary(rows, year, suppressed_text, category),
        selection_table(rows, suppressed_text), figure, SELECTION_LABELS,
        _("Source: %(tables)s release table.", tables="selection_rates") + " " + _(
            "Adverse impact = below four-fifths, statistically significant (Fisher exact within a job category, "
            "Cochran–Mantel–Haenszel across job categories; Holm-adjusted for the groups tested) and not resting on "
            "one person, as in the Uniform Guidelines (29 CFR 1607.4(D))."),
        extra=[lists, *(extra or [])])
