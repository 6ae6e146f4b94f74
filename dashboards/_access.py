"""Pure transforms behind `/access` and `/towns/<geoid>`: ranks with honest ranges, sentences, map values."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.formatting import by_unit, group_label, ratio
from components.maps import LOW_MARK, MapValues, MapView, class_colours, hover_template

Bounds = tuple[float, float, float, float]  # west, south, east, north
MAP_WIDTH_PX, MAP_HEIGHT_PX = 640, 490  # the map's drawing area on a laptop screen (fit_view's default)
DIMMED = 0.3  # opacity of towns outside the chosen planning region
UNIT_WORDS = {"percent": "percentage points", "minutes": "minutes", "per_1000": "per 1,000",
              "dollars": "dollars"}


def _num(value: object) -> float | None:
    """A plain float, or None for every kind of missing value."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _strip_unit(text: str, unit: str) -> str:
    suffix = {"percent": " %", "minutes": " min", "per_1000": " per 1,000"}.get(unit, "")
    return text.removesuffix(suffix) if suffix else text


def interval_text(value: object, low: object, high: object, unit: str) -> str:
    """'85.2 % (83.1–87.3 %)'; the value alone when the interval is missing."""
    value, low, high = _num(value), _num(low), _num(high)
    if value is None:
        return "—"
    if low is None or high is None or abs(high - low) < 1e-9:
        return by_unit(value, unit)
    return f"{by_unit(value, unit)} ({_strip_unit(by_unit(low, unit), unit)}–{by_unit(high, unit)})"


def range_text(low: float, high: float, unit: str) -> str:
    """'61.2–80.3 %'."""
    return f"{_strip_unit(by_unit(low, unit), unit)}–{by_unit(high, unit)}"


def measure_phrase(label: str) -> str:
    """A label as it reads mid-sentence ('Households with broadband' → 'households with broadband')."""
    return label[:1].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


# ---------------------------------------------------------------- filters
EVERYONE, ALL_REGIONS = "everyone", "all"


@dataclass(frozen=True)
class Options:
    measures: pd.DataFrame
    years: list[str]
    groups: list[str]
    regions: list[tuple[str, str]]


@dataclass(frozen=True)
class Choice:
    release_id: str
    measure: pd.Series
    year: int
    group: str
    region: str | None

    @property
    def params(self) -> dict:
        return {"release": self.release_id, "measure": self.measure["measure_id"], "year": str(self.year),
                "group": None if self.group == EVERYONE else self.group, "region": self.region}


# ---------------------------------------------------------------- ranks
def rank_text(best: int, worst: int) -> str:
    return str(best) if best == worst else f"{best}–{worst}"


def unit_limits(unit: str) -> tuple[float | None, float | None]:
    """The range a measure's values can take: every unit here is non-negative, percentages stop at 100."""
    return (0.0, 100.0) if unit == "percent" else (0.0, None)


def rank_ranges(frame: pd.DataFrame, higher_is_better: bool,
                limits: tuple[float | None, float | None] = (None, None)) -> pd.DataFrame:
    """Towns best first, each with the range of ranks its 90 % interval allows (value ± moe).

    Best possible rank = 1 + towns whose whole interval is better; worst = n − towns whose whole interval
    is worse. Towns without a moe have a one-point interval; intervals are clipped to `limits` (a share
    cannot be below 0 %). Towns without a value come last, unranked.
    Adds columns low, high, rank_best, rank_worst, rank_text.
    """
    out = frame.copy()
    value = _numbers(out["value"])
    moe = np.nan_to_num(_numbers(out["moe"])) if "moe" in out else np.zeros(len(out))
    out["low"] = np.clip(value - moe, limits[0], None) if limits[0] is not None else value - moe
    out["high"] = np.clip(value + moe, None, limits[1]) if limits[1] is not None else value + moe
    ok = ~np.isnan(value)
    low, high = out["low"].to_numpy()[ok], out["high"].to_numpy()[ok]
    above = (low[None, :] > high[:, None]).sum(axis=1)  # towns certainly higher than town i
    below = (high[None, :] < low[:, None]).sum(axis=1)  # towns certainly lower than town i
    better, worse = (above, below) if higher_is_better else (below, above)
    n = int(ok.sum())
    best, worst = np.zeros(len(out), dtype=np.int64), np.zeros(len(out), dtype=np.int64)
    best[ok], worst[ok] = 1 + better, n - worse
    out["rank_best"] = pd.Series(best, index=out.index, dtype="Int64").where(ok)
    out["rank_worst"] = pd.Series(worst, index=out.index, dtype="Int64").where(ok)
    out["rank_text"] = [rank_text(b, w) if flag else "—"
                        for b, w, flag in zip(best.tolist(), worst.tolist(), ok)]
    out["_sort"] = -value if higher_is_better else value
    name = "town_name" if "town_name" in out else "town_geoid"
    return out.sort_values(["_sort", name], na_position="last", kind="stable").drop(columns="_sort")


