"""Pure transforms behind `/disparities`: group-weighted access, dissimilarity, Theil → tables, sentences."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from components.figures import Axis, dot_whisker
from components.formatting import GROUP_COLOURS, by_unit, group_label, percent, ratio
from components.panel import ChartParts
from data_access import codes

# Rows of the group chart, in this order: the race/ethnicity groups, LEP residents, everyone.
ACCESS_GROUPS = (*codes.RACE_ETHNICITY, "lep", "total")
UNIT_SUFFIXES = {"percent": " %", "minutes": " min", "per_1000": " per 1,000"}
LEVEL_NAMES = {"region": "planning regions", "county": "former counties"}


def missing(value: object) -> bool:
    """True for None, NaN and pandas NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def place_phrase(level: str, name: str) -> str:
    """'the Capitol Planning Region', 'Hartford County', 'Connecticut'."""
    return f"the {name}" if level == "region" else name


def measure_value(value: float | None, unit: str) -> str:
    """A measure value in its unit (percent measures are stored 0–100)."""
    return by_unit(None if missing(value) else float(value), unit)


def measure_interval(value: float | None, low: float | None, high: float | None, unit: str) -> str:
    """'81.2 % (79.0–83.1 %)', '23.4 min (21.0–25.0 min)'; the value alone without an interval."""
    text = measure_value(value, unit)
    if missing(value) or missing(low) or missing(high) or math.isclose(float(low), float(high)):
        return text
    suffix = UNIT_SUFFIXES.get(unit, "")
    return f"{text} ({measure_value(low, unit).removesuffix(suffix)}–{measure_value(high, unit)})"


def group_rows(access: pd.DataFrame, year: int, level: str, geography_id: str) -> pd.DataFrame:
    """The groups' rows of one place and year, in chart order (race groups, LEP, everyone)."""
    rows = access[(access["year"] == year) & (access["geography_level"] == level)
                  & (access["geography_id"] == geography_id) & access["group_code"].isin(ACCESS_GROUPS)]
    order = {g: i for i, g in enumerate(ACCESS_GROUPS)}
    rows = rows.assign(_o=rows["group_code"].map(order)).sort_values("_o")
    return rows.drop(columns="_o").reset_index(drop=True)


def reference_of(rows: pd.DataFrame, default: str) -> str:
    """The reference group named in the rows (the release's), else the configured one."""
    named = rows["reference_group"].dropna() if "reference_group" in rows else pd.Series([], dtype=object)
    return str(named.iloc[0]) if not named.empty else default


def group_table(rows: pd.DataFrame, reference: str) -> pd.DataFrame:
    """What the group chart shows: value and 90 % interval per group, ratio and difference to the reference"""
    def rounded(column: str, digits: int) -> list:
        return [None if missing(v) else round(float(v), digits) for v in rows[column]]
    return pd.DataFrame({
        "group": [group_label(g) + (" (reference)" if g == reference else "") for g in rows["group_code"]],
        "value": rounded("weighted_value", 1),
        "ci_low": rounded("ci_low", 1),
        "ci_high": rounded("ci_high", 1),
        "ratio": rounded("ratio", 2),
        "difference": rounded("difference", 1),
    })


def group_labels(reference: str, unit: str) -> dict[str, str]:
    """Readable column names of the group table."""
    ref = group_label(reference)
    points = " (points)" if unit == "percent" else ""
    return {"group": "Group", "value": "Group-weighted value", "ci_low": "90 % interval, low",
            "ci_high": "90 % interval, high", "ratio": f"Ratio to {ref}",
            "difference": f"Difference from {ref}{points}"}


def group_sentence(rows: pd.DataFrame, group: str, reference: str, place: str, label: str, unit: str,
                   direction: str) -> str:
    """'Hispanic or Latino residents of the Capitol region live where … is 81.2 % (79.0–83.1 %), against …'"""
    by_group = rows.set_index("group_code")
    if group not in by_group.index or missing(by_group.at[group, "weighted_value"]):
        return (f"There is no group-weighted figure for {group_label(group)} residents of {place} "
                "in this release.")
    row = by_group.loc[group]
    value = measure_interval(row["weighted_value"], row["ci_low"], row["ci_high"], unit)
    head = f"{group_label(group)} residents of {place} live where “{label}” is {value} on average"
    if group == reference:
        return head + "; they are the reference group for the ratios."
    if reference not in by_group.index or missing(by_group.at[reference, "weighted_value"]):
        return head + f"; there is no figure for {group_label(reference)} residents to compare with."
    ref = by_group.loc[reference]
    sentence = (f"{head}, against {measure_value(ref['weighted_value'], unit)} for {group_label(reference)} "
                f"residents — a ratio of {ratio(None if missing(row['ratio']) else float(row['ratio']))}.")
    better = "Higher" if direction == "higher_is_better" else "Lower"
    return f"{sentence} {better} is better for this measure; {_noise(row, ref)}."


