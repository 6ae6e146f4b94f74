"""Pure transforms behind `/contracting`: set-aside attainment by agency and over time (DESIGN §4.5)."""
from __future__ import annotations

import math

import pandas as pd

from components.data_text import peer_group_label
from components.figures import Axis, Series, ranked_bars, trend_lines
from components.formatting import by_unit, dollars, number, percent
from components.i18n import N_, _, ngettext
from components.panel import ChartParts
from dashboards._shared.wording import goal_text
from data_access import codes

KINDS = {  # kind → (share column, goal column, met column, spend column, words)
    "small": ("small_share", "small_goal", "small_met", "small_business_spend", N_("small businesses")),
    "minority": ("minority_share", "minority_goal", "minority_met", "minority_business_spend",
                 N_("minority business enterprises")),
}
MET = N_("✔ Met")
NOT_MET = N_("✖ Not met")
NO_SPEND = N_("— No eligible spend")
STATEWIDE = N_("All agencies (statewide)")


def statewide() -> str:
    """The name of the statewide line and row, in the viewer's language."""
    return _(STATEWIDE)


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
        return _("$%(amount)s billion", amount=number(value / 1e9, 1))
    return dollars(float(value))


def met_text(met: object) -> str:
    """Met shown by a symbol and a word, never by colour alone."""
    if _missing(met):
        return _(NO_SPEND)
    return _(MET) if bool(met) else _(NOT_MET)


def fiscal_year(year: int) -> str:
    return _("FY%(year)s", year=int(year))


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
    share, goal, met, spend, _words = KINDS[kind]
    return pd.DataFrame({
        "agency": rows["agency_name"].tolist(),
        "agency_code": rows["agency_code"].tolist(),
        "peer_group": [peer_group_label(p) for p in rows["peer_group"]],
        "eligible_spend": _millions(rows["eligible_spend"]),
        "spend": _millions(rows[spend]),
        "share": _percent_points(rows[share], 1),
        "goal": _percent_points(rows[goal], 2),
        "result": [met_text(v) for v in rows[met]],
    })


def ranked_labels(kind: str) -> dict[str, str]:
    words = _(KINDS[kind][4])
    return {"agency": _("Agency"), "agency_code": _("Code"), "peer_group": _("Peer group"),
            "eligible_spend": _("Eligible spend ($ million)"),
            "spend": _("Spend with %(words)s ($ million)", words=words),
            "share": _("Share of eligible spend (%)"), "goal": _("Goal (%)"), "result": _("Goal met?")}


def bar_texts(rows: pd.DataFrame, kind: str) -> list[str]:
    """The words written beside each bar: '27.0 % ✔ Met'."""
    share, _goal, met, _spend, _words = KINDS[kind]
    return [_(NO_SPEND) if _missing(s) else f"{percent(float(s))}  {met_text(m)}"
            for s, m in zip(rows[share], rows[met])]


def pooled_share(rows: pd.DataFrame, kind: str) -> float | None:
    """Spend over eligible spend of the rows together (None without eligible spend)."""
    eligible = rows["eligible_spend"].astype(float).sum()
    return float(rows[KINDS[kind][3]].astype(float).sum() / eligible) if eligible > 0 else None


def ranked_sentence(rows: pd.DataFrame, kind: str, year: int, goal: float | None,
                    peer_group: str | None) -> str:
    """How many agencies met the goal, the pooled share of the agencies shown, and the lowest agency."""
    share, _goal, met, _spend, words = KINDS[kind]
    if rows.empty:
        return _("No agency reported contract spending for %(year)s.", year=fiscal_year(year))
    known = rows.dropna(subset=[share])
    values = {"year": fiscal_year(year), "met": int(known[met].astype(bool).sum()), "total": len(known),
              "goal": goal_text(goal), "words": _(words), "peer": peer_group_label(peer_group or "")}
    if peer_group:
        text = _("In %(year)s, %(met)s of %(total)s %(peer)s agencies with eligible spending met the %(goal)s goal "
                 "for %(words)s.", **values)
    else:
        text = _("In %(year)s, %(met)s of %(total)s agencies with eligible spending met the %(goal)s goal for "
                 "%(words)s.", **values)
    pooled = pooled_share(rows, kind)
    if peer_group and pooled is not None:
        text += " " + _("Together the %(peer)s agencies spent %(share)s of their eligible spending with %(words)s.",
                        share=percent(pooled), **values)
    if not known.empty:
        low = known.loc[known[share].astype(float).idxmin()]
        text += " " + _("The lowest share is %(share)s at the %(agency)s.", share=percent(float(low[share])),
                        agency=low["agency_name"])
    if len(known) < len(rows):
        text += " " + ngettext("%(num)s reported no eligible spending.", "%(num)s reported no eligible spending.",
                               len(rows) - len(known))
    return text


def statewide_sentence(contracting: pd.DataFrame, year: int) -> str:
    """The statewide ALL row in words: both shares against their goals."""
    row = contracting[(contracting["fiscal_year"] == year) & (contracting["agency_code"] == codes.ALL)]
    if row.empty:
        return _("There is no statewide contracting total for %(year)s.", year=fiscal_year(year))
    row = row.iloc[0]
    if _missing(row["small_share"]):
        return _("No eligible contract spending was reported for %(year)s.", year=fiscal_year(year))
    return _("Across all agencies in %(year)s, %(small_share)s of %(eligible)s in eligible spending went to small "
             "businesses, against a goal of %(small_goal)s (%(small_met)s), and %(minority_share)s to minority "
             "business enterprises, against %(minority_goal)s (%(minority_met)s).", year=fiscal_year(year),
             small_share=percent(float(row["small_share"])), eligible=money(float(row["eligible_spend"])),
             small_goal=goal_text(row["small_goal"]), small_met=met_text(row["small_met"]),
             minority_share=percent(float(row["minority_share"])), minority_goal=goal_text(row["minority_goal"]),
             minority_met=met_text(row["minority_met"]))


