"""Pure transforms behind `/access` and `/towns/<geoid>`: ranks with honest ranges, sentences, map values."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.formatting import by_unit, number, ratio, residents, suppressed
from components.i18n import N_, _, ngettext
from components.maps import LOW_MARK, MapValues, MapView, class_colours, hover_template

Bounds = tuple[float, float, float, float]  # west, south, east, north
MAP_WIDTH_PX, MAP_HEIGHT_PX = 640, 490  # the map's drawing area on a laptop screen (fit_view's default)
MAP_MARGIN = 1.1  # the framed box is this much wider and taller than the towns it is about
UNIT_WORDS = {"percent": N_("percentage points"), "minutes": N_("minutes"), "per_1000": N_("per 1,000"),
              "dollars": N_("dollars")}
SHORT_UNIT_WORDS = {"percent": N_("pts"), "minutes": N_("min")}
RELIABILITY_WORDS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def _num(value: object) -> float | None:
    """A plain float, or None for every kind of missing value."""
    if value is None or value is pd.NA:
        return None
    result = float(value)
    return None if math.isnan(result) else result


def _unit_suffix(unit: str) -> str:
    """What `by_unit` writes after the number in the viewer's language ('' for units without one)."""
    if unit == "minutes":
        return _("%(value)s min", value="")
    if unit == "per_1000":
        return _("%(value)s per 1,000", value="")
    return " %" if unit == "percent" else ""


def _strip_unit(text: str, unit: str) -> str:
    suffix = _unit_suffix(unit)
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
    return f"{LOW_MARK} {reliability_word(reliability)}" if reliability == "low" else reliability_word(reliability)


def reliability_word(reliability: str) -> str:
    """'high', 'medium' or 'low' in the viewer's language (any other code reads as itself)."""
    return _(RELIABILITY_WORDS[reliability]) if reliability in RELIABILITY_WORDS else reliability


# ---------------------------------------------------------------- sentences
def reliability_sentence(frame: pd.DataFrame) -> str:
    if frame["moe"].map(_num).isna().all():
        return _("These figures are not survey estimates, so they carry no margin of error.")
    low = int((frame["reliability"] == "low").sum())
    if low == 0:
        return _("No town has a low-reliability estimate.")
    return ngettext("%(num)s town has a low-reliability estimate (marked %(mark)s).",
                    "%(num)s towns have low-reliability estimates (marked %(mark)s).", low, mark=LOW_MARK)


def summary_sentence(frame: pd.DataFrame, label: str, unit: str, direction: str, year: int,
                     area: str | None = None, weighted: pd.Series | None = None) -> str:
    """Plain words: the range across the towns shown, the population-weighted figure, reliability."""
    shown = frame[frame["value"].map(_num).notna()]
    measure = measure_phrase(label)
    if shown.empty:
        if area:
            return _("In %(year)s, no town in %(place)s has a value for %(measure)s.", year=year,
                     place=place_name(area), measure=measure)
        return _("In %(year)s, no town has a value for %(measure)s.", year=year, measure=measure)
    values = shown["value"].astype(float)
    lo, hi = shown.loc[values.idxmin()], shown.loc[values.idxmax()]
    facts = {"year": year, "measure": measure, "low": by_unit(float(lo["value"]), unit), "low_town": lo["town_name"],
             "high": by_unit(float(hi["value"]), unit), "high_town": hi["town_name"]}
    if area:
        text = ngettext("In %(year)s, %(measure)s ranged from %(low)s in %(low_town)s to %(high)s in %(high_town)s "
                        "across the %(num)s town of %(place)s.",
                        "In %(year)s, %(measure)s ranged from %(low)s in %(low_town)s to %(high)s in %(high_town)s "
                        "across the %(num)s towns of %(place)s.", len(shown), place=place_name(area), **facts)
    else:
        text = ngettext("In %(year)s, %(measure)s ranged from %(low)s in %(low_town)s to %(high)s in %(high_town)s "
                        "across %(num)s town.",
                        "In %(year)s, %(measure)s ranged from %(low)s in %(low_town)s to %(high)s in %(high_town)s "
                        "across %(num)s towns.", len(shown), **facts)
    better = _("Higher is better.") if direction == "higher_is_better" else _("Lower is better.")
    parts = [f"{text} {better}"]
    if weighted is not None and _num(weighted.get("weighted_value")) is not None:
        figure = interval_text(weighted["weighted_value"], weighted["ci_low"], weighted["ci_high"], unit)
        parts.append(_("Weighted by population, the figure for %(place)s is %(value)s.",
                       place=place_name(area or "Connecticut"), value=figure))
    parts.append(reliability_sentence(shown))
    missing = len(frame) - len(shown)
    if missing:
        parts.append(ngettext("%(num)s town has no estimate.", "%(num)s towns have no estimate.", missing))
    return " ".join(parts)


