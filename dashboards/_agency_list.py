"""Pure transforms behind `/agencies`: one row per agency with its headline figures, the table and summary."""

from __future__ import annotations

import pandas as pd

from components.formatting import count, group_label, percent, ratio

from ._agencies import AAP_STATUS, FINDINGS, PLAN_STATUS, _missing, impact_finding


def _lowest_hire(hires: pd.DataFrame, suppressed_text: str) -> dict[str, tuple[float | None, str]]:
    """Per agency: the lowest visible hire impact ratio with its finding symbol and group."""
    if hires.empty:
        return {}
    hidden = hires["suppressed"].astype(bool)
    ratios = pd.to_numeric(hires["impact_ratio"], errors="coerce").where(~hidden)
    lowest = ratios.dropna().groupby(hires.loc[ratios.dropna().index, "agency_code"]).idxmin()
    out = {code: (None, suppressed_text) for code in hires.loc[hidden, "agency_code"].unique()}
    for code, index in lowest.items():
        row = hires.loc[index]
        symbol = FINDINGS[impact_finding(row)][0]
        out[code] = (
            float(row["impact_ratio"]),
            f"{ratio(row['impact_ratio'])} {symbol} {group_label(row['group_code'])}",
        )
    return out


def _plan_text(plans: pd.DataFrame, year: int) -> dict[str, tuple[str, str]]:
    """Per agency: its latest plan up to the year ('Published (2025)') and its AAP status with symbol."""
    upto = plans[plans["plan_year"] <= year].sort_values("plan_year")
    latest = upto.groupby("agency_code").tail(1)
    return {
        r["agency_code"]: (
            f"{PLAN_STATUS.get(r['status'], r['status'])} ({int(r['plan_year'])})",
            " ".join(AAP_STATUS.get(r["aap_status"], ("", "—"))).strip(),
        )
        for _, r in latest.iterrows()
    }


def _met_text(share: object, goal: object) -> str:
    if _missing(share):
        return "—"
    return f"{percent(share)} {'✔' if float(share) >= float(goal) - 1e-12 else '✖'}"


def _by_agency(frame: pd.DataFrame, year: int | None = None) -> dict[str, dict]:
    rows = frame if year is None else frame[frame["fiscal_year"] == year]
    return {r["agency_code"]: r for r in rows.to_dict("records")}


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
    """One row per agency for the year: headcount, flagged cells, lowest hire ratio, contracting, plan, training.

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
    heads = _by_agency(headcounts[headcounts["job_category"] == "ALL"])
    money, train = _by_agency(contracting, year), _by_agency(training, year)
    low, plan = _lowest_hire(hires, suppressed_text), _plan_text(plans, year)
    rows = []
    for code, name, peer in zip(agencies["agency_code"], agencies["agency_name"], agencies["peer_group"]):
        head, c, m, t = heads.get(code), counts.get(code, {}), money.get(code), train.get(code)
        count_value = None if head is None or _missing(head["headcount"]) else float(head["headcount"])
        rows.append(
            {
                "agency_code": code,
                "agency_name": name,
                "peer_group": peer,
                "employees": None if count_value is None else int(count_value),
                "employees_text": suppressed_text
                if head is not None and bool(head["suppressed"])
                else count(count_value),
                "flagged_cells": int(c.get("flagged", 0)),
                "cells_shown": int(c.get("shown", 0)),
                "cells_hidden": int(c.get("hidden", 0)),
                "lowest_hire": low.get(code, (None, "—"))[0],
                "lowest_hire_text": low.get(code, (None, "—"))[1],
                "small_text": _met_text(m["small_share"], m["small_goal"]) if m else "—",
                "minority_text": _met_text(m["minority_share"], m["minority_goal"]) if m else "—",
                "plan_text": plan.get(code, ("No plan on record", "—"))[0],
                "aap_text": plan.get(code, ("", "—"))[1],
                "training_text": (
                    suppressed_text if t and bool(t["suppressed"]) else percent(t["completion_rate"]) if t else "—"
                ),
            }
        )
    return pd.DataFrame(rows)


LIST_LABELS = {
    "agency_name": "Agency",
    "peer_group": "Peer group",
    "employees_text": "Employees",
    "cells_text": "Significantly under-represented cells",
    "lowest_hire_text": "Lowest hire impact ratio",
    "small_text": "Small business (goal 25 %)",
    "minority_text": "Minority business (goal 6.25 %)",
    "plan_text": "Equity plan",
    "aap_text": "Affirmative-action plan",
    "training_text": "Training completion",
}


def list_table(overview: pd.DataFrame) -> pd.DataFrame:
    """The readable table of `agency_overview` rows (the grid and the CSV)."""
    out = overview.assign(
        cells_text=[
            f"{r.flagged_cells} of {r.cells_shown}" + (f"; {r.cells_hidden} suppressed" if r.cells_hidden else "")
            for r in overview.itertuples()
        ]
    )
    return out[list(LIST_LABELS)].rename(columns=LIST_LABELS)


def list_summary(overview: pd.DataFrame, year: int, peer: str | None) -> str:
    """How many agencies have significant under-representation and adverse impact, in plain words."""
    if overview.empty:
        return "No agencies match this selection."
    which = f"the {len(overview)} {peer} agencies" if peer else f"the {len(overview)} agencies"
    with_cells = overview[overview["flagged_cells"] > 0]
    text = (
        f"In {year}, {len(with_cells)} of {which} have at least one job category × race/ethnicity group "
        "significantly under-represented against availability (exact binomial test, p < 0.05)"
    )
    if not with_cells.empty:
        top = with_cells.sort_values(["flagged_cells", "agency_name"], ascending=[False, True]).iloc[0]
        text += f"; the most: {top['agency_name']} ({int(top['flagged_cells'])} of {int(top['cells_shown'])})"
    fifths = overview["lowest_hire"].astype(float) < 0.8
    return text + (
        f". {int(fifths.sum())} have a group whose hire impact ratio is below four-fifths "
        "(whether it is statistically significant is shown beside it)."
    )
