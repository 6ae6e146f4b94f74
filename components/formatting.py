"""Words and numbers a person can read (DESIGN §11): labels, colours and number formats."""
from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

from .i18n import N_, _, language, ngettext, number_locale

GROUP_LABELS = {
    "hispanic": N_("Hispanic or Latino"),
    "white": N_("White"),
    "black": N_("Black or African American"),
    "asian": N_("Asian"),
    "nhpi": N_("Native Hawaiian or Other Pacific Islander"),
    "aian": N_("American Indian or Alaska Native"),
    "two_or_more": N_("Two or more races"),
    "female": N_("Women"),
    "male": N_("Men"),
    "x": N_("Non-binary or unspecified"),
    "lep": N_("Limited English proficient"),
    "total": N_("All residents"),
    "ALL": N_("Everyone"),
}
# Race × sex groups as whole labels, so that Spanish can make the race agree with women or men
# ("Mujeres negras o afroamericanas"); the non-binary group keeps the "%(race)s %(sex_lower)s" form.
RACE_SEX_LABELS = {
    "hispanic_female": N_("Hispanic or Latino women"), "hispanic_male": N_("Hispanic or Latino men"),
    "white_female": N_("White women"), "white_male": N_("White men"),
    "black_female": N_("Black or African American women"), "black_male": N_("Black or African American men"),
    "asian_female": N_("Asian women"), "asian_male": N_("Asian men"),
    "nhpi_female": N_("Native Hawaiian or Other Pacific Islander women"),
    "nhpi_male": N_("Native Hawaiian or Other Pacific Islander men"),
    "aian_female": N_("American Indian or Alaska Native women"),
    "aian_male": N_("American Indian or Alaska Native men"),
    "two_or_more_female": N_("Women of two or more races"), "two_or_more_male": N_("Men of two or more races"),
}
# Groups as whole noun phrases for the middle of a running sentence ("… for Black or African American residents"),
# so that no sentence glues "residents" onto a label: Spanish makes them agree ("residentes negros o
# afroamericanos") and the all-residents groups read "all residents", never "All residents residents".
RESIDENTS_PHRASES = {
    "hispanic": N_("Hispanic or Latino residents"),
    "white": N_("White residents"),
    "black": N_("Black or African American residents"),
    "asian": N_("Asian residents"),
    "nhpi": N_("Native Hawaiian or Other Pacific Islander residents"),
    "aian": N_("American Indian or Alaska Native residents"),
    "two_or_more": N_("residents of two or more races"),
    "female": N_("women residents"),
    "male": N_("men residents"),
    "x": N_("non-binary or unspecified residents"),
    "lep": N_("residents with limited English proficiency"),
    "total": N_("all residents"),
    "ALL": N_("all residents"),
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
    "workforce": N_("Workforce"),
    "selection": N_("Hiring, promotion and separation"),
    "service_access": N_("Service access"),
    "language_access": N_("Language access"),
    "contracting": N_("Contracting"),
    "equity_plans": N_("Equity plans"),
    "training": N_("Training"),
}
JOB_LABELS = {
    "officials_administrators": N_("Officials and administrators"),
    "professionals": N_("Professionals"),
    "technicians": N_("Technicians"),
    "protective_sworn": N_("Protective service (sworn)"),
    "protective_nonsworn": N_("Protective service (non-sworn)"),
    "paraprofessionals": N_("Paraprofessionals"),
    "administrative_support": N_("Administrative support"),
    "skilled_craft": N_("Skilled craft"),
    "service_maintenance": N_("Service and maintenance"),
    "ALL": N_("All job categories"),
}
# Benchmark statuses (DESIGN §4.4, data_access.codes.BENCHMARK_STATUSES): a word and a symbol each, never colour
# alone. The symbol reads against the benchmark's own direction (↗ = towards the target, ↘ = away from it).
STATUS_LABELS = {
    "met": (N_("Target met"), "✔"),
    "on_track": (N_("On track"), "↗"),
    "improving_too_slowly": (N_("Improving, but too slowly"), "↝"),
    "no_detectable_change": (N_("No change beyond noise"), "≈"),
    "moving_away": (N_("Moving away from the target"), "↘"),
    "insufficient_data": (N_("Not enough data yet"), "…"),
}


def group_label(code: str) -> str:
    """Readable name of a group code, including race × sex codes, in the viewer's language."""
    if code in GROUP_LABELS:
        return _(GROUP_LABELS[code])
    if code in RACE_SEX_LABELS:
        return _(RACE_SEX_LABELS[code])
    race, _sep, sex = code.rpartition("_")
    if race in GROUP_LABELS and sex in GROUP_LABELS:
        sex_name = _(GROUP_LABELS[sex])
        return _("%(race)s %(sex_lower)s", race=_(GROUP_LABELS[race]), sex_lower=sex_name.lower())
    return code


