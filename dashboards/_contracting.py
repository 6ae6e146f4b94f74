"""Pure transforms behind `/contracting`: set-aside attainment by agency and over time (DESIGN §4.5)."""
from __future__ import annotations

import math

import pandas as pd

from components.figures import Axis, ranked_bars
from components.formatting import dollars, percent
from components.panel import ChartParts
from data_access import codes

KINDS = {  # kind → (share column, goal column, met column, spend column, words)
    "small": ("small_share", "small_goal", "small_met", "small_business_spend", "small businesses"),
    "minority": ("minority_share", "minority_goal", "minority_met", "minority_business_spend",
                 "minority business enterprises"),
}
MET = "✔ Met"
NOT_MET = "✖ Not met"
NO_SPEND = "— No eligible spend"
STATEWIDE = "All agencies (statewide)"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _percent_points(values: pd.Series, digits: int) -> list:
    """Shares 0–1 as percentages rounded for a table (missing stays missing)."""
    return [None if _missing(v) else round(float(v) * 100, digits) for v in values]


def _millions(values: pd.Series) -> list:
    """Dollars in millions with one decimal, for a sortable table column."""
    return [None if _missing(v) else round(float(v) / 1e6, 1) for v in values]


def money(value: float | None) -> str:
    """Dollars a person can read: $3.1 billion, $24.1 million, $45,300."""
    if _missing(value):
        return "—"
    if abs(value) >= 1e9:
        return f"${value / 1e9:,.1f} billion"
    return dollars(float(value))


def goal_text(goal: float | None) -> str:
    """A goal share without false zeros: 25 %, 6.25 %."""
    if _missing(goal):
        return "—"
    return f"{round(goal * 100, 2):g} %"


def met_text(met: object) -> str:
    """Met shown by a symbol and a word, never by colour alone."""
    if _missing(met):
        return NO_SPEND
    return MET if bool(met) else NOT_MET


def fiscal_year(year: int) -> str:
    return f"FY{int(year)}"


def agency_rows(contracting: pd.DataFrame, agencies: pd.DataFrame, year: int,
                peer_group: str | None) -> pd.DataFrame:
    """The agencies' rows of one fiscal year with their names, optionally of one peer group."""
    rows = contracting[(contracting["fiscal_year"] == year) & (contracting["agency_code"] != codes.ALL)]
    rows = rows.merge(agencies, on="agency_code", how="left")
    rows["agency_name"] = rows["agency_name"].fillna(rows["agency_code"])
    if peer_group:
        rows = rows[rows["peer_group"] == peer_group]
    return rows.reset_index(drop=True)


