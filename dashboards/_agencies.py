"""Pure transforms behind `/agencies` and `/agencies/<code>`: adverse-impact findings, comparisons, sentences."""

from __future__ import annotations

import math

import pandas as pd

from components.formatting import STATUS_LABELS, count, group_label, p_value, percent, ratio

from ._workforce import group_colour, p_phrase, people

ACTIONS = {
    "hire": ("Hires", "hire", "applicants"),
    "promotion": ("Promotions", "promotion", "eligible employees"),
    "separation": ("Separations", "separation", "employees"),
}
PLAN_STATUS = {
    "not_started": "Not started",
    "drafting": "Drafting",
    "submitted": "Submitted",
    "approved": "Approved",
    "published": "Published",
}
AAP_STATUS = {
    "parity": ("✔", "Parity reached"),
    "goals_met": ("✔", "Goals met"),
    "good_faith": ("◐", "Good-faith efforts"),
    "not_approved": ("✖", "Not approved"),
}
SCOPE_STYLE = {"agency": ("#000000", "solid", 3), "peer": ("#4d4d4d", "dash", 2), "state": ("#8c8c8c", "dot", 2)}
# finding key → (symbol in text, plotly marker symbol, words)
FINDINGS = {
    "significant": ("▼", "triangle-down", "Below four-fifths and statistically significant"),
    "four_fifths_only": ("△", "triangle-down-open", "Below four-fifths, not statistically significant"),
    "significant_only": ("●", "circle", "Statistically significant, above four-fifths"),
    "none": ("✓", "circle-open", "No adverse impact indicated"),
    "reference": ("◆", "diamond", "Reference group"),
    "undefined": ("—", "x-thin-open", "No comparison possible"),
}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _flag(value: object) -> bool:
    return False if _missing(value) else bool(value)


def goal_text(goal: float | None) -> str:
    """Goals keep their statutory precision: 0.0625 → '6.25 %', 0.25 → '25 %'."""
    return "—" if _missing(goal) else f"{float(goal) * 100:g} %"


def impact_finding(row: pd.Series) -> str:
    """The finding of one selection-rate row (a key of FINDINGS, or 'suppressed')."""
    if _flag(row.get("suppressed")):
        return "suppressed"
    if row["group_code"] == row["reference_group"]:
        return "reference"
    if _missing(row["impact_ratio"]):
        return "undefined"
    four_fifths, significant = _flag(row["flag_four_fifths"]), _flag(row["flag_significant"])
    if four_fifths:
        return "significant" if significant else "four_fifths_only"
    return "significant_only" if significant else "none"


def flip_flop(row: pd.Series) -> str:
    """The Uniform Guidelines' flip-flop note for a row below four-fifths, else ''."""
    if not _flag(row.get("flag_four_fifths")) or _flag(row.get("practically_significant")):
        return ""
    change = "one fewer separation" if row["action"] == "separation" else f"one more {ACTIONS[row['action']][1]}"
    return f"would pass with {change}"


def finding_words(row: pd.Series, suppressed_text: str) -> str:
    """Symbol and words of a row's finding, with the flip-flop note."""
    key = impact_finding(row)
    if key == "suppressed":
        return suppressed_text
    symbol, _, words = FINDINGS[key]
    if key == "reference":
        words += " (lowest separation rate)" if row["action"] == "separation" else " (highest rate)"
    note = flip_flop(row)
    return f"{symbol} {words}" + (f" — {note}" if note else "")


def selection_table(frame: pd.DataFrame, suppressed_text: str) -> pd.DataFrame:
    """Readable rows: rate, impact ratio, z and Fisher p side by side, and the finding."""

    def hidden(row, text):
        return suppressed_text if _flag(row["suppressed"]) else text

    rows = [
        {
            "action": ACTIONS[r["action"]][0],
            "group": group_label(r["group_code"]),
            "pool": hidden(r, count(r["pool"])),
            "selected": hidden(r, count(r["selected"])),
            "rate": hidden(r, percent(r["rate"])),
            "reference_group": group_label(r["reference_group"]) if isinstance(r["reference_group"], str) else "—",
            "impact_ratio": hidden(r, ratio(r["impact_ratio"])),
            "z_score": hidden(r, "—" if _missing(r["z_score"]) else f"{float(r['z_score']):.2f}"),
            "fisher_p": hidden(r, p_value(None if _missing(r["fisher_p"]) else float(r["fisher_p"]))),
            "finding": finding_words(r, suppressed_text),
        }
        for _, r in frame.iterrows()
    ]
    return pd.DataFrame(rows, columns=list(SELECTION_LABELS))


