"""Pure transforms behind `/disparities`: group-weighted access, dissimilarity, Theil → tables, sentences."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from components.figures import Axis, Series, dot_whisker, group_dots, stacked_bars, trend_lines
from components.formatting import GROUP_COLOURS, by_unit, group_label, number, percent, ratio, residents
from components.i18n import N_, _
from components.panel import ChartParts
from dashboards._shared.excluded import add_notes, excluded_count, place_note, series_note, with_note
from data_access import codes

# Rows of the group chart, in this order: the race/ethnicity groups, LEP residents, everyone.
ACCESS_GROUPS = (*codes.RACE_ETHNICITY, "lep", "total")
# Units whose interval's low end drops the unit ('81.2 % (79.0–83.1 %)'); each is written '<number, 1 decimal> unit'.
UNIT_SUFFIXES = ("percent", "minutes", "per_1000")
LEVEL_NAMES = {"region": N_("planning regions"), "county": N_("former counties")}


def missing(value: object) -> bool:
    """True for None, NaN and pandas NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def place_phrase(level: str, name: str) -> str:
    """'the Capitol Planning Region', 'Hartford County', 'Connecticut'."""
    return _("the %(region)s", region=name) if level == "region" else name


def measure_value(value: float | None, unit: str) -> str:
    """A measure value in its unit (percent measures are stored 0–100)."""
    return by_unit(None if missing(value) else float(value), unit)


def measure_interval(value: float | None, low: float | None, high: float | None, unit: str) -> str:
    """'81.2 % (79.0–83.1 %)', '23.4 min (21.0–25.0 min)'; the value alone without an interval."""
    text = measure_value(value, unit)
    if missing(value) or missing(low) or missing(high) or math.isclose(float(low), float(high)):
        return text
    return f"{text} ({measure_value(low, unit).removesuffix(unit_suffix(unit))}–{measure_value(high, unit)})"


def unit_suffix(unit: str) -> str:
    """What follows the number of a value in this unit, in the viewer's language (' %', ' min', ' per 1,000')."""
    return measure_value(0.0, unit).removeprefix(number(0, 1)) if unit in UNIT_SUFFIXES else ""


def significant(value: float) -> str:
    """A value to three significant digits, in the viewer's locale ('0.0123', '1.5')."""
    text = f"{value:.3g}"
    if "e" in text or "n" in text:
        return text
    return number(float(text), len(text.split(".")[1]) if "." in text else 0)


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
        "group": [_("%(group)s (reference)", group=group_label(g)) if g == reference else group_label(g)
                  for g in rows["group_code"]],
        "value": rounded("weighted_value", 1),
        "ci_low": rounded("ci_low", 1),
        "ci_high": rounded("ci_high", 1),
        "ratio": rounded("ratio", 2),
        "difference": rounded("difference", 1),
    })


def group_labels(reference: str, unit: str) -> dict[str, str]:
    """Readable column names of the group table."""
    ref = group_label(reference)
    difference = (_("Difference from %(reference)s (points)", reference=ref) if unit == "percent"
                  else _("Difference from %(reference)s", reference=ref))
    return {"group": _("Group"), "value": _("Group-weighted value"), "ci_low": _("90 % interval, low"),
            "ci_high": _("90 % interval, high"), "ratio": _("Ratio to %(reference)s", reference=ref),
            "difference": difference, "note": _("Note")}


def group_sentence(rows: pd.DataFrame, group: str, reference: str, place: str, label: str, unit: str,
                   direction: str) -> str:
    """'Hispanic or Latino residents of the Capitol region live where … is 81.2 % (79.0–83.1 %), against …'"""
    by_group = rows.set_index("group_code")
    if group not in by_group.index or missing(by_group.at[group, "weighted_value"]):
        return _("There is no group-weighted figure for %(residents)s of %(place)s in this release.",
                 residents=residents(group), place=place)
    row = by_group.loc[group]
    value = measure_interval(row["weighted_value"], row["ci_low"], row["ci_high"], unit)
    head = _("%(residents)s of %(place)s live where “%(measure)s” is %(value)s on average",
             residents=residents(group, start=True), place=place, measure=label, value=value)
    if group == reference:
        return _("%(head)s; they are the reference group for the ratios.", head=head)
    if reference not in by_group.index or missing(by_group.at[reference, "weighted_value"]):
        return _("%(head)s; there is no figure for %(reference)s to compare with.", head=head,
                 reference=residents(reference))
    ref = by_group.loc[reference]
    sentence = _("%(head)s, against %(value)s for %(reference)s — a ratio of %(ratio)s.", head=head,
                 value=measure_value(ref["weighted_value"], unit), reference=residents(reference),
                 ratio=ratio(None if missing(row["ratio"]) else float(row["ratio"])))
    if direction == "higher_is_better":
        return _("%(sentence)s Higher is better for this measure; %(noise)s.", sentence=sentence,
                 noise=_noise(row, ref))
    return _("%(sentence)s Lower is better for this measure; %(noise)s.", sentence=sentence, noise=_noise(row, ref))


