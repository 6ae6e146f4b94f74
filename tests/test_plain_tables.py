"""Plain HTML tables where no AG Grid may be loaded (the embeds): cells as the grid shows them, long tables cut
with a note, grids of a layout turned into tables, and an embed document's scripts without AG Grid's."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from dash import html
from hypothesis import given
from hypothesis import strategies as st

from components.tables import frame_table, markdown_link, markdown_link_parts, shown_text, without_grids
from tests.layouts import texts, walk


@pytest.mark.parametrize("value, shown", [
    (3.0, "3"), (47.9, "47.9"), (0.1 + 0.2, "0.30000000000000004"), (1e-05, "0.00001"), (1e-07, "1e-7"),
    (1e21, "1e+21"), (123456789012.5, "123456789012.5"), (-0.0, "0"), (np.float64(8.8), "8.8"),
    (np.int64(2025), "2025"), (None, ""), (math.nan, ""), (pd.NA, ""), (True, "true"), ("✔ Met", "✔ Met"),
])
def test_cells_read_as_the_grid_shows_them(value, shown):
    """JavaScript's String(value), which AG Grid shows: no '.0' on whole numbers, missing values blank."""
    assert shown_text(value) == shown


def cells(table) -> list[list]:
    body = next(n for n in walk(table) if type(n).__name__ == "Tbody")
    return [[td.children for td in tr.children] for tr in body.children]


def test_a_long_table_shows_its_first_rows_and_says_the_download_holds_them_all():
    frame = pd.DataFrame({"town": [f"Town {i}" for i in range(120)], "value": [i / 4 for i in range(120)]})
    table = frame_table(frame, ["Town", "Value"], "Broadband by town", limit=50)
    assert len(cells(table)) == 50 and cells(table)[3] == ["Town 3", "0.75"] and cells(table)[4][1] == "1"
    caption = next(n for n in walk(table) if type(n).__name__ == "Caption")
    assert caption.children == "Broadband by town"
    heads = [n for n in walk(table) if type(n).__name__ == "Th"]
    assert [(h.children, h.scope) for h in heads] == [("Town", "col"), ("Value", "col")]
    numbers = [n for n in walk(table) if type(n).__name__ == "Td"][1]
    assert "text-end" in numbers.className  # figures right-aligned
    assert "Showing the first 50 of 120 rows; “Download CSV” holds all of them." in texts(table)
    short = frame_table(frame.head(7), ["Town", "Value"], "Broadband by town", limit=50)
    assert len(cells(short)) == 7 and "Showing" not in texts(short)


def test_the_note_is_in_spanish_for_a_spanish_reader(app_env):
    from app import app

    frame = pd.DataFrame({"n": range(60)})
    with app.server.test_request_context("/embed/x?lang=es"):
        note = texts(frame_table(frame, ["N"], "Tabla"))
    assert "Se muestran las primeras 50 de 60 filas; «Descargar CSV» las contiene todas." in note


@given(st.text(min_size=1, max_size=40), st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_a_markdown_link_reads_back_as_its_text_and_address(text, href):
    assert markdown_link_parts(markdown_link(text, href)) == (text, href.replace(" ", "%20").replace(")", "%29"))


def test_grids_of_a_layout_become_plain_tables_with_their_links_and_the_layout_is_not_changed():
    from dashboards._shared.workforce import link_grid

    frame = pd.DataFrame({"Agency": ["Department of Correction", "Evil](javascript:alert(1))"], "Employees": [12, 3]})
    grid = link_grid("agencies-table", frame, "Agency", ["/agencies/DOC?year=2025", "/x"])
    layout = html.Div([html.P("Agencies"), html.Div([grid])])
    plain = without_grids(layout)
    assert not [n for n in walk(plain) if getattr(n, "_namespace", None) == "dash_ag_grid"]
    assert grid in list(walk(layout))  # the page's own layout (which may be cached) keeps its grid
    links = [n for n in walk(plain) if type(n).__name__ == "A"]
    assert [(a.children, a.href, a.target) for a in links] == [
        ("Department of Correction", "/agencies/DOC?year=2025", "_blank"),
        ("Evil](javascript:alert(1))", "/x", "_blank")]
    assert cells(plain)[0][1] == "12" and texts(plain).startswith("Agencies")
    assert next(n for n in walk(plain) if type(n).__name__ == "Table").id == "agencies-table"


def test_only_the_named_library_s_script_tags_are_left_out():
    from web.site import without_libraries

    scripts = "\n".join([
        '<script src="/_dash-component-suites/dash/dcc/dash_core_components.v1m0.js"></script>',
        '<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v1m0.min.js"></script>',
        '<script src="/_dash-component-suites/dash_bootstrap_components/_components/dbc.v1m0.min.js"></script>',
        '<script>var x = "/_dash-component-suites/dash_ag_grid/";</script>',
    ])
    kept = without_libraries(scripts, "/").split("\n")
    assert kept == [scripts.split("\n")[i] for i in (0, 2, 3)]
    assert without_libraries(scripts.replace('src="/', 'src="/app/'), "/app/").count("dash_ag_grid.v1") == 0
