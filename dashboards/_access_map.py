"""The `/access` town map as one chart (page, embed and image): figure, summary sentence and data table."""
from __future__ import annotations

import pandas as pd

from components.formatting import SUPPRESSED, group_label
from components.maps import town_map
from data_access import codes

from ._access import (
    ALL_REGIONS,
    EVERYONE,
    data_frame,
    fit_view,
    group_lens,
    map_values,
    region_bounds,
    summary_sentence,
)

TABLE_LABELS = {
    "year": "Year", "measure_id": "Measure", "town_geoid": "Town GEOID", "town_name": "Town",
    "region_name": "Planning region", "value": "Value", "moe": "Margin of error (90 %)",
    "interval_low": "90 % interval, low", "interval_high": "90 % interval, high",
    "cv": "Coefficient of variation", "reliability": "Reliability", "numerator": "Numerator",
    "denominator": "Denominator", "class_break": "Map class",
}


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
    if group == EVERYONE:
        return text
    places = [(level, geo_id, area)] + ([("state", codes.STATE_ID, "Connecticut")] if region else [])
    lens, _ = group_lens(rows, group, places, measure["label"], measure["unit"], measure["direction"])
    return f"{text} {lens or f'No group-weighted figures for {group_label(group)} residents.'}"


def map_table(frame: pd.DataFrame, measure: pd.Series, year: int, region: str | None, k: int) -> pd.DataFrame:
    """The figures the map shows for the towns of the view; suppressed values say so instead of a blank."""
    shown = shown_towns(frame, region)
    table = data_frame(shown, measure["measure_id"], year, measure["unit"])
    hidden = set(shown.loc[shown["suppressed"].fillna(False).astype(bool), "town_geoid"]) \
        if "suppressed" in shown else set()
    if hidden:
        table["value"] = table["value"].astype(object)
        table.loc[table["town_geoid"].isin(hidden), "value"] = SUPPRESSED.format(k=k)
    return table
