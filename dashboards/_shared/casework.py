"""Pure frame-in/frame-out helpers of the casework panels (`/casework` and the agency scorecard): readable tables
and plain-words sentences (DESIGN §4.6, §11)."""
from __future__ import annotations

import math

import pandas as pd

from components import casework_words as cw
from components.formatting import count, group_label, job_label, number, percent, suppressed
from components.i18n import N_, _

ALL = "ALL"
VIEWS = {"basis": cw.BASES, "issue": cw.ISSUES, "outcome": cw.OUTCOMES}
VIEW_WORDS = {"basis": N_("Basis"), "issue": N_("Issue"), "outcome": N_("Outcome")}
STATEWIDE = N_("All state agencies")


def missing(value: object) -> bool:
    """None, NaN or NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def hidden(row: pd.Series | dict) -> bool:
    """A row the viewer may not see in full (suppressed for the public)."""
    value = row.get("suppressed")
    return bool(value) and not missing(value)


def fiscal_year(year: object) -> str:
    return _("FY%(year)s", year=int(year))


def cell(value: object, fmt, is_hidden: bool, k: int) -> str:
    """One figure of a table: the suppressed note, '—' when missing, else formatted."""
    if is_hidden and missing(value):
        return suppressed(k)
    return "—" if missing(value) else fmt(value)


def days(value: object) -> str:
    return _("%(days)s days", days=number(float(value)))


def latest(frame: pd.DataFrame, column: str = "fiscal_year") -> int | None:
    return int(frame[column].max()) if not frame.empty else None


def complaint_table(frame: pd.DataFrame, view: str, k: int) -> pd.DataFrame:
    """complaint_view rows as the page's data table: year, category, filed, closed, open at year end."""
    words = VIEWS[view]
    rows = [{"fiscal_year": int(r["fiscal_year"]), "category": cw.code_label(words, r["category"]),
             "filed": cell(r["filed"], count, hidden(r), k), "closed": cell(r["closed"], count, hidden(r), k),
             "open_at_year_end": cell(r["open_at_year_end"], count, hidden(r), k)}
            for _i, r in frame.iterrows()]
    return pd.DataFrame(rows, columns=["fiscal_year", "category", "filed", "closed", "open_at_year_end"])


COMPLAINT_LABELS = {"fiscal_year": N_("Fiscal year"), "category": N_("Category"), "filed": N_("Filed"),
                    "closed": N_("Closed"), "open_at_year_end": N_("Open at year end")}


def complaint_sentence(frame: pd.DataFrame, totals: pd.DataFrame, view: str, where: str, k: int) -> str:
    """The latest year's total and its most frequent category, and why the categories do not add up."""
    year = latest(totals)
    if year is None:
        return _("No complaints are on record for %(where)s.", where=where)
    total = totals[totals["fiscal_year"] == year].iloc[0]
    counted = "closed" if view == "outcome" else "filed"
    head = _("In %(year)s, %(filed)s complaints were filed against %(where)s.", year=fiscal_year(year),
             filed=cell(total["filed"], count, hidden(total), k), where=where)
    rows = frame[(frame["fiscal_year"] == year)].copy()
    rows["n"] = pd.to_numeric(rows[counted], errors="coerce")
    rows = rows.dropna(subset=["n"]).sort_values("n", ascending=False)
    if not rows.empty:
        top = rows.iloc[0]
        head += " " + _("The most frequent %(view)s was %(category)s (%(n)s).", view=_(VIEW_WORDS[view]).lower(),
                        category=cw.code_label(VIEWS[view], top["category"]), n=count(top["n"]))
    if view == "outcome":
        return head + " " + _("Outcomes count the complaints closed in the year.")
    return head + " " + _("A complaint with several bases or issues counts under each, so the categories add up "
                          "to more than the total.")


