""""n towns not included: their figures are suppressed" (DESIGN §5, issue #13) wherever a region, county or
state figure over towns is shown: /access (summary, group lens), /towns/<geoid> (region and state lines),
/disparities, their embeds and CSV downloads; a suppressed town value itself shows the suppression mark.

Hand-built fixture (tests/test_towns_excluded.py): Avon (Capitol Planning Region) is suppressed, so the Capitol
figure and the state figure each leave out 1 town; the Greater Bridgeport figure leaves out none. The same
fixture with Avon public leaves out nothing, and no note may appear. The second half checks the same on the
published demo through the callbacks, the embeds and the CSVs, against an independent count of its
suppressed town values.
"""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from data_access.csv_export import csv_text
from pipeline.stats.access import access_by_group
from pipeline.stats.indices import inequality_indices
from tests.layouts import texts
from tests.test_towns_excluded import AVON, HARTFORD, POPULATION, TOWNS, values

CAPITOL, BRIDGEPORT_REGION = "Capitol Planning Region", "Greater Bridgeport Planning Region"
ONE = "1 town not included: its figure is suppressed"
MARK = "suppressed (fewer than 5)"
MEASURE = pd.Series({"measure_id": "m", "label": "Households with broadband", "unit": "percent",
                     "direction": "higher_is_better", "source": "Test source", "description": "", "years": [2023]})


def fixture(suppressed: bool) -> dict:
    """Town values as an anonymous viewer gets them (Avon's figures blanked when suppressed) and the aggregates."""
    raw = values(suppressed=suppressed)
    rows = access_by_group(raw, POPULATION, TOWNS, draws=20)
    theil = inequality_indices(raw, POPULATION, TOWNS)
    shown = raw.copy()
    for column in ("value", "numerator", "denominator", "moe"):
        shown[column] = shown[column].astype(object).where(~shown["suppressed"], None)
    shown = shown.assign(cv=np.nan, reliability=None, class_break=np.nan)
    towns = TOWNS[["town_geoid", "town_name", "region_id", "region_name", "county_id", "county_name"]]
    frame = towns.merge(shown.drop(columns=["year", "measure_id"]), on="town_geoid", how="left")
    return {"rows": rows, "theil": theil, "frame": frame, "towns": towns, "values": shown}


def csv_of(table: pd.DataFrame) -> str:
    return csv_text(list(table.columns), table.to_dict("records"))


@pytest.fixture(params=[True, False], ids=["avon-suppressed", "all-public"])
def case(request) -> tuple[bool, dict]:
    return request.param, fixture(request.param)


# ---------------------------------------------------------------- /access: summary, ranked table, group lens
def test_the_access_summary_notes_the_suppressed_towns_of_the_figure_shown(case):
    from dashboards.access.parts import map_summary, ranked_parts

    hidden, f = case
    state = map_summary(f["frame"], f["rows"], f["towns"], MEASURE, 2023, None)
    capitol = map_summary(f["frame"], f["rows"], f["towns"], MEASURE, 2023, "09110")
    bridgeport = map_summary(f["frame"], f["rows"], f["towns"], MEASURE, 2023, "09120")
    figure = "22.0 %" if hidden else "26.7 %"  # (1000 + 6000 + 4000)/500 without Avon; 13400/500 with it
    assert f"Weighted by population, the figure for Connecticut is {figure}" in state
    assert (f"Connecticut: {ONE}." in state) is hidden
    assert (f"{CAPITOL}: {ONE}." in capitol) is hidden
    assert "not included" not in bridgeport  # no town of Greater Bridgeport is suppressed
    if not hidden:
        assert "not included" not in state + capitol
    ranked = ranked_parts(f["frame"], f["rows"], f["towns"], MEASURE, 2023, "09110", "", k=5)
    assert ranked.summary == capitol  # the ranked panel (page and embed) carries the same summary
    avon = ranked.table[ranked.table["town"] == "Avon"].iloc[0]
    assert (avon["value"] == MARK) is hidden and avon["value"] != "—"