SELECTION_LABELS = {
    "action": "Action",
    "group": "Group",
    "pool": "Pool",
    "selected": "Selected",
    "rate": "Rate",
    "reference_group": "Reference group",
    "impact_ratio": "Impact ratio",
    "z_score": "z",
    "fisher_p": "Fisher exact p",
    "finding": "Finding",
}


def impact_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Visible rows for `impact_chart`: one marker per action × group."""
    keys = frame.apply(impact_finding, axis=1) if not frame.empty else pd.Series(dtype=str)
    shown = frame[(keys != "suppressed") & frame["impact_ratio"].notna()] if not frame.empty else frame
    keys = keys[shown.index] if not frame.empty else keys
    return pd.DataFrame(
        {
            "panel": shown["action"].map(lambda a: ACTIONS[a][0]),
            "label": shown["group_code"].map(group_label),
            "impact_ratio": shown["impact_ratio"].astype(float),
            "colour": shown["group_code"].map(group_colour),
            "symbol": keys.map(lambda k: FINDINGS[k][1]),
            "finding_label": keys.map(lambda k: FINDINGS[k][2]),
        }
    )


IMPACT_LEGEND = [
    (FINDINGS[k][2], FINDINGS[k][1])
    for k in ("significant", "four_fifths_only", "significant_only", "none", "reference")
]


def _finding_line(row: pd.Series) -> str:
    note = flip_flop(row)
    return (
        f"{group_label(row['group_code'])}, {ACTIONS[row['action']][0].lower()}: impact ratio "
        f"{ratio(row['impact_ratio'])}, Fisher {p_phrase(float(row['fisher_p']))}" + (f" — {note}" if note else "")
    )


def selection_findings(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The two kinds of finding kept apart, worst ratio first: 'significant' and 'four_fifths_only'."""
    if frame.empty:
        return {"significant": [], "four_fifths_only": []}
    keys = frame.apply(impact_finding, axis=1)
    worst_first = frame.assign(_r=pd.to_numeric(frame["impact_ratio"], errors="coerce"))
    return {
        key: [_finding_line(r) for _, r in worst_first[keys == key].sort_values("_r", kind="stable").iterrows()]
        for key in ("significant", "four_fifths_only")
    }


def _results(n: int) -> str:
    return "1 group result is" if n == 1 else f"{n} group results are"


def selection_summary(frame: pd.DataFrame, year: int, suppressed_text: str) -> str:
    """How many results fail four-fifths with and without statistical significance, in plain words."""
    if frame.empty:
        return f"No hiring, promotion or separation figures for {year}."
    keys = frame.apply(impact_finding, axis=1)
    fifths = frame[keys == "four_fifths_only"]
    flips = sum(bool(flip_flop(r)) for _, r in fifths.iterrows())
    significant = int((keys == "significant").sum())
    text = (
        f"In {year}, {_results(significant)} below four-fifths and statistically significant (Fisher exact "
        f"p < 0.05); {_results(len(fifths))} below four-fifths but not statistically significant, so "
        f"{'it' if len(fifths) == 1 else 'they'} could be chance"
        + (f" ({flips} would pass with a single selection more)" if flips else "")
        + ". "
        "The impact ratio is a group's rate over the reference group's (for separations, the reference's rate "
        "over the group's); below 0.8 fails the four-fifths rule."
    )
    hidden = int((keys == "suppressed").sum())
    if hidden:
        text += f" {hidden} group figure{'s are' if hidden > 1 else ' is'} {suppressed_text}."
    return text


# ---------------------------------------------------------------- comparisons with peers and the state
def scope_names(agency_name: str, peer_group: str) -> dict[str, str]:
    return {"agency": agency_name, "peer": f"Other {peer_group} agencies", "state": "Statewide"}


