"""Chart CSV downloads (review S6): the header row is the table's column names in the viewer's language, never
field ids, and numbers read as on the page (es_US: decimal point); the formula guard still holds."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from data_access import codes

EXPECTED = {
    "en": ["Area", "Black or African American", "White (reference)", "Ratio", "Difference", "Note"],
    "es": ["Área", "Negro o afroamericano", "Blanco (referencia)", "Razón", "Diferencia", "Nota"],
}


def lens_rows() -> pd.DataFrame:
    base = {"year": 2025, "geography_level": "state", "geography_id": codes.STATE_ID, "measure_id": "m",
            "reference_group": "white"}
    values = {"white": 90.4, "black": 81.25}
    return pd.DataFrame([{**base, "group_code": g, "weighted_value": v, "ci_low": v - 1.5, "ci_high": v + 1.5,
                          "ratio": v / 90.4, "difference": v - 90.4} for g, v in values.items()])


def download(lang: str) -> tuple[list[str], list[list[str]]]:
    """The access page's group-lens table as the page builds it, and its CSV as the download sends it."""
    from app import app
    from components.panel import table_data
    from dashboards.access.parts import lens_parts
    from web.downloads import download_csv

    measure = pd.Series({"measure_id": "m", "label": "Broadband", "unit": "percent",
                         "direction": "higher_is_better"})
    with app.server.test_request_context(f"/?lang={lang}"):
        parts = lens_parts(lens_rows(), pd.DataFrame(), measure, 2025, None, "black")
        table = table_data(parts.table, parts.labels)
        shown = [c["headerName"] for c in table["columnDefs"]]
        sent = download_csv(1, table["rowData"], table["columnDefs"], {"type": "panel-table", "chart": parts.chart_id})
    return shown, list(csv.reader(io.StringIO(sent["content"], newline="")))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_csv_headers_are_the_tables_headers_in_the_viewers_language(app_env, lang):
    shown, records = download(lang)
    assert shown == EXPECTED[lang]  # the page's table in that language …
    assert records[0] == EXPECTED[lang]  # … and the downloaded CSV says the same, not "area", "group", …
    body = " ".join(",".join(r) for r in records[1:])
    assert "81.2" in body and "81,2" not in body  # es_US: a decimal point, as on the page


def test_field_ids_are_used_only_when_a_column_has_no_header_and_the_guard_still_holds(app_env):
    from web.downloads import download_csv

    defs = [{"field": "name", "headerName": "=HYPERLINK(1)"}, {"field": "n"}, {"field": "v", "headerName": " "}]
    sent = download_csv(1, [{"name": "=1+1", "n": 1, "v": 0.57}], defs, {"type": "panel-grid", "chart": "c"})
    records = list(csv.reader(io.StringIO(sent["content"], newline="")))
    assert records == [["'=HYPERLINK(1)", "n", "v"], ["'=1+1", "1", "0.57"]]
