"""Spanish text of the data (issue #18, DESIGN §2): the optional `label_es`, `description_es` (measures.csv) and
`agency_name_es` (agencies.csv) on Spanish pages, embeds and in the API, English where they are missing; the
validation of those columns; and the US / Puerto Rico number style (es_US) of the Spanish site."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from tests.layouts import texts, walk
from tests.public_pages import PAGE_MODULES

# From the demo inputs (pipeline/demo), written out here rather than read from the code under test.
DOT_EN, DOT_ES = "Department of Transportation", "Departamento de Transporte"
UNINSURED_EN, UNINSURED_ES = "Residents without health insurance", "Residentes sin seguro médico"


# ---------------------------------------------------------------- the one choice, as a pure function
def _catalog() -> pd.DataFrame:
    return pd.DataFrame({"measure_id": ["a", "b", "c", "d"], "label": ["Alpha", "Beta", "Gamma", "Delta"],
                         "description": ["A.", "B.", "C.", None],
                         "label_es": ["Alfa", "", None, "  "], "description_es": ["A es.", None, "", "D es."]})


def test_spanish_text_is_shown_where_given_and_english_where_it_is_missing_or_empty():
    from components.data_text import in_language

    spanish = in_language(_catalog(), "es")
    assert spanish["label"].tolist() == ["Alfa", "Beta", "Gamma", "Delta"]  # "", None and blanks: English
    assert spanish["description"].tolist()[:3] == ["A es.", "B.", "C."] and spanish["description"][3] == "D es."
    english = in_language(_catalog(), "en")
    assert english["label"].tolist() == ["Alpha", "Beta", "Gamma", "Delta"]
    # a release built from files without the optional columns has no Spanish column at all
    bare = _catalog().drop(columns=["label_es", "description_es"])
    assert in_language(bare, "es")["label"].tolist() == ["Alpha", "Beta", "Gamma", "Delta"]


def test_the_agency_list_is_sorted_by_the_name_the_viewer_reads():
    from components.data_text import agencies_in_language

    frame = pd.DataFrame({"agency_code": ["DOT", "WCC"], "agency_name": [DOT_EN, "Workers' Compensation Commission"],
                          "peer_group": ["infrastructure", "general government"],
                          "agency_name_es": [DOT_ES, "Comisión de Compensación al Trabajador"]})
    assert agencies_in_language(frame, "es")["agency_name"].tolist() == ["Comisión de Compensación al Trabajador",
                                                                          DOT_ES]
    assert agencies_in_language(frame, "en")["agency_name"].tolist() == [DOT_EN, "Workers' Compensation Commission"]


# ---------------------------------------------------------------- pages, embeds and the API
@pytest.fixture
def site(app_env):
    import importlib

    import app as app_module

    modules = {name: importlib.import_module(PAGE_MODULES[name])
               for name in ("agency", "agencies", "access", "embed")}
    return app_module.app.server, modules, app_env["release_id"]


def _text(server, lang: str, build) -> str:
    with server.test_request_context(f"/?lang={lang}"):
        return texts(build())


def test_a_spanish_scorecard_names_the_agency_in_spanish(site):
    server, modules, rid = site
    spanish = _text(server, "es", lambda: modules["agency"].layout(code="DOT", release=rid))
    english = _text(server, "en", lambda: modules["agency"].layout(code="DOT", release=rid))
    assert DOT_ES in spanish and DOT_EN not in spanish
    assert DOT_EN in english and DOT_ES not in english


def test_a_spanish_page_offers_the_measures_and_peer_groups_in_spanish(site):
    server, modules, rid = site

    def options(lang: str, page: str, **query) -> list[str]:
        with server.test_request_context(f"/?lang={lang}"):
            tree = modules[page].layout(release=rid, **query)
            return [o["label"] for c in walk(tree) if type(c).__name__ == "Select" for o in c.options]

    assert UNINSURED_ES in options("es", "access") and UNINSURED_EN not in options("es", "access")
    assert UNINSURED_EN in options("en", "access")
    assert "Servicios humanos" in options("es", "agencies") and "Human services" in options("en", "agencies")


def test_a_spanish_embed_shows_the_measures_spanish_label(site):
    server, modules, rid = site
    query = {"release": rid, "measure": "uninsured", "year": "2024"}
    spanish = _text(server, "es", lambda: modules["embed"].layout(chart_id="access-map", **query))
    english = _text(server, "en", lambda: modules["embed"].layout(chart_id="access-map", **query))
    assert UNINSURED_ES in spanish and UNINSURED_EN not in spanish
    assert UNINSURED_EN in english


def test_the_api_returns_the_spanish_fields_and_documents_them(app_env):
    from app import app

    client = app.server.test_client()
    measures = {r["measure_id"]: r for r in client.get("/api/v1/measures?limit=100").get_json()["rows"]}
    assert measures["uninsured"]["label"] == UNINSURED_EN and measures["uninsured"]["label_es"] == UNINSURED_ES
    assert measures["uninsured"]["description_es"].startswith("Porcentaje de residentes sin cobertura")
    agencies = {r["agency_code"]: r for r in client.get("/api/v1/agencies?limit=100").get_json()["rows"]}
    assert agencies["DOT"]["agency_name"] == DOT_EN and agencies["DOT"]["agency_name_es"] == DOT_ES
    doc = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    label_es = doc["MeasuresRow"]["properties"]["label_es"]
    assert label_es["type"] == "string" and label_es["nullable"] is True and "Spanish" in label_es["description"]
    assert doc["AgenciesRow"]["properties"]["agency_name_es"]["nullable"] is True
    assert "description_es" in doc["MeasuresRow"]["properties"]


# ---------------------------------------------------------------- validation of the optional columns
@pytest.fixture
def inputs(demo_inputs, tmp_path) -> Path:
    target = tmp_path / "inputs"
    shutil.copytree(demo_inputs, target)
    return target


def _rewrite(path: Path, change) -> None:
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(change(table))
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _drop(column: str):
    def change(table):
        i = table[0].index(column)
        return [row[:i] + row[i + 1:] for row in table]
    return change


def test_files_without_the_optional_columns_are_valid_and_read_as_english(inputs):
    from pipeline.validate import validate_inputs

    _rewrite(inputs / "measures.csv", _drop("label_es"))
    _rewrite(inputs / "measures.csv", _drop("description_es"))
    _rewrite(inputs / "agencies.csv", _drop("agency_name_es"))
    frames = validate_inputs(inputs)
    assert frames["measures"]["label_es"].isna().all() and frames["agencies"]["agency_name_es"].isna().all()


def test_a_bad_spanish_label_is_named_by_file_line_and_column(inputs):
    from pipeline.validate import ValidationError, validate_inputs

    def bad(table):
        table[2][table[0].index("label_es")] = "=HYPERLINK(\"http://x\")"
        table[3][table[0].index("label_es")] = "x" * 201
        return table

    _rewrite(inputs / "measures.csv", bad)
    _rewrite(inputs / "agencies.csv", lambda t: [t[0][:3] + ["agency_name_fr"], *t[1:]])
    with pytest.raises(ValidationError) as info:
        validate_inputs(inputs)
    found = info.value.problems
    assert any(p.startswith("measures.csv:3: label_es==HYPERLINK") and "formula" in p for p in found), found
    assert any(p.startswith("measures.csv:4: label_es=xxx") and "longer than 200" in p for p in found), found
    assert any(p.startswith("agencies.csv:1: agency_name_fr=") and "unknown column" in p for p in found), found


# ---------------------------------------------------------------- US / Puerto Rico numbers in Spanish
def test_spanish_numbers_and_money_are_written_as_in_the_us_and_puerto_rico(app_env):
    from app import app
    from components import formatting as f
    from components.figures import localize

    # the reference: CLDR's Spanish of the United States, asked of Babel directly
    assert (get_decimal_symbol("es_US"), get_group_symbol("es_US")) == (".", ",")
    with app.server.test_request_context("/?lang=es"):
        assert f.number(1234.5, 1) == "1,234.5" == format_decimal(1234.5, "#,##0.0", locale="es_US")
        assert f.dollars(45_321) == "$45,300"
        assert f.count(1234) == "1,234" != format_decimal(1234, "#,##0", locale="es")  # not Spain's "1.234"
        assert f.percent(0.1234) == "12.3 %"
        figure = localize({"data": [], "layout": {"separators": ",."}})
    assert figure["layout"]["separators"] == ".,"  # charts: decimal point, comma thousands


def test_the_translation_check_covers_the_new_interface_text():
    from tests.test_translations import interface_messages

    messages = interface_messages()
    for msgid in ("human services", "general government", "Black or African American women", "Benchmark",
                  "%(num)s is moving away from its target"):
        assert msgid in messages, msgid
