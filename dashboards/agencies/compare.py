"""`/agencies/<code>` against its peer group and the state: contracting shares, training, equity plans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.casework_words import aap_text
from components.data_text import peer_group_label
from components.formatting import count, percent
from components.i18n import N_, _
from dashboards._shared import rows_of
from dashboards._shared.wording import goal_text

from .transforms import PLAN_STATUS, _flag, _missing

SHARE_SUBJECTS = {
    "small": N_("the small-business share of eligible spend"),
    "minority": N_("the minority-business share of eligible spend"),
}
SCOPE_STYLE = {"agency": ("#000000", "solid", 3), "peer": ("#4d4d4d", "dash", 2), "state": ("#8c8c8c", "dot", 2)}


def scope_names(agency_name: str, peer_group: str) -> dict[str, str]:
    """How each scope is named ('agency', 'peer', 'state'), and the peer group itself ('peer_group')."""
    group = peer_group_label(peer_group)
    return {"agency": agency_name, "peer": _("Other %(peer_group)s agencies", peer_group=group),
            "state": _("Statewide"), "peer_group": group}


def comparison_series(frame: pd.DataFrame, year_column: str, value: str, names: dict[str, str]) -> pd.DataFrame:
    """Lines for `trend_lines`: the agency bold and black, peers dashed, the state dotted."""
    shown = frame[frame[value].notna()]
    scopes = shown["scope"].tolist()
    return pd.DataFrame(
        {
            "x": shown[year_column].astype(int),
            "y": shown[value].astype(float),
            "series": shown["scope"].map(names),
            "colour": [SCOPE_STYLE[s][0] for s in scopes],
            "dash": [SCOPE_STYLE[s][1] for s in scopes],
            "width": [SCOPE_STYLE[s][2] for s in scopes],
        }, index=shown.index,
    )


def _at(frame: pd.DataFrame, year_column: str, year: int, scope: str) -> pd.Series | None:
    """The first row of the year and scope (compared as arrays: a page asks for a dozen of them)."""
    hits = np.flatnonzero((frame[year_column].to_numpy() == year) & (frame["scope"].to_numpy() == scope))
    return frame.iloc[hits[0]] if hits.size else None


def compare_sentence(
    frame: pd.DataFrame,
    year_column: str,
    year: int,
    value: str,
    names: dict[str, str],
    subject: str,
    suppressed_text: str = "",
) -> str:
    """'In 2025, <subject> was 17.6 % at the agency, 19.5 % among other … agencies and 22.1 % statewide.'"""
    own = _at(frame, year_column, year, "agency")
    if own is None:
        return _("No figure for the %(agency)s in %(year)s.", agency=names["agency"], year=year)
    words = {"year": year, "subject": subject, "agency": names["agency"]}
    if _flag(own.get("suppressed")):
        head = _("In %(year)s, %(subject)s at the %(agency)s is %(suppressed)s", suppressed=suppressed_text, **words)
    else:
        head = _("In %(year)s, %(subject)s at the %(agency)s was %(value)s", value=percent(own[value]), **words)
    others = []
    peer = _at(frame, year_column, year, "peer")
    if peer is not None and not _missing(peer[value]):
        group = names.get("peer_group") or names["peer"].removeprefix("Other ").removesuffix(" agencies")
        excluded = int(peer.get("excluded", 0) or 0)
        among = {"value": percent(peer[value]), "agencies": int(peer["agencies"]), "peer_group": group}
        others.append(
            _("%(value)s among the %(agencies)s %(peer_group)s agencies (peer group, %(excluded)s left out as "
              "suppressed)", excluded=excluded, **among)
            if excluded
            else _("%(value)s among the %(agencies)s %(peer_group)s agencies (peer group)", **among)
        )
    state = _at(frame, year_column, year, "state")
    if state is not None and not _missing(state[value]):
        others.append(_("%(value)s statewide", value=percent(state[value])))
    if not others:
        return head + "."
    listed = others[0] if len(others) == 1 else _("%(items)s and %(last)s", items=others[0], last=others[1])
    return _("%(head)s, against %(others)s.", head=head, others=listed)


def contracting_sentence(frame: pd.DataFrame, year: int, kind: str, names: dict[str, str]) -> str:
    """The share against its set-aside goal (CGS 4a-60g), then peers and the state."""
    subject = _(SHARE_SUBJECTS[kind])
    text = compare_sentence(frame, "fiscal_year", year, f"{kind}_share", names, subject)
    own = _at(frame, "fiscal_year", year, "agency")
    if own is None or _missing(own[f"{kind}_share"]):
        return text
    goal = own[f"{kind}_goal"]
    met = float(own[f"{kind}_share"]) >= float(goal) - 1e-12
    verdict = (_("The goal of %(goal)s (CGS 4a-60g) was ✔ met.", goal=goal_text(goal)) if met
               else _("The goal of %(goal)s (CGS 4a-60g) was ✖ not met.", goal=goal_text(goal)))
    return f"{text} {verdict}"


def comparison_table(
    frame: pd.DataFrame,
    year_column: str,
    columns: dict[str, tuple[str, object]],
    names: dict[str, str],
    suppressed_text: str = "",
) -> pd.DataFrame:
    """Years × scopes with readable figures (columns: name → (label, formatter))."""
    rows = []
    for r in rows_of(frame):
        row = {"year": int(r[year_column]), "who": names[r["scope"]]}
        for column, (_label, fmt) in columns.items():
            row[column] = suppressed_text if _flag(r.get("suppressed")) else fmt(r[column])
        rows.append(row)
    labels = {"year": _("Year"), "who": _("Who"), **{c: _(label) for c, (label, _fmt) in columns.items()}}
    return pd.DataFrame(rows, columns=list(labels)).rename(columns=labels)


def plan_sentence(frame: pd.DataFrame, year: int, names: dict[str, str]) -> str:
    """The agency's plan and affirmative-action plan status for the plan year, against peers and the state."""
    years = sorted(y for y in frame["plan_year"].unique() if y <= year) if not frame.empty else []
    own_years = frame[frame["scope"] == "agency"]["plan_year"] if not frame.empty else []
    if not years or not set(own_years) & set(years):
        return _("No equity plan of the %(agency)s is on record for %(year)s or earlier.", agency=names["agency"],
                 year=year)
    plan_year = max(y for y in own_years if y <= year)
    own = _at(frame, "plan_year", plan_year, "agency")
    aap = aap_text(own.get("aap_decision"), own.get("aap_basis"))
    status = (_(PLAN_STATUS[own["status"]]) if own["status"] in PLAN_STATUS else str(own["status"])).lower()
    text = _(
        "The %(agency)s's %(year)s equity plan is %(status)s; %(met)s of %(total)s commitments are met. "
        "Affirmative-action plan (the Commission on Human Rights and Opportunities' decision): %(aap)s.",
        agency=names["agency"], year=plan_year, status=status, met=count(own["commitments_met"]),
        total=count(own["commitments_total"]), aap=aap,
    )
    share = []
    for scope in ("peer", "state"):
        row = _at(frame, "plan_year", plan_year, scope)
        if row is not None:
            whom = names[scope].lower() if scope == "peer" else _("agencies statewide")
            share.append(_("%(share)s of %(whom)s", share=percent(row["published_share"]), whom=whom))
    if share:
        text += " " + _("Published %(year)s plans: %(shares)s.", year=plan_year, shares=", ".join(share))
    return text