def comparison_series(frame: pd.DataFrame, year_column: str, value: str, names: dict[str, str]) -> pd.DataFrame:
    """Lines for `trend_lines`: the agency bold and black, peers dashed, the state dotted."""
    shown = frame[frame[value].notna()]
    return pd.DataFrame(
        {
            "x": shown[year_column].astype(int),
            "y": shown[value].astype(float),
            "series": shown["scope"].map(names),
            "colour": shown["scope"].map(lambda s: SCOPE_STYLE[s][0]),
            "dash": shown["scope"].map(lambda s: SCOPE_STYLE[s][1]),
            "width": shown["scope"].map(lambda s: SCOPE_STYLE[s][2]),
        }
    )


def _at(frame: pd.DataFrame, year_column: str, year: int, scope: str) -> pd.Series | None:
    rows = frame[(frame[year_column] == year) & (frame["scope"] == scope)]
    return rows.iloc[0] if not rows.empty else None


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
        return f"No figure for the {names['agency']} in {year}."
    if _flag(own.get("suppressed")):
        head = f"In {year}, {subject} at the {names['agency']} is {suppressed_text}"
    else:
        head = f"In {year}, {subject} at the {names['agency']} was {percent(own[value])}"
    others = []
    peer = _at(frame, year_column, year, "peer")
    if peer is not None and not _missing(peer[value]):
        extra = f", {int(peer['excluded'])} left out as suppressed" if int(peer.get("excluded", 0) or 0) else ""
        others.append(
            f"{percent(peer[value])} among the {int(peer['agencies'])} "
            f"{names['peer'].removeprefix('Other ')} (peer group{extra})"
        )
    state = _at(frame, year_column, year, "state")
    if state is not None and not _missing(state[value]):
        others.append(f"{percent(state[value])} statewide")
    return head + (", against " + " and ".join(others) if others else "") + "."


def contracting_sentence(frame: pd.DataFrame, year: int, kind: str, names: dict[str, str]) -> str:
    """The share against its set-aside goal (CGS 4a-60g), then peers and the state."""
    subject = f"the {kind}-business share of eligible spend"
    text = compare_sentence(frame, "fiscal_year", year, f"{kind}_share", names, subject)
    own = _at(frame, "fiscal_year", year, "agency")
    if own is None or _missing(own[f"{kind}_share"]):
        return text
    goal = own[f"{kind}_goal"]
    met = float(own[f"{kind}_share"]) >= float(goal) - 1e-12
    return text + (f" The goal of {goal_text(goal)} (CGS 4a-60g) was " + ("✔ met." if met else "✖ not met."))


def comparison_table(
    frame: pd.DataFrame,
    year_column: str,
    columns: dict[str, tuple[str, object]],
    names: dict[str, str],
    suppressed_text: str = "",
) -> pd.DataFrame:
    """Years × scopes with readable figures (columns: name → (label, formatter))."""
    rows = []
    for _, r in frame.iterrows():
        row = {"year": int(r[year_column]), "who": names[r["scope"]]}
        for column, (_, fmt) in columns.items():
            row[column] = suppressed_text if _flag(r.get("suppressed")) else fmt(r[column])
        rows.append(row)
    labels = {"year": "Year", "who": "Who", **{c: label for c, (label, _) in columns.items()}}
    return pd.DataFrame(rows, columns=list(labels)).rename(columns=labels)


def plan_sentence(frame: pd.DataFrame, year: int, names: dict[str, str]) -> str:
    """The agency's plan and affirmative-action plan status for the plan year, against peers and the state."""
    years = sorted(y for y in frame["plan_year"].unique() if y <= year) if not frame.empty else []
    own_years = frame[frame["scope"] == "agency"]["plan_year"] if not frame.empty else []
    if not years or not set(own_years) & set(years):
        return f"No equity plan of the {names['agency']} is on record for {year} or earlier."
    plan_year = max(y for y in own_years if y <= year)
    own = _at(frame, "plan_year", plan_year, "agency")
    symbol, aap = AAP_STATUS.get(own["aap_status"], ("", str(own["aap_status"])))
    status = PLAN_STATUS.get(own["status"], own["status"]).lower()
    text = (
        f"The {names['agency']}'s {plan_year} equity plan is {status}"
        f"; {count(own['commitments_met'])} of {count(own['commitments_total'])} commitments are met. "
        f"Affirmative-action plan: {symbol} {aap.lower()}."
    )
    share = []
    for scope in ("peer", "state"):
        row = _at(frame, "plan_year", plan_year, scope)
        if row is not None:
            whom = names[scope].lower() if scope == "peer" else "agencies statewide"
            share.append(f"{percent(row['published_share'])} of {whom}")
    if share:
        text += f" Published {plan_year} plans: " + ", ".join(share) + "."
    return text


