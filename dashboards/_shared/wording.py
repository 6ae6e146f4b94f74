"""Wording more than one page area uses: benchmark names (overview, agency scorecards) and statutory goals
(contracting, methodology, agency scorecards) — here so that no area imports another."""
from __future__ import annotations

import math

import pandas as pd

from components.formatting import group_label, number
from components.i18n import N_, _

IMPACT_RATIO_LABELS = {
    "hire": N_("%(group)s hire impact ratio"),
    "promotion": N_("%(group)s promotion impact ratio"),
    "separation": N_("%(group)s separation impact ratio"),
}
METRIC_LABELS = {
    "contracting.small_share": N_("Small-business share of eligible spend"),
    "contracting.minority_share": N_("Minority-business share of eligible spend"),
    "plans.published_share": N_("Agencies with a published equity plan"),
    "training.completion": N_("Employees who completed equity training"),
}


def impact_ratio_label(action: str, group: str) -> str:
    """'Hispanic or Latino hire impact ratio': the benchmark of a group's impact ratio for an action."""
    if action in IMPACT_RATIO_LABELS:
        return _(IMPACT_RATIO_LABELS[action], group=group)
    return _("%(group)s %(action)s impact ratio", group=group, action=action)


def metric_label(key: str, measure_labels: dict[str, str]) -> str:
    """Plain words for a metric key."""
    parts = key.split(".")
    if parts[0] == "workforce" and parts[1] == "share":
        return _("%(group)s share of the state workforce", group=group_label(parts[2]))
    if key == "workforce.underutilized_share":
        return _("Job-category groups significantly under-represented")
    if parts[0] == "selection":
        return impact_ratio_label(parts[1], group_label(parts[3]))
    if parts[0] == "access":
        measure = measure_labels.get(parts[1], parts[1])
        if parts[2] == "value":
            return measure
        return _("%(measure)s: %(group)s against the reference group", measure=measure, group=group_label(parts[3]))
    return _(METRIC_LABELS[key]) if key in METRIC_LABELS else key


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def goal_text(goal: float | None) -> str:
    """A goal share without false zeros: 25 %, 6.25 %."""
    if _missing(goal):
        return "—"
    text = f"{round(goal * 100, 2):g}"
    return f"{number(float(text), len(text.split('.')[1]) if '.' in text else 0)} %"