def _width(row: pd.Series) -> float | None:
    if missing(row["ci_low"]) or missing(row["ci_high"]):
        return None
    return float(row["ci_high"]) - float(row["ci_low"])


def _noise(row: pd.Series, ref: pd.Series) -> str:
    """Whether the group's and the reference's 90 % intervals overlap, in words."""
    widths = (_width(row), _width(ref))
    if None in widths:
        return _("one of the two figures has no interval, so sampling noise cannot be judged")
    if all(math.isclose(w, 0.0, abs_tol=1e-12) for w in widths):
        return _("the town values carry no margin of error, so there is no sampling interval")
    if row["ci_high"] < ref["ci_low"] or row["ci_low"] > ref["ci_high"]:
        return _("the two 90 % intervals do not overlap, so the gap is larger than sampling noise")
    return _("the two 90 % intervals overlap, so the gap may be sampling noise")


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
        return _("There is no dissimilarity index for %(year)s in this release.", year=year)
    ref = residents(reference)
    parts = []
    statewide = known[known["place"] == state]
    if not statewide.empty:
        top = statewide.loc[statewide["dissimilarity"].idxmax()]
        index = number(round(top["dissimilarity"], 2), 2)
        parts.append(_("Across Connecticut's towns in %(year)s, %(residents)s live most apart from "
                       "%(reference)s: a dissimilarity of %(index)s means %(share)s of either group would "
                       "have to move to another town for both to be spread alike.", year=year,
                       residents=residents(str(top["group_code"])),
                       reference=ref, index=index, share=percent(top["dissimilarity"], 0)))
    local = known[known["place"] != state]
    if not local.empty:
        top = local.loc[local["dissimilarity"].idxmax()]
        parts.append(_("Among the %(level)s, the highest index is for %(residents)s in %(place)s (%(index)s).",
                       level=_(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level,
                       residents=residents(str(top["group_code"])),
                       place=place_phrase(level, top["place"]), index=number(round(top["dissimilarity"], 2), 2)))
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
        return _("There is no Theil index of “%(measure)s” for %(year)s in this release.", measure=label, year=year)
    row = row.iloc[0]
    sentence = _("In %(year)s the Theil index of “%(measure)s” across Connecticut's towns is %(total)s. "
                 "%(between)s of this inequality lies between planning regions and %(within)s within them",
                 year=year, measure=label, total=significant(row["total"]), between=percent(row["between_share"]),
                 within=percent(1 - row["between_share"]))
    first = split.iloc[0]
    if int(first["year"]) < year:
        change = row["total"] - first["total"]
        values = {"sentence": sentence, "first": significant(first["total"]), "first_year": int(first["year"])}
        if change > 0:
            return _("%(sentence)s; the index is up from %(first)s in %(first_year)s.", **values)
        if change < 0:
            return _("%(sentence)s; the index is down from %(first)s in %(first_year)s.", **values)
        return _("%(sentence)s; the index is unchanged from %(first)s in %(first_year)s.", **values)
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
        return _("There is no %(what)s for %(place)s in this release.", what=what, place=place_text)
    first, last = rows.iloc[0], rows.iloc[-1]
    what = what[:1].upper() + what[1:]
    if len(rows) == 1:
        return _("%(what)s in %(place)s is %(value)s in %(year)s%(tail)s.", what=what, place=place_text,
                 value=fmt(last[column]), year=int(last["year"]), tail=tail)
    return _("%(what)s in %(place)s moved from %(first)s in %(first_year)s to %(last)s in %(last_year)s%(tail)s.",
             what=what, place=place_text, first=fmt(first[column]), first_year=int(first["year"]),
             last=fmt(last[column]), last_year=int(last["year"]), tail=tail)


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


AXIS_SUFFIX = ("percent", "minutes")  # units whose axis ticks carry the unit
METHOD = N_("Group-weighted averages weight each town's value by the group's population there; 90 % intervals "
            "come from a seeded parametric bootstrap over the towns' margins of error. See the methodology "
            "page.")


def group_parts(choice: Choice, access: pd.DataFrame, reference: str) -> ChartParts:
    """The group-by-group chart of one place and year (chart id `disparities-groups`)."""
    measure = choice.measure
    rows = group_rows(access, choice.year, choice.area_level, choice.area)
    place = place_phrase(choice.area_level, choice.area_name)
    summary = group_sentence(rows, choice.group, reference, place, measure["label"], measure["unit"],
                             measure["direction"])
    note = place_note(choice.area_name, excluded_count(rows))
    summary = with_note(summary, note)
    table = group_table(rows, reference).assign(note=note)
    ref_rows = rows[rows["group_code"] == reference]["weighted_value"]
    figure = dot_whisker(table["group"].tolist(), rows["weighted_value"].tolist(), rows["ci_low"].tolist(),
                         rows["ci_high"].tolist(), group_colours(rows["group_code"].tolist()),
                         Axis(title=measure["label"],
                              ticksuffix=unit_suffix(measure["unit"]) if measure["unit"] in AXIS_SUFFIX else ""),
                         (float(ref_rows.iloc[0]), _("%(group)s (reference)", group=group_label(reference)))
                         if not ref_rows.empty else None)
    source = str(measure["source"] or _("release measure table")).rstrip(".")
    return ChartParts("disparities-groups",
                      _("%(measure)s, group by group: %(place)s, %(year)s", measure=measure["label"],
                        place=choice.area_name, year=choice.year),
                      summary, table, figure if not rows.empty else None, group_labels(reference, measure["unit"]),
                      _("Source: %(source)s.", source=source) + " " + _(METHOD))


def places_of(choice: Choice) -> list[tuple[str, str, str]]:
    """(level, id, name) of the chosen area, then the state (the state alone when it is the area)."""
    state = ("state", codes.STATE_ID, "Connecticut")
    if choice.area == codes.STATE_ID:
        return [state]
    return [(choice.area_level, choice.area, choice.area_name), state]


def ratio_parts(choice: Choice, access: pd.DataFrame, reference: str) -> ChartParts:
    """The group's ratio to the reference group over the years (chart id `disparities-ratio-trend`)."""
    places = places_of(choice)
    series = place_series(access, places, "ratio", group_code=choice.group)
    who, ref, short = residents(choice.group), residents(reference), group_label(reference)
    lines = [Series(name, frame["year"], frame["ratio"], colour=GROUP_COLOURS.get(choice.group, "#000000"),
                    dash="solid" if i == 0 else "dash", symbol="circle" if i == 0 else "square")
             for i, (_l, _i, name) in enumerate(places) if not (frame := series[series["place"] == name]).empty]
    summary = change_sentence(series, "ratio", places[0][2], place_phrase(*places[0][::2]),
                              _("the ratio of %(residents)s to %(reference)s", residents=who, reference=ref),
                              ratio, " " + _("(1.00 = the same as %(residents)s)", residents=ref))
    mine = access[access["group_code"] == choice.group]
    summary = with_note(summary, series_note(mine, places))
    table = add_notes(series.assign(ratio=series["ratio"].round(2)), mine, places)
    figure = trend_lines(lines, Axis(_("Ratio to %(residents)s", residents=ref), tickformat=".2f"),
                         [(1.0, _("Parity with %(residents)s", residents=ref))]) if lines else None
    return ChartParts("disparities-ratio-trend",
                      _("%(residents)s against %(reference)s over time", residents=residents(choice.group, start=True),
                        reference=ref),
                      summary, table, figure,
                      {"year": _("Year"), "place": _("Area"), "ratio": _("Ratio to %(reference)s", reference=short),
                       "note": _("Note")},
                      _("Source: release table access_by_group, measure %(measure)s.",
                        measure=choice.measure["measure_id"]))


def dissimilarity_parts(choice: Choice, seg: pd.DataFrame, geos: pd.DataFrame, reference: str) -> ChartParts:
    """Each group's dissimilarity from the reference group by place (chart id `disparities-dissimilarity`)."""
    places = geos[geos["geography_level"].isin(["state", choice.level])]
    table = dissimilarity_table(seg, choice.year, places)
    summary = dissimilarity_sentence(table, choice.year, reference, "Connecticut", choice.level)
    names = places["geography_name"].tolist()
    groups = []
    for code in [g for g in codes.RACE_ETHNICITY if g in set(table["group_code"])]:
        values = table[table["group_code"] == code].set_index("place")["dissimilarity"].reindex(names)
        groups.append((group_label(code), values.tolist(), GROUP_COLOURS.get(code, "#000000")))
    figure = group_dots(names, groups, Axis(_("Index of dissimilarity (0 = spread alike, 1 = fully apart)"),
                                            extra={"range": [0, 1]})) if groups else None
    return ChartParts("disparities-dissimilarity",
                      _("How apart groups live from %(residents)s, %(year)s",
                        residents=residents(reference), year=choice.year),
                      summary, table.drop(columns="group_code"), figure,
                      {"place": _("Area"), "group": _("Group"), "dissimilarity": _("Index of dissimilarity")},
                      _("Source: release table segregation_indices (town populations, ACS 5-year estimates)."))


def theil_split_parts(choice: Choice, ineq: pd.DataFrame) -> ChartParts:
    """The state's Theil index split between and within regions (chart id `disparities-theil-split`)."""
    split = theil_split(ineq)
    figure = stacked_bars(split["year"], [(_("Between planning regions"), split["between"], "#0072B2"),
                                          (_("Within planning regions"), split["within"], "#E69F00")],
                          Axis(_("Theil index (0 = equal everywhere)"), tickformat=".2~g"))
    state = [("state", codes.STATE_ID, "Connecticut")]
    theil = ineq[ineq["index_name"] == "theil"]
    table = add_notes(theil_table(split).assign(place="Connecticut"), theil, state).drop(columns="place")
    return ChartParts("disparities-theil-split", _("How much of the inequality across towns lies between regions"),
                      with_note(theil_sentence(split, choice.year, choice.measure["label"]),
                                series_note(theil, state)), table,
                      figure if not split.empty else None,
                      {"year": _("Year"), "between": _("Between regions"), "within": _("Within regions"),
                       "total": _("Theil index"), "between_share": _("Share between regions"), "note": _("Note")},
                      _("Source: release table inequality_indices (population-weighted Theil index)."))


def theil_trend_parts(choice: Choice, ineq: pd.DataFrame) -> ChartParts:
    """The Theil index of the area and the state over the years (chart id `disparities-theil-trend`)."""
    places = places_of(choice)
    series = place_series(ineq, places, "value", index_name="theil")
    lines = [Series(name, frame["year"], frame["value"], colour="#0072B2" if i == 0 else "#555555",
                    dash="solid" if i == 0 else "dash", symbol="circle" if i == 0 else "square")
             for i, (_l, _i, name) in enumerate(places) if not (frame := series[series["place"] == name]).empty]
    summary = change_sentence(series, "value", places[0][2], place_phrase(*places[0][::2]),
                              _("the Theil index across towns"), significant,
                              " " + _("(0 = the same value in every town)"))
    theil = ineq[ineq["index_name"] == "theil"]
    summary = with_note(summary, series_note(theil, places))
    table = add_notes(series.assign(value=[float(f"{v:.3g}") for v in series["value"]]), theil, places)
    table = table.rename(columns={"value": "theil"})
    figure = trend_lines(lines, Axis(_("Theil index"), tickformat=".2~g")) if lines else None
    return ChartParts("disparities-theil-trend",
                      _("Inequality of “%(measure)s” across towns over time", measure=choice.measure["label"]),
                      summary, table, figure, {"year": _("Year"), "place": _("Area"), "theil": _("Theil index"),
                                               "note": _("Note")},
                      _("Source: release table inequality_indices."))
