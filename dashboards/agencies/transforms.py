"""Pure transforms behind `/agencies` and `/agencies/<code>`: adverse-impact findings, benchmarks, sentences."""

from __future__ import annotations

import math

import pandas as pd

from components.formatting import count, group_label, number, p_value, percent, ratio, status_label
from components.i18n import N_, _, ngettext
from dashboards._shared.wording import METRIC_LABELS, impact_ratio_label
from dashboards._shared.workforce import group_colour, p_phrase, people

# action → (panel name, action word, pool); the panel name is an English message id, shown through _().
ACTIONS = {
    "hire": (N_("Hires"), "hire", "applicants"),
    "promotion": (N_("Promotions"), "promotion", "eligible employees"),
    "separation": (N_("Separations"), "separation", "employees"),
}
FLIP_FLOP = {
    "hire": N_("would pass with one more hire"),
    "promotion": N_("would pass with one more promotion"),
    "separation": N_("would pass with one fewer separation"),
}
PLAN_STATUS = {
    "not_started": N_("Not started"),
    "drafting": N_("Drafting"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "published": N_("Published"),
}
# finding key → (symbol in text, plotly marker symbol, words)
FINDINGS = {
    "significant": ("▼", "triangle-down", N_("Below four-fifths and statistically significant")),
    "four_fifths_only": ("△", "triangle-down-open", N_("Below four-fifths, not statistically significant")),
    "significant_only": ("●", "circle", N_("Statistically significant, above four-fifths")),
    "none": ("✓", "circle-open", N_("No adverse impact indicated")),
    "reference": ("◆", "diamond", N_("Reference group")),
    "undefined": ("—", "x-thin-open", N_("No comparison possible")),
    "reference_suppressed": ("—", "x-thin-open", N_("Not shown: the reference group's figures are suppressed")),
}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _flag(value: object) -> bool:
    return False if _missing(value) else bool(value)


def impact_finding(row: pd.Series) -> str:
    """The finding of one selection-rate row (a key of FINDINGS, or 'suppressed')."""
    if _flag(row.get("suppressed")):
        return "suppressed"
    if row["group_code"] == row["reference_group"]:
        return "reference"
    if _missing(row["impact_ratio"]):
        return "reference_suppressed" if _flag(row.get("reference_suppressed")) else "undefined"
    four_fifths, significant = _flag(row["flag_four_fifths"]), _flag(row["flag_significant"])
    if four_fifths:
        return "significant" if significant else "four_fifths_only"
    return "significant_only" if significant else "none"


def flip_flop(row: pd.Series) -> str:
    """The Uniform Guidelines' flip-flop note for a row below four-fifths, else ''."""
    if not _flag(row.get("flag_four_fifths")) or _flag(row.get("practically_significant")):
        return ""
    return _(FLIP_FLOP[row["action"]])


def finding_words(row: pd.Series, suppressed_text: str) -> str:
    """Symbol and words of a row's finding, with the flip-flop note."""
    key = impact_finding(row)
    if key == "suppressed":
        return suppressed_text
    symbol, words = FINDINGS[key][0], _(FINDINGS[key][2])
    if key == "reference":
        words = (_("Reference group (lowest separation rate)") if row["action"] == "separation"
                 else _("Reference group (highest rate)"))
    note = flip_flop(row)
    return f"{symbol} {words}" + (f" — {note}" if note else "")


def selection_table(frame: pd.DataFrame, suppressed_text: str) -> pd.DataFrame:
    """Readable rows: rate, impact ratio, z and Fisher p side by side, and the finding."""

    def hidden(row, text):
        return suppressed_text if _flag(row["suppressed"]) else text

    rows = [
        {
            "action": _(ACTIONS[r["action"]][0]),
            "group": group_label(r["group_code"]),
            "pool": hidden(r, count(r["pool"])),
            "selected": hidden(r, count(r["selected"])),
            "rate": hidden(r, percent(r["rate"])),
            "reference_group": group_label(r["reference_group"]) if isinstance(r["reference_group"], str) else "—",
            "impact_ratio": hidden(r, ratio(r["impact_ratio"])),
            "z_score": hidden(r, "—" if _missing(r["z_score"]) else number(float(r["z_score"]), 2)),
            "fisher_p": hidden(r, p_value(None if _missing(r["fisher_p"]) else float(r["fisher_p"]))),
            "finding": finding_words(r, suppressed_text),
        }
        for _i, r in frame.iterrows()
    ]
    return pd.DataFrame(rows, columns=list(SELECTION_LABELS))


SELECTION_LABELS = {
    "action": N_("Action"),
    "group": N_("Group"),
    "pool": N_("Pool"),
    "selected": N_("Selected"),
    "rate": N_("Rate"),
    "reference_group": N_("Reference group"),
    "impact_ratio": N_("Impact ratio"),
    "z_score": "z",
    "fisher_p": N_("Fisher exact p"),
    "finding": N_("Finding"),
}


def impact_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Visible rows for `impact_chart`: one marker per action × group."""
    keys = frame.apply(impact_finding, axis=1) if not frame.empty else pd.Series(dtype=str)
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


IMPACT_LEGEND = [
    (FINDINGS[k][2], FINDINGS[k][1])
    for k in ("significant", "four_fifths_only", "significant_only", "none", "reference")
]


def _finding_line(row: pd.Series) -> str:
    note = flip_flop(row)
    line = _("%(group)s, %(action)s: impact ratio %(ratio)s, Fisher %(p)s", group=group_label(row["group_code"]),
             action=_(ACTIONS[row["action"]][0]).lower(), ratio=ratio(row["impact_ratio"]),
             p=p_phrase(float(row["fisher_p"])))
    return line + (f" — {note}" if note else "")


def selection_findings(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The two kinds of finding kept apart, worst ratio first: 'significant' and 'four_fifths_only'."""
    if frame.empty:
        return {"significant": [], "four_fifths_only": []}
    keys = frame.apply(impact_finding, axis=1)
    worst_first = frame.assign(_r=pd.to_numeric(frame["impact_ratio"], errors="coerce"))
    return {
        key: [_finding_line(r) for _i, r in worst_first[keys == key].sort_values("_r", kind="stable").iterrows()]
        for key in ("significant", "four_fifths_only")
    }


def selection_summary(frame: pd.DataFrame, year: int, suppressed_text: str) -> str:
    """How many results fail four-fifths with and without statistical significance, in plain words."""
    if frame.empty:
        return _("No hiring, promotion or separation figures for %(year)s.", year=year)
    keys = frame.apply(impact_finding, axis=1)
    fifths = frame[keys == "four_fifths_only"]
    flips = sum(bool(flip_flop(r)) for _i, r in fifths.iterrows())
    significant = int((keys == "significant").sum())
    text = _(
        "In %(year)s, %(significant)s; %(four_fifths)s",
        year=year,
        significant=ngettext(
            "%(num)s group result is below four-fifths and statistically significant (Fisher exact p < 0.05)",
            "%(num)s group results are below four-fifths and statistically significant (Fisher exact p < 0.05)",
            significant,
        ),
        four_fifths=ngettext(
            "%(num)s group result is below four-fifths but not statistically significant, so it could be chance",
            "%(num)s group results are below four-fifths but not statistically significant, so they could be chance",
            len(fifths),
        ),
    )
    if flips:
        text += " " + ngettext("(%(num)s would pass with a single selection more)",
                               "(%(num)s would pass with a single selection more)", flips)
    text += ". " + _(
        "The impact ratio is a group's rate over the reference group's (for separations, the reference's rate "
        "over the group's); below 0.8 fails the four-fifths rule."
    )
    hidden = int((keys == "suppressed").sum())
    if hidden:
        text += " " + ngettext(
            "%(num)s group figure is %(suppressed)s.", "%(num)s group figures are %(suppressed)s.", hidden,
            suppressed=suppressed_text,
        )
    return text


# ---------------------------------------------------------------- the agency's own benchmarks
def metric_words(key: str) -> str:
    """Plain words for an agency-scope metric key."""
    parts = key.split(".")
    if parts[0] == "workforce" and len(parts) == 3 and parts[1] == "share":
        return _("%(people)s as a share of the agency's workforce", people=people(parts[2]))
    if parts[0] == "selection" and len(parts) == 4:
        return impact_ratio_label(parts[1], group_label(parts[3]))
    return _(AGENCY_METRICS[key]) if key in AGENCY_METRICS else key


AGENCY_METRICS = {
    "workforce.underutilized_share": N_("Job category × group cells significantly under-represented"),
    **{key: METRIC_LABELS[key] for key in ("contracting.small_share", "contracting.minority_share",
                                           "training.completion")},
}


def metric_value(key: str, value: object) -> str:
    return ratio(value) if ".impact_ratio." in key else percent(None if _missing(value) else float(value))


def gap_closing(row: pd.Series) -> str:
    """'Is the gap closing beyond noise?' answered from the slope and its 90 % interval."""
    slope, low, high = row["slope"], row["slope_ci_low"], row["slope_ci_high"]
    if _missing(slope):
        return _("Fewer than three years of data, so it is too early to say whether the gap is closing.")
    toward = (float(row["target_value"]) - float(row["value"])) * float(slope) > 0
    beyond_noise = not (float(low) <= 0 <= float(high))
    level = f"{number(90)} %"
    if toward and beyond_noise:
        return _("The gap is closing beyond year-to-year noise (the %(level)s interval of the trend excludes zero).",
                 level=level)
    if toward:
        return _("The gap may be closing, but not beyond year-to-year noise (the trend's %(level)s interval includes "
                 "zero).", level=level)
    if beyond_noise:
        return _("The gap is widening beyond year-to-year noise.")
    return _("The gap is not closing: the trend is flat within year-to-year noise.")


def benchmark_rows(progress: pd.DataFrame, year: int) -> list[dict]:
    """Per benchmark: words, value and target, status (symbol and word) and the gap-closing sentence."""
    out = []
    for key, rows in progress.groupby("metric_key", sort=True):
        upto = rows[rows["year"] <= year].sort_values("year")
        if upto.empty:
            continue
        row = upto.iloc[-1]
        word, symbol = status_label(row["status"])
        value, target = metric_value(key, row["value"]), metric_value(key, row["target_value"])
        target_year = int(row["target_year"])
        sentence = _(
            "%(benchmark)s: %(value)s in %(year)s, against a target of %(target)s by %(target_year)s — %(status)s.",
            benchmark=metric_words(key), value=value, year=int(row["year"]), target=target, target_year=target_year,
            status=word.lower(),
        )
        out.append(
            {
                "metric_key": key,
                "label": metric_words(key),
                "year": int(row["year"]),
                "value": value,
                "target": _("%(target)s by %(year)s", target=target, year=target_year),
                "status": row["status"],
                "status_text": f"{symbol} {word}",
                "sentence": f"{sentence} {gap_closing(row)}",
            }
        )
    return out