def plan_table(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Plan years as rows, scopes side by side: status, AAP status, published share, commitments met."""
    rows = []
    for _, r in frame.iterrows():
        own = r["scope"] == "agency"
        symbol, aap = AAP_STATUS.get(r["aap_status"], ("", "")) if own else ("", "")
        rows.append(
            {
                "Plan year": int(r["plan_year"]),
                "Who": names[r["scope"]],
                "Plan status": PLAN_STATUS.get(r["status"], "—") if r["scope"] == "agency" else "—",
                "Affirmative-action plan": f"{symbol} {aap}".strip() or "—",
                "Published plan": ("Yes" if r["published"] else "No")
                if own
                else f"{int(r['published'])} of {int(r['agencies'])} ({percent(r['published_share'])})",
                "AAP at parity or goals met": ("Yes" if r["aap_met"] else "No")
                if own
                else f"{int(r['aap_met'])} of {int(r['agencies'])}",
                "Commitments met": f"{count(r['commitments_met'])} of {count(r['commitments_total'])} "
                f"({percent(r['commitments_share'])})",
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the agency's own benchmarks
def metric_words(key: str) -> str:
    """Plain words for an agency-scope metric key."""
    parts = key.split(".")
    if parts[0] == "workforce" and len(parts) == 3 and parts[1] == "share":
        return f"{people(parts[2])} as a share of the agency's workforce"
    if parts[0] == "selection" and len(parts) == 4:
        return f"{group_label(parts[3])} {ACTIONS.get(parts[1], ('', parts[1]))[1]} impact ratio"
    return {
        "workforce.underutilized_share": "Job category × group cells significantly under-represented",
        "contracting.small_share": "Small-business share of eligible spend",
        "contracting.minority_share": "Minority-business share of eligible spend",
        "training.completion": "Employees who completed equity training",
    }.get(key, key)


def metric_value(key: str, value: object) -> str:
    return ratio(value) if ".impact_ratio." in key else percent(None if _missing(value) else float(value))


def gap_closing(row: pd.Series) -> str:
    """'Is the gap closing beyond noise?' answered from the slope and its 90 % interval."""
    slope, low, high = row["slope"], row["slope_ci_low"], row["slope_ci_high"]
    if _missing(slope):
        return "Fewer than three years of data, so it is too early to say whether the gap is closing."
    toward = (float(row["target_value"]) - float(row["value"])) * float(slope) > 0
    beyond_noise = not (float(low) <= 0 <= float(high))
    if toward and beyond_noise:
        return "The gap is closing beyond year-to-year noise (the 90 % interval of the trend excludes zero)."
    if toward:
        return "The gap may be closing, but not beyond year-to-year noise (the trend's 90 % interval includes zero)."
    if beyond_noise:
        return "The gap is widening beyond year-to-year noise."
    return "The gap is not closing: the trend is flat within year-to-year noise."


def benchmark_rows(progress: pd.DataFrame, year: int) -> list[dict]:
    """Per benchmark: words, value and target, status (symbol and word) and the gap-closing sentence."""
    out = []
    for key, rows in progress.groupby("metric_key", sort=True):
        upto = rows[rows["year"] <= year].sort_values("year")
        if upto.empty:
            continue
        row = upto.iloc[-1]
        word, symbol = STATUS_LABELS.get(row["status"], (str(row["status"]), ""))
        value, target = metric_value(key, row["value"]), metric_value(key, row["target_value"])
        out.append(
            {
                "metric_key": key,
                "label": metric_words(key),
                "year": int(row["year"]),
                "value": value,
                "target": f"{target} by {int(row['target_year'])}",
                "status": row["status"],
                "status_text": f"{symbol} {word}",
                "sentence": f"{metric_words(key)}: {value} in {int(row['year'])}, against a target of "
                f"{target} by {int(row['target_year'])} — {word.lower()}. {gap_closing(row)}",
            }
        )
    return out


# ---------------------------------------------------------------- the agency list
