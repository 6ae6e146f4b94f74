"""Behind `/agencies`: one row per agency with its headline figures (the query and the pure transforms), the table,
summary and the list as a chart of its own."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import html

from components.casework_words import aap_text
from components.data_text import peer_group_label
from components.formatting import count, group_label, percent, ratio, suppressed
from components.i18n import N_, _, ngettext
from components.panel import ChartParts
from dashboards._shared import catalog, query_string
from dashboards._shared.selection import FINDINGS
from dashboards._shared.wording import goal_text
from dashboards._shared.workforce import link_grid, with_flags
from data_access import workforce_queries as wq
from data_access.settings import Settings
from data_access.viewer import Viewer

from .transforms import PLAN_STATUS, _missing


def _flags(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column read as True/False, a missing value (or a missing column) as False."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("boolean").fillna(False).astype(bool)


def _hire_findings(hires: pd.DataFrame, suppressed_text: str) -> dict[str, tuple[int, int, str]]:
    """Per agency: groups with adverse impact in hiring, groups below four-fifths on the ratio alone, and the
    words ('▼ Hispanic or Latino (0.50)', '✓ None', or the suppressed text when every group is hidden).

    Column-wise over all agencies at once (a row has `adverse_impact` as its finding, see `impact_finding`, when
    it is shown, is not its comparison's reference group and is flagged)."""
    if hires.empty:
        return {}
    visible = hires[~_flags(hires, "suppressed")]
    reference = (visible["reference_group"] if "reference_group" in visible.columns
                 else pd.Series(None, index=visible.index, dtype=object))
    is_reference = reference.map(lambda v: isinstance(v, str)) & (visible["group_code"] == reference).fillna(False)
    adverse = visible[~is_reference.astype(bool) & _flags(visible, "adverse_impact")]
    adverse = adverse.assign(_r=pd.to_numeric(adverse["impact_ratio"], errors="coerce"))
    adverse = adverse.sort_values("_r", kind="stable")
    fifths = _flags(visible, "flag_four_fifths").groupby(visible["agency_code"], sort=False).sum()
    words = {code: "▼ " + "; ".join(f"{group_label(g)} ({ratio(r)})" for g, r in zip(rows["group_code"],
                                                                                      rows["impact_ratio"]))
             for code, rows in adverse.groupby("agency_code", sort=False)}
    counts = adverse["agency_code"].value_counts()
    none = f"{FINDINGS['none'][0]} {_('None')}"
    return {code: (int(counts.get(code, 0)), int(fifths[code]), words.get(code, none)) if code in fifths.index
            else (0, 0, suppressed_text) for code in hires["agency_code"].unique()}


def _columns(frame: pd.DataFrame, *names: str) -> list[list]:
    """Columns as lists of Python values (a missing column as None on every row), to walk rows cheaply."""
    return [frame[n].tolist() if n in frame.columns else [None] * len(frame) for n in names]


def _plan_text(plans: pd.DataFrame, year: int) -> dict[str, tuple[str, str]]:
    """Per agency: its latest plan up to the year ('Published (2025)') and its AAP status with symbol."""
    upto = plans[plans["plan_year"] <= year].sort_values("plan_year")
    latest = upto.groupby("agency_code").tail(1)
    return {
        code: (f"{_(PLAN_STATUS[status]) if status in PLAN_STATUS else status} ({int(plan_year)})",
               aap_text(decision, basis))
        for code, status, plan_year, decision, basis in zip(*_columns(
            latest, "agency_code", "status", "plan_year", "aap_decision", "aap_basis"))
    }


def _met_text(share: object, goal: object) -> str:
    if _missing(share):
        return "—"
    return f"{percent(share)} {'✔' if float(share) >= float(goal) - 1e-12 else '✖'}"


def _by_agency(frame: pd.DataFrame, year: int | None, *names: str) -> dict[str, dict]:
    """Per agency code: its row's `names` (of the year, when given)."""
    rows = frame if year is None else frame[frame["fiscal_year"] == year]
    return {values[0]: dict(zip(names, values[1:])) for values in zip(*_columns(rows, "agency_code", *names))}


def agency_overview(
    agencies: pd.DataFrame,
    flagged: pd.DataFrame,
    headcounts: pd.DataFrame,
    hires: pd.DataFrame,
    contracting: pd.DataFrame,
    plans: pd.DataFrame,
    training: pd.DataFrame,
    year: int,
    suppressed_text: str,
) -> pd.DataFrame:
    """One row per agency for the year: headcount, flagged cells, adverse impact in hiring, contracting, plan,
    training.

    `flagged` comes from `_workforce.with_flags` (race/ethnicity, the significance convention); the other frames
    are the release tables of that year (contracting, training) or all years (plans), masked for the viewer.
    """
    cells = flagged[flagged["job_category"] != "ALL"]
    counts = pd.DataFrame(
        {
            "agency_code": cells["agency_code"],
            "flagged": cells["flagged"],
            "hidden": cells["hidden"],
            "shown": cells["utilization_ratio"].notna() & ~cells["hidden"],
        }
    )
    counts = counts.groupby("agency_code").sum().to_dict("index")
    heads = _by_agency(headcounts[headcounts["job_category"] == "ALL"], None, "headcount", "suppressed")
    money = _by_agency(contracting, year, "small_share", "small_goal", "minority_share", "minority_goal")
    train = _by_agency(training, year, "suppressed", "completion_rate")
    hire, plan = _hire_findings(hires, suppressed_text), _plan_text(plans, year)
    rows = []
    for code, name, peer in zip(agencies["agency_code"], agencies["agency_name"], agencies["peer_group"]):
        head, c, m, t = heads.get(code), counts.get(code, {}), money.get(code), train.get(code)
        count_value = None if head is None or _missing(head["headcount"]) else float(head["headcount"])
        rows.append(
            {
                "agency_code": code,
                "agency_name": name,
                "peer_group": peer_group_label(peer),
                "employees": None if count_value is None else int(count_value),
                "employees_text": suppressed_text
                if head is not None and bool(head["suppressed"])
                else count(count_value),
                "flagged_cells": int(c.get("flagged", 0)),
                "cells_shown": int(c.get("shown", 0)),
                "cells_hidden": int(c.get("hidden", 0)),
                "hire_adverse": hire.get(code, (0, 0, "—"))[0],
                "hire_four_fifths": hire.get(code, (0, 0, "—"))[1],
                "hire_text": hire.get(code, (0, 0, "—"))[2],
                "small_text": _met_text(m["small_share"], m["small_goal"]) if m else "—",
                "minority_text": _met_text(m["minority_share"], m["minority_goal"]) if m else "—",
                "plan_text": plan[code][0] if code in plan else _("No plan on record"),
                "aap_text": plan.get(code, ("", "—"))[1],
                "training_text": (
                    suppressed_text if t and bool(t["suppressed"]) else percent(t["completion_rate"]) if t else "—"
                ),
            }
        )
    return pd.DataFrame(rows)


LIST_LABELS = {
    "agency_name": N_("Agency"),
    "peer_group": N_("Peer group"),
    "employees_text": N_("Employees"),
    "cells_text": N_("Significantly under-represented cells"),
    "hire_text": N_("Adverse impact in hiring"),
    "small_text": N_("Small business (goal 25 %)"),
    "minority_text": N_("Minority business (goal 6.25 %)"),
    "plan_text": N_("Equity plan"),
    "aap_text": N_("Affirmative-action plan"),
    "training_text": N_("Training completion"),
}


def _cells_text(flagged: int, shown: int, hidden: int) -> str:
    if hidden:
        return _("%(n)s of %(total)s; %(hidden)s suppressed", n=flagged, total=shown, hidden=hidden)
    return _("%(n)s of %(total)s", n=flagged, total=shown)


def list_table(overview: pd.DataFrame) -> pd.DataFrame:
    """The readable table of `agency_overview` rows (the grid and the CSV), headed in the viewer's language."""
    out = overview.assign(
        cells_text=[_cells_text(r.flagged_cells, r.cells_shown, r.cells_hidden) for r in overview.itertuples()]
    )
    return out[list(LIST_LABELS)].rename(columns={key: _(label) for key, label in LIST_LABELS.items()})


def list_summary(overview: pd.DataFrame, year: int, peer: str | None) -> str:
    """How many agencies have significant under-representation and adverse impact, in plain words."""
    if overview.empty:
        return _("No agencies match this selection.")
    with_cells = overview[overview["flagged_cells"] > 0]
    counts = {"year": year, "flagged": len(with_cells), "agencies": len(overview)}
    if peer:
        text = _("In %(year)s, %(flagged)s of the %(agencies)s %(peer_group)s agencies have at least one job category "
                 "× race/ethnicity group significantly under-represented against availability (exact binomial test, "
                 "p < 0.05)", peer_group=peer_group_label(peer), **counts)
    else:
        text = _("In %(year)s, %(flagged)s of the %(agencies)s agencies have at least one job category × "
                 "race/ethnicity group significantly under-represented against availability (exact binomial test, "
                 "p < 0.05)", **counts)
    if not with_cells.empty:
        top = with_cells.sort_values(["flagged_cells", "agency_name"], ascending=[False, True]).iloc[0]
        text = _("%(summary)s; the most: %(agency)s (%(n)s of %(total)s)", summary=text, agency=top["agency_name"],
                 n=int(top["flagged_cells"]), total=int(top["cells_shown"]))
    adverse = int((overview["hire_adverse"] > 0).sum())
    fifths = int((overview["hire_four_fifths"] > 0).sum())
    text = ngettext("%(summary)s. %(num)s has adverse impact in hiring for at least one race/ethnicity group "
                    "(below four-fifths, statistically significant, and not resting on a single person).",
                    "%(summary)s. %(num)s have adverse impact in hiring for at least one race/ethnicity group "
                    "(below four-fifths, statistically significant, and not resting on a single person).",
                    adverse, summary=text)
    return text + " " + ngettext(
        "On the impact ratio alone (below four-fifths, not tested), %(num)s agency has such a group.",
        "On the impact ratio alone (below four-fifths, not tested), %(num)s agencies have such a group.", fifths)


ALL_PEERS = "all"
SOURCE = N_("Sources: workforce_utilization, selection_rates, contracting, equity_plans and training release "
            "tables. Set-aside goals: CGS 4a-60g (%(small)s small contractors, %(minority)s minority business "
            "enterprises).")


def overview_frame(settings: Settings, viewer: Viewer, release_id: str, year: int, peer: str) -> pd.DataFrame:
    """The list's rows for the year and peer group (every query masked for the viewer)."""
    agencies = catalog.agency_list(settings, release_id)
    if peer != ALL_PEERS:
        agencies = agencies[agencies["peer_group"] == peer]
    cells = with_flags(wq.utilization_year(settings, release_id, viewer, year, "race_ethnicity"), "significant")
    heads = wq.utilization_slice(settings, release_id, viewer, year, "all", "ALL")
    hires = wq.selection_year(settings, release_id, viewer, year, "hire", "race_ethnicity")
    return agency_overview(agencies, cells, heads, hires, wq.contracting_rows(settings, release_id),
                           wq.plan_rows(settings, release_id), wq.training_rows(settings, release_id, viewer),
                           year, suppressed(settings.suppression_k))


def agency_grid(overview: pd.DataFrame, release_id: str, year: int, link: Callable[[str], str] = str,
                table: pd.DataFrame | None = None) -> html.Div:
    """The visible, sortable list: each agency's name links to its scorecard for the same release and year
    (`table`: the overview's `list_table`, when the caller has it already)."""
    query = query_string(release=release_id, year=year)
    hrefs = [link(f"/agencies/{code}") + query for code in overview["agency_code"]]
    caption = _("Fiscal year %(year)s. Cells: job category × race/ethnicity groups below availability by the exact "
                "binomial test (p < 0.05). ✔ goal met, ✖ not met. Adverse impact in hiring: ▼ the groups whose hiring "
                "rate is below four-fifths of the reference group's, with a statistically significant difference "
                "across job categories that does not rest on a single person, and their impact ratios; ✓ none. "
                "Sort or filter by any column.", year=year)
    return html.Div([html.P(caption, className="small", id="agencies-caption"),
                     link_grid("agencies-table", list_table(overview) if table is None else table,
                               _(LIST_LABELS["agency_name"]), hrefs)])


def list_parts(overview: pd.DataFrame, release_id: str, year: int, peer: str,
               link: Callable[[str], str] = str) -> ChartParts:
    """Every agency's headline figures (chart id `agencies-list`); `link` makes a path an address of the app."""
    summary = list_summary(overview, year, None if peer == ALL_PEERS else peer)
    source = _(SOURCE, small=goal_text(0.25), minority=goal_text(0.0625))
    table = list_table(overview)
    return ChartParts("agencies-list", _("Agencies"), summary, table, None, None, source,
                      extra=[agency_grid(overview, release_id, year, link, table)])
