"""Words and numbers a person can read (DESIGN §11): labels, colours and number formats."""
from __future__ import annotations

import math

GROUP_LABELS = {
    "hispanic": "Hispanic or Latino",
    "white": "White",
    "black": "Black or African American",
    "asian": "Asian",
    "nhpi": "Native Hawaiian or Other Pacific Islander",
    "aian": "American Indian or Alaska Native",
    "two_or_more": "Two or more races",
    "female": "Women",
    "male": "Men",
    "x": "Non-binary or unspecified",
    "lep": "Limited English proficient",
    "total": "All residents",
    "ALL": "Everyone",
}
# Okabe–Ito: colour-blind-safe; each group keeps its colour on every page.
GROUP_COLOURS = {
    "hispanic": "#E69F00",
    "white": "#999999",
    "black": "#0072B2",
    "asian": "#009E73",
    "nhpi": "#CC79A7",
    "aian": "#D55E00",
    "two_or_more": "#56B4E9",
    "female": "#CC79A7",
    "male": "#0072B2",
    "x": "#F0E442",
    "lep": "#882255",
    "total": "#000000",
}
DOMAIN_LABELS = {
    "workforce": "Workforce",
    "selection": "Hiring, promotion and separation",
    "service_access": "Service access",
    "language_access": "Language access",
    "contracting": "Contracting",
    "equity_plans": "Equity plans",
    "training": "Training",
}
JOB_LABELS = {
    "officials_administrators": "Officials and administrators",
    "professionals": "Professionals",
    "technicians": "Technicians",
    "protective_sworn": "Protective service (sworn)",
    "protective_nonsworn": "Protective service (non-sworn)",
    "paraprofessionals": "Paraprofessionals",
    "administrative_support": "Administrative support",
    "skilled_craft": "Skilled craft",
    "service_maintenance": "Service and maintenance",
    "ALL": "All job categories",
}
STATUS_LABELS = {
    "met": ("Target met", "✔"),
    "on_track": ("On track", "↗"),
    "off_track": ("Off track", "✖"),
    "insufficient_data": ("Not enough data yet", "…"),
}
SUPPRESSED = "suppressed (fewer than {k})"


def group_label(code: str) -> str:
    """Readable name of a group code, including race × sex codes."""
    if code in GROUP_LABELS:
        return GROUP_LABELS[code]
    race, _, sex = code.rpartition("_")
    if race in GROUP_LABELS and sex in GROUP_LABELS:
        return f"{GROUP_LABELS[race]} {GROUP_LABELS[sex].lower()}"
    return code


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None, digits: int = 1) -> str:
    """0.1234 → '12.3 %'."""
    return "—" if _missing(value) else f"{value * 100:.{digits}f} %"


def count(value: float | None) -> str:
    """1234 → '1,234'."""
    return "—" if _missing(value) else f"{round(value):,}"


def dollars(value: float | None) -> str:
    """Dollars rounded sensibly: $1.2 million, $45,300."""
    if _missing(value):
        return "—"
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f} million"
    return f"${round(value, -2):,.0f}" if abs(value) >= 10_000 else f"${value:,.0f}"


def ratio(value: float | None) -> str:
    return "—" if _missing(value) else f"{value:.2f}"


def p_value(value: float | None) -> str:
    """'< 0.001' or two significant digits."""
    if _missing(value):
        return "—"
    if value < 0.001:
        return "< 0.001"
    text = f"{value:.2g}"
    # 0.0496 must not read as 0.05 next to "significant at 0.05": keep a third digit there.
    return f"{value:.3g}" if float(text) >= 0.05 > value else text


def interval(value: float | None, low: float | None, high: float | None, fmt=percent) -> str:
    """'12.3 % (10.1–14.6 %)'."""
    if _missing(value):
        return "—"
    if _missing(low) or _missing(high):
        return fmt(value)
    return f"{fmt(value)} ({fmt(low).rstrip(' %')}–{fmt(high)})"


def by_unit(value: float | None, unit: str) -> str:
    """Format a value by its measure unit; `percent` measures are stored as 0–100 (measures.csv, §2)."""
    formats = {"percent": lambda v: "—" if _missing(v) else f"{v:.1f} %", "dollars": dollars, "count": count,
               "ratio": ratio}
    if unit in formats:
        return formats[unit](value)
    if _missing(value):
        return "—"
    suffix = {"minutes": " min", "per_1000": " per 1,000"}.get(unit, "")
    return f"{value:,.1f}{suffix}"