def forum_table(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """complaint_forums rows as the data table: year, forum, filed, closed, open at year end."""
    rows = [{"fiscal_year": int(r["fiscal_year"]), "forum": cw.code_label(cw.FORUMS, r["forum"]),
             "filed": cell(r["filed"], count, hidden(r), k), "closed": cell(r["closed"], count, hidden(r), k),
             "open_at_year_end": cell(r["open_at_year_end"], count, hidden(r), k)}
            for _i, r in frame.iterrows()]
    return pd.DataFrame(rows, columns=["fiscal_year", "forum", "filed", "closed", "open_at_year_end"])


FORUM_LABELS = {**COMPLAINT_LABELS, "forum": N_("Forum")}


def forum_sentence(frame: pd.DataFrame, where: str, k: int) -> str:
    """Where the latest year's complaints were filed, forum by forum."""
    year = latest(frame)
    if year is None:
        return _("No complaints are on record for %(where)s.", where=where)
    rows = frame[(frame["fiscal_year"] == year) & (frame["forum"] != ALL)]
    parts = [_("%(forum)s: %(n)s", forum=cw.code_label(cw.FORUMS, r["forum"]),
               n=cell(r["filed"], count, hidden(r), k)) for _i, r in rows.iterrows()]
    return _("Complaints filed in %(year)s by forum — %(parts)s.", year=fiscal_year(year), parts="; ".join(parts))


def closing_table(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """closing_time rows: closed, median and 90th percentile days, share within the limit, open past it."""
    rows = [{"fiscal_year": int(r["fiscal_year"]), "forum": cw.code_label(cw.FORUMS, r["forum"]),
             "closed": cell(r["closed"], count, hidden(r), k),
             "median_days_to_close": cell(r["median_days_to_close"], number, hidden(r), k),
             "p90_days_to_close": cell(r["p90_days_to_close"], number, hidden(r), k),
             "closed_within_limit_share": cell(r["closed_within_limit_share"], percent, hidden(r), k),
             "over_limit_open": cell(r["over_limit_open"], count, hidden(r), k)}
            for _i, r in frame.iterrows()]
    return pd.DataFrame(rows, columns=["fiscal_year", "forum", "closed", "median_days_to_close", "p90_days_to_close",
                                       "closed_within_limit_share", "over_limit_open"])


CLOSING_LABELS = {"fiscal_year": N_("Fiscal year"), "forum": N_("Forum"), "closed": N_("Closed"),
                  "median_days_to_close": N_("Median days to close"),
                  "p90_days_to_close": N_("90th percentile days to close"),
                  "closed_within_limit_share": N_("Closed within the limit"),
                  "over_limit_open": N_("Open past the limit")}


def closing_sentence(frame: pd.DataFrame, limit: int, where: str, k: int) -> str:
    """The latest year's time to close against the limit, and the open cases past it."""
    rows = frame[frame["forum"] == ALL]
    year = latest(rows)
    if year is None:
        return _("No complaints were closed by %(where)s.", where=where)
    r = rows[rows["fiscal_year"] == year].iloc[0]
    if hidden(r) and missing(r["median_days_to_close"]):
        return _("In %(year)s, the time to close the complaints of %(where)s is %(note)s.", year=fiscal_year(year),
                 where=where, note=suppressed(k))
    return _("In %(year)s, half the complaints closed by %(where)s took %(median)s or less and nine in ten took "
             "%(p90)s or less, against a limit of %(limit)s: %(share)s closed within it. %(open)s complaints "
             "still open were past the limit at year end.", year=fiscal_year(year), where=where,
             median=cell(r["median_days_to_close"], days, hidden(r), k),
             p90=cell(r["p90_days_to_close"], days, hidden(r), k), limit=days(limit),
             share=cell(r["closed_within_limit_share"], percent, hidden(r), k),
             open=cell(r["over_limit_open"], count, hidden(r), k))


def accommodation_table(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """accommodation_rows: requests, decisions, granted and denied shares, days to decision, pending."""
    rows = [{"fiscal_year": int(r["fiscal_year"]), "kind": cw.code_label(cw.KINDS, r["kind"]),
             "requests": cell(r["requests"], count, hidden(r), k), "decided": cell(r["decided"], count, hidden(r), k),
             "granted_share": cell(r["granted_share"], percent, hidden(r), k),
             "denied_share": cell(r["denied_share"], percent, hidden(r), k),
             "median_days_to_decision": cell(r["median_days_to_decision"], number, hidden(r), k),
             "decided_within_limit_share": cell(r["decided_within_limit_share"], percent, hidden(r), k),
             "pending_at_year_end": cell(r["pending_at_year_end"], count, hidden(r), k)}
            for _i, r in frame.iterrows()]
    return pd.DataFrame(rows, columns=["fiscal_year", "kind", "requests", "decided", "granted_share", "denied_share",
                                       "median_days_to_decision", "decided_within_limit_share",
                                       "pending_at_year_end"])


ACCOMMODATION_LABELS = {"fiscal_year": N_("Fiscal year"), "kind": N_("Kind of request"), "requests": N_("Requests"),
                        "decided": N_("Decided"), "granted_share": N_("Granted"), "denied_share": N_("Denied"),
                        "median_days_to_decision": N_("Median working days to decision"),
                        "decided_within_limit_share": N_("Decided within the limit"),
                        "pending_at_year_end": N_("Pending at year end")}


def accommodation_sentence(frame: pd.DataFrame, limit: int, where: str, k: int) -> str:
    """The latest year's requests, decisions and their speed against the limit."""
    rows = frame[frame["kind"] == ALL]
    year = latest(rows)
    if year is None:
        return _("No accommodation requests are on record for %(where)s.", where=where)
    r = rows[rows["fiscal_year"] == year].iloc[0]
    h = hidden(r)
    return _("In %(year)s, %(where)s received %(requests)s reasonable-accommodation requests and decided "
             "%(decided)s: %(granted)s granted (or an alternative granted) and %(denied)s denied. Half were decided "
             "within %(median)s working days, against a limit of %(limit)s working days (%(share)s within it); "
             "%(pending)s were pending at year end.", year=fiscal_year(year), where=where,
             requests=cell(r["requests"], count, h, k), decided=cell(r["decided"], count, h, k),
             granted=cell(r["granted_share"], percent, h, k), denied=cell(r["denied_share"], percent, h, k),
             median=cell(r["median_days_to_decision"], number, h, k), limit=count(limit),
             share=cell(r["decided_within_limit_share"], percent, h, k),
             pending=cell(r["pending_at_year_end"], count, h, k))


def goal_label(r: pd.Series) -> str:
    """'Professionals · Hispanic or Latino · Hires'."""
    return " · ".join([job_label(r["job_category"]), group_label(r["group_code"]),
                       cw.code_label(cw.ACTIONS, r["action"])])


def goal_table(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """aap_goals_by_cell rows: job category, group, action, goal, achieved, met in words."""
    rows = []
    for _i, r in frame.iterrows():
        h = hidden(r)
        met = r["met"]
        rows.append({"job_category": job_label(r["job_category"]), "group": group_label(r["group_code"]),
                     "action": cw.code_label(cw.ACTIONS, r["action"]), "goal": cell(r["goal"], count, h, k),
                     "achieved": cell(r["achieved"], count, h, k),
                     "met": suppressed(k) if h and missing(met) else "—" if missing(met)
                     else _("✔ Met") if int(met) else _("✖ Not met")})
    return pd.DataFrame(rows, columns=["job_category", "group", "action", "goal", "achieved", "met"])


GOAL_LABELS = {"job_category": N_("Job category"), "group": N_("Group"), "action": N_("Action"),
               "goal": N_("Goal"), "achieved": N_("Achieved"), "met": N_("Met")}


def goals_sentence(summary: pd.DataFrame, plan_year: int, where: str, statewide: bool, k: int) -> str:
    """'24 of 77 goals met' in the plan year, with the Commission's decision and its basis."""
    rows = summary[summary["plan_year"] == plan_year]
    if rows.empty:
        return _("No affirmative action plan of %(where)s is on record for %(year)s.", where=where, year=plan_year)
    r = rows.iloc[0]
    h = hidden(r)
    if h and missing(r.get("goals_met")):
        text = _("Goals met in the %(year)s plan of %(where)s: %(note)s.", year=plan_year, where=where,
                 note=suppressed(k))
    elif missing(r.get("goals_set")):
        text = _("The %(year)s plan of %(where)s set no goals on record.", year=plan_year, where=where)
    else:
        text = _("%(met)s of %(set)s goals met (%(share)s) in the %(year)s plans of %(where)s.",
                 met=count(r["goals_met"]), set=count(r["goals_set"]), share=percent(r["goals_met_share"]),
                 year=plan_year, where=where)
    if statewide:
        approved = r.get("approved")
        if not missing(approved):
            text += " " + _("The Commission on Human Rights and Opportunities approved %(n)s plans (with or without "
                            "conditions).", n=count(approved))
        return text
    return text + " " + _("The Commission on Human Rights and Opportunities' decision: %(decision)s.",
                          decision=cw.aap_text(r.get("aap_decision"), r.get("aap_basis")))