def test_the_group_lens_notes_each_place_it_shows(case):
    from dashboards.access.parts import lens_parts, map_summary

    hidden, f = case
    parts = lens_parts(f["rows"], f["towns"], MEASURE, 2023, "09110", "black")
    notes = dict(zip(parts.table["area"], parts.table["note"]))
    assert notes == ({"Connecticut": f"Connecticut: {ONE}.", CAPITOL: f"{CAPITOL}: {ONE}."} if hidden
                     else {"Connecticut": "", CAPITOL: ""})
    assert (f"Connecticut: {ONE}." in parts.summary and f"{CAPITOL}: {ONE}." in parts.summary) is hidden
    download = list(csv.DictReader(io.StringIO(csv_of(parts.table))))
    assert [r["note"] for r in download] == list(parts.table["note"])
    summary = map_summary(f["frame"], f["rows"], f["towns"], MEASURE, 2023, "09110", "black")
    assert summary.count(f"Connecticut: {ONE}.") == int(hidden)  # the state's note once, not per sentence


# ---------------------------------------------------------------- /towns/<geoid>
def test_the_town_profile_notes_region_and_state_and_marks_a_suppressed_town(case):
    from dashboards.access.town_parts import profile_parts

    hidden, f = case
    measures = pd.DataFrame([MEASURE])
    for geoid in (AVON, HARTFORD):
        town = f["towns"][f["towns"]["town_geoid"] == geoid].iloc[0]
        own = f["values"][f["values"]["town_geoid"] == geoid]
        region = f["rows"][(f["rows"]["geography_level"] == "region") & (f["rows"]["geography_id"] == "09110")
                           & (f["rows"]["group_code"] == "total")]
        state = f["rows"][(f["rows"]["geography_level"] == "state") & (f["rows"]["group_code"] == "total")]
        parts = profile_parts(town, measures, own, region, state, 2023, k=5)
        row = parts.table.iloc[0]
        expected = f"{CAPITOL}: {ONE}. Connecticut: {ONE}." if hidden else ""
        assert row["note"] == expected and (expected in parts.summary)
        assert row["region"].startswith("17.5 %" if hidden else "24.0 %")
        assert row["state"].startswith("22.0 %" if hidden else "26.7 %")
        if geoid == AVON and hidden:
            assert row["town"] == MARK and row["comparison"] == "—"  # the mark and its reason, never a number
            assert "50" not in row["town"]
        elif geoid == AVON:
            assert row["town"].startswith("50.0 %")
        download = next(csv.DictReader(io.StringIO(csv_of(parts.table))))
        assert download["note"] == expected and download["town"] == row["town"]
    if not hidden:
        assert "not included" not in parts.summary


def test_the_trend_marks_a_suppressed_year():
    from dashboards.access.town_transforms import trend_rows

    f = fixture(True)
    avon = f["values"][f["values"]["town_geoid"] == AVON]
    assert trend_rows(avon, pd.DataFrame([MEASURE]), k=5)[1] == [["Households with broadband", MARK]]


# ---------------------------------------------------------------- /disparities
def choice_for(area: str, area_level: str, area_name: str):
    from dashboards.disparities.transforms import Choice

    return Choice("r1", MEASURE, 2023, "region", area_level, area, area_name, "black")


@pytest.mark.parametrize("area, level, name, count", [
    ("09", "state", "Connecticut", 1), ("09110", "region", CAPITOL, 1), ("09120", "region", BRIDGEPORT_REGION, 0)])