def reliability_text(reliability: object) -> str:
    """The reliability word, with the map's symbol for low reliability."""
    if not isinstance(reliability, str) or not reliability:
        return "—"
    return f"{LOW_MARK} low" if reliability == "low" else reliability


# ---------------------------------------------------------------- sentences
def _towns(n: int) -> str:
    return f"{n} town" if n == 1 else f"{n} towns"


def reliability_sentence(frame: pd.DataFrame) -> str:
    if frame["moe"].map(_num).isna().all():
        return "These figures are not survey estimates, so they carry no margin of error."
    low = int((frame["reliability"] == "low").sum())
    if low == 0:
        return "No town has a low-reliability estimate."
    has = "has a low-reliability estimate" if low == 1 else "have low-reliability estimates"
    return f"{_towns(low)} {has} (marked {LOW_MARK})."


def summary_sentence(frame: pd.DataFrame, label: str, unit: str, direction: str, year: int,
                     area: str | None = None, weighted: pd.Series | None = None) -> str:
    """Plain words: the range across the towns shown, the population-weighted figure, reliability."""
    shown = frame[frame["value"].map(_num).notna()]
    where = f" across the {_towns(len(shown))} of {place_name(area)}" if area else \
        f" across {_towns(len(shown))}"
    if shown.empty:
        inside = f" in {place_name(area)}" if area else ""
        return f"In {year}, no town{inside} has a value for {measure_phrase(label)}."
    values = shown["value"].astype(float)
    lo, hi = shown.loc[values.idxmin()], shown.loc[values.idxmax()]
    better = "Higher is better." if direction == "higher_is_better" else "Lower is better."
    parts = [(f"In {year}, {measure_phrase(label)} ranged from {by_unit(float(lo['value']), unit)} in "
             f"{lo['town_name']} to {by_unit(float(hi['value']), unit)} in {hi['town_name']}{where}. "
             f"{better}")]
    if weighted is not None and _num(weighted.get("weighted_value")) is not None:
        figure = interval_text(weighted["weighted_value"], weighted["ci_low"], weighted["ci_high"], unit)
        place = place_name(area or "Connecticut")
        parts.append(f"Weighted by population, the figure for {place} is {figure}.")
    parts.append(reliability_sentence(shown))
    missing = len(frame) - len(shown)
    if missing:
        parts.append(f"{_towns(missing)} {'has' if missing == 1 else 'have'} no estimate.")
    return " ".join(parts)


def difference_text(difference: object, unit: str, short: bool = False) -> str:
    """A signed difference in the measure's unit ('−10.2 percentage points'; short: '−10.2 pts')."""
    value = _num(difference)
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    magnitude = abs(value)
    number = f"{magnitude:,.0f}" if unit in ("dollars", "count") else f"{magnitude:,.2f}" if unit == "ratio" \
        else f"{magnitude:,.1f}"
    if unit == "dollars":
        return f"{sign}${number}"
    words = {"percent": "pts", "minutes": "min"}.get(unit, "") if short else ""
    words = words or UNIT_WORDS.get(unit, "")
    return f"{sign}{number} {words}" if words else f"{sign}{number}"


def _overlap(a_low: float | None, a_high: float | None, b_low: float | None, b_high: float | None) -> bool:
    if None in (a_low, a_high, b_low, b_high):
        return True
    return not (a_low > b_high or a_high < b_low)