def ranked(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Agencies from the highest share to the lowest (agencies without eligible spend last), ties by name."""
    share = KINDS[kind][0]
    return rows.sort_values([share, "agency_name"], ascending=[False, True], na_position="last",
                            ignore_index=True)


def ranked_table(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """What a ranked chart shows: spend in $ million, share and goal in percent, met in words."""
    share, goal, met, spend, _ = KINDS[kind]
    return pd.DataFrame({
        "agency": rows["agency_name"].tolist(),
        "agency_code": rows["agency_code"].tolist(),
        "peer_group": rows["peer_group"].tolist(),
        "eligible_spend": _millions(rows["eligible_spend"]),
        "spend": _millions(rows[spend]),
        "share": _percent_points(rows[share], 1),
        "goal": _percent_points(rows[goal], 2),
        "result": [met_text(v) for v in rows[met]],
    })


def ranked_labels(kind: str) -> dict[str, str]:
    words = KINDS[kind][4]
    return {"agency": "Agency", "agency_code": "Code", "peer_group": "Peer group",
            "eligible_spend": "Eligible spend ($ million)", "spend": f"Spend with {words} ($ million)",
            "share": "Share of eligible spend (%)", "goal": "Goal (%)", "result": "Goal met?"}


def bar_texts(rows: pd.DataFrame, kind: str) -> list[str]:
    """The words written beside each bar: '27.0 % ✔ Met'."""
    share, _, met, _, _ = KINDS[kind]
    return [NO_SPEND if _missing(s) else f"{percent(float(s))}  {met_text(m)}"
            for s, m in zip(rows[share], rows[met])]


def pooled_share(rows: pd.DataFrame, kind: str) -> float | None:
    """Spend over eligible spend of the rows together (None without eligible spend)."""
    eligible = rows["eligible_spend"].astype(float).sum()
    return float(rows[KINDS[kind][3]].astype(float).sum() / eligible) if eligible > 0 else None


def ranked_sentence(rows: pd.DataFrame, kind: str, year: int, goal: float | None,
                    peer_group: str | None) -> str:
    """How many agencies met the goal, the pooled share of the agencies shown, and the lowest agency."""
    share, _, met, _, words = KINDS[kind]
    if rows.empty:
        return f"No agency reported contract spending for {fiscal_year(year)}."
    known = rows.dropna(subset=[share])
    who = f"{peer_group} agencies" if peer_group else "agencies"
    met_count = int(known[met].astype(bool).sum())
    text = (f"In {fiscal_year(year)}, {met_count} of {len(known)} {who} with eligible spending met the "
            f"{goal_text(goal)} goal for {words}.")
    pooled = pooled_share(rows, kind)
    if peer_group and pooled is not None:
        text += f" Together the {who} spent {percent(pooled)} of their eligible spending with {words}."
    if not known.empty:
        low = known.loc[known[share].astype(float).idxmin()]
        text += f" The lowest share is {percent(float(low[share]))} at the {low['agency_name']}."
    if len(known) < len(rows):
        text += f" {len(rows) - len(known)} reported no eligible spending."
    return text


def statewide_sentence(contracting: pd.DataFrame, year: int) -> str:
    """The statewide ALL row in words: both shares against their goals."""
    row = contracting[(contracting["fiscal_year"] == year) & (contracting["agency_code"] == codes.ALL)]
    if row.empty:
        return f"There is no statewide contracting total for {fiscal_year(year)}."
    row = row.iloc[0]
    if _missing(row["small_share"]):
        return f"No eligible contract spending was reported for {fiscal_year(year)}."
    return (f"Across all agencies in {fiscal_year(year)}, {percent(float(row['small_share']))} of "
            f"{money(float(row['eligible_spend']))} in eligible spending went to small businesses, "
            f"against a goal of {goal_text(row['small_goal'])} ({met_text(row['small_met'])}), and "
            f"{percent(float(row['minority_share']))} to minority business enterprises, against "
            f"{goal_text(row['minority_goal'])} ({met_text(row['minority_met'])}).")


def trend_table(contracting: pd.DataFrame, agency_code: str, agency_name: str) -> pd.DataFrame:
    """Both shares by fiscal year for the state and, unless it is ALL, one agency (shares in percent)."""
    codes_names = [(codes.ALL, STATEWIDE)]
    if agency_code != codes.ALL:
        codes_names.append((agency_code, agency_name))
    parts = []
    for code, name in codes_names:
        rows = contracting[contracting["agency_code"] == code].sort_values("fiscal_year")
        parts.append(pd.DataFrame({
            "fiscal_year": rows["fiscal_year"].astype(int).tolist(), "who": name,
            "small_share": _percent_points(rows["small_share"], 1),
            "small_result": [met_text(v) for v in rows["small_met"]],
            "minority_share": _percent_points(rows["minority_share"], 1),
            "minority_result": [met_text(v) for v in rows["minority_met"]],
        }))
    return pd.concat(parts, ignore_index=True)


TREND_LABELS = {"fiscal_year": "Fiscal year", "who": "Agencies", "small_share": "Small-business share (%)",
                "small_result": "Small-business goal met?", "minority_share": "Minority-business share (%)",
                "minority_result": "Minority-business goal met?"}


def trend_sentence(table: pd.DataFrame, who: str) -> str:
    """How one line of the trend moved, and in how many years each goal was met."""
    rows = table[table["who"] == who].dropna(subset=["small_share"])
    if rows.empty:
        return f"There are no contracting figures for {who}."
    first, last = rows.iloc[0], rows.iloc[-1]
    name = "all agencies together" if who == STATEWIDE else f"the {who}"
    small_met = int((rows["small_result"] == MET).sum())
    minority_met = int((rows["minority_result"] == MET).sum())
    return (f"For {name}, the small-business share went from {first['small_share']:.1f} % in "
            f"{fiscal_year(first['fiscal_year'])} to {last['small_share']:.1f} % in "
            f"{fiscal_year(last['fiscal_year'])} and the minority-business share from "
            f"{first['minority_share']:.1f} % to {last['minority_share']:.1f} %; the small-business goal "
            f"was met in {small_met} of {len(rows)} years and the minority-business goal in {minority_met} "
            f"of {len(rows)}.")


SOURCE = "Source: agencies' reports of set-aside eligible spending; release table contracting."


def goal_of(rows: pd.DataFrame, kind: str) -> float | None:
    """The goal of one kind named in the rows (None when no row names it)."""
    goals = rows[KINDS[kind][1]].dropna()
    return float(goals.iloc[0]) if not goals.empty else None


def ranked_parts(rows: pd.DataFrame, kind: str, year: int, peer: str | None) -> ChartParts:
    """The ranked chart of one goal (chart id `contracting-<kind>`): bars, goal line, sentence, table."""
    ordered = ranked(rows, kind)
    share, _, met, _, words = KINDS[kind]
    goal = goal_of(ordered, kind)
    figure = ranked_bars(ordered["agency_name"].tolist(),
                         [None if pd.isna(v) else float(v) for v in ordered[share]],
                         bar_texts(ordered, kind),
                         [None if pd.isna(v) else bool(v) for v in ordered[met]], goal,
                         f"Goal {goal_text(goal)}", Axis("Share of eligible spending", tickformat=".0%"))
    title = f"Share of eligible spending with {words}, {fiscal_year(year)}"
    title += f" — {peer}" if peer else ""
    return ChartParts(f"contracting-{kind}", title, ranked_sentence(ordered, kind, year, goal, peer),
                      ranked_table(ordered, kind), figure if not ordered.empty else None, ranked_labels(kind),
                      SOURCE)