def residents(code: str, start: bool = False) -> str:
    """A group's residents as a noun phrase to put inside a sentence ("all residents", "residentes asiáticos");
    `start` capitalises it for the start of a sentence or title. An unknown code reads as the group's label."""
    phrase = _(RESIDENTS_PHRASES[code]) if code in RESIDENTS_PHRASES else _(
        "residents in the group %(group)s", group=group_label(code))
    return phrase[:1].upper() + phrase[1:] if start else phrase


def domain_label(code: str) -> str:
    return _(DOMAIN_LABELS[code]) if code in DOMAIN_LABELS else code


def job_label(code: str) -> str:
    return _(JOB_LABELS[code]) if code in JOB_LABELS else code


def status_label(code: str | None) -> tuple[str, str]:
    """(word, symbol) of a benchmark status; an unknown status reads as itself."""
    if code in STATUS_LABELS:
        word, symbol = STATUS_LABELS[code]
        return _(word), symbol
    return (str(code) if code else "", "")


def suppressed(k: int) -> str:
    """What a suppressed cell says instead of its value (never a zero)."""
    return _("suppressed (fewer than %(k)s)", k=k)


def towns_excluded_note(count: object) -> str:
    """'3 towns not included: their figures are suppressed' (DESIGN §5): the suppressed towns a region, county or
    state figure leaves out; '' when it leaves none out (or the count is missing)."""
    try:
        n = int(count)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if n <= 0:
        return ""
    return ngettext("%(num)s town not included: its figure is suppressed",
                    "%(num)s towns not included: their figures are suppressed", n)


RELEASE_STATUS = {"draft": N_("draft"), "published": N_("published"), "retired": N_("retired")}


def release_status(status: str) -> str:
    return _(RELEASE_STATUS[status]) if status in RELEASE_STATUS else status


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# Below these (14 significant digits) Python writes a rounded number exactly as Babel does (checked against it on
# hundreds of thousands of values in both locales); beyond, and for NaN or infinity, Babel writes it.
EXACT_BELOW = {digits: 10.0 ** (14 - digits) for digits in range(8)}


def number(value: float, digits: int = 0) -> str:
    """A number with US marks in both languages (1,234.5; Spanish uses es_US, as in Puerto Rico)."""
    rounded = round(value, digits)  # as Python's own formatting rounds: the binary value, half to even
    limit = EXACT_BELOW.get(digits, 0.0)
    if -limit < rounded < limit:
        # en_US and es_US both write 1,234.5: Python's own marks, a tenth of Babel's cost (a page writes thousands)
        return f"{rounded:,.{digits}f}"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(rounded, format=pattern, locale=number_locale())


def day(value: date | datetime | None) -> str:
    """A date in the viewer's locale ('November 26, 2026' · '26 de noviembre de 2026')."""
    return "—" if value is None else format_date(value, format="long", locale=language())


def percent(value: float | None, digits: int = 1) -> str:
    """0.1234 → '12.3 %' (the same in Spanish)."""
    return "—" if _missing(value) else f"{number(value * 100, digits)} %"


def count(value: float | None) -> str:
    """1234 → '1,234'."""
    return "—" if _missing(value) else number(round(value))


def dollars(value: float | None) -> str:
    """Dollars rounded sensibly: $1.2 million, $45,300."""
    if _missing(value):
        return "—"
    if abs(value) >= 1e6:
        return _("$%(amount)s million", amount=number(value / 1e6, 1))
    return _("$%(amount)s", amount=number(round(value, -2) if abs(value) >= 10_000 else value))


def ratio(value: float | None) -> str:
    return "—" if _missing(value) else number(value, 2)


def p_value(value: float | None) -> str:
    """'< 0.001' or two significant digits."""
    if _missing(value):
        return "—"
    if value < 0.001:
        return f"< {number(0.001, 3)}"
    text = f"{value:.2g}"
    # 0.0496 must not read as 0.05 next to "significant at 0.05": keep a third digit there.
    text = f"{value:.3g}" if float(text) >= 0.05 > value else text
    return number(float(text), len(text.split(".")[1]) if "." in text else 0)


def interval(value: float | None, low: float | None, high: float | None, fmt=percent) -> str:
    """'12.3 % (10.1–14.6 %)'."""
    if _missing(value):
        return "—"
    if _missing(low) or _missing(high):
        return fmt(value)
    return f"{fmt(value)} ({fmt(low).rstrip(' %')}–{fmt(high)})"


def by_unit(value: float | None, unit: str) -> str:
    """Format a value by its measure unit; `percent` measures are stored as 0–100 (measures.csv, §2)."""
    formats = {"percent": lambda v: "—" if _missing(v) else f"{number(v, 1)} %", "dollars": dollars,
               "count": count, "ratio": ratio}
    if unit in formats:
        return formats[unit](value)
    if _missing(value):
        return "—"
    if unit == "minutes":
        return _("%(value)s min", value=number(value, 1))
    if unit == "per_1000":
        return _("%(value)s per 1,000", value=number(value, 1))
    return number(value, 1)