def place_name(name: str) -> str:
    """A geography's name as it reads in a sentence ('the Capitol Planning Region', 'Connecticut')."""
    return f"the {name}" if name.endswith(("Region", "County")) and not name.startswith("the ") else name


def group_lens(rows: pd.DataFrame, group: str, geographies: list[tuple[str, str, str]], label: str,
               unit: str, direction: str) -> tuple[str, list[list[str]]]:
    """Group-weighted access of `group` against the reference group in each (level, id, name) geography.

    Returns a sentence and table rows [area, group value (interval), reference value (interval), ratio,
    difference]. Geographies without rows are skipped.
    """
    sentences, table = [], []
    for level, geo_id, name in geographies:
        here = rows[(rows["geography_level"] == level) & (rows["geography_id"] == geo_id)]
        mine = here[here["group_code"] == group]
        if mine.empty:
            continue
        row = mine.iloc[0]
        reference = str(row["reference_group"])
        ref = here[here["group_code"] == reference]
        ref_row = ref.iloc[0] if not ref.empty else None
        mine_text = interval_text(row["weighted_value"], row["ci_low"], row["ci_high"], unit)
        ref_text = "—" if ref_row is None else interval_text(ref_row["weighted_value"], ref_row["ci_low"],
                                                              ref_row["ci_high"], unit)
        table.append([name, mine_text, ref_text, ratio(_num(row["ratio"])),
                      difference_text(row["difference"], unit, short=True)])
        place = place_name(name)
        if not sentences:
            who = f"{group_label(group)} residents"
            if group == reference:
                sentences.append(f"{label}, weighted by where they live: {who} (the reference group) "
                                 f"{mine_text} in {place}.")
                continue
            sentences.append(f"{label}, weighted by where each group lives: {who} {mine_text} against "
                             f"{ref_text} for {group_label(reference)} residents (the reference group) in "
                             f"{place}"
                             f"{_verdict(row, ref_row, unit, direction)}.")
        else:
            verdict = _verdict(row, ref_row, unit, direction)
            sentences.append(f"In {place}: {mine_text} against {ref_text}{verdict}.")
    return " ".join(sentences), table


def _verdict(row: pd.Series, ref_row: pd.Series | None, unit: str, direction: str) -> str:
    """' — worse, beyond the uncertainty of the estimates (ratio 1.65, +2.7 percentage points)'."""
    difference = _num(row["difference"])
    if ref_row is None or difference is None or row["group_code"] == ref_row["group_code"]:
        return ""
    better = (difference > 0) == (direction == "higher_is_better")
    word = "the same" if difference == 0 else "better" if better else "worse"
    noise = _overlap(_num(row["ci_low"]), _num(row["ci_high"]), _num(ref_row["ci_low"]),
                     _num(ref_row["ci_high"]))
    verdict = "the 90 % intervals overlap, so the gap may be noise" if noise else \
        f"{word}, beyond the uncertainty of the estimates"
    return f" — {verdict} (ratio {ratio(_num(row['ratio']))}, {difference_text(difference, unit)})"


# ---------------------------------------------------------------- map
def region_bounds(shapes: pd.DataFrame, towns: pd.DataFrame, region_id: str | None = None) -> Bounds:
    """(west, south, east, north) around the towns of a planning region, or of the whole state."""
    frame = shapes
    if region_id:
        members = towns.loc[towns["region_id"] == region_id, "town_geoid"]
        frame = shapes[shapes["town_geoid"].isin(members)]
    return (float(frame["min_lon"].min()), float(frame["min_lat"].min()),
            float(frame["max_lon"].max()), float(frame["max_lat"].max()))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(bounds: Bounds, width_px: int = MAP_WIDTH_PX, height_px: int = MAP_HEIGHT_PX,
             revision: str = "all") -> MapView:
    """Centre and zoom that fit the bounds in a web-Mercator map of 512-px tiles, with a small margin."""
    west, south, east, north = bounds
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    zoom_x = math.log2(width_px * 360 / (512 * max(east - west, 1e-6)))
    zoom_y = math.log2(height_px * 2 * math.pi / (512 * max(y_north - y_south, 1e-9)))
    centre_lat = math.degrees(2 * math.atan(math.exp((y_south + y_north) / 2)) - math.pi / 2)
    return MapView(lat=round(centre_lat, 5), lon=round((west + east) / 2, 5),
                   zoom=round(min(zoom_x, zoom_y) - 0.15, 2), revision=revision)


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats, NaN for every kind of missing value."""
    return pd.to_numeric(column.astype(object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _classes(frame: pd.DataFrame, value: np.ndarray) -> np.ndarray:
    """Map class per town: the release's class_break, else quintiles of the values."""
    classes = _numbers(frame["class_break"]) if "class_break" in frame else np.full(len(frame), np.nan)
    if not np.isnan(classes).all():
        return classes
    present = ~np.isnan(value)
    if present.sum() < 2:
        return np.where(present, 0.0, np.nan)
    k = min(5, len(np.unique(value[present])))
    return pd.qcut(pd.Series(value).rank(method="first"), k, labels=False).to_numpy(dtype=float)


