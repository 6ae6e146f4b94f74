"""The `/access` charts (page, embed and image): the town map, the ranked towns and the group lens."""
from __future__ import annotations

import json
from collections.abc import Callable

import dash
import pandas as pd

from components.formatting import group_label, residents, suppressed
from components.i18n import N_, _
from components.maps import clockwise_rings, town_map
from components.panel import ChartParts
from components.tables import TableLink, data_table, long_table
from dashboards._shared.excluded import excluded_count, place_note, places_note, with_note
from data_access import codes

from .transforms import (
    ALL_REGIONS,
    EVERYONE,
    data_frame,
    fit_view,
    group_lens,
    interval_text,
    map_values,
    rank_ranges,
    region_bounds,
    reliability_text,
    summary_sentence,
    unit_limits,
)

TABLE_LABELS = {
    "year": N_("Year"), "measure_id": N_("Measure"), "town_geoid": N_("Town GEOID"), "town_name": N_("Town"),
    "region_name": N_("Planning region"), "value": N_("Value"), "moe": N_("Margin of error (90 %)"),
    "interval_low": N_("90 % interval, low"), "interval_high": N_("90 % interval, high"),
    "cv": N_("Coefficient of variation"), "reliability": N_("Reliability"), "numerator": N_("Numerator"),
    "denominator": N_("Denominator"), "class_break": N_("Map class"),
}


def geometry_url(release_id: str) -> str:
    """Where the map reads the towns' boundaries: the release's layer with clockwise outer rings."""
    return dash.get_relative_path(f"/geo/{release_id}/clockwise/town.geojson")


def inline_geometry(layer_text: str) -> dict:
    """A stored layer for a figure that carries its geometry (an image), turned as the map reads it."""
    return clockwise_rings(json.loads(layer_text))


def map_figure(frame: pd.DataFrame, shapes: pd.DataFrame, towns: pd.DataFrame, measure: pd.Series, year: int,
               region: str | None, geojson: str | dict) -> dict:
    """The whole town map of one measure-year (towns outside `region` dimmed); geometry by URL or inline."""
    values = map_values(frame, measure["label"], measure["unit"], measure["direction"], year, region)
    view = fit_view(region_bounds(shapes, towns, region), revision=region or ALL_REGIONS)
    points = frame[["town_geoid"]].merge(shapes, on="town_geoid", how="left")
    return town_map(geojson, frame["town_geoid"].tolist(), frame["town_name"].tolist(),
                    points["label_lon"].tolist(), points["label_lat"].tolist(), values, view)


def shown_towns(frame: pd.DataFrame, region: str | None) -> pd.DataFrame:
    """The towns a view is about: those of the chosen planning region, or all of them."""
    return frame[frame["region_id"] == region] if region else frame


def area_of(region: str | None, towns: pd.DataFrame) -> tuple[str, str, str]:
    """(geography level, id, name) of the area a view is about."""
    if not region:
        return "state", codes.STATE_ID, "Connecticut"
    return "region", region, str(towns.loc[towns["region_id"] == region, "region_name"].iloc[0])


def map_summary(frame: pd.DataFrame, rows: pd.DataFrame, towns: pd.DataFrame, measure: pd.Series, year: int,
                region: str | None, group: str = EVERYONE) -> str:
    """Range across the towns shown, the population-weighted figure and, with a group lens, the group's."""
    level, geo_id, area = area_of(region, towns)
    here = (rows["geography_level"] == level) & (rows["geography_id"] == geo_id)
    total = rows[here & (rows["group_code"] == "total")]
    text = summary_sentence(shown_towns(frame, region), measure["label"], measure["unit"],
                            measure["direction"], year, area if region else None,
                            total.iloc[0] if not total.empty else None)
    text = with_note(text, place_note(area, excluded_count(total)))
    if group == EVERYONE:
        return text
    places = [(level, geo_id, area)] + ([("state", codes.STATE_ID, "Connecticut")] if region else [])
    lens = group_lens(rows, group, places, measure["label"], measure["unit"], measure["direction"])[0]
    if not lens:
        return f"{text} " + _("No group-weighted figures for %(residents)s.", residents=residents(group))
    return f"{text} " + with_note(lens, places_note([(name, excluded_count(rows, lvl, gid))
                                                     for lvl, gid, name in places[1:]]))


def map_table(frame: pd.DataFrame, measure: pd.Series, year: int, region: str | None, k: int) -> pd.DataFrame:
    """The figures the map shows for the towns of the view; suppressed values say so instead of a blank."""
    shown = shown_towns(frame, region)
    table = data_frame(shown, measure["measure_id"], year, measure["unit"])
    hidden = set(shown.loc[shown["suppressed"].fillna(False).astype(bool), "town_geoid"]) \
        if "suppressed" in shown else set()
    if hidden:
        table["value"] = table["value"].astype(object)
        table.loc[table["town_geoid"].isin(hidden), "value"] = suppressed(k)
    return table


