"""Pure transforms behind `/agencies` and `/agencies/<code>`: plan statuses, goals, benchmarks, sentences
(adverse impact: `selection.py`)."""

from __future__ import annotations

import math

import pandas as pd

from components.formatting import group_label, number, percent, ratio, status_label
from components.i18n import N_, _
from components.status_words import status_text
from dashboards._shared.wording import METRIC_LABELS, impact_ratio_label
from dashboards._shared.workforce import people

PLAN_STATUS = {
    "not_started": N_("Not started"),
    "drafting": N_("Drafting"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "published": N_("Published"),
}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _flag(value: object) -> bool:
    return False if _missing(value) else bool(value)


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


SUPPRESSED_TREND = N_("Its figures are suppressed, so its trend is not shown.")


def benchmark_rows(progress: pd.DataFrame, year: int) -> list[dict]:
    """Per benchmark: words, value and target, status (symbol and word) and the gap-closing sentence."""
    out = []
    for key, rows in progress.groupby("metric_key", sort=True):
        upto = rows[rows["year"] <= year].sort_values("year")
        if upto.empty:
            continue
        row = upto.iloc[-1]
        word = status_label(row["status"])[0] if isinstance(row["status"], str) else _("no status to show")
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
                "status_text": status_text(row["status"]),
                "sentence": f"{sentence} {gap_closing(row) if isinstance(row['status'], str) else _(SUPPRESSED_TREND)}",
            }
        )
    return out