def plan_table(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Plan years as rows, scopes side by side: status, AAP status, published share, commitments met."""
    rows = []
    yes, no = _("Yes"), _("No")
    for _i, r in frame.iterrows():
        own = r["scope"] == "agency"
        aap = aap_text(r.get("aap_decision"), r.get("aap_basis")) if own else "—"
        rows.append(
            {
                _("Plan year"): int(r["plan_year"]),
                _("Who"): names[r["scope"]],
                _("Plan status"): _(PLAN_STATUS[r["status"]]) if own and r["status"] in PLAN_STATUS else "—",
                _("Affirmative-action plan"): aap,
                _("Published plan"): (yes if r["published"] else no)
                if own
                else _("%(n)s of %(total)s (%(share)s)", n=int(r["published"]), total=int(r["agencies"]),
                       share=percent(r["published_share"])),
                _("AAP at parity or goals met"): (yes if r["aap_met"] else no)
                if own
                else _("%(n)s of %(total)s", n=int(r["aap_met"]), total=int(r["agencies"])),
                _("Commitments met"): _("%(n)s of %(total)s (%(share)s)", n=count(r["commitments_met"]),
                                        total=count(r["commitments_total"]), share=percent(r["commitments_share"])),
            }
        )
    return pd.DataFrame(rows)