def difference_text(difference: object, unit: str, short: bool = False) -> str:
    """A signed difference in the measure's unit ('−10.2 percentage points'; short: '−10.2 pts')."""
    value = _num(difference)
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    amount = number(abs(value), 0 if unit in ("dollars", "count") else 2 if unit == "ratio" else 1)
    if unit == "dollars":
        return sign + _("$%(amount)s", amount=amount)
    words = SHORT_UNIT_WORDS.get(unit, "") if short else ""
    words = words or UNIT_WORDS.get(unit, "")
    return f"{sign}{amount} {_(words)}" if words else f"{sign}{amount}"


def _overlap(a_low: float | None, a_high: float | None, b_low: float | None, b_high: float | None) -> bool:
    if None in (a_low, a_high, b_low, b_high):
        return True
    return not (a_low > b_high or a_high < b_low)


def place_name(name: str) -> str:
    """A geography's name as it reads in a sentence ('the Capitol Planning Region', 'Connecticut')."""
    return _("the %(name)s", name=name) if name.endswith(("Region", "County")) and not name.startswith("the ") else name


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
            if group == reference:
                sentences.append(_("%(measure)s, weighted by where they live: %(residents)s (the reference "
                                   "group) %(value)s in %(place)s.", measure=label, residents=residents(group),
                                   value=mine_text, place=place))
                continue
            sentences.append(_("%(measure)s, weighted by where each group lives: %(residents)s %(value)s "
                               "against %(reference_value)s for %(reference)s (the reference group) in "
                               "%(place)s%(verdict)s.", measure=label, residents=residents(group), value=mine_text,
                               reference_value=ref_text, reference=residents(reference), place=place,
                               verdict=_verdict(row, ref_row, unit, direction)))
        else:
            sentences.append(_("In %(place)s: %(value)s against %(reference_value)s%(verdict)s.", place=place,
                               value=mine_text, reference_value=ref_text,
                               verdict=_verdict(row, ref_row, unit, direction)))
    return " ".join(sentences), table


def _verdict(row: pd.Series, ref_row: pd.Series | None, unit: str, direction: str) -> str:
    """' — worse, beyond the uncertainty of the estimates (ratio 1.65, +2.7 percentage points)'."""
    difference = _num(row["difference"])
    if ref_row is None or difference is None or row["group_code"] == ref_row["group_code"]:
        return ""
    better = (difference > 0) == (direction == "higher_is_better")
    noise = _overlap(_num(row["ci_low"]), _num(row["ci_high"]), _num(ref_row["ci_low"]),
                     _num(ref_row["ci_high"]))
    figures = {"ratio": ratio(_num(row["ratio"])), "difference": difference_text(difference, unit)}
    if noise:
        return _(" — the 90 %% intervals overlap, so the gap may be noise (ratio %(ratio)s, %(difference)s)",
                 **figures)
    if difference == 0:
        return _(" — the same, beyond the uncertainty of the estimates (ratio %(ratio)s, %(difference)s)", **figures)
    if better:
        return _(" — better, beyond the uncertainty of the estimates (ratio %(ratio)s, %(difference)s)", **figures)
    return _(" — worse, beyond the uncertainty of the estimates (ratio %(ratio)s, %(difference)s)", **figures)


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