def test_disparities_panels_note_the_suppressed_towns(case, area, level, name, count):
    from dashboards.disparities import transforms as dt

    hidden, f = case
    count = count if hidden else 0
    note = f"{name}: {ONE}." if count else ""
    choice = choice_for(area, level, name)
    groups = dt.group_parts(choice, f["rows"], "white")
    assert (note in groups.summary if note else "not included" not in groups.summary)
    assert set(groups.table["note"]) == {note}
    ratio = dt.ratio_parts(choice, f["rows"], "white")
    notes = dict(zip(ratio.table["place"], ratio.table["note"]))
    assert notes.get(name, note) == note and notes["Connecticut"] == (f"Connecticut: {ONE}." if hidden else "")
    assert name in notes or name == BRIDGEPORT_REGION  # no White residents there: no ratio to note
    assert (note in ratio.summary) if note else (f"{name}: " not in ratio.summary)
    theil = dt.theil_trend_parts(choice, f["theil"])
    assert dict(zip(theil.table["place"], theil.table["note"]))[name] == note
    split = dt.theil_split_parts(choice, f["theil"])
    assert list(split.table["note"]) == [f"Connecticut: {ONE}." if hidden else ""]
    for parts in (groups, ratio, theil, split):  # the CSV download carries the note
        assert (ONE in csv_of(parts.table)) is (hidden and (parts is not groups or count > 0))


def test_the_note_counts_and_reads_in_spanish():
    from app import app
    from components.formatting import towns_excluded_note
    from dashboards._shared.excluded import place_note

    assert towns_excluded_note(0) == "" and towns_excluded_note(None) == "" and towns_excluded_note(np.nan) == ""
    assert towns_excluded_note(3) == "3 towns not included: their figures are suppressed"
    with app.server.test_request_context("/?lang=es"):
        assert towns_excluded_note(1) == "1 municipio no incluido: su cifra está suprimida"
        assert place_note("Connecticut", 4) == "Connecticut: 4 municipios no incluidos: sus cifras están suprimidas."


# ---------------------------------------------------------------- the published demo: callbacks, embeds, CSVs
@pytest.fixture
def demo(app_env):
    """A measure-year of the demo with suppressed towns, its counts per place by an independent tally."""
    import app as app_module
    from data_access.queries import read_table

    settings, rid = app_env["settings"], app_env["release_id"]
    towns = read_table(settings, "towns", rid)
    measures = read_table(settings, "town_measures", rid)
    hidden = measures[measures["suppressed"].astype(bool)]
    (year, measure), secret = max(hidden.groupby(["year", "measure_id"]), key=lambda kv: len(kv[1]))
    region_of = dict(zip(towns["town_geoid"], towns["region_id"]))
    per_region = secret["town_geoid"].map(region_of).value_counts()
    quiet = sorted(set(towns["region_id"]) - set(per_region.index))
    with app_module.app.server.test_request_context("/"):
        yield {"app": app_module.app, "rid": rid, "year": int(year), "measure": measure, "settings": settings,
               "secret": sorted(secret["town_geoid"]), "state": len(secret), "towns": towns,
               "region": per_region.index[0], "region_count": int(per_region.iloc[0]),
               "quiet": quiet[0] if quiet else None}


def note_text(place: str, n: int) -> str:
    words = "1 town not included: its figure is suppressed" if n == 1 else \
        f"{n} towns not included: their figures are suppressed"
    return f"{place}: {words}."


def test_demo_access_page_lens_and_download(demo):
    from dashboards.access import page

    d = demo
    name = d["towns"].loc[d["towns"]["region_id"] == d["region"], "region_name"].iloc[0]
    _notice, summary, lens, _ranked = page.update_panel(d["measure"], str(d["year"]), "black", d["region"], d["rid"])
    assert note_text(name, d["region_count"]) in summary
    assert note_text("Connecticut", d["state"]) in texts(lens) and note_text(name, d["region_count"]) in texts(lens)
    if d["quiet"]:
        quiet = page.update_panel(d["measure"], str(d["year"]), "everyone", d["quiet"], d["rid"])[1]
        assert "not included" not in quiet
    sent = page.download(1, d["measure"], str(d["year"]), "everyone", None, d["rid"])
    rows = list(csv.DictReader(io.StringIO(sent["content"])))
    marked = sorted(r["Town GEOID"] for r in rows if r["Value"] == MARK)  # headers as the table names them
    assert marked == d["secret"]  # every suppressed town says so in the CSV, no blank that reads as none


