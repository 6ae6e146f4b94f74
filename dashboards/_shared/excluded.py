"""Region, county and state figures over towns leave out the suppressed towns (DESIGN §5): how many, per place,
in the words of `components.formatting.towns_excluded_note` — shared by the access, town and disparities pages."""
from __future__ import annotations

import pandas as pd

from components.formatting import towns_excluded_note
from components.i18n import _

COLUMN = "towns_excluded"


def excluded_count(rows: pd.DataFrame, level: str | None = None, geography_id: str | None = None,
                   year: int | None = None) -> int:
    """Suppressed towns left out of the figures of a place (and year): the largest count its rows carry (0 without)."""
    if rows is None or rows.empty or COLUMN not in rows:
        return 0
    keep = pd.Series(True, index=rows.index)
    if level is not None:
        keep &= rows["geography_level"] == level
    if geography_id is not None:
        keep &= rows["geography_id"] == geography_id
    if year is not None:
        keep &= rows["year"].astype(int) == int(year)
    counts = pd.to_numeric(rows.loc[keep, COLUMN], errors="coerce").dropna()
    return int(counts.max()) if not counts.empty else 0


def place_note(place: str, count: int, some_years: bool = False) -> str:
    """'Capitol Planning Region: 1 town not included: its figure is suppressed.' ('' when none is left out)."""
    note = towns_excluded_note(count)
    if not note:
        return ""
    if some_years:
        return _("%(place)s, in some years: %(note)s.", place=place, note=note)
    return _("%(place)s: %(note)s.", place=place, note=note)


def places_note(counts: list[tuple[str, int]]) -> str:
    """The notes of several places in one line ('' when no place leaves a town out)."""
    return " ".join(text for place, count in counts if (text := place_note(place, count)))


def series_note(rows: pd.DataFrame, places: list[tuple[str, str, str]]) -> str:
    """Notes of a trend over the years: per (level, id, name) place its largest count, 'in some years' when the
    count is not the same every year."""
    notes = []
    for level, geo_id, name in places:
        here = rows[(rows["geography_level"] == level) & (rows["geography_id"] == geo_id)] \
            if COLUMN in rows and not rows.empty else rows.iloc[0:0]
        if here.empty:
            continue
        by_year = pd.to_numeric(here.groupby("year")[COLUMN].max(), errors="coerce").fillna(0)
        text = place_note(name, int(by_year.max()), some_years=by_year.nunique() > 1)
        if text:
            notes.append(text)
    return " ".join(notes)


def with_note(sentence: str, note: str) -> str:
    """A summary followed by its towns-excluded note, when there is one."""
    return f"{sentence} {note}" if note else sentence


def notes_by_year(rows: pd.DataFrame, places: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Columns year, place, note: each place's towns-excluded note per year (for a trend's data table)."""
    parts = []
    for level, geo_id, name in places:
        here = rows[(rows["geography_level"] == level) & (rows["geography_id"] == geo_id)] \
            if COLUMN in rows and not rows.empty else rows.iloc[0:0]
        counts = pd.to_numeric(here.groupby("year")[COLUMN].max(), errors="coerce") if not here.empty else None
        if counts is not None:
            parts += [(int(year), name, place_note(name, n)) for year, n in counts.items()]
    return pd.DataFrame(parts, columns=["year", "place", "note"])


def add_notes(table: pd.DataFrame, rows: pd.DataFrame, places: list[tuple[str, str, str]]) -> pd.DataFrame:
    """A year × place trend table with its `note` column ('' where no town is left out)."""
    notes = notes_by_year(rows, places)
    out = table.merge(notes, on=["year", "place"], how="left") if not table.empty else table.assign(note=[])
    return out.assign(note=out["note"].fillna(""))