def _mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def fit_view(bounds: Bounds, width_px: int = MAP_WIDTH_PX, height_px: int = MAP_HEIGHT_PX,
             revision: str = "all", margin: float = MAP_MARGIN) -> MapView:
    """The box a Mercator map frames: the bounds with a margin, widened to the panel's shape.

    Plotly fits the box into the panel keeping its shape, so a box of the panel's shape fills it; the
    towns around a region fill the rest of the panel.
    """
    west, south, east, north = bounds
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    half_x = max(math.radians(east - west), 1e-6) / 2 * margin
    half_y = max(y_north - y_south, 1e-6) / 2 * margin
    aspect = width_px / height_px
    half_x, half_y = max(half_x, half_y * aspect), max(half_y, half_x / aspect)
    mid_x, mid_y = math.radians(west + east) / 2, (y_south + y_north) / 2
    return MapView(west=round(math.degrees(mid_x - half_x), 5), south=round(_mercator_lat(mid_y - half_y), 5),
                   east=round(math.degrees(mid_x + half_x), 5), north=round(_mercator_lat(mid_y + half_y), 5),
                   revision=revision)


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
    title = _("%(measure)s, %(year)s — darker = worse (lower)", measure=label, year=year) \
        if direction == "higher_is_better" else \
        _("%(measure)s, %(year)s — darker = worse (higher)", measure=label, year=year)
    return MapValues(
        z=z, customdata=customdata, text=text, hovertemplate=hover_template(unit, has_moe),
        low=(reliability == "low").tolist(),
        missing=missing["town_geoid"].tolist(), missing_names=missing["town_name"].tolist(),
        colours=class_colours(max(len(present), 1), darker_is_low=direction == "higher_is_better"),
        ticktext=ticktext or [""], title=title,
        highlighted=np.flatnonzero(frame["region_id"] == region_id).tolist() if region_id else None,
    )


def _reliability_word(reliability: object) -> str:
    return reliability_word(reliability) if isinstance(reliability, str) and reliability else _("not rated")


# ---------------------------------------------------------------- data table and download
def reliability_convention(cv_high: float, cv_medium: float) -> str:
    """The reliability convention in words (DESIGN §4.3: stated on the page)."""
    return _("Reliability of survey estimates: high when the coefficient of variation (the standard error over "
             "the estimate) is at most %(high)s%%, medium up to %(medium)s%%, low above that (marked %(mark)s). "
             "Intervals are 90 %% margins of error.", high=number(cv_high * 100), medium=number(cv_medium * 100),
             mark=LOW_MARK)


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


def data_rows(frame: pd.DataFrame, unit: str, k: int = 5) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows of the 'show data' table, by town name; a value hidden from the viewer says so."""
    headers = [_("Town"), _("Planning region"), _("Value"), _("Margin of error (90 %)"),
               _("Coefficient of variation"), _("Reliability"), _("Numerator"), _("Denominator")]
    rows = []
    for r in frame.sort_values("town_name").itertuples():
        cv = _num(r.cv)
        flag = getattr(r, "suppressed", None)
        hidden = _num(r.value) is None and flag is not None and not pd.isna(flag) and bool(flag)
        rows.append([r.town_name, r.region_name, suppressed(k) if hidden else by_unit(_num(r.value), unit),
                     "—" if _num(r.moe) is None else _strip_unit(by_unit(_num(r.moe), unit), unit),
                     "—" if cv is None else f"{number(cv * 100, 1)} %",
                     reliability_text(r.reliability),
                     by_unit(_num(r.numerator), "count"), by_unit(_num(r.denominator), "count")])
    return headers, rows