def _listed(values: np.ndarray, digits: int) -> list[float | None]:
    return [None if math.isnan(v) else v for v in np.round(values, digits).tolist()]


def map_values(frame: pd.DataFrame, label: str, unit: str, direction: str, year: int,
               region_id: str | None = None) -> MapValues:
    """Per-town classes, hover values and colour key for one measure-year (frame in map order).

    With a region, towns outside it are dimmed (their colours stay those of the statewide classes).
    """
    value, moe = _numbers(frame["value"]), _numbers(frame["moe"])
    classes = np.where(np.isnan(value), np.nan, _classes(frame, value))
    present = np.unique(classes[~np.isnan(classes)]).astype(int)  # dense: empty classes are skipped
    dense = np.searchsorted(present, np.nan_to_num(classes, nan=-1).astype(int))
    z = [None if math.isnan(c) else int(d) for c, d in zip(classes.tolist(), dense.tolist())]
    ticktext = [range_text(value[classes == c].min(), value[classes == c].max(), unit) for c in present]
    has_moe = bool((~np.isnan(moe)).any())
    digits = {"dollars": 0, "count": 0, "ratio": 2}.get(unit, 1)  # as shown: no more digits than the label
    rounded = _listed(value, digits)
    customdata = [list(pair) for pair in zip(rounded, _listed(moe, digits))] if has_moe else rounded
    reliability = frame["reliability"].astype(object).where(frame["reliability"].notna(), None)
    text = [_reliability_word(r) for r in reliability] if has_moe else []
    missing = frame[np.isnan(value)]
    worse = "darker = worse (lower)" if direction == "higher_is_better" else "darker = worse (higher)"
    return MapValues(
        z=z, customdata=customdata, text=text, hovertemplate=hover_template(unit, has_moe),
        low=(reliability == "low").tolist(),
        missing=missing["town_geoid"].tolist(), missing_names=missing["town_name"].tolist(),
        colours=class_colours(max(len(present), 1), darker_is_low=direction == "higher_is_better"),
        ticktext=ticktext or [""], title=f"{label}, {year} — {worse}",
        opacity=None if not region_id else np.where(frame["region_id"] == region_id, 1.0, DIMMED).tolist(),
    )


def _reliability_word(reliability: object) -> str:
    return reliability if isinstance(reliability, str) and reliability else "not rated"


# ---------------------------------------------------------------- data table and download
def reliability_convention(cv_high: float, cv_medium: float) -> str:
    """The reliability convention in words (DESIGN §4.3: stated on the page)."""
    return (f"Reliability of survey estimates: high when the coefficient of variation (the standard error "
            f"over the estimate) is at most {cv_high:.0%}, medium up to {cv_medium:.0%}, low above that "
            f"(marked {LOW_MARK}). Intervals are 90 % margins of error.")