def _width(row: pd.Series) -> float | None:
    if missing(row["ci_low"]) or missing(row["ci_high"]):
        return None
    return float(row["ci_high"]) - float(row["ci_low"])


def _noise(row: pd.Series, ref: pd.Series) -> str:
    """Whether the group's and the reference's 90 % intervals overlap, in words."""
    widths = (_width(row), _width(ref))
    if None in widths:
        return "one of the two figures has no interval, so sampling noise cannot be judged"
    if all(math.isclose(w, 0.0, abs_tol=1e-12) for w in widths):
        return "the town values carry no margin of error, so there is no sampling interval"
    if row["ci_high"] < ref["ci_low"] or row["ci_low"] > ref["ci_high"]:
        return "the two 90 % intervals do not overlap, so the gap is larger than sampling noise"
    return "the two 90 % intervals overlap, so the gap may be sampling noise"


def group_colours(codes_: list[str]) -> list[str]:
    return [GROUP_COLOURS.get(g, "#000000") for g in codes_]


def dissimilarity_table(seg: pd.DataFrame, year: int, places: pd.DataFrame) -> pd.DataFrame:
    """Dissimilarity of each group from the reference in every place given (geography_level, _id, _name).

    Columns: place, group, group_code, dissimilarity (rounded to 2 decimals); places in the order given.
    """
    keyed = seg[seg["year"] == year].merge(places, on=["geography_level", "geography_id"])
    keyed = keyed[keyed["group_code"].isin(codes.RACE_ETHNICITY)]
    order = {p: i for i, p in enumerate(places["geography_name"])}
    groups = {g: i for i, g in enumerate(codes.RACE_ETHNICITY)}
    keyed = keyed.assign(_p=keyed["geography_name"].map(order), _g=keyed["group_code"].map(groups))
    keyed = keyed.sort_values(["_p", "_g"])
    return pd.DataFrame({
        "place": keyed["geography_name"].tolist(),
        "group": [group_label(g) for g in keyed["group_code"]],
        "group_code": keyed["group_code"].tolist(),
        "dissimilarity": [None if missing(v) else round(float(v), 2) for v in keyed["dissimilarity"]],
    })


def dissimilarity_sentence(table: pd.DataFrame, year: int, reference: str, state: str, level: str) -> str:
    """Which group lives most apart from the reference group, statewide and in which place."""
    known = table.dropna(subset=["dissimilarity"])
    if known.empty:
        return f"There is no dissimilarity index for {year} in this release."
    ref = group_label(reference)
    parts = []
    statewide = known[known["place"] == state]
    if not statewide.empty:
        top = statewide.loc[statewide["dissimilarity"].idxmax()]
        parts.append(f"Across Connecticut's towns in {year}, {top['group']} residents live most apart from "
                     f"{ref} residents: a dissimilarity of {top['dissimilarity']:.2f} means "
                     f"{percent(top['dissimilarity'], 0)} of either group would have to move to another town "
                     "for both to be spread alike.")
    local = known[known["place"] != state]
    if not local.empty:
        top = local.loc[local["dissimilarity"].idxmax()]
        where = place_phrase(level, top["place"])
        parts.append(f"Among the {LEVEL_NAMES.get(level, level)}, the highest index is for {top['group']} "
                     f"residents in {where} ({top['dissimilarity']:.2f}).")
    return " ".join(parts)


def theil_split(ineq: pd.DataFrame, state_id: str = codes.STATE_ID) -> pd.DataFrame:
    """The state's Theil index by year with its between- and within-region parts and the between share.

    Columns: year, between, within, total, between_share (NaN when the total is 0).
    """
    state = ineq[(ineq["geography_level"] == "state") & (ineq["geography_id"] == state_id)]
    by_name = {name: rows.drop_duplicates("year").set_index("year")["value"]
               for name, rows in state.groupby("index_name")}
    empty = pd.Series(dtype=float)
    names = ("theil", "theil_between", "theil_within")
    wide = pd.DataFrame({name: by_name.get(name, empty) for name in names})
    wide = wide.dropna(subset=["theil_between", "theil_within"]).sort_index()
    total = wide["theil"].astype(float)
    share = (wide["theil_between"].astype(float) / total).where(total > 0)
    return pd.DataFrame({"year": wide.index.astype(int),
                         "between": wide["theil_between"].astype(float).to_numpy(),
                         "within": wide["theil_within"].astype(float).to_numpy(), "total": total.to_numpy(),
                         "between_share": share.to_numpy()})


def theil_table(split: pd.DataFrame) -> pd.DataFrame:
    """The stacked bars as a readable table (indices to 3 significant digits, the share as a percentage)."""
    def sig(v: float) -> float | None:
        return None if missing(v) else float(f"{v:.3g}")
    return pd.DataFrame({"year": split["year"].tolist(), "between": [sig(v) for v in split["between"]],
                         "within": [sig(v) for v in split["within"]],
                         "total": [sig(v) for v in split["total"]],
                         "between_share": [percent(None if missing(v) else float(v))
                                           for v in split["between_share"]]})


