"""Pure transforms of `/workforce` alone: the choice of a view, its filter options, bars and trend (the
vocabulary it shares with `/agencies` is in `dashboards._shared.workforce`)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.formatting import group_label, number, percent
from components.i18n import _
from dashboards._shared.workforce import (
    CONVENTIONS,
    DIMENSIONS,
    _missing,
    agency_place,
    category_phrase,
    flag_text,
    group_colour,
    group_dash,
    people,
    workforce_params,
)
from data_access import codes


def dimension_options() -> list[tuple[str, str]]:
    """The group dimensions as (code, label) in the viewer's language."""
    return [(code, _(label)) for code, label in DIMENSIONS.items()]


def convention_options() -> list[tuple[str, str]]:
    """The under-representation tests as (code, label) in the viewer's language."""
    return [(code, c.label) for code, c in CONVENTIONS.items()]


@dataclass(frozen=True)
class Choice:
    release_id: str
    year: int
    agency: str
    category: str
    dimension: str
    convention: str
    agency_name: str

    @property
    def params(self) -> dict:
        return workforce_params(self.release_id, self.year, self.agency, self.category, self.dimension,
                                self.convention)

    @property
    def place(self) -> str:
        return agency_place(None if self.agency == codes.ALL else self.agency_name)


def bars_frame(frame: pd.DataFrame, suppressed_text: str) -> pd.DataFrame:
    """Share and availability per group for `representation_bars` (frame from `with_flags`)."""
    def text(row: pd.Series) -> str:
        if row["hidden"]:
            return suppressed_text
        share = percent(None if _missing(row["share"]) else float(row["share"]))
        return f"{share} {flag_text()}" if row["flagged"] else share

    return pd.DataFrame({
        "label": frame["group_code"].map(group_label),
        "share": frame["share"].map(lambda v: None if _missing(v) else float(v)).astype(float),
        "availability": frame["availability"].astype(float),
        "colour": frame["group_code"].map(group_colour),
        "bar_text": frame.apply(text, axis=1),
    })


def trend_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Utilization ratio per group over the years for `trend_lines` (suppressed years stay missing)."""
    values = frame["utilization_ratio"].map(lambda v: None if _missing(v) else float(v))
    hidden = frame["suppressed"].fillna(False).astype(bool)
    return pd.DataFrame({
        "x": frame["fiscal_year"].astype(int),
        "y": values.where(~hidden, None).astype(float),
        "series": frame["group_code"].map(group_label),
        "colour": frame["group_code"].map(group_colour),
        "dash": frame["group_code"].map(group_dash),
    })


def trend_summary(frame: pd.DataFrame, year: int, category: str, place: str) -> str:
    """How the chosen year's most under-represented groups moved over the years shown."""
    visible = frame[frame["utilization_ratio"].notna() & ~frame["suppressed"].fillna(False).astype(bool)]
    if visible.empty or visible["fiscal_year"].nunique() < 2:
        return _("Fewer than two years of figures can be shown, so there is no trend to describe.")
    first, last = int(visible["fiscal_year"].min()), int(visible["fiscal_year"].max())
    now = visible[visible["fiscal_year"] == year].sort_values("utilization_ratio")
    picks = now["group_code"].head(2).tolist()
    parts = []
    for code in picks:
        series = visible[visible["group_code"] == code].sort_values("fiscal_year")
        start, end = float(series["utilization_ratio"].iat[0]), float(series["utilization_ratio"].iat[-1])
        moved = (_("little changed") if abs(end - start) < 0.01 else
                 _("closer to parity") if abs(1 - end) < abs(1 - start) else _("further from parity"))
        parts.append(_("%(people)s: %(start)s in %(first_year)s, %(end)s in %(last_year)s (%(change)s)",
                       people=people(code), start=number(start, 2), first_year=int(series["fiscal_year"].iat[0]),
                       end=number(end, 2), last_year=int(series["fiscal_year"].iat[-1]), change=moved))
    text = _("Utilization ratio (share of employees over availability; 1.0 = parity) of each group in "
             "%(category)s %(place)s, %(first)s–%(last)s.", category=category_phrase(category), place=place,
             first=first, last=last) + " "
    return text + (_("Lowest in %(year)s — %(groups)s.", year=year, groups="; ".join(parts)) if parts else "")