RANKED_LABELS = {"rank": N_("Rank"), "town": N_("Town"), "value": N_("Value (90 % interval)"),
                 "reliability": N_("Reliability")}
LENS_LABELS = {"area": N_("Area"), "group": N_("Group"), "reference": N_("Reference group"), "ratio": N_("Ratio"),
               "difference": N_("Difference"), "note": N_("Note")}


def _labels(labels: dict[str, str]) -> dict[str, str]:
    return {key: _(text) for key, text in labels.items()}


def _value_cell(r, unit: str, k: int) -> str:
    """A ranked town's value with its interval; a suppressed value says so (never a blank that reads as none)."""
    flag = getattr(r, "suppressed", False)
    if pd.isna(r.value) and not pd.isna(flag) and bool(flag):
        return suppressed(k)
    return interval_text(r.value, r.low, r.high, unit) if pd.notna(r.moe) else interval_text(r.value, None, None, unit)


def ranked_parts(frame: pd.DataFrame, rows: pd.DataFrame, towns: pd.DataFrame, measure: pd.Series, year: int,
                 region: str | None, suffix: str, link: Callable[[str], str] = str, k: int = 5) -> ChartParts:
    """The towns of the view ranked, with rank ranges where intervals overlap (chart id `access-ranked`).

    Each town links to its profile (`link` makes a path an address of the app; `suffix` is the view's query);
    a town whose value is suppressed for the viewer reads "suppressed (fewer than k)".
    """
    unit = measure["unit"]
    ranked = rank_ranges(shown_towns(frame, region), measure["direction"] == "higher_is_better", unit_limits(unit))
    cells = [[r.rank_text, TableLink(r.town_name, link(f"/towns/{r.town_geoid}") + suffix), _value_cell(r, unit, k),
              reliability_text(r.reliability)]
             for r in ranked.itertuples()]
    labels = _labels(RANKED_LABELS)
    table = pd.DataFrame([[c.text if isinstance(c, TableLink) else c for c in row] for row in cells],
                         columns=list(labels))
    shown = long_table(list(labels.values()), cells, numeric=(2,), id_="access-table",
                       caption=_("Rank 1 = best; towns whose intervals overlap share a rank range."))
    area = area_of(region, towns)[2]
    source = str(measure["source"] or _("release table town_measures")).rstrip(".")
    return ChartParts("access-ranked",
                      _("Towns ranked: %(measure)s, %(year)s (%(area)s)", measure=measure["label"], year=year,
                        area=area),
                      map_summary(frame, rows, towns, measure, year, region), table, None, labels,
                      _("Source: %(source)s.", source=source), extra=[shown])


def lens_parts(rows: pd.DataFrame, towns: pd.DataFrame, measure: pd.Series, year: int, region: str | None,
               group: str) -> ChartParts | None:
    """One group's population-weighted figure against the reference group's, in the area and the state
    (chart id `access-lens`); None without a group lens."""
    if group == EVERYONE:
        return None
    area = area_of(region, towns)[2]
    places = [("state", codes.STATE_ID, "Connecticut")] + ([("region", region, area)] if region else [])
    sentence, cells = group_lens(rows, group, places, measure["label"], measure["unit"], measure["direction"])
    title = _("%(residents)s: %(measure)s, %(year)s", residents=residents(group, start=True),
              measure=measure["label"], year=year)
    if not cells:
        text = _("No group-weighted figures for %(residents)s in this release.", residents=residents(group))
        return ChartParts("access-lens", title, text, pd.DataFrame(columns=list(LENS_LABELS)), None,
                          _labels(LENS_LABELS))
    reference = str(rows["reference_group"].dropna().iloc[0]) if rows["reference_group"].notna().any() else ""
    headers = [_("Area"), group_label(group), _("%(group)s (reference)", group=group_label(reference)),
               _("Ratio"), _("Difference"), _("Note")]
    labels = dict(zip(LENS_LABELS, headers))
    counts = {name: excluded_count(rows, lvl, gid) for lvl, gid, name in places}
    notes = [place_note(row[0], counts.get(row[0], 0)) for row in cells]
    shown = data_table(headers[:-1], cells, caption=_("Population-weighted, with 90 % intervals"),
                       numeric=(1, 2, 3, 4), id_="access-lens-table")
    table = pd.DataFrame([[*row, note] for row, note in zip(cells, notes)], columns=list(LENS_LABELS))
    return ChartParts("access-lens", title, with_note(sentence, " ".join(n for n in notes if n)), table, None, labels,
                      _("Source: release table access_by_group (group-weighted figures)."), extra=[shown])