def theil_sentence(split: pd.DataFrame, year: int, label: str) -> str:
    """What share of the inequality of the measure across towns lies between planning regions."""
    row = split[split["year"] == year]
    if row.empty or missing(row["between_share"].iloc[0]):
        return f"There is no Theil index of “{label}” for {year} in this release."
    row = row.iloc[0]
    sentence = (f"In {year} the Theil index of “{label}” across Connecticut's towns is {row['total']:.3g}. "
                f"{percent(row['between_share'])} of this inequality lies between planning regions and "
                f"{percent(1 - row['between_share'])} within them")
    first = split.iloc[0]
    if int(first["year"]) < year:
        change = row["total"] - first["total"]
        trend = "up" if change > 0 else "down" if change < 0 else "unchanged"
        return f"{sentence}; the index is {trend} from {first['total']:.3g} in {int(first['year'])}."
    return sentence + "."


def place_series(frame: pd.DataFrame, places: list[tuple[str, str, str]], column: str,
                 **equals: object) -> pd.DataFrame:
    """Long table year × place of one column for the places given as (level, id, name)."""
    for key, value in equals.items():
        frame = frame[frame[key] == value]
    frame = frame.dropna(subset=[column])
    parts = []
    for level, geo_id, name in places:
        rows = frame[(frame["geography_level"] == level) & (frame["geography_id"] == geo_id)]
        rows = rows.sort_values("year")
        parts.append(pd.DataFrame({"year": rows["year"].astype(int).tolist(), "place": name,
                                   column: rows[column].astype(float).tolist()}))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["year", "place", column])
    return out.drop_duplicates(["year", "place"]).reset_index(drop=True)


def change_sentence(series: pd.DataFrame, column: str, place: str, place_text: str, what: str, fmt,
                    tail: str = "") -> str:
    """'<What> in <place_text> moved from A in Y0 to B in Y1<tail>.' from a long year × place table."""
    rows = series[series["place"] == place].sort_values("year")
    if rows.empty:
        return f"There is no {what} for {place_text} in this release."
    first, last = rows.iloc[0], rows.iloc[-1]
    what = what[:1].upper() + what[1:]
    if len(rows) == 1:
        return f"{what} in {place_text} is {fmt(last[column])} in {int(last['year'])}{tail}."
    return (f"{what} in {place_text} moved from {fmt(first[column])} in {int(first['year'])} to "
            f"{fmt(last[column])} in {int(last['year'])}{tail}.")


@dataclass(frozen=True)
class Options:
    measures: pd.DataFrame
    years: list[str]
    geos: pd.DataFrame
    groups: list[str]


@dataclass(frozen=True)
class Choice:
    release_id: str
    measure: pd.Series
    year: int
    level: str
    area_level: str
    area: str
    area_name: str
    group: str

    @property
    def params(self) -> dict:
        return {"release": self.release_id, "measure": self.measure["measure_id"], "year": self.year,
                "level": self.level, "area": self.area, "group": self.group}


AXIS_SUFFIX = {"percent": " %", "minutes": " min"}
METHOD = ("Group-weighted averages weight each town's value by the group's population there; 90 % intervals "
          "come from a seeded parametric bootstrap over the towns' margins of error. See the methodology "
          "page.")


def group_parts(choice: Choice, access: pd.DataFrame, reference: str) -> ChartParts:
    """The group-by-group chart of one place and year (chart id `disparities-groups`)."""
    measure = choice.measure
    rows = group_rows(access, choice.year, choice.area_level, choice.area)
    place = place_phrase(choice.area_level, choice.area_name)
    summary = group_sentence(rows, choice.group, reference, place, measure["label"], measure["unit"],
                             measure["direction"])
    table = group_table(rows, reference)
    ref_rows = rows[rows["group_code"] == reference]["weighted_value"]
    figure = dot_whisker(table["group"].tolist(), rows["weighted_value"].tolist(), rows["ci_low"].tolist(),
                         rows["ci_high"].tolist(), group_colours(rows["group_code"].tolist()),
                         Axis(title=measure["label"], ticksuffix=AXIS_SUFFIX.get(measure["unit"], "")),
                         (float(ref_rows.iloc[0]), f"{group_label(reference)} (reference)")
                         if not ref_rows.empty else None)
    return ChartParts("disparities-groups", f"{measure['label']}, group by group: {choice.area_name}, "
                      f"{choice.year}", summary, table, figure if not rows.empty else None,
                      group_labels(reference, measure["unit"]),
                      f"Source: {str(measure['source'] or 'release measure table').rstrip('.')}. {METHOD}")