def test_demo_access_download_in_spanish_names_its_columns_in_spanish(demo):
    from dashboards.access import page

    d = demo
    with d["app"].server.test_request_context("/access?lang=es"):
        sent = page.download(1, d["measure"], str(d["year"]), "everyone", None, d["rid"])
    header, *rows = list(csv.reader(io.StringIO(sent["content"], newline="")))
    assert header[:6] == ["Año", "Indicador", "GEOID del municipio", "Municipio", "Región de planificación", "Valor"]
    assert "town_geoid" not in header and "value" not in header
    geoids = [r[2] for r in rows]
    assert sorted(g for g, r in zip(geoids, rows) if r[5].startswith("oculto (menos de")) == d["secret"]
    assert not any("," in r[6] for r in rows)  # a margin of error has a decimal point (es_US), never a comma

def test_demo_town_profile_of_a_suppressed_town(demo):
    from dashboards.access import towns as town_page
    from tests.layouts import panel_table

    d = demo
    geoid = d["secret"][0]
    region = d["towns"].loc[d["towns"]["town_geoid"] == geoid].iloc[0]
    page = town_page.layout(geoid=geoid, release=d["rid"], year=str(d["year"]))
    grid = panel_table(page, "town-profile")
    label = next(r for r in grid["rowData"] if r["town"] == MARK)  # its own value: the mark and its reason
    region_n = sum(1 for t in d["secret"] if d["towns"].set_index("town_geoid").at[t, "region_id"]
                   == region["region_id"])
    assert note_text(region["region_name"], region_n) in label["note"]
    assert note_text("Connecticut", d["state"]) in label["note"]
    assert MARK in csv_text([c["field"] for c in grid["columnDefs"]], grid["rowData"])


@pytest.mark.parametrize("chart", ["access-ranked", "access-lens", "town-profile", "disparities-groups",
                                   "disparities-ratio-trend", "disparities-theil-trend", "disparities-theil-split"])
def test_demo_embeds_carry_the_note(demo, chart):
    from embeds.render import render

    d = demo
    params = {"release": d["rid"], "measure": d["measure"], "year": str(d["year"]), "group": "black",
              "region": d["region"], "geoid": d["secret"][0], "level": "region", "area": d["region"]}
    rendered = render(d["settings"], chart, {k: v for k, v in params.items() if k in ALLOWED[chart]})
    assert rendered is not None, chart
    parts = rendered.parts
    name = d["towns"].loc[d["towns"]["region_id"] == d["region"], "region_name"].iloc[0]
    place, n = ("Connecticut", d["state"]) if chart in ("town-profile", "disparities-theil-split") \
        else (name, d["region_count"])
    text = note_text(place, n)
    table = parts.table
    if chart == "town-profile":  # a note per measure; the summary points to them
        assert any(text in note for note in table["note"]) and "leave out towns" in parts.summary
    elif "year" in table and chart != "disparities-groups":  # trends: the note of each year and place
        row = table[(table["year"] == d["year"]) & ((table["place"] == place) if "place" in table else True)]
        assert list(row["note"]) == [text] and "not included" in parts.summary
    else:
        assert text in parts.summary
    if chart != "access-ranked":  # the ranked towns' CSV lists towns, not the region figure
        assert text in csv_of(table)


ALLOWED = {"access-ranked": ("release", "measure", "year", "group", "region"),
           "access-lens": ("release", "measure", "year", "group", "region"),
           "town-profile": ("release", "geoid", "year"),
           "disparities-groups": ("release", "measure", "year", "level", "area", "group"),
           "disparities-ratio-trend": ("release", "measure", "area", "group"),
           "disparities-theil-trend": ("release", "measure", "area"),
           "disparities-theil-split": ("release", "measure", "year")}


def test_the_show_data_table_marks_a_suppressed_town():
    from dashboards.access.transforms import data_rows

    f = fixture(True)
    rows = {r[0]: r[2] for r in data_rows(f["frame"][f["frame"]["region_id"] == "09110"].dropna(subset=["suppressed"]),
                                         "percent", k=5)[1]}
    assert rows["Avon"] == MARK and rows["Hartford"] == "10.0 %"
