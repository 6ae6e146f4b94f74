"""A town's access figures on `/towns/<geoid>`: against its region and the state, over the years, its population."""
from __future__ import annotations

import pandas as pd

from components.formatting import by_unit, group_label, percent, suppressed
from components.i18n import _
from components.maps import LOW_MARK
from dashboards._shared.excluded import places_note

from .transforms import _num, _overlap, interval_text, reliability_text, unit_limits


def compare_word(low: object, high: object, ref_low: object, ref_high: object, direction: str) -> str:
    """'better', 'worse' or 'about the same' — 'about the same' whenever the two intervals overlap."""
    lo, hi, ref_lo, ref_hi = _num(low), _num(high), _num(ref_low), _num(ref_high)
    if _overlap(lo, hi, ref_lo, ref_hi):
        return _("about the same")
    higher = lo > ref_hi
    return _("better") if higher == (direction == "higher_is_better") else _("worse")


def _records(frame: pd.DataFrame) -> dict[tuple[str, int], dict]:
    """Rows by (measure_id, year)."""
    return {(r["measure_id"], int(r["year"])): r for r in frame.to_dict("records")}


def hidden(row: dict | None) -> bool:
    """A town value suppressed for the viewer: marked suppressed and handed out without its value."""
    flag = None if row is None else row.get("suppressed")
    return row is not None and _num(row.get("value")) is None and flag is not None and not pd.isna(flag) and bool(flag)


def profile_rows(town: pd.DataFrame, region: pd.DataFrame, state: pd.DataFrame, measures: pd.DataFrame,
                 year: int, k: int = 5, names: tuple[str, str] = ("", "Connecticut")) -> list[list[str]]:
    """Per measure in `year`: label, town value (interval), reliability, region, state, comparison, note.

    A town value suppressed for the viewer reads "suppressed (fewer than k)"; the note says how many suppressed
    towns the region's and the state's figures (named `names`) leave out (DESIGN §5).
    """
    mine, regions, states = _records(town), _records(region), _records(state)
    rows = []
    for m in measures.itertuples():
        t = mine.get((m.measure_id, year))
        if t is None:
            continue
        value, moe = _num(t["value"]), _num(t["moe"])
        floor, ceiling = unit_limits(m.unit)
        low, high = (None, None) if value is None or moe is None else \
            (max(value - moe, floor), value + moe if ceiling is None else min(value + moe, ceiling))
        reg, st = regions.get((m.measure_id, year)), states.get((m.measure_id, year))
        own = suppressed(k) if hidden(t) else interval_text(value, low, high, m.unit)
        cells = [m.label, own, reliability_text(t["reliability"])]
        for ref in (reg, st):
            cells.append("—" if ref is None else
                         interval_text(ref["weighted_value"], ref["ci_low"], ref["ci_high"], m.unit))
        word = "—" if st is None or value is None else compare_word(
            value if low is None else low, value if high is None else high, st["ci_low"], st["ci_high"],
            m.direction)
        note = places_note([(name, 0 if ref is None else ref.get("towns_excluded"))
                            for name, ref in zip(names, (reg, st))])
        rows.append([*cells, word, note])
    return rows


def trend_rows(town: pd.DataFrame, measures: pd.DataFrame, k: int = 5) -> tuple[list[str], list[list[str]]]:
    """Measures × years of one town; low-reliability values carry the symbol, suppressed ones say so."""
    years = sorted({int(y) for y in town["year"]})
    mine = _records(town)
    rows = []
    for m in measures.itertuples():
        if not any((m.measure_id, y) in mine for y in years):
            continue
        cells = [m.label]
        for y in years:
            row = mine.get((m.measure_id, y))
            text = "—" if row is None else suppressed(k) if hidden(row) else by_unit(_num(row["value"]), m.unit)
            cells.append(f"{text} {LOW_MARK}" if row is not None and row["reliability"] == "low" else text)
        rows.append(cells)
    return [_("Measure"), *[str(y) for y in years]], rows


def population_rows(population: pd.DataFrame, year: int, groups: tuple[str, ...]) -> list[list[str]]:
    """Group, population, ± margin of error and share of the town's total for one year."""
    rows_year = population[population["year"] == year].set_index("group_code")
    total = _num(rows_year.at["total", "population"]) if "total" in rows_year.index else None
    rows = []
    for group in groups:
        if group not in rows_year.index:
            continue
        count, moe = _num(rows_year.at[group, "population"]), _num(rows_year.at[group, "moe"])
        share = "—" if not total or count is None or group == "total" else percent(count / total)
        rows.append([group_label(group), by_unit(count, "count"),
                     "—" if moe is None else f"± {by_unit(moe, 'count')}", share])
    return rows
