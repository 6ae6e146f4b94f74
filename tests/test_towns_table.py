"""The project's own town table agrees with the Census/CTData crosswalk in ../shared."""
from __future__ import annotations

import csv

from geo.towns import normalise_geoid, towns
from tests.conftest import shared_reference


def test_town_table_matches_the_crosswalk():
    with open(shared_reference("data/ct/town_county_region_crosswalk.csv"), encoding="utf-8") as handle:
        reference = {r["town_geoid_2022"]: r for r in csv.DictReader(handle)}
    table = towns()
    assert len(table) == 169 == len(reference)
    assert set(table["town_geoid"]) == set(reference)
    for row in table.itertuples():
        ref = reference[row.town_geoid]
        assert (row.town_name, row.legacy_geoid, row.region_id, row.region_name, row.county_id, row.county_name) == (
            ref["town"], ref["town_geoid_2020"], ref["planning_region_fips_2022"],
            ref["planning_region_name_2022"], ref["county_fips_legacy"], ref["county_name_legacy"])
    assert table["region_id"].nunique() == 9 and table["county_id"].nunique() == 8


def test_both_geoid_schemes_normalise_to_2022():
    assert normalise_geoid("0900337070") == "0911037070"  # Hartford, legacy Hartford County scheme
    assert normalise_geoid("0911037070") == "0911037070"
    assert normalise_geoid("0900300000") is None  # water pseudo-area
    assert normalise_geoid("0911137070") is None  # right town code, wrong region
    assert normalise_geoid("hartford") is None
