"""The page skeleton written once (issue #14, "one of each"): every page with filters is built by it, in one
order, and the release selector lists the viewer's releases with their status."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dash import dcc, html

from components.skeleton import empty_page, filters_row, page_skeleton, release_select
from tests.layouts import by_id, texts

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Release:
    release_id: str
    status: str
    published_at: date | None
    synthetic: bool


def test_the_skeleton_puts_the_furniture_in_one_order():
    info = Release("2025-06", "published", date(2025, 6, 30), True)
    page = page_skeleton(info, "Title", "Question?", filters_row([html.Div(id="f")]), [html.Div(id="body")],
                         location="x-url", before=[dcc.Store(id="x-store")], lead=[html.A("back", id="back")],
                         intro=[html.P("intro", id="intro")])
    kinds = [getattr(c, "id", None) or type(c).__name__ for c in page.children]
    assert kinds == ["x-url", "x-store", "synthetic-notice", "back", "H1", "P", "intro", "Row", "body", "P"]
    assert page.children[0].refresh == "callback-nav"
    assert page.children[-1].children.startswith("Release 2025-06 (published, published June 30, 2025)")


def test_no_location_no_filters_and_real_data_leave_their_slots_out():
    page = page_skeleton(Release("r1", "draft", None, False), "T", "Q", None, [html.Div(id="body")])
    assert [type(c).__name__ for c in page.children] == ["NoneType", "H1", "P", "Div", "P"]  # no notice


def test_the_release_selector_names_each_release_with_its_status():
    select = by_id(release_select("x-release", [Release("r2", "published", None, False),
                                                Release("r1", "draft", None, False)], "r1"), "x-release")
    assert select.options == [{"label": "r2 (published)", "value": "r2"}, {"label": "r1 (draft)", "value": "r1"}]
    assert select.value == "r1"


def test_an_empty_page_states_the_question_over_a_notice():
    assert texts(empty_page("T", "Q")) == "T Q No release has been published yet."
    shown = empty_page("T", "Q", "Nothing here.", Release("r1", "draft", None, True))
    assert by_id(shown, "synthetic-notice") is not None and texts(shown).endswith("T Q Nothing here.")


def test_no_page_writes_the_release_selector_or_the_skeleton_out_by_hand():
    pages = [p for p in (ROOT / "dashboards").rglob("*.py") if p.parent.name != "methodology"]
    by_hand = [str(p.relative_to(ROOT)) for p in pages
               if 'release_status(r.status)' in (text := p.read_text(encoding="utf-8"))
               or "release_line(" in text]
    assert not by_hand, f"pages writing the skeleton out by hand: {by_hand}"