def trend_table(contracting: pd.DataFrame, agency_code: str, agency_name: str) -> pd.DataFrame:
    """Both shares by fiscal year for the state and, unless it is ALL, one agency (shares in percent)."""
    codes_names = [(codes.ALL, statewide())]
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


TREND_LABELS = {"fiscal_year": N_("Fiscal year"), "who": N_("Agencies"), "small_share": N_("Small-business share (%)"),
                "small_result": N_("Small-business goal met?"), "minority_share": N_("Minority-business share (%)"),
                "minority_result": N_("Minority-business goal met?")}


def trend_sentence(table: pd.DataFrame, who: str) -> str:
    """How one line of the trend moved, and in how many years each goal was met."""
    rows = table[table["who"] == who].dropna(subset=["small_share"])
    if rows.empty:
        return _("There are no contracting figures for %(who)s.", who=who)
    first, last = rows.iloc[0], rows.iloc[-1]
    name = _("all agencies together") if who == statewide() else _("the %(agency)s", agency=who)
    return _("For %(name)s, the small-business share went from %(small_first)s in %(first_year)s to %(small_last)s "
             "in %(last_year)s and the minority-business share from %(minority_first)s to %(minority_last)s; the "
             "small-business goal was met in %(small_met)s of %(years)s years and the minority-business goal in "
             "%(minority_met)s of %(years)s.", name=name,
             small_first=by_unit(first["small_share"], "percent"), first_year=fiscal_year(first["fiscal_year"]),
             small_last=by_unit(last["small_share"], "percent"), last_year=fiscal_year(last["fiscal_year"]),
             minority_first=by_unit(first["minority_share"], "percent"),
             minority_last=by_unit(last["minority_share"], "percent"),
             small_met=int((rows["small_result"] == met_text(True)).sum()),
             minority_met=int((rows["minority_result"] == met_text(True)).sum()), years=len(rows))


SOURCE = N_("Source: agencies' reports of set-aside eligible spending; release table contracting.")


def goal_of(rows: pd.DataFrame, kind: str) -> float | None:
    """The goal of one kind named in the rows (None when no row names it)."""
    goals = rows[KINDS[kind][1]].dropna()
    return float(goals.iloc[0]) if not goals.empty else None


def ranked_parts(rows: pd.DataFrame, kind: str, year: int, peer: str | None) -> ChartParts:
    """The ranked chart of one goal (chart id `contracting-<kind>`): bars, goal line, sentence, table."""
    ordered = ranked(rows, kind)
    share, _goal, met, _spend, words = KINDS[kind]
    goal = goal_of(ordered, kind)
    figure = ranked_bars(ordered["agency_name"].tolist(),
                         [None if pd.isna(v) else float(v) for v in ordered[share]],
                         bar_texts(ordered, kind),
                         [None if pd.isna(v) else bool(v) for v in ordered[met]], goal,
                         _("Goal %(goal)s", goal=goal_text(goal)),
                         Axis(_("Share of eligible spending"), tickformat=".0%"))
    title = _("Share of eligible spending with %(words)s, %(year)s", words=_(words), year=fiscal_year(year))
    title += f" — {peer}" if peer else ""
    return ChartParts(f"contracting-{kind}", title, ranked_sentence(ordered, kind, year, goal, peer),
                      ranked_table(ordered, kind), figure if not ordered.empty else None, ranked_labels(kind),
                      _(SOURCE))


COLOURS = {"small": "#0072B2", "minority": "#E69F00"}


def trend_parts(frame: pd.DataFrame, agencies: pd.DataFrame, agency: str) -> ChartParts:
    """Both set-aside shares over the years, statewide and of one agency (chart id `contracting-trend`)."""
    name = dict(zip(agencies["agency_code"], agencies["agency_name"])).get(agency, statewide())
    table = trend_table(frame, agency, name)
    lines = []
    for who, dash_style in [(statewide(), "solid")] + ([(name, "dash")] if agency != codes.ALL else []):
        part = table[table["who"] == who]
        if part.empty:
            continue
        for kind, label in (("small", _("%(who)s: small business", who=who)),
                            ("minority", _("%(who)s: minority business", who=who))):
            lines.append(Series(label, part["fiscal_year"], part[f"{kind}_share"] / 100,
                                colour=COLOURS[kind], dash=dash_style,
                                symbol="circle" if kind == "small" else "diamond"))
    small_goal, minority_goal = goal_of(frame, "small"), goal_of(frame, "minority")
    goals = [(small_goal, _("Small-business goal %(goal)s", goal=goal_text(small_goal))),
             (minority_goal, _("Minority-business goal %(goal)s", goal=goal_text(minority_goal)))]
    axis = Axis(_("Share of eligible spending"), tickformat=".0%", extra={"rangemode": "tozero"})
    figure = trend_lines(lines, axis, [(g, t) for g, t in goals if g is not None]) if lines else None
    summary = trend_sentence(table, statewide())
    if agency != codes.ALL:
        summary += " " + trend_sentence(table, name)
    title = (_("Set-aside shares over time: %(agency)s and all agencies", agency=name) if agency != codes.ALL
             else _("Set-aside shares over time"))
    return ChartParts("contracting-trend", title, summary, table, figure, TREND_LABELS, _(SOURCE))