def data_frame(frame: pd.DataFrame, measure_id: str, year: int, unit: str) -> pd.DataFrame:
    """The figures shown, as plain columns for a CSV download."""
    out = frame.copy()
    value, moe = out["value"].map(_num).astype(float), out["moe"].map(_num).astype(float)
    out.insert(0, "year", int(year))
    out.insert(1, "measure_id", measure_id)
    low, high = unit_limits(unit)
    out["interval_low"], out["interval_high"] = (value - moe).clip(lower=low), (value + moe).clip(upper=high)
    columns = ["year", "measure_id", "town_geoid", "town_name", "region_name", "value", "moe", "interval_low",
               "interval_high", "cv", "reliability", "numerator", "denominator", "class_break"]
    return out[columns].sort_values("town_name", ignore_index=True)


def data_rows(frame: pd.DataFrame, unit: str) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows of the 'show data' table, by town name."""
    headers = ["Town", "Planning region", "Value", "Margin of error (90 %)", "Coefficient of variation",
               "Reliability", "Numerator", "Denominator"]
    rows = []
    for r in frame.sort_values("town_name").itertuples():
        cv = _num(r.cv)
        rows.append([r.town_name, r.region_name, by_unit(_num(r.value), unit),
                     "—" if _num(r.moe) is None else _strip_unit(by_unit(_num(r.moe), unit), unit),
                     "—" if cv is None else f"{cv:.1%}".replace("%", " %"), reliability_text(r.reliability),
                     by_unit(_num(r.numerator), "count"), by_unit(_num(r.denominator), "count")])
    return headers, rows


# ---------------------------------------------------------------- town profile
def compare_word(low: object, high: object, ref_low: object, ref_high: object, direction: str) -> str:
    """'better', 'worse' or 'about the same' — 'about the same' whenever the two intervals overlap."""
    lo, hi, ref_lo, ref_hi = _num(low), _num(high), _num(ref_low), _num(ref_high)
    if _overlap(lo, hi, ref_lo, ref_hi):
        return "about the same"
    higher = lo > ref_hi
    return "better" if higher == (direction == "higher_is_better") else "worse"


def _records(frame: pd.DataFrame) -> dict[tuple[str, int], dict]:
    """Rows by (measure_id, year)."""
    return {(r["measure_id"], int(r["year"])): r for r in frame.to_dict("records")}


def profile_rows(town: pd.DataFrame, region: pd.DataFrame, state: pd.DataFrame, measures: pd.DataFrame,
                 year: int) -> list[list[str]]:
    """Per measure in `year`: label, town value (interval), reliability, region, state, comparison."""
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
        cells = [m.label, interval_text(value, low, high, m.unit), reliability_text(t["reliability"])]
        for ref in (reg, st):
            cells.append("—" if ref is None else
                         interval_text(ref["weighted_value"], ref["ci_low"], ref["ci_high"], m.unit))
        word = "—" if st is None or value is None else compare_word(
            value if low is None else low, value if high is None else high, st["ci_low"], st["ci_high"],
            m.direction)
        rows.append([*cells, word])
    return rows


def trend_rows(town: pd.DataFrame, measures: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Measures × years of one town; low-reliability values carry the symbol."""
    years = sorted({int(y) for y in town["year"]})
    mine = _records(town)
    rows = []
    for m in measures.itertuples():
        if not any((m.measure_id, y) in mine for y in years):
            continue
        cells = [m.label]
        for y in years:
            row = mine.get((m.measure_id, y))
            text = "—" if row is None else by_unit(_num(row["value"]), m.unit)
            cells.append(f"{text} {LOW_MARK}" if row is not None and row["reliability"] == "low" else text)
        rows.append(cells)
    return ["Measure", *[str(y) for y in years]], rows


def population_rows(population: pd.DataFrame, year: int, groups: tuple[str, ...]) -> list[list[str]]:
    """Group, population, ± margin of error and share of the town's total for one year."""
    rows_year = population[population["year"] == year].set_index("group_code")
    total = _num(rows_year.at["total", "population"]) if "total" in rows_year.index else None
    rows = []
    for group in groups:
        if group not in rows_year.index:
            continue
        count, moe = _num(rows_year.at[group, "population"]), _num(rows_year.at[group, "moe"])
        share = "—" if not total or count is None or group == "total" else f"{100 * count / total:.1f} %"
        rows.append([group_label(group), by_unit(count, "count"),
                     "—" if moe is None else f"± {by_unit(moe, 'count')}", share])
    return rows
